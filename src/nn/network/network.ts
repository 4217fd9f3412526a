// neurons' network builder on nabla's engine: layers added one call at a time with inferred
// shapes, skip connections, loopbacks and feedback blocks, an objective and an optimizer, and
// `learn` / `predict`. Everything runs through nn.Module and autograd, so gradients through
// skips, loops and coupled weights are exact (up to the optional neurons-style scale).
import { noGrad } from '../../autograd/mode.js';
import { IndexError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { Optimizer } from '../../optim/optimizer.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';
import {
  accumulation,
  combine,
  combineAll,
  numelOf,
  scaleOf,
  tensorArg,
  toShape,
  type Accumulation,
  type ScaleFn,
  type Size2,
} from './common.js';
import { FeedbackBlock, type FeedbackOptions } from './feedback.js';
import {
  buildLayer,
  type BlockLayer,
  type ConvolutionOptions,
  type DeconvolutionOptions,
  type DenseOptions,
  type MaxpoolOptions,
  type UnitLayer,
} from './layers.js';
import { evaluate, learn, type Evaluation, type LearnHistory, type LearnOptions } from './learn.js';
import { Objective, type Head, type ObjectiveArg, type ObjectiveOptions } from './objective.js';
import { buildOptimizer, checkCovers, checkSpec, describeOptimizer, type OptimizerSpec } from './optimizer.js';

/** A layer of a network: a dense/convolution/deconvolution/maxpool layer or a feedback block. */
export type NetworkLayer = UnitLayer | FeedbackBlock;

/** Options of `Network.loopback`. */
export interface LoopbackOptions {
  /**
   * Multiplier of the looped layers' parameter gradients given the number of passes
   * (`iterations + 1`). Default exact (1); neurons' default is `(loops) => 1 / loops`.
   */
  scale?: ScaleFn;
  /** Merge the first pass's input of layer `into` into its input on every extra pass (default false). */
  inskips?: boolean;
  /** How the passes' outputs of layer `outOf` are merged (default: the network's loop accumulation). */
  accumulation?: Accumulation;
}

interface Loop {
  outOf: number;
  into: number;
  iterations: number;
  inskips: boolean;
  accumulation: Accumulation | null;
  scale: number;
}

/**
 * A feed-forward network built layer by layer, as neurons' `Network`: each builder method infers
 * its input shape from the previous output (flattening images before a dense layer, reading a
 * square vector as a one-channel image before a convolution) and returns `this`.
 * Samples are `[features]` or `[channels, height, width]`; batches add a leading dim.
 * Defaults as neurons: objective MSE, optimizer SGD with lr 0.1, skip accumulation `'add'`,
 * loop accumulation `'mean'`.
 *
 * Shape: input `[N, ...inputShape]`, output `[N, ...outputShape]`.
 * @example
 * const net = new nn.Network([4]).dense(50, { activation: 'relu' }).dense(3, { activation: 'softmax' });
 * net.setObjective('CE').setOptimizer({ name: 'Adam', lr: 0.01 });
 * const { trainLoss } = net.learn(x, y, { epochs: 50, batchSize: 16 });
 */
export class Network extends Module {
  /** The shape of one input sample. */
  readonly inputShape: readonly number[];
  layers: NetworkLayer[] = [];
  #skips: { from: number; into: number }[] = [];
  #loops: Loop[] = [];
  #skipAcc: Accumulation = 'add';
  #loopAcc: Accumulation = 'mean';
  #objective = new Objective('Network', 'MSE');
  #optimizer: Optimizer | OptimizerSpec = { name: 'SGD', lr: 0.1 };
  #built: Optimizer | null = null;

  constructor(inputShape: readonly number[]) {
    super();
    const ok =
      Array.isArray(inputShape) &&
      (inputShape.length === 1 || inputShape.length === 3) &&
      inputShape.every((n) => Number.isInteger(n) && n > 0);
    if (!ok) {
      throw new ShapeError(
        'Network',
        `expected an input shape [features] or [channels, height, width] of positive integers, got ${Array.isArray(inputShape) ? fmtShape(inputShape) : String(inputShape)}`,
      );
    }
    this.inputShape = [...inputShape];
  }

  /** The shape of one output sample (the input shape while there are no layers). */
  get outputShape(): readonly number[] {
    return this.layers.length ? this.layers[this.layers.length - 1].outShape : this.inputShape;
  }

  #add(op: string, spec: BlockLayer): this {
    this.layers.push(buildLayer(op, spec, this.outputShape));
    this.#built = null;
    return this;
  }

  /** Adds a fully connected layer (flattening an image input). @example net.dense(10, { activation: 'softmax' }) */
  dense(units: number, opts: DenseOptions = {}): this {
    return this.#add('Network.dense', { ...opts, dense: units });
  }

  /** Adds a 2-D convolution layer. @example net.convolution(8, 3, { padding: 1, activation: 'relu' }) */
  convolution(filters: number, kernel: Size2, opts: ConvolutionOptions = {}): this {
    return this.#add('Network.convolution', { ...opts, convolution: filters, kernel });
  }

  /** Adds a 2-D transposed convolution layer. @example net.deconvolution(1, 4, { stride: 2, padding: 1 }) */
  deconvolution(filters: number, kernel: Size2, opts: DeconvolutionOptions = {}): this {
    return this.#add('Network.deconvolution', { ...opts, deconvolution: filters, kernel });
  }

  /** Adds a max-pooling layer (stride defaults to the kernel). @example net.maxpool(2) */
  maxpool(kernel: Size2, stride?: Size2, opts: MaxpoolOptions = {}): this {
    return this.#add('Network.maxpool', { ...opts, maxpool: kernel, stride });
  }

  /**
   * Adds a feedback block: `layers` run `loops` times with coupled (shared) weights. The block's
   * output must hold as many values as its input.
   * @example net.feedback([{ convolution: 8, kernel: 3, padding: 1, activation: 'relu' }], 2, { inskips: true })
   */
  feedback(layers: readonly BlockLayer[], loops: number, opts: FeedbackOptions = {}): this {
    const op = 'Network.feedback';
    const block = new FeedbackBlock(op, this.outputShape, layers, loops, {
      inskips: opts.inskips ?? false,
      outskips: opts.outskips ?? false,
      accumulation: accumulation(op, opts.accumulation, 'mean'),
      scale: opts.scale,
    });
    scaleOf(op, opts.scale, loops);
    this.layers.push(block);
    this.#built = null;
    this.#refreshScales();
    return this;
  }

  #index(op: string, name: string, i: number, max: number): number {
    if (!Number.isInteger(i) || i < 0 || i > max) {
      throw new IndexError(op, `expected ${name} to be a layer index in [0, ${max}], got ${i}`);
    }
    return i;
  }

  /**
   * Skip connection (neurons' `connect`): the input of layer `from` (0 is the network input) is
   * merged, with the skip accumulation, into the input of layer `into` > `from`, reshaped when the
   * number of values per sample agrees.
   * @example new nn.Network([1, 14, 14]).convolution(4, 3, { padding: 1 }).convolution(1, 3, { padding: 1 }).connect(0, 1)
   */
  connect(from: number, into: number): this {
    const op = 'Network.connect';
    const n = this.layers.length;
    this.#index(op, 'into', into, n - 1);
    this.#index(op, 'from', from, into - 1);
    if (this.#skips.some((s) => s.from === from && s.into === into)) {
      throw new ValueError(op, `expected a new connection, got ${from} -> ${into} twice`);
    }
    const src = this.layers[from].inShape;
    const dst = this.layers[into].inShape;
    if (numelOf(src) !== numelOf(dst)) {
      throw new ShapeError(
        op,
        `expected the input of layer ${from} ${fmtShape(src)} to match the input of layer ${into} ${fmtShape(dst)}, got ${numelOf(src)} and ${numelOf(dst)} values per sample`,
        [src, dst],
      );
    }
    this.#skips.push({ from, into });
    return this;
  }

  /**
   * Loopback (neurons' `loopback`): after layer `outOf`, layers `into..outOf` run `iterations`
   * more times, each pass fed the previous pass's output of `outOf`; the passes' outputs are
   * merged with the loop accumulation and passed on. Loops may not overlap.
   * @example net.loopback(2, 1, 2, { inskips: true })
   */
  loopback(outOf: number, into: number, iterations: number, opts: LoopbackOptions = {}): this {
    const op = 'Network.loopback';
    this.#index(op, 'outOf', outOf, this.layers.length - 1);
    this.#index(op, 'into', into, outOf);
    if (!Number.isInteger(iterations) || iterations < 1) {
      throw new ValueError(op, `expected iterations to be a positive integer, got ${iterations}`);
    }
    const clash = this.#loops.find((l) => l.into <= outOf && into <= l.outOf);
    if (clash) {
      throw new ValueError(
        op,
        `expected loops not to overlap, got ${into}..${outOf} over ${clash.into}..${clash.outOf}`,
      );
    }
    const out = this.layers[outOf].outShape;
    const inp = this.layers[into].inShape;
    if (numelOf(out) !== numelOf(inp)) {
      throw new ShapeError(
        op,
        `expected the output of layer ${outOf} ${fmtShape(out)} to fit the input of layer ${into} ${fmtShape(inp)}, got ${numelOf(out)} and ${numelOf(inp)} values per sample`,
        [out, inp],
      );
    }
    const acc = opts.accumulation === undefined ? null : accumulation(op, opts.accumulation, 'mean');
    const scale = scaleOf(op, opts.scale, iterations + 1);
    this.#loops.push({ outOf, into, iterations, inskips: opts.inskips ?? false, accumulation: acc, scale });
    this.#refreshScales();
    return this;
  }

  /** Sets how skips and loops merge values (neurons' `set_accumulation`). @example net.setAccumulation({ skips: 'mean' }) */
  setAccumulation(opts: { skips?: Accumulation; loops?: Accumulation }): this {
    this.#skipAcc = accumulation('Network.setAccumulation', opts.skips, this.#skipAcc);
    this.#loopAcc = accumulation('Network.setAccumulation', opts.loops, this.#loopAcc);
    return this;
  }

  /**
   * Sets the objective: `'CE' | 'MSE' | 'MAE' | 'RMSE' | 'BCE' | 'KLD' | 'AE'`, a loss module or
   * a function, averaged over the batch. With a softmax (sigmoid) last layer, CE and KLD (BCE)
   * are computed from its pre-activation, stably; the output stays probabilities.
   * @example net.setObjective('CE', { clamp: [-1, 1] })
   */
  setObjective(loss: ObjectiveArg, opts: ObjectiveOptions = {}): this {
    this.#objective = new Objective('Network.setObjective', loss, opts);
    return this;
  }

  /**
   * Sets the optimizer: an `optim` instance over this network's parameters, or a description
   * built over them when training starts (so it survives `.double()` and later layers).
   * @example net.setOptimizer({ name: 'RMSprop', lr: 1e-3, centered: true })
   */
  setOptimizer(opt: Optimizer | OptimizerSpec): this {
    if (!(opt instanceof Optimizer)) checkSpec('Network.setOptimizer', opt);
    this.#optimizer = opt;
    this.#built = null;
    return this;
  }

  /** The objective in use. */
  get objective(): Objective {
    return this.#objective;
  }

  /** The optimizer `learn` steps (built from a description on first use). */
  get optimizer(): Optimizer {
    const op = 'Network.optimizer';
    const params = this.parameters();
    if (this.#optimizer instanceof Optimizer) {
      checkCovers(op, this.#optimizer, params);
      return this.#optimizer;
    }
    if (this.#built === null || !params.every((p) => this.#built!.paramGroups[0].params.includes(p))) {
      this.#built = buildOptimizer(op, this.#optimizer, params);
    }
    return this.#built;
  }

  #refreshScales(): void {
    this.layers.forEach((l, i) => {
      const loop = this.#loops.find((lp) => lp.into <= i && i <= lp.outOf);
      const s = loop ? loop.scale : 1;
      if (l instanceof FeedbackBlock) l.setGradScale(s * scaleOf('Network', l.scaleFn, l.loops));
      else l.gradScale = s;
    });
  }

  #input(op: string, x: Tensor): Tensor {
    tensorArg(op, 'input', x);
    if (this.layers.length === 0) throw new ValueError(op, 'expected a network with at least one layer, got none');
    const per = x.shape.slice(1);
    if (x.ndim >= 1 && numelOf(per) === numelOf(this.inputShape)) return toShape(x, this.inputShape);
    throw new ShapeError(op, `expected input of shape [N, ${this.inputShape.join(', ')}], got ${fmtShape(x.shape)}`, [
      x.shape,
    ]);
  }

  // Runs layer j on `x`: reshape to its input shape, merge the loop's inskip and the skips into
  // it, record the input, run.
  #step(j: number, x: Tensor, inputs: Tensor[], inskip: Tensor | null): { pre: Tensor | null; out: Tensor } {
    const layer = this.layers[j];
    let inp = toShape(x, layer.inShape);
    if (inskip !== null) inp = combine(this.#skipAcc, inp, inskip);
    for (const s of this.#skips)
      if (s.into === j) inp = combine(this.#skipAcc, inp, toShape(inputs[s.from], layer.inShape));
    inputs[j] = inp;
    return layer.run(inp);
  }

  /**
   * The output and, when the last layer's output is exactly its activation of a pre-activation
   * (no dropout in effect, not closing a loop), that pre-activation, for stable losses.
   */
  forwardHead(x: Tensor): Head {
    const op = 'Network.forward';
    let cur = this.#input(op, x);
    const inputs: Tensor[] = [];
    let pre: Tensor | null = null;
    for (let i = 0; i < this.layers.length; i++) {
      ({ pre, out: cur } = this.#step(i, cur, inputs, null));
      const loop = this.#loops.find((l) => l.outOf === i);
      if (!loop) continue;
      const first = inputs[loop.into];
      const passes = [cur];
      for (let k = 0; k < loop.iterations; k++) {
        for (let j = loop.into; j <= i; j++) {
          cur = this.#step(j, cur, inputs, j === loop.into && loop.inskips ? first : null).out;
        }
        passes.push(cur);
      }
      cur = combineAll(loop.accumulation ?? this.#loopAcc, passes);
      pre = null;
    }
    const last = this.layers[this.layers.length - 1];
    const usable = !(last instanceof FeedbackBlock) && (last.dropoutP === 0 || !last.training);
    return { out: cur, pre: usable ? pre : null, act: last instanceof FeedbackBlock ? 'feedback' : last.act.name };
  }

  /** The network's output for a batch `[N, ...inputShape]`. */
  forward(x: Tensor): Tensor {
    return this.forwardHead(x).out;
  }

  /** The objective's loss of a batch (differentiable). @example net.loss(x, y).backward() */
  loss(x: Tensor, y: Tensor): Tensor {
    return this.#objective.loss(this.forwardHead(x), tensorArg('Network.loss', 'target', y));
  }

  /**
   * Trains with the optimizer on `(x, y)` in shuffled mini-batches, one optimizer step per batch
   * on the batch-mean loss; see `LearnOptions`. Returns the per-epoch curves.
   * @example const h = net.learn(x, y, { epochs: 20, batchSize: 16, validation: 0.2, patience: 3 });
   */
  learn(x: Tensor, y: Tensor, opts: LearnOptions = {}): LearnHistory {
    return learn(this, x, y, opts);
  }

  /** Loss and accuracy on `(x, y)` in eval mode without gradients (neurons' `validate`). */
  evaluate(x: Tensor, y: Tensor, opts: { batchSize?: number; tolerance?: number } = {}): Evaluation {
    return evaluate(this, x, y, opts);
  }

  /**
   * Outputs for a batch, or for one sample shaped `inputShape`, in eval mode without gradients.
   * @example net.predict(nb.tensor([5.1, 3.5, 1.4, 0.2])) // [3] class probabilities
   */
  predict(x: Tensor): Tensor {
    tensorArg('Network.predict', 'input', x);
    const single = x.ndim === this.inputShape.length && numelOf(x.shape) === numelOf(this.inputShape);
    const was = this.training;
    this.eval();
    try {
      const out = noGrad(() => this.forward(single ? x.unsqueeze(0) : x));
      return single ? out.squeeze(0) : out;
    } finally {
      this.train(was);
    }
  }

  /** The layers with their shapes, the connections, loops, objective, optimizer and parameter count. */
  override toString(): string {
    const lines = ['Network(', `  input: ${fmtShape(this.inputShape)}`, '  layers: ('];
    this.layers.forEach((l, i) => lines.push(`    ${i}: ${l.describe().split('\n').join('\n    ')}`));
    lines.push('  )');
    if (this.#skips.length) {
      lines.push(`  connections: (accumulation=${this.#skipAcc}`);
      for (const s of this.#skips) lines.push(`    ${s.from}.input -> ${s.into}.input`);
      lines.push('  )');
    }
    if (this.#loops.length) {
      lines.push(`  loops: (accumulation=${this.#loopAcc}`);
      for (const l of this.#loops) {
        const extra = [`iterations=${l.iterations}`];
        if (l.inskips) extra.push('inskips');
        if (l.accumulation) extra.push(`accumulation=${l.accumulation}`);
        if (l.scale !== 1) extra.push(`gradient scale=${Number(l.scale.toPrecision(4))}`);
        lines.push(`    ${l.outOf}.output -> ${l.into}.input, ${extra.join(', ')}`);
      }
      lines.push('  )');
    }
    const total = this.parameters().reduce((s, p) => s + p.numel(), 0);
    lines.push(`  objective: ${this.#objective}`);
    lines.push(`  optimizer: ${describeOptimizer(this.#optimizer)}`);
    lines.push(`  parameters: ${total.toLocaleString('en-US')}`, ')');
    return lines.join('\n');
  }
}
