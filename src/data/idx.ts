// IDX files (the MNIST format): a 4-byte magic number (two zero bytes, a type code, the number
// of dimensions), one big-endian uint32 per dimension, then the elements big-endian in
// row-major order. http://yann.lecun.com/exdb/mnist/ (section "The IDX file format").
import { DTypeError, ValueError, fmtShape } from '../errors.js';
import { allocate, checkDType, type DType } from '../tensor/dtype.js';
import { numelOf } from '../tensor/shape.js';
import { fromArray, Tensor } from '../tensor/tensor.js';

/** The element types an IDX file can hold. */
export type IdxType = 'ubyte' | 'byte' | 'short' | 'int' | 'float' | 'double';

interface IdxKind {
  code: number;
  size: number;
  dtype: DType;
  read: (v: DataView, at: number) => number;
  write: (v: DataView, at: number, x: number) => void;
}

const KINDS: Record<IdxType, IdxKind> = {
  ubyte: { code: 0x08, size: 1, dtype: 'int32', read: (v, a) => v.getUint8(a), write: (v, a, x) => v.setUint8(a, x) },
  byte: { code: 0x09, size: 1, dtype: 'int32', read: (v, a) => v.getInt8(a), write: (v, a, x) => v.setInt8(a, x) },
  short: { code: 0x0b, size: 2, dtype: 'int32', read: (v, a) => v.getInt16(a), write: (v, a, x) => v.setInt16(a, x) },
  int: { code: 0x0c, size: 4, dtype: 'int32', read: (v, a) => v.getInt32(a), write: (v, a, x) => v.setInt32(a, x) },
  float: {
    code: 0x0d,
    size: 4,
    dtype: 'float32',
    read: (v, a) => v.getFloat32(a),
    write: (v, a, x) => v.setFloat32(a, x),
  },
  double: {
    code: 0x0e,
    size: 8,
    dtype: 'float64',
    read: (v, a) => v.getFloat64(a),
    write: (v, a, x) => v.setFloat64(a, x),
  },
};

const RANGES: Partial<Record<IdxType, [number, number]>> = {
  ubyte: [0, 255],
  byte: [-128, 127],
  short: [-32768, 32767],
  int: [-2147483648, 2147483647],
};

const hex = (b: number) => `0x${b.toString(16).padStart(2, '0')}`;

/** Whether bytes start with the gzip magic number (0x1f 0x8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function asBytes(op: string, bytes: Uint8Array | ArrayBuffer): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw new DTypeError(op, `expected a Uint8Array or ArrayBuffer, got ${bytes === null ? 'null' : typeof bytes}`);
}

/** Options of `parseIdx`. */
export interface IdxOptions {
  /** dtype of the result (default: int32 for integer files, float32 / float64 for float files). */
  dtype?: DType;
  /** Name of the input (a file name) for error messages. */
  source?: string;
}

/**
 * Decodes an IDX file's bytes into a tensor of its shape: byte and integer files give int32,
 * float files float32, double files float64, unless `dtype` says otherwise. Gzip-compressed
 * input is refused here (this function is synchronous); use `parseIdxAsync` or Node's `readIdx`.
 * @example
 * const images = data.parseIdx(bytes, { dtype: 'float32' }).div(255); // [60000, 28, 28]
 */
export function parseIdx(bytes: Uint8Array | ArrayBuffer, opts: IdxOptions = {}): Tensor {
  return parseIdxAs('parseIdx', bytes, opts);
}

