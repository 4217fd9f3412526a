// RNN, LSTM and GRU: PyTorch's multi-layer recurrent modules (names, layouts, gate order,
// defaults), with variable lengths and a one-step API for online use.
import type { Tensor } from '../tensor/tensor.js';
import { checkNonlinearity } from './rnnCells.js';
import { RNNBase, type RNNBaseOptions, type RNNForwardOptions, type SequenceOf } from './rnnBase.js';
import type { PackedSequence } from './rnnPacked.js';
import type { GateOrder, LSTMGateOptions } from './rnnGates.js';

export { setRnnFusion, type RNNBaseOptions, type RNNForwardOptions, type SequenceOf } from './rnnBase.js';

type Seq = Tensor | PackedSequence;

/** Options of `RNN`. */
export interface RNNOptions extends RNNBaseOptions {
  /** `'tanh'` (default) or `'relu'`. */
  nonlinearity?: 'tanh' | 'relu';
}

/** Options of `LSTM` (with `gateOrder: 'figo'` and `forgetBias: 1`, nbml's layout and init). */
export interface LSTMOptions extends RNNBaseOptions, LSTMGateOptions {
  /** When > 0, h is projected to this size by `weight_hr_l{k}` (h = W_hr (o tanh c)). Default 0. */
  projSize?: number;
}

/**
 * A multi-layer Elman RNN (PyTorch's `RNN`): for every layer and step,
 * h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu). Returns `[output, h_n]`.
 * Each layer-direction runs as one fused primitive (one GEMM and one fused kernel per step).
 * `step(x, h)` advances one step for online use; see `LSTM.step`.
 * @see https://pytorch.org/docs/stable/generated/torch.nn.RNN.html
 *
 * Shape: input `[T, B, in]` (`[B, T, in]` with `batchFirst`, or unbatched `[T, in]`), h_0 and h_n
 * `[L*D, B, H]` (D = 2 when bidirectional), output `[T, B, D*H]`. A `PackedSequence` input
 * (nn.utils.rnn) gives a packed output; h_0 and h_n then follow the original batch order.
 * @example
 * const rnn = new nn.RNN(10, 20, { numLayers: 2 });
 * const [out, hN] = rnn.call(nb.randn([5, 3, 10])); // [5, 3, 20], [2, 3, 20]
 */
export class RNN extends RNNBase<[input: Seq, hx?: Tensor | null, opts?: RNNForwardOptions], [Seq, Tensor]> {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    const nl = checkNonlinearity('RNN', opts.nonlinearity ?? 'tanh');
    super(nl, inputSize, hiddenSize, opts);
    this.nonlinearity = nl;
  }

  override call<I extends Seq>(input: I, hx?: Tensor | null, opts?: RNNForwardOptions): [SequenceOf<I>, Tensor] {
    return super.call(input, hx, opts) as [SequenceOf<I>, Tensor];
  }

  forward<I extends Seq>(input: I, hx?: Tensor | null, opts?: RNNForwardOptions): [SequenceOf<I>, Tensor] {
    const { x, h0, batched, lengths, packed } = this.prepare(input, [hx], opts);
    const { out, states } = this.runLayers(x, h0, lengths);
    return [this.finishOutput(out, batched, packed) as SequenceOf<I>, batched ? states[0] : states[0].squeeze(1)];
  }

  /**
   * One time step: `x` is `[B, in]` (or `[in]`), `h` the state `[L, B, H]` (zeros when absent).
   * Returns `[y, h']` with y the last layer's new h; stepping through a sequence gives the
   * same outputs as `forward` on it. Unidirectional modules only.
   * @example let h = null; for (const x of xs) [y, h] = rnn.step(x, h);
   */
  step(x: Tensor, h?: Tensor | null): [Tensor, Tensor] {
    const r = this.stepLayers(x, [h]);
    return [r.y, r.states[0]];
  }
}

/**
 * A multi-layer long short-term memory (PyTorch's `LSTM`, gates i, f, g, o, or nbml's f, i, g, o
 * with `gateOrder: 'figo'`; `forgetBias: 1` is nbml's forget-gate init): per layer and step,
 * with z = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh split in four,
 * c_t = sigmoid(z_f) c_{t-1} + sigmoid(z_i) tanh(z_g), h_t = sigmoid(z_o) tanh(c_t), then
 * h_t = W_hr h_t with `projSize`. Returns `[output, [h_n, c_n]]`. Each layer-direction runs as
 * one fused primitive whose backward is one fused kernel plus one GEMM per step.
 * @see https://pytorch.org/docs/stable/generated/torch.nn.LSTM.html
 *
 * Shape: input `[T, B, in]` (`[B, T, in]` with `batchFirst`, or unbatched `[T, in]`); h `[L*D, B,
 * Ho]` with Ho = projSize or H; c `[L*D, B, H]`; output `[T, B, D*Ho]`.
 * @example
 * const lstm = new nn.LSTM(64, 128, { numLayers: 2, batchFirst: true, bidirectional: true });
 * const [out, [hN, cN]] = lstm.call(nb.randn([4, 7, 64])); // [4, 7, 256], [4, 4, 128] x2
 * const [padded] = lstm.call(x, null, { lengths: [7, 3, 5, 1] }); // padded batch
 * const [packed] = lstm.call(nn.utils.rnn.packSequence(seqs, { enforceSorted: false })); // PackedSequence
 * const nbml = new nn.LSTM(64, 64, { gateOrder: 'figo', forgetBias: 1 }); // nbml's layout and init
 */
