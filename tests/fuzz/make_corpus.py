#!/usr/bin/python3
"""Writes the seed corpora of the fuzz harnesses (tests/fuzz/corpus/<harness>/), the boundary
cases among them: FC16 with 123/124/125 values, reads of 0/125/126 registers, the largest MBAP
ADU (260 bytes) and RTU frame (256 bytes), and the documented config of each daemon.

Run from anywhere: python3 tests/fuzz/make_corpus.py [CONFIG_DIR]. Existing seeds of the same name are
rewritten; seeds added by hand (regressions) are left alone. Each harness's input layout is
described at the top of its .cpp file."""
import pathlib
import re
import struct
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "support"))
from gateway_wire import varint  # noqa: E402  (the wire format, written once)
ROOT = HERE.parent.parent
CORPUS = HERE / "corpus"


def write(harness, name, data):
    path = CORPUS / harness / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(data))


def u16(v):
    return struct.pack(">H", v & 0xFFFF)


def crc16(data):
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return struct.pack("<H", crc)


def rtu(unit, pdu):
    body = bytes([unit]) + pdu
    return body + crc16(body)


def mbap(tid, unit, pdu, length=None):
    return u16(tid) + u16(0) + u16(len(pdu) + 1 if length is None else length) + bytes([unit]) + pdu


def read_pdu(fc, address, count):
    return bytes([fc]) + u16(address) + u16(count)


def fc16_pdu(address, count, byte_count=None, extra=b""):
    values = b"".join(u16(0x100 + i) for i in range(count))
    bc = 2 * count if byte_count is None else byte_count
    return bytes([0x10]) + u16(address) + u16(count) + bytes([bc & 0xFF]) + values + extra


def fc15_pdu(address, count):
    nbytes = (count + 7) // 8
    return bytes([0x0F]) + u16(address) + u16(count) + bytes([nbytes & 0xFF]) + b"\x55" * nbytes


# ------------------------------------------------------------------------------ fuzz_bridge_mbap
# [piece size][reply choice][TCP stream]
def bridge():
    h = "fuzz_bridge_mbap"
    s = lambda name, stream, piece=0, choice=0: write(h, name, bytes([piece, choice]) + stream)
    s("read_fc03_1", mbap(1, 1, read_pdu(3, 0x0018, 1)))
    for count in (0, 1, 125, 126):
        s(f"read_fc03_count_{count}", mbap(2, 1, read_pdu(3, 0x0000, count)))
        s(f"read_fc04_count_{count}", mbap(3, 1, read_pdu(4, 0x0000, count)))
    for count in (0, 2000, 2001):
        s(f"read_fc01_count_{count}", mbap(4, 1, read_pdu(1, 0x0000, count)))
        s(f"read_fc02_count_{count}", mbap(4, 1, read_pdu(2, 0x0000, count)))
    s("read_fc03_past_ffff", mbap(5, 1, read_pdu(3, 0xFFF0, 125)))
    s("write_fc05_on", mbap(6, 1, bytes([5]) + u16(0) + u16(0xFF00)))
    s("write_fc05_bad_value", mbap(6, 1, bytes([5]) + u16(0) + u16(0x1234)))
    s("write_fc06", mbap(7, 1, bytes([6]) + u16(0x58) + u16(0x0123)), choice=3)
    for count in (123, 124, 125):
        s(f"write_fc16_{count}_values", mbap(8, 1, fc16_pdu(0x58, count)), choice=3)
    s("write_fc16_byte_count_mismatch", mbap(8, 1, fc16_pdu(0x58, 2, byte_count=5)))
    s("write_fc15_1968", mbap(9, 1, fc15_pdu(0, 1968)))
    # The largest ADU: length 254 (unit + 253 PDU bytes), 260 bytes in all.
    big = mbap(10, 1, fc16_pdu(0x58, 123, extra=b"\x00"))
    assert len(big) == 260, len(big)
    s("max_adu_260", big)
    s("over_max_length_255", mbap(11, 1, fc16_pdu(0x58, 123, extra=b"\x00\x00")))
    s("length_1", mbap(12, 1, b"", length=1))
    s("protocol_1", u16(1) + u16(1) + u16(6) + b"\x01" + read_pdu(3, 0, 1))
    s("scaled_unit2_all", mbap(13, 2, read_pdu(4, 0, 30)))
    s("scaled_unit2_past", mbap(13, 2, read_pdu(3, 29, 2)))
    s("scaled_unit2_write", mbap(13, 2, bytes([6]) + u16(0) + u16(1)))
    s("unit0", mbap(14, 0, read_pdu(3, 0, 4)))
    s("unit3", mbap(14, 3, read_pdu(3, 0, 4)))
    s("fc2b_device_id", mbap(15, 1, b"\x2B\x0E\x01\x00"))
    s("fc_unknown", mbap(16, 1, b"\x41\x00"))
    pipelined = b"".join(mbap(20 + i, 1 + i % 2, read_pdu(3 + i % 2, 8 * i, 4)) for i in range(6))
    s("pipelined_whole", pipelined)
    s("pipelined_bytewise", pipelined, piece=1, choice=1)
    s("pipelined_pieces_7", pipelined, piece=7, choice=2)
    s("reply_errors", pipelined, choice=5 + 8 * 7)
    s("half_frame", mbap(30, 1, read_pdu(3, 0, 4))[:9])


