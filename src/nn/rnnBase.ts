// The machinery shared by RNN, LSTM and GRU: PyTorch's parameters (names, shapes, order, init)
// and the layer/direction loop around the fused layer primitive.
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { cat, stack } from '../ops/shape.js';
import { rnnLayerComposite, rnnLayerPrim, unpackLayer, type RnnLayerConfig } from '../ops/prims/rnnLayer.js';
import { gateCount, type CellMode } from '../ops/prims/rnnLoop.js';
import { empty } from '../tensor/create.js';
import type { DType } from '../tensor/dtype.js';
import { Tensor, fromArray } from '../tensor/tensor.js';
import { dropout as dropoutFn } from './functional/dropout.js';
import { linear } from './functional/linear.js';
import { uniform_ } from './init.js';
import { checkSize } from './linear.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { pyBool, pyFloat } from './repr.js';
import { checkRecurrentCall, type RNNForwardOptions } from './rnnArgs.js';
import { gruCellStep, lstmCellStep, rnnCellStep } from './rnnCells.js';
import { PackedSequence, padPackedSequence } from './rnnPacked.js';
import { checkGateOptions, fillForgetBias, toTorchGates, type GateOrder, type LSTMGateOptions } from './rnnGates.js';

export type { RNNForwardOptions } from './rnnArgs.js';

/** What a recurrent module returns as its output for input `I`: a packed batch for a packed one. */
export type SequenceOf<I> = I extends PackedSequence ? PackedSequence : Tensor;

/** Options shared by `RNN`, `LSTM` and `GRU` (PyTorch's defaults). */
export interface RNNBaseOptions {
  /** Stacked recurrent layers; layer k > 0 reads layer k - 1's output. Default 1. */
  numLayers?: number;
  /** Learn the biases `b_ih` and `b_hh`. Default true. */
  bias?: boolean;
  /** Input and output are `[B, T, *]` instead of `[T, B, *]` (states keep `[L*D, B, *]`). Default false. */
  batchFirst?: boolean;
  /** Dropout on every layer's output except the last's, in train mode. Default 0. */
  dropout?: number;
  /** Add a layer running from the last step to the first; outputs are joined. Default false. */
  bidirectional?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
}

let fusedLayers = true;

/**
 * Runs recurrent layers with the fused layer primitive (default) or with the cell formulas as
 * ordinary ops (for benchmarks and tests of the fusion); returns the previous setting.
 */
export function setRnnFusion(on: boolean): boolean {
  const prev = fusedLayers;
  fusedLayers = on;
  return prev;
}

/**
 * The common base of `RNN`, `LSTM` and `GRU`. Parameters per layer k and direction (suffix
 * `_reverse`): `weight_ih_l{k}` `[G*H, in_k]`, `weight_hh_l{k}` `[G*H, Ho]`, `bias_ih_l{k}`,
 * `bias_hh_l{k}` `[G*H]` and, for an LSTM with a projection, `weight_hr_l{k}` `[Ho, H]`, where G
 * is the number of gates, Ho = projSize or H, and in_k = inputSize for k = 0, else D*Ho. All
 * start U(-1/sqrt(H), 1/sqrt(H)).
 */
export abstract class RNNBase<In extends unknown[], Out> extends Module<In, Out> {
  readonly mode: CellMode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly projSize: number;
  /** LSTM only: the parameters' gate order and the forget-bias initialization. */
  protected readonly lstmGates: { gateOrder: GateOrder; forgetBias: number | null };

  constructor(
    mode: CellMode,
    inputSize: number,
    hiddenSize: number,
    opts: RNNBaseOptions & LSTMGateOptions & { projSize?: number },
  ) {
    super();
    const name = this.constructor.name;
    this.mode = mode;
    this.inputSize = checkSize(name, 'inputSize', inputSize);
    if (!Number.isInteger(hiddenSize) || hiddenSize <= 0) {
      throw new ValueError(name, `expected hiddenSize > 0 (hidden_size must be greater than zero), got ${hiddenSize}`);
    }
    this.hiddenSize = hiddenSize;
    this.numLayers = opts.numLayers ?? 1;
    if (!Number.isInteger(this.numLayers) || this.numLayers <= 0) {
      throw new ValueError(
        name,
        `expected numLayers > 0 (num_layers must be greater than zero), got ${this.numLayers}`,
      );
    }
    this.bias = opts.bias ?? true;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = opts.dropout ?? 0;
    if (typeof this.dropout !== 'number' || !(this.dropout >= 0 && this.dropout <= 1)) {
      throw new ValueError(
        name,
        `expected dropout in [0, 1] (dropout should be a number in range [0, 1] representing the probability of an element being zeroed), got ${String(this.dropout)}`,
      );
    }
    this.bidirectional = opts.bidirectional ?? false;
    this.projSize = opts.projSize ?? 0;
    if (!Number.isInteger(this.projSize) || this.projSize < 0) {
      throw new ValueError(
        name,
        `expected projSize >= 0 (proj_size should be a positive integer or zero to disable projections), got ${this.projSize}`,
      );
    }
    if (this.projSize >= hiddenSize) {
      throw new ValueError(
        name,
        `expected projSize < hiddenSize (proj_size has to be smaller than hidden_size), got ${this.projSize}`,
      );
    }
    this.lstmGates =
      mode === 'lstm' ? checkGateOptions(name, opts, this.bias) : { gateOrder: 'ifgo', forgetBias: null };
    const dtype = opts.dtype ?? 'float32';
    const G = gateCount(mode) * hiddenSize;
    const Ho = this.projSize || hiddenSize;
    const D = this.bidirectional ? 2 : 1;
    for (let l = 0; l < this.numLayers; l++) {
      const inSize = l === 0 ? inputSize : Ho * D;
      for (let dir = 0; dir < D; dir++) {
        const sfx = `_l${l}${dir === 1 ? '_reverse' : ''}`;
        const p = (...shape: number[]) => new Parameter(empty(shape, { dtype }));
        this.registerParameter(`weight_ih${sfx}`, p(G, inSize));
        this.registerParameter(`weight_hh${sfx}`, p(G, Ho));
        if (this.bias) {
          this.registerParameter(`bias_ih${sfx}`, p(G));
          this.registerParameter(`bias_hh${sfx}`, p(G));
        }
        if (this.projSize > 0) this.registerParameter(`weight_hr${sfx}`, p(this.projSize, hiddenSize));
      }
    }
    this.resetParameters();
  }

