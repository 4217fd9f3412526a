// Training checkpoints as one safetensors file: the model's state under `model.`, the tensors of
// the optimizer's (and scheduler's, and extra) state under `optimizer.` (...), and everything
// that is not a tensor (param groups, step counts, scheduler state, epoch, generator states,
// the nabla version) as JSON strings in `__metadata__`. PyTorch tools can read the tensors.
import { noGrad } from '../autograd/mode.js';
import { ValueError } from '../errors.js';
import { defaultGenerator, Generator } from '../tensor/generator.js';
import { Tensor } from '../tensor/tensor.js';
import { pack, unpack } from './pack.js';
import { decode, encode, type DecodeOptions } from './safetensors.js';
import { describe, setOwn, type TensorRecord } from './util.js';
import { VERSION } from './version.js';

/** A model as checkpoints see it (every `nn.Module` fits). */
export interface ModelLike {
  stateDict(): TensorRecord;
  loadStateDict(stateDict: TensorRecord, opts?: { strict?: boolean }): unknown;
}

/** Anything with PyTorch-style state dicts: optimizers, LR schedulers, scalers, ... */
export interface Stateful {
  stateDict(): unknown;
  loadStateDict(state: unknown): unknown;
}

/** What a checkpoint holds. */
export interface CheckpointParts {
  model?: ModelLike;
  optimizer?: Stateful;
  scheduler?: Stateful;
  /** The epoch just finished (or any step counter). */
  epoch?: number;
  /**
   * Generator states to store: `true` (default) stores the global generator, `false` none, and
   * a record of named generators (e.g. a DataLoader's shuffling generator) stores those too.
   */
  rng?: boolean | Record<string, Generator>;
  /** Any other JSON-like state (history, best metric, ...); tensors inside are allowed. */
  extra?: unknown;
  /** More free-form `__metadata__` strings. */
  metadata?: Record<string, string>;
}

/** What to restore a checkpoint into; each given target must be present in the checkpoint. */
export interface RestoreTargets {
  model?: ModelLike;
  optimizer?: Stateful;
  scheduler?: Stateful;
  /**
   * Restores the global generator (`true`), nothing (`false`), or also named ones; each must be
   * in the checkpoint. Left out, the global generator is restored when the checkpoint has it.
   */
  rng?: boolean | Record<string, Generator>;
  /** Passed to `model.loadStateDict` (default true: keys must match exactly). */
  strict?: boolean;
}

/** What restoring returns besides the restored objects. */
export interface CheckpointInfo {
  epoch: number | null;
  extra: unknown;
  /** All `__metadata__` strings of the file. */
  metadata: Record<string, string>;
  /** The nabla version that wrote the checkpoint. */
  version: string;
}

/** A checkpoint before it becomes bytes: safetensors tensors plus metadata strings. */
export interface Checkpoint {
  tensors: TensorRecord;
  metadata: Record<string, string>;
}

const FORMAT_VERSION = 1;
const RESERVED = [
  'nabla.format',
  'nabla.format_version',
  'nabla.version',
  'nabla.parts',
  'epoch',
  'optimizer',
  'scheduler',
  'rng',
  'extra',
];

/**
 * Collects model, optimizer, scheduler, epoch, generator states and extras into tensors and
 * metadata strings (see `encodeCheckpoint` for the bytes).
 * @example const { tensors, metadata } = io.checkpointState({ model, optimizer, epoch: 3 });
 */
