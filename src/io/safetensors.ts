// The safetensors format (https://huggingface.co/docs/safetensors): an 8-byte little-endian
// header length, a UTF-8 JSON header, then the tensors' bytes back to back. Encoding follows the
// reference writer's layout byte for byte; decoding checks the whole header and every value
// before it creates a single tensor, so a bad file never yields a partial state dict.
import { DTypeError, ValueError } from '../errors.js';
import { fromArray, Tensor } from '../tensor/tensor.js';
import type { TypedArray } from '../tensor/dtype.js';
import { decodeElements, findUnfit, READ, RANK, toLittleEndian, WRITE, type SafetensorsDType } from './bytes.js';
import { describe, setOwn, type TensorRecord } from './util.js';

/** The largest header accepted, as in the reference reader (100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

/** Options of `encode`. */
export interface EncodeOptions {
  /** Free-form string entries stored under `__metadata__` (written only when given). */
  metadata?: Record<string, string>;
}

/** Options of `decode` and `decodeHeader`. */
export interface DecodeOptions {
  /** Where the bytes came from (a file path), named in error messages. */
  source?: string;
  /** The function name errors are reported under (`io.decode` unless a caller says otherwise). */
  op?: string;
}

/** One tensor's entry in a safetensors header. */
export interface HeaderEntry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  /** Byte range `[begin, end)` relative to the start of the data section. */
  dataOffsets: [number, number];
}

/** A validated header: tensor entries in data order, metadata, and where the data starts. */
export interface Header {
  entries: HeaderEntry[];
  metadata: Record<string, string>;
  dataStart: number;
}

/** What `decode` returns: the tensors by name (in file order) and the `__metadata__` strings. */
export interface Decoded {
  tensors: TensorRecord;
  metadata: Record<string, string>;
}

/**
 * Serializes tensors to safetensors bytes, laid out as the reference writer lays them out
 * (by descending dtype alignment, then by name; header padded with spaces to a multiple of 8).
 * Strided tensors are written contiguously; autograd state is not stored.
 * @example
 * const bytes = io.encode(model.stateDict(), { metadata: { epoch: '3' } });
 */
export function encode(tensors: TensorRecord, opts?: EncodeOptions): Uint8Array {
  const op = 'io.encode';
  if (typeof tensors !== 'object' || tensors === null || tensors instanceof Tensor || Array.isArray(tensors)) {
    throw new DTypeError(op, `expected a record of tensors (a state dict), got ${describe(tensors)}`);
  }
  const items = Object.entries(tensors).map(([name, t]) => {
    if (!(t instanceof Tensor)) throw new DTypeError(op, `expected "${name}" to be a Tensor, got ${describe(t)}`);
    checkKey(op, name, 'tensor name');
    if (name === '__metadata__') throw new ValueError(op, 'expected tensor names other than "__metadata__" (reserved)');
    return { name, t, st: WRITE[t.dtype] };
  });
  items.sort((a, b) => RANK[b.st] - RANK[a.st] || compareCodePoints(a.name, b.name));

  const parts: string[] = [];
  if (opts?.metadata !== undefined) parts.push(`"__metadata__":${metadataJson(op, opts.metadata)}`);
  const datas: Uint8Array[] = [];
  let offset = 0;
  for (const { name, t, st } of items) {
    const bytes = toLittleEndian(contiguousData(t));
    parts.push(
      `${JSON.stringify(name)}:{"dtype":"${st}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${offset + bytes.length}]}`,
    );
    datas.push(bytes);
    offset += bytes.length;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLen = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLen + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);
  let pos = 8 + headerLen;
  for (const d of datas) {
    out.set(d, pos);
    pos += d.length;
  }
  return out;
}

/**
 * Parses safetensors bytes into tensors and metadata. Everything is checked first (header
 * length, UTF-8 JSON, dtypes, shapes, offsets that tile the data section exactly, integer
 * ranges); any problem throws a `ValueError` naming the source and nothing is returned.
 * F16 and BF16 are read as float32; I64, U64, U32, I16, U16, I8 and U8 as int32 (values
 * outside int32 are refused).
 * @example
 * const { tensors, metadata } = io.decode(new Uint8Array(await (await fetch(url)).arrayBuffer()));
 */
