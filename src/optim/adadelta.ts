import { ValueError } from '../errors.js';
import { Optimizer, type BaseOptions, type ParamGroup, type ParamsArg } from './optimizer.js';
import { bumpStep, checkNonNegative, flatOf, pyNum, stateLike, stepTensor } from './util.js';
import type { Tensor } from '../tensor/tensor.js';

/** Options of `Adadelta`. */
export interface AdadeltaOptions extends BaseOptions {
  /** Decay rate of the running averages (default 0.9). */
  rho: number;
  /** Added inside the square roots (default 1e-6). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
}

/**
 * Adadelta, as `torch.optim.Adadelta`: `v = ρv + (1-ρ)g²`,
 * `Δ = √(u + ε)/√(v + ε) · g`, `u = ρu + (1-ρ)Δ²`, `θ = θ - lr·Δ` (default lr 1). State:
 * `step`, `square_avg`, `acc_delta`. Reference: Zeiler, https://arxiv.org/abs/1212.5701.
 * @example const opt = new optim.Adadelta(model.parameters(), { rho: 0.9 });
 */
export class Adadelta extends Optimizer<AdadeltaOptions> {
  constructor(params: ParamsArg<AdadeltaOptions>, opts: Partial<AdadeltaOptions> = {}) {
    super(params, { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false, penalty: null, ...opts });
  }

  protected validate(o: AdadeltaOptions): void {
    checkNonNegative('Adadelta', 'Invalid learning rate', o.lr);
    if (!(o.rho >= 0 && o.rho <= 1)) throw new ValueError('Adadelta', `Invalid rho value: ${pyNum(o.rho)}`);
    checkNonNegative('Adadelta', 'Invalid epsilon value', o.eps);
    checkNonNegative('Adadelta', 'Invalid weight_decay value', o.weightDecay);
  }

  protected updateGroup(group: ParamGroup<AdadeltaOptions>): void {
    this.forEachParam(group, (p, w, g, R, state) => {
      if (state.square_avg === undefined) {
        state.step = stepTensor();
        state.square_avg = stateLike(p);
        state.acc_delta = stateLike(p);
      }
      bumpStep(state);
      const v = flatOf(state.square_avg as Tensor);
      const u = flatOf(state.acc_delta as Tensor);
      const rho = R(group.rho);
      const c = R(1 - group.rho);
      const eps = R(group.eps);
      const wd = R(group.weightDecay);
      const negLr = R(-group.lr);
      for (let i = 0; i < w.n; i++) {
        const wi = w.data[w.off + i];
        let gi = g.data[g.off + i];
        if (group.weightDecay !== 0) gi = R(gi + wd * wi);
        const vi = R(R(v.data[v.off + i] * rho) + R(c * gi) * gi);
        v.data[v.off + i] = vi;
        const std = R(Math.sqrt(R(vi + eps)));
        const delta = R(R(R(Math.sqrt(R(u.data[u.off + i] + eps))) / std) * gi);
        u.data[u.off + i] = R(R(u.data[u.off + i] * rho) + R(c * delta) * delta);
        w.data[w.off + i] = R(wi + negLr * delta);
      }
    });
  }
}
