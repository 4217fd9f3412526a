// A CSV log of the history, one row per epoch, built as a string (browser-safe); `nabla/node`'s
// `train.csvLogger(path)` writes it to a file after every epoch.
import { ValueError } from '../errors.js';
import type { Callback, FitState, HistoryEntry } from './types.js';

/** Options of `CSVLogger`. */
export interface CSVLoggerOptions {
  /** Field separator (default ','). */
  separator?: string;
  /** Called with the whole CSV text after every epoch (to write a file, update a page, ...). */
  onWrite?: (csv: string) => void | Promise<void>;
  /**
   * CSV text to continue (when resuming): its header fixes the columns; rows are appended.
   * Without it, a run starts a fresh text.
   */
  existing?: string;
}

const FIXED = ['epoch', 'trainLoss', 'valLoss', 'lr', 'seconds'] as const;

/**
 * Logs every epoch as a CSV row: epoch, trainLoss, valLoss, lr, seconds, then the metrics (the
 * columns of the first epoch; an empty field where a value is missing). Numbers are written in
 * full precision.
 * @example
 * const log = new train.CSVLogger();
 * await train.fit(model, { ..., callbacks: [log] });
 * log.text; // "epoch,trainLoss,valLoss,lr,seconds,accuracy\n1,0.69,..."
 */
export class CSVLogger implements Callback {
  readonly separator: string;
  #onWrite: CSVLoggerOptions['onWrite'];
  #columns: string[] | null = null;
  #lines: string[] = [];

  constructor(opts: CSVLoggerOptions = {}) {
    this.separator = opts.separator ?? ',';
    if (this.separator.length !== 1 || /["\r\n]/.test(this.separator)) {
      throw new ValueError(
        'CSVLogger',
        `expected a one-character separator other than a quote or newline, got ${JSON.stringify(this.separator)}`,
      );
    }
    this.#onWrite = opts.onWrite;
    const text = opts.existing?.replace(/\r?\n$/, '') ?? '';
    if (text !== '') {
      this.#lines = text.split(/\r?\n/);
      this.#columns = splitRow(this.#lines[0], this.separator);
    }
  }

  /** The CSV so far (header and one line per epoch, each ending in a newline). */
  get text(): string {
    return this.#lines.length ? this.#lines.join('\n') + '\n' : '';
  }

  async onEpochEnd(entry: HistoryEntry, _state: FitState): Promise<void> {
    if (this.#columns === null) {
      this.#columns = [...FIXED, ...Object.keys(entry.metrics)];
      this.#lines.push(this.#columns.map((c) => quote(c, this.separator)).join(this.separator));
    }
    const cell = (c: string): string => {
      const v = (FIXED as readonly string[]).includes(c) ? entry[c as (typeof FIXED)[number]] : entry.metrics[c];
      return v === null || v === undefined ? '' : String(v);
    };
    this.#lines.push(this.#columns.map((c) => quote(cell(c), this.separator)).join(this.separator));
    if (this.#onWrite) await this.#onWrite(this.text);
  }
}

function quote(s: string, sep: string): string {
  return s.includes(sep) || /["\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

// Splits one header line, honouring quotes (the header is all `existing` needs parsed).
function splitRow(line: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted && ch === '"' && line[i + 1] === '"') {
      cur += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (ch === sep && !quoted) {
      out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  out.push(cur);
  return out;
}
