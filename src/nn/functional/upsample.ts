// Resizing: interpolate (nearest, nearest-exact, linear/bilinear/trilinear, area) and the
// pixel (un)shuffle rearrangements. Interpolation is separable, so each spatial dim is resized
// on its own with index selections (gradient: index-add) and a weighted sum.
import { ShapeError, UnsupportedOpError, ValueError, fmtShape } from '../../errors.js';
import { checkTensor } from '../../ops/operands.js';
import { indexSelectPrim } from '../../ops/prims/indexSelect.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveAvgPool3d } from './adaptive.js';
import { floatInput, fmtTuple } from './geometry.js';

/** Interpolation modes of `interpolate` and `nn.Upsample`. */
export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'trilinear' | 'area' | 'bicubic';

/** Options of `interpolate` (PyTorch's keyword arguments). */
export interface InterpolateOptions {
  /** Output spatial size (one number for every dim, or one per dim). */
  size?: number | readonly number[] | null;
  /** Multiplier of the spatial size (output = floor(input * scaleFactor)). */
  scaleFactor?: number | readonly number[] | null;
  /** Default `'nearest'`. */
  mode?: InterpolateMode;
  /** Linear modes: map corner pixel centres onto each other (default false). */
  alignCorners?: boolean | null;
  /** Compute the sampling ratio from the output size rather than the given scale factor. */
  recomputeScaleFactor?: boolean | null;
}

const LINEAR_DIMS: Partial<Record<InterpolateMode, number>> = { linear: 1, bilinear: 2, trilinear: 3, bicubic: 2 };
const MODES = 'nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact';

// Arithmetic in the input's precision, as PyTorch's kernels compute their coordinates.
const rounder = (x: Tensor) => (x.dtype === 'float32' ? Math.fround : (v: number) => v);

// Source index of every output position of one dim for the nearest modes (float arithmetic, as
// PyTorch's nearest_idx, including its shortcuts for equal and doubled sizes).
function nearestIndices(n: number, out: number, scale: number | null, exact: boolean): Int32Array {
  const f = Math.fround;
  const ratio = scale !== null && scale > 0 ? f(1 / scale) : f(n / out);
  return Int32Array.from({ length: out }, (_, o) => {
    if (out === n) return o;
    if (!exact && out === 2 * n) return o >> 1;
    const src = exact ? Math.floor(f((o + 0.5) * ratio)) : Math.floor(f(o * ratio));
    return Math.min(src, n - 1);
  });
}

function linearAlong(x: Tensor, dim: number, out: number, scale: number | null, alignCorners: boolean): Tensor {
  const n = x.shape[dim];
  const r = rounder(x);
  const i0 = new Int32Array(out);
  const i1 = new Int32Array(out);
  const l0 = new Float64Array(out);
  const l1 = new Float64Array(out);
  const ratio = alignCorners
    ? out > 1
      ? r((n - 1) / (out - 1))
      : 0
    : scale !== null && scale > 0
      ? r(1 / scale)
      : r(n / out);
  for (let o = 0; o < out; o++) {
    if (out === n) {
      i0[o] = i1[o] = o;
      l0[o] = 1;
      continue;
    }
    const raw = alignCorners ? r(ratio * o) : r(r(ratio * r(o + 0.5)) - 0.5);
    const src = Math.max(raw, 0);
    i0[o] = Math.floor(src);
    i1[o] = i0[o] + (i0[o] < n - 1 ? 1 : 0);
    l1[o] = Math.min(Math.max(r(src - i0[o]), 0), 1);
    l0[o] = r(1 - l1[o]);
  }
  const bshape = x.shape.map((s, i) => (i === dim ? out : 1));
  const w0 = fromArray(l0, bshape, 'float64').to(x.dtype);
  const w1 = fromArray(l1, bshape, 'float64').to(x.dtype);
  const a = indexSelectPrim(x, dim, fromArray(i0, [out], 'int32'));
  const b = indexSelectPrim(x, dim, fromArray(i1, [out], 'int32'));
  return a.mul(w0).add(b.mul(w1));
}

