import { noGrad } from '../../autograd/mode.js';
import { kernels } from '../../backend/index.js';
import type { PatchGeometry } from '../../backend/types.js';
import { allocate } from '../../tensor/dtype.js';
import { numelOf } from '../../tensor/shape.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';
import { col2imPrim, im2colPrim } from './im2col.js';
import { bmmPrim } from './matmul.js';

// The tiles of output rows of a low-memory convolution: [first, count] pairs along spatial dim 0.
function tiles(g: PatchGeometry, rows: number): PatchGeometry[] {
  const out: PatchGeometry[] = [];
  for (let first = 0; first < g.outSize[0]; first += rows) {
    out.push({ ...g, first, count: Math.min(rows, g.outSize[0] - first) });
  }
  return out;
}

/**
 * Convolution without bias, `y: [O, N, ...outSize]`, computed `rows` output rows at a time so
 * only one tile of im2col columns exists at once (nbml's PatchwiseConv2D idea). `w3` is the
 * weight as `[groups, O / groups, C / groups * prod(kernel)]`. This is a primitive rather than
 * the im2col + bmm composite because the composite's graph would keep every tile's columns
 * alive for the weight gradient, which is the full buffer again; here the backward pass
 * recomputes each tile's columns instead:
 * dx = sum over tiles of col2im(w^T dy_t), dw = sum over tiles of dy_t cols_t^T.
 */
export function convTiledPrim(x: Tensor, w3: Tensor, g: PatchGeometry, rows: number): Tensor {
  const [groups, Og, CgK] = w3.shape;
  const O = groups * Og;
  const N = x.shape[0];
  const rest = numelOf(g.outSize.slice(1));
  const shape = [O, N, ...g.outSize];
  const out = allocate(x.dtype, numelOf(shape));
  const outStrides = [N * g.outSize[0] * rest, g.outSize[0] * rest, rest, 1];
  const parts = tiles(g, rows);
  noGrad(() => {
    for (const t of parts) {
      const cols = im2colPrim(x, t).reshape([groups, CgK, N * t.count * rest]);
      const y = bmmPrim(w3, cols).reshape([O, N, t.count, rest]);
      const dst = { data: out, shape: y.shape, strides: outStrides, offset: t.first * rest };
      if (y.numel() > 0) kernels().copy(y.strided(), dst);
    }
  });
  const xShape = x.shape;
  return record(
    'convTiled',
    fromArray(out, shape, x.dtype),
    [x, w3],
    (dy, [sx, sw], needs) => {
      let dx: Tensor | null = null;
      let dw: Tensor | null = null;
      const dy4 = dy.reshape([O, N, g.outSize[0], rest]);
      for (const t of parts) {
        const dyT = dy4.narrow(2, t.first, t.count).reshape([groups, Og, N * t.count * rest]);
        if (needs[0]) {
          const dcols = bmmPrim(sw.transpose(1, 2), dyT).reshape([groups * CgK, N, t.count * rest]);
          const part = col2imPrim(dcols, t, xShape);
          dx = dx === null ? part : dx.add(part);
        }
        if (needs[1]) {
          const cols = im2colPrim(sx, t).reshape([groups, CgK, N * t.count * rest]);
          const part = bmmPrim(dyT, cols.transpose(1, 2));
          dw = dw === null ? part : dw.add(part);
        }
      }
      return [dx, dw];
    },
    [x, w3],
  );
}
