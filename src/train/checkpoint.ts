// Saving checkpoints during training and resuming from them. The bytes are made here (browser-
// safe); where they go is up to an injected saver: a file in Node (`nabla/node`'s
// `train.fileCheckpointSaver`), IndexedDB or a download in a browser, a Map in tests.
import { ValueError } from '../errors.js';
import { decodeCheckpoint, encodeCheckpoint, type RestoreTargets } from '../io/checkpoint.js';
import { encode } from '../io/safetensors.js';
import type { Generator } from '../tensor/generator.js';
import { Monitor, monitorValue, type MonitorMode } from './callbacks.js';
import type { Callback, FitState, History, HistoryEntry } from './types.js';

/** Why a checkpoint is being saved. */
export interface SaveInfo {
  epoch: number;
  /** 'best': the monitored value improved; 'last': the latest epoch; 'epoch': every epoch. */
  kind: 'best' | 'last' | 'epoch';
  /** The monitored value, when present. */
  value: number | null;
}

/** Stores checkpoint bytes under a path (a file, a key, ...). */
export type CheckpointSaver = (path: string, bytes: Uint8Array, info: SaveInfo) => void | Promise<void>;

/** Options of `ModelCheckpoint`. */
export interface ModelCheckpointOptions {
  /**
   * Where to save; `{epoch}` and `{<monitored key>}` are replaced by values, with an optional
   * format (`{epoch:03d}`, `{valLoss:.4f}`).
   */
  path: string;
  saver: CheckpointSaver;
  /** The value deciding the best checkpoint (default 'valLoss'). */
  monitor?: string;
  mode?: MonitorMode;
  minDelta?: number;
  /** Save only when the monitored value improves (default false: save every epoch). */
  saveBestOnly?: boolean;
  /** Also save every epoch to a "last" path: `true` for `last` + the extension beside `path`. */
  saveLast?: boolean | string;
  /** A plain safetensors state dict instead of a full checkpoint (default false). */
  weightsOnly?: boolean;
  /** Generator states to store in full checkpoints (default true: the global generator). */
  rng?: boolean | Record<string, Generator>;
}

/**
 * Saves the model during `fit`: every epoch, or only the best by a monitored value, and/or the
 * last epoch. Full checkpoints hold model, optimizer, scheduler, epoch, generator states and the
 * history, so `resumeFrom` can continue the run exactly. It runs after other callbacks (order
 * 100), so the saved scheduler and lr are the ones the next epoch uses.
 * @example
 * new train.ModelCheckpoint({ path: 'runs/best.safetensors', saver, saveBestOnly: true, saveLast: true })
 */
export class ModelCheckpoint implements Callback {
  readonly order = 100;
  readonly monitor: Monitor;
  readonly path: string;
  readonly lastPath: string | null;
  readonly saveBestOnly: boolean;
  readonly weightsOnly: boolean;
  readonly #saver: CheckpointSaver;
  readonly #rng: boolean | Record<string, Generator>;
  /** Paths written, in order (for inspection). */
  readonly saved: { path: string; info: SaveInfo }[] = [];

  constructor(opts: ModelCheckpointOptions) {
    const op = 'ModelCheckpoint';
    if (!opts || typeof opts.path !== 'string' || opts.path === '') {
      throw new ValueError(op, `expected a path, got ${JSON.stringify(opts?.path)}`);
    }
    if (typeof opts.saver !== 'function') {
      throw new ValueError(op, `expected saver to be a function (path, bytes, info), got ${typeof opts.saver}`);
    }
    this.path = opts.path;
    this.#saver = opts.saver;
    this.monitor = new Monitor(op, opts.monitor ?? 'valLoss', opts.mode, opts.minDelta ?? 0);
    this.saveBestOnly = opts.saveBestOnly ?? false;
    this.weightsOnly = opts.weightsOnly ?? false;
    this.#rng = opts.rng ?? true;
    const last = opts.saveLast ?? false;
    this.lastPath = last === false ? null : last === true ? lastPathFor(opts.path) : last;
  }

  /** The best monitored value so far. */
  get best(): number {
    return this.monitor.best;
  }

  /** The epoch of the best value, or null. */
  get bestEpoch(): number | null {
    return this.monitor.bestEpoch;
  }

