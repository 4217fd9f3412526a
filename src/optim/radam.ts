import { Optimizer, type BaseOptions, type ParamGroup, type ParamsArg } from './optimizer.js';
import { bumpStep, checkBetas, checkNonNegative, flatOf, stateLike, stepTensor } from './util.js';
import type { Tensor } from '../tensor/tensor.js';

/** Options of `RAdam`. */
export interface RAdamOptions extends BaseOptions {
  /** Decay rates of the moment averages (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
}

/**
 * Rectified Adam, as `torch.optim.RAdam`: with `ρ∞ = 2/(1-β2) - 1` and
 * `ρ_t = ρ∞ - 2tβ2^t/(1-β2^t)`, the step is `lr·m̂·r_t·√(1-β2^t)/(√v + ε)` when `ρ_t > 5`
 * (`r_t` the variance rectification term) and `lr·m̂` otherwise, `m̂ = m/(1-β1^t)`.
 * State: `step`, `exp_avg`, `exp_avg_sq`. Reference: Liu et al., https://arxiv.org/abs/1908.03265.
 * @example const opt = new optim.RAdam(model.parameters(), { lr: 1e-3 });
 */
export class RAdam extends Optimizer<RAdamOptions> {
  constructor(params: ParamsArg<RAdamOptions>, opts: Partial<RAdamOptions> = {}) {
    super(params, {
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      maximize: false,
      penalty: null,
      ...opts,
    });
  }

  protected validate(o: RAdamOptions): void {
    checkNonNegative('RAdam', 'Invalid learning rate', o.lr);
    checkNonNegative('RAdam', 'Invalid epsilon value', o.eps);
    checkBetas('RAdam', o.betas);
    checkNonNegative('RAdam', 'Invalid weight_decay value', o.weightDecay);
  }

  protected updateGroup(group: ParamGroup<RAdamOptions>): void {
    this.forEachParam(group, (p, w, g, R, state) => {
      if (state.exp_avg === undefined) {
        state.step = stepTensor();
        state.exp_avg = stateLike(p);
        state.exp_avg_sq = stateLike(p);
      }
      const step = bumpStep(state);
      const [beta1, beta2] = group.betas;
      const bc1 = R(1 - beta1 ** step);
      const bc2 = 1 - beta2 ** step;
      const rhoInf = 2 / (1 - beta2) - 1;
      const rhoT = rhoInf - (2 * step * beta2 ** step) / bc2;
      const rectified = rhoT > 5;
      const rect = rectified
        ? R(Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT)))
        : 0;
      const bc2Sqrt = R(Math.sqrt(bc2));
      const m = flatOf(state.exp_avg as Tensor);
      const v = flatOf(state.exp_avg_sq as Tensor);
      const b1 = R(beta1);
      const c1 = R(1 - beta1);
      const b2 = R(beta2);
      const c2 = R(1 - beta2);
      const eps = R(group.eps);
      const wd = R(group.weightDecay);
      const lr = R(group.lr);
      for (let i = 0; i < w.n; i++) {
        const wi = w.data[w.off + i];
        let gi = g.data[g.off + i];
        if (group.weightDecay !== 0) gi = R(gi + wd * wi);
        const mi = R(R(m.data[m.off + i] * b1) + c1 * gi);
        const vi = R(R(v.data[v.off + i] * b2) + R(c2 * gi) * gi);
        m.data[m.off + i] = mi;
        v.data[v.off + i] = vi;
        let upd = R(R(mi / bc1) * lr);
        if (rectified) {
          // Python's `scalar / tensor` is `tensor.reciprocal() * scalar`.
          const adaptive = R(R(1 / R(R(Math.sqrt(vi)) + eps)) * bc2Sqrt);
          upd = R(R(upd * adaptive) * rect);
        }
        w.data[w.off + i] = R(wi - upd);
      }
    });
  }
}
