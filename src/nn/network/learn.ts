// `Network.learn` and `Network.evaluate`: neurons' training loop on the engine, with its defects
// fixed: the loss (so the gradient) is the batch mean, not the sum; the optimizer steps once per
// batch, so Adam's bias correction and SGD momentum count steps, not epochs; batches are
// reshuffled every epoch unless `shuffle: false`.
import { noGrad } from '../../autograd/mode.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { defaultGenerator, Generator } from '../../tensor/generator.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { permutation } from '../../data/samplers.js';
import { tensorArg } from './common.js';
import type { Head } from './objective.js';
import type { Network } from './network.js';

/** Options of `Network.learn`. */
export interface LearnOptions {
  /**
   * Validation data `[x, y]`, or the fraction of the training samples (the last ones, before
   * shuffling, as Keras' `validation_split`) held out for it.
   */
  validation?: readonly [Tensor, Tensor] | number;
  /** Stop when the validation loss has not improved for this many epochs (needs `validation`). */
  patience?: number;
  /** Samples per optimizer step (default 32). */
  batchSize?: number;
  /** Passes over the data (default 1). */
  epochs?: number;
  /** Log a line every `print` epochs (`true`: every epoch; default off). */
  print?: number | boolean;
  /** Where printed lines go (default `console.log`). */
  log?: (line: string) => void;
  /** Reshuffle the training samples every epoch (default true). */
  shuffle?: boolean;
  /** Generator of the shuffles (default: a fresh one seeded with `seed`, else the global one). */
  generator?: Generator;
  seed?: number;
  /** Regression accuracy: the share of outputs within this distance of the target (default 0.1). */
  tolerance?: number;
}

/** Per-epoch curves returned by `Network.learn` (validation curves are empty without validation). */
export interface LearnHistory {
  /** Mean training loss over each epoch's samples (as measured during the epoch, in train mode). */
  trainLoss: number[];
  valLoss: number[];
  /** Accuracy on each epoch's training batches, in [0, 1]. */
  trainAccuracy: number[];
  valAccuracy: number[];
  /** Whether `patience` ended training before `epochs`. */
  stoppedEarly: boolean;
}

/** Loss and accuracy of a data set (`Network.evaluate`). */
export interface Evaluation {
  loss: number;
  /** In [0, 1]: argmax agreement for classification, 0.5-threshold agreement for BCE, else within `tolerance`. */
  accuracy: number;
}

function positiveInt(op: string, name: string, v: number | undefined, fallback: number): number {
  const n = v ?? fallback;
  if (!Number.isInteger(n) || n < 1) throw new ValueError(op, `expected ${name} to be a positive integer, got ${n}`);
  return n;
}

function checkPair(op: string, x: Tensor, y: Tensor, what: string): void {
  tensorArg(op, `${what} inputs`, x);
  tensorArg(op, `${what} targets`, y);
  if (x.ndim === 0 || y.ndim === 0 || x.shape[0] !== y.shape[0]) {
    throw new ShapeError(
      op,
      `expected ${what} inputs and targets with the same number of samples, got ${fmtShape(x.shape)} and ${fmtShape(y.shape)}`,
      [x.shape, y.shape],
    );
  }
}

const rows = (t: Tensor, idx: readonly number[]) =>
  t.indexSelect(0, fromArray(Int32Array.from(idx), [idx.length], 'int32'));
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

/** Hits and total of a batch: argmax agreement, thresholded agreement, or |output - target| < tol. */
function hits(net: Network, h: Head, y: Tensor, tol: number): [number, number] {
  return noGrad(() => {
    const out = h.out.flatten(1);
    const classes = net.objective.classification || (y.dtype === 'int32' && out.shape[1] > 1);
    if (classes) {
      const t = y.dtype === 'int32' ? y.flatten() : y.flatten(1).argmax(1);
      return [Number(out.argmax(1).eq(t).sum().item()), out.shape[0]];
    }
    const t = y.reshape(out.shape).to(out.dtype);
    if (net.objective.binary) {
      const at = h.act === 'linear' ? 0 : 0.5;
      return [Number(out.gt(at).eq(t.gt(0.5)).sum().item()), out.numel()];
    }
    return [Number(out.sub(t).abs().lt(tol).sum().item()), out.numel()];
  });
}

/** Loss and accuracy over `(x, y)` in eval mode, in batches, without gradients. */
export function evaluate(
  net: Network,
  x: Tensor,
  y: Tensor,
  opts: { batchSize?: number; tolerance?: number } = {},
): Evaluation {
  const op = 'Network.evaluate';
  checkPair(op, x, y, 'evaluation');
  const bs = positiveInt(op, 'batchSize', opts.batchSize, 256);
  const tol = opts.tolerance ?? 0.1;
  const was = net.training;
  net.eval();
  try {
    let loss = 0;
    let hit = 0;
    let total = 0;
    const n = x.shape[0];
    for (let i = 0; i < n; i += bs) {
      const idx = range(i, Math.min(n, i + bs));
      const [xb, yb] = [rows(x, idx), rows(y, idx)];
      noGrad(() => {
        const h = net.forwardHead(xb);
        loss += Number(net.objective.loss(h, yb).item()) * idx.length;
        const [a, b] = hits(net, h, yb, tol);
        hit += a;
        total += b;
      });
    }
    return { loss: loss / n, accuracy: total ? hit / total : NaN };
  } finally {
    net.train(was);
  }
}