  /**
   * Draws fresh weights: every parameter U(-1/sqrt(H), 1/sqrt(H)), as PyTorch; then, for an
   * LSTM with `forgetBias`, the forget-gate biases (see `LSTMGateOptions`).
   */
  resetParameters(): void {
    const k = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform_(p, -k, k);
    const { gateOrder, forgetBias } = this.lstmGates;
    if (forgetBias === null) return;
    for (let l = 0; l < this.numLayers; l++) {
      for (let dir = 0; dir < (this.bidirectional ? 2 : 1); dir++) {
        const sfx = `_l${l}${dir === 1 ? '_reverse' : ''}`;
        fillForgetBias(this.param(`bias_ih${sfx}`)!, this.param(`bias_hh${sfx}`)!, gateOrder, forgetBias);
      }
    }
  }

  /** Size of h: projSize when set, else hiddenSize. */
  get outputSize(): number {
    return this.projSize || this.hiddenSize;
  }

  /** The parameter named `name` (looked up each time: `to()` replaces parameters). */
  protected param(name: string): Tensor | null {
    const v = (this as unknown as Record<string, unknown>)[name];
    return v instanceof Tensor ? v : null;
  }

  /** The weights of layer `l`, direction `dir` (0 forward, 1 reverse), gates in PyTorch's order. */
  protected layerWeights(l: number, dir: number) {
    const sfx = `_l${l}${dir === 1 ? '_reverse' : ''}`;
    const order = this.lstmGates.gateOrder;
    return {
      wIh: toTorchGates(this.param(`weight_ih${sfx}`)!, order),
      wHh: toTorchGates(this.param(`weight_hh${sfx}`)!, order),
      bIh: toTorchGates(this.param(`bias_ih${sfx}`), order),
      bHh: toTorchGates(this.param(`bias_hh${sfx}`), order),
      wHr: this.param(`weight_hr${sfx}`),
    };
  }

  /** The parameters' dtype. */
  protected get paramDType(): DType {
    return this.param('weight_ih_l0')!.dtype;
  }

  /**
   * Checks and normalizes a call (see `checkRecurrentCall`). A packed input runs as its padded
   * batch (original order) with its lengths, so states stay in the caller's batch order, as
   * PyTorch's hx and h_n do.
   */
  protected prepare(
    input: Tensor | PackedSequence,
    states: readonly (Tensor | null | undefined)[],
    opts: RNNForwardOptions | undefined,
  ) {
    if (!(input instanceof PackedSequence)) {
      return { ...checkRecurrentCall(this, this.paramDType, input, states, opts), packed: null };
    }
    const name = this.constructor.name;
    if (opts?.lengths !== undefined && opts.lengths !== null) {
      throw new ValueError(name, 'expected lengths or a PackedSequence input (it carries its lengths), got both');
    }
    if (input.data.ndim !== 2) {
      throw new ShapeError(
        name,
        `expected packed data of shape [N, ${this.inputSize}], got ${fmtShape(input.data.shape)}`,
        [input.data.shape],
      );
    }
    const [padded, lengths] = padPackedSequence(input, { batchFirst: this.batchFirst });
    return { ...checkRecurrentCall(this, this.paramDType, padded, states, { lengths }), packed: input };
  }

