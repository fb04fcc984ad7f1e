"""The TriStar's scaling (docs/register-map.md, "Scaling"), for tests that compare a value the
product decoded with the raw registers of the simulator's live block (read from address 0)."""


def signed(word):
    return word - 0x10000 if word >= 0x8000 else word


def v_pu(live):
    """The voltage scale: V_PU hi (0x0000) plus V_PU lo (0x0001) / 65536."""
    return live[0] + live[1] / 65536


def i_pu(live):
    return live[2] + live[3] / 65536


def volts(live, address):
    return signed(live[address]) * v_pu(live) / 32768


def amps(live, address):
    return signed(live[address]) * i_pu(live) / 32768


def watts(live, address):
    return live[address] * v_pu(live) * i_pu(live) / 131072