export class LSTM extends RNNBase<
  [input: Seq, hx?: readonly [Tensor, Tensor] | null, opts?: RNNForwardOptions],
  [Seq, [Tensor, Tensor]]
> {
  constructor(inputSize: number, hiddenSize: number, opts: LSTMOptions = {}) {
    super('lstm', inputSize, hiddenSize, opts);
  }

  /** Row-block order of the gate parameters: `'ifgo'` (PyTorch) or `'figo'` (nbml). */
  get gateOrder(): GateOrder {
    return this.lstmGates.gateOrder;
  }

  /** The forget-gate bias initialization, or null for PyTorch's. */
  get forgetBias(): number | null {
    return this.lstmGates.forgetBias;
  }

  override call<I extends Seq>(
    input: I,
    hx?: readonly [Tensor, Tensor] | null,
    opts?: RNNForwardOptions,
  ): [SequenceOf<I>, [Tensor, Tensor]] {
    return super.call(input, hx, opts) as [SequenceOf<I>, [Tensor, Tensor]];
  }

  forward<I extends Seq>(
    input: I,
    hx?: readonly [Tensor, Tensor] | null,
    opts?: RNNForwardOptions,
  ): [SequenceOf<I>, [Tensor, Tensor]] {
    const { x, h0, batched, lengths, packed } = this.prepare(input, hx ?? [], opts);
    const { out, states } = this.runLayers(x, h0, lengths);
    const [h, c] = batched ? states : states.map((s) => s.squeeze(1));
    return [this.finishOutput(out, batched, packed) as SequenceOf<I>, [h, c]];
  }

  /**
   * One time step for online use: `x` is `[B, in]` (or `[in]`), `state` is `[h, c]` as
   * `forward` returns it (zeros when absent). Returns `[y, [h', c']]`, y being the last layer's
   * new h; feeding each step's state to the next gives the outputs of `forward` on the whole
   * sequence (and gradients flow through the states, for truncated BPTT). Unidirectional only.
   * @example
   * let state: [nb.Tensor, nb.Tensor] | null = null;
   * for (const x of nb.unbind(seq)) { const [y, s] = lstm.step(x, state); state = s; }
   */
  step(x: Tensor, state?: readonly [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    const r = this.stepLayers(x, state ?? []);
    return [r.y, [r.states[0], r.states[1]]];
  }
}

/**
 * A multi-layer gated recurrent unit (PyTorch's `GRU`, gates r, z, n): per layer and step,
 * r = sigmoid(W_ir x + b_ir + W_hr h + b_hr), z = sigmoid(W_iz x + b_iz + W_hz h + b_hz),
 * n = tanh(W_in x + b_in + r (W_hn h + b_hn)), h' = (1 - z) n + z h. Returns `[output, h_n]`.
 * @see https://pytorch.org/docs/stable/generated/torch.nn.GRU.html
 *
 * Shape: as `RNN`.
 * @example const [out, hN] = new nn.GRU(10, 20, { bidirectional: true }).call(nb.randn([5, 3, 10]));
 */
export class GRU extends RNNBase<[input: Seq, hx?: Tensor | null, opts?: RNNForwardOptions], [Seq, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, opts: RNNBaseOptions = {}) {
    super('gru', inputSize, hiddenSize, opts);
  }

  override call<I extends Seq>(input: I, hx?: Tensor | null, opts?: RNNForwardOptions): [SequenceOf<I>, Tensor] {
    return super.call(input, hx, opts) as [SequenceOf<I>, Tensor];
  }

  forward<I extends Seq>(input: I, hx?: Tensor | null, opts?: RNNForwardOptions): [SequenceOf<I>, Tensor] {
    const { x, h0, batched, lengths, packed } = this.prepare(input, [hx], opts);
    const { out, states } = this.runLayers(x, h0, lengths);
    return [this.finishOutput(out, batched, packed) as SequenceOf<I>, batched ? states[0] : states[0].squeeze(1)];
  }

  /** One time step, as `RNN.step`. @example let h = null; for (const x of xs) [y, h] = gru.step(x, h); */
  step(x: Tensor, h?: Tensor | null): [Tensor, Tensor] {
    const r = this.stepLayers(x, [h]);
    return [r.y, r.states[0]];
  }
}
