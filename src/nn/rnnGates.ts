// LSTM gate layouts: PyTorch's i, f, g, o (the only order the fused kernels know) and nbml's
// f, i, g, o, plus the forget-gate bias initialization. A module in nbml's order keeps its
// parameters in that order (so its state dict is nbml's layout) and swaps the first two row
// blocks on the way to the kernels: a copy of the weights per forward (4H x (in + H) values),
// exact, and small next to the sequence's own work, whereas a second gate order in the fused
// forward and backward kernels of both backends would double their code.
import { noGrad } from '../autograd/mode.js';
import { ValueError } from '../errors.js';
import { cat } from '../ops/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/** Row-block order of an LSTM's gate weights: PyTorch's `'ifgo'` or nbml's `'figo'`. */
export type GateOrder = 'ifgo' | 'figo';

/** Options of the LSTM gate layout, shared by `LSTM` and `LSTMCell`. */
export interface LSTMGateOptions {
  /**
   * Order of the four gate blocks in `weight_ih`, `weight_hh`, `bias_ih` and `bias_hh`:
   * `'ifgo'` (PyTorch, default) or `'figo'` (nbml). The math is the same; only the layout of
   * the parameters (and so of the state dict) differs.
   */
  gateOrder?: GateOrder;
  /**
   * When set, the forget gate's bias starts at this value (nbml: 1): its block of `bias_ih` is
   * filled with it and its block of `bias_hh` with 0, so their sum is `forgetBias`. The other
   * biases keep PyTorch's initialization. Needs `bias: true`.
   */
  forgetBias?: number | null;
}

/** Validates the gate options; returns them with defaults. */
export function checkGateOptions(
  op: string,
  o: LSTMGateOptions,
  bias: boolean,
): { gateOrder: GateOrder; forgetBias: number | null } {
  const gateOrder = o.gateOrder ?? 'ifgo';
  if (gateOrder !== 'ifgo' && gateOrder !== 'figo') {
    throw new ValueError(op, `expected gateOrder 'ifgo' or 'figo', got ${String(gateOrder)}`);
  }
  const forgetBias = o.forgetBias ?? null;
  if (forgetBias !== null) {
    if (typeof forgetBias !== 'number' || !Number.isFinite(forgetBias)) {
      throw new ValueError(op, `expected forgetBias to be a finite number, got ${String(forgetBias)}`);
    }
    if (!bias) throw new ValueError(op, `expected bias: true with forgetBias, got bias: false`);
  }
  return { gateOrder, forgetBias };
}

/**
 * The gate rows of `w` (`[4H, ...]` or `[4H]`) in PyTorch's order i, f, g, o: unchanged for
 * `'ifgo'`, the first two blocks swapped for `'figo'` (differentiable: gradients reach `w` in
 * its own order).
 */
export function toTorchGates(w: Tensor, order: GateOrder): Tensor;
export function toTorchGates(w: Tensor | null, order: GateOrder): Tensor | null;
export function toTorchGates(w: Tensor | null, order: GateOrder): Tensor | null {
  if (w === null || order === 'ifgo') return w;
  const H = w.shape[0] / 4;
  return cat([w.narrow(0, H, H), w.narrow(0, 0, H), w.narrow(0, 2 * H, 2 * H)], 0);
}

/** Sets the forget block of `bIh` to `value` and that of `bHh` to 0 (in place, not recorded). */
export function fillForgetBias(bIh: Tensor, bHh: Tensor, order: GateOrder, value: number): void {
  const H = bIh.shape[0] / 4;
  const at = order === 'ifgo' ? H : 0;
  noGrad(() => {
    bIh.narrow(0, at, H).fill_(value);
    bHh.narrow(0, at, H).fill_(0);
  });
}
