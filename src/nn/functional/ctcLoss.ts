// Connectionist temporal classification loss as a composite: the forward (alpha) recursion over
// time steps in log space, one batch of tensor ops per step, so autograd derives the exact
// gradient (PyTorch's native kernel instead returns exp(logProbs) - posterior, which equals the
// true gradient only after a logSoftmax; see ctcLoss's doc).
import { DTypeError, IndexError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { where } from '../../ops/elementwise.js';
import { checkTensor } from '../../ops/operands.js';
import { amax } from '../../ops/reduce.js';
import { cat, stack } from '../../ops/shape.js';
import { full, tensor } from '../../tensor/create.js';
import { isFloat } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';
import { boolOption, checkReduction, floatTensor, numberOption, type ReductionOptions } from './lossCommon.js';

/** Options of `ctcLoss`. */
export interface CtcLossOptions extends ReductionOptions {
  /** The blank label. Default 0. */
  blank?: number;
  /** Replace infinite losses (impossible alignments) and their gradients by 0. Default false. */
  zeroInfinity?: boolean;
}

/** Sequence lengths: an int tensor, an array, or (unbatched) one number. */
export type CtcLengths = Tensor | readonly number[] | number;

function lengths(op: string, name: string, v: CtcLengths, n: number, max: number | null): number[] {
  let out: number[];
  if (v instanceof Tensor) {
    if (isFloat(v.dtype) || v.dtype === 'bool')
      throw new DTypeError(op, `expected ${name} to be an int32 tensor, got ${v.dtype}`);
    out = Array.from(v.data(), Number);
  } else if (typeof v === 'number') out = [v];
  else if (Array.isArray(v)) out = [...(v as readonly number[])];
  else throw new DTypeError(op, `expected ${name} to be a Tensor, an array or a number, got ${typeof v}`);
  if (out.length !== n)
    throw new ShapeError(op, `expected ${name} to have ${n} entries (one per batch element), got ${out.length}`);
  for (const k of out) {
    if (!Number.isInteger(k) || k < 0)
      throw new ValueError(op, `expected ${name} to be non-negative integers, got ${k}`);
    if (max !== null && k > max) {
      throw new ValueError(
        op,
        `Expected ${name === 'inputLengths' ? 'input_lengths' : name} to have value at most ${max}, but got value ${k}`,
      );
    }
  }
  return out;
}

// Each sample's label sequence from padded [N, S] or concatenated [sum(lengths)] targets.
function labelSequences(op: string, targets: Tensor, tl: number[], n: number): number[][] {
  if (targets.dtype !== 'int32')
    throw new DTypeError(op, `expected targets to be an int32 tensor, got ${targets.dtype}`);
  const v = targets.data();
  if (targets.ndim === 2) {
    if (targets.shape[0] !== n) {
      throw new ShapeError(op, `expected targets of shape [${n}, S], got ${fmtShape(targets.shape)}`, [targets.shape]);
    }
    const s = targets.shape[1];
    const longest = Math.max(0, ...tl);
    if (longest > s) {
      throw new ShapeError(
        op,
        `Expected tensor to have size at least ${longest} at dimension 1, but got size ${s} for argument #2 'targets'`,
        [targets.shape],
      );
    }
    return tl.map((len, i) => Array.from(v.subarray(i * s, i * s + len)));
  }
  if (targets.ndim !== 1) {
    throw new ShapeError(
      op,
      `expected targets to be 2-D (padded) or 1-D (concatenated), got ${fmtShape(targets.shape)}`,
      [targets.shape],
    );
  }
  const total = tl.reduce((a, b) => a + b, 0);
  if (targets.shape[0] !== total) {
    throw new ShapeError(
      op,
      `Expected tensor to have size ${total} at dimension 0, but got size ${targets.shape[0]} for argument #2 'targets'`,
      [targets.shape],
    );
  }
  let at = 0;
  return tl.map((len) => Array.from(v.subarray(at, (at += len))));
}

// log(sum(exp(x))) over `dim`, -inf (with a zero gradient, not NaN) where every term is -inf:
// unreachable alignment states are all-(-inf) and must not poison the gradient.
function logsumexpSafe(x: Tensor, dim: number): Tensor {
  const top = amax(x.detach(), dim, { keepdim: true });
  const m = where(top.isinf(), 0, top);
  const s = x.sub(m).exp().sum(dim, { keepdim: true });
  const empty = s.eq(0);
  return where(empty, -Infinity, where(empty, 1, s).log().add(m)).squeeze(dim);
}

/**
 * CTC loss: `-log p(target | logProbs)`, summing over every alignment of the target (labels
 * interleaved with blanks, repeats merged) to the input frames. `logProbs` is `[T, N, C]` (or
 * unbatched `[T, C]`) log probabilities; `targets` are int32, padded `[N, S]` or concatenated
 * `[sum(targetLengths)]`, and never the blank. `'mean'` divides each loss by its target length
 * (at least 1) and then averages over the batch, as PyTorch does.
 *
 * The gradient is the exact derivative with respect to `logProbs`. PyTorch's native kernel
 * returns `exp(logProbs) - posterior` instead, which agrees once it passes back through a
 * `logSoftmax` (the usual setup).
 * @see https://www.cs.toronto.edu/~graves/icml_2006.pdf
 * @example nn.functional.ctcLoss(nb.logSoftmax(logits, 2), targets, [50, 48], [20, 17])
 */
export function ctcLoss(
  logProbs: Tensor,
  targets: Tensor,
  inputLengths: CtcLengths,
  targetLengths: CtcLengths,
  opts: CtcLossOptions = {},
): Tensor {
  const op = 'ctcLoss';
  const reduction = checkReduction(op, opts.reduction);
  const blank = numberOption(op, 'blank', opts.blank, 0);
  const zeroInfinity = boolOption(op, 'zeroInfinity', opts.zeroInfinity, false);
  floatTensor(op, logProbs, 'logProbs');
  checkTensor(op, targets, 'targets');
  if (logProbs.ndim !== 2 && logProbs.ndim !== 3) {
    throw new ShapeError(op, `expected logProbs of shape [T, N, C] or [T, C], got ${fmtShape(logProbs.shape)}`, [
      logProbs.shape,
    ]);
  }
  const unbatched = logProbs.ndim === 2;
  const lp = unbatched ? logProbs.unsqueeze(1) : logProbs;
  const tg = unbatched && targets.ndim === 1 ? targets.unsqueeze(0) : targets;
  const [T, N, C] = lp.shape;
  if (!Number.isInteger(blank) || blank < 0 || blank >= C) {
    throw new ValueError(op, `blank must be in label range [0, ${C}), got ${blank}`);
  }
  const il = lengths(op, 'inputLengths', inputLengths, N, T);
  const tl = lengths(op, 'targetLengths', targetLengths, N, null);
  const labels = labelSequences(op, tg, tl, N);
  for (const seq of labels) {
    for (const k of seq) {
      if (k < 0 || k >= C || k === blank) {
        throw new IndexError(op, `expected target labels in [0, ${C}) other than the blank ${blank}, got ${k}`);
      }
    }
  }
  // Extended labels l' = (blank, l1, blank, l2, ..., blank), padded with blanks to L; a state
  // may skip from s - 2 when it is a label that differs from the one two back.
  const L = 2 * Math.max(0, ...tl) + 1;
  const ext = new Int32Array(N * L).fill(blank);
  const skip = new Uint8Array(N * L);
  labels.forEach((seq, n) => {
    seq.forEach((k, j) => {
      const s = 2 * j + 1;
      ext[n * L + s] = k;
      if (j > 0 && seq[j - 1] !== k) skip[n * L + s] = 1;
    });
  });
  const dtype = lp.dtype;
  const index = tensor(ext, { dtype: 'int32' }).reshape([1, N, L]).expand([T, N, L]);
  const emit = lp.gather(2, index); // emit[t, n, s] = logProbs[t, n, l'_s]
  const canSkip = tensor(skip, { dtype: 'bool' }).reshape([N, L]);
  const ninf = (k: number) => full([N, k], -Infinity, { dtype });
  const shift = (a: Tensor, k: number) => (L <= k ? ninf(L) : cat([ninf(k), a.narrow(1, 0, L - k)], 1));
  // Before the first frame, all probability sits on state 0 (log 1 = 0): one uniform step then
  // gives the usual start (blank or first label), and a sample with no frames keeps it.
  let alpha = cat([full([N, 1], 0, { dtype }), ninf(L - 1)], 1);
  const steps = Math.max(0, ...il);
  for (let t = 0; t < steps; t++) {
    const prev = stack([alpha, shift(alpha, 1), where(canSkip, shift(alpha, 2), -Infinity)], 2);
    const next = logsumexpSafe(prev, 2).add(emit.select(0, t));
    const active = tensor(
      il.map((len) => t < len),
      { dtype: 'bool' },
    ).reshape([N, 1]);
    alpha = where(active, next, alpha);
  }
  // The path ends on the last label or the final blank.
  const endIdx = tensor(
    tl.flatMap((len) => [2 * len, Math.max(2 * len - 1, 0)]),
    { dtype: 'int32' },
  ).reshape([N, 2]);
  const endOk = tensor(
    tl.flatMap((len) => [true, len > 0]),
    { dtype: 'bool' },
  ).reshape([N, 2]);
  let loss = logsumexpSafe(where(endOk, alpha.gather(1, endIdx), -Infinity), 1).neg();
  if (zeroInfinity) loss = where(loss.isinf(), 0, loss);
  if (unbatched) loss = loss.reshape([]);
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return loss.sum();
  const denom = tensor(
    tl.map((len) => Math.max(len, 1)),
    { dtype },
  ).reshape(loss.shape);
  return loss.div(denom).mean();
}
