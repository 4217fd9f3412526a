import { IndexError, ShapeError, ValueError, fmtShape } from '../errors.js';

/** A tensor shape: one non-negative size per dimension; `[]` is a scalar. */
export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar). */
export function numelOf(shape: Shape): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** Row-major (C-order) strides for a shape. */
export function contiguousStrides(shape: Shape): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= Math.max(shape[i], 1);
  }
  return st;
}

/** Whether two shapes are equal. */
export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Wraps a possibly negative `dim` into `[0, ndim)`, or throws an `IndexError` naming the op. */
export function normDim(op: string, dim: number, ndim: number): number {
  // A 0-d tensor accepts dim 0 and -1, as in PyTorch.
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    throw new IndexError(op, `expected dim in range [${-n}, ${n - 1}], got ${dim}`);
  }
  return dim < 0 ? dim + n : dim;
}

/** Normalizes a list of dims (or all dims when `undefined`), refusing repeats. */
export function normDims(op: string, dims: number | readonly number[] | undefined, ndim: number): number[] {
  if (dims === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dims === 'number' ? [dims] : dims;
  const out: number[] = [];
  for (const d of list) {
    const nd = ndim === 0 ? (normDim(op, d, 0), 0) : normDim(op, d, ndim);
    if (ndim === 0) continue;
    if (out.includes(nd))
      throw new IndexError(op, `expected distinct dims, got dim ${nd} twice in [${list.join(', ')}]`);
    out.push(nd);
  }
  return out.sort((a, b) => a - b);
}

/** The broadcast shape of several shapes (NumPy rules), or a `ShapeError` naming all of them. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const n = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(n).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = n - s.length + i;
      const a = out[j];
      const b = s[i];
      if (a === b || b === 1) continue;
      if (a === 1) out[j] = b;
      else {
        throw new ShapeError(
          op,
          `expected shapes that broadcast together, got ${shapes.map(fmtShape).join(' and ')}`,
          shapes,
        );
      }
    }
  }
  return out;
}

/** Checks that a shape given by a user is a list of non-negative integers. */
export function checkShape(op: string, shape: readonly number[]): number[] {
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0) {
      throw new ValueError(op, `expected a shape of non-negative integers, got ${fmtShape(shape)}`);
    }
  }
  return [...shape];
}

/**
 * Resolves a `reshape` target with at most one `-1`, checking the element count.
 */
export function inferShape(op: string, from: Shape, to: readonly number[]): number[] {
  const total = numelOf(from);
  let unknown = -1;
  let known = 1;
  for (let i = 0; i < to.length; i++) {
    const s = to[i];
    if (s === -1) {
      if (unknown >= 0) throw new ShapeError(op, `expected at most one -1 in the shape, got ${fmtShape(to)}`);
      unknown = i;
    } else if (!Number.isInteger(s) || s < 0) {
      throw new ShapeError(op, `expected sizes >= 0 or a single -1, got ${fmtShape(to)}`);
    } else known *= s;
  }
  const out = [...to];
  if (unknown >= 0) {
    if (known === 0 || total % known !== 0) {
      throw new ShapeError(op, `shape ${fmtShape(to)} is invalid for input of size ${total}`, [from, to]);
    }
    out[unknown] = total / known;
  } else if (known !== total) {
    throw new ShapeError(op, `shape ${fmtShape(to)} is invalid for input of size ${total}`, [from, to]);
  }
  return out;
}
