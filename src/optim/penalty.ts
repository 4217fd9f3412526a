import { ValueError } from '../errors.js';
import { zeros } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Flat, Round } from './util.js';

/** A penalty as stored in an optimizer state dict's param group. */
export interface PenaltyJSON {
  type: 'L1' | 'L2' | 'ElasticNet';
  lambda: number;
  l1_ratio?: number;
}

/**
 * A weight penalty (neuronika's regularizers). Pass one as an optimizer's `penalty` option and
 * its gradient is added to every parameter's gradient before the update; or add
 * `penalty.term(params)` to the loss, a differentiable scalar with the same gradient.
 * @example
 * const opt = new optim.Adam(model.parameters(), { penalty: new optim.penalty.L2(1e-4) });
 * // or: loss = loss.add(new optim.penalty.L1(1e-5).term(model.parameters()));
 */
export abstract class Penalty {
  /** Strength of the penalty. */
  readonly lambda: number;
  constructor(lambda: number) {
    if (!(lambda >= 0)) throw new ValueError(this.constructor.name, `expected lambda >= 0, got ${lambda}`);
    this.lambda = lambda;
  }

  /** The penalty of one tensor as a differentiable 0-d tensor. */
  protected abstract termOf(p: Tensor): Tensor;

  /** Adds the penalty's gradient at `w` to `g` in place (fused, rounded like a PyTorch op). */
  abstract addGrad(g: Flat, w: Flat, R: Round): void;

  /** A plain description for state dicts. */
  abstract toJSON(): PenaltyJSON;

  /**
   * The penalty summed over `params`, a differentiable scalar to add to the loss.
   * @example const loss = mse.add(new optim.penalty.L2(1e-4).term(model.parameters()));
   */
  term(params: Iterable<Tensor>): Tensor {
    let total: Tensor | null = null;
    for (const p of params) {
      const t = this.termOf(p);
      total = total === null ? t : total.add(t);
    }
    return total ?? zeros([]);
  }

  toString(): string {
    const j = this.toJSON();
    return j.type === 'ElasticNet'
      ? `ElasticNet(l1Ratio=${j.l1_ratio}, lambda=${j.lambda})`
      : `${j.type}(lambda=${j.lambda})`;
  }

  /** Rebuilds a penalty from `toJSON()` output (or passes a `Penalty`/null through). */
  static fromJSON(v: unknown): Penalty | null {
    if (v === null || v === undefined || v instanceof Penalty) return (v as Penalty | null | undefined) ?? null;
    const j = v as PenaltyJSON;
    if (j.type === 'L1') return new L1(j.lambda);
    if (j.type === 'L2') return new L2(j.lambda);
    if (j.type === 'ElasticNet') return new ElasticNet(j.l1_ratio ?? 0.5, j.lambda);
    throw new ValueError(
      'Penalty.fromJSON',
      `expected a penalty of type L1, L2 or ElasticNet, got ${JSON.stringify(v)}`,
    );
  }
}

/**
 * Lasso penalty: `lambda * sum(|w|)`, gradient `lambda * sign(w)` (0 at w = 0).
 * @example new optim.SGD(params, { lr: 0.1, penalty: new optim.penalty.L1(1e-4) })
 */
export class L1 extends Penalty {
  protected termOf(p: Tensor): Tensor {
    return p.abs().sum().mul(this.lambda);
  }
  addGrad(g: Flat, w: Flat, R: Round): void {
    const lam = R(this.lambda);
    for (let i = 0; i < g.n; i++) g.data[g.off + i] = R(g.data[g.off + i] + lam * Math.sign(w.data[w.off + i]));
  }
  toJSON(): PenaltyJSON {
    return { type: 'L1', lambda: this.lambda };
  }
}

/**
 * Ridge penalty: `lambda * sum(w^2)`, gradient `2 * lambda * w` (so it equals PyTorch's
 * `weightDecay = 2 * lambda`).
 * @example new optim.SGD(params, { lr: 0.1, penalty: new optim.penalty.L2(1e-4) })
 */
export class L2 extends Penalty {
  protected termOf(p: Tensor): Tensor {
    return p.mul(p).sum().mul(this.lambda);
  }
  addGrad(g: Flat, w: Flat, R: Round): void {
    const c = R(2 * this.lambda);
    for (let i = 0; i < g.n; i++) g.data[g.off + i] = R(g.data[g.off + i] + c * w.data[w.off + i]);
  }
  toJSON(): PenaltyJSON {
    return { type: 'L2', lambda: this.lambda };
  }
}

/**
 * Elastic net: `lambda * (l1Ratio * sum(|w|) + (1 - l1Ratio) * sum(w^2))`, gradient
 * `lambda * (l1Ratio * sign(w) + 2 * (1 - l1Ratio) * w)`. `l1Ratio = 1` is L1, `0` is L2.
 * @example new optim.Adam(params, { penalty: new optim.penalty.ElasticNet(0.5, 1e-4) })
 */
export class ElasticNet extends Penalty {
  /** Share of the L1 part, in [0, 1]. */
  readonly l1Ratio: number;
  constructor(l1Ratio: number, lambda: number) {
    super(lambda);
    if (!(l1Ratio >= 0 && l1Ratio <= 1))
      throw new ValueError('ElasticNet', `expected l1Ratio in [0, 1], got ${l1Ratio}`);
    this.l1Ratio = l1Ratio;
  }
  protected termOf(p: Tensor): Tensor {
    const l1 = p
      .abs()
      .sum()
      .mul(this.lambda * this.l1Ratio);
    return l1.add(
      p
        .mul(p)
        .sum()
        .mul(this.lambda * (1 - this.l1Ratio)),
    );
  }
  addGrad(g: Flat, w: Flat, R: Round): void {
    const a = R(this.lambda * this.l1Ratio);
    const b = R(2 * this.lambda * (1 - this.l1Ratio));
    for (let i = 0; i < g.n; i++) {
      const wi = w.data[w.off + i];
      g.data[g.off + i] = R(R(g.data[g.off + i] + a * Math.sign(wi)) + b * wi);
    }
  }
  toJSON(): PenaltyJSON {
    return { type: 'ElasticNet', lambda: this.lambda, l1_ratio: this.l1Ratio };
  }
}
