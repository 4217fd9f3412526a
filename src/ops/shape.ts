import { DTypeError, IndexError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { resultType } from '../tensor/dtype.js';
import { contiguousStrides, inferShape, normDim, normDims, numelOf, sameShape, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { catPrim } from './prims/cat.js';
import { copy } from './prims/cast.js';
import { expandView, permuteView, reshapeView, sliceView, type SliceSpec } from './prims/view.js';
import { checkTensor } from './operands.js';

/**
 * Strides that let `newShape` view the same memory as (`oldShape`, `oldStrides`), or `null`
 * when the memory layout cannot be expressed that way (then reshape must copy). Dims are
 * grouped into runs that are contiguous among themselves; each run may be re-split freely.
 */
export function viewStrides(oldShape: Shape, oldStrides: readonly number[], newShape: Shape): number[] | null {
  if (numelOf(oldShape) === 0 || oldShape.length === 0) return contiguousStrides(newShape);
  const out = new Array<number>(newShape.length);
  let viewD = newShape.length - 1;
  let chunkStride = oldStrides[oldStrides.length - 1];
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = oldShape.length - 1; d >= 0; d--) {
    tensorNumel *= oldShape[d];
    // A run ends where the next-outer dim does not continue it in memory.
    if (d === 0 || (oldShape[d - 1] !== 1 && oldStrides[d - 1] !== tensorNumel * chunkStride)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        out[viewD] = viewNumel * chunkStride;
        viewNumel *= newShape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkStride = oldStrides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  return viewD === -1 ? out : null;
}

/**
 * A view with a new shape (one size may be -1); throws when the strides do not allow it.
 * @example x.view([2, -1])
 */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  const s = inferShape('view', x.shape, shape);
  const st = viewStrides(x.shape, x.strides, s);
  if (st === null) {
    throw new ShapeError(
      'view',
      `view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces); got ${fmtShape(shape)} for a tensor of shape ${fmtShape(x.shape)} and strides ${fmtShape(x.strides)}. Use reshape() instead`,
      [x.shape, s],
    );
  }
  return sameShape(s, x.shape) ? x : reshapeView(x, s, st);
}

/**
 * The same elements with a new shape (one size may be -1): a view when the layout allows,
 * a copy otherwise.
 * @example nb.arange(6).reshape([2, 3])
 */
export function reshape(x: Tensor, shape: number | readonly number[]): Tensor {
  const s = inferShape('reshape', x.shape, typeof shape === 'number' ? [shape] : shape);
  if (sameShape(s, x.shape)) return x;
  const st = viewStrides(x.shape, x.strides, s);
  if (st !== null) return reshapeView(x, s, st);
  const c = copy(x, 'reshape');
  return reshapeView(c, s, contiguousStrides(s));
}

/** Reorders dimensions. @example x.permute([2, 0, 1]) */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.ndim) {
    throw new ShapeError(
      'permute',
      `expected ${x.ndim} dims for a tensor of shape ${fmtShape(x.shape)}, got [${dims.join(', ')}]`,
    );
  }
  const nd = dims.map((d) => normDim('permute', d, x.ndim));
  if (new Set(nd).size !== nd.length)
    throw new IndexError(
      'permute',
      `expected distinct dims (duplicate dims are not allowed), got [${dims.join(', ')}]`,
    );
  if (nd.every((d, i) => d === i)) return x;
  return permuteView(x, nd);
}

/** Swaps two dimensions. @example x.transpose(0, 1) */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = normDim('transpose', dim0, x.ndim);
  const b = normDim('transpose', dim1, x.ndim);
  if (a === b || x.ndim < 2) return x;
  const dims = Array.from({ length: x.ndim }, (_, i) => i);
  dims[a] = b;
  dims[b] = a;
  return permuteView(x, dims);
}

/** Transpose of a matrix (0-d and 1-D unchanged). */
export function t(x: Tensor): Tensor {
  if (x.ndim > 2) throw new ShapeError('t', `expected a tensor with <= 2 dims, got shape ${fmtShape(x.shape)}`);
  return x.ndim < 2 ? x : transpose(x, 0, 1);
}

/** Transposes the last two dims (a batch of matrices). */
export function mT(x: Tensor): Tensor {
  if (x.ndim < 2) throw new ShapeError('mT', `expected a tensor with >= 2 dims, got shape ${fmtShape(x.shape)}`);
  return transpose(x, -2, -1);
}