  /**
   * All layers over `x: [T, B, F]` with initial states `h0` (`[L*D, B, *]`, c0 second for an
   * LSTM): returns the last layer's output `[T, B, D*Ho]` and the final states `[L*D, B, *]`.
   */
  protected runLayers(x: Tensor, h0: readonly Tensor[], lengths: Int32Array | null): { out: Tensor; states: Tensor[] } {
    const [T, B] = x.shape;
    const D = this.bidirectional ? 2 : 1;
    const lstm = this.mode === 'lstm';
    const hN: Tensor[] = [];
    const cN: Tensor[] = [];
    let layerIn = x;
    for (let l = 0; l < this.numLayers; l++) {
      const outs: Tensor[] = [];
      for (let dir = 0; dir < D; dir++) {
        const w = this.layerWeights(l, dir);
        const xp = linear(layerIn, w.wIh, w.bIh);
        const cfg: RnnLayerConfig = { mode: this.mode, reverse: dir === 1, lengths };
        const layer = fusedLayers ? rnnLayerPrim : rnnLayerComposite;
        const i = l * D + dir;
        const packed = layer(cfg, xp, w.wHh, w.bHh, h0[0].select(0, i), lstm ? h0[1].select(0, i) : null, w.wHr);
        const r = unpackLayer(packed, T, B, this.outputSize, this.hiddenSize, lstm);
        outs.push(r.out);
        hN.push(r.hN);
        if (r.cN) cN.push(r.cN);
      }
      layerIn = D === 1 ? outs[0] : cat(outs, 2);
      if (this.dropout > 0 && this.training && l < this.numLayers - 1) layerIn = dropoutFn(layerIn, this.dropout);
    }
    return { out: layerIn, states: lstm ? [stack(hN), stack(cN)] : [stack(hN)] };
  }

  /**
   * One step of every layer for `x` (`[B, F]` or `[F]`) from `states` (`[L, B, *]` or `[L, *]`,
   * zeros when absent): returns the last layer's h and the new states, batched as given.
   */
  protected stepLayers(x: Tensor, states: readonly (Tensor | null | undefined)[]): { y: Tensor; states: Tensor[] } {
    const name = this.constructor.name;
    if (this.bidirectional) {
      throw new ValueError(
        `${name}.step`,
        'expected a unidirectional module (the reverse direction needs the whole sequence), got bidirectional=true',
      );
    }
    if (!(x instanceof Tensor) || (x.ndim !== 1 && x.ndim !== 2)) {
      const got = x instanceof Tensor ? `${x.ndim}-D input of shape ${fmtShape(x.shape)}` : typeof x;
      throw new ShapeError(`${name}.step`, `expected one step, [B, F] or [F], got ${got}`);
    }
    const seq = x.ndim === 2 ? x.unsqueeze(this.batchFirst ? 1 : 0) : x.unsqueeze(0);
    const { x: x3, h0, batched } = this.prepare(seq, states, undefined);
    let inp = x3.select(0, 0);
    const next: Tensor[][] = h0.map(() => []);
    for (let l = 0; l < this.numLayers; l++) {
      const w = this.layerWeights(l, 0);
      const h = h0[0].select(0, l);
      let hNew: Tensor;
      if (this.mode === 'lstm') {
        let c: Tensor;
        [hNew, c] = lstmCellStep(inp, h, h0[1].select(0, l), w.wIh, w.wHh, w.bIh, w.bHh);
        if (w.wHr) hNew = linear(hNew, w.wHr);
        next[1].push(c);
      } else if (this.mode === 'gru') hNew = gruCellStep(inp, h, w.wIh, w.wHh, w.bIh, w.bHh);
      else hNew = rnnCellStep(inp, h, w.wIh, w.wHh, w.bIh, w.bHh, this.mode);
      next[0].push(hNew);
      inp = hNew;
      if (this.dropout > 0 && this.training && l < this.numLayers - 1) inp = dropoutFn(inp, this.dropout);
    }
    const fix = (t: Tensor, dim: number) => (batched ? t : t.squeeze(dim));
    return { y: fix(inp, 0), states: next.map((hs) => fix(stack(hs), 1)) };
  }

  /** Output `[T, B, *]` back to the caller's layout, or packed like the packed input. */
  protected finishOutput(out: Tensor, batched: boolean, packed: PackedSequence | null): Tensor | PackedSequence {
    if (packed) {
      const [T, B, F] = out.shape;
      const rows = fromArray(packed.positions(), [packed.data.shape[0]], 'int32');
      return packed.withData(out.reshape([T * B, F]).indexSelect(0, rows));
    }
    return batched ? (this.batchFirst ? out.transpose(0, 1) : out) : out.squeeze(1);
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.projSize !== 0) s += `, proj_size=${this.projSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += `, bias=${pyBool(this.bias)}`;
    if (this.batchFirst) s += `, batch_first=${pyBool(this.batchFirst)}`;
    if (this.dropout !== 0) s += `, dropout=${pyFloat(this.dropout)}`;
    if (this.bidirectional) s += `, bidirectional=${pyBool(this.bidirectional)}`;
    if (this.lstmGates.gateOrder !== 'ifgo') s += `, gate_order='${this.lstmGates.gateOrder}'`;
    if (this.lstmGates.forgetBias !== null) s += `, forget_bias=${pyFloat(this.lstmGates.forgetBias)}`;
    return s;
  }
}
