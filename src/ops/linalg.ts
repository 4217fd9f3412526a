import { DTypeError, IndexError, ShapeError, fmtShape } from '../errors.js';
import { scalarTensor, tensor, zeros } from '../tensor/create.js';
import { resultType } from '../tensor/dtype.js';
import { broadcastShapes, normDim, sameShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { where } from './elementwise.js';
import { checkTensor } from './operands.js';
import { diagonalScatter as diagonalScatterPrim } from './prims/diagonalScatter.js';
import { bmmPrim } from './prims/matmul.js';
import { sliceScatter } from './prims/sliceScatter.js';
import { diagonalView } from './prims/view.js';
import { clone } from './shape.js';

// Every message names both operand shapes, whatever PyTorch's own wording says.
function shapeError(op: string, a: Tensor, b: Tensor, message: string): ShapeError {
  const both = `${fmtShape(a.shape)} and ${fmtShape(b.shape)}`;
  return new ShapeError(op, message.includes(both) ? message : `${message}; got ${both}`, [a.shape, b.shape]);
}

const cannotMultiply = (op: string, a: Tensor, b: Tensor, m: number, k1: number, k2: number, n: number) =>
  shapeError(op, a, b, `mat1 and mat2 shapes cannot be multiplied (${m}x${k1} and ${k2}x${n})`);

function promote(op: string, a: Tensor, b: Tensor): [Tensor, Tensor] {
  const dt = resultType(a, b);
  if (dt === 'bool') throw new DTypeError(op, 'expected numeric tensors, got bool');
  return [a.to(dt), b.to(dt)];
}

const prod = (s: readonly number[]) => s.reduce((x, y) => x * y, 1);

// PyTorch's error for mismatched inner dims, in the form its own dispatch (dot, mv, mm or bmm)
// would report for these operand ranks.
function innerMismatch(a: Tensor, b: Tensor): ShapeError {
  const e = torchInnerMismatch(a, b);
  const what = `a.shape[-1] == b.shape[${b.ndim === 1 ? '0' : '-2'}]`;
  return shapeError('matmul', a, b, `expected ${what}, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)} (${e})`);
}

// PyTorch's own wording for the mismatch, kept so the message can be searched.
function torchInnerMismatch(a: Tensor, b: Tensor): string {
  const k1 = a.shape[a.ndim - 1];
  if (a.ndim === 1 && b.ndim === 1) {
    return `inconsistent tensor size, expected tensor [${k1}] and src [${b.shape[0]}] to have the same number of elements, but got ${k1} and ${b.shape[0]} elements respectively`;
  }
  if (b.ndim === 1) {
    const m = prod(a.shape.slice(0, -1));
    return `size mismatch, got ${m}, ${m}x${k1},${b.shape[0]}`;
  }
  const k2 = b.shape[b.ndim - 2];
  const n = b.shape[b.ndim - 1];
  if (b.ndim === 2)
    return `mat1 and mat2 shapes cannot be multiplied (${prod(a.shape.slice(0, -1))}x${k1} and ${k2}x${n})`;
  const batch = broadcastShapes('matmul', a.ndim > 2 ? a.shape.slice(0, -2) : [], b.shape.slice(0, -2));
  return `Expected size for first two dimensions of batch2 tensor to be: [${prod(batch)}, ${k1}] but got: [${prod(batch)}, ${k2}].`;
}

/**
 * Matrix product with PyTorch's rules: 1-D·1-D is a dot product, a 1-D operand gains a dim
 * that is removed again, and leading (batch) dims broadcast.
 * @example nb.randn([10, 3, 4]).matmul(nb.randn([4, 5])) // [10, 3, 5]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor('matmul', a);
  checkTensor('matmul', b, 'other');
  if (a.ndim === 0 || b.ndim === 0) {
    throw shapeError(
      'matmul',
      a,
      b,
      `both arguments to matmul need to be at least 1D, but they are ${a.ndim}D and ${b.ndim}D`,
    );
  }
  const k1 = a.shape[a.ndim - 1];
  const k2 = b.ndim === 1 ? b.shape[0] : b.shape[b.ndim - 2];
  if (k1 !== k2) throw innerMismatch(a, b);
  [a, b] = promote('matmul', a, b);
  const a2 = a.ndim === 1 ? a.unsqueeze(0) : a;
  const b2 = b.ndim === 1 ? b.unsqueeze(1) : b;
  const M = a2.shape[a2.ndim - 2];
  const N = b2.shape[b2.ndim - 1];
  let out: Tensor;
  if (a2.ndim === 2 && b2.ndim === 2) {
    out = bmmPrim(a2, b2);
  } else if (b2.ndim === 2) {
    // Fold a's batch dims into its rows: one product against b, which is never copied per batch.
    const lead = a2.shape.slice(0, -2);
    out = bmmPrim(a2.reshape([prod(lead) * M, k1]), b2).reshape([...lead, M, N]);
  } else {
    const batch = broadcastShapes('matmul', a2.shape.slice(0, -2), b2.shape.slice(0, -2));
    const B = prod(batch);
    const a3 = a2.expand([...batch, M, k1]).reshape([B, M, k1]);
    const b3 = b2.expand([...batch, k1, N]).reshape([B, k1, N]);
    out = bmmPrim(a3, b3).reshape([...batch, M, N]);
  }
  if (a.ndim === 1) out = out.squeeze(-2);
  if (b.ndim === 1) out = out.squeeze(-1);
  return out;
}

/**
 * Product of two matrices `[n, m] @ [m, p]`.
 * @example nb.mm(nb.ones([2, 3]), nb.ones([3, 4])) // [2, 4], every element 3
 */
export function mm(a: Tensor, b: Tensor): Tensor {
  checkTensor('mm', a);
  checkTensor('mm', b, 'mat2');
  if (a.ndim !== 2) throw shapeError('mm', a, b, `expected self to be a matrix, got shape ${fmtShape(a.shape)}`);
  if (b.ndim !== 2) throw shapeError('mm', a, b, `expected mat2 to be a matrix, got shape ${fmtShape(b.shape)}`);
  if (a.shape[1] !== b.shape[0]) throw cannotMultiply('mm', a, b, a.shape[0], a.shape[1], b.shape[0], b.shape[1]);
  return matmul(a, b);
}

/**
 * Batched product `[B, n, m] @ [B, m, p]` (no broadcasting).
 * @example nb.bmm(nb.ones([5, 2, 3]), nb.ones([5, 3, 4])) // [5, 2, 4]
 */
export function bmm(a: Tensor, b: Tensor): Tensor {
  checkTensor('bmm', a);
  checkTensor('bmm', b, 'mat2');
  if (a.ndim !== 3) throw shapeError('bmm', a, b, `expected batch1 to be a 3D tensor, got shape ${fmtShape(a.shape)}`);
  if (b.ndim !== 3) throw shapeError('bmm', a, b, `expected batch2 to be a 3D tensor, got shape ${fmtShape(b.shape)}`);
  if (a.shape[0] !== b.shape[0] || a.shape[2] !== b.shape[1]) {
    throw shapeError(
      'bmm',
      a,
      b,
      `Expected size for first two dimensions of batch2 tensor to be: [${a.shape[0]}, ${a.shape[2]}] but got: [${b.shape[0]}, ${b.shape[1]}].`,
    );
  }
  return matmul(a, b);
}

/**
 * Matrix-vector product `[n, m] @ [m]`.
 * @example nb.mv(nb.ones([2, 3]), nb.ones([3])) // [3, 3]
 */
export function mv(a: Tensor, v: Tensor): Tensor {
  checkTensor('mv', a);
  checkTensor('mv', v, 'vec');
  if (a.ndim !== 2 || v.ndim !== 1) {
    throw shapeError('mv', a, v, `vector + matrix @ vector expected, got ${v.ndim}, ${a.ndim}, ${v.ndim}`);
  }
  if (a.shape[1] !== v.shape[0]) {
    throw shapeError('mv', a, v, `size mismatch, got ${a.shape[0]}, ${a.shape[0]}x${a.shape[1]},${v.shape[0]}`);
  }
  return matmul(a, v);
}

/**
 * Dot product of two 1-D tensors of equal length (a 0-d result): `sum_i a[i] b[i]`.
 * @example nb.dot(nb.tensor([1, 2]), nb.tensor([3, 4])) // 11
 */
export function dot(a: Tensor, b: Tensor): Tensor {
  checkTensor('dot', a);
  checkTensor('dot', b, 'other');
  if (a.ndim !== 1 || b.ndim !== 1) {
    throw shapeError('dot', a, b, `1D tensors expected, but got ${a.ndim}D and ${b.ndim}D tensors`);
  }
  if (a.shape[0] !== b.shape[0]) {
    throw shapeError(
      'dot',
      a,
      b,
      `inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively`,
    );
  }
  return matmul(a, b);
}

/**
 * Outer product of two 1-D tensors: `out[i, j] = a[i] * b[j]`.
 * @example nb.outer(nb.tensor([1, 2]), nb.tensor([1, 10, 100])) // [2, 3]
 */
export function outer(a: Tensor, b: Tensor): Tensor {
  checkTensor('outer', a);
  checkTensor('outer', b, 'vec2');
  if (a.ndim !== 1 || b.ndim !== 1) {
    throw shapeError('outer', a, b, `expected two 1-D tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  return a.unsqueeze(1).mul(b.unsqueeze(0));
}

// ---- triangles and diagonals ------------------------------------------------------------

// Keeps the elements whose column minus row passes `keep`, zeroing the rest. The mask is a
// constant, so the gradient is dy masked the same way (through `where`).
function triangle(op: string, x: Tensor, keep: (colMinusRow: number) => boolean): Tensor {
  checkTensor(op, x);
  if (x.ndim < 2) throw new ShapeError(op, `expected a tensor with at least 2 dims, got shape ${fmtShape(x.shape)}`);
  const [r, c] = x.shape.slice(-2);
  const mask = Array.from({ length: r * c }, (_, k) => (keep((k % c) - Math.floor(k / c)) ? 1 : 0));
  const m = tensor(mask, { dtype: 'bool' }).reshape([r, c]);
  return where(m.expand(x.shape), x, scalarTensor(0, x.dtype));
}

/**
 * The upper triangle of the last two dims: elements with `col - row >= diagonal`, others zero.
 * @example nb.triu(nb.ones([3, 3]), 1) // strictly upper triangle of ones
 */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return triangle('triu', x, (d) => d >= diagonal);
}

/**
 * The lower triangle of the last two dims: elements with `col - row <= diagonal`, others zero.
 * @example nb.tril(nb.ones([3, 3])) // lower triangle with the diagonal
 */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return triangle('tril', x, (d) => d <= diagonal);
}

function diagDims(op: string, x: Tensor, dim1: number, dim2: number): [number, number] {
  if (x.ndim < 2) throw new ShapeError(op, `expected a tensor with at least 2 dims, got shape ${fmtShape(x.shape)}`);
  const d1 = normDim(op, dim1, x.ndim);
  const d2 = normDim(op, dim2, x.ndim);
  if (d1 === d2) throw new IndexError(op, `diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  return [d1, d2];
}

/**
 * The diagonal `offset` (above the main one when positive) of dims `dim1`, `dim2`, appended as
 * the last dim. A view: it shares `x`'s storage.
 * @example nb.diagonal(nb.randn([2, 3, 3]), 0, 1, 2) // [2, 3]
 */
export function diagonal(x: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  checkTensor('diagonal', x);
  const [d1, d2] = diagDims('diagonal', x, dim1, dim2);
  return diagonalView(x, offset, d1, d2);
}

/**
 * A copy of `x` with the diagonal `offset` of dims `dim1`, `dim2` replaced by `src` (which has
 * that diagonal's shape).
 * @example nb.diagonalScatter(nb.zeros([2, 2]), nb.ones([2])) // identity
 */
export function diagonalScatter(x: Tensor, src: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  checkTensor('diagonalScatter', x);
  checkTensor('diagonalScatter', src, 'src');
  const [d1, d2] = diagDims('diagonalScatter', x, dim1, dim2);
  const want = diagonalView(x.detach(), offset, d1, d2).shape;
  if (!sameShape(want, src.shape)) {
    throw new ShapeError(
      'diagonalScatter',
      `expected src to have the diagonal's shape ${fmtShape(want)}, got ${fmtShape(src.shape)}`,
      [want, src.shape],
    );
  }
  return diagonalScatterPrim(x, src.to(x.dtype), offset, d1, d2);
}

/**
 * A 1-D `x` becomes a square matrix with `x` on diagonal `diagonal`; a 2-D `x` gives a copy of
 * that diagonal as a 1-D tensor.
 * @example nb.diag(nb.tensor([1, 2])) // [[1, 0], [0, 2]]
 */
export function diag(x: Tensor, diagonal = 0): Tensor {
  checkTensor('diag', x);
  if (x.ndim === 2) return clone(diagonalView(x, diagonal, 0, 1));
  if (x.ndim !== 1) throw new ShapeError('diag', `expected a matrix or a vector, got shape ${fmtShape(x.shape)}`);
  const n = x.shape[0];
  const m = n + Math.abs(diagonal);
  // In the flat m*m matrix the diagonal is every (m+1)-th element from its first one.
  const spec = [{ start: diagonal >= 0 ? diagonal : -diagonal * m, step: m + 1, length: n }];
  return sliceScatter(zeros([m * m], { dtype: x.dtype }), x, spec).reshape([m, m]);
}

/**
 * Sum of the main diagonal of a matrix.
 * @example nb.trace(nb.tensor([[1, 2], [3, 4]])) // 5
 */
export function trace(x: Tensor): Tensor {
  checkTensor('trace', x);
  if (x.ndim !== 2) throw new ShapeError('trace', `expected a matrix, but got tensor with dim ${x.ndim}`);
  return diagonalView(x, 0, 0, 1).sum();
}