/** The training loop behind `Network.learn`. */
export function learn(net: Network, x: Tensor, y: Tensor, opts: LearnOptions = {}): LearnHistory {
  const op = 'Network.learn';
  checkPair(op, x, y, 'training');
  const epochs = positiveInt(op, 'epochs', opts.epochs, 1);
  const bs = positiveInt(op, 'batchSize', opts.batchSize, 32);
  const tol = opts.tolerance ?? 0.1;
  const patience = opts.patience === undefined ? null : positiveInt(op, 'patience', opts.patience, 1);
  const every =
    opts.print === true
      ? 1
      : opts.print === false || opts.print === undefined
        ? 0
        : positiveInt(op, 'print', opts.print, 1);
  const log = opts.log ?? ((line: string) => console.log(line));
  const gen = opts.generator ?? (opts.seed !== undefined ? new Generator(opts.seed) : defaultGenerator);
  let [xt, yt] = [x, y];
  let val: [Tensor, Tensor] | null = null;
  if (typeof opts.validation === 'number') {
    const f = opts.validation;
    const nVal = Math.round(f * x.shape[0]);
    if (!(f > 0 && f < 1) || nVal < 1 || nVal >= x.shape[0]) {
      throw new ValueError(
        op,
        `expected validation to be a fraction leaving samples on both sides, got ${f} of ${x.shape[0]} samples`,
      );
    }
    const cut = x.shape[0] - nVal;
    [xt, yt] = [x.narrow(0, 0, cut), y.narrow(0, 0, cut)];
    val = [x.narrow(0, cut, nVal), y.narrow(0, cut, nVal)];
  } else if (opts.validation !== undefined) {
    if (!Array.isArray(opts.validation) || opts.validation.length !== 2) {
      throw new DTypeError(op, `expected validation to be [x, y] or a fraction, got ${typeof opts.validation}`);
    }
    val = [opts.validation[0], opts.validation[1]];
    checkPair(op, val[0], val[1], 'validation');
  }
  if (patience !== null && val === null) throw new ValueError(op, 'expected validation data with patience, got none');

  const optimizer = net.optimizer;
  const hist: LearnHistory = { trainLoss: [], valLoss: [], trainAccuracy: [], valAccuracy: [], stoppedEarly: false };
  const n = xt.shape[0];
  let best = Infinity;
  let wait = 0;
  const was = net.training;
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      net.train(true);
      const order = opts.shuffle === false ? range(0, n) : permutation(n, gen);
      let sum = 0;
      let hit = 0;
      let total = 0;
      for (let i = 0; i < n; i += bs) {
        const idx = order.slice(i, i + bs);
        const [xb, yb] = [rows(xt, idx), rows(yt, idx)];
        optimizer.zeroGrad();
        const h = net.forwardHead(xb);
        const loss = net.objective.loss(h, yb);
        const value = Number(loss.item());
        if (!Number.isFinite(value)) {
          throw new ValueError(
            op,
            `expected a finite loss, got ${value} at epoch ${epoch}, samples ${i}..${i + idx.length - 1}`,
          );
        }
        loss.backward();
        optimizer.step();
        sum += value * idx.length;
        const [a, b] = hits(net, h, yb, tol);
        hit += a;
        total += b;
      }
      hist.trainLoss.push(sum / n);
      hist.trainAccuracy.push(total ? hit / total : NaN);
      let line = `epoch ${epoch}/${epochs}: loss ${(sum / n).toPrecision(4)}, accuracy ${((100 * hit) / total).toFixed(1)}%`;
      if (val) {
        const ev = evaluate(net, val[0], val[1], { batchSize: Math.max(bs, 256), tolerance: tol });
        hist.valLoss.push(ev.loss);
        hist.valAccuracy.push(ev.accuracy);
        line += `, val loss ${ev.loss.toPrecision(4)}, val accuracy ${(100 * ev.accuracy).toFixed(1)}%`;
        if (ev.loss < best) [best, wait] = [ev.loss, 0];
        else wait++;
      }
      if (every > 0 && (epoch % every === 0 || epoch === epochs)) log(line);
      if (patience !== null && wait >= patience && epoch < epochs) {
        hist.stoppedEarly = true;
        if (every > 0) log(`early stop after epoch ${epoch}: no validation improvement in ${patience} epochs`);
        break;
      }
    }
  } finally {
    net.train(was);
  }
  return hist;
}