/**
 * Broadcasts to `shape` without copying (size-1 dims stretch, new leading dims appear; -1 keeps
 * a size).
 * @example nb.tensor([1, 2]).expand([3, 2])
 */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  if (shape.length < x.ndim) {
    throw new ShapeError(
      'expand',
      `expected at least ${x.ndim} dims for shape ${fmtShape(x.shape)}, got ${fmtShape(shape)}`,
      [x.shape, shape],
    );
  }
  const lead = shape.length - x.ndim;
  const target = shape.map((s, i) => (s === -1 && i >= lead ? x.shape[i - lead] : s));
  for (let i = 0; i < target.length; i++) {
    const have = i < lead ? 1 : x.shape[i - lead];
    const want = target[i];
    if (!Number.isInteger(want) || want < 0 || (have !== want && have !== 1)) {
      throw new ShapeError(
        'expand',
        `expected the expanded size to match the existing size ${have} at dim ${i} or that size to be 1, got shape ${fmtShape(x.shape)} to ${fmtShape(shape)}`,
        [x.shape, shape],
      );
    }
  }
  return sameShape(target, x.shape) ? x : expandView(x, target);
}

/** Expands to `other`'s shape. */
export function expandAs(x: Tensor, other: Tensor): Tensor {
  return expand(x, other.shape);
}

/** Broadcasts to `shape` (same as `expand`). */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  return expand(x, shape);
}

/** Removes size-1 dims (all, or the given ones). @example x.squeeze(0) */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  const dims = dim === undefined ? undefined : normDims('squeeze', dim, x.ndim);
  const keep = x.shape.flatMap((s, i) => ((dims === undefined ? s === 1 : dims.includes(i) && s === 1) ? [] : [i]));
  if (keep.length === x.ndim) return x;
  return reshapeView(
    x,
    keep.map((i) => x.shape[i]),
    keep.map((i) => x.strides[i]),
  );
}

/** Inserts a size-1 dim at `dim` (which may be `ndim`, or negative). @example x.unsqueeze(0) */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normDim('unsqueeze', dim, x.ndim + 1);
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < x.ndim ? x.shape[d] * x.strides[d] : 1);
  return reshapeView(x, shape, strides);
}

/** Merges dims `startDim..endDim` into one. @example x.flatten(1) */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const a = normDim('flatten', startDim, x.ndim);
  const b = normDim('flatten', endDim, x.ndim);
  if (a > b) throw new IndexError('flatten', `expected startDim <= endDim, got ${startDim} and ${endDim}`);
  const shape = [...x.shape.slice(0, a), numelOf(x.shape.slice(a, b + 1)), ...x.shape.slice(b + 1)];
  return reshape(x, shape);
}

/** Splits dim `dim` into `sizes` (one may be -1). @example x.unflatten(1, [2, 3]) */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normDim('unflatten', dim, x.ndim);
  const inner = inferShape('unflatten', [x.shape[d]], sizes);
  return reshape(x, [...x.shape.slice(0, d), ...inner, ...x.shape.slice(d + 1)]);
}

function noScalar(op: string, x: Tensor): void {
  if (x.ndim === 0) throw new IndexError(op, `expected a tensor with at least 1 dim, got a 0-dim tensor`);
}

function fullSpec(x: Tensor): SliceSpec[] {
  return x.shape.map((s) => ({ start: 0, step: 1, length: s }));
}

/** Elements `start .. start+length-1` along `dim` (a view). @example x.narrow(0, 1, 2) */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  noScalar('narrow', x);
  const d = normDim('narrow', dim, x.ndim);
  const size = x.shape[d];
  const s = start < 0 ? start + size : start;
  if (!Number.isInteger(s) || !Number.isInteger(length) || s < 0 || length < 0 || s + length > size) {
    throw new IndexError(
      'narrow',
      `expected start + length <= ${size} at dim ${d}, got start ${start} and length ${length}`,
    );
  }
  if (s === 0 && length === size) return x;
  const spec = fullSpec(x);
  spec[d] = { start: s, step: 1, length };
  return sliceView(x, spec);
}

