// Human-readable JSON for state dicts and tensor lists, one `{ dtype, shape, data }` object per
// tensor (the RCMLRS layout). Values survive exactly: float32 is printed with the fewest
// digits that read back to the same float32, and NaN, ±Infinity and -0 (which JSON numbers
// cannot carry) are written as the strings "NaN", "Infinity", "-Infinity" and "-0".
import { DTypeError, ValueError } from '../errors.js';
import { allocate, checkDType, type DType, type TypedArray } from '../tensor/dtype.js';
import { fromArray, Tensor } from '../tensor/tensor.js';
import type { Decoded } from './safetensors.js';
import { describe, setOwn, type TensorRecord } from './util.js';

/** One tensor as plain JSON data: row-major `data`, with special floats as strings. */
export interface TensorJson {
  dtype: DType;
  shape: number[];
  data: (number | string | boolean)[];
}

/**
 * A tensor as a plain `{ dtype, shape, data }` object that `JSON.stringify` prints exactly.
 * @example io.tensorToJson(nb.tensor([[1, 2]])) // { dtype: 'float32', shape: [1, 2], data: [1, 2] }
 */
export function tensorToJson(t: Tensor): TensorJson {
  if (!(t instanceof Tensor)) throw new DTypeError('io.tensorToJson', `expected a Tensor, got ${describe(t)}`);
  const flat = t.data();
  const data = new Array<number | string | boolean>(flat.length);
  for (let i = 0; i < flat.length; i++) data[i] = jsonValue(flat[i], t.dtype);
  return { dtype: t.dtype, shape: [...t.shape], data };
}

/**
 * The tensor described by a `{ dtype, shape, data }` object (as `tensorToJson` writes),
 * checked element by element.
 * @example io.tensorFromJson({ dtype: 'int32', shape: [2], data: [1, 2] })
 */
export function tensorFromJson(obj: unknown): Tensor {
  return buildTensor('io.tensorFromJson', 'tensor', obj);
}

/** Options of `toJson`. */
export interface JsonOptions {
  /** Free-form strings stored under `__metadata__`, as in safetensors. */
  metadata?: Record<string, string>;
}

/**
 * A state dict as readable JSON text: `{ "fc.weight": { "dtype": "float32", "shape": [2, 3],
 * "data": [...] }, ... }`, one tensor per line, optional `__metadata__` first.
 * @example const text = io.toJson(model.stateDict());
 */
export function toJson(tensors: TensorRecord, opts?: JsonOptions): string {
  const op = 'io.toJson';
  if (typeof tensors !== 'object' || tensors === null || Array.isArray(tensors) || tensors instanceof Tensor) {
    throw new DTypeError(op, `expected a record of tensors (use io.listToJson for a list), got ${describe(tensors)}`);
  }
  const lines: string[] = [];
  if (opts?.metadata !== undefined) {
    for (const [k, v] of Object.entries(opts.metadata)) {
      if (typeof v !== 'string')
        throw new DTypeError(op, `expected metadata values to be strings, got ${describe(v)} for "${k}"`);
    }
    lines.push(`  "__metadata__": ${JSON.stringify(opts.metadata)}`);
  }
  for (const [k, t] of Object.entries(tensors)) {
    if (!(t instanceof Tensor)) throw new DTypeError(op, `expected "${k}" to be a Tensor, got ${describe(t)}`);
    if (k === '__metadata__') throw new ValueError(op, 'expected tensor names other than "__metadata__" (reserved)');
    lines.push(`  ${JSON.stringify(k)}: ${JSON.stringify(tensorToJson(t))}`);
  }
  return lines.length ? `{\n${lines.join(',\n')}\n}\n` : '{}\n';
}

/**
 * Parses JSON written by `toJson` back into tensors and metadata, checking every entry before
 * creating any tensor.
 * @example const { tensors } = io.fromJson(text); model.loadStateDict(tensors);
 */
export function fromJson(text: string, opts?: { source?: string }): Decoded {
  const op = 'io.fromJson';
  const json = parse(op, text, opts?.source);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    const hint = Array.isArray(json) ? ' (a list of tensors: use io.listFromJson)' : '';
    throw new ValueError(op, `expected a JSON object of tensors${where(opts?.source)}, got ${describe(json)}${hint}`);
  }
  const metadata: Record<string, string> = {};
  const specs: [string, TypedArray, number[], DType][] = [];
  for (const [k, v] of Object.entries(json as Record<string, unknown>)) {
    if (k === '__metadata__') {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        throw new ValueError(
          op,
          `expected "__metadata__" to be an object of strings${where(opts?.source)}, got ${describe(v)}`,
        );
      }
      for (const [mk, mv] of Object.entries(v)) {
        if (typeof mv !== 'string') {
          throw new ValueError(
            op,
            `expected "__metadata__" values to be strings${where(opts?.source)}, got ${describe(mv)} for "${mk}"`,
          );
        }
        setOwn(metadata, mk, mv);
      }
    } else specs.push([k, ...checkTensor(op, `tensor "${k}"${where(opts?.source)}`, v)]);
  }
  const tensors: TensorRecord = {};
  for (const [k, data, shape, dtype] of specs) setOwn(tensors, k, fromArray(data, shape, dtype));
  return { tensors, metadata };
}