export function decode(bytes: Uint8Array | ArrayBuffer, opts?: DecodeOptions): Decoded {
  const buf = plainBytes(bytes);
  const header = decodeHeader(buf, opts);
  const fail: Fail = failer(opts);
  const arrays: TypedArray[] = [];
  for (const e of header.entries) {
    const raw = buf.subarray(header.dataStart + e.dataOffsets[0], header.dataStart + e.dataOffsets[1]);
    const n = raw.length / READ[e.dtype].size;
    const bad = findUnfit(raw, e.dtype, n);
    if (bad) {
      const what = e.dtype === 'BOOL' ? 'bool values of 0 or 1' : `${e.dtype} values that fit in int32`;
      fail(`tensor "${e.name}": expected ${what}, got ${bad.value} at flat index ${bad.index}`);
    }
    arrays.push(decodeElements(raw, e.dtype, n));
  }
  const tensors: TensorRecord = {};
  header.entries.forEach((e, i) => setOwn(tensors, e.name, fromArray(arrays[i], e.shape, READ[e.dtype].dtype)));
  return { tensors, metadata: header.metadata };
}

/**
 * Reads and validates only the header: tensor names, dtypes, shapes and offsets (in data
 * order) and the metadata, without decoding any tensor data.
 * @example io.decodeHeader(bytes).entries.map((e) => `${e.name} ${e.dtype} [${e.shape}]`)
 */