function sizesOf(op: string, x: Tensor, opts: InterpolateOptions): { size: number[]; scales: (number | null)[] } {
  const nd = x.ndim - 2;
  const spatial = x.shape.slice(2);
  const hasSize = opts.size !== undefined && opts.size !== null;
  const hasScale = opts.scaleFactor !== undefined && opts.scaleFactor !== null;
  if (hasSize && hasScale) throw new ValueError(op, 'only one of size or scale_factor should be defined');
  if (!hasSize && !hasScale) throw new ValueError(op, 'either size or scale_factor should be defined');
  const listOf = (v: number | readonly number[], what: string): number[] => {
    const l = typeof v === 'number' ? new Array<number>(nd).fill(v) : [...v];
    if (l.length !== nd) {
      throw new ValueError(
        op,
        `Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of ${fmtShape(spatial)} and ${what} of ${fmtTuple(l)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and ${what} in (o1, o2, ...,oK) format.`,
      );
    }
    return l;
  };
  if (hasSize) {
    const size = listOf(opts.size as number | readonly number[], 'output size');
    if (size.some((s) => !Number.isInteger(s) || s <= 0)) {
      throw new ValueError(op, `expected output sizes to be positive integers, got ${fmtTuple(size)}`);
    }
    return { size, scales: size.map(() => null) };
  }
  const scale = listOf(opts.scaleFactor as number | readonly number[], 'scale_factor');
  if (scale.some((s) => !(s > 0))) throw new ValueError(op, `expected positive scale factors, got ${fmtTuple(scale)}`);
  const size = spatial.map((n, i) => Math.floor(n * scale[i]));
  if (size.some((s) => s <= 0)) {
    throw new ValueError(
      op,
      `Input and output sizes should be greater than 0, but got input ${fmtTuple(spatial)} output ${fmtTuple(size)}`,
    );
  }
  return { size, scales: opts.recomputeScaleFactor ? scale.map(() => null) : scale };
}

/**
 * Resizes the spatial dims of `input: [N, C, ...spatial]` (1 to 3 of them), as
 * `F.interpolate`: `'nearest'` copies the pixel at `floor(o * in / out)`, `'nearest-exact'` at
 * `floor((o + 0.5) * in / out)`, the linear modes blend the two neighbours of the source
 * coordinate (`(o + 0.5) in / out - 0.5`, or `o (in - 1) / (out - 1)` with `alignCorners`), and
 * `'area'` is adaptive average pooling.
 * @example nn.functional.interpolate(nb.randn([1, 3, 8, 8]), { scaleFactor: 2, mode: 'bilinear' }) // [1, 3, 16, 16]
 */
export function interpolate(input: Tensor, opts: InterpolateOptions = {}): Tensor {
  const op = 'interpolate';
  const x = floatInput(op, input);
  const mode = opts.mode ?? 'nearest';
  if (x.ndim < 3 || x.ndim > 5) {
    throw new ShapeError(
      op,
      `Input Error: Only 3D, 4D and 5D input Tensors supported (got ${x.ndim}D) for the modes: ${MODES} (got ${mode})`,
      [x.shape],
    );
  }
  const linear = LINEAR_DIMS[mode];
  if (linear === undefined && !['nearest', 'nearest-exact', 'area'].includes(mode)) {
    throw new ValueError(op, `expected mode to be one of ${MODES}, got '${String(mode)}'`);
  }
  const alignSet = opts.alignCorners !== undefined && opts.alignCorners !== null;
  if (alignSet && linear === undefined) {
    throw new ValueError(
      op,
      'align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear',
    );
  }
  const nd = x.ndim - 2;
  if (linear !== undefined && linear !== nd) {
    throw new ShapeError(op, `Got ${x.ndim}D input, but ${mode} mode needs ${linear + 2}D input`, [x.shape]);
  }
  if (mode === 'bicubic')
    throw new UnsupportedOpError(
      op,
      "expected mode nearest, nearest-exact, linear, bilinear, trilinear or area, got 'bicubic'",
    );
  const { size, scales } = sizesOf(op, x, opts);
  if (mode === 'area') {
    return [adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveAvgPool3d][nd - 1](x, size);
  }
  let y = x;
  for (let i = 0; i < nd; i++) {
    const dim = 2 + i;
    if (linear !== undefined) y = linearAlong(y, dim, size[i], scales[i], opts.alignCorners ?? false);
    else {
      const idx = nearestIndices(x.shape[dim], size[i], scales[i], mode === 'nearest-exact');
      y = indexSelectPrim(y, dim, fromArray(idx, [size[i]], 'int32'));
    }
  }
  return y;
}