/** The slice at `index` along `dim`, with that dim removed (a view). @example x.select(0, -1) */
export function select(x: Tensor, dim: number, index: number): Tensor {
  noScalar('select', x);
  const d = normDim('select', dim, x.ndim);
  const size = x.shape[d];
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new IndexError('select', `index ${index} is out of bounds for dimension ${d} with size ${size}`);
  }
  return squeeze(narrow(x, d, index < 0 ? index + size : index, 1), d);
}

/**
 * Python-style slice `x[start:end:step]` along `dim` (a view); negative indices count from the
 * end and out-of-range bounds clamp, as in Python. `step` must be positive.
 * @example x.slice(1, 0, null, 2) // every other column
 */
export function slice(x: Tensor, dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
  noScalar('slice', x);
  const d = normDim('slice', dim, x.ndim);
  if (!Number.isInteger(step) || step <= 0)
    throw new ValueError('slice', `expected a positive integer step, got ${step}`);
  const size = x.shape[d];
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
  const s = clamp(start ?? 0);
  const e = clamp(end ?? size);
  const length = e > s ? Math.ceil((e - s) / step) : 0;
  if (s === 0 && step === 1 && length === size) return x;
  const spec = fullSpec(x);
  spec[d] = { start: length > 0 ? s : 0, step, length };
  return sliceView(x, spec);
}

/** The tensor itself if contiguous, otherwise a contiguous copy. */
export function contiguous(x: Tensor): Tensor {
  return x.isContiguous() ? x : copy(x, 'contiguous');
}

/** A contiguous copy with its own storage (differentiable). */
export function clone(x: Tensor): Tensor {
  return copy(x, 'clone');
}

/**
 * Joins tensors along an existing dim; dtypes promote. A 1-D empty tensor is skipped, as in
 * PyTorch.
 * @example nb.cat([a, b], 0)
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!tensors || typeof tensors.length !== 'number' || tensors.length === 0)
    throw new ValueError('cat', 'expected a non-empty list of tensors');
  tensors.forEach((x, i) => checkTensor('cat', x, `tensors[${i}]`));
  // The dtype promotes over every tensor, the skipped empty ones included, as in PyTorch.
  const dtype = resultType(...tensors);
  const parts = tensors.filter((x) => !(x.ndim === 1 && x.shape[0] === 0));
  if (parts.length === 0) return copy(tensors[0].to(dtype), 'cat');
  const ref = parts[0];
  if (parts.some((x) => x.ndim === 0)) throw new ShapeError('cat', 'zero-dimensional tensor cannot be concatenated');
  const d = normDim('cat', dim, ref.ndim);
  const shapes = () => parts.map((p) => fmtShape(p.shape)).join(' and ');
  for (const x of parts) {
    if (x.ndim !== ref.ndim) {
      throw new ShapeError(
        'cat',
        `expected tensors with the same number of dimensions, got ${shapes()}`,
        parts.map((p) => p.shape),
      );
    }
    if (!x.shape.every((s, i) => i === d || s === ref.shape[i])) {
      throw new ShapeError(
        'cat',
        `expected sizes of tensors to match except in dimension ${d}, got ${shapes()}`,
        parts.map((p) => p.shape),
      );
    }
  }
  return catPrim(
    parts.map((x) => (x.dtype === dtype ? x : x.to(dtype))),
    d,
  );
}

/** Joins same-shape tensors along a new dim. @example nb.stack([a, b], 1) */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!tensors || typeof tensors.length !== 'number' || tensors.length === 0)
    throw new ValueError('stack', 'expected a non-empty list of tensors');
  tensors.forEach((x, i) => checkTensor('stack', x, `tensors[${i}]`));
  const ref = tensors[0];
  for (const x of tensors) {
    if (!sameShape(x.shape, ref.shape)) {
      throw new ShapeError(
        'stack',
        `expected each tensor to be equal size, got ${tensors.map((p) => fmtShape(p.shape)).join(' and ')}`,
        tensors.map((p) => p.shape),
      );
    }
  }
  const d = normDim('stack', dim, ref.ndim + 1);
  return cat(
    tensors.map((x) => unsqueeze(x, d)),
    d,
  );
}

/** Checks that `x` holds integer indices (int32), naming the op. */
export function checkIndexDType(op: string, index: Tensor): void {
  if (index.dtype !== 'int32') throw new DTypeError(op, `expected an int32 index tensor, got ${index.dtype}`);
}
