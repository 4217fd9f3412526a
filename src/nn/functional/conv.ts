// Convolution for 1, 2 and 3 spatial dims, composed from the im2col primitive and one batched
// matrix product, so it needs no gradient code: the weight gradient is dy @ cols^T and the input
// gradient col2im(w^T @ dy), from the primitives' own rules.
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { checkTensor } from '../../ops/operands.js';
import { convTiledPrim } from '../../ops/prims/convTiled.js';
import { im2colPrim } from '../../ops/prims/im2col.js';
import { bmmPrim } from '../../ops/prims/matmul.js';
import type { PatchGeometry } from '../../backend/types.js';
import type { Tensor } from '../../tensor/tensor.js';
import { batched, floatInput, fmtDims, ntuple, prod, torchType, unbatch, type SizeArg } from './geometry.js';

/** Options of `conv1d`, `conv2d` and `conv3d` (PyTorch's keyword arguments). */
export interface ConvOptions {
  /** Step between blocks (default 1). */
  stride?: SizeArg;
  /** Implicit zero padding on both sides, or `'valid'` (none) or `'same'` (output size = input size, stride 1). */
  padding?: SizeArg | 'same' | 'valid';
  /** Spacing between kernel taps (default 1). */
  dilation?: SizeArg;
  /** Split input and output channels into this many independent groups (default 1). */
  groups?: number;
  /**
   * Build the im2col columns a few output rows at a time instead of all at once: the same
   * result with a bounded buffer, recomputing the columns in the backward pass.
   */
  lowMemory?: boolean;
  /** Output rows per tile with `lowMemory` (default: as many as fit about 256K column entries). */
  tileRows?: number;
}

// Columns entries per tile of a low-memory convolution when the caller does not choose.
const TILE_BUDGET = 1 << 18;

const lowerType = (t: Tensor) => torchType(t.dtype).toLowerCase();

// Shared with convTranspose.ts.
export function positive(op: string, what: string, v: number[]): number[] {
  if (v.some((s) => s <= 0)) throw new ValueError(op, `non-positive ${what} is not supported`);
  return v;
}

// Shared with convTranspose.ts.
export function groupsArg(op: string, groups: number | undefined): number {
  const g = groups ?? 1;
  if (!Number.isInteger(g) || g <= 0) throw new ValueError(op, `non-positive groups is not supported, got groups=${g}`);
  return g;
}

// Shared with convTranspose.ts.
export function checkOperands(op: string, nd: number, input: unknown, weight: unknown, bias: unknown) {
  const x0 = floatInput(op, input);
  const w = floatInput(op, weight, 'weight');
  if (w.ndim !== nd + 2) {
    throw new ShapeError(op, `expected weight to be ${nd + 2}-dimensional, got weight of size ${fmtShape(w.shape)}`, [
      w.shape,
    ]);
  }
  const { x, unbatched } = batched(op, x0, nd);
  if (x.dtype !== w.dtype) {
    throw new DTypeError(op, `expected scalar type ${torchType(x.dtype)} but found ${torchType(w.dtype)}`);
  }
  const b = bias === undefined || bias === null ? null : checkTensor(op, bias, 'bias');
  if (b !== null && b.dtype !== x.dtype) {
    throw new DTypeError(op, `Input type (${lowerType(x)}) and bias type (${lowerType(b)}) should be the same`);
  }
  return { x, w, b, unbatched };
}

// Shared with convTranspose.ts.
export function checkBias(op: string, w: Tensor, b: Tensor | null, n: number, transposed: boolean): void {
  if (b !== null && (b.ndim !== 1 || b.shape[0] !== n)) {
    throw new ShapeError(
      op,
      `Given ${transposed ? 'transposed=1, ' : ''}weight of size ${fmtShape(w.shape)}, expected bias to be 1-dimensional with ${n} elements, but got bias of size ${fmtShape(b.shape)} instead`,
      [w.shape, b.shape],
    );
  }
}

// Shared with convTranspose.ts.
export function checkGroups(op: string, w: Tensor, groups: number): void {
  const what = w.shape[0] === 0 ? 'at least 1' : `divisible by ${groups}`;
  if (w.shape[0] === 0 || w.shape[0] % groups !== 0) {
    throw new ShapeError(
      op,
      `Given groups=${groups}, expected weight to be ${what} at dimension 0, but got weight of size ${fmtShape(w.shape)} instead`,
      [w.shape],
    );
  }
}

// Padding before and after each spatial dim: 'same' puts the odd unit after, as PyTorch does.
function paddingOf(op: string, padding: ConvOptions['padding'], k: number[], stride: number[], dilation: number[]) {
  const nd = k.length;
  if (padding === 'valid') return { before: new Array<number>(nd).fill(0), after: new Array<number>(nd).fill(0) };
  if (padding === 'same') {
    if (stride.some((s) => s !== 1))
      throw new ValueError(op, "padding='same' is not supported for strided convolutions");
    const before = k.map((kk, i) => Math.floor((dilation[i] * (kk - 1)) / 2));
    return { before, after: k.map((kk, i) => dilation[i] * (kk - 1) - before[i]) };
  }
  if (typeof padding === 'string') throw new ValueError(op, `Invalid padding string: '${padding}'`);
  const p = ntuple(op, 'padding', padding ?? 0, nd);
  if (p.some((v) => v < 0)) throw new ValueError(op, 'negative padding is not supported');
  return { before: p, after: p };
}