export function checkpointState(parts: CheckpointParts): Checkpoint {
  const op = 'io.saveCheckpoint';
  const tensors: TensorRecord = {};
  const present: string[] = [];
  const metadata: Record<string, string> = {};
  const put = (k: string, v: unknown) => setOwn(metadata, k, JSON.stringify(v));
  if (parts.model !== undefined) {
    present.push('model');
    for (const [k, t] of Object.entries(parts.model.stateDict())) setOwn(tensors, `model.${k}`, t);
  }
  for (const name of ['optimizer', 'scheduler'] as const) {
    const part = parts[name];
    if (part === undefined) continue;
    present.push(name);
    put(name, pack(op, part.stateDict(), name, tensors));
  }
  if (parts.epoch !== undefined) {
    if (!Number.isSafeInteger(parts.epoch)) throw new ValueError(op, `expected an integer epoch, got ${parts.epoch}`);
    put('epoch', parts.epoch);
  }
  const gens = generatorsOf(op, parts.rng);
  if (gens !== null) put('rng', pack(op, Object.fromEntries(gens.map(([n, g]) => [n, g.getState()])), 'rng', tensors));
  if (parts.extra !== undefined) put('extra', pack(op, parts.extra, 'extra', tensors));
  for (const [k, v] of Object.entries(parts.metadata ?? {})) {
    if (RESERVED.includes(k))
      throw new ValueError(op, `expected metadata keys other than the reserved ${RESERVED.join(', ')}, got "${k}"`);
    if (typeof v !== 'string')
      throw new ValueError(op, `expected metadata values to be strings, got ${describe(v)} for "${k}"`);
    setOwn(metadata, k, v);
  }
  setOwn(metadata, 'nabla.format', 'checkpoint');
  setOwn(metadata, 'nabla.format_version', String(FORMAT_VERSION));
  setOwn(metadata, 'nabla.version', VERSION);
  put('nabla.parts', present);
  return { tensors, metadata };
}

/**
 * A checkpoint as safetensors bytes (browser-safe; `io.saveCheckpoint` writes them to a file).
 * @example const bytes = io.encodeCheckpoint({ model, optimizer, scheduler, epoch });
 */
export function encodeCheckpoint(parts: CheckpointParts): Uint8Array {
  const { tensors, metadata } = checkpointState(parts);
  return encode(tensors, { metadata });
}

/**
 * Restores a checkpoint from safetensors bytes into the given targets (see `restoreCheckpoint`).
 * @example const { epoch } = io.decodeCheckpoint(bytes, { model, optimizer });
 */
export function decodeCheckpoint(
  bytes: Uint8Array | ArrayBuffer,
  targets: RestoreTargets,
  opts?: DecodeOptions,
): CheckpointInfo {
  const op = opts?.op ?? 'io.decodeCheckpoint';
  return restoreCheckpoint(decode(bytes, { ...opts, op }), targets, { ...opts, op });
}

/**
 * Loads a checkpoint's state into model, optimizer, scheduler and generators. Everything is
 * parsed and checked first; if a target still refuses its state (a shape or group mismatch),
 * the targets already restored are rolled back, so a failed resume changes nothing.
 * @example const { epoch } = io.restoreCheckpoint(ckpt, { model, optimizer, scheduler });
 */
