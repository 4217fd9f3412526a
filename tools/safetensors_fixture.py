"""Write small reference safetensors files for test/io.test.ts.

Debian 12 does not package the `safetensors` Python library (no python3-safetensors), so this
script writes the bytes itself, following the format spec and the reference writer's layout
rules (huggingface/safetensors, safetensors/src/tensor.rs `prepare` and `serialize`):

- 8-byte little-endian u64 header length N, then N bytes of UTF-8 JSON, then the data;
- the JSON is compact (no spaces), non-ASCII written as UTF-8 (serde_json), `__metadata__`
  first, then one {"dtype", "shape", "data_offsets"} entry per tensor;
- tensors are ordered by descending dtype rank (the enum order BOOL, U8, I8, F8_E5M2, F8_E4M3,
  I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64), then by name in code-point order;
- data offsets are relative to the data start, tensors back to back, C order, little-endian;
- the header is padded with spaces to a multiple of 8 bytes.

Outputs (test/fixtures/io/):
- reference.safetensors: every dtype nabla reads, 0-d and size-0 tensors, names that sort
  differently in UTF-16 and in code points; metadata {"format": "pt"}.
- reference_writable.safetensors: only the dtypes nabla writes (F64, F32, I32, BOOL), so
  nabla's encoder must reproduce the file byte for byte.
- reference.json: each tensor's dtype, shape and values (NaN/inf as strings) from numpy.

Run: /usr/bin/python3 tools/safetensors_fixture.py   (needs numpy: python3-numpy)
Check files written by nabla against the reference reader's rules and the writer's layout:
     /usr/bin/python3 tools/safetensors_fixture.py --check model.safetensors ...
"""
import json
import math
import os
import struct
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "test", "fixtures", "io")

RANK = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"]
NUMPY = {
    "F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "U64": "<u8", "I32": "<i4", "U32": "<u4",
    "I16": "<i2", "U16": "<u2", "I8": "i1", "U8": "u1", "BOOL": "u1",
}


class Entry:
    def __init__(self, dtype, shape, values):
        self.dtype = dtype
        self.shape = list(shape)
        if dtype == "BF16":
            # bfloat16 is the top half of a float32; these values are exact in bfloat16.
            f = np.array(values, dtype="<f4").reshape(shape)
            bits = (f.view("<u4") >> 16).astype("<u2")
            assert np.array_equal((bits.astype("<u4") << 16).view("<f4"), f, equal_nan=True)
            self.data = bits.tobytes()
            self.values = f.reshape(-1).tolist()
        else:
            a = np.array(values, dtype=NUMPY[dtype]).reshape(shape)
            if dtype == "F16":
                assert np.array_equal(a.astype("<f4"), np.array(values, dtype="<f4").reshape(shape), equal_nan=True)
            self.data = a.tobytes()
            self.values = a.reshape(-1).tolist()
        assert len(self.data) == int(np.prod(self.shape, dtype=np.int64)) * np.dtype(NUMPY.get(dtype, "<u2")).itemsize


def write(path, tensors, metadata=None):
    order = sorted(tensors.items(), key=lambda kv: (-RANK.index(kv[1].dtype), kv[0]))
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    offset = 0
    for name, e in order:
        header[name] = {"dtype": e.dtype, "shape": e.shape, "data_offsets": [offset, offset + len(e.data)]}
        offset += len(e.data)
    h = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for _, e in order:
            f.write(e.data)


