// Reads the committed fixtures through the library's own safetensors decoder (src/io), keeping
// the raw form the suites compare against: dtype code, shape and a typed array of values.
import { readFileSync } from 'node:fs';
import { decode } from '../../src/io/safetensors.js';

export interface RawTensor {
  dtype: 'F64' | 'F32' | 'I32' | 'BOOL';
  shape: number[];
  data: Float64Array | Float32Array | Int32Array | Uint8Array;
}

const CODE = { float64: 'F64', float32: 'F32', int32: 'I32', bool: 'BOOL' } as const;

export function readSafetensors(path: string): Map<string, RawTensor> {
  const { tensors } = decode(readFileSync(path));
  const out = new Map<string, RawTensor>();
  for (const [name, t] of Object.entries(tensors)) {
    out.set(name, { dtype: CODE[t.dtype], shape: [...t.shape], data: t.data() });
  }
  return out;
}
