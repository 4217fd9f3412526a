// Adaptive pooling: the output size is given and window `o` along a dim of size n covers
// [floor(o n / out), ceil((o + 1) n / out)), so windows may overlap and differ in size.
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { batched, floatInput, unbatch } from './geometry.js';
import { maxPoolTaps } from './pooling.js';

/** An output size: one for every spatial dim, or per dim with `null` keeping the input's size. */
export type AdaptiveSize = number | readonly (number | null)[];

/** Start and end of every adaptive window along a dim of size `n` pooled to `out`. */
export function adaptiveWindows(n: number, out: number): { start: number[]; end: number[] } {
  const start = Array.from({ length: out }, (_, o) => Math.floor((o * n) / out));
  const end = Array.from({ length: out }, (_, o) => Math.ceil(((o + 1) * n) / out));
  return { start, end };
}

function adaptiveInput(op: string, input: Tensor, nd: number, outputSize: AdaptiveSize) {
  const x0 = floatInput(op, input);
  const { x, unbatched } = batched(
    op,
    x0,
    nd,
    `${op}(): Expected ${nd + 1}D or ${nd + 2}D tensor, but got ${fmtShape(x0.shape)}`,
  );
  const empty = x0.shape.findIndex((s, i) => s === 0 && i >= x0.ndim - nd - 1);
  if (empty >= 0) {
    throw new ShapeError(
      op,
      `${op}(): Expected input to have non-zero size for non-batch dimensions, but input has sizes ${fmtShape(x0.shape)} with dimension ${empty} being empty`,
      [x0.shape],
    );
  }
  const list = typeof outputSize === 'number' ? new Array<number>(nd).fill(outputSize) : [...outputSize];
  if (list.length !== nd) {
    throw new ValueError(op, `expected output_size to have ${nd} elements, got ${list.length}`);
  }
  const size = list.map((s, i) => (s === null ? x.shape[2 + i] : s));
  if (size.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new ValueError(
      op,
      `${op}: elements of output_size must be greater than or equal to 0 but received {${size.join(', ')}}`,
    );
  }
  return { x, unbatched, size };
}

// [out, n] averaging matrix of one dim: row o holds 1 / |window o| over the window.
function averagingMatrix(n: number, out: number, x: Tensor): Tensor {
  const { start, end } = adaptiveWindows(n, out);
  const m = new Float64Array(out * n);
  for (let o = 0; o < out; o++) for (let i = start[o]; i < end[o]; i++) m[o * n + i] = 1 / (end[o] - start[o]);
  return fromArray(m, [out, n], 'float64').to(x.dtype);
}

function adaptiveAvgPoolNd(op: string, nd: number, input: Tensor, outputSize: AdaptiveSize): Tensor {
  const { x, unbatched, size } = adaptiveInput(op, input, nd, outputSize);
  // A window's mean is separable, mean over a box = mean over rows of means over columns, so
  // each dim is one product with a small averaging matrix and the gradient comes from matmul.
  let y = x;
  for (let i = nd - 1; i >= 0; i--) {
    const dim = 2 + i;
    const m = averagingMatrix(x.shape[dim], size[i], x).transpose(0, 1);
    y = dim === y.ndim - 1 ? y.matmul(m) : y.transpose(dim, -1).matmul(m).transpose(dim, -1);
  }
  return unbatch(y.contiguous(), unbatched);
}

/**
 * 1-D adaptive average pooling of `input: [N, C, L]` (or `[C, L]`) to `outputSize` positions.
 * @example nn.functional.adaptiveAvgPool1d(nb.tensor([[[1, 2, 3, 4, 5]]]), 2) // [[[2, 4]]]
 */
export function adaptiveAvgPool1d(input: Tensor, outputSize: AdaptiveSize): Tensor {
  return adaptiveAvgPoolNd('adaptive_avg_pool1d', 1, input, outputSize);
}

