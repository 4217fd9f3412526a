// The terminal progress bar: the core's ProgressCallback on process.stdout, redrawn in place on a
// terminal and reduced to one line per epoch when output is piped or running under CI.
import { ProgressCallback, type ProgressOptions, type ProgressStream } from '../train/progress.js';

/** Options of `ProgressBar`: those of `ProgressCallback`, with the stream defaulting to stdout. */
export type ProgressBarOptions = Omit<ProgressOptions, 'stream'> & { stream?: ProgressStream };

/**
 * A progress bar for `fit` in a terminal: epoch, step/total, loss, metrics, steps/s and ETA,
 * redrawn in place with `\r`. When the stream is not a TTY or `process.env.CI` is set it prints
 * one line per epoch instead.
 * @example
 * import { train } from 'nabla/node';
 * await train.fit(model, { ..., callbacks: [new train.ProgressBar()] });
 */
export class ProgressBar extends ProgressCallback {
  constructor(opts: ProgressBarOptions = {}) {
    const stream = opts.stream ?? process.stdout;
    const live = Boolean(stream.isTTY) && !process.env.CI;
    super({ ...opts, stream, mode: opts.mode ?? (live ? 'bar' : 'epoch') });
  }
}
