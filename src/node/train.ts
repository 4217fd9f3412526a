// `train` for Node: the browser-safe training API plus file writers for checkpoints, CSV logs
// and plots (atomic writes through `writeFileAtomic`) and the terminal progress bar.
import fs from 'node:fs';
import path from 'node:path';
import { CSVLogger, type CSVLoggerOptions } from '../train/csv.js';
import { resumeFrom, type CheckpointSaver, type Resume } from '../train/checkpoint.js';
import type { RestoreTargets } from '../io/checkpoint.js';
import { DTypeError } from '../errors.js';
import { writeFileAtomic } from './fs.js';

export * from '../train/index.js';
export { ProgressBar, type ProgressBarOptions } from './progress.js';

function writeWithDirs(file: string, data: Uint8Array | string, op: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileAtomic(file, data, op);
}

/**
 * A `ModelCheckpoint` saver that writes each checkpoint to its path atomically, creating
 * directories as needed.
 * @example new train.ModelCheckpoint({ path: 'runs/best.safetensors', saver: train.fileCheckpointSaver(), saveBestOnly: true })
 */
export function fileCheckpointSaver(): CheckpointSaver {
  return (file, bytes) => writeWithDirs(file, bytes, 'ModelCheckpoint');
}

/**
 * A `CSVLogger` that rewrites `file` atomically after every epoch; with `append`, an existing
 * file is continued (its header fixes the columns), as when resuming.
 * @example callbacks: [train.csvLogger('runs/mnist/log.csv')]
 */
export function csvLogger(
  file: string,
  opts: Omit<CSVLoggerOptions, 'onWrite' | 'existing'> & { append?: boolean } = {},
): CSVLogger {
  const existing = opts.append && fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  return new CSVLogger({ ...opts, existing, onWrite: (csv) => writeWithDirs(file, csv, 'CSVLogger') });
}

/**
 * Writes an SVG string (from `plot`) to `file` atomically, creating directories as needed.
 * @example train.savePlot(plot.trainingCurves(history), 'runs/mnist/curves.svg');
 */
export function savePlot(svg: string, file: string): void {
  if (typeof svg !== 'string') throw new DTypeError('savePlot', `expected an SVG string, got ${typeof svg}`);
  writeWithDirs(file, svg, 'savePlot');
}

/**
 * Restores a checkpoint file written by `ModelCheckpoint` and returns `{ initialEpoch, history }`
 * for `fit` to continue the run.
 * @example const resume = train.resumeFromFile('runs/last.safetensors', { model, optimizer });
 */
export function resumeFromFile(file: string, targets: RestoreTargets): Resume {
  return resumeFrom(fs.readFileSync(file), targets, { source: file });
}
