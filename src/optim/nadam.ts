import { Optimizer, type BaseOptions, type ParamGroup, type ParamsArg } from './optimizer.js';
import { bumpStep, checkBetas, checkNonNegative, flatOf, stateLike, stepTensor } from './util.js';
import type { Tensor } from '../tensor/tensor.js';

/** Options of `NAdam`. */
export interface NAdamOptions extends BaseOptions {
  /** Decay rates of the moment averages (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** ψ in the momentum schedule μ_t = β1(1 - ½·0.96^(tψ)) (default 4e-3). */
  momentumDecay: number;
}

/**
 * NAdam (Adam with Nesterov momentum), as `torch.optim.NAdam`:
 * `μ_t = β1(1 - ½·0.96^(tψ))`, `m`, `v` as in Adam, and
 * `θ = θ - lr(1-μ_t)/(1-Πμ) · g/d - lr·μ_{t+1}/(1-Πμ·μ_{t+1}) · m/d` with `d = √(v/(1-β2^t)) + ε`.
 * State: `step`, `mu_product` (a float32 scalar, as in PyTorch), `exp_avg`, `exp_avg_sq`.
 * Reference: Dozat, https://openreview.net/forum?id=OM0jvwB8jIp57ZJjtNEZ.
 * @example const opt = new optim.NAdam(model.parameters(), { lr: 2e-3 });
 */
export class NAdam extends Optimizer<NAdamOptions> {
  constructor(params: ParamsArg<NAdamOptions>, opts: Partial<NAdamOptions> = {}) {
    super(params, {
      lr: 2e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      momentumDecay: 4e-3,
      maximize: false,
      penalty: null,
      ...opts,
    });
  }

  protected validate(o: NAdamOptions): void {
    checkNonNegative('NAdam', 'Invalid learning rate', o.lr);
    checkNonNegative('NAdam', 'Invalid epsilon value', o.eps);
    checkBetas('NAdam', o.betas);
    checkNonNegative('NAdam', 'Invalid weight_decay value', o.weightDecay);
    checkNonNegative('NAdam', 'Invalid momentum_decay value', o.momentumDecay);
  }

  protected updateGroup(group: ParamGroup<NAdamOptions>): void {
    this.forEachParam(group, (p, w, g, R, state) => {
      if (state.exp_avg === undefined) {
        state.step = stepTensor();
        state.mu_product = stepTensor(1);
        state.exp_avg = stateLike(p);
        state.exp_avg_sq = stateLike(p);
      }
      const step = bumpStep(state);
      const [beta1, beta2] = group.betas;
      const bc2 = R(1 - beta2 ** step);
      const mu = beta1 * (1 - 0.5 * 0.96 ** (step * group.momentumDecay));
      const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * group.momentumDecay));
      // mu_product is a float32 0-d tensor in PyTorch whatever the parameter dtype.
      const mp = state.mu_product as Tensor;
      const f = Math.fround;
      const muProduct = f(mp.storage.data[mp.offset] * f(mu));
      mp.storage.data[mp.offset] = muProduct;
      const muProductNext = f(f(muProduct * f(mu)) * f(muNext));
      const m = flatOf(state.exp_avg as Tensor);
      const v = flatOf(state.exp_avg_sq as Tensor);
      const b1 = R(beta1);
      const c1 = R(1 - beta1);
      const b2 = R(beta2);
      const c2 = R(1 - beta2);
      const eps = R(group.eps);
      const wd = R(group.weightDecay);
      const gradCoef = R((-group.lr * (1 - mu)) / (1 - muProduct));
      const avgCoef = R((-group.lr * muNext) / (1 - muProductNext));
      for (let i = 0; i < w.n; i++) {
        let wi = w.data[w.off + i];
        let gi = g.data[g.off + i];
        if (group.weightDecay !== 0) gi = R(gi + wd * wi);
        const mi = R(R(m.data[m.off + i] * b1) + c1 * gi);
        const vi = R(R(v.data[v.off + i] * b2) + R(c2 * gi) * gi);
        m.data[m.off + i] = mi;
        v.data[v.off + i] = vi;
        const denom = R(R(Math.sqrt(R(vi / bc2))) + eps);
        wi = R(wi + R(R(gradCoef * gi) / denom));
        w.data[w.off + i] = R(wi + R(R(avgCoef * mi) / denom));
      }
    });
  }
}
