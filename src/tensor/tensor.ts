import { backward as runBackward, type BackwardOptions } from '../autograd/engine.js';
import { isGradEnabled } from '../autograd/mode.js';
import { AccumulateGrad, type GradHook, type Node } from '../autograd/node.js';
import { kernels } from '../backend/index.js';
import { DTypeError, IndexError, ShapeError, UnsupportedOpError, ValueError, fmtShape } from '../errors.js';
import { allocate, isFloat, type DType, type TypedArray } from './dtype.js';
import { contiguousStrides, numelOf, sameShape, type Shape } from './shape.js';
import * as ops from '../ops/index.js';
import type { TensorOrScalar } from '../ops/operands.js';
import type { ReduceOptions } from '../ops/reduce.js';
import { full, fullLike, onesLike, zerosLike } from './create.js';

/**
 * The memory behind one or more tensors. `version` counts in-place writes, so autograd can
 * refuse a backward pass that would read a saved value that has since changed.
 */
export class Storage {
  readonly data: TypedArray;
  version = 0;
  /** Set once a view or detached alias of this memory exists (in-place rebasing then refuses). */
  aliased = false;
  constructor(data: TypedArray) {
    this.data = data;
  }
}

/** A handle returned by `registerHook`; `remove()` unregisters the hook. */
export interface RemovableHandle {
  remove(): void;
}

let setGradFnImpl: (t: Tensor, n: Node | null) => void;

/**
 * An N-dimensional array with an element type, a strided view on a storage, and, when it takes
 * part in differentiation, a link into the autograd graph. Tensors are reclaimed by the garbage
 * collector; there is nothing to dispose.
 * @example
 * const x = nb.tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * x.mul(x).sum().backward(); // x.grad = 2x
 */
export class Tensor {
  #storage: Storage;
  /** Size of each dimension. */
  readonly shape: Shape;
  #strides: readonly number[];
  #offset: number;
  /** Element type. */
  readonly dtype: DType;
  /** Accumulated gradient of a leaf after `backward()` (or of a tensor that called `retainGrad()`). */
  grad: Tensor | null = null;
  #requiresGrad = false;
  #gradFn: Node | null = null;
  #acc: AccumulateGrad | null = null;

  static {
    setGradFnImpl = (t, n) => {
      t.#gradFn = n;
    };
  }

  /** Wraps a storage; users create tensors with `tensor()`, `zeros()`, ... instead. */
  constructor(storage: Storage, shape: Shape, strides: readonly number[], offset: number, dtype: DType) {
    this.#storage = storage;
    this.shape = shape;
    this.#strides = strides;
    this.#offset = offset;
    this.dtype = dtype;
  }

  /** The memory this tensor views (shared by its views and detached aliases). */
  get storage(): Storage {
    return this.#storage;
  }

  /** Step in elements between neighbours along each dimension. */
  get strides(): readonly number[] {
    return this.#strides;
  }

  /** Index in `storage.data` of the first element. */
  get offset(): number {
    return this.#offset;
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  numel(): number {
    return numelOf(this.shape);
  }

  /** The shape, or the size of one dimension. */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    if (dim === undefined) return [...this.shape];
    const n = this.ndim;
    if (!Number.isInteger(dim) || dim < -n || dim >= n) {
      throw new IndexError('size', `expected dim in range [${-n}, ${n - 1}], got ${dim}`);
    }
    return this.shape[dim < 0 ? dim + n : dim];
  }

  /** Whether the elements lie in row-major order with no gaps. */
  isContiguous(): boolean {
    let expected = 1;
    for (let i = this.ndim - 1; i >= 0; i--) {
      if (this.shape[i] === 1) continue;
      if (this.strides[i] !== expected) return false;
      expected *= this.shape[i];
    }
    return true;
  }

  // ---- autograd -------------------------------------------------------------------------

  /** Whether gradients flow to or through this tensor. */
  get requiresGrad(): boolean {
    return this.#gradFn !== null || this.#requiresGrad;
  }
  set requiresGrad(v: boolean) {
    this.requiresGrad_(v);
  }

  /** The graph node that produced this tensor, or `null` for a leaf. */
  get gradFn(): Node | null {
    return this.#gradFn;
  }

  /** Whether this tensor is a leaf of the graph (created by the user, not by a recorded op). */
  get isLeaf(): boolean {
    return this.#gradFn === null;
  }

