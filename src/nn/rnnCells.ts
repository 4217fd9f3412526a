// RNNCell, LSTMCell, GRUCell: one time step with PyTorch's parameter names and layouts, each
// step's gate math in one fused primitive (forward and backward).
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { gruCellPrim } from '../ops/prims/gruCell.js';
import { lstmCellPrim } from '../ops/prims/lstmCell.js';
import { rnnCellMath } from '../ops/prims/rnnMath.js';
import { empty, zeros } from '../tensor/create.js';
import type { DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { linear } from './functional/linear.js';
import { uniform_ } from './init.js';
import { checkSize } from './linear.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { pyBool, pyFloat } from './repr.js';
import { checkGateOptions, fillForgetBias, toTorchGates, type GateOrder, type LSTMGateOptions } from './rnnGates.js';

/**
 * One Elman step: h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh), act = tanh or relu.
 * @example const h1 = nn.rnnCellStep(x, h0, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh);
 */
export function rnnCellStep(
  x: Tensor,
  h: Tensor,
  wIh: Tensor,
  wHh: Tensor,
  bIh: Tensor | null,
  bHh: Tensor | null,
  nonlinearity: 'tanh' | 'relu' = 'tanh',
): Tensor {
  return rnnCellMath(linear(x, wIh, bIh), linear(h, wHh, bHh), nonlinearity === 'relu');
}

/**
 * One LSTM step (gates i, f, g, o): with z = x W_ih^T + b_ih + h W_hh^T + b_hh split in four,
 * c' = sigmoid(z_f) c + sigmoid(z_i) tanh(z_g), h' = sigmoid(z_o) tanh(c'). Returns `[h', c']`.
 * @example const [h1, c1] = nn.lstmCellStep(x, h0, c0, cell.weight_ih, cell.weight_hh, null, null);
 */
export function lstmCellStep(
  x: Tensor,
  h: Tensor,
  c: Tensor,
  wIh: Tensor,
  wHh: Tensor,
  bIh: Tensor | null,
  bHh: Tensor | null,
): [Tensor, Tensor] {
  const H = c.shape[1];
  const hc = lstmCellPrim(linear(x, wIh, bIh), linear(h, wHh, bHh), c);
  return [hc.narrow(1, 0, H), hc.narrow(1, H, H)];
}

/**
 * One GRU step (gates r, z, n): r = sigmoid(W_ir x + b_ir + W_hr h + b_hr), z likewise,
 * n = tanh(W_in x + b_in + r (W_hn h + b_hn)), h' = (1 - z) n + z h.
 * @example const h1 = nn.gruCellStep(x, h0, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh);
 */
export function gruCellStep(
  x: Tensor,
  h: Tensor,
  wIh: Tensor,
  wHh: Tensor,
  bIh: Tensor | null,
  bHh: Tensor | null,
): Tensor {
  return gruCellPrim(linear(x, wIh, bIh), linear(h, wHh, bHh), h);
}

/** Options of the cells. */
export interface RNNCellOptions {
  /** Learn `bias_ih` and `bias_hh`. Default true. */
  bias?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
}

// Parameters weight_ih [G*H, in], weight_hh [G*H, H], bias_ih, bias_hh [G*H], U(-1/sqrt(H), 1/sqrt(H)).
abstract class CellBase<In extends unknown[], Out> extends Module<In, Out> {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;
  /** LSTMCell only: the parameters' gate order and the forget-bias initialization. */
  protected readonly lstmGates: { gateOrder: GateOrder; forgetBias: number | null };

  constructor(gates: number, inputSize: number, hiddenSize: number, opts: RNNCellOptions & LSTMGateOptions) {
    super();
    const name = this.constructor.name;
    this.inputSize = checkSize(name, 'inputSize', inputSize);
    this.hiddenSize = checkSize(name, 'hiddenSize', hiddenSize);
    this.bias = opts.bias ?? true;
    this.lstmGates = gates === 4 ? checkGateOptions(name, opts, this.bias) : { gateOrder: 'ifgo', forgetBias: null };
    const dtype = opts.dtype ?? 'float32';
    const p = (...shape: number[]) => new Parameter(empty(shape, { dtype }));
    this.weight_ih = p(gates * hiddenSize, inputSize);
    this.weight_hh = p(gates * hiddenSize, hiddenSize);
    this.bias_ih = this.bias ? p(gates * hiddenSize) : null;
    this.bias_hh = this.bias ? p(gates * hiddenSize) : null;
    this.resetParameters();
  }

  /** Draws fresh weights: every parameter U(-1/sqrt(H), 1/sqrt(H)), as PyTorch (then `forgetBias`). */
  resetParameters(): void {
    const k = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const p of this.parameters()) uniform_(p, -k, k);
    const { gateOrder, forgetBias } = this.lstmGates;
    if (forgetBias !== null) fillForgetBias(this.bias_ih!, this.bias_hh!, gateOrder, forgetBias);
  }

  // Checks input `[B, F]` or `[F]` and the states (`[B, H]` or `[H]`, zeros when absent);
  // returns them batched.
  protected prepare(input: Tensor, states: readonly (Tensor | null | undefined)[], count: number) {
    const name = this.constructor.name;
    if (!(input instanceof Tensor)) throw new ValueError(name, `expected input to be a Tensor, got ${typeof input}`);
    if (input.ndim !== 1 && input.ndim !== 2) {
      throw new ShapeError(
        name,
        `expected input to be 1-D or 2-D (${name}: Expected input to be 1-D or 2-D but received ${input.ndim}-D tensor), got ${fmtShape(input.shape)}`,
        [input.shape],
      );
    }
    const dtype = this.weight_ih.dtype;
    if (input.dtype !== dtype)
      throw new DTypeError(name, `expected input of dtype ${dtype} (the parameters' dtype), got ${input.dtype}`);
    const batched = input.ndim === 2;
    const x = batched ? input : input.unsqueeze(0);
    const [B, F] = x.shape;
    if (F !== this.inputSize) {
      throw new ShapeError(
        name,
        `expected input of size ${this.inputSize} (input has inconsistent input_size: got ${F} expected ${this.inputSize}), got ${fmtShape(input.shape)}`,
        [input.shape],
      );
    }
    const hs: Tensor[] = [];
    for (let i = 0; i < count; i++) {
      const h = states[i];
      if (h === null || h === undefined) {
        hs.push(zeros([B, this.hiddenSize], { dtype }));
        continue;
      }
      if (!(h instanceof Tensor)) throw new ValueError(name, `expected hidden${i} to be a Tensor, got ${typeof h}`);
      if (h.ndim !== input.ndim) {
        throw new ShapeError(
          name,
          `expected a ${input.ndim}-D hidden${i} for a ${input.ndim}-D input, got ${fmtShape(h.shape)}`,
          [h.shape],
        );
      }
      const hb = batched ? h : h.unsqueeze(0);
      if (hb.shape[0] !== B) {
        throw new ShapeError(
          name,
          `expected hidden${i} batch size ${B} (Input batch size ${B} doesn't match hidden${i} batch size ${hb.shape[0]}), got ${fmtShape(h.shape)}`,
          [h.shape],
        );
      }
      if (hb.shape[1] !== this.hiddenSize) {
        throw new ShapeError(
          name,
          `expected hidden${i} of size ${this.hiddenSize} (hidden${i} has inconsistent hidden_size: got ${hb.shape[1]}, expected ${this.hiddenSize}), got ${fmtShape(h.shape)}`,
          [h.shape],
        );
      }
      if (h.dtype !== dtype) throw new DTypeError(name, `expected hidden${i} of dtype ${dtype}, got ${h.dtype}`);
      hs.push(hb);
    }
    return { x, hs, unbatch: (t: Tensor) => (batched ? t : t.squeeze(0)) };
  }

  override extraRepr(): string {
    const { gateOrder, forgetBias } = this.lstmGates;
    return (
      `${this.inputSize}, ${this.hiddenSize}${this.bias ? '' : `, bias=${pyBool(false)}`}` +
      (gateOrder === 'ifgo' ? '' : `, gate_order='${gateOrder}'`) +
      (forgetBias === null ? '' : `, forget_bias=${pyFloat(forgetBias)}`)
    );
  }
}

