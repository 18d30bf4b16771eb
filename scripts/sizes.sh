#!/usr/bin/env bash
# Prints each component's release .wasm: its size (what Spin loads and a deploy ships),
# the linear memory an instance starts with, and the bytes of data it starts with. The
# last two are what every request's instance maps and, on release, the pooling allocator
# resets as far as the request touched them (docs/performance.md) — the stack and the
# data segments are among the first pages any request dirties.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - target/wasm32-wasip1/release/*.wasm <<'PY'
import os, sys

def leb(b, i):
    value = shift = 0
    while True:
        byte = b[i]; i += 1
        value |= (byte & 0x7F) << shift; shift += 7
        if byte < 0x80:
            return value, i

def memory_and_data(path):
    b = open(path, "rb").read()
    if b[:4] != b"\0asm" or b[4:8] != b"\1\0\0\0":
        return None, None  # a component already: not read here
    i, pages, data = 8, None, 0
    while i < len(b):
        section = b[i]; size, i = leb(b, i + 1); end = i + size
        if section == 5:  # memory: count, then limits (flags, min[, max])
            _, j = leb(b, i); j += 1; pages, _ = leb(b, j)
        elif section == 11:  # data: count, then segments
            count, j = leb(b, i)
            for _ in range(count):
                flags, j = leb(b, j)
                if flags == 2:
                    _, j = leb(b, j)
                if flags in (0, 2):  # active: the offset, `i32.const n` then `end`
                    _, j = leb(b, j + 1)
                    j += 1
                length, j = leb(b, j); data += length; j += length
        i = end
    return pages, data

for path in sys.argv[1:]:
    pages, data = memory_and_data(path)
    memory = f"{pages * 64:6d} KiB memory" if pages is not None else ""
    data = f"{data // 1024:5d} KiB data" if data is not None else ""
    print(f"[sizes] {os.path.basename(path):26s} {os.path.getsize(path) // 1024:6d} KiB  {memory}  {data}")
PY
