// Indexing ops: gather, scatter, indexSelect, indexAdd, take, maskedSelect, nonzero, oneHot.
// Indices are int32 tensors, checked here once (dtype, shapes, range) so kernels never see a
// bad one.
import { DTypeError, IndexError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { full } from '../tensor/create.js';
import { broadcastShapes, normDim, sameShape } from '../tensor/shape.js';
import { fromArray, type Tensor } from '../tensor/tensor.js';
import { checkTensor } from './operands.js';
import { gatherPrim } from './prims/gather.js';
import { indexAddPrim, indexSelectPrim } from './prims/indexSelect.js';
import { scatterPrim } from './prims/scatter.js';
import { checkIndexDType, narrow, reshape } from './shape.js';

function indexArg(op: string, index: unknown): Tensor {
  const t = checkTensor(op, index, 'index');
  checkIndexDType(op, t);
  return t;
}

/** Throws PyTorch's out-of-bounds message for the first index outside `[0, size)`. */
function checkRange(op: string, index: Tensor, size: number, dim: number): void {
  for (const v of index.data()) {
    if (v < 0 || v >= size) {
      throw new IndexError(op, `index ${v} is out of bounds for dimension ${dim} with size ${size}`);
    }
  }
}

// A 0-d tensor indexes like a 1-element 1-D one (PyTorch's ensure_nonempty_dim).
const atLeast1d = (t: Tensor) => (t.ndim === 0 ? reshape(t, [1]) : t);
const sizes = (t: Tensor) => (t.ndim === 0 ? [1] : t.shape);

function sameRank(op: string, x: Tensor, other: Tensor, what: string): void {
  if (Math.max(x.ndim, 1) !== Math.max(other.ndim, 1)) {
    throw new ShapeError(
      op,
      `expected ${what} to have the same number of dimensions as input, got shapes ${fmtShape(other.shape)} and ${fmtShape(x.shape)}`,
      [x.shape, other.shape],
    );
  }
}

function vectorIndex(op: string, index: Tensor): void {
  if (index.ndim > 1) {
    throw new IndexError(
      op,
      `expected index to be a vector (Index is supposed to be a vector), got shape ${fmtShape(index.shape)}`,
    );
  }
}

/**
 * Picks values along `dim` by index: `out[i][j] = x[index[i][j]][j]` for `dim = 0`. The result
 * has `index`'s shape, which may be smaller than `x`'s in the other dims.
 * @example nb.gather(nb.tensor([[1, 2], [3, 4]]), 1, nb.tensor([[1], [0]], { dtype: 'int32' })) // [[2], [3]]
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  checkTensor('gather', x);
  indexArg('gather', index);
  const d = normDim('gather', dim, x.ndim);
  sameRank('gather', x, index, 'index');
  const xs = sizes(x);
  const is = sizes(index);
  for (let i = 0; i < xs.length; i++) {
    if (i !== d && is[i] > xs[i]) {
      throw new ShapeError(
        'gather',
        `size does not match at dimension ${i}: expected index ${fmtShape(index.shape)} to be smaller than self ${fmtShape(x.shape)} apart from dimension ${d}`,
        [x.shape, index.shape],
      );
    }
  }
  checkRange('gather', index, xs[d], d);
  return reshape(gatherPrim(atLeast1d(x), d, atLeast1d(index)), index.shape);
}

function scatterSrc(op: string, x: Tensor, d: number, index: Tensor, src: Tensor | number): Tensor {
  const xs = sizes(x);
  const is = sizes(index);
  if (typeof src === 'number') {
    sameRank(op, x, index, 'index');
  } else {
    checkTensor(op, src, 'src');
    if (src.dtype !== x.dtype) {
      throw new DTypeError(op, `expected self.dtype to be equal to src.dtype, got ${x.dtype} and ${src.dtype}`);
    }
    sameRank(op, x, index, 'index');
    sameRank(op, x, src, 'src');
  }
  const ss = typeof src === 'number' ? is : sizes(src);
  for (let i = 0; i < xs.length; i++) {
    if ((i !== d && is[i] > xs[i]) || is[i] > ss[i]) {
      throw new ShapeError(
        op,
        `expected index ${fmtShape(index.shape)} to be smaller than self ${fmtShape(x.shape)} apart from dimension ${d} and to be smaller size than src ${fmtShape(typeof src === 'number' ? index.shape : src.shape)}`,
        [x.shape, index.shape],
      );
    }
  }
  checkRange(op, index, xs[d], d);
  if (typeof src === 'number') return full(is, src, { dtype: x.dtype });
  // Only the part of src that index covers takes part (PyTorch's rule).
  let s = atLeast1d(src);
  is.forEach((n, i) => (s = n === s.shape[i] ? s : narrow(s, i, 0, n)));
  return s;
}

function scatterOp(op: string, x: Tensor, dim: number, index: Tensor, src: Tensor | number, add: boolean): Tensor {
  checkTensor(op, x);
  indexArg(op, index);
  const d = normDim(op, dim, x.ndim);
  const s = scatterSrc(op, x, d, index, src);
  return reshape(scatterPrim(atLeast1d(x), d, atLeast1d(index), s, add), x.shape);
}

/**
 * A copy of `x` with `src` (or the number `value`) written along `dim` at the positions in
 * `index`: `out[index[i][j]][j] = src[i][j]` for `dim = 0`. With repeated indices the last
 * write wins.
 * @example nb.scatter(nb.zeros([2, 2]), 1, nb.tensor([[1], [0]], { dtype: 'int32' }), 5) // [[0, 5], [5, 0]]
 */
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | number): Tensor {
  return scatterOp('scatter', x, dim, index, src, false);
}

