import { Optimizer, type BaseOptions, type ParamGroup, type ParamsArg } from './optimizer.js';
import { bumpStep, checkNonNegative, flatOf, stateLike, stepTensor, type Flat } from './util.js';
import type { Tensor } from '../tensor/tensor.js';

/** Options of `RMSprop`. */
export interface RMSpropOptions extends BaseOptions {
  /** Smoothing constant of the squared-gradient average (default 0.99). */
  alpha: number;
  /** Added to the denominator (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Momentum factor (default 0). */
  momentum: number;
  /** Normalize by the estimated variance (subtract the squared mean gradient; default false). */
  centered: boolean;
}

/**
 * RMSprop, as `torch.optim.RMSprop`: `v = αv + (1-α)g²`; centered: `ḡ = αḡ + (1-α)g` and
 * `v' = v - ḡ²`; `d = √v' + ε`; with momentum `b = μb + g/d`, `θ = θ - lr·b`, else
 * `θ = θ - lr·g/d`. State: `step`, `square_avg`, `momentum_buffer` (momentum > 0), `grad_avg`
 * (centered). Reference: Hinton's lecture 6e, https://www.cs.toronto.edu/~tijmen/csc321/slides/lecture_slides_lec6.pdf.
 * @example const opt = new optim.RMSprop(model.parameters(), { lr: 0.01, centered: true });
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsArg<RMSpropOptions>, opts: Partial<RMSpropOptions> = {}) {
    super(params, {
      lr: 1e-2,
      alpha: 0.99,
      eps: 1e-8,
      weightDecay: 0,
      momentum: 0,
      centered: false,
      maximize: false,
      penalty: null,
      ...opts,
    });
  }

  protected validate(o: RMSpropOptions): void {
    checkNonNegative('RMSprop', 'Invalid learning rate', o.lr);
    checkNonNegative('RMSprop', 'Invalid epsilon value', o.eps);
    checkNonNegative('RMSprop', 'Invalid momentum value', o.momentum);
    checkNonNegative('RMSprop', 'Invalid weight_decay value', o.weightDecay);
    checkNonNegative('RMSprop', 'Invalid alpha value', o.alpha);
  }

  protected updateGroup(group: ParamGroup<RMSpropOptions>): void {
    this.forEachParam(group, (p, w, g, R, state) => {
      if (state.square_avg === undefined) {
        state.step = stepTensor();
        state.square_avg = stateLike(p);
      }
      if (group.momentum > 0 && state.momentum_buffer === undefined) state.momentum_buffer = stateLike(p);
      if (group.centered && state.grad_avg === undefined) state.grad_avg = stateLike(p);
      bumpStep(state);
      const v = flatOf(state.square_avg as Tensor);
      const ga: Flat | null = group.centered ? flatOf(state.grad_avg as Tensor) : null;
      const buf: Flat | null = group.momentum > 0 ? flatOf(state.momentum_buffer as Tensor) : null;
      const a = R(group.alpha);
      const c = R(1 - group.alpha);
      const eps = R(group.eps);
      const wd = R(group.weightDecay);
      const mu = R(group.momentum);
      const negLr = R(-group.lr);
      for (let i = 0; i < w.n; i++) {
        const wi = w.data[w.off + i];
        let gi = g.data[g.off + i];
        if (group.weightDecay !== 0) gi = R(gi + wd * wi);
        const vi = R(R(v.data[v.off + i] * a) + R(c * gi) * gi);
        v.data[v.off + i] = vi;
        let avg: number;
        if (ga !== null) {
          const gai = R(R(ga.data[ga.off + i] * a) + c * gi);
          ga.data[ga.off + i] = gai;
          avg = R(Math.sqrt(R(vi - gai * gai)));
        } else avg = R(Math.sqrt(vi));
        avg = R(avg + eps);
        if (buf !== null) {
          const bi = R(R(buf.data[buf.off + i] * mu) + R(gi / avg));
          buf.data[buf.off + i] = bi;
          w.data[w.off + i] = R(wi + negLr * bi);
        } else w.data[w.off + i] = R(wi + R(R(negLr * gi) / avg));
      }
    });
  }
}
