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
};

/** A named kernel table. */
export interface Backend {
  readonly name: string;
  readonly kernels: KernelTable;
}