# -------------------------------------------------------------------------------- fuzz_rtu_reply
# [function index][unit][address][count - 1][flags][reply]; function index 0..6 = 1,2,3,4,5,6,16
FN = {1: 0, 2: 1, 3: 2, 4: 3, 5: 4, 6: 5, 16: 6}


def rtu_reply():
    h = "fuzz_rtu_reply"

    def s(name, fc, count, reply, unit=1, address=0, flags=0, raw=None):
        raw = count - 1 if raw is None else raw
        write(h, name, bytes([FN[fc], unit]) + u16(address) + u16(raw) + bytes([flags]) + reply)

    def regs(n):
        return b"".join(u16(i * 17) for i in range(n))

    s("fc03_1_ok", 3, 1, rtu(1, b"\x03\x02" + u16(0x1234)))
    s("fc03_125_ok", 3, 125, rtu(1, b"\x03" + bytes([250]) + regs(125)))
    s("fc03_125_reply_claims_126", 3, 125, rtu(1, b"\x03" + bytes([252]) + regs(126)))
    s("fc03_125_reply_124", 3, 125, rtu(1, b"\x03" + bytes([248]) + regs(124)))
    s("fc04_1_reply_0_registers", 4, 1, rtu(1, b"\x04\x00"))
    s("fc01_2000_ok", 1, 2000, rtu(1, b"\x01" + bytes([250]) + b"\xA5" * 250))
    s("fc02_9_ok", 2, 9, rtu(1, b"\x02\x02\xFF\x01"))
    s("fc05_echo", 5, 1, rtu(1, b"\x05" + u16(0x10FF) + u16(0xFF00)), address=0x10FF, raw=1)
    s("fc06_echo", 6, 1, rtu(1, b"\x06" + u16(0x58) + u16(0)), address=0x58, raw=0)
    s("fc16_123_echo", 16, 123, rtu(1, b"\x10" + u16(0x58) + u16(123)), address=0x58)
    s("exception_02", 3, 4, rtu(1, b"\x83\x02"))
    s("exception_55", 3, 4, rtu(1, b"\x83\x55"))
    s("other_unit", 3, 4, rtu(2, b"\x03\x08" + regs(4)))
    s("bad_crc", 3, 1, rtu(1, b"\x03\x02" + u16(1))[:-1] + b"\x00")
    s("too_short", 3, 1, b"\x01\x83")
    # The largest RTU frame: unit + 253 PDU bytes + CRC = 256.
    big = rtu(1, b"\x03" + bytes([251]) + regs(125) + b"\x00")
    assert len(big) == 256, len(big)
    s("max_rtu_256", 3, 125, big)
    s("pdu_framed_fc03", 3, 2, b"\x03\x04" + regs(2), flags=2)
    s("tcp_fc03_ok", 3, 2, mbap(0x1234, 1, b"\x03\x04" + regs(2)), flags=1)
    s("tcp_fc03_other_tid", 3, 2, mbap(0x1235, 1, b"\x03\x04" + regs(2)), flags=1)
    big = mbap(0x1234, 1, b"\x03" + bytes([251]) + regs(125) + b"\x00")
    assert len(big) == 260, len(big)
    s("tcp_max_adu_260", 3, 125, big, flags=1)
    s("tcp_pdu_framed_exception", 16, 123, b"\x90\x04", flags=3)
    # A master's request stream for the simulator's framer, in pieces and with silences.
    stream = rtu(1, read_pdu(3, 0, 125)) + rtu(1, fc16_pdu(0x58, 123)) + rtu(1, b"\x2B\x0E\x01\x00")
    s("sim_requests_pieces", 3, 1, stream, flags=0x30)
    s("sim_fc16_124", 3, 1, rtu(1, fc16_pdu(0x58, 124)), flags=0x10)


