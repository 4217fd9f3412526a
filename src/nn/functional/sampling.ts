// Sampling from logits: the differentiable Gumbel-softmax relaxation (PyTorch's
// F.gumbel_softmax), and the discrete draws a language model decodes with (categorical,
// Gumbel-max, greedy) after temperature, top-k and top-p (nucleus) filtering. The discrete
// helpers work on rows of the last dim, read values outside the graph and return int32 indices.
import { DTypeError, ValueError } from '../../errors.js';
import { softmax } from '../../ops/softmax.js';
import { isFloat } from '../../tensor/dtype.js';
import { generatorOf, type GeneratorOptions } from '../../tensor/generator.js';
import { Tensor, fromArray } from '../../tensor/tensor.js';

function floatArg(op: string, x: unknown, what = 'logits'): Tensor {
  if (!(x instanceof Tensor)) throw new DTypeError(op, `expected ${what} to be a Tensor, got ${typeof x}`);
  if (!isFloat(x.dtype)) throw new DTypeError(op, `expected floating point ${what}, got ${x.dtype}`);
  if (x.ndim === 0) throw new ValueError(op, `expected ${what} with at least 1 dim, got a 0-d tensor`);
  return x;
}

/** Options of `gumbelSoftmax`. */
export interface GumbelSoftmaxOptions extends GeneratorOptions {
  /** Temperature (> 0). Default 1. */
  tau?: number;
  /** Return one-hot vectors whose gradient is the soft sample's (straight-through). Default false. */
  hard?: boolean;
  /** Dim of the categories. Default -1. */
  dim?: number;
}

/**
 * A differentiable sample from the Gumbel-softmax (Concrete) distribution:
 * `y = softmax((logits + g) / tau)` with g = -log(E), E ~ Exponential(1) (standard Gumbel noise).
 * With `hard`, the forward value is the one-hot of argmax(y) and the gradient is y's:
 * `y_hard - y.detach() + y`, as PyTorch's F.gumbel_softmax.
 * @see https://arxiv.org/abs/1611.01144
 * @example nn.functional.gumbelSoftmax(logits, { tau: 0.5, hard: true }) // one-hot rows, soft grads
 */
export function gumbelSoftmax(logits: Tensor, opts: GumbelSoftmaxOptions = {}): Tensor {
  const op = 'gumbelSoftmax';
  const x = floatArg(op, logits);
  const tau = opts.tau ?? 1;
  if (!(tau > 0)) throw new ValueError(op, `expected tau > 0, got ${tau}`);
  const dim = opts.dim ?? -1;
  const g = generatorOf(op, opts);
  const noise = new Float64Array(x.numel()).map(() => -Math.log(g.exponential()));
  const gumbels = fromArray(noise, [...x.shape], 'float64').to(x.dtype);
  const soft = softmax(x.add(gumbels).div(tau), dim);
  if (!opts.hard) return soft;
  const index = soft.detach().argmax(dim, { keepdim: true });
  const hard = soft.detach().zerosLike().scatter(dim, index, 1);
  return hard.sub(soft.detach()).add(soft);
}

// Calls fn(row values, row index) for every row of the last dim and collects one int per row.
function perRow(x: Tensor, fn: (row: Float64Array, r: number) => number): Tensor {
  const k = x.shape[x.ndim - 1];
  const data = x.detach().data();
  const rows = k === 0 ? 0 : data.length / k;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) out[r] = fn(Float64Array.from(data.subarray(r * k, (r + 1) * k)), r);
  return fromArray(out, x.shape.slice(0, -1), 'int32');
}

function mapRows(x: Tensor, fn: (row: Float64Array) => void): Tensor {
  const k = x.shape[x.ndim - 1];
  const data = Float64Array.from(x.detach().data());
  for (let r = 0; k > 0 && r < data.length / k; r++) fn(data.subarray(r * k, (r + 1) * k));
  return fromArray(data, [...x.shape], 'float64').to(x.dtype);
}

/**
 * One index per row of the last dim, drawn with probability proportional to the row's
 * non-negative weights `probs` (nbml's `sample_categorical`; any scale, e.g. softmax output).
 * Zero-weight categories are never drawn. Returns int32 of shape `probs.shape[:-1]`.
 * @example nn.functional.sampleCategorical(nb.tensor([[0.1, 0.9], [1, 0]])) // e.g. [1, 0]
 */
export function sampleCategorical(probs: Tensor, opts: GeneratorOptions = {}): Tensor {
  const op = 'sampleCategorical';
  const p = floatArg(op, probs, 'probs');
  const g = generatorOf(op, opts);
  return perRow(p, (row, r) => {
    let total = 0;
    for (const w of row) {
      if (!(w >= 0 && w < Infinity))
        throw new ValueError(op, `expected finite non-negative weights, got ${w} in row ${r}`);
      total += w;
    }
    if (!(total > 0)) throw new ValueError(op, `expected a positive sum of weights, got ${total} in row ${r}`);
    // The first category whose running sum exceeds u * total; zero weights never exceed it first.
    const target = g.random() * total;
    let acc = 0;
    let last = 0;
    for (let c = 0; c < row.length; c++) {
      if (row[c] === 0) continue;
      acc += row[c];
      last = c;
      if (acc > target) return c;
    }
    return last;
  });
}