  /**
   * Sets whether autograd records ops on this leaf. Only floating-point leaves can require grad.
   * @example const w = nb.zeros([3]).requiresGrad_();
   */
  requiresGrad_(requiresGrad = true): this {
    if (this.#gradFn !== null) {
      if (requiresGrad) return this;
      throw new ValueError(
        'requiresGrad_',
        'you can only change requiresGrad flags of leaf tensors; use detach() to get a tensor that does not require grad',
      );
    }
    if (requiresGrad && !isFloat(this.dtype)) {
      throw new DTypeError(
        'requiresGrad_',
        `only tensors of floating point dtype can require gradients, got ${this.dtype}`,
      );
    }
    this.#requiresGrad = requiresGrad;
    return this;
  }

  /** The accumulator node of a leaf that requires grad (created once, then reused). */
  accumulator(): AccumulateGrad {
    this.#acc ??= new AccumulateGrad(this);
    return this.#acc;
  }

  /**
   * Computes the gradient of this tensor with respect to every leaf it depends on and adds it to
   * their `.grad`. A non-scalar tensor needs `gradient` (its own gradient).
   * @example loss.backward();
   */
  backward(gradient?: Tensor | null, opts: BackwardOptions = {}): void {
    runBackward([this], [gradient], opts);
  }

