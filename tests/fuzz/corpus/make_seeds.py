#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes the fuzz targets' seed corpora: a few meaningful inputs each, documented here.
# Run from anywhere: python3 tests/fuzz/corpus/make_seeds.py
import pathlib
import struct

HERE = pathlib.Path(__file__).resolve().parent
NV12 = int.from_bytes(b"NV12", "little")
MAX = 0xFFFFFFFF


def write(target, name, data):
    (HERE / target).mkdir(exist_ok=True)
    (HERE / target / name).write_bytes(data)


# ---- wire_fuzz: a 64-byte packet (read as request, reply and event) + a BUF_GET_LAYOUT reply
def header(ident, op, reserved=b"\0" * 5):
    return struct.pack("<HB", ident, op) + reserved


def pad(data, size=64):
    return data + b"\0" * (size - len(data))


def layout_reply(planes, size, sizes, strides):
    body = struct.pack("<B3xI4I4I", planes, size, *sizes, *strides)
    return pad(struct.pack("<HBxi", 0, 0x04, 0) + body)


wire = {
    "config-set": pad(header(1, 0x00) + struct.pack("<3I", NV12, 640, 480)),
    "frame-rate-set": pad(header(2, 0x03) + struct.pack("<2I", 30000, 1001)),
    "buf-create-nv12": pad(header(3, 0x06) + struct.pack("<B3x4II", 1, 0, 307200, 0, 0, 42))
    + layout_reply(2, 460800, (307200, 153600, 0, 0), (640, 640, 0, 0)),
    "buf-create-overlap": pad(header(4, 0x06) + struct.pack("<B3x4II", 0, 0, 1000, 0, 0, 7))
    + layout_reply(2, 460800, (307200, 153600, 0, 0), (640, 640, 0, 0)),
    "ctrl-set-hue": pad(header(5, 0x0B) + struct.pack("<B7xq", 3, -5)),
    "config-reply": pad(struct.pack("<HBxi", 6, 0x01, 0) + struct.pack("<11I", NV12, 640, 480, 1, 1, 1, 2, 4, 3, 30, 1)),
    "ctrl-enum-reply": pad(struct.pack("<HBxi", 7, 0x0A, 0) + struct.pack("<BB2xIqqqq", 0, 0, 0, -128, 127, 1, 0)),
    "error-reply": pad(struct.pack("<HBxi", 8, 0x09, -22)),
    "frame-avail-event": pad(header(9, 0x00) + struct.pack("<B3xII", 2, 4096, 9)),
    "ctrl-change-event": pad(header(10, 0x01) + struct.pack("<B7xq", 1, 64)),
    "unknown-operation": pad(header(11, 0x42)),
}
for name, data in wire.items():
    write("wire_fuzz", name, data)


# ---- FuzzedDataProvider inputs: integers are taken from the END of the input, most
# significant byte last, so a seed is built back to front.
class Fdp:
    def __init__(self):
        self.chunks = []

    def uint(self, value, nbytes):
        self.chunks.append(value.to_bytes(nbytes, "little"))
        return self

    def boolean(self, value):
        return self.uint(1 if value else 0, 1)

    def op(self, value):  # ConsumeIntegralInRange<int>(0, <= 255)
        return self.uint(value, 1)

    def int8(self, value):  # ConsumeIntegral<std::int8_t>: -128 + the byte
        return self.uint(value + 128, 1)

    def data(self):
        return b"".join(reversed(self.chunks))


# ---- page_directory_fuzz: u32 first, u32 size, then pages (u32 ref, u32 next, u8 fill, u8 n,
# n u32 refs), all read through FuzzedDataProvider
def directory(first, size, pages):
    f = Fdp().uint(first, 4).uint(size, 4)
    for ref, nxt, fill, refs in pages:
        f.uint(ref, 4).uint(nxt, 4).uint(fill, 1).uint(len(refs), 1)
        for r in refs:
            f.uint(r, 4)
    return f.data()