# -------------------------------------------------------------------------------- fuzz_admission
# A serialized tristar.gateway.v1.Request (proto/gateway.proto), encoded here by hand.


def field(number, value):
    if isinstance(value, (bytes, str)):
        data = value.encode() if isinstance(value, str) else value
        return varint(number << 3 | 2) + varint(len(data)) + data
    return varint(number << 3) + varint(value)


def packed(number, values):
    return field(number, b"".join(varint(v) for v in values))


def request(body_field, body, client="tristar-ctl", rid=7, unit=0, deadline=0, max_age=0, priority=0):
    out = field(1, rid) + field(2, client)
    for number, v in ((3, unit), (4, deadline), (5, max_age), (6, priority)):
        if v:
            out += field(number, v)
    if body_field is not None:
        out += field(body_field, body)
    return out


def admission():
    h = "fuzz_admission"
    s = lambda name, data: write(h, name, data)
    rr = lambda fc, a, c: field(1, fc) + field(2, a) + field(3, c)
    for count in (0, 1, 125, 126):
        s(f"read_registers_count_{count}", request(10, rr(3, 0, count)))
    s("read_registers_fc4_poll", request(10, rr(4, 0x18, 4), client="tristar-publisher", priority=2, max_age=500))
    s("read_registers_fc5", request(10, rr(5, 0, 1)))
    s("read_registers_past_ffff", request(10, rr(3, 0xFFFF, 2)))
    for count in (0, 2000, 2001):
        s(f"read_bits_count_{count}", request(11, rr(1, 0, count)))
    s("status", request(15, b""))
    s("write_coil_equalize", request(12, field(1, 0) + field(2, 1)))
    s("write_coil_eeprom", request(12, field(1, 0xE000) + field(2, 1), client="anyone"))
    s("write_register_slave", request(13, field(1, 0x58) + field(2, 0xFFFF)))
    s("write_register_70000", request(13, field(1, 0x58) + field(2, 70000)))
    for count in (0, 1, 123, 124, 125):
        vals = [(i * 977) & 0xFFFF for i in range(count)]
        s(f"write_registers_{count}_values", request(14, field(1, 0x58) + packed(2, vals)))
        s(f"write_registers_{count}_values_other_client",
          request(14, field(1, 0x100) + packed(2, vals), client="home-assistant"))
    s("write_registers_value_70000", request(14, field(1, 0x58) + packed(2, [1, 70000])))
    # Over the 4096-byte frame limit (max_frame_bytes).
    s("write_registers_2000_values_oversize",
      request(14, field(1, 0x58) + packed(2, [65535] * 2000)))
    s("client_name_64", request(10, rr(3, 0, 1), client="n" * 64))
    s("client_name_65", request(10, rr(3, 0, 1), client="n" * 65))
    s("client_name_not_utf8", request(10, rr(3, 0, 1), client=b"\xff\xfe"))
    s("deadline_max", request(10, rr(3, 0, 1), deadline=600000))
    s("deadline_over", request(10, rr(3, 0, 1), deadline=600001))
    s("unit_247", request(10, rr(3, 0, 1), unit=247))
    s("unit_248", request(10, rr(3, 0, 1), unit=248))
    s("no_body", request(None, b""))
    s("unknown_field", request(10, rr(3, 0, 1)) + field(99, 1))
    s("not_protobuf", b"\xff\xff\xff\xff\x0f")