def check(path):
    """Validate as the reference reader does, and require the reference writer's exact layout."""
    with open(path, "rb") as f:
        b = f.read()
    n, = struct.unpack("<Q", b[:8])
    assert n <= 100_000_000 and 8 + n <= len(b), "header length"
    header = json.loads(b[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", None)
    size = {k: np.dtype(v).itemsize for k, v in NUMPY.items()}
    size.update(F16=2, BF16=2)
    by_offset = sorted(header.items(), key=lambda kv: kv[1]["data_offsets"])
    start = 0
    for name, info in by_offset:
        s, e = info["data_offsets"]
        assert s == start and e - s == int(np.prod(info["shape"], dtype=np.int64)) * size[info["dtype"]], name
        start = e
    assert 8 + n + start == len(b), "data must end the file"
    layout = sorted(header.items(), key=lambda kv: (-RANK.index(kv[1]["dtype"]), kv[0]))
    assert [k for k, _ in layout] == [k for k, _ in by_offset], "tensor order"
    expected = {"__metadata__": meta} if meta is not None else {}
    expected.update(layout)
    h = json.dumps(expected, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert h + b" " * ((8 - len(h) % 8) % 8) == b[8:8 + n], "header bytes"
    print("%s: ok (%d tensors)" % (path, len(header)))


def jsonable(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, float) and not math.isfinite(v):
        return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    return v


def main():
    os.makedirs(OUT, exist_ok=True)
    inf, nan = float("inf"), float("nan")
    readable = {
        "f64": Entry("F64", [2, 3], [0.1, -2.5, 1e300, -0.0, inf, 5e-324]),
        "f32": Entry("F32", [3], [0.1, -3.4028234663852886e38, nan]),
        "f32.scalar": Entry("F32", [], [1.5]),
        "f32.empty": Entry("F32", [0, 4], []),
        "i32": Entry("I32", [2, 2], [-2147483648, 2147483647, 0, -7]),
        "bool": Entry("BOOL", [4], [1, 0, 0, 1]),
        "f16": Entry("F16", [5], [1.0, -2.0, 65504.0, 2.0 ** -24, -inf]),
        "bf16": Entry("BF16", [4], [1.0, 3.140625, -0.0001068115234375, 3.3895313892515355e38]),
        "i64": Entry("I64", [3], [-2147483648, 2147483647, 42]),
        "u64": Entry("U64", [2], [0, 2147483647]),
        "u32": Entry("U32", [2], [0, 2147483647]),
        "i16": Entry("I16", [2], [-32768, 32767]),
        "u16": Entry("U16", [2], [0, 65535]),
        "i8": Entry("I8", [2], [-128, 127]),
        "u8": Entry("U8", [3], [0, 128, 255]),
        # U+FF21 sorts before U+1F600 by code point but after it in UTF-16 (surrogate D83D).
        "\uff21": Entry("F32", [1], [1.0]),
        "\U0001f600": Entry("F32", [1], [2.0]),
        "caf\u00e9": Entry("F32", [1], [3.0]),
    }
    write(os.path.join(OUT, "reference.safetensors"), readable, {"format": "pt"})

    writable = {
        "layers.0.weight": Entry("F32", [2, 3], [0.5, -1.25, 3.0, 1e-8, -0.0, 7.0]),
        "layers.0.bias": Entry("F32", [2], [0.1, 0.2]),
        "layers.10.weight": Entry("F32", [1, 2], [9.0, 8.0]),
        "Z": Entry("F64", [], [2.718281828459045]),
        "empty": Entry("F64", [0], []),
        "steps": Entry("I32", [3], [1, -2, 3]),
        "mask": Entry("BOOL", [2, 2], [1, 0, 1, 1]),
        "\uff21": Entry("F32", [1], [1.0]),
        "\U0001f600": Entry("F32", [1], [2.0]),
    }
    write(os.path.join(OUT, "reference_writable.safetensors"), writable, {"epoch": "3"})

    sidecar = {
        "writer": "tools/safetensors_fixture.py (format spec + reference layout rules; numpy %s)" % np.__version__,
        "files": {
            name: {k: {"dtype": e.dtype, "shape": e.shape, "values": [jsonable(v) for v in e.values]} for k, e in tensors.items()}
            for name, tensors in [("reference.safetensors", readable), ("reference_writable.safetensors", writable)]
        },
    }
    with open(os.path.join(OUT, "reference.json"), "w", encoding="utf-8") as f:
        json.dump(sidecar, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--check"]:
        for p in sys.argv[2:]:
            check(p)
    else:
        main()
