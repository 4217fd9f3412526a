import type { TypedArray } from '../tensor/dtype.js';

/**
 * A strided window on a typed array: what a kernel reads. Strides and offset are in elements and
 * may be zero (broadcast) or, for internal copies only, negative (flip).
 */
export interface View {
  readonly data: TypedArray;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** Elementwise functions of one operand. Their meaning lives in the ops layer, not here. */
export const UNARY_OPS = [
  'neg',
  'abs',
  'sign',
  'exp',
  'exp2',
  'log',
  'log2',
  'log1p',
  'expm1',
  'sqrt',
  'rsqrt',
  'square',
  'reciprocal',
  'sin',
  'cos',
  'tan',
  'asin',
  'acos',
  'atan',
  'sinh',
  'cosh',
  'tanh',
  'asinh',
  'acosh',
  'atanh',
  'sigmoid',
  'relu',
  'erf',
  'erfc',
  'floor',
  'ceil',
  'round',
  'trunc',
  'logicalNot',
  'isnan',
  'isinf',
  'isfinite',
] as const;
export type UnaryOp = (typeof UNARY_OPS)[number];

/** Elementwise functions of two operands of the same shape (broadcast already made explicit). */
export const BINARY_OPS = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'maximum',
  'minimum',
  'atan2',
  'fmod',
  'remainder',
  'floorDivide',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'logicalAnd',
  'logicalOr',
  'logicalXor',
] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

/** Reductions over a set of dims into an output laid out with those dims kept as size 1. */
export const REDUCE_OPS = ['sum', 'prod', 'amax', 'amin'] as const;
export type ReduceOp = (typeof REDUCE_OPS)[number];

/** Scans and index reductions along one dim. */
export const SCAN_OPS = ['cumsum', 'cumprod'] as const;
export type ScanOp = (typeof SCAN_OPS)[number];

/** `(x, out)`: `out` is contiguous, of `x`'s shape. */
export type UnaryKernel = (x: View, out: TypedArray) => void;
/** `(a, b, out)`: `a` and `b` have `out`'s shape. */
export type BinaryKernel = (a: View, b: View, out: TypedArray) => void;
/** `(x, dims, out)`: `dims` sorted; `out` contiguous, of `x`'s shape with `dims` set to 1. */
export type ReduceKernel = (x: View, dims: readonly number[], out: TypedArray) => void;
/** `(x, dim, out)`: `out` contiguous, of `x`'s shape. */
export type ScanKernel = (x: View, dim: number, out: TypedArray) => void;

/**
 * Where the sliding blocks of a convolution or pooling lie on an `[N, C, ...spatial]` input
 * (1 to 3 spatial dims; every array has one entry per spatial dim).
 */
export interface PatchGeometry {
  readonly kernel: readonly number[];
  readonly stride: readonly number[];
  /** Zero padding before each spatial dim; the padding after is implied by `outSize`. */
  readonly padding: readonly number[];
  readonly dilation: readonly number[];
  /** The number of blocks along each spatial dim. */
  readonly outSize: readonly number[];
  /** Only blocks `[first, first + count)` of spatial dim 0 (a tile of output rows). */
  readonly first: number;
  readonly count: number;
}

/**
 * Candidate input positions of every pooling window, per spatial dim: `taps[d][o * width[d] + j]`
 * is the `j`-th input position of window `o` along dim `d`, or -1 for none.
 */
export interface PoolTaps {
  readonly taps: readonly Int32Array[];
  readonly width: readonly number[];
  readonly outSize: readonly number[];
}

/**
 * Every kernel a backend provides. A mapped type over the op-name lists, so a backend that
 * misses one does not compile.
 */
