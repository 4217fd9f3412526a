import { Optimizer, type BaseOptions, type ParamGroup, type ParamsArg } from './optimizer.js';
import { bumpStep, checkNonNegative, flatOf, stateLike, stepTensor } from './util.js';
import type { Tensor } from '../tensor/tensor.js';

/** Options of `Adagrad`. */
export interface AdagradOptions extends BaseOptions {
  /** Learning-rate decay: the step uses `lr / (1 + (t - 1)·lrDecay)` (default 0). */
  lrDecay: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Starting value of the accumulated squared gradients (default 0). */
  initialAccumulatorValue: number;
  /** Added to the denominator (default 1e-10). */
  eps: number;
}

/**
 * Adagrad, as `torch.optim.Adagrad`: `s = s + g²`,
 * `θ = θ - lr/(1 + (t-1)·lrDecay) · g/(√s + ε)`. State (created at construction, as in
 * PyTorch): `step`, `sum`. Reference: Duchi et al., https://jmlr.org/papers/v12/duchi11a.html.
 * @example const opt = new optim.Adagrad(model.parameters(), { lr: 0.01, lrDecay: 1e-3 });
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: ParamsArg<AdagradOptions>, opts: Partial<AdagradOptions> = {}) {
    super(params, {
      lr: 1e-2,
      lrDecay: 0,
      weightDecay: 0,
      initialAccumulatorValue: 0,
      eps: 1e-10,
      maximize: false,
      penalty: null,
      ...opts,
    });
    for (const g of this.paramGroups) for (const p of g.params) this.#init(p, g.initialAccumulatorValue);
  }

  #init(p: Tensor, value: number): void {
    const s = this.stateOf(p);
    s.step = stepTensor();
    s.sum = stateLike(p, value);
  }

  protected validate(o: AdagradOptions): void {
    checkNonNegative('Adagrad', 'Invalid learning rate', o.lr);
    checkNonNegative('Adagrad', 'Invalid lr_decay value', o.lrDecay);
    checkNonNegative('Adagrad', 'Invalid weight_decay value', o.weightDecay);
    checkNonNegative('Adagrad', 'Invalid initial_accumulator_value value', o.initialAccumulatorValue);
    checkNonNegative('Adagrad', 'Invalid epsilon value', o.eps);
  }

  protected updateGroup(group: ParamGroup<AdagradOptions>): void {
    this.forEachParam(group, (p, w, g, R, state) => {
      if (state.sum === undefined) this.#init(p, group.initialAccumulatorValue);
      const step = bumpStep(state);
      const s = flatOf(state.sum as Tensor);
      const negClr = R(-group.lr / (1 + (step - 1) * group.lrDecay));
      const eps = R(group.eps);
      const wd = R(group.weightDecay);
      for (let i = 0; i < w.n; i++) {
        const wi = w.data[w.off + i];
        let gi = g.data[g.off + i];
        if (group.weightDecay !== 0) gi = R(gi + wd * wi);
        const si = R(s.data[s.off + i] + gi * gi);
        s.data[s.off + i] = si;
        const std = R(R(Math.sqrt(si)) + eps);
        w.data[w.off + i] = R(wi + R(R(negClr * gi) / std));
      }
    });
  }
}