export function decodeHeader(input: Uint8Array | ArrayBuffer, opts?: DecodeOptions): Header {
  const fail: Fail = failer(opts);
  if (!(input instanceof Uint8Array) && !(input instanceof ArrayBuffer)) {
    fail(`expected a Uint8Array or ArrayBuffer, got ${describe(input)}`);
  }
  const bytes = plainBytes(input);
  if (bytes.length < 8) {
    fail(`expected at least 8 bytes (the header length), got ${bytes.length} byte${bytes.length === 1 ? '' : 's'}`);
  }
  const n64 = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_BYTES))
    fail(`expected a header of at most ${MAX_HEADER_BYTES} bytes, got a header length of ${n64}`);
  const n = Number(n64);
  if (8 + n > bytes.length) {
    fail(`header length ${n} runs past the end of the file (${bytes.length - 8} bytes follow the length; truncated?)`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    fail('expected a UTF-8 header, got invalid UTF-8');
  }
  if (!text.startsWith('{'))
    fail(`expected the JSON header to start with "{", got ${JSON.stringify(text.slice(0, 16))}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    fail(`expected a JSON header, got invalid JSON (${(e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('expected the header to be a JSON object');

  let metadata: Record<string, string> = {};
  const entries: HeaderEntry[] = [];
  for (const [name, info] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') metadata = checkMetadata(info, fail);
    else entries.push(checkEntry(name, info, fail));
  }
  entries.sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  const dataStart = 8 + n;
  const dataLen = bytes.length - dataStart;
  let end = 0;
  let prev: HeaderEntry | null = null;
  for (const e of entries) {
    const [b, f] = e.dataOffsets;
    if (f > dataLen) {
      fail(`tensor "${e.name}" ends at data byte ${f}, but the data section has ${dataLen} bytes (truncated file?)`);
    }
    if (b < end) fail(`tensors "${prev!.name}" ${fmtRange(prev!)} and "${e.name}" ${fmtRange(e)} overlap`);
    if (b > end) fail(`data bytes [${end}, ${b}) belong to no tensor (offsets must tile the data section)`);
    end = f;
    prev = e;
  }
  if (end < dataLen) fail(`expected the data section to end at byte ${end}, got ${dataLen - end} trailing bytes`);
  return { entries, metadata, dataStart };
}

type Fail = (problem: string) => never;

// A plain Uint8Array over the same memory. Node's file contents come as a Uint8Array subclass
// whose `slice` returns a view rather than a copy, and the decoders copy with `slice`.
function plainBytes(b: Uint8Array | ArrayBuffer): Uint8Array {
  return b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function failer(opts: DecodeOptions | undefined): Fail {
  const op = opts?.op ?? 'io.decode';
  const src = opts?.source === undefined ? 'buffer' : `file ${JSON.stringify(opts.source)}`;
  return (problem) => {
    throw new ValueError(op, `invalid safetensors ${src}: ${problem}`);
  };
}

function checkMetadata(info: unknown, fail: Fail): Record<string, string> {
  if (typeof info !== 'object' || info === null || Array.isArray(info)) {
    fail(`expected "__metadata__" to be an object of strings, got ${describe(info)}`);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(info as Record<string, unknown>)) {
    if (typeof v !== 'string') fail(`expected "__metadata__" values to be strings, got ${describe(v)} for "${k}"`);
    setOwn(out, k, v);
  }
  return out;
}

function checkEntry(name: string, info: unknown, fail: Fail): HeaderEntry {
  const where = `tensor "${name}"`;
  if (typeof info !== 'object' || info === null || Array.isArray(info)) {
    fail(`${where}: expected an object with dtype, shape and data_offsets, got ${describe(info)}`);
  }
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (typeof dtype !== 'string') fail(`${where}: expected a dtype string, got ${describe(dtype)}`);
  if (!(dtype in READ)) {
    const known = dtype in RANK ? 'unsupported' : 'unknown';
    fail(`${where}: ${known} dtype ${JSON.stringify(dtype)} (nabla reads ${Object.keys(READ).join(', ')})`);
  }
  const isCount = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0;
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    fail(`${where}: expected a shape of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    fail(`${where}: expected data_offsets [begin, end] with 0 <= begin <= end, got ${JSON.stringify(offsets)}`);
  }
  const st = dtype as SafetensorsDType;
  const numel = (shape as number[]).reduce((a, b) => a * b, 1);
  const want = numel * READ[st].size;
  if (!Number.isSafeInteger(want)) fail(`${where}: shape [${shape.join(', ')}] is too large`);
  const [b, e] = offsets as [number, number];
  if (e - b !== want) {
    fail(
      `${where}: expected ${want} bytes for ${st} of shape [${shape.join(', ')}], got data_offsets [${b}, ${e}] (${e - b} bytes)`,
    );
  }
  return { name, dtype: st, shape: [...(shape as number[])], dataOffsets: [b, e] };
}

function fmtRange(e: HeaderEntry): string {
  return `[${e.dataOffsets[0]}, ${e.dataOffsets[1]})`;
}

function metadataJson(op: string, metadata: Record<string, string>): string {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new DTypeError(op, `expected metadata to be an object of strings, got ${describe(metadata)}`);
  }
  const parts = Object.entries(metadata).map(([k, v]) => {
    if (typeof v !== 'string')
      throw new DTypeError(op, `expected metadata values to be strings, got ${describe(v)} for "${k}"`);
    checkKey(op, k, 'metadata key');
    checkKey(op, v, `metadata value of "${k}"`);
    return `${JSON.stringify(k)}:${JSON.stringify(v)}`;
  });
  return `{${parts.join(',')}}`;
}

// Lone surrogates would silently become U+FFFD in UTF-8 and change the name.
function checkKey(op: string, s: string, what: string): void {
  if (/\p{Cs}/u.test(s))
    throw new ValueError(op, `expected ${what} to be valid Unicode, got a lone surrogate in ${JSON.stringify(s)}`);
}

/** The elements of `t` in row-major order, without a copy when it is already contiguous. */
function contiguousData(t: Tensor): TypedArray {
  if (t.isContiguous()) return t.storage.data.subarray(t.offset, t.offset + t.numel());
  return t.data();
}

/** Compares strings by code point (= UTF-8 byte order, how Rust orders the reference's names). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return fixup(x) - fixup(y);
  }
  return a.length - b.length;
}

// UTF-16 order differs from code point order only between surrogates (D800-DFFF, which encode
// U+10000 and up) and units from E000: move surrogates above them.
function fixup(u: number): number {
  return u >= 0xd800 && u <= 0xdfff ? u + 0x2000 : u >= 0xe000 ? u - 0x800 : u;
}
