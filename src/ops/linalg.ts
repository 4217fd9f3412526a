import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import { resultType } from '../tensor/dtype.js';
import { broadcastShapes } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkTensor } from './operands.js';
import { bmmPrim } from './prims/matmul.js';

function mismatch(op: string, a: Tensor, b: Tensor, what: string): ShapeError {
  return new ShapeError(op, `expected ${what}, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`, [a.shape, b.shape]);
}

function promote(op: string, a: Tensor, b: Tensor): [Tensor, Tensor] {
  const dt = resultType(a, b);
  if (dt === 'bool') throw new DTypeError(op, 'expected numeric tensors, got bool');
  return [a.to(dt), b.to(dt)];
}

/**
 * Matrix product with PyTorch's rules: 1-D·1-D is a dot product, a 1-D operand gains a dim
 * that is removed again, and leading (batch) dims broadcast.
 * @example nb.randn([10, 3, 4]).matmul(nb.randn([4, 5])) // [10, 3, 5]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor('matmul', a);
  checkTensor('matmul', b, 'other');
  if (a.ndim === 0 || b.ndim === 0) throw mismatch('matmul', a, b, 'both arguments to be at least 1-D');
  const k1 = a.shape[a.ndim - 1];
  const k2 = b.ndim === 1 ? b.shape[0] : b.shape[b.ndim - 2];
  if (k1 !== k2) {
    throw mismatch('matmul', a, b, b.ndim === 1 ? 'a.shape[-1] == b.shape[0]' : 'a.shape[-1] == b.shape[-2]');
  }
  [a, b] = promote('matmul', a, b);
  const a2 = a.ndim === 1 ? a.unsqueeze(0) : a;
  const b2 = b.ndim === 1 ? b.unsqueeze(1) : b;
  const M = a2.shape[a2.ndim - 2];
  const N = b2.shape[b2.ndim - 1];
  const batch = broadcastShapes('matmul', a2.shape.slice(0, -2), b2.shape.slice(0, -2));
  const B = batch.reduce((x, y) => x * y, 1);
  const a3 = a2.expand([...batch, M, k1]).reshape([B, M, k1]);
  const b3 = b2.expand([...batch, k1, N]).reshape([B, k1, N]);
  let out = bmmPrim(a3, b3).reshape([...batch, M, N]);
  if (a.ndim === 1) out = out.squeeze(-2);
  if (b.ndim === 1) out = out.squeeze(-1);
  return out;
}

/** Product of two matrices `[n, m] @ [m, p]`. */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2 || b.ndim !== 2) throw mismatch('mm', a, b, 'two 2-D tensors');
  if (a.shape[1] !== b.shape[0]) throw mismatch('mm', a, b, 'a.shape[1] == b.shape[0]');
  return matmul(a, b);
}

/** Batched product `[B, n, m] @ [B, m, p]` (no broadcasting). */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3) throw mismatch('bmm', a, b, 'two 3-D tensors');
  if (a.shape[0] !== b.shape[0] || a.shape[2] !== b.shape[1]) {
    throw mismatch('bmm', a, b, 'equal batch sizes and a.shape[2] == b.shape[1]');
  }
  return matmul(a, b);
}

/** Matrix-vector product `[n, m] @ [m]`. */
export function mv(a: Tensor, v: Tensor): Tensor {
  if (a.ndim !== 2 || v.ndim !== 1) throw mismatch('mv', a, v, 'a 2-D matrix and a 1-D vector');
  if (a.shape[1] !== v.shape[0]) throw mismatch('mv', a, v, 'a.shape[1] == v.shape[0]');
  return matmul(a, v);
}

/** Dot product of two 1-D tensors of equal length (a 0-d result). */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) throw mismatch('dot', a, b, 'two 1-D tensors');
  if (a.shape[0] !== b.shape[0]) throw mismatch('dot', a, b, 'tensors of equal length');
  return matmul(a, b);
}

/** Outer product of two 1-D tensors: `out[i, j] = a[i] * b[j]`. */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) throw mismatch('outer', a, b, 'two 1-D tensors');
  return a.unsqueeze(1).mul(b.unsqueeze(0));
}