function convNd(
  op: string,
  nd: number,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  opts: ConvOptions,
): Tensor {
  const { x, w, b, unbatched } = checkOperands(op, nd, input, weight, bias);
  const stride = positive(op, 'stride', ntuple(op, 'stride', opts.stride ?? 1, nd));
  const dilation = positive(op, 'dilation', ntuple(op, 'dilation', opts.dilation ?? 1, nd));
  const groups = groupsArg(op, opts.groups);
  const k = w.shape.slice(2);
  const { before, after } = paddingOf(op, opts.padding, k, stride, dilation);
  checkGroups(op, w, groups);
  const [N, C] = x.shape;
  const O = w.shape[0];
  if (C !== w.shape[1] * groups) {
    throw new ShapeError(
      op,
      `Given groups=${groups}, weight of size ${fmtShape(w.shape)}, expected input${fmtShape(x.shape)} to have ${w.shape[1] * groups} channels, but got ${C} channels instead`,
      [x.shape, w.shape],
    );
  }
  checkBias(op, w, b, O, false);
  const padded = x.shape.slice(2).map((s, i) => s + before[i] + after[i]);
  const span = k.map((kk, i) => dilation[i] * (kk - 1) + 1);
  if (padded.some((p, i) => p < span[i])) {
    throw new ShapeError(
      op,
      `Calculated padded input size per channel: ${fmtDims(padded)}. Kernel size: ${fmtDims(span)}. Kernel size can't be greater than actual input size`,
      [x.shape, w.shape],
    );
  }
  const outSize = padded.map((p, i) => Math.floor((p - span[i]) / stride[i]) + 1);
  const g: PatchGeometry = { kernel: k, stride, padding: before, dilation, outSize, first: 0, count: outSize[0] };
  const w3 = w.reshape([groups, O / groups, (C / groups) * prod(k)]);
  let y: Tensor;
  if (opts.lowMemory) {
    const perRow = C * prod(k) * N * prod(outSize.slice(1));
    const rows = opts.tileRows ?? Math.max(1, Math.floor(TILE_BUDGET / Math.max(1, perRow)));
    if (!Number.isInteger(rows) || rows < 1) throw new ValueError(op, `expected tileRows >= 1, got ${rows}`);
    y = convTiledPrim(x, w3, g, rows);
  } else {
    const cols = im2colPrim(x, g).reshape([groups, (C / groups) * prod(k), N * prod(outSize)]);
    y = bmmPrim(w3, cols).reshape([O, N, ...outSize]);
  }
  return unbatch(finish(y.transpose(0, 1), b), unbatched);
}

// Bias broadcast over the batch and spatial dims; adding it also makes the [N, O, ...] view of
// the [O, N, ...] product contiguous, which is needed anyway.
function finish(y: Tensor, b: Tensor | null): Tensor {
  if (b === null) return y.contiguous();
  return y.add(b.reshape([1, b.shape[0], ...new Array<number>(y.ndim - 2).fill(1)]));
}

/**
 * 1-D convolution (cross-correlation) of `input: [N, C_in, L]` with `weight: [C_out, C_in /
 * groups, k]`: `y[n, o, l] = bias[o] + sum_{c, j} w[o, c, j] x[n, g(o) c, l s + j d - p]`.
 * @example nn.functional.conv1d(nb.randn([2, 3, 10]), nb.randn([4, 3, 3]), null, { padding: 1 }) // [2, 4, 10]
 */
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor {
  return convNd('conv1d', 1, input, weight, bias, opts);
}

/**
 * 2-D convolution (cross-correlation) of `input: [N, C_in, H, W]` (or unbatched `[C_in, H, W]`)
 * with `weight: [C_out, C_in / groups, kH, kW]` and optional `bias: [C_out]`, as `F.conv2d`.
 * Output size per dim: `floor((in + 2 padding - dilation (k - 1) - 1) / stride) + 1`.
 * @example nn.functional.conv2d(nb.randn([4, 1, 28, 28]), nb.randn([8, 1, 3, 3]), null, { padding: 1 }) // [4, 8, 28, 28]
 */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor {
  return convNd('conv2d', 2, input, weight, bias, opts);
}

/**
 * 3-D convolution of `input: [N, C_in, D, H, W]` with `weight: [C_out, C_in / groups, kD, kH, kW]`.
 * @example nn.functional.conv3d(nb.randn([1, 2, 4, 4, 4]), nb.randn([3, 2, 3, 3, 3])) // [1, 3, 2, 2, 2]
 */
export function conv3d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor {
  return convNd('conv3d', 3, input, weight, bias, opts);
}
