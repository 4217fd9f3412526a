import { Optimizer, type BaseOptions, type ParamGroup, type ParamsArg } from './optimizer.js';
import { checkBetas, checkNonNegative, flatOf, stateLike } from './util.js';
import type { Tensor } from '../tensor/tensor.js';

/** Options of `Lion`. */
export interface LionOptions extends BaseOptions {
  /** β1 interpolates the update direction, β2 the momentum (default [0.9, 0.99]). */
  betas: [number, number];
  /** Decoupled weight decay λ (default 0). */
  weightDecay: number;
}

/**
 * Lion (evolved sign momentum; not in PyTorch): `θ = θ·(1 - lr·λ)`,
 * `θ = θ - lr·sign(β1·m + (1-β1)g)`, then `m = β2·m + (1-β2)g`. Use a learning rate 3-10x
 * smaller than AdamW's. State: `exp_avg`. Reference: Chen et al., "Symbolic Discovery of
 * Optimization Algorithms", Algorithm 2, https://arxiv.org/abs/2302.06675.
 * @example const opt = new optim.Lion(model.parameters(), { lr: 1e-4, weightDecay: 1.0 });
 */
export class Lion extends Optimizer<LionOptions> {
  constructor(params: ParamsArg<LionOptions>, opts: Partial<LionOptions> = {}) {
    super(params, { lr: 1e-4, betas: [0.9, 0.99], weightDecay: 0, maximize: false, penalty: null, ...opts });
  }

  protected validate(o: LionOptions): void {
    checkNonNegative('Lion', 'Invalid learning rate', o.lr);
    checkBetas('Lion', o.betas);
    checkNonNegative('Lion', 'Invalid weight_decay value', o.weightDecay);
  }

  protected updateGroup(group: ParamGroup<LionOptions>): void {
    this.forEachParam(group, (p, w, g, R, state) => {
      if (state.exp_avg === undefined) state.exp_avg = stateLike(p);
      const m = flatOf(state.exp_avg as Tensor);
      const [beta1, beta2] = group.betas;
      const b1 = R(beta1);
      const c1 = R(1 - beta1);
      const b2 = R(beta2);
      const c2 = R(1 - beta2);
      const decay = R(1 - group.lr * group.weightDecay);
      const negLr = R(-group.lr);
      for (let i = 0; i < w.n; i++) {
        const gi = g.data[g.off + i];
        const mi = m.data[m.off + i];
        const wi = R(w.data[w.off + i] * decay);
        const dir = Math.sign(R(R(mi * b1) + c1 * gi));
        w.data[w.off + i] = R(wi + negLr * dir);
        m.data[m.off + i] = R(R(mi * b2) + c2 * gi);
      }
    });
  }
}