function checkFactor(op: string, x: Tensor, factor: number, what: string): void {
  if (x.ndim < 3) {
    throw new ShapeError(
      op,
      `${op} expects input to have at least 3 dimensions, but got input with ${x.ndim} dimension(s)`,
      [x.shape],
    );
  }
  if (!Number.isInteger(factor) || factor <= 0)
    throw new ValueError(op, `${op} expects a positive ${what}, but got ${factor}`);
}

/**
 * Rearranges `[*, C r^2, H, W]` into `[*, C, H r, W r]` (sub-pixel convolution upsampling):
 * `y[c, h r + i, w r + j] = x[c r^2 + i r + j, h, w]`.
 * @example nn.functional.pixelShuffle(nb.randn([1, 8, 3, 3]), 2) // [1, 2, 6, 6]
 */
export function pixelShuffle(input: Tensor, upscaleFactor: number): Tensor {
  const op = 'pixel_shuffle';
  const x = checkTensor(op, input);
  const r = upscaleFactor;
  checkFactor(op, x, r, 'upscale_factor');
  const lead = x.shape.slice(0, -3);
  const [C, H, W] = x.shape.slice(-3);
  if (C % (r * r) !== 0) {
    throw new ShapeError(
      op,
      `pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=${C} is not divisible by ${r * r}`,
      [x.shape],
    );
  }
  const b = lead.length;
  const perm = [...lead.map((_, i) => i), b, b + 3, b + 1, b + 4, b + 2];
  return x
    .reshape([...lead, C / (r * r), r, r, H, W])
    .permute(perm)
    .reshape([...lead, C / (r * r), H * r, W * r]);
}

/**
 * The inverse of `pixelShuffle`: `[*, C, H r, W r]` into `[*, C r^2, H, W]`.
 * @example nn.functional.pixelUnshuffle(nb.randn([1, 2, 6, 6]), 2) // [1, 8, 3, 3]
 */
export function pixelUnshuffle(input: Tensor, downscaleFactor: number): Tensor {
  const op = 'pixel_unshuffle';
  const x = checkTensor(op, input);
  const r = downscaleFactor;
  checkFactor(op, x, r, 'downscale_factor');
  const lead = x.shape.slice(0, -3);
  const [C, H, W] = x.shape.slice(-3);
  for (const [name, size, d] of [
    ['height', H, -2],
    ['width', W, -1],
  ] as const) {
    if (size % r !== 0) {
      throw new ShapeError(
        op,
        `pixel_unshuffle expects ${name} to be divisible by downscale_factor, but input.size(${d})=${size} is not divisible by ${r}`,
        [x.shape],
      );
    }
  }
  const b = lead.length;
  const perm = [...lead.map((_, i) => i), b, b + 2, b + 4, b + 1, b + 3];
  return x
    .reshape([...lead, C, H / r, r, W / r, r])
    .permute(perm)
    .reshape([...lead, C * r * r, H / r, W / r]);
}
