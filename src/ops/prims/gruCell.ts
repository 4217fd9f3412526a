import { isGradEnabled } from '../../autograd/mode.js';
import { kernels } from '../../backend/index.js';
import { allocate } from '../../tensor/dtype.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';
import { compositeVjp, gruCellMath } from './rnnMath.js';

/**
 * One GRU step, fused: from the input projection `xg` and the hidden projection with its bias
 * `hg` (`[B, 3H]`, gates r, z, n) and h' (`[B, H]`), returns h = (1 - z) n + z h' with
 * n = tanh(xn + r hn). One kernel each way. With dn* = dh (1 - z)(1 - n^2):
 * d xg = (dn* hn r(1-r), dh (h' - n) z(1-z), dn*), d hg = the same with dn* r for n, dh' = dh z
 * (see `gruCellBackward`). Under `createGraph` the rule differentiates `gruCellMath`.
 */
export function gruCellPrim(xg: Tensor, hg: Tensor, hPrev: Tensor): Tensor {
  const [B, H] = hPrev.shape;
  const dtype = xg.dtype;
  const gates = fromArray(allocate(dtype, B * 4 * H), [B, 4 * H], dtype);
  const y = fromArray(allocate(dtype, B * H), [B, H], dtype);
  kernels().gruCell(xg.strided(), hg.strided(), hPrev.strided(), gates.strided(), y.strided());
  return record(
    'gruCell',
    y,
    [xg, hg, hPrev],
    (dy, [sx, sh, sp, sg], needs) => {
      if (isGradEnabled()) return compositeVjp(gruCellMath, [sx, sh, sp], dy, needs);
      const alloc = (n: number) => fromArray(allocate(dtype, B * n), [B, n], dtype);
      const [dxg, dhg, dhPrev] = [alloc(3 * H), alloc(3 * H), alloc(H)];
      kernels().gruCellBackward(
        sg.strided(),
        sp.strided(),
        dy.strided(),
        dxg.strided(),
        dhg.strided(),
        dhPrev.strided(),
      );
      return [needs[0] ? dxg : null, needs[1] ? dhg : null, needs[2] ? dhPrev : null];
    },
    [xg, hg, hPrev, gates],
  );
}
