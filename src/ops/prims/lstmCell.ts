import { isGradEnabled } from '../../autograd/mode.js';
import { kernels } from '../../backend/index.js';
import type { View } from '../../backend/types.js';
import { allocate } from '../../tensor/dtype.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { cat } from '../shape.js';
import { record } from '../record.js';
import { compositeVjp, lstmCellMath } from './rnnMath.js';

// Column block [from, from + n) of a 2-D strided window.
const cols = (v: View, from: number, n: number): View => ({
  data: v.data,
  shape: [v.shape[0], n],
  strides: v.strides,
  offset: v.offset + from * v.strides[1],
});

/**
 * One LSTM step, fused: from pre-activation halves `xg`, `hg` (`[B, 4H]`, gates i, f, g, o) and
 * c' (`[B, H]`), returns `[h | c]` as `[B, 2H]` (c = f c' + i g, h = o tanh(c)). One kernel
 * forward and one backward instead of about fifteen elementwise ops each way.
 * d pre = the gate derivatives times dc* = dc + dh o (1 - tanh^2 c); dc' = dc* f (see
 * `lstmCellBackward`); xg and hg get the same gradient. Under `createGraph` the rule
 * differentiates `lstmCellMath`.
 */
export function lstmCellPrim(xg: Tensor, hg: Tensor, cPrev: Tensor): Tensor {
  const [B, H] = cPrev.shape;
  const dtype = xg.dtype;
  const gates = allocate(dtype, B * 4 * H);
  const out = allocate(dtype, B * 2 * H);
  const o: View = { data: out, shape: [B, 2 * H], strides: [2 * H, 1], offset: 0 };
  const g: View = { data: gates, shape: [B, 4 * H], strides: [4 * H, 1], offset: 0 };
  kernels().lstmCell(xg.strided(), hg.strided(), cPrev.strided(), g, cols(o, H, H), cols(o, 0, H));
  const y = fromArray(out, [B, 2 * H], dtype);
  return record(
    'lstmCell',
    y,
    [xg, hg, cPrev],
    (dy, [sx, sh, sc, sg, sy], needs) => {
      if (isGradEnabled()) return compositeVjp((a, b, c) => cat(lstmCellMath(a, b, c), 1), [sx, sh, sc], dy, needs);
      const dGates = fromArray(allocate(dtype, B * 4 * H), [B, 4 * H], dtype);
      const dcPrev = fromArray(allocate(dtype, B * H), [B, H], dtype);
      const dv = dy.strided();
      kernels().lstmCellBackward(
        sg.strided(),
        sc.strided(),
        cols(sy.strided(), H, H),
        cols(dv, 0, H),
        cols(dv, H, H),
        dGates.strided(),
        dcPrev.strided(),
      );
      return [needs[0] ? dGates : null, needs[1] ? dGates : null, needs[2] ? dcPrev : null];
    },
    [xg, hg, cPrev, fromArray(gates, [B, 4 * H], dtype), y],
  );
}