/**
 * A copy of `x` with `src` added along `dim` at the positions in `index`:
 * `out[index[i][j]][j] += src[i][j]` for `dim = 0`; repeated indices accumulate.
 * @example nb.scatterAdd(nb.zeros([3]), 0, nb.tensor([0, 0, 2], { dtype: 'int32' }), nb.ones([3])) // [2, 0, 1]
 */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  return scatterOp('scatterAdd', x, dim, index, src, true);
}

/**
 * The slices of `x` at positions `index` (a vector) along `dim`, in that order.
 * @example nb.indexSelect(nb.tensor([[1, 2], [3, 4]]), 0, nb.tensor([1, 1], { dtype: 'int32' })) // [[3, 4], [3, 4]]
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  checkTensor('indexSelect', x);
  indexArg('indexSelect', index);
  vectorIndex('indexSelect', index);
  const d = normDim('indexSelect', dim, x.ndim);
  checkRange('indexSelect', index, sizes(x)[d], d);
  const y = indexSelectPrim(atLeast1d(x), d, atLeast1d(index));
  return x.ndim === 0 && y.numel() === 1 ? reshape(y, []) : y;
}

/**
 * A copy of `x` with `alpha * source[j]` added into slice `index[j]` along `dim`; repeated
 * indices accumulate.
 * @example nb.indexAdd(nb.zeros([3, 2]), 0, nb.tensor([0, 2], { dtype: 'int32' }), nb.ones([2, 2])) // rows 0 and 2 are ones
 */
export function indexAdd(x: Tensor, dim: number, index: Tensor, source: Tensor, opts: { alpha?: number } = {}): Tensor {
  checkTensor('indexAdd', x);
  indexArg('indexAdd', index);
  checkTensor('indexAdd', source, 'source');
  vectorIndex('indexAdd', index);
  const d = normDim('indexAdd', dim, x.ndim);
  sameRank('indexAdd', x, source, 'source');
  const xs = sizes(x);
  const ss = sizes(source);
  if (ss[d] !== index.numel()) {
    throw new ShapeError(
      'indexAdd',
      `number of indices (${index.numel()}) should be equal to source.size(dim): (${ss[d]}), for dim: ${d}`,
      [index.shape, source.shape],
    );
  }
  if (!xs.every((s, i) => i === d || s === ss[i])) {
    throw new ShapeError(
      'indexAdd',
      `expected self ${fmtShape(x.shape)} and source ${fmtShape(source.shape)} to have the same size apart from dimension ${d}`,
      [x.shape, source.shape],
    );
  }
  if (source.dtype !== x.dtype) {
    throw new DTypeError(
      'indexAdd',
      `expected self (${x.dtype}) and source (${source.dtype}) to have the same scalar type`,
    );
  }
  checkRange('indexAdd', index, xs[d], d);
  const alpha = opts.alpha ?? 1;
  const src = alpha === 1 ? source : source.mul(alpha).to(x.dtype);
  return reshape(indexAddPrim(atLeast1d(x), d, atLeast1d(index), atLeast1d(src)), x.shape);
}

