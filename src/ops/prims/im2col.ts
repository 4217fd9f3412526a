import { kernels } from '../../backend/index.js';
import type { PatchGeometry } from '../../backend/types.js';
import { allocate } from '../../tensor/dtype.js';
import { numelOf } from '../../tensor/shape.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';

// im2col and col2im are each other's adjoint (both are linear), so each is the other's
// gradient, and convolution, transposed convolution, unfold, fold and average pooling compose
// from them and a matrix product without gradient code of their own.

/** The number of blocks a geometry covers: its tile's rows times the other dims' blocks. */
export function tileBlocks(g: PatchGeometry): number {
  return g.count * numelOf(g.outSize.slice(1));
}

/**
 * The sliding blocks of `x: [N, C, ...spatial]` as columns `[C * prod(kernel), N, blocks]`,
 * zero outside the input (geometry validated by the caller). d im2col(x) = col2im(dy).
 */
export function im2colPrim(x: Tensor, g: PatchGeometry): Tensor {
  const [N, C] = x.shape;
  const shape = [C * numelOf(g.kernel), N, tileBlocks(g)];
  const out = allocate(x.dtype, numelOf(shape));
  if (out.length > 0) kernels().im2col(x.strided(), g, out);
  const xShape = x.shape;
  return record('im2col', fromArray(out, shape, x.dtype), [x], (dy) => [col2imPrim(dy, g, xShape)]);
}

/**
 * Sums columns `cols: [C * prod(kernel), N, blocks]` back into an `[N, C, ...spatial]` tensor
 * of `shape`, each entry at the position im2col read it from. d col2im(cols) = im2col(dy).
 */
export function col2imPrim(cols: Tensor, g: PatchGeometry, shape: readonly number[]): Tensor {
  const out = allocate(cols.dtype, numelOf(shape));
  if (cols.numel() > 0 && out.length > 0) kernels().col2im(cols.strided(), g, shape, out);
  return record('col2im', fromArray(out, shape, cols.dtype), [cols], (dy) => [im2colPrim(dy, g)]);
}
