// Model files on disk (Node only). Writes are atomic: the bytes go to a temporary file in the
// target's directory, are flushed to disk, and only then renamed over the target, so a crash
// or a failed write leaves either the old file or the new one, never a mixture.
import fs from 'node:fs';
import path from 'node:path';
import type { Tensor } from '../tensor/tensor.js';
import {
  decodeCheckpoint,
  encodeCheckpoint,
  type CheckpointInfo,
  type CheckpointParts,
  type RestoreTargets,
} from '../io/checkpoint.js';
import { fromJson, listFromJson, listToJson, toJson, type JsonOptions } from '../io/json.js';
import { decode, encode, type Decoded, type EncodeOptions } from '../io/safetensors.js';
import type { TensorRecord } from '../io/util.js';

/**
 * Saves a state dict (or any record of tensors) as a safetensors file, atomically.
 * @example io.save(model.stateDict(), 'model.safetensors', { metadata: { epoch: '10' } });
 */
export function save(tensors: TensorRecord, file: string, opts?: EncodeOptions): void {
  writeFileAtomic(file, encode(tensors, opts), 'io.save');
}

/**
 * Loads a safetensors file as a plain record of tensors, after checking the whole file.
 * @example model.loadStateDict(io.load('model.safetensors'));
 */
export function load(file: string): TensorRecord {
  return loadWithMetadata(file, 'io.load').tensors;
}

/**
 * Loads a safetensors file's tensors and its `__metadata__` strings.
 * @example const { tensors, metadata } = io.loadWithMetadata('model.safetensors');
 */
export function loadWithMetadata(file: string, op = 'io.loadWithMetadata'): Decoded {
  return decode(fs.readFileSync(file), { source: file, op });
}

/**
 * Saves a training checkpoint (model, optimizer, scheduler, epoch, generator states, extras) as
 * one safetensors file, atomically.
 * @example io.saveCheckpoint('ckpt.safetensors', { model, optimizer, scheduler, epoch });
 */
export function saveCheckpoint(file: string, parts: CheckpointParts): void {
  writeFileAtomic(file, encodeCheckpoint(parts), 'io.saveCheckpoint');
}

/**
 * Restores a checkpoint file into the given model, optimizer, scheduler and generators; all or
 * nothing. Returns the epoch, extras and metadata.
 * @example const { epoch } = io.loadCheckpoint('ckpt.safetensors', { model, optimizer, scheduler });
 */
export function loadCheckpoint(file: string, targets: RestoreTargets): CheckpointInfo {
  return decodeCheckpoint(fs.readFileSync(file), targets, { source: file, op: 'io.loadCheckpoint' });
}

/**
 * Saves a state dict or a list of tensors as readable JSON (`{ dtype, shape, data }` per
 * tensor), atomically.
 * @example io.saveJson(model.stateDict(), 'model.json');
 */
export function saveJson(data: TensorRecord | readonly Tensor[], file: string, opts?: JsonOptions): void {
  const text = Array.isArray(data) ? listToJson(data) : toJson(data as TensorRecord, opts);
  writeFileAtomic(file, text, 'io.saveJson');
}

/**
 * Loads a state dict saved by `saveJson`.
 * @example model.loadStateDict(io.loadJson('model.json'));
 */
export function loadJson(file: string): TensorRecord {
  return fromJson(fs.readFileSync(file, 'utf8'), { source: file }).tensors;
}

/**
 * Loads a list of tensors saved by `saveJson`.
 * @example const [w, b] = io.loadJsonList('weights.json');
 */
export function loadJsonList(file: string): Tensor[] {
  return listFromJson(fs.readFileSync(file, 'utf8'), { source: file });
}

/**
 * Writes `data` to `file` atomically: temporary file in the same directory, fsync, rename over
 * the target, fsync of the directory. On failure the temporary file is removed and the target
 * is left as it was. An existing target keeps its permission bits.
 * @example writeFileAtomic('runs/curves.svg', svg);
 */
export function writeFileAtomic(file: string, data: Uint8Array | string, op = 'writeFileAtomic'): void {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  let mode = 0o666;
  try {
    mode = fs.statSync(file).mode & 0o7777;
  } catch {
    // No previous file: default permissions (the umask applies).
  }
  let fd: number | null = null;
  try {
    fd = fs.openSync(tmp, 'wx', mode);
    for (let off = 0; off < bytes.length;) off += fs.writeSync(fd, bytes, off, bytes.length - off);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(tmp, file);
  } catch (e) {
    if (fd !== null) closeQuietly(fd);
    try {
      fs.unlinkSync(tmp);
    } catch {
      // Never created, or already gone.
    }
    throw new Error(
      `${op}: could not write ${JSON.stringify(file)} (previous contents kept): ${(e as Error).message}`,
      { cause: e },
    );
  }
  syncDir(dir);
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // The write already failed; that error is the one to report.
  }
}

// Makes the rename itself durable. Some platforms (Windows) cannot open directories; the file
// is complete either way, so this is best effort.
function syncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== null) closeQuietly(fd);
  }
}