/** `parseIdx` under another op name. */
export function parseIdxAs(op: string, input: Uint8Array | ArrayBuffer, opts: IdxOptions): Tensor {
  const bytes = asBytes(op, input);
  const where = opts.source === undefined ? '' : ` in ${opts.source}`;
  if (isGzip(bytes)) {
    throw new ValueError(
      op,
      `expected raw IDX bytes, got gzip-compressed data${where} (use parseIdxAsync, or readIdx from 'nabla/node')`,
    );
  }
  if (bytes.length < 4)
    throw new ValueError(op, `expected at least 4 bytes (the IDX magic number), got ${bytes.length}${where}`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new ValueError(
      op,
      `expected an IDX magic number starting with two zero bytes, got ${hex(bytes[0])} ${hex(bytes[1])}${where}`,
    );
  }
  const type = (Object.keys(KINDS) as IdxType[]).find((k) => KINDS[k].code === bytes[2]);
  if (type === undefined) {
    throw new ValueError(
      op,
      `expected an IDX type code 0x08, 0x09, 0x0b, 0x0c, 0x0d or 0x0e, got ${hex(bytes[2])}${where}`,
    );
  }
  const kind = KINDS[type];
  const ndim = bytes[3];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = 4 + 4 * ndim;
  if (bytes.length < start) {
    throw new ValueError(
      op,
      `expected ${start} header bytes for ${ndim} dimensions, got ${bytes.length}${where} (truncated file?)`,
    );
  }
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  const n = numelOf(shape);
  const want = start + n * kind.size;
  if (bytes.length !== want) {
    const why = bytes.length < want ? 'truncated file?' : 'extra bytes after the data';
    throw new ValueError(
      op,
      `expected ${want} bytes for a ${type} tensor of shape ${fmtShape(shape)}, got ${bytes.length}${where} (${why})`,
    );
  }
  const dtype = checkDType(op, opts.dtype ?? kind.dtype);
  const out = allocate(dtype, n);
  if (kind.size === 1 && type === 'ubyte') out.set(bytes.subarray(start, want));
  else for (let i = 0; i < n; i++) out[i] = kind.read(view, start + i * kind.size);
  return fromArray(out, shape, dtype);
}

/**
 * `parseIdx` for raw or gzip-compressed bytes; gzip (detected by its magic bytes) is undone with
 * the `DecompressionStream` of browsers and Node >= 18.
 * @example const labels = await data.parseIdxAsync(new Uint8Array(await res.arrayBuffer()));
 */
export async function parseIdxAsync(bytes: Uint8Array | ArrayBuffer, opts: IdxOptions = {}): Promise<Tensor> {
  const op = 'parseIdxAsync';
  let raw = asBytes(op, bytes);
  if (isGzip(raw)) {
    if (typeof DecompressionStream !== 'function') {
      throw new ValueError(op, 'expected DecompressionStream to decompress gzip data, got a runtime without it');
    }
    try {
      const stream = new Blob([raw as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
      raw = new Uint8Array(await new Response(stream).arrayBuffer());
    } catch (e) {
      throw new ValueError(op, `expected valid gzip data, got ${(e as Error).message}`);
    }
  }
  return parseIdxAs(op, raw, opts);
}

/**
 * Encodes a tensor as IDX bytes (big-endian). The element type defaults to the dtype's
 * natural one: int for int32, float for float32, double for float64, ubyte for bool.
 * @example const bytes = data.encodeIdx(labels, { type: 'ubyte' });
 */
export function encodeIdx(t: Tensor, opts: { type?: IdxType } = {}): Uint8Array {
  const op = 'encodeIdx';
  if (!(t instanceof Tensor)) throw new DTypeError(op, `expected a Tensor, got ${typeof t}`);
  const type = opts.type ?? ({ int32: 'int', float32: 'float', float64: 'double', bool: 'ubyte' } as const)[t.dtype];
  const kind = KINDS[type];
  if (kind === undefined)
    throw new ValueError(op, `expected an IDX type (${Object.keys(KINDS).join(', ')}), got ${String(type)}`);
  if (t.ndim > 255) throw new ValueError(op, `expected at most 255 dimensions, got ${t.ndim}`);
  const values = t.data();
  const start = 4 + 4 * t.ndim;
  const bytes = new Uint8Array(start + values.length * kind.size);
  const view = new DataView(bytes.buffer);
  bytes[2] = kind.code;
  bytes[3] = t.ndim;
  t.shape.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  const range = RANGES[type];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (range && !(Number.isInteger(v) && v >= range[0] && v <= range[1])) {
      throw new ValueError(
        op,
        `expected integers in [${range[0]}, ${range[1]}] for IDX type ${type}, got ${v} at flat index ${i}`,
      );
    }
    kind.write(view, start + i * kind.size, v);
  }
  return bytes;
}
