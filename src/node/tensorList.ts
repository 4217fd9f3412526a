// Saving a plain list of tensors (RCMLRS's `save_tensors_json` / `save_tensors_binary`): as
// readable JSON (`io.listToJson`) or as a compact binary file, which is a safetensors file whose
// keys are the positions "0", "1", ... (so PyTorch and other safetensors readers open it too).
import fs from 'node:fs';
import { DTypeError, ValueError } from '../errors.js';
import { listFromJson, listToJson } from '../io/json.js';
import { decode, encode } from '../io/safetensors.js';
import { Tensor } from '../tensor/tensor.js';
import type { TensorRecord } from '../io/util.js';
import { writeFileAtomic } from './fs.js';

/** File formats of `saveTensorList`. */
export type TensorListFormat = 'json' | 'binary';

/**
 * A list of tensors as safetensors bytes, keyed by position ("0", "1", ...).
 * @example const bytes = io.encodeTensorList([w, b]);
 */
export function encodeTensorList(tensors: readonly Tensor[]): Uint8Array {
  const op = 'io.encodeTensorList';
  if (!Array.isArray(tensors)) throw new DTypeError(op, `expected an array of tensors, got ${typeof tensors}`);
  const rec: TensorRecord = {};
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new DTypeError(op, `expected element ${i} to be a Tensor, got ${typeof t}`);
    rec[String(i)] = t;
  });
  return encode(rec);
}

/**
 * The list of tensors in safetensors bytes written by `encodeTensorList`, in order; the keys
 * must be exactly "0" to "n-1".
 * @example const [w, b] = io.decodeTensorList(bytes);
 */
export function decodeTensorList(bytes: Uint8Array | ArrayBuffer, opts?: { source?: string }): Tensor[] {
  const op = 'io.decodeTensorList';
  const { tensors } = decode(bytes, { source: opts?.source, op });
  const keys = Object.keys(tensors);
  const out: Tensor[] = new Array(keys.length);
  for (const k of keys) {
    const i = /^(0|[1-9]\d*)$/.test(k) ? Number(k) : -1;
    if (i < 0 || i >= keys.length || out[i] !== undefined) {
      const where = opts?.source === undefined ? '' : ` in ${JSON.stringify(opts.source)}`;
      throw new ValueError(
        op,
        `expected tensor names "0" to "${keys.length - 1}" (a tensor list)${where}, got ${JSON.stringify(k)}`,
      );
    }
    out[i] = tensors[k];
  }
  return out;
}

/**
 * Saves a list of tensors to `file`, atomically: readable JSON (`{ dtype, shape, data }` per
 * tensor) or compact binary (safetensors keyed "0", "1", ...). The format defaults to JSON for
 * a `.json` file and binary otherwise.
 * @example
 * io.saveTensorList([w1, b1, w2, b2], 'weights.bin');
 * const [w1, b1, w2, b2] = io.loadTensorList('weights.bin');
 */
export function saveTensorList(tensors: readonly Tensor[], file: string, opts?: { format?: TensorListFormat }): void {
  const op = 'io.saveTensorList';
  const format = opts?.format ?? (file.toLowerCase().endsWith('.json') ? 'json' : 'binary');
  if (format !== 'json' && format !== 'binary') {
    throw new ValueError(op, `expected format 'json' or 'binary', got ${JSON.stringify(format)}`);
  }
  const data = format === 'json' ? listToJson(tensors) : encodeTensorList(tensors);
  writeFileAtomic(file, data, op);
}

/**
 * Loads a list of tensors saved by `saveTensorList`, recognizing the format from the contents
 * (a safetensors header length, then `{`; anything else is read as JSON).
 * @example const [w, b] = io.loadTensorList('weights.json');
 */
export function loadTensorList(file: string): Tensor[] {
  const buf = fs.readFileSync(file);
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  if (isSafetensors(bytes)) return decodeTensorList(bytes, { source: file });
  return listFromJson(new TextDecoder().decode(bytes), { source: file });
}

// JSON text read as a little-endian length gives a number far beyond the file's size.
function isSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 9) return false;
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  return n <= BigInt(bytes.length - 8) && bytes[8] === 0x7b;
}