/**
 * Gumbel-max sampling: `argmax(logits + g)` with standard Gumbel noise g per row of the last
 * dim, an exact draw from softmax(logits) (nbml's `sample_gumbel_categorical`, which its README
 * calls Gumbel softmax). `-inf` logits are never drawn. Returns int32 of shape `logits.shape[:-1]`.
 * @example nn.functional.gumbelMax(logits, { generator: new nb.Generator(0) })
 */
export function gumbelMax(logits: Tensor, opts: GeneratorOptions = {}): Tensor {
  const op = 'gumbelMax';
  const x = floatArg(op, logits);
  const g = generatorOf(op, opts);
  return perRow(x, (row, r) => {
    let best = -1;
    let bestV = -Infinity;
    for (let c = 0; c < row.length; c++) {
      const v = row[c] - Math.log(g.exponential());
      if (v > bestV) [best, bestV] = [c, v];
    }
    if (best < 0) throw new ValueError(op, `expected at least one finite logit, got none in row ${r}`);
    return best;
  });
}

/**
 * The index of the largest logit in each row of the last dim (first on ties), int32.
 * @example nn.functional.greedy(nb.tensor([[0, 2, 1]])) // [1]
 */
export function greedy(logits: Tensor): Tensor {
  const x = floatArg('greedy', logits);
  return perRow(x, (row) => row.reduce((best, v, c) => (v > row[best] ? c : best), 0));
}

/**
 * Keeps the `k` largest logits of each row (ties with the k-th are kept) and sets the rest to
 * -inf, so no sampler can draw them.
 * @example nn.functional.topKFilter(nb.tensor([1, 3, 2]), 2) // [-inf, 3, 2]
 */
export function topKFilter(logits: Tensor, k: number): Tensor {
  const op = 'topKFilter';
  const x = floatArg(op, logits);
  if (!Number.isInteger(k) || k < 1) throw new ValueError(op, `expected k to be a positive integer, got ${k}`);
  return mapRows(x, (row) => {
    if (k >= row.length) return;
    const kth = Float64Array.from(row).sort()[row.length - k]; // ascending: the k-th largest
    for (let c = 0; c < row.length; c++) if (row[c] < kth) row[c] = -Infinity;
  });
}

/**
 * Nucleus filtering: keeps, per row, the most probable logits whose softmax probabilities first
 * reach a total of `p` (always at least the most probable one) and sets the rest to -inf.
 * @see https://arxiv.org/abs/1904.09751
 * @example nn.functional.topPFilter(nb.tensor([2, 1, 0, -5]), 0.9)
 */
export function topPFilter(logits: Tensor, p: number): Tensor {
  const op = 'topPFilter';
  const x = floatArg(op, logits);
  if (!(p > 0 && p <= 1)) throw new ValueError(op, `expected p in (0, 1], got ${p}`);
  return mapRows(x, (row) => {
    const max = Math.max(...row);
    if (max === -Infinity) return;
    const e = Array.from(row, (v) => Math.exp(v - max));
    const total = e.reduce((a, b) => a + b, 0);
    const order = e.map((_, c) => c).sort((a, b) => e[b] - e[a] || a - b);
    let acc = 0;
    for (const c of order) {
      if (acc >= p * total) row[c] = -Infinity; // the kept set already reached p
      acc += e[c];
    }
  });
}

/** Options of `sampleLogits`. */
export interface SampleLogitsOptions extends GeneratorOptions {
  /** Logits are divided by it (> 0). Default 1. */
  temperature?: number;
  /** Keep only the k most likely tokens. */
  topK?: number | null;
  /** Keep only the nucleus of probability p. */
  topP?: number | null;
  /** Take the argmax instead of sampling. Default false. */
  greedy?: boolean;
  /** How to draw: inverse-CDF categorical (default) or Gumbel-max. Both are exact. */
  sampler?: 'categorical' | 'gumbel';
}

/**
 * Picks one token per row of `logits` `[..., V]`: temperature, then top-k and top-p filtering,
 * then a greedy, categorical or Gumbel-max draw. Returns int32 `[...]`.
 * @example nn.functional.sampleLogits(logits, { temperature: 0.8, topK: 40, topP: 0.95, generator: g })
 */
export function sampleLogits(logits: Tensor, opts: SampleLogitsOptions = {}): Tensor {
  const op = 'sampleLogits';
  let x = floatArg(op, logits);
  if (opts.greedy) return greedy(x);
  const temperature = opts.temperature ?? 1;
  if (!(temperature > 0)) throw new ValueError(op, `expected temperature > 0 (use greedy for 0), got ${temperature}`);
  if (temperature !== 1) x = x.detach().div(temperature);
  if (opts.topK !== undefined && opts.topK !== null) x = topKFilter(x, opts.topK);
  if (opts.topP !== undefined && opts.topP !== null) x = topPFilter(x, opts.topP);
  const sampler = opts.sampler ?? 'categorical';
  if (sampler === 'gumbel') return gumbelMax(x, opts);
  if (sampler !== 'categorical')
    throw new ValueError(op, `expected sampler 'categorical' or 'gumbel', got ${String(sampler)}`);
  return sampleCategorical(softmax(x.detach(), -1), opts);
}