/**
 * A list of tensors as JSON text: an array of `{ dtype, shape, data }`, one per line.
 * @example io.listToJson([w, b])
 */
export function listToJson(tensors: readonly Tensor[]): string {
  if (!Array.isArray(tensors))
    throw new DTypeError('io.listToJson', `expected an array of tensors, got ${describe(tensors)}`);
  const lines = tensors.map((t, i) => {
    if (!(t instanceof Tensor))
      throw new DTypeError('io.listToJson', `expected element ${i} to be a Tensor, got ${describe(t)}`);
    return `  ${JSON.stringify(tensorToJson(t))}`;
  });
  return lines.length ? `[\n${lines.join(',\n')}\n]\n` : '[]\n';
}

/**
 * Parses JSON written by `listToJson` back into tensors, checking all before creating any.
 * @example const [w, b] = io.listFromJson(text);
 */
export function listFromJson(text: string, opts?: { source?: string }): Tensor[] {
  const op = 'io.listFromJson';
  const json = parse(op, text, opts?.source);
  if (!Array.isArray(json)) {
    const hint = typeof json === 'object' && json !== null ? ' (a state dict: use io.fromJson)' : '';
    throw new ValueError(op, `expected a JSON array of tensors${where(opts?.source)}, got ${describe(json)}${hint}`);
  }
  const specs = json.map((v, i) => checkTensor(op, `element ${i}${where(opts?.source)}`, v));
  return specs.map(([data, shape, dtype]) => fromArray(data, shape, dtype));
}

function where(source: string | undefined): string {
  return source === undefined ? '' : ` in ${JSON.stringify(source)}`;
}

function parse(op: string, text: string, source: string | undefined): unknown {
  if (typeof text !== 'string') throw new DTypeError(op, `expected JSON text, got ${describe(text)}`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ValueError(op, `expected valid JSON${where(source)}, got a parse error (${(e as Error).message})`);
  }
}

function buildTensor(op: string, what: string, obj: unknown): Tensor {
  const [data, shape, dtype] = checkTensor(op, what, obj);
  return fromArray(data, shape, dtype);
}

// Validates one `{ dtype, shape, data }` object and converts its values (no tensor yet).
function checkTensor(op: string, what: string, obj: unknown): [TypedArray, number[], DType] {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new ValueError(op, `${what}: expected an object with dtype, shape and data, got ${describe(obj)}`);
  }
  const { dtype, shape, data } = obj as Record<string, unknown>;
  let dt: DType;
  try {
    dt = checkDType(op, dtype);
  } catch {
    throw new ValueError(op, `${what}: expected dtype float32, float64, int32 or bool, got ${JSON.stringify(dtype)}`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ValueError(op, `${what}: expected a shape of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  const numel = shape.reduce((a: number, b: number) => a * b, 1);
  if (!Array.isArray(data) || data.length !== numel) {
    const got = Array.isArray(data) ? `${data.length} values` : describe(data);
    throw new ValueError(
      op,
      `${what}: expected a flat data array of ${numel} values for shape [${shape.join(', ')}], got ${got}`,
    );
  }
  const out = allocate(dt, numel);
  for (let i = 0; i < numel; i++) {
    const x = readValue(data[i], dt);
    if (x === undefined) {
      throw new ValueError(
        op,
        `${what}: expected ${dt} values, got ${JSON.stringify(data[i]) ?? describe(data[i])} at data index ${i}`,
      );
    }
    out[i] = x;
  }
  return [out, [...shape], dt];
}

const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };

function readValue(v: unknown, dtype: DType): number | undefined {
  if (dtype === 'bool') return v === true || v === 1 ? 1 : v === false || v === 0 ? 0 : undefined;
  if (dtype === 'int32')
    return Number.isInteger(v) && (v as number) >= -2147483648 && (v as number) <= 2147483647
      ? (v as number)
      : undefined;
  if (typeof v === 'number') return dtype === 'float32' && !Number.isFinite(Math.fround(v)) ? undefined : v;
  return typeof v === 'string' && v in SPECIAL ? SPECIAL[v] : undefined;
}

function jsonValue(x: number, dtype: DType): number | string | boolean {
  if (dtype === 'bool') return x !== 0;
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
  if (Object.is(x, -0)) return '-0';
  return dtype === 'float32' ? shortestFloat32(x) : x;
}

// The double with the fewest significant digits that rounds to the same float32, so the JSON
// reads `0.1` rather than `0.10000000149011612`.
function shortestFloat32(x: number): number {
  for (let p = 1; p < 9; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === x) return y;
  }
  return Number(x.toPrecision(9));
}
