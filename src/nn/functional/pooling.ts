// Max and average pooling over 1 or 2 spatial dims. Max pooling picks
// positions with a kernel and gathers the values (the gather carries the gradient); average
// pooling sums im2col columns and divides by PyTorch's per-window divisor.
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import type { PatchGeometry, PoolTaps } from '../../backend/types.js';
import { gatherPrim } from '../../ops/prims/gather.js';
import { im2colPrim } from '../../ops/prims/im2col.js';
import { maxPoolIndicesPrim } from '../../ops/prims/maxpool.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { batched, floatInput, ntuple, prod, unbatch, type SizeArg } from './geometry.js';

/** Options of `maxPool1d` and `maxPool2d` (PyTorch's keyword arguments). */
export interface MaxPoolOptions {
  /** Step between windows (default: the kernel size). */
  stride?: SizeArg | null;
  /** Implicit `-inf` padding on both sides (at most half the kernel). */
  padding?: SizeArg;
  /** Spacing between window taps (default 1). */
  dilation?: SizeArg;
  /** Round the output size up, keeping a last partial window that starts inside the input. */
  ceilMode?: boolean;
  /** Also return the per-plane flat index of every maximum (for `maxUnpool2d`). */
  returnIndices?: boolean;
}

/** Options of `avgPool1d` and `avgPool2d`. */
export interface AvgPoolOptions {
  stride?: SizeArg | null;
  /** Implicit zero padding on both sides (at most half the kernel). */
  padding?: SizeArg;
  ceilMode?: boolean;
  /** Count padded zeros in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window's sum by this instead (2-D only in PyTorch). */
  divisorOverride?: number | null;
}

interface PoolGeometry {
  k: number[];
  s: number[];
  p: number[];
  d: number[];
  outSize: number[];
}