/**
 * 2-D adaptive average pooling of `input: [N, C, H, W]` (or `[C, H, W]`) to `outputSize`
 * (`null` keeps a dim), as `F.adaptive_avg_pool2d`: window `o` along a dim of size n covers
 * `[floor(o n / out), ceil((o + 1) n / out))`.
 * @example nn.functional.adaptiveAvgPool2d(nb.randn([2, 8, 7, 7]), 1) // [2, 8, 1, 1]
 */
export function adaptiveAvgPool2d(input: Tensor, outputSize: AdaptiveSize): Tensor {
  return adaptiveAvgPoolNd('adaptive_avg_pool2d', 2, input, outputSize);
}

/**
 * 3-D adaptive average pooling of `input: [N, C, D, H, W]` (or `[C, D, H, W]`) to `outputSize`.
 * @example nn.functional.adaptiveAvgPool3d(nb.randn([1, 2, 5, 6, 7]), [2, 3, null]) // [1, 2, 2, 3, 7]
 */
export function adaptiveAvgPool3d(input: Tensor, outputSize: AdaptiveSize): Tensor {
  return adaptiveAvgPoolNd('adaptive_avg_pool3d', 3, input, outputSize);
}

type AdaptiveMaxResult<O> = O extends { returnIndices: true } ? [Tensor, Tensor] : Tensor;

function adaptiveMaxPoolNd(op: string, nd: number, input: Tensor, outputSize: AdaptiveSize, returnIndices: boolean) {
  const { x, unbatched, size } = adaptiveInput(op, input, nd, outputSize);
  const inSize = x.shape.slice(2);
  const taps: Int32Array[] = [];
  const width: number[] = [];
  inSize.forEach((n, i) => {
    const { start, end } = adaptiveWindows(n, size[i]);
    const w = Math.max(1, ...end.map((e, o) => e - start[o]));
    const t = new Int32Array(size[i] * w).fill(-1);
    for (let o = 0; o < size[i]; o++) for (let j = start[o]; j < end[o]; j++) t[o * w + j - start[o]] = j;
    taps.push(t);
    width.push(w);
  });
  const [y, idx] = maxPoolTaps(x, { taps, width, outSize: size });
  return returnIndices ? [unbatch(y, unbatched), unbatch(idx, unbatched)] : unbatch(y, unbatched);
}

/**
 * 1-D adaptive max pooling of `input: [N, C, L]` to `outputSize` positions (with
 * `returnIndices`, also the index of every maximum).
 * @example nn.functional.adaptiveMaxPool1d(nb.tensor([[[1, 5, 3, 4, 2]]]), 2) // [[[5, 4]]]
 */
export function adaptiveMaxPool1d<O extends { returnIndices?: boolean }>(
  input: Tensor,
  outputSize: AdaptiveSize,
  opts?: O,
): AdaptiveMaxResult<O> {
  return adaptiveMaxPoolNd(
    'adaptive_max_pool1d',
    1,
    input,
    outputSize,
    opts?.returnIndices ?? false,
  ) as AdaptiveMaxResult<O>;
}

/**
 * 2-D adaptive max pooling of `input: [N, C, H, W]` (or `[C, H, W]`) to `outputSize`, as
 * `F.adaptive_max_pool2d`; with `returnIndices`, also the per-plane index of every maximum.
 * @example nn.functional.adaptiveMaxPool2d(nb.randn([1, 2, 5, 7]), [2, 3]) // [1, 2, 2, 3]
 */
export function adaptiveMaxPool2d<O extends { returnIndices?: boolean }>(
  input: Tensor,
  outputSize: AdaptiveSize,
  opts?: O,
): AdaptiveMaxResult<O> {
  return adaptiveMaxPoolNd(
    'adaptive_max_pool2d',
    2,
    input,
    outputSize,
    opts?.returnIndices ?? false,
  ) as AdaptiveMaxResult<O>;
}
