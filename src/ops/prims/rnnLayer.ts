import { isGradEnabled } from '../../autograd/mode.js';
import { allocate } from '../../tensor/dtype.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';
import { compositeVjp, rnnLayerMath } from './rnnMath.js';
import { gateCount, layerBackward, layerForward, type Buf, type CellMode, type LayerDims } from './rnnLoop.js';

/** Which cell runs, in which direction, and the valid length of every batch row (or all `T`). */
export interface RnnLayerConfig {
  mode: CellMode;
  reverse: boolean;
  lengths: Int32Array | null;
}

const buf = (t: Tensor): Buf => {
  const c = t.detach().contiguous();
  return { data: c.storage.data, offset: c.offset };
};

/**
 * One recurrent layer in one direction over a whole sequence, as a single graph node. Inputs:
 * the input projection `xp = x W_ih^T + b_ih` for every step (`[T, B, G * H]`), `wHh`
 * (`[G * H, Ho]`), `bHh` (`[G * H]`), h0 (`[B, Ho]`), (LSTM) c0 (`[B, H]`) and the projection
 * `wHr` (`[Ho, H]`). Returns the packed result (see `unpackLayer`).
 *
 * It is one node rather than a node per step because of fan-out: T per-step nodes reading
 * slices of `xp` send T gradients of `xp`'s full size back through the engine, which sums them
 * (O(T^2) memory traffic: about 0.3 s for the 64 slices of the W4 LSTM alone, wasm backend).
 * Here the backward writes each step's gate gradients straight into one `dxp`. Per step the
 * forward runs one GEMM and one fused cell kernel, the backward one fused cell kernel and one
 * GEMM; the weight gradients are one GEMM over all steps. W4 (LSTM B 16, T 64, in 64, H 128,
 * forward + backward, wasm backend, 2 loaded cores): 574 ms with the cell formulas as ops, 183 ms
 * with a fused cell primitive per step, 57 ms with this primitive and js cell kernels, about
 * 25 ms with the wasm cell kernels and the hidden weight packed once per call (two thirds of
 * what is left is GEMM). Under `createGraph` the rule differentiates `rnnLayerMath` instead, so
 * second derivatives exist.
 */
export function rnnLayerPrim(
  cfg: RnnLayerConfig,
  xp: Tensor,
  wHh: Tensor,
  bHh: Tensor | null,
  h0: Tensor,
  c0: Tensor | null,
  wHr: Tensor | null,
): Tensor {
  const [T, B, GH] = xp.shape;
  const H = GH / gateCount(cfg.mode);
  const Ho = wHh.shape[1];
  const lstm = cfg.mode === 'lstm';
  const d: LayerDims = { ...cfg, T, B, H, Ho };
  const dtype = xp.dtype;
  const out = allocate(dtype, (T + 1) * B * Ho + (lstm ? B * H : 0));
  const saved = layerForward(
    d,
    dtype,
    buf(xp),
    wHh.strided(),
    bHh && buf(bHh),
    buf(h0),
    c0 && buf(c0),
    wHr ? wHr.strided() : null,
    out,
  );
  const y = fromArray(out, [out.length], dtype);
  // Inputs in a fixed order with the absent ones left out; `at` finds them again.
  const inputs: Tensor[] = [];
  const at = [xp, wHh, bHh, h0, c0, wHr].map((t) => (t === null ? -1 : inputs.push(t) - 1));
  const extra = [saved.act, saved.cs, saved.hPrev, saved.hRaw].map((a) => (a ? fromArray(a, [a.length], dtype) : null));
  const keep = extra.filter((t): t is Tensor => t !== null);
  const pick = (s: readonly Tensor[], i: number) => (at[i] < 0 ? null : s[at[i]]);
  return record(
    `${cfg.mode}Layer`,
    y,
    inputs,
    (dy, s, needs) => {
      const ins = s.slice(0, inputs.length);
      if (isGradEnabled()) {
        const fn = (...xs: Tensor[]) => rnnLayerMath(cfg.mode, cfg.reverse, cfg.lengths, ...layerArgs(xs, at));
        return compositeVjp(fn, ins, dy, needs);
      }
      const rest = s.slice(inputs.length);
      let r = 0;
      const [act, cs, hPrev, hRaw] = extra.map((e) => (e ? rest[r++].storage.data : null));
      const g = layerBackward(
        d,
        dtype,
        { act: act!, cs, hPrev: hPrev!, hRaw },
        pick(ins, 1)!.strided(),
        lstm ? buf(pick(ins, 4)!) : null,
        wHr ? pick(ins, 5)!.strided() : null,
        buf(dy),
      );
      const grads = [
        fromArray(g.dXp, [T, B, GH], dtype),
        fromArray(g.dWhh, [GH, Ho], dtype),
        fromArray(g.dBhh, [GH], dtype),
        fromArray(g.dh0, [B, Ho], dtype),
        g.dc0 && fromArray(g.dc0, [B, H], dtype),
        g.dWhr && fromArray(g.dWhr, [Ho, H], dtype),
      ];
      return inputs.map((_, i) => (needs[i] ? grads[at.indexOf(i)] : null));
    },
    [...inputs, ...keep],
  );
}

// The six layer arguments back from the present inputs.
function layerArgs(
  xs: readonly Tensor[],
  at: readonly number[],
): [Tensor, Tensor, Tensor | null, Tensor, Tensor | null, Tensor | null] {
  const p = (i: number) => (at[i] < 0 ? null : xs[at[i]]);
  return [p(0)!, p(1)!, p(2), p(3)!, p(4), p(5)];
}

/** Splits a packed layer result into outputs `[T, B, Ho]`, h_N `[B, Ho]` and c_N `[B, H]`. */
export function unpackLayer(
  packed: Tensor,
  T: number,
  B: number,
  Ho: number,
  H: number,
  lstm: boolean,
): { out: Tensor; hN: Tensor; cN: Tensor | null } {
  const n = T * B * Ho;
  return {
    out: packed.narrow(0, 0, n).view([T, B, Ho]),
    hN: packed.narrow(0, n, B * Ho).view([B, Ho]),
    cN: lstm ? packed.narrow(0, n + B * Ho, B * H).view([B, H]) : null,
  };
}

/** The same layer with the cell formulas as ordinary ops (the unfused path). */
export function rnnLayerComposite(
  cfg: RnnLayerConfig,
  xp: Tensor,
  wHh: Tensor,
  bHh: Tensor | null,
  h0: Tensor,
  c0: Tensor | null,
  wHr: Tensor | null,
): Tensor {
  return rnnLayerMath(cfg.mode, cfg.reverse, cfg.lengths, xp, wHh, bHh, h0, c0, wHr);
}
