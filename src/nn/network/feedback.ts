// A feedback block (neurons' `Feedback`): a few layers unrolled `loops` times with one set of
// weights. neurons keeps a copy per unroll, steps each with its own optimizer and then merges
// them; calling the same modules again makes the weights coupled by construction, and autograd
// gives their exact gradient, the sum over the unrolled copies (times `scale(loops)`).
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';
import { combine, combineAll, numelOf, scaleOf, toShape, type Accumulation } from './common.js';
import { buildLayer, type BlockLayer, type UnitLayer } from './layers.js';

/** Options of `Network.feedback`. */
export interface FeedbackOptions {
  /** Merge the block's input into the input of every unrolled copy after the first (default false). */
  inskips?: boolean;
  /** Merge the outputs of all copies into the block's output instead of taking the last (default false). */
  outskips?: boolean;
  /** How `inskips` and `outskips` merge values (default `'mean'`, neurons' loop default). */
  accumulation?: Accumulation;
  /**
   * Multiplier of the coupled parameters' gradients given the number of loops; default exact
   * (1). neurons' averaging of the copies corresponds to `(loops) => 1 / loops`.
   */
  scale?: (loops: number) => number;
}

/** The layers of a feedback block run `loops` times, each copy sharing the same parameters. */
export class FeedbackBlock extends Module {
  readonly kind = 'Feedback';
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  readonly loops: number;
  readonly inskips: boolean;
  readonly outskips: boolean;
  readonly accumulation: Accumulation;
  readonly scaleFn: ((loops: number) => number) | undefined;
  layers: UnitLayer[];

  constructor(
    op: string,
    inShape: readonly number[],
    specs: readonly BlockLayer[],
    loops: number,
    o: Required<Pick<FeedbackOptions, 'inskips' | 'outskips' | 'accumulation'>> & Pick<FeedbackOptions, 'scale'>,
  ) {
    super();
    if (!Array.isArray(specs) || specs.length === 0) {
      throw new ValueError(
        op,
        `expected a non-empty array of layers, got ${Array.isArray(specs) ? '[]' : String(specs)}`,
      );
    }
    if (!Number.isInteger(loops) || loops < 1)
      throw new ValueError(op, `expected loops to be a positive integer, got ${loops}`);
    const layers: UnitLayer[] = [];
    let shape = inShape;
    specs.forEach((spec, i) => {
      if (spec && typeof spec === 'object' && 'feedback' in spec) {
        throw new ValueError(op, `expected no nested feedback blocks, got one at position ${i}`);
      }
      const layer = buildLayer(`${op} (layer ${i})`, spec, shape);
      layers.push(layer);
      shape = layer.outShape;
    });
    if (numelOf(shape) !== numelOf(inShape)) {
      throw new ShapeError(
        op,
        `expected the block's output to have the shape of its input ${fmtShape(inShape)} so it can loop, got ${fmtShape(shape)}`,
        [inShape, shape],
      );
    }
    this.layers = layers;
    this.inShape = [...inShape];
    this.outShape = [...shape];
    this.loops = loops;
    this.inskips = o.inskips;
    this.outskips = o.outskips;
    this.accumulation = o.accumulation;
    this.scaleFn = o.scale;
  }

  /** Sets the gradient multiplier of the block's parameters (its own scale times an enclosing loop's). */
  setGradScale(s: number): void {
    for (const l of this.layers) l.gradScale = s;
  }

  run(x: Tensor): { pre: null; out: Tensor } {
    const outs: Tensor[] = [];
    let cur = x;
    for (let c = 0; c < this.loops; c++) {
      let inp = c === 0 ? x : toShape(cur, this.inShape);
      if (c > 0 && this.inskips) inp = combine(this.accumulation, inp, x);
      for (const l of this.layers) inp = l.run(toShape(inp, l.inShape)).out;
      cur = inp;
      outs.push(cur);
    }
    return { pre: null, out: this.outskips ? combineAll(this.accumulation, outs) : cur };
  }

  forward(x: Tensor): Tensor {
    return this.run(x).out;
  }

  /** Lines for `Network.toString`. */
  describe(): string {
    const flags = [`loops=${this.loops}`, `accumulation=${this.accumulation}`];
    if (this.inskips) flags.push('inskips');
    if (this.outskips) flags.push('outskips');
    const n = this.parameters().reduce((s, p) => s + p.numel(), 0);
    const s = scaleOf('Network.feedback', this.scaleFn, this.loops);
    if (s !== 1) flags.push(`gradient scale=${Number(s.toPrecision(4))}`);
    const inner = this.layers.map((l, i) => `  ${i}: ${l.describe()}`);
    return [
      `Feedback(${fmtShape(this.inShape)} -> ${fmtShape(this.outShape)}, ${flags.join(', ')}, coupled params=${n.toLocaleString('en-US')}`,
      ...inner,
      ')',
    ].join('\n');
  }
}
