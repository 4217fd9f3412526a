// Max unpooling: the values of a max pooling written back at the positions it picked, zeros
// elsewhere. A scatter, so the gradient (a gather at the same indices) needs no code here.
import { IndexError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { checkTensor } from '../../ops/operands.js';
import { scatterPrim } from '../../ops/prims/scatter.js';
import { checkIndexDType } from '../../ops/shape.js';
import { zeros } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { ntuple, prod, unbatch, type SizeArg } from './geometry.js';
import { poolInput } from './pooling.js';

/** Options of `maxUnpool2d`. */
export interface MaxUnpoolOptions {
  /** Default: the kernel size. */
  stride?: SizeArg | null;
  padding?: SizeArg;
  /** The output's spatial size (`[H, W]` or `[N, C, H, W]`), to undo a pooling that rounded down. */
  outputSize?: readonly number[] | null;
}

/**
 * The partial inverse of `maxPool2d`: puts every value of `input: [N, C, H, W]` at its index
 * (from `maxPool2d(..., { returnIndices: true })`) in a zero `[N, C, H_out, W_out]` output,
 * `H_out = (H - 1) stride - 2 padding + kH` unless `outputSize` says otherwise.
 * @example
 * const [y, idx] = nn.functional.maxPool2d(x, 2, { returnIndices: true });
 * nn.functional.maxUnpool2d(y, idx, 2) // x's shape, maxima in place, zeros elsewhere
 */
export function maxUnpool2d(input: Tensor, indices: Tensor, kernelSize: SizeArg, opts: MaxUnpoolOptions = {}): Tensor {
  const op = 'max_unpool2d';
  const { x, unbatched } = poolInput(op, input, 2);
  const index = checkTensor(op, indices, 'indices');
  checkIndexDType(op, index);
  if (
    index.numel() !== input.numel() ||
    index.ndim !== input.ndim ||
    index.shape.some((s, i) => s !== input.shape[i])
  ) {
    throw new ShapeError(
      op,
      `Expected shape of indices to be same as that of the input tensor (${fmtShape(input.shape)}) but got indices tensor with shape: ${fmtShape(index.shape)}`,
      [input.shape, index.shape],
    );
  }
  const k = ntuple(op, 'kernel_size', kernelSize, 2);
  const stride = opts.stride ?? [];
  const s = Array.isArray(stride) && stride.length === 0 ? k : ntuple(op, 'stride', stride, 2);
  const p = ntuple(op, 'padding', opts.padding ?? 0, 2);
  const inSize = x.shape.slice(2);
  const deflt = inSize.map((n, i) => (n - 1) * s[i] + k[i] - 2 * p[i]);
  let size = deflt;
  if (opts.outputSize) {
    const given = [...opts.outputSize];
    if (given.length !== 2 && given.length !== 4) {
      throw new ValueError(
        op,
        `output_size should be a sequence containing 2 or 4 elements, but it has a length of '${given.length}'`,
      );
    }
    size = given.slice(-2);
    size.forEach((o, i) => {
      if (!(o > deflt[i] - s[i] && o < deflt[i] + s[i])) {
        throw new ValueError(
          op,
          `invalid output_size "(${size.join(', ')})" (dim ${i} must be between ${deflt[i] - s[i]} and ${deflt[i] + s[i]})`,
        );
      }
    });
  }
  const [N, C] = x.shape;
  const plane = prod(size);
  const idx = unbatched ? index.unsqueeze(0) : index;
  for (const v of idx.data()) {
    if (v < 0 || v >= plane) {
      throw new IndexError(op, `Found an invalid max index: ${v} (output volumes are of size ${size.join('x')}`);
    }
  }
  const L = prod(inSize);
  const src = x.reshape([N, C, L]);
  const flat = scatterPrim(zeros([N, C, plane], { dtype: x.dtype }), 2, idx.reshape([N, C, L]), src, false);
  return unbatch(flat.reshape([N, C, ...size]), unbatched);
}
