// Progress display for `fit`, written to any stream-like object (a terminal in Node through
// `nabla/node`'s `ProgressBar`, a <pre> element or console wrapper in a browser).
import { ValueError } from '../errors.js';
import { now as clock } from './batches.js';
import type { BatchLogs, Callback, FitState, HistoryEntry } from './types.js';

/** Where progress goes: `write` text; `isTTY` and `columns` as a Node stream has them. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Options of `ProgressCallback`. */
export interface ProgressOptions {
  stream: ProgressStream;
  /**
   * 'bar': a bar redrawn in place with `\r` (terminals); 'epoch': one line per epoch (logs,
   * CI); 'silent'. Default: 'bar' when `stream.isTTY`, else 'epoch'.
   */
  mode?: 'bar' | 'epoch' | 'silent';
  /** Minimum milliseconds between redraws of the bar (default 100). */
  refreshMs?: number;
  /** Width of the bar in characters (default 24). */
  barWidth?: number;
  /** Clock in milliseconds (for tests; default `performance.now`). */
  now?: () => number;
}

/**
 * Shows training progress: epoch, step/total, loss, metrics, steps/s and ETA. On a terminal the
 * line is redrawn in place; elsewhere one line per epoch is printed.
 * @example
 * const lines: string[] = [];
 * new train.ProgressCallback({ stream: { write: (s) => lines.push(s) } });
 */
export class ProgressCallback implements Callback {
  readonly mode: 'bar' | 'epoch' | 'silent';
  readonly #stream: ProgressStream;
  readonly #refreshMs: number;
  readonly #barWidth: number;
  readonly #now: () => number;
  #epochStart = 0;
  #lastDraw = -Infinity;
  #drawn = false;
  #epochSeconds: number[] = [];
  #step = 0;
  #stepsSeconds = 0;

  constructor(opts: ProgressOptions) {
    if (!opts?.stream || typeof opts.stream.write !== 'function') {
      throw new ValueError('ProgressCallback', 'expected a stream with a write method');
    }
    this.#stream = opts.stream;
    this.mode = opts.mode ?? (opts.stream.isTTY ? 'bar' : 'epoch');
    this.#refreshMs = opts.refreshMs ?? 100;
    this.#barWidth = opts.barWidth ?? 24;
    this.#now = opts.now ?? clock;
  }

  onTrainBegin(): void {
    this.#epochSeconds = [];
  }

  onEpochBegin(): void {
    this.#epochStart = this.#now();
    this.#lastDraw = -Infinity;
    this.#drawn = false;
    this.#step = 0;
    this.#stepsSeconds = 0;
  }

  onBatchEnd(logs: BatchLogs, state: FitState): void {
    const t = this.#now();
    this.#step = logs.step;
    this.#stepsSeconds = (t - this.#epochStart) / 1000;
    if (this.mode !== 'bar') return;
    if (t - this.#lastDraw < this.#refreshMs && logs.step !== logs.steps) return;
    this.#lastDraw = t;
    const elapsed = (t - this.#epochStart) / 1000;
    const rate = elapsed > 0 ? logs.step / elapsed : 0;
    const eta = logs.steps !== null && rate > 0 ? (logs.steps - logs.step) / rate : null;
    const parts = [
      `Epoch ${state.epoch}/${state.epochs} ${this.#bar(logs.step, logs.steps)}`,
      `loss ${fmtValue(logs.meanLoss)}`,
      ...Object.entries(logs.metrics).map(([k, v]) => `${k} ${fmtValue(v)}`),
      `${rate.toFixed(1)} steps/s`,
      `ETA ${eta === null ? '?' : fmtDuration(eta)}`,
    ];
    this.#redraw(parts.join(' · '));
  }

  onEpochEnd(entry: HistoryEntry, state: FitState): void {
    if (this.mode === 'silent') return;
    this.#epochSeconds.push(entry.seconds);
    const mean = this.#epochSeconds.reduce((a, b) => a + b, 0) / this.#epochSeconds.length;
    const remaining = state.stopTraining ? 0 : state.epochs - entry.epoch;
    // Training steps only: validation time would understate the rate.
    const secs = this.#stepsSeconds;
    const rate = secs > 0 ? `${(this.#step / secs).toFixed(1)} steps/s` : null;
    const parts = [
      `Epoch ${entry.epoch}/${state.epochs}`,
      `${this.#step}/${state.stepsPerEpoch ?? this.#step}`,
      `loss ${fmtValue(entry.trainLoss)}`,
      ...(entry.valLoss === null ? [] : [`valLoss ${fmtValue(entry.valLoss)}`]),
      ...Object.entries(entry.metrics).map(([k, v]) => `${k} ${fmtValue(v)}`),
      `lr ${fmtValue(entry.lr)}`,
      ...(rate ? [rate] : []),
      fmtDuration(entry.seconds),
      `ETA ${fmtDuration(remaining * mean)}`,
    ];
    const line = parts.join(' · ');
    if (this.mode === 'bar') this.#redraw(line, true);
    else this.#stream.write(line + '\n');
  }

  #bar(step: number, steps: number | null): string {
    if (steps === null || steps === 0) return `${step}`;
    const w = this.#barWidth;
    const filled = Math.min(w, Math.floor((step / steps) * w));
    const head = filled < w ? '>' : '';
    return `[${'='.repeat(filled)}${head}${' '.repeat(Math.max(0, w - filled - head.length))}] ${step}/${steps}`;
  }

  #redraw(line: string, final = false): void {
    const cols = this.#stream.columns;
    // A line longer than the terminal wraps, and `\r` would then redraw only its last part.
    const text = cols && cols > 1 && line.length >= cols ? line.slice(0, cols - 1) : line;
    this.#stream.write(`\r${text}\x1b[K${final ? '\n' : ''}`);
    this.#drawn = !final;
  }

  onTrainEnd(): void {
    if (this.#drawn) this.#stream.write('\n');
    this.#drawn = false;
  }
}

/** A metric or loss value for display: 4 decimals, or 3 significant digits in exponent form. */
export function fmtValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a < 1e-3 || a >= 1e5 ? v.toExponential(2) : v.toFixed(4);
}

/** Seconds as `0.4s`, `12s`, `3:07` or `1:02:03`. */
export function fmtDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const s = Math.round(seconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}
