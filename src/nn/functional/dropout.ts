// Dropout in its forms: elementwise, channel-wise (1d/2d/3d) and alpha (for SELU networks). The
// random mask is a constant of the graph, so the gradient flows through the kept units only,
// scaled like the forward. Randomness comes from the global generator (`manualSeed`) unless a
// `generator` is given.
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { bernoulli } from '../../ops/sampling.js';
import { checkTensor } from '../../ops/operands.js';
import { zeros } from '../../tensor/create.js';
import { isFloat } from '../../tensor/dtype.js';
import type { GeneratorOptions } from '../../tensor/generator.js';
import type { Tensor } from '../../tensor/tensor.js';

/** Options of the dropout functions (PyTorch's defaults). */
export interface DropoutOptions extends GeneratorOptions {
  /** Probability of zeroing a unit (or channel). Default 0.5. */
  p?: number;
  /** Apply dropout; when false the input is returned unchanged. Default true. */
  training?: boolean;
  /** Write the result into the input (refused on leaves that require grad). Default false. */
  inplace?: boolean;
}

/** Throws PyTorch's error unless 0 <= p <= 1. */
export function checkDropoutP(op: string, p: number): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new ValueError(op, `dropout probability has to be between 0 and 1, but got ${String(p)}`);
  }
  return p;
}

function optionsOf(p: number | DropoutOptions | undefined, opts: DropoutOptions | undefined): DropoutOptions {
  return typeof p === 'object' && p !== null ? p : { ...opts, p: p ?? opts?.p };
}

// SELU's alpha * scale: the value alpha dropout sends dropped units to, before the affine fix-up.
const ALPHA_PRIME = 1.7580993408473766;

// PyTorch's _dropout_impl: `feature` draws one mask entry per (sample, channel); `alpha` keeps
// mean and variance for SELU activations.
function dropoutImpl(op: string, x: Tensor, o: DropoutOptions, feature: boolean, alpha: boolean): Tensor {
  checkTensor(op, x);
  const p = checkDropoutP(op, o.p ?? 0.5);
  if (!isFloat(x.dtype)) throw new DTypeError(op, `expected a floating point input, got ${x.dtype}`);
  if (feature && x.ndim < 2) {
    throw new ShapeError(
      op,
      `expected an input with at least 2 dims (Feature dropout requires at least 2 dimensions in the input), got ${fmtShape(x.shape)}`,
      [x.shape],
    );
  }
  if (p === 0 || o.training === false || x.numel() === 0) return x;
  let y: Tensor;
  if (p === 1) y = x.mul(0);
  else {
    const shape = feature ? [x.shape[0], x.shape[1], ...x.shape.slice(2).map(() => 1)] : [...x.shape];
    const keep = bernoulli(zeros(shape, { dtype: x.dtype }), 1 - p, o);
    if (alpha) {
      const a = 1 / Math.sqrt((ALPHA_PRIME * ALPHA_PRIME * p + 1) * (1 - p));
      const b = keep
        .sub(1)
        .mul(ALPHA_PRIME * a)
        .add(ALPHA_PRIME * a * p);
      y = x.mul(keep.mul(a)).add(b);
    } else y = x.mul(keep.div(1 - p));
  }
  return o.inplace ? x.assign_(y, `${op}_`) : y;
}

/**
 * Zeroes each element with probability `p` and scales the rest by `1 / (1 - p)` (inverted
 * dropout), so the expected value is unchanged; identity when `training` is false.
 * @see https://jmlr.org/papers/v15/srivastava14a.html
 * @example nn.functional.dropout(x, 0.2) // or dropout(x, { p: 0.2, training: model.training })
 */
export function dropout(x: Tensor, p?: number | DropoutOptions, opts?: DropoutOptions): Tensor {
  return dropoutImpl('dropout', x, optionsOf(p, opts), false, false);
}

// Channel-wise dropout with an optional batch dim: `ranks` = [unbatched, batched].
function channelDropout(op: string, x: Tensor, o: DropoutOptions, ranks: [number, number]): Tensor {
  checkTensor(op, x);
  const p = checkDropoutP(op, o.p ?? 0.5);
  if (x.ndim !== ranks[0] && x.ndim !== ranks[1]) {
    throw new ShapeError(
      op,
      `expected a ${ranks[0]}D or ${ranks[1]}D input (channels with ${ranks[0] - 1} spatial dim(s), optionally batched), got ${x.ndim}D input of shape ${fmtShape(x.shape)}`,
      [x.shape],
    );
  }
  if (x.ndim === ranks[1]) return dropoutImpl(op, x, o, true, false);
  if (p === 0 || o.training === false || x.numel() === 0) return x;
  const y = dropoutImpl(op, x.unsqueeze(0), { ...o, inplace: false }, true, false).squeeze(0);
  return o.inplace ? x.assign_(y, `${op}_`) : y;
}

/**
 * Zeroes whole channels (`x[n, c, :]`) with probability `p`, scaling the rest by `1 / (1 - p)`.
 * Shape: `[N, C, L]` or `[C, L]`.
 * @example nn.functional.dropout1d(nb.randn([4, 8, 16]), 0.1)
 */
export function dropout1d(x: Tensor, p?: number | DropoutOptions, opts?: DropoutOptions): Tensor {
  return channelDropout('dropout1d', x, optionsOf(p, opts), [2, 3]);
}

/**
 * Zeroes whole channels (`x[n, c, :, :]`) with probability `p`, scaling the rest by
 * `1 / (1 - p)`. Shape: `[N, C, H, W]`; as in PyTorch, any input with 2 or more dims is treated
 * as `[N, C, ...]` (so a 3-D input is `[N, C, L]`, not an unbatched image).
 * @example nn.functional.dropout2d(nb.randn([4, 8, 5, 5]), 0.1)
 */
export function dropout2d(x: Tensor, p?: number | DropoutOptions, opts?: DropoutOptions): Tensor {
  return dropoutImpl('dropout2d', x, optionsOf(p, opts), true, false);
}

/**
 * Zeroes whole channels (`x[n, c, :, :, :]`) with probability `p`, scaling the rest by
 * `1 / (1 - p)`. Shape: `[N, C, D, H, W]` or `[C, D, H, W]`.
 * @example nn.functional.dropout3d(nb.randn([2, 4, 3, 5, 5]), 0.1)
 */
export function dropout3d(x: Tensor, p?: number | DropoutOptions, opts?: DropoutOptions): Tensor {
  return channelDropout('dropout3d', x, optionsOf(p, opts), [4, 5]);
}

/**
 * Alpha dropout for self-normalizing (SELU) networks: dropped units take SELU's negative
 * saturation value and an affine correction keeps zero mean and unit variance.
 * @see https://arxiv.org/abs/1706.02515
 * @example nn.functional.alphaDropout(x, 0.1)
 */
export function alphaDropout(x: Tensor, p?: number | DropoutOptions, opts?: DropoutOptions): Tensor {
  return dropoutImpl('alphaDropout', x, optionsOf(p, opts), false, true);
}

/**
 * Alpha dropout of whole channels (`[N, C, ...]`), as `alphaDropout` per (sample, channel).
 * @example nn.functional.featureAlphaDropout(nb.randn([4, 8, 5, 5]), 0.1)
 */
export function featureAlphaDropout(x: Tensor, p?: number | DropoutOptions, opts?: DropoutOptions): Tensor {
  return dropoutImpl('featureAlphaDropout', x, optionsOf(p, opts), true, true);
}