export type KernelTable = { [K in UnaryOp]: UnaryKernel } & { [K in BinaryOp]: BinaryKernel } & {
  [K in ReduceOp]: ReduceKernel;
} & { [K in ScanOp]: ScanKernel } & {
  /** Copies `src` into the strided `dst` (same shape), converting dtype (bool: `x != 0`). */
  copy(src: View, dst: View): void;
  /** `out[i] = cond[i] ? a[i] : b[i]`, all of `out`'s shape. */
  where(cond: View, a: View, b: View, out: TypedArray): void;
  /** Index of the largest (`argmax`) value along `dim`, first on ties, NaN counts as largest. */
  argmax(x: View, dim: number, out: Int32Array): void;
  /** Index of the smallest value along `dim`, first on ties, NaN counts as smallest. */
  argmin(x: View, dim: number, out: Int32Array): void;
  /** Stable sort along `dim`; NaN sorts last (first when descending), like PyTorch. */
  sort(x: View, dim: number, descending: boolean, values: TypedArray, indices: Int32Array): void;
  /** Batched product `out[b] = a[b] @ bm[b]` for `a: [B, M, K]`, `bm: [B, K, N]`, `out: [B, M, N]`. */
  matmul(a: View, b: View, out: TypedArray): void;
  /** `out[..., i, ...] = x[..., index[..., i, ...], ...]` along `dim`; `out` has `index`'s shape. */
  gather(x: View, dim: number, index: View, out: TypedArray): void;
  /**
   * Scatters `src` (of `index`'s shape) into `out` (contiguous, already holding the base) along
   * `dim`, overwriting or adding.
   */
  scatter(out: TypedArray, outShape: readonly number[], dim: number, index: View, src: View, add: boolean): void;
  /** Selects slices `index[j]` of `x` along `dim` into `out` (contiguous). */
  indexSelect(x: View, dim: number, index: View, out: TypedArray): void;
  /** Adds slice `j` of `src` into slice `index[j]` of `out` (contiguous, holding the base) along `dim`. */
  indexAdd(out: TypedArray, outShape: readonly number[], dim: number, index: View, src: View): void;
  /**
   * Unfolds `x: [N, C, ...spatial]` into columns `out: [C, ...kernel, N, count, ...outSize[1:]]`
   * (contiguous): every block's values, zero outside the input.
   */
  im2col(x: View, g: PatchGeometry, out: TypedArray): void;
  /**
   * The adjoint of `im2col`: adds every entry of `cols` (a view of shape `[C * prod(kernel), N,
   * count * prod(outSize[1:])]`) into `out` (contiguous, of `outShape = [N, C, ...spatial]`,
   * holding the base) at the input position it was read from; entries in the padding drop out.
   */
  col2im(cols: View, g: PatchGeometry, outShape: readonly number[], out: TypedArray): void;
  /**
   * Index within its `[...spatial]` plane of the largest tap of every pooling window of
   * `x: [N, C, ...spatial]`, into `out: [N, C, ...outSize]`; the first of equal maxima, a NaN over any
   * number (the last NaN), as PyTorch.
   */
  maxPoolIndices(x: View, p: PoolTaps, out: Int32Array): void;
  // Normalizations, fused: one pass over each row (src/backend/js/norm.ts has the formulas).
  /**
   * softmax of `x` along `dim`, `exp(x - m) / s` with m the row maximum and s = sum exp(x - m),
   * or with `log` logSoftmax, `x - m - log(s)`; `out` contiguous, of `x`'s shape.
   */
  softmax(x: View, dim: number, log: boolean, out: TypedArray): void;
  /**
   * Layer norm over the trailing `k` dims of `x` (one row per index of the leading dims): the
   * row's mean and rstd = 1 / sqrt(var + eps) (biased variance) into `mean` and `rstd` (one per
   * row), and `(x - mean) * rstd * weight + bias` into `y` (contiguous, of `x`'s shape).
   * `weight` and `bias` have the trailing shape, or are null (1 and 0).
   */
  layerNorm(
    x: View,
    k: number,
    weight: View | null,
    bias: View | null,
    eps: number,
    y: TypedArray,
    mean: TypedArray,
    rstd: TypedArray,
  ): void;
  /**
   * Layer norm gradient from the forward's row `mean` and `rstd`, over rows of n = dx.length /
   * rows values: with xh = (x - mean) rstd, g = dy weight and means over the row,
   * dx = rstd (g - mean(g) - xh mean(g xh)) (contiguous); `dweight` = sum(dy xh) and `dbias` =
   * sum(dy) over the rows (n values each, skipped when null). `weight` null means 1.
   */
  layerNormBackward(
    dy: View,
    x: View,
    mean: TypedArray,
    rstd: TypedArray,
    weight: View | null,
    dx: TypedArray,
    dweight: TypedArray | null,
    dbias: TypedArray | null,
  ): void;
  /**
   * Gradient of softmax along `dim` from its output `y`, dx = y (dy - sum(dy y)), or with `log`
   * of logSoftmax, dx = dy - exp(y) sum(dy); `dx` contiguous, of `y`'s shape.
   */
  softmaxBackward(y: View, dy: View, dim: number, log: boolean, dx: TypedArray): void;
  /** Gradient of relu from its output `y`: dx = 0 where y <= 0, else dy (contiguous). */
  reluBackward(y: View, dy: View, dx: TypedArray): void;
  // Recurrent cells: one time step's gate math, fused (src/backend/js/rnn.ts has the formulas).
  // Every operand is a 2-D `[B, n]` view; outputs are written through their (strided) views.
  /** LSTM step: gates i, f, g, o of `xg + hg` (`[B, 4H]`); writes activated gates, `c` and `h`. */
  lstmCell(xg: View, hg: View, cPrev: View, gates: View, c: View, h: View): void;
  /** LSTM step backward: gradients of the pre-activations (`dGates`) and of c' from dh and dc. */
  lstmCellBackward(gates: View, cPrev: View, c: View, dh: View, dc: View, dGates: View, dcPrev: View): void;
  /** GRU step (gates r, z, n); writes `gates` as `[B, 4H]` = r, z, n, hn and `h`. */
  gruCell(xg: View, hg: View, hPrev: View, gates: View, h: View): void;
  /** GRU step backward: input-side and hidden-side pre-activation gradients and dh' = dh z. */
  gruCellBackward(gates: View, hPrev: View, dh: View, dxg: View, dhg: View, dhPrev: View): void;
  /** Elman step: h = tanh(xg + hg) or relu(xg + hg). */
  rnnCell(xg: View, hg: View, relu: boolean, h: View): void;
  /** Elman step backward from the output h. */
  rnnCellBackward(h: View, dh: View, relu: boolean, dPre: View): void;
  /**
   * Optional: packs a right operand `b: [K, N]` once for many products with it (a recurrent
   * layer multiplies by the same hidden weight on every step), or returns null where the
   * backend has no packed path; callers then use `matmul`.
   */
  packRhs?(b: View): PackedRhs | null;
  /**
   * One Adam/AdamW step in place over `n` elements of contiguous runs `data[off, off + n)`:
   * `param`, `expAvg`, `expAvgSq` and, under AMSGrad, `maxExpAvgSq` (else null) are updated from
   * `grad` with PyTorch's operation order and float32 roundings when `param` is float32
   * (src/backend/js/optim.ts has the formulas). `step` is the count after this step.
   */
  adamStep(
    n: number,
    param: { readonly data: TypedArray; readonly off: number },
    grad: { readonly data: TypedArray; readonly off: number },
    expAvg: { readonly data: TypedArray; readonly off: number },
    expAvgSq: { readonly data: TypedArray; readonly off: number },
    maxExpAvgSq: { readonly data: TypedArray; readonly off: number } | null,
    h: {
      readonly lr: number;
      readonly beta1: number;
      readonly beta2: number;
      readonly eps: number;
      readonly weightDecay: number;
      readonly decoupled: boolean;
      readonly step: number;
    },
  ): void;
};

/** A right operand packed by `packRhs`, reusable until released. */
export interface PackedRhs {
  /**
   * `out[outOff + i * N + j] = bias[biasOff + j] + sum_p a[aOff + i * K + p] b[p, j]` for `m`
   * contiguous rows of `a` (no bias term when `bias` is null); `out` is written, not added to.
   */
  multiply(
    a: TypedArray,
    aOff: number,
    m: number,
    out: TypedArray,
    outOff: number,
    bias: TypedArray | null,
    biasOff: number,
  ): void;
  /** Frees the packed panels. */
  release(): void;
}

/** A named kernel table. */
export interface Backend {
  readonly name: string;
  readonly kernels: KernelTable;
}