/**
 * An Elman RNN cell (PyTorch's `RNNCell`): h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh), or
 * relu with `nonlinearity: 'relu'`. `h` defaults to zeros.
 *
 * Shape: input `[B, in]` or `[in]`, h `[B, H]` or `[H]`, output like h.
 * @example
 * const cell = new nn.RNNCell(10, 20);
 * let h = nb.zeros([3, 20]);
 * for (const x of nb.unbind(nb.randn([6, 3, 10]))) h = cell.call(x, h);
 */
export class RNNCell extends CellBase<[input: Tensor, hx?: Tensor | null], Tensor> {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptions & { nonlinearity?: 'tanh' | 'relu' } = {}) {
    super(1, inputSize, hiddenSize, opts);
    this.nonlinearity = checkNonlinearity('RNNCell', opts.nonlinearity ?? 'tanh');
  }

  forward(input: Tensor, hx?: Tensor | null): Tensor {
    const { x, hs, unbatch } = this.prepare(input, [hx], 1);
    return unbatch(
      rnnCellStep(x, hs[0], this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh, this.nonlinearity),
    );
  }

  override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity === 'tanh' ? '' : `, nonlinearity=${this.nonlinearity}`);
  }
}

/** Options of `LSTMCell` (with `gateOrder: 'figo'` and `forgetBias: 1`, nbml's layout and init). */
export interface LSTMCellOptions extends RNNCellOptions, LSTMGateOptions {}