  onTrainBegin(state: FitState): void {
    this.monitor.reset();
    // When resuming, the best so far comes from the history, so a worse epoch never replaces it.
    for (const e of state.history.epochs)
      if (monitorValue(e, this.monitor.key) !== undefined) this.monitor.record('ModelCheckpoint', e);
  }

  async onEpochEnd(entry: HistoryEntry, state: FitState): Promise<void> {
    const op = 'ModelCheckpoint';
    let bytes: Uint8Array | null = null;
    const make = () => (bytes ??= this.#encode(entry.epoch, state));
    const present = monitorValue(entry, this.monitor.key);
    let value: number | null = present ?? null;
    if (this.saveBestOnly) {
      const r = this.monitor.record(op, entry);
      value = r.value;
      if (r.improved)
        await this.#save(formatPath(this.path, entry), make(), { epoch: entry.epoch, kind: 'best', value });
    } else {
      if (present !== undefined) this.monitor.record(op, entry);
      await this.#save(formatPath(this.path, entry), make(), { epoch: entry.epoch, kind: 'epoch', value });
    }
    if (this.lastPath !== null) {
      await this.#save(formatPath(this.lastPath, entry), make(), { epoch: entry.epoch, kind: 'last', value });
    }
  }

  async #save(path: string, bytes: Uint8Array, info: SaveInfo): Promise<void> {
    await this.#saver(path, bytes, info);
    this.saved.push({ path, info });
  }

  #encode(epoch: number, state: FitState): Uint8Array {
    if (this.weightsOnly) return encode(state.model.stateDict(), { metadata: { epoch: String(epoch) } });
    return encodeCheckpoint({
      model: state.model,
      optimizer: state.optimizer,
      scheduler: state.scheduler ?? undefined,
      epoch,
      rng: this.#rng,
      extra: { history: state.history.epochs },
    });
  }
}

// `runs/best.safetensors` -> `runs/last.safetensors`.
function lastPathFor(path: string): string {
  const slash = path.lastIndexOf('/');
  const name = path.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  return `${path.slice(0, slash + 1)}last${dot > 0 ? name.slice(dot) : ''}`;
}

/**
 * Fills `{key}` and `{key:format}` in a path from an epoch's entry: `d` formats (with optional
 * zero padding, `03d`) and `.Nf` fixed decimals; unknown keys are an error.
 * @example train.formatPath('ckpt-{epoch:03d}-{valLoss:.3f}.safetensors', entry) // 'ckpt-007-0.123.safetensors'
 */
export function formatPath(template: string, entry: HistoryEntry): string {
  return template.replace(/\{(\w+)(?::(0?)(\d*)(?:\.(\d+))?([df]))?\}/g, (_m, key: string, zero, width, prec, kind) => {
    const v = monitorValue(entry, key);
    if (v === undefined)
      throw new ValueError('ModelCheckpoint', `expected "${key}" in the epoch logs for the path, got none`);
    let s = kind === 'd' ? String(Math.round(v)) : kind === 'f' ? v.toFixed(Number(prec || 6)) : String(v);
    if (width) s = s.padStart(Number(width), zero ? '0' : ' ');
    return s;
  });
}

/** What `resumeFrom` gives back for `fit`. */
export interface Resume {
  /** The epochs completed; pass as `fit`'s `initialEpoch`. */
  initialEpoch: number;
  /** The history up to the checkpoint; pass as `fit`'s `history`. */
  history: History;
}

/**
 * Restores a full checkpoint written by `ModelCheckpoint` into model, optimizer, scheduler and
 * generators (all or nothing) and returns what `fit` needs to continue the same run.
 * @example
 * const resume = train.resumeFrom(bytes, { model, optimizer, scheduler });
 * await train.fit(model, { ...opts, ...resume, epochs: 20 });
 */
export function resumeFrom(
  bytes: Uint8Array | ArrayBuffer,
  targets: RestoreTargets,
  opts: { source?: string } = {},
): Resume {
  const op = 'resumeFrom';
  const info = decodeCheckpoint(bytes, targets, { op, source: opts.source });
  if (info.epoch === null) throw new ValueError(op, 'expected the checkpoint to record its epoch, got none');
  const h = (info.extra as { history?: unknown } | null | undefined)?.history;
  return { initialEpoch: info.epoch, history: { epochs: Array.isArray(h) ? (h as HistoryEntry[]) : [] } };
}