export function restoreCheckpoint(ckpt: Checkpoint, targets: RestoreTargets, opts?: DecodeOptions): CheckpointInfo {
  const op = opts?.op ?? 'io.restoreCheckpoint';
  const src = opts?.source === undefined ? 'checkpoint' : `checkpoint ${JSON.stringify(opts.source)}`;
  const fail = (problem: string): never => {
    throw new ValueError(op, `invalid ${src}: ${problem}`);
  };
  const meta = ckpt.metadata;
  if (meta['nabla.format'] !== 'checkpoint') {
    fail('expected "nabla.format": "checkpoint" in its metadata (a plain state dict? use io.load)');
  }
  const fmt = Number(meta['nabla.format_version']);
  if (!(fmt >= 1 && fmt <= FORMAT_VERSION)) {
    fail(
      `expected format version 1..${FORMAT_VERSION}, got ${JSON.stringify(meta['nabla.format_version'])} (written by nabla ${meta['nabla.version']})`,
    );
  }
  const read = (key: string): unknown => {
    if (!(key in meta)) return undefined;
    try {
      return unpack(JSON.parse(meta[key]), ckpt.tensors, fail);
    } catch (e) {
      if (e instanceof ValueError) throw e;
      return fail(`expected JSON in metadata "${key}", got a parse error (${(e as Error).message})`);
    }
  };
  const parts = read('nabla.parts');
  if (!Array.isArray(parts)) return fail('expected "nabla.parts" to list the stored parts');
  for (const name of ['model', 'optimizer', 'scheduler'] as const) {
    if (targets[name] !== undefined && !parts.includes(name)) fail(`expected it to hold ${name} state, got none`);
  }
  const modelState: TensorRecord = {};
  for (const [k, t] of Object.entries(ckpt.tensors)) if (k.startsWith('model.')) setOwn(modelState, k.slice(6), t);
  const optimizerState = read('optimizer');
  const schedulerState = read('scheduler');
  const epoch = read('epoch');
  if (epoch !== undefined && !Number.isSafeInteger(epoch))
    fail(`expected an integer epoch, got ${JSON.stringify(epoch)}`);
  const extra = read('extra');
  const rngState = (read('rng') ?? {}) as Record<string, unknown>;
  // With `rng` left out, the global generator is restored when the checkpoint has its state.
  const gens = (generatorsOf(op, targets.rng) ?? []).filter(([n]) => targets.rng !== undefined || n in rngState);
  for (const [name] of gens) {
    const s = rngState[name];
    if (!Array.isArray(s) || s.length !== 5 || !s.every((x) => typeof x === 'number')) {
      fail(`expected a state for generator "${name}", got ${s === undefined ? 'none' : JSON.stringify(s)}`);
    }
  }

  // Each step records how to undo itself; a failure undoes the earlier ones in reverse.
  const undo: (() => void)[] = [];
  try {
    if (targets.model) {
      const before = cloneDeep(targets.model.stateDict()) as TensorRecord;
      targets.model.loadStateDict(modelState, { strict: targets.strict ?? true });
      undo.push(() => targets.model!.loadStateDict(before, { strict: false }));
    }
    for (const [name, state] of [
      ['optimizer', optimizerState],
      ['scheduler', schedulerState],
    ] as const) {
      const t = targets[name];
      if (!t) continue;
      const before = cloneDeep(t.stateDict());
      t.loadStateDict(state);
      undo.push(() => t.loadStateDict(before));
    }
    for (const [name, g] of gens) {
      const before = g.getState();
      g.setState(rngState[name] as number[]);
      undo.push(() => g.setState(before));
    }
  } catch (e) {
    for (const u of undo.reverse()) {
      try {
        u();
      } catch {
        // Keep the original error; a rollback that fails too cannot be reported better.
      }
    }
    throw e;
  }
  return {
    epoch: (epoch as number | undefined) ?? null,
    extra,
    metadata: { ...meta },
    version: meta['nabla.version'] ?? 'unknown',
  };
}

// The generators an `rng` option names: the global one under "global" unless `false`.
function generatorsOf(op: string, rng: boolean | Record<string, Generator> | undefined): [string, Generator][] | null {
  if (rng === false) return null;
  const out: [string, Generator][] = [['global', defaultGenerator]];
  if (rng === undefined || rng === true) return out;
  if (typeof rng !== 'object' || rng === null)
    throw new ValueError(op, `expected rng to be a boolean or a record of Generators, got ${describe(rng)}`);
  for (const [name, g] of Object.entries(rng)) {
    if (!(g instanceof Generator))
      throw new ValueError(op, `expected rng.${name} to be a Generator, got ${describe(g)}`);
    if (name === 'global')
      throw new ValueError(
        op,
        'expected generator names other than "global" (the global generator is always included)',
      );
    out.push([name, g]);
  }
  return out;
}

// Copies state so later in-place updates cannot change it: tensors cloned, containers rebuilt.
function cloneDeep(v: unknown): unknown {
  if (v instanceof Tensor) return noGrad(() => v.detach().clone());
  if (Array.isArray(v)) return v.map(cloneDeep);
  if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) setOwn(out, k, cloneDeep(x));
    return out;
  }
  return v;
}