/**
 * A long short-term memory cell (PyTorch's `LSTMCell`, gates i, f, g, o, or nbml's f, i, g, o
 * with `gateOrder: 'figo'`): i, f, o = sigmoid(.), g = tanh(.) of
 * x W_ih^T + b_ih + h W_hh^T + b_hh; c' = f c + i g; h' = o tanh(c'). Returns `[h', c']`; the
 * states default to zeros.
 * @see https://pytorch.org/docs/stable/generated/torch.nn.LSTMCell.html
 *
 * Shape: input `[B, in]` or `[in]`, h and c `[B, H]` or `[H]`.
 * @example
 * const cell = new nn.LSTMCell(10, 20);
 * const [h, c] = cell.call(nb.randn([3, 10]));
 * const nbmlCell = new nn.LSTMCell(10, 20, { gateOrder: 'figo', forgetBias: 1 });
 */
export class LSTMCell extends CellBase<[input: Tensor, hx?: readonly [Tensor, Tensor] | null], [Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, opts: LSTMCellOptions = {}) {
    super(4, inputSize, hiddenSize, opts);
  }

  /** Row-block order of the gate parameters: `'ifgo'` (PyTorch) or `'figo'` (nbml). */
  get gateOrder(): GateOrder {
    return this.lstmGates.gateOrder;
  }

  /** The forget-gate bias initialization, or null for PyTorch's. */
  get forgetBias(): number | null {
    return this.lstmGates.forgetBias;
  }

  forward(input: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, Tensor] {
    const { x, hs, unbatch } = this.prepare(input, hx ?? [], 2);
    const o = this.lstmGates.gateOrder;
    const [wIh, wHh, bIh, bHh] = [this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh].map((w) =>
      toTorchGates(w, o),
    );
    const [h, c] = lstmCellStep(x, hs[0], hs[1], wIh!, wHh!, bIh, bHh);
    return [unbatch(h), unbatch(c)];
  }
}

/**
 * A gated recurrent unit cell (PyTorch's `GRUCell`, gates r, z, n):
 * r = sigmoid(W_ir x + b_ir + W_hr h + b_hr), z = sigmoid(W_iz x + b_iz + W_hz h + b_hz),
 * n = tanh(W_in x + b_in + r (W_hn h + b_hn)), h' = (1 - z) n + z h.
 * @see https://pytorch.org/docs/stable/generated/torch.nn.GRUCell.html
 *
 * Shape: input `[B, in]` or `[in]`, h `[B, H]` or `[H]`, output like h.
 * @example const h = new nn.GRUCell(10, 20).call(nb.randn([3, 10]));
 */
export class GRUCell extends CellBase<[input: Tensor, hx?: Tensor | null], Tensor> {
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptions = {}) {
    super(3, inputSize, hiddenSize, opts);
  }

  forward(input: Tensor, hx?: Tensor | null): Tensor {
    const { x, hs, unbatch } = this.prepare(input, [hx], 1);
    return unbatch(gruCellStep(x, hs[0], this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh));
  }
}

/** Throws PyTorch's error for a nonlinearity other than tanh or relu. */
export function checkNonlinearity(op: string, v: string): 'tanh' | 'relu' {
  if (v !== 'tanh' && v !== 'relu') {
    throw new ValueError(
      op,
      `expected nonlinearity 'tanh' or 'relu' (Unknown nonlinearity '${v}'. Select from 'tanh' or 'relu'.), got '${v}'`,
    );
  }
  return v;
}
