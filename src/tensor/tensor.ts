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
import { offer } from './reuse.js';

/**
 * The memory behind one or more tensors. `version` counts in-place writes, so autograd can
 * refuse a backward pass that would read a saved value that has since changed.
 */
export class Storage {
  static #count = 0;
  readonly data: TypedArray;
  version = 0;
  /** Set once a view or detached alias of this memory exists (in-place rebasing then refuses). */
  aliased = false;
  /** Creation order: tells autograd which memory a backward pass made itself. */
  readonly serial: number;
  constructor(data: TypedArray) {
    this.data = data;
    this.serial = Storage.#count++;
  }

  /** The serial the next storage will get. */
  static nextSerial(): number {
    return Storage.#count;
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

  /** Node's `console.log` and `util.inspect` print the tensor as `toString()` does. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
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
  clamp(min?: TensorOrScalar | null, max?: TensorOrScalar | null): Tensor {
    return ops.clamp(this, min, max);
  }
  clip(min?: TensorOrScalar | null, max?: TensorOrScalar | null): Tensor {
    return ops.clamp(this, min, max);
  }
  /** In place: limits every element to `[min, max]`. */
  clamp_(min?: TensorOrScalar | null, max?: TensorOrScalar | null): this {
    const d = (v?: TensorOrScalar | null) => (v instanceof Tensor ? v.detach() : v);
    return this.assign_(ops.clamp(this.detach(), d(min), d(max)), 'clamp_');
  }
  /** In place: same as `clamp_`. */
  clip_(min?: TensorOrScalar | null, max?: TensorOrScalar | null): this {
    return this.clamp_(min, max);
  }
  nanToNum(opts?: Parameters<typeof ops.nanToNum>[1]): Tensor {
    return ops.nanToNum(this, opts);
  }
  relu6(): Tensor {
    return ops.relu6(this);
  }
  leakyRelu(negativeSlope?: Parameters<typeof ops.leakyRelu>[1]): Tensor {
    return ops.leakyRelu(this, negativeSlope);
  }
  elu(alpha?: Parameters<typeof ops.elu>[1]): Tensor {
    return ops.elu(this, alpha);
  }
  selu(): Tensor {
    return ops.selu(this);
  }
  celu(alpha?: Parameters<typeof ops.celu>[1]): Tensor {
    return ops.celu(this, alpha);
  }
  gelu(opts?: Parameters<typeof ops.gelu>[1]): Tensor {
    return ops.gelu(this, opts);
  }
  silu(): Tensor {
    return ops.silu(this);
  }
  mish(): Tensor {
    return ops.mish(this);
  }
  softplus(beta?: Parameters<typeof ops.softplus>[1], threshold?: number): Tensor {
    return ops.softplus(this, beta, threshold);
  }
  softsign(): Tensor {
    return ops.softsign(this);
  }
  hardtanh(minVal?: Parameters<typeof ops.hardtanh>[1], maxVal?: number): Tensor {
    return ops.hardtanh(this, minVal, maxVal);
  }
  hardsigmoid(): Tensor {
    return ops.hardsigmoid(this);
  }
  hardswish(): Tensor {
    return ops.hardswish(this);
  }
  logsigmoid(): Tensor {
    return ops.logsigmoid(this);
  }

  // ---- [reductions] methods (keep this marker; add methods right below it)
  prod(dim?: number | readonly number[], opts?: ReduceOptions): Tensor {
    return ops.prod(this, dim, opts);
  }
  nansum(dim?: number | readonly number[], opts?: ReduceOptions): Tensor {
    return ops.nansum(this, dim, opts);
  }
  nanmean(dim?: number | readonly number[], opts?: ReduceOptions): Tensor {
    return ops.nanmean(this, dim, opts);
  }
  var(dim?: number | readonly number[], opts?: ops.VarOptions): Tensor {
    return ops.var(this, dim, opts);
  }
  std(dim?: number | readonly number[], opts?: ops.VarOptions): Tensor {
    return ops.std(this, dim, opts);
  }
  max(): Tensor;
  max(dim: number, opts?: ops.KeepdimOptions): ops.ValuesAndIndices;
  max(other: Tensor): Tensor;
  max(dim?: number | Tensor, opts?: ops.KeepdimOptions): Tensor | ops.ValuesAndIndices {
    return ops.max(this, dim, opts);
  }
  min(): Tensor;
  min(dim: number, opts?: ops.KeepdimOptions): ops.ValuesAndIndices;
  min(other: Tensor): Tensor;
  min(dim?: number | Tensor, opts?: ops.KeepdimOptions): Tensor | ops.ValuesAndIndices {
    return ops.min(this, dim, opts);
  }
  argmax(dim?: number, opts?: ops.KeepdimOptions): Tensor {
    return ops.argmax(this, dim, opts);
  }
  argmin(dim?: number, opts?: ops.KeepdimOptions): Tensor {
    return ops.argmin(this, dim, opts);
  }
  median(): Tensor;
  median(dim: number, opts?: ops.KeepdimOptions): ops.ValuesAndIndices;
  median(dim?: number, opts?: ops.KeepdimOptions): Tensor | ops.ValuesAndIndices {
    return dim === undefined ? ops.median(this) : ops.median(this, dim, opts);
  }
  logsumexp(dim?: number | readonly number[], opts?: ops.KeepdimOptions): Tensor {
    return ops.logsumexp(this, dim, opts);
  }
  norm(p?: ops.NormOrder, dim?: number | readonly number[], opts?: ops.KeepdimOptions): Tensor {
    return ops.norm(this, p, dim, opts);
  }
  cumsum(dim: number, opts?: ops.ScanOptions): Tensor {
    return ops.cumsum(this, dim, opts);
  }
  cumprod(dim: number, opts?: ops.ScanOptions): Tensor {
    return ops.cumprod(this, dim, opts);
  }
  all(dim?: number | readonly number[], opts?: ops.KeepdimOptions): Tensor {
    return ops.all(this, dim, opts);
  }
  any(dim?: number | readonly number[], opts?: ops.KeepdimOptions): Tensor {
    return ops.any(this, dim, opts);
  }
  countNonzero(dim?: number | readonly number[]): Tensor {
    return ops.countNonzero(this, dim);
  }
  softmax(dim: number, opts?: ops.SoftmaxOptions): Tensor {
    return ops.softmax(this, dim, opts);
  }
  logSoftmax(dim: number, opts?: ops.SoftmaxOptions): Tensor {
    return ops.logSoftmax(this, dim, opts);
  }
  sort(opts?: ops.SortOptions): ops.ValuesAndIndices {
    return ops.sort(this, opts);
  }
  argsort(opts?: ops.SortOptions): Tensor {
    return ops.argsort(this, opts);
  }
  topk(k: number, opts?: ops.TopkOptions): ops.ValuesAndIndices {
    return ops.topk(this, k, opts);
  }

  // ---- [shape and indexing] methods (keep this marker; add methods right below it)
  flip(dims: number | readonly number[]): Tensor {
    return ops.flip(this, dims);
  }
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
    return ops.roll(this, shifts, dims);
  }
  repeat(sizes: readonly number[]): Tensor {
    return ops.repeat(this, sizes);
  }
  tile(dims: readonly number[]): Tensor {
    return ops.tile(this, dims);
  }
  split(splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
    return ops.split(this, splitSizeOrSections, dim);
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return ops.chunk(this, chunks, dim);
  }
  unbind(dim = 0): Tensor[] {
    return ops.unbind(this, dim);
  }
  movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor {
    return ops.movedim(this, source, destination);
  }
  swapaxes(axis0: number, axis1: number): Tensor {
    return ops.swapaxes(this, axis0, axis1);
  }
  swapdims(dim0: number, dim1: number): Tensor {
    return ops.swapdims(this, dim0, dim1);
  }
  gather(dim: number, index: Tensor): Tensor {
    return ops.gather(this, dim, index);
  }
  scatter(dim: number, index: Tensor, src: Tensor | number): Tensor {
    return ops.scatter(this, dim, index, src);
  }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return ops.scatterAdd(this, dim, index, src);
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return ops.indexSelect(this, dim, index);
  }
  indexAdd(dim: number, index: Tensor, source: Tensor, opts?: { alpha?: number }): Tensor {
    return ops.indexAdd(this, dim, index, source, opts);
  }
  take(index: Tensor): Tensor {
    return ops.take(this, index);
  }
  maskedSelect(mask: Tensor): Tensor {
    return ops.maskedSelect(this, mask);
  }
  nonzero(): Tensor {
    return ops.nonzero(this);
  }
  argwhere(): Tensor {
    return ops.argwhere(this);
  }
  triu(diagonal = 0): Tensor {
    return ops.triu(this, diagonal);
  }
  tril(diagonal = 0): Tensor {
    return ops.tril(this, diagonal);
  }
  diag(diagonal = 0): Tensor {
    return ops.diag(this, diagonal);
  }
  diagonal(offset = 0, dim1 = 0, dim2 = 1): Tensor {
    return ops.diagonal(this, offset, dim1, dim2);
  }
  trace(): Tensor {
    return ops.trace(this);
  }

  // ---- [creation and random] methods (keep this marker; add methods right below it)
  /** In place: uniform samples in [from, to). @example nb.noGrad(() => w.uniform_(-0.1, 0.1)) */
  uniform_(from = 0, to = 1, opts?: ops.GeneratorOptions): this {
    return ops.uniform_(this, from, to, opts);
  }
  /** In place: normal samples `mean + std * N(0, 1)`. @example nb.noGrad(() => w.normal_(0, 0.02)) */
  normal_(mean = 0, std = 1, opts?: ops.GeneratorOptions): this {
    return ops.normal_(this, mean, std, opts);
  }
  /** In place: 1 with probability `p` (number or broadcastable tensor), else 0. @example m.bernoulli_(0.5) */
  bernoulli_(p: number | Tensor = 0.5, opts?: ops.GeneratorOptions): this {
    return ops.bernoulli_(this, p, opts);
  }
  /** In place: exponential samples with rate `lambd`. @example x.exponential_(2) */
  exponential_(lambd = 1, opts?: ops.GeneratorOptions): this {
    return ops.exponential_(this, lambd, opts);
  }
  /** In place: uniform integers in [from, to) (`random_(to)`: [0, to)). @example x.random_(10) */
  random_(from?: number | ops.GeneratorOptions, to?: number | ops.GeneratorOptions, opts?: ops.GeneratorOptions): this {
    return ops.random_(this, from, to, opts);
  }
  /** 0/1 samples with this tensor's elements as probabilities (or with probability `p`). */
  bernoulli(p?: number | ops.GeneratorOptions, opts?: ops.GeneratorOptions): Tensor {
    return ops.bernoulli(this, p, opts);
  }
  /** Category indices drawn from the weights in each row. @example probs.multinomial(2) */
  multinomial(numSamples: number, opts?: ops.GeneratorOptions & { replacement?: boolean }): Tensor {
    return ops.multinomial(this, numSamples, opts);
  }

  // in-place (version-counted; see assign_)
  /** In place: `this += alpha * other`. */
  add_(other: TensorOrScalar, opts?: { alpha?: number }): this {
    return this.#assignTemp(ops.add(this, other, opts), 'add_');
  }
  /** In place: `this -= alpha * other`. */
  sub_(other: TensorOrScalar, opts?: { alpha?: number }): this {
    return this.#assignTemp(ops.sub(this, other, opts), 'sub_');
  }
  /** In place: `this *= other`. */
  mul_(other: TensorOrScalar): this {
    return this.#assignTemp(ops.mul(this, other), 'mul_');
  }
  /** In place: `this /= other`. */
  div_(other: TensorOrScalar): this {
    return this.#assignTemp(ops.div(this, other), 'div_');
  }
  // `r` is this call's own result: once written into this tensor nothing references it, so a
  // backward pass in progress may lend its memory to a later allocation (tensor/reuse.ts).
  #assignTemp(r: Tensor, op: string): this {
    this.assign_(r, op);
    offer(r.dtype, r.storage.data);
    return this;
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
