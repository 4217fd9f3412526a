// A minimal safetensors reader for the committed fixtures (the library's own io module is
// the general one). Layout: u64 little-endian header length, JSON header, raw data.
import { readFileSync } from 'node:fs';

export interface RawTensor {
  dtype: 'F64' | 'F32' | 'I32' | 'BOOL';
  shape: number[];
  data: Float64Array | Float32Array | Int32Array | Uint8Array;
}

export function readSafetensors(path: string): Map<string, RawTensor> {
  const buf = readFileSync(path);
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Record<
    string,
    { dtype: RawTensor['dtype']; shape: number[]; data_offsets: [number, number] }
  >;
  const base = 8 + n;
  const out = new Map<string, RawTensor>();
  for (const [name, h] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [s, e] = h.data_offsets;
    const bytes = new Uint8Array(e - s);
    bytes.set(buf.subarray(base + s, base + e));
    const ab = bytes.buffer;
    const data =
      h.dtype === 'F64'
        ? new Float64Array(ab)
        : h.dtype === 'F32'
          ? new Float32Array(ab)
          : h.dtype === 'I32'
            ? new Int32Array(ab)
            : new Uint8Array(ab);
    out.set(name, { dtype: h.dtype, shape: h.shape, data });
  }
  return out;
}
