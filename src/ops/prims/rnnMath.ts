import { grad } from '../../autograd/engine.js';
import { tensor, zeros } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { where } from '../elementwise.js';
import { cat, stack } from '../shape.js';
import type { CellMode } from './rnnLoop.js';
import { reshapeView } from './view.js';

// The recurrent cells written with ordinary tensor ops. They define what the fused kernels
// compute, serve as the unfused path, and give the fused primitives their second derivatives:
// a fused gradient rule that runs with grad mode on (createGraph) differentiates these instead.

/**
 * LSTM cell on pre-activations `xg + hg` (`[B, 4H]`, gates i, f, g, o): c = f c' + i g,
 * h = o tanh(c). Returns `[h, c]`.
 */
export function lstmCellMath(xg: Tensor, hg: Tensor, cPrev: Tensor): [Tensor, Tensor] {
  const H = cPrev.shape[cPrev.ndim - 1];
  const pre = xg.add(hg);
  const gate = (k: number) => pre.narrow(-1, k * H, H);
  const c = gate(1)
    .sigmoid()
    .mul(cPrev)
    .add(gate(0).sigmoid().mul(gate(2).tanh()));
  return [gate(3).sigmoid().mul(c.tanh()), c];
}

/**
 * GRU cell (gates r, z, n; `hg` includes the hidden bias): r = sigmoid(xr + hr),
 * z = sigmoid(xz + hz), n = tanh(xn + r hn), h = (1 - z) n + z h'.
 */
export function gruCellMath(xg: Tensor, hg: Tensor, hPrev: Tensor): Tensor {
  const H = hPrev.shape[hPrev.ndim - 1];
  const x = (k: number) => xg.narrow(-1, k * H, H);
  const h = (k: number) => hg.narrow(-1, k * H, H);
  const r = x(0).add(h(0)).sigmoid();
  const z = x(1).add(h(1)).sigmoid();
  const n = x(2)
    .add(r.mul(h(2)))
    .tanh();
  return n.add(z.mul(hPrev.sub(n)));
}

/** Elman cell: h = tanh(xg + hg) or relu(xg + hg). */
export function rnnCellMath(xg: Tensor, hg: Tensor, relu: boolean): Tensor {
  const pre = xg.add(hg);
  return relu ? pre.relu() : pre.tanh();
}

/**
 * One layer-direction over a whole sequence with the cell formulas above, returning the same
 * packed result as the fused layer primitive: outputs `[T, B, Ho]` (zero past a row's length),
 * h_N and (LSTM) c_N, flattened and joined.
 */
export function rnnLayerMath(
  mode: CellMode,
  reverse: boolean,
  lengths: Int32Array | null,
  xp: Tensor,
  wHh: Tensor,
  bHh: Tensor | null,
  h0: Tensor,
  c0: Tensor | null,
  wHr: Tensor | null,
): Tensor {
  const T = xp.shape[0];
  const outs = new Array<Tensor>(T);
  const wT = wHh.t();
  let h = h0;
  let c = c0;
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    let hg = h.matmul(wT);
    if (bHh) hg = hg.add(bHh);
    const xg = xp.select(0, t);
    let hNew: Tensor;
    let cNew: Tensor | null = null;
    if (mode === 'lstm') {
      [hNew, cNew] = lstmCellMath(xg, hg, c!);
      if (wHr) hNew = hNew.matmul(wHr.t());
    } else if (mode === 'gru') hNew = gruCellMath(xg, hg, h);
    else hNew = rnnCellMath(xg, hg, mode === 'relu');
    if (lengths) {
      const on = activeMask(lengths, t);
      outs[t] = where(on, hNew, hNew.zerosLike());
      h = where(on, hNew, h);
      if (cNew) c = where(on, cNew, c!);
    } else {
      outs[t] = hNew;
      h = hNew;
      c = cNew;
    }
  }
  const parts = [T === 0 ? zeros([0], { dtype: xp.dtype }) : stack(outs).reshape([-1]), h.reshape([-1])];
  if (mode === 'lstm') parts.push(c!.reshape([-1]));
  return cat(parts);
}

// [B, 1] bool: rows still inside their sequence at step t.
function activeMask(lengths: Int32Array, t: number): Tensor {
  return tensor(
    Array.from(lengths, (len) => [t < len]),
    { dtype: 'bool' },
  );
}

/**
 * The gradients of `fn(...inputs)` for the output gradient `dy`, for the inputs marked in
 * `needs`, computed by differentiating `fn`'s composite form with the graph recorded: the
 * gradient rule of a fused primitive under `createGraph`, so second derivatives exist.
 */
export function compositeVjp(
  fn: (...xs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  dy: Tensor,
  needs: readonly boolean[],
): (Tensor | null)[] {
  // Fresh views give every input its own graph node to collect the gradient at.
  const proxies = inputs.map((x, i) => (needs[i] ? reshapeView(x, x.shape, x.strides) : x));
  const wanted = proxies.filter((_, i) => needs[i]);
  if (wanted.length === 0) return needs.map(() => null);
  const gs = grad(fn(...proxies), wanted, {
    gradOutputs: dy,
    createGraph: true,
    allowUnused: true,
    materializeGrads: true,
  });
  let k = 0;
  return needs.map((n) => (n ? gs[k++] : null));
}