  /**
   * A second handle on this tensor as it is now (same memory, same history), kept by graph
   * nodes that save it: if this tensor is later rebased by an in-place op, the saved handle still
   * sees the values and history the gradient rule needs.
   */
  savedAlias(): Tensor {
    const t = new Tensor(this.#storage, this.shape, this.#strides, this.#offset, this.dtype);
    t.#gradFn = this.#gradFn;
    if (this.#gradFn === null && this.#requiresGrad) {
      t.#requiresGrad = true;
      t.#acc = this.accumulator();
    }
    return t;
  }

  /** A tensor sharing this one's storage, cut off from the graph. */
  detach(): Tensor {
    this.#storage.aliased = true;
    return new Tensor(this.storage, this.shape, this.strides, this.offset, this.dtype);
  }

  /**
   * Registers `hook(grad)`, called with this tensor's gradient during backward; if it returns a
   * tensor, that replaces the gradient.
   * @example w.registerHook((g) => g.clamp(-1, 1));
   */
  registerHook(hook: GradHook): RemovableHandle {
    if (!this.requiresGrad) {
      throw new ValueError('registerHook', "cannot register a hook on a tensor that doesn't require gradient");
    }
    const list = (this.#gradFn ?? this.accumulator()).hooks;
    list.push(hook);
    return {
      remove: () => {
        const i = list.indexOf(hook);
        if (i >= 0) list.splice(i, 1);
      },
    };
  }

  /** Makes a non-leaf tensor keep its `.grad` after backward, as leaves do. */
  retainGrad(): void {
    if (!this.requiresGrad)
      throw new ValueError('retainGrad', "can't retainGrad on a tensor that has requiresGrad = false");
    if (this.#gradFn !== null) this.#gradFn.retained = this;
  }

  // ---- read-out -------------------------------------------------------------------------

  /** A contiguous copy of the elements as a typed array of this dtype. */
  data(): TypedArray {
    const out = allocate(this.dtype, this.numel());
    kernels().copy(this.strided(), { data: out, shape: this.shape, strides: contiguousStrides(this.shape), offset: 0 });
    return out;
  }

  /** Same as `data()`: a contiguous typed-array copy. */
  toArray(): TypedArray {
    return this.data();
  }

  /** The value of a one-element tensor as a JS number (or boolean for `bool`). */
  item(): number | boolean {
    if (this.numel() !== 1) {
      throw new ValueError('item', `expected a tensor with one element, got shape ${fmtShape(this.shape)}`);
    }
    const v = this.storage.data[this.offset];
    return this.dtype === 'bool' ? v !== 0 : v;
  }

  /** The elements as nested JS arrays (a number or boolean for a 0-d tensor). */
  tolist(): unknown {
    const flat = this.data();
    const isBool = this.dtype === 'bool';
    const build = (dim: number, start: number): unknown => {
      if (dim === this.ndim) return isBool ? flat[start] !== 0 : flat[start];
      const n = this.shape[dim];
      const step = numelOf(this.shape.slice(dim + 1));
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = build(dim + 1, start + i * step);
      return out;
    };
    return build(0, 0);
  }

  /** The strided window a kernel reads (internal plumbing between ops and backends). */
  strided(): { data: TypedArray; shape: Shape; strides: readonly number[]; offset: number } {
    return { data: this.storage.data, shape: this.shape, strides: this.strides, offset: this.offset };
  }

  /** Prints like PyTorch: `tensor([[1., 2.], [3., 4.]], requires_grad=True)`. */
  toString(): string {
    return ops.formatTensor(this);
  }

  // ---- in-place writes (for optimizers and initializers) --------------------------------

  /**
   * Writes `src` (broadcast to this shape) into this tensor and bumps the storage version; every
   * in-place op ends here. When autograd records (grad mode on and either side requires grad),
   * the tensor takes `src`'s values and history instead: it gets a fresh storage, so tensors the
   * graph saved earlier keep their values. That needs a storage with no views or aliases (their
   * history could not follow), and a leaf that requires grad is refused, as in PyTorch.
   */
  assign_(src: Tensor, op = 'copy_'): this {
    if (op !== 'copy_' && src.ndim > 0 && !sameShape(src.shape, this.shape)) {
      throw new ShapeError(
        op,
        `expected the result to keep this tensor's shape: output with shape ${fmtShape(this.shape)} doesn't match the broadcast shape ${fmtShape(src.shape)}`,
        [this.shape, src.shape],
      );
    }
    const recording = isGradEnabled() && (this.requiresGrad || src.requiresGrad);
    if (recording) {
      if (this.isLeaf && this.requiresGrad) {
        throw new ValueError(
          op,
          'a leaf tensor that requires grad is being used in an in-place operation; wrap it in nb.noGrad(() => ...)',
        );
      }
      if (this.#storage.aliased) {
        throw new UnsupportedOpError(
          op,
          'in-place operation on a tensor that shares its storage (a view, or viewed or detached) while autograd records; use the out-of-place op',
        );
      }
      if (!isFloat(this.dtype)) {
        throw new DTypeError(
          op,
          `expected a floating point tensor to take a gradient-carrying result, got ${this.dtype}`,
        );
      }
      // A fresh copy of the result, in this dtype and shape, whose history this tensor adopts.
      const r = ops.clone(ops.expand(src.to(this.dtype), this.shape));
      this.#storage = r.storage;
      this.#strides = r.strides;
      this.#offset = r.offset;
      this.#gradFn = r.gradFn;
      this.#storage.version++;
      return this;
    }
    const s = src.dtype === this.dtype ? src : src.to(this.dtype);
    const b = s.expand(this.shape);
    // Copy through a temporary when src may overlap this tensor's memory.
    const from = b.storage === this.storage ? noGradClone(b) : b;
    kernels().copy(from.strided(), this.strided());
    this.#storage.version++;
    return this;
  }

  // ---- ops ------------------------------------------------------------------------------
  // (method forms of the free functions in src/ops; see those for docs and examples)

  /** Converts to `dtype` (differentiable between float dtypes). @example x.to('float64') */
  to(dtype: DType): Tensor {
    return ops.cast(this, dtype);
  }
  /** Same as `to('float32')`. */
  float(): Tensor {
    return ops.cast(this, 'float32');
  }
  /** Same as `to('float64')`. */
  double(): Tensor {
    return ops.cast(this, 'float64');
  }
  /** Same as `to('int32')`. */
  int(): Tensor {
    return ops.cast(this, 'int32');
  }
  /** Same as `to('bool')`. */
  bool(): Tensor {
    return ops.cast(this, 'bool');
  }

  // elementwise, two operands (see the free functions for docs)
  add(other: TensorOrScalar, opts?: { alpha?: number }): Tensor {
    return ops.add(this, other, opts);
  }
  sub(other: TensorOrScalar, opts?: { alpha?: number }): Tensor {
    return ops.sub(this, other, opts);
  }
  mul(other: TensorOrScalar): Tensor {
    return ops.mul(this, other);
  }
  div(other: TensorOrScalar, opts?: { roundingMode?: 'trunc' | 'floor' | null }): Tensor {
    return ops.div(this, other, opts);
  }
  pow(exponent: TensorOrScalar): Tensor {
    return ops.pow(this, exponent);
  }
  maximum(other: TensorOrScalar): Tensor {
    return ops.maximum(this, other);
  }
  minimum(other: TensorOrScalar): Tensor {
    return ops.minimum(this, other);
  }
  atan2(other: TensorOrScalar): Tensor {
    return ops.atan2(this, other);
  }
  fmod(other: TensorOrScalar): Tensor {
    return ops.fmod(this, other);
  }
  remainder(other: TensorOrScalar): Tensor {
    return ops.remainder(this, other);
  }
  floorDivide(other: TensorOrScalar): Tensor {
    return ops.floorDivide(this, other);
  }
  eq(other: TensorOrScalar): Tensor {
    return ops.eq(this, other);
  }
  ne(other: TensorOrScalar): Tensor {
    return ops.ne(this, other);
  }
  lt(other: TensorOrScalar): Tensor {
    return ops.lt(this, other);
  }
  le(other: TensorOrScalar): Tensor {
    return ops.le(this, other);
  }
  gt(other: TensorOrScalar): Tensor {
    return ops.gt(this, other);
  }
  ge(other: TensorOrScalar): Tensor {
    return ops.ge(this, other);
  }
  logicalAnd(other: TensorOrScalar): Tensor {
    return ops.logicalAnd(this, other);
  }
  logicalOr(other: TensorOrScalar): Tensor {
    return ops.logicalOr(this, other);
  }
  logicalXor(other: TensorOrScalar): Tensor {
    return ops.logicalXor(this, other);
  }
  /** `where(cond, this, other)`, PyTorch's method form. */
  where(cond: Tensor, other: TensorOrScalar): Tensor {
    return ops.where(cond, this, other);
  }
  maskedFill(mask: Tensor, value: number | boolean | Tensor): Tensor {
    return ops.maskedFill(this, mask, value);
  }

  // elementwise, one operand
  neg(): Tensor {
    return ops.neg(this);
  }
  abs(): Tensor {
    return ops.abs(this);
  }
  sign(): Tensor {
    return ops.sign(this);
  }
  exp(): Tensor {
    return ops.exp(this);
  }
  exp2(): Tensor {
    return ops.exp2(this);
  }
  log(): Tensor {
    return ops.log(this);
  }
  log2(): Tensor {
    return ops.log2(this);
  }
  log1p(): Tensor {
    return ops.log1p(this);
  }
  expm1(): Tensor {
    return ops.expm1(this);
  }
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  rsqrt(): Tensor {
    return ops.rsqrt(this);
  }
  square(): Tensor {
    return ops.square(this);
  }
  reciprocal(): Tensor {
    return ops.reciprocal(this);
  }
  sin(): Tensor {
    return ops.sin(this);
  }
  cos(): Tensor {
    return ops.cos(this);
  }
  tan(): Tensor {
    return ops.tan(this);
  }
  asin(): Tensor {
    return ops.asin(this);
  }
  acos(): Tensor {
    return ops.acos(this);
  }
  atan(): Tensor {
    return ops.atan(this);
  }
  sinh(): Tensor {
    return ops.sinh(this);
  }
  cosh(): Tensor {
    return ops.cosh(this);
  }
  tanh(): Tensor {
    return ops.tanh(this);
  }
  asinh(): Tensor {
    return ops.asinh(this);
  }
  acosh(): Tensor {
    return ops.acosh(this);
  }
  atanh(): Tensor {
    return ops.atanh(this);
  }
  sigmoid(): Tensor {
    return ops.sigmoid(this);
  }
  erf(): Tensor {
    return ops.erf(this);
  }
  erfc(): Tensor {
    return ops.erfc(this);
  }
  floor(): Tensor {
    return ops.floor(this);
  }
  ceil(): Tensor {
    return ops.ceil(this);
  }
  round(): Tensor {
    return ops.round(this);
  }
  trunc(): Tensor {
    return ops.trunc(this);
  }
  logicalNot(): Tensor {
    return ops.logicalNot(this);
  }
  isnan(): Tensor {
    return ops.isnan(this);
  }
  isinf(): Tensor {
    return ops.isinf(this);
  }
  isfinite(): Tensor {
    return ops.isfinite(this);
  }

  // activations
  relu(): Tensor {
    return ops.relu(this);
  }

  // reductions
  sum(dim?: number | readonly number[], opts?: ReduceOptions): Tensor {
    return ops.sum(this, dim, opts);
  }
  mean(dim?: number | readonly number[], opts?: ReduceOptions): Tensor {
    return ops.mean(this, dim, opts);
  }
  amax(dim?: number | readonly number[], opts?: { keepdim?: boolean }): Tensor {
    return ops.amax(this, dim, opts);
  }
  amin(dim?: number | readonly number[], opts?: { keepdim?: boolean }): Tensor {
    return ops.amin(this, dim, opts);
  }

  // linear algebra
  matmul(other: Tensor): Tensor {
    return ops.matmul(this, other);
  }
  mm(other: Tensor): Tensor {
    return ops.mm(this, other);
  }
  bmm(other: Tensor): Tensor {
    return ops.bmm(this, other);
  }
  mv(vec: Tensor): Tensor {
    return ops.mv(this, vec);
  }
  dot(other: Tensor): Tensor {
    return ops.dot(this, other);
  }
  outer(other: Tensor): Tensor {
    return ops.outer(this, other);
  }

  // shape
  reshape(shape: number | readonly number[]): Tensor {
    return ops.reshape(this, shape);
  }
  /** A view with a new shape; throws when the strides do not allow one (use `reshape`). */
  view(shape: readonly number[]): Tensor {
    return ops.view(this, shape);
  }
  permute(dims: readonly number[]): Tensor {
    return ops.permute(this, dims);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return ops.transpose(this, dim0, dim1);
  }
  t(): Tensor {
    return ops.t(this);
  }
  /** Transpose of a matrix (`t()` as a property, PyTorch's `.T` for <= 2 dims). */
  get T(): Tensor {
    return ops.t(this);
  }
  /** The last two dims swapped (a batch of matrices transposed). */
  get mT(): Tensor {
    return ops.mT(this);
  }
  expand(shape: readonly number[]): Tensor {
    return ops.expand(this, shape);
  }
  expandAs(other: Tensor): Tensor {
    return ops.expandAs(this, other);
  }
  broadcastTo(shape: readonly number[]): Tensor {
    return ops.broadcastTo(this, shape);
  }
  squeeze(dim?: number | readonly number[]): Tensor {
    return ops.squeeze(this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return ops.unsqueeze(this, dim);
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return ops.flatten(this, startDim, endDim);
  }
  unflatten(dim: number, sizes: readonly number[]): Tensor {
    return ops.unflatten(this, dim, sizes);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return ops.narrow(this, dim, start, length);
  }
  select(dim: number, index: number): Tensor {
    return ops.select(this, dim, index);
  }
  slice(dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
    return ops.slice(this, dim, start, end, step);
  }
  contiguous(): Tensor {
    return ops.contiguous(this);
  }
  clone(): Tensor {
    return ops.clone(this);
  }

  // creation from this tensor's shape and dtype
  zerosLike(): Tensor {
    return zerosLike(this);
  }
  onesLike(): Tensor {
    return onesLike(this);
  }
  fullLike(value: number | boolean): Tensor {
    return fullLike(this, value);
  }

  // ---- [activations and elementwise] methods (keep this marker; add methods right below it)

  // ---- [reductions] methods (keep this marker; add methods right below it)

  // ---- [shape and indexing] methods (keep this marker; add methods right below it)

  // ---- [creation and random] methods (keep this marker; add methods right below it)

  // in-place (version-counted; see assign_)
  /** In place: `this += alpha * other`. */
  add_(other: TensorOrScalar, opts?: { alpha?: number }): this {
    return this.assign_(ops.add(this, other, opts), 'add_');
  }
  /** In place: `this -= alpha * other`. */
  sub_(other: TensorOrScalar, opts?: { alpha?: number }): this {
    return this.assign_(ops.sub(this, other, opts), 'sub_');
  }
  /** In place: `this *= other`. */
  mul_(other: TensorOrScalar): this {
    return this.assign_(ops.mul(this, other), 'mul_');
  }
  /** In place: `this /= other`. */
  div_(other: TensorOrScalar): this {
    return this.assign_(ops.div(this, other), 'div_');
  }
  /** In place: copies `src` (broadcast) into this tensor. */
  copy_(src: Tensor): this {
    return this.assign_(src, 'copy_');
  }
  /** In place: sets every element to `value`. */
  fill_(value: number | boolean): this {
    return this.assign_(full([], value, { dtype: this.dtype }), 'fill_');
  }
  /** In place: sets every element to zero. */
  zero_(): this {
    return this.fill_(0);
  }
}

function noGradClone(t: Tensor): Tensor {
  const out = allocate(t.dtype, t.numel());
  kernels().copy(t.strided(), { data: out, shape: t.shape, strides: contiguousStrides(t.shape), offset: 0 });
  return fromArray(out, t.shape, t.dtype);
}

/** Sets the graph node of a freshly made op result (autograd internals only). */
export function setGradFn(t: Tensor, n: Node | null): void {
  setGradFnImpl(t, n);
}

/** Wraps a contiguous typed array as a tensor of `shape`. */
export function fromArray(data: TypedArray, shape: Shape, dtype: DType): Tensor {
  return new Tensor(new Storage(data), shape, contiguousStrides(shape), 0, dtype);
}
