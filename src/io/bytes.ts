// Element codecs between safetensors' little-endian bytes and nabla's typed arrays. The fast
// paths reinterpret memory directly on little-endian hosts (all current browsers and Node
// platforms); the DataView paths are correct on any host and carry the conversions.
import type { DType, TypedArray } from '../tensor/dtype.js';

/** The safetensors dtypes nabla reads; the first four are also the ones it writes. */
export type SafetensorsDType =
  'F64' | 'F32' | 'I32' | 'BOOL' | 'F16' | 'BF16' | 'I64' | 'U8' | 'I8' | 'I16' | 'U16' | 'U32' | 'U64';

/** Bytes per element and the nabla dtype each safetensors dtype is read into. */
export const READ: Record<SafetensorsDType, { size: number; dtype: DType }> = {
  F64: { size: 8, dtype: 'float64' },
  F32: { size: 4, dtype: 'float32' },
  I32: { size: 4, dtype: 'int32' },
  BOOL: { size: 1, dtype: 'bool' },
  F16: { size: 2, dtype: 'float32' },
  BF16: { size: 2, dtype: 'float32' },
  I64: { size: 8, dtype: 'int32' },
  U64: { size: 8, dtype: 'int32' },
  U32: { size: 4, dtype: 'int32' },
  U8: { size: 1, dtype: 'int32' },
  I8: { size: 1, dtype: 'int32' },
  I16: { size: 2, dtype: 'int32' },
  U16: { size: 2, dtype: 'int32' },
};

/** The safetensors dtype each nabla dtype is written as. */
export const WRITE: Record<DType, SafetensorsDType> = { float64: 'F64', float32: 'F32', int32: 'I32', bool: 'BOOL' };

/**
 * The reference writer's `Dtype` enum order (increasing alignment): it lays tensors out by
 * descending rank, then by name. Dtypes nabla cannot read are listed so errors can tell
 * "unsupported" from "unknown".
 */
export const RANK: Record<string, number> = {
  BOOL: 0,
  U8: 1,
  I8: 2,
  F8_E5M2: 3,
  F8_E4M3: 4,
  I16: 5,
  U16: 6,
  F16: 7,
  BF16: 8,
  I32: 9,
  U32: 10,
  F32: 11,
  F64: 12,
  I64: 13,
  U64: 14,
};

/** Whether this host stores multi-byte numbers little-endian (the safetensors byte order). */
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The bytes of a typed array in little-endian order (a view when the host already is). */
export function toLittleEndian(a: TypedArray, littleEndianHost = LITTLE_ENDIAN): Uint8Array {
  if (littleEndianHost || a instanceof Uint8Array) return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const out = new Uint8Array(a.byteLength);
  const v = new DataView(out.buffer);
  if (a instanceof Float64Array) for (let i = 0; i < a.length; i++) v.setFloat64(8 * i, a[i], true);
  else if (a instanceof Float32Array) for (let i = 0; i < a.length; i++) v.setFloat32(4 * i, a[i], true);
  else for (let i = 0; i < a.length; i++) v.setInt32(4 * i, a[i], true);
  return out;
}

/** IEEE half precision bits to a number (exact in float32). */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // zero and subnormals
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const bf16Scratch = new DataView(new ArrayBuffer(4));

/** bfloat16 bits (the top half of a float32) to a number. */
export function bfloat16ToNumber(h: number): number {
  bf16Scratch.setUint32(0, h << 16);
  return bf16Scratch.getFloat32(0);
}

/**
 * A value of an integer dtype that int32 cannot hold, or of a bool byte other than 0 and 1,
 * reported as the flat index and the value's text; `null` when every value fits.
 */
export function findUnfit(bytes: Uint8Array, st: SafetensorsDType, n: number): { index: number; value: string } | null {
  if (st !== 'I64' && st !== 'U64' && st !== 'U32' && st !== 'BOOL') return null;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < n; i++) {
    let bad: string | null = null;
    if (st === 'I64' || st === 'U64') {
      const lo = v.getUint32(8 * i, true);
      const hi = v.getInt32(8 * i + 4, true);
      const fits = (hi === 0 && lo <= 0x7fffffff) || (st === 'I64' && hi === -1 && lo >= 0x80000000);
      if (!fits) bad = (st === 'I64' ? v.getBigInt64(8 * i, true) : v.getBigUint64(8 * i, true)).toString();
    } else if (st === 'U32') {
      const x = v.getUint32(4 * i, true);
      if (x > 0x7fffffff) bad = String(x);
    } else if (st === 'BOOL') {
      if (bytes[i] > 1) bad = `byte ${bytes[i]}`;
    }
    if (bad !== null) return { index: i, value: bad };
  }
  return null;
}

/**
 * Decodes `n` elements of safetensors dtype `st` from little-endian `bytes` into a fresh typed
 * array of the nabla dtype `READ[st].dtype`. Values were range-checked by `findUnfit`.
 */
export function decodeElements(
  bytes: Uint8Array,
  st: SafetensorsDType,
  n: number,
  littleEndianHost = LITTLE_ENDIAN,
): TypedArray {
  // A copy is needed anyway (typed arrays need aligned, owned memory); `slice` gives one.
  if (littleEndianHost && (st === 'F64' || st === 'F32' || st === 'I32')) {
    const buf = Uint8Array.prototype.slice.call(bytes).buffer;
    return st === 'F64' ? new Float64Array(buf) : st === 'F32' ? new Float32Array(buf) : new Int32Array(buf);
  }
  if (st === 'BOOL') return Uint8Array.prototype.slice.call(bytes);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (st === 'F64') {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = v.getFloat64(8 * i, true);
    return out;
  }
  if (st === 'F32' || st === 'F16' || st === 'BF16') {
    const out = new Float32Array(n);
    if (st === 'F32') for (let i = 0; i < n; i++) out[i] = v.getFloat32(4 * i, true);
    else if (st === 'F16') for (let i = 0; i < n; i++) out[i] = halfToNumber(v.getUint16(2 * i, true));
    else for (let i = 0; i < n; i++) out[i] = bfloat16ToNumber(v.getUint16(2 * i, true));
    return out;
  }
  const out = new Int32Array(n);
  const get: (i: number) => number =
    st === 'I32' || st === 'U32'
      ? (i) => v.getInt32(4 * i, true) // U32 values were checked to be below 2^31
      : st === 'I64' || st === 'U64'
        ? (i) => v.getInt32(8 * i, true) // the low word is the value once the range is checked
        : st === 'I16'
          ? (i) => v.getInt16(2 * i, true)
          : st === 'U16'
            ? (i) => v.getUint16(2 * i, true)
            : st === 'I8'
              ? (i) => v.getInt8(i)
              : (i) => v.getUint8(i);
  for (let i = 0; i < n; i++) out[i] = get(i);
  return out;
}