/** PyTorch's pooling output size; in ceil mode the last window must start inside the input or left padding. */
export function poolOutSize(n: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  let o = Math.floor((n + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (o - 1) * s >= n + p) o--;
  return o;
}

function poolGeometry(
  op: string,
  x: Tensor,
  nd: number,
  kernelSize: SizeArg,
  opts: { stride?: SizeArg | null; padding?: SizeArg; dilation?: SizeArg; ceilMode?: boolean },
): PoolGeometry {
  const k = ntuple(op, 'kernel_size', kernelSize, nd);
  const stride = opts.stride ?? [];
  const s = Array.isArray(stride) && stride.length === 0 ? k : ntuple(op, 'stride', stride, nd);
  const p = ntuple(op, 'padding', opts.padding ?? 0, nd);
  const d = ntuple(op, 'dilation', opts.dilation ?? 1, nd);
  if (s.some((v) => v === 0)) throw new ValueError(op, 'stride should not be zero');
  if (s.some((v) => v < 0))
    throw new ValueError(op, `stride should be greater than zero, but got stride=${fmtShape(s)}`);
  if (k.some((v) => v <= 0)) {
    throw new ValueError(op, `kernel size should be greater than zero, but got kernel_size=${fmtShape(k)}`);
  }
  if (d.some((v) => v <= 0)) {
    throw new ValueError(op, `dilation should be greater than zero, but got dilation=${fmtShape(d)}`);
  }
  const neg = p.findIndex((v) => v < 0);
  if (neg >= 0) throw new ValueError(op, `pad must be non-negative, but got pad: ${p[neg]}`);
  const wide = p.findIndex((v, i) => v > k[i] / 2);
  if (wide >= 0) {
    // PyTorch words this check differently for its separate 1-D max pooling.
    const msg =
      op === 'max_pool1d'
        ? `max_pool1d() padding should be at most half of kernel size, but got padding=${p[wide]} and kernel_size=${k[wide]}`
        : `pad should be at most half of kernel size, but got pad=${p[wide]} and kernel_size=${k[wide]}`;
    throw new ValueError(op, msg);
  }
  const inSize = x.shape.slice(2);
  const outSize = inSize.map((n, i) => poolOutSize(n, k[i], s[i], p[i], d[i], opts.ceilMode ?? false));
  if (outSize.some((o) => o < 1)) {
    const C = x.shape[1];
    throw new ShapeError(
      op,
      `Given input size: (${[C, ...inSize].join('x')}). Calculated output size: (${[C, ...outSize].join('x')}). Output size is too small`,
      [x.shape],
    );
  }
  return { k, s, p, d, outSize };
}

/** The batched form of a pooling input, refusing empty non-batch dims with PyTorch's message. */
export function poolInput(op: string, input: Tensor, nd: number) {
  const x0 = floatInput(op, input);
  const r = batched(
    op,
    x0,
    nd,
    `Expected ${nd + 1}D or ${nd + 2}D (batch mode) tensor with optional 0 dim batch size for input, but got:${fmtShape(x0.shape)}`,
  );
  if (r.x.shape.slice(1).some((s) => s === 0)) {
    throw new ShapeError(
      op,
      `Expected ${nd + 1}D or ${nd + 2}D (batch mode) tensor with optional 0 dim batch size for input, but got:${fmtShape(x0.shape)}`,
      [x0.shape],
    );
  }
  return r;
}

/** Window taps of regular pooling: `o * stride - padding + j * dilation`, or -1 outside the input. */
function regularTaps(n: number, out: number, k: number, s: number, p: number, d: number): Int32Array {
  const t = new Int32Array(out * k);
  for (let o = 0; o < out; o++) {
    for (let j = 0; j < k; j++) {
      const pos = o * s - p + j * d;
      t[o * k + j] = pos >= 0 && pos < n ? pos : -1;
    }
  }
  return t;
}

/** The values at per-plane flat indices `idx: [N, C, ...out]` of `x: [N, C, ...spatial]`. */
export function gatherPlanes(x: Tensor, idx: Tensor): Tensor {
  const [N, C] = x.shape;
  const flat = gatherPrim(x.reshape([N, C, prod(x.shape.slice(2))]), 2, idx.reshape([N, C, prod(idx.shape.slice(2))]));
  return flat.reshape(idx.shape);
}

/** Max pooling from precomputed taps: values and indices. */
export function maxPoolTaps(x: Tensor, taps: PoolTaps): [Tensor, Tensor] {
  const idx = maxPoolIndicesPrim(x, taps);
  return [gatherPlanes(x, idx), idx];
}

type MaxPoolResult<O> = O extends { returnIndices: true } ? [Tensor, Tensor] : Tensor;

function maxPoolNd(op: string, nd: number, input: Tensor, kernelSize: SizeArg, opts: MaxPoolOptions) {
  const { x, unbatched } = poolInput(op, input, nd);
  const g = poolGeometry(op, x, nd, kernelSize, opts);
  const inSize = x.shape.slice(2);
  const taps = inSize.map((n, i) => regularTaps(n, g.outSize[i], g.k[i], g.s[i], g.p[i], g.d[i]));
  const [y, idx] = maxPoolTaps(x, { taps, width: g.k, outSize: g.outSize });
  if (opts.returnIndices) return [unbatch(y, unbatched), unbatch(idx, unbatched)];
  return unbatch(y, unbatched);
}

/**
 * 1-D max pooling of `input: [N, C, L]` (or `[C, L]`): the largest value of every window.
 * With `returnIndices`, also the index of each maximum within its row.
 * @example nn.functional.maxPool1d(nb.tensor([[[1, 3, 2, 5]]]), 2) // [[[3, 5]]]
 */
export function maxPool1d<O extends MaxPoolOptions>(input: Tensor, kernelSize: SizeArg, opts?: O): MaxPoolResult<O> {
  return maxPoolNd('max_pool1d', 1, input, kernelSize, opts ?? {}) as MaxPoolResult<O>;
}

/**
 * 2-D max pooling of `input: [N, C, H, W]` (or `[C, H, W]`), as `F.max_pool2d`: the largest
 * value of every `kH x kW` window (dilated, `-inf`-padded). With `returnIndices`, also `[y,
 * indices]`, each index `h * W + w` within its plane. Output size per dim:
 * `floor((in + 2 padding - dilation (k - 1) - 1) / stride) + 1` (ceil in `ceilMode`).
 * @example nn.functional.maxPool2d(nb.randn([1, 3, 28, 28]), 2) // [1, 3, 14, 14]
 */
export function maxPool2d<O extends MaxPoolOptions>(input: Tensor, kernelSize: SizeArg, opts?: O): MaxPoolResult<O> {
  return maxPoolNd('max_pool2d', 2, input, kernelSize, opts ?? {}) as MaxPoolResult<O>;
}

// One dim's divisor factor of every window, as PyTorch's avg_pool: the window clipped to the
// padded input (count padding) or to the input itself.
function divisorFactors(n: number, out: number, k: number, s: number, p: number, includePad: boolean): number[] {
  return Array.from({ length: out }, (_, o) => {
    const start = o * s - p;
    const end = Math.min(start + k, n + p);
    return includePad ? end - start : Math.min(end, n) - Math.max(start, 0);
  });
}

function avgPoolNd(op: string, nd: number, input: Tensor, kernelSize: SizeArg, opts: AvgPoolOptions): Tensor {
  const { x, unbatched } = poolInput(op, input, nd);
  const g = poolGeometry(op, x, nd, kernelSize, { ...opts, dilation: 1 });
  const override = opts.divisorOverride ?? null;
  if (override !== null && (!Number.isInteger(override) || override === 0)) {
    throw new ValueError(op, `divisor must be not zero, got divisorOverride=${override}`);
  }
  const [N, C] = x.shape;
  const inSize = x.shape.slice(2);
  const pg: PatchGeometry = {
    kernel: g.k,
    stride: g.s,
    padding: g.p,
    dilation: g.d,
    outSize: g.outSize,
    first: 0,
    count: g.outSize[0],
  };
  // Each plane is its own 1-channel image, so the columns are [prod(kernel), N * C, L].
  const sums = im2colPrim(x.reshape([N * C, 1, ...inSize]), pg).sum(0);
  const factors = inSize.map((n, i) =>
    divisorFactors(n, g.outSize[i], g.k[i], g.s[i], g.p[i], opts.countIncludePad ?? true),
  );
  const L = prod(g.outSize);
  const div = new Float64Array(L);
  for (let l = 0; l < L; l++) {
    let rem = l;
    let f = 1;
    for (let i = nd - 1; i >= 0; i--) {
      f *= factors[i][rem % g.outSize[i]];
      rem = Math.floor(rem / g.outSize[i]);
    }
    div[l] = override ?? f;
  }
  const y = sums.div(fromArray(div, [L], 'float64').to(x.dtype)).reshape([N, C, ...g.outSize]);
  return unbatch(y, unbatched);
}

/**
 * 1-D average pooling of `input: [N, C, L]` (or `[C, L]`).
 * @example nn.functional.avgPool1d(nb.tensor([[[1, 3, 2, 6]]]), 2) // [[[2, 4]]]
 */
export function avgPool1d(
  input: Tensor,
  kernelSize: SizeArg,
  opts: Omit<AvgPoolOptions, 'divisorOverride'> = {},
): Tensor {
  return avgPoolNd('avg_pool1d', 1, input, kernelSize, opts);
}

/**
 * 2-D average pooling of `input: [N, C, H, W]` (or `[C, H, W]`), as `F.avg_pool2d`: every
 * window's sum divided by its size (including padding with `countIncludePad`, the default;
 * windows are clipped to the padded input in `ceilMode`) or by `divisorOverride`.
 * @example nn.functional.avgPool2d(nb.ones([1, 1, 4, 4]), 2) // [1, 1, 2, 2] of ones
 */
export function avgPool2d(input: Tensor, kernelSize: SizeArg, opts: AvgPoolOptions = {}): Tensor {
  return avgPoolNd('avg_pool2d', 2, input, kernelSize, opts);
}
