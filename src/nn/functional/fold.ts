// unfold (im2col) and fold (col2im) in PyTorch's layout: `[N, C * prod(kernel), blocks]`.
import { ShapeError, ValueError } from '../../errors.js';
import type { PatchGeometry } from '../../backend/types.js';
import { col2imPrim, im2colPrim } from '../../ops/prims/im2col.js';
import type { Tensor } from '../../tensor/tensor.js';
import { floatInput, fmtTuple, ntuple, prod, type SizeArg } from './geometry.js';

/** Options of `unfold` and `fold`. */
export interface FoldOptions {
  dilation?: SizeArg;
  padding?: SizeArg;
  stride?: SizeArg;
}

function geometry(op: string, kernelSize: SizeArg, opts: FoldOptions) {
  const kernel = ntuple(op, 'kernel_size', kernelSize, 2);
  const dilation = ntuple(op, 'dilation', opts.dilation ?? 1, 2);
  const padding = ntuple(op, 'padding', opts.padding ?? 0, 2);
  const stride = ntuple(op, 'stride', opts.stride ?? 1, 2);
  for (const [name, v] of [
    ['kernel_size', kernel],
    ['dilation', dilation],
    ['stride', stride],
  ] as const) {
    if (v.some((s) => s <= 0)) throw new ValueError(op, `expected ${name} to be positive, got ${fmtTuple(v)}`);
  }
  if (padding.some((p) => p < 0))
    throw new ValueError(op, `expected padding to be non-negative, got ${fmtTuple(padding)}`);
  return { kernel, dilation, padding, stride };
}

function blocksOf(size: readonly number[], k: number[], d: number[], p: number[], s: number[]): number[] {
  return size.map((n, i) => Math.floor((n + 2 * p[i] - (d[i] * (k[i] - 1) + 1)) / s[i]) + 1);
}

/**
 * Extracts sliding blocks: `input: [N, C, H, W]` (or `[C, H, W]`) to `[N, C * kH * kW, L]`,
 * where column `l` holds the block at grid position `l` (row-major), zero-padded (im2col).
 * @example nn.functional.unfold(nb.randn([1, 3, 4, 4]), 2) // [1, 12, 9]
 */
export function unfold(input: Tensor, kernelSize: SizeArg, opts: FoldOptions = {}): Tensor {
  const op = 'unfold';
  const x0 = floatInput(op, input);
  if (x0.ndim !== 3 && x0.ndim !== 4) {
    throw new ShapeError(op, `Input Error: Only 3D or 4D input Tensors are supported (got ${x0.ndim}D)`, [x0.shape]);
  }
  const x = x0.ndim === 3 ? x0.unsqueeze(0) : x0;
  const { kernel, dilation, padding, stride } = geometry(op, kernelSize, opts);
  const size = x.shape.slice(2);
  const blocks = blocksOf(size, kernel, dilation, padding, stride);
  if (blocks.some((b) => b < 1)) {
    throw new ShapeError(
      op,
      `Given input with spatial size ${fmtTuple(size)}, kernel_size=${fmtTuple(kernel)}, dilation=${fmtTuple(dilation)}, padding=${fmtTuple(padding)}, calculated shape of the array of sliding blocks as ${fmtTuple(blocks)}, but its components must be at least one.`,
      [x0.shape],
    );
  }
  const g: PatchGeometry = { kernel, stride, padding, dilation, outSize: blocks, first: 0, count: blocks[0] };
  const y = im2colPrim(x, g).transpose(0, 1).contiguous();
  return x0.ndim === 3 ? y.squeeze(0) : y;
}

/**
 * Sums sliding blocks back into an image (col2im), the adjoint of `unfold`:
 * `input: [N, C * kH * kW, L]` (or `[C * kH * kW, L]`) to `[N, C, ...outputSize]`, overlapping
 * entries added.
 * @example nn.functional.fold(nb.ones([1, 4, 9]), [4, 4], 2) // [1, 1, 4, 4], 4 in the middle
 */
export function fold(input: Tensor, outputSize: SizeArg, kernelSize: SizeArg, opts: FoldOptions = {}): Tensor {
  const op = 'fold';
  const x0 = floatInput(op, input);
  if (x0.ndim !== 2 && x0.ndim !== 3) {
    throw new ShapeError(
      op,
      `Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported (got ${x0.ndim}D)`,
      [x0.shape],
    );
  }
  const x = x0.ndim === 2 ? x0.unsqueeze(0) : x0;
  const size = ntuple(op, 'output_size', outputSize, 2);
  const { kernel, dilation, padding, stride } = geometry(op, kernelSize, opts);
  const [N, CK, L] = x.shape;
  const K = prod(kernel);
  if (CK % K !== 0) {
    throw new ShapeError(
      op,
      `Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=${CK} and kernel_size=${fmtTuple(kernel)}.`,
      [x0.shape],
    );
  }
  const blocks = blocksOf(size, kernel, dilation, padding, stride);
  if (blocks.some((b) => b < 1) || prod(blocks) !== L) {
    throw new ShapeError(
      op,
      `Given output_size=${fmtTuple(size)}, kernel_size=${fmtTuple(kernel)}, dilation=${fmtTuple(dilation)}, padding=${fmtTuple(padding)}, stride=${fmtTuple(stride)}, expected size of input's dimension 2 to match the calculated number of sliding blocks ${blocks.join(' * ')} = ${prod(blocks)}, but got input.size(2)=${L}.`,
      [x0.shape],
    );
  }
  const g: PatchGeometry = { kernel, stride, padding, dilation, outSize: blocks, first: 0, count: blocks[0] };
  const y = col2imPrim(x.transpose(0, 1), g, [N, CK / K, ...size]);
  return x0.ndim === 2 ? y.squeeze(0) : y;
}