/**
 * Elements of `x` at flat (row-major) positions `index`; negative positions count from the
 * end. The result has `index`'s shape.
 * @example nb.take(nb.tensor([[1, 2], [3, 4]]), nb.tensor([0, -1], { dtype: 'int32' })) // [1, 4]
 */
export function take(x: Tensor, index: Tensor): Tensor {
  checkTensor('take', x);
  indexArg('take', index);
  const n = x.numel();
  const vals = index.data() as Int32Array;
  let wrapped: Int32Array | null = null;
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i];
    if (v < -n || v >= n) {
      throw new IndexError('take', `out of range: tried to access index ${v} on a tensor of ${n} elements.`);
    }
    if (v < 0) {
      wrapped ??= vals.slice();
      wrapped[i] = v + n;
    }
  }
  const flatIndex = fromArray(wrapped ?? vals, [vals.length], 'int32');
  return reshape(indexSelectPrim(reshape(x, [-1]), 0, flatIndex), index.shape);
}

/**
 * The elements of `x` where `mask` is true, as a 1-D tensor (`x` and `mask` broadcast).
 * @example nb.maskedSelect(nb.tensor([1, 2, 3]), nb.tensor([true, false, true])) // [1, 3]
 */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  checkTensor('maskedSelect', x);
  checkTensor('maskedSelect', mask, 'mask');
  if (mask.dtype !== 'bool') {
    throw new DTypeError('maskedSelect', `expected BoolTensor for mask, got ${mask.dtype}`);
  }
  const shape = broadcastShapes('maskedSelect', x.shape, mask.shape);
  const m = mask.expand(shape).data();
  const picked: number[] = [];
  for (let i = 0; i < m.length; i++) if (m[i] !== 0) picked.push(i);
  const xe = sameShape(shape, x.shape) ? x : x.expand(shape);
  return take(xe, fromArray(Int32Array.from(picked), [picked.length], 'int32'));
}

/**
 * The coordinates of the nonzero (true) elements, one row each in row-major order: an int32
 * tensor of shape `[count, ndim]`.
 * @example nb.nonzero(nb.tensor([[0, 1], [1, 0]])) // [[0, 1], [1, 0]]
 */
export function nonzero(x: Tensor): Tensor {
  checkTensor('nonzero', x);
  const v = x.data();
  const nd = x.ndim;
  const coords: number[] = [];
  let count = 0;
  for (let i = 0; i < v.length; i++) {
    if (v[i] === 0) continue;
    count++;
    const row = new Array<number>(nd);
    let rest = i;
    for (let d = nd - 1; d >= 0; d--) {
      row[d] = rest % x.shape[d];
      rest = Math.floor(rest / x.shape[d]);
    }
    coords.push(...row);
  }
  return fromArray(Int32Array.from(coords), [count, nd], 'int32');
}

/** Same as `nonzero` (NumPy's name). @example nb.argwhere(nb.tensor([0, 3])) // [[1]] */
export function argwhere(x: Tensor): Tensor {
  checkTensor('argwhere', x);
  return nonzero(x);
}

/**
 * One-hot encoding of class indices: an int32 tensor of shape `[...index.shape, numClasses]`
 * with a 1 at each index. `numClasses = -1` takes the largest index plus one.
 * @example nb.oneHot(nb.tensor([0, 2], { dtype: 'int32' }), 3) // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(index: Tensor, numClasses = -1): Tensor {
  checkTensor('oneHot', index, 'index');
  if (index.dtype !== 'int32') {
    throw new DTypeError('oneHot', `one_hot is only applicable to index tensor (int32), got ${index.dtype}`);
  }
  const v = index.data();
  if (!Number.isInteger(numClasses) || numClasses < -1) {
    throw new ValueError('oneHot', `expected numClasses to be -1 or a non-negative integer, got ${numClasses}`);
  }
  let c = numClasses;
  if (c === -1) {
    if (v.length === 0) throw new ValueError('oneHot', 'can not infer total number of classes from empty tensor');
    c = 1;
    for (const k of v) c = Math.max(c, k + 1);
  }
  const out = new Int32Array(v.length * c);
  for (let i = 0; i < v.length; i++) {
    if (v[i] < 0) throw new IndexError('oneHot', `class values must be non-negative, got ${v[i]}`);
    if (v[i] >= c) {
      throw new IndexError('oneHot', `class values must be smaller than num_classes, got ${v[i]} for numClasses ${c}`);
    }
    out[i * c + v[i]] = 1;
  }
  return fromArray(out, [...index.shape, c], 'int32');
}
