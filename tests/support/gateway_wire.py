"""The gateway's protocol (proto/gateway.proto) encoded and decoded by hand, for test tools that
run with /usr/bin/python3, which has no protobuf module: enough of the wire format for
requests and the top level of replies."""


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(number, wire_type, payload):
    key = varint(number << 3 | wire_type)
    if wire_type == 0:
        return key + varint(payload)
    return key + varint(len(payload)) + payload




def read_varint(data, i):
    shift = value = 0
    while True:
        b = data[i]
        i += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, i


def fields(data):
    """{field number: last value} of a message's top level (varints as ints, the rest as bytes)."""
    out = {}
    i = 0
    while i < len(data):
        key, i = read_varint(data, i)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, i = read_varint(data, i)
        elif wire_type == 2:
            length, i = read_varint(data, i)
            value = data[i:i + length]
            i += length
        elif wire_type == 1:
            value, i = data[i:i + 8], i + 8
        elif wire_type == 5:
            value, i = data[i:i + 4], i + 4
        else:
            raise ValueError("wire type %d" % wire_type)
        out[number] = value
    return out


def registers_of(reply):
    """The values of a Reply's registers (field 10: Registers, values = 1 packed), or None."""
    top = fields(reply)
    if 10 not in top:
        return None
    packed = fields(top[10]).get(1, b"")
    if isinstance(packed, int):  # a single value sent unpacked
        return [packed]
    values, i = [], 0
    while i < len(packed):
        value, i = read_varint(packed, i)
        values.append(value)
    return values