# ---------------------------------------------------------------------------------- fuzz_coerce
# [type][value bytes]: 0 i, 1 x, 2 u, 3 y, 4 n, 5 q, 6 b, 7 t, 8 d, 9/10 s, 11 ai, 12 ad,
# 13 (is), 14 a{si}, 15 empty
def coerce():
    h = "fuzz_coerce"
    s = lambda name, t, data: write(h, name, bytes([t]) + data)
    s("int32_minus_3", 0, struct.pack("<i", -3))
    s("int64_2p31", 1, struct.pack("<q", 2**31))
    s("uint32_4e9", 2, struct.pack("<I", 4000000000))
    s("byte_255", 3, b"\xff")
    s("int16_minus_5", 4, struct.pack("<h", -5))
    s("uint16_65535", 5, b"\xff\xff")
    s("bool_true", 6, b"\x01")
    s("uint64_2p40", 7, struct.pack("<Q", 2**40))
    for name, v in (("4", 4.0), ("4_5", 4.5), ("minus_0", -0.0), ("3e9", 3e9), ("nan", float("nan")),
                    ("inf", float("inf")), ("int32_max", 2147483647.0), ("int32_min", -2147483648.0)):
        s(f"double_{name}", 8, struct.pack("<d", v))
    for i, text in enumerate(["4", "-12", "4.0", "4e0", "-1e2", "14.2", "14.2 V", "", " 4", "4 ",
                              "0x10", "nan", "inf", "1e309", "3000000000", "-2147483648",
                              "2147483647.0000000001", "1e-400", "Roof"]):
        s(f"string_{i:02d}", 9, text.encode())
    s("array_int32_empty", 11, b"")
    s("array_double_1", 12, struct.pack("<d", 1.0))
    s("struct", 13, struct.pack("<i", 1) + b"x")
    s("dict", 14, b"key")
    s("empty", 15, b"")


# ---------------------------------------------------------------------------------- fuzz_config
def config(config_dir):
    h = "fuzz_config"
    for path in sorted(config_dir.glob("*.toml")):
        text = path.read_text()
        write(h, path.name, text.encode())
        # The same settings without the comments: shorter, so mutations reach the values sooner.
        lines = [re.sub(r"\s+#.*$", "", l) for l in text.splitlines() if not l.lstrip().startswith("#")]
        write(h, path.stem + "-compact.toml", "\n".join(l for l in lines if l.strip()).encode() + b"\n")
    small = {
        "device_uri_rtu": '[device]\nuri = "rtu:///dev/ttyUSB0?baud=9600&parity=N&stop=2&data=8"\n',
        "device_unit_0": "[device]\nunit = 0\n",
        "unknown_key": "[device]\nbogus = 1\n",
        "syntax_error": "[device\n",
        "bridge_listen_v6": '[bridge]\nlisten = "[::1]:1502"\nscaled_unit = 1\n',
        "publisher_empty": "[publisher]\n",
        "write_rule": '[write_policy]\nallow_eeprom = true\n[[write_policy.rules]]\ntarget = "holding_register"\n'
                      'first = 0x58\nlast = 0x5B\nvalues = [[0, 65535]]\nclients = ["*"]\n',
        "empty": "",
    }
    for name, text in small.items():
        write(h, name + ".toml", text.encode())


if __name__ == "__main__":
    import sys
    # Optional argument: where the daemons' documented configs are (default deploy/config).
    config_dir = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "deploy" / "config"
    bridge()
    rtu_reply()
    admission()
    coerce()
    config(config_dir)