SEQ, ZERO, REPEAT = 1, 0, 2
pgdir = {
    "three-refs": directory(1, 3 * 4096, [(1, 0, ZERO, [100, 101, 102])]),
    "partial-page": directory(9, 4097, [(9, 0, ZERO, [5, 6])]),
    "one-full-page": directory(1, 1023 * 4096, [(1, 0, SEQ, [])]),
    "two-pages": directory(1, 1024 * 4096, [(1, 2, SEQ, []), (2, 0, SEQ, [])]),
    "three-pages": directory(1, 2047 * 4096, [(1, 2, SEQ, []), (2, 3, REPEAT, [77]), (3, 0, SEQ, [])]),
    "cycle": directory(1, 3000 * 4096, [(1, 2, SEQ, []), (2, 1, SEQ, [])]),
    "goes-on": directory(1, 4096, [(1, 2, SEQ, []), (2, 0, SEQ, [])]),
    "ends-early": directory(1, 1024 * 4096, [(1, 0, SEQ, [])]),
    "zero-ref": directory(1, 2 * 4096, [(1, 0, ZERO, [4])]),
    "largest-size": directory(1, MAX, [(1, 1, SEQ, [])]),
}
for name, data in pgdir.items():
    write("page_directory_fuzz", name, data)


def ring_hostile(start, steps):
    f = Fdp().boolean(False).uint(start, 4)
    for step in steps:
        kind = step[0]
        f.op(kind)
        if kind == 0:  # move req_prod by a signed delta
            f.int8(step[1]).boolean(True)
        elif kind == 1:  # scribble a word
            f.uint(step[1], 2).uint(step[2], 4)
        elif kind == 3:  # reply with this id
            f.uint(step[1], 2)
    return f.data()


def ring_honest(start, ops):
    f = Fdp().boolean(True).uint(start, 4)
    for op in ops:
        f.op(op)
    return f.data()


PUSH, PUBLISH, BACK_POP, BACK_REPLY, BACK_PUBLISH, FRONT_POP, BACK_CHECK, FRONT_CHECK = range(8)
ring = {
    "hostile-normal": ring_hostile(0, [(0, 3), (2,), (2,), (2,), (3, 1), (3, 2), (4,), (5,), (2,), (6,)]),
    "hostile-near-wrap": ring_hostile(MAX - 1, [(0, 5), (2,), (2,), (3, 9), (4,), (0, 100), (2,), (6,)]),
    "hostile-backwards": ring_hostile(7, [(0, 4), (2,), (0, -2), (2,), (5,)]),
    "hostile-scribble": ring_hostile(0, [(1, 64, 0xFFFFFFFF), (0, 1), (2,), (1, 4, 9), (5,), (3, 0), (4,)]),
    "honest-exchange": ring_honest(0, [PUSH, PUSH, PUBLISH, BACK_POP, BACK_POP, BACK_CHECK, BACK_REPLY,
                                      BACK_REPLY, BACK_PUBLISH, FRONT_POP, FRONT_POP, FRONT_CHECK]),
    "honest-sleepers": ring_honest(MAX - 2, [BACK_CHECK, FRONT_CHECK, PUSH, PUBLISH, BACK_POP, BACK_CHECK,
                                            BACK_REPLY, BACK_PUBLISH, FRONT_POP, FRONT_CHECK, PUSH, PUBLISH]),
    "honest-full": ring_honest(5, [PUSH] * 33 + [PUBLISH] + [BACK_POP] * 32 + [BACK_REPLY] * 32
                               + [BACK_PUBLISH] + [FRONT_POP] * 32),
}
for name, data in ring.items():
    write("request_ring_fuzz", name, data)


def events(producer, start, steps):
    f = Fdp().boolean(producer).uint(start, 4)
    for step in steps:
        if step is None:  # the other side's turn is not taken: post / pop
            f.boolean(False)
            continue
        f.boolean(True)
        if not producer:
            f.boolean(False)  # no slot scribbled
        f.boolean(False).int8(step)  # move the other index by a signed delta
    return f.data()


evt = {
    "producer-fill": events(True, 0, [None] * 64 + [1, None]),
    "producer-wrap": events(True, MAX - 2, [None] * 5 + [2, None, None, 3, None]),
    "producer-hostile": events(True, 10, [None, None, -100, None]),
    "consumer-normal": events(False, 0, [3, None, None, None, None]),
    "consumer-wrap": events(False, MAX, [5, None, None, None, None, None, None]),
    "consumer-hostile": events(False, 0, [100, None, -3, None]),
}
for name, data in evt.items():
    write("event_page_fuzz", name, data)
