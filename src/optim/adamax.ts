import { Optimizer, type BaseOptions, type ParamGroup, type ParamsArg } from './optimizer.js';
import { bumpStep, checkBetas, checkNonNegative, flatOf, stateLike, stepTensor } from './util.js';
import type { Tensor } from '../tensor/tensor.js';

/** Options of `Adamax`. */
export interface AdamaxOptions extends BaseOptions {
  /** Decay rates of the first moment and of the infinity norm (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to |g| for stability (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
}

/**
 * Adamax, Adam's infinity-norm variant, as `torch.optim.Adamax`: `m = β1·m + (1-β1)g`,
 * `u = max(β2·u, |g| + ε)`, `θ = θ - lr/(1-β1^t) · m/u` (default lr 2e-3). State: `step`,
 * `exp_avg`, `exp_inf`. Reference: https://arxiv.org/abs/1412.6980 section 7.
 * @example const opt = new optim.Adamax(model.parameters(), { lr: 2e-3 });
 */
export class Adamax extends Optimizer<AdamaxOptions> {
  constructor(params: ParamsArg<AdamaxOptions>, opts: Partial<AdamaxOptions> = {}) {
    super(params, {
      lr: 2e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      maximize: false,
      penalty: null,
      ...opts,
    });
  }

  protected validate(o: AdamaxOptions): void {
    checkNonNegative('Adamax', 'Invalid learning rate', o.lr);
    checkNonNegative('Adamax', 'Invalid epsilon value', o.eps);
    checkBetas('Adamax', o.betas);
    checkNonNegative('Adamax', 'Invalid weight_decay value', o.weightDecay);
  }

  protected updateGroup(group: ParamGroup<AdamaxOptions>): void {
    this.forEachParam(group, (p, w, g, R, state) => {
      if (state.exp_avg === undefined) {
        state.step = stepTensor();
        state.exp_avg = stateLike(p);
        state.exp_inf = stateLike(p);
      }
      const step = bumpStep(state);
      const [beta1, beta2] = group.betas;
      const m = flatOf(state.exp_avg as Tensor);
      const u = flatOf(state.exp_inf as Tensor);
      const b1 = R(beta1);
      const c1 = R(1 - beta1);
      const b2 = R(beta2);
      const eps = R(group.eps);
      const wd = R(group.weightDecay);
      const negClr = R(-group.lr / (1 - beta1 ** step));
      for (let i = 0; i < w.n; i++) {
        const wi = w.data[w.off + i];
        let gi = g.data[g.off + i];
        if (group.weightDecay !== 0) gi = R(gi + wd * wi);
        const mi = R(R(m.data[m.off + i] * b1) + c1 * gi);
        const a = R(u.data[u.off + i] * b2);
        const b = R(Math.abs(gi) + eps);
        // torch.amax propagates NaN
        const ui = Number.isNaN(a) || a > b ? a : b;
        m.data[m.off + i] = mi;
        u.data[u.off + i] = ui;
        w.data[w.off + i] = R(wi + R(R(negClr * mi) / ui));
      }
    });
  }
}
