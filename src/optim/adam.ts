import { Optimizer, type BaseOptions, type ParamGroup, type ParamsArg, type ParamState } from './optimizer.js';
import {
  bumpStep,
  checkBetas,
  checkNonNegative,
  flatOf,
  stateLike,
  stepTensor,
  type Flat,
  type Round,
} from './util.js';
import type { Tensor } from '../tensor/tensor.js';

/** Options of `Adam` and `AdamW`. */
export interface AdamOptions extends BaseOptions {
  /** Decay rates of the first and second moment averages (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator for stability (default 1e-8). */
  eps: number;
  /** Weight decay: added to the gradient (Adam, default 0) or decoupled (AdamW, default 1e-2). */
  weightDecay: number;
  /** Use the running maximum of the second moment (AMSGrad, default false). */
  amsgrad: boolean;
}

function validateAdam(op: string, o: AdamOptions): void {
  checkNonNegative(op, 'Invalid learning rate', o.lr);
  checkNonNegative(op, 'Invalid epsilon value', o.eps);
  checkBetas(op, o.betas);
  checkNonNegative(op, 'Invalid weight_decay value', o.weightDecay);
}

// One Adam/AdamW update, in the order and with the roundings of PyTorch's single-tensor loop.
function adamUpdate(
  p: Tensor,
  w: Flat,
  g: Flat,
  R: Round,
  state: ParamState,
  o: AdamOptions,
  decoupled: boolean,
): void {
  if (state.exp_avg === undefined) {
    state.step = stepTensor();
    state.exp_avg = stateLike(p);
    state.exp_avg_sq = stateLike(p);
  }
  if (o.amsgrad && state.max_exp_avg_sq === undefined) state.max_exp_avg_sq = stateLike(p);
  const step = bumpStep(state);
  const [beta1, beta2] = o.betas;
  const m = flatOf(state.exp_avg as Tensor);
  const v = flatOf(state.exp_avg_sq as Tensor);
  const vmax = o.amsgrad ? flatOf(state.max_exp_avg_sq as Tensor) : null;
  const stepSize = o.lr / (1 - beta1 ** step);
  const bc2Sqrt = R(Math.sqrt(1 - beta2 ** step));
  const b1 = R(beta1);
  const b2 = R(beta2);
  const c1 = R(1 - beta1);
  const c2 = R(1 - beta2);
  const eps = R(o.eps);
  const negStep = R(-stepSize);
  const decay = R(1 - o.lr * o.weightDecay);
  const wd = R(o.weightDecay);
  for (let i = 0; i < w.n; i++) {
    let wi = w.data[w.off + i];
    let gi = g.data[g.off + i];
    if (decoupled) wi = R(wi * decay);
    else if (o.weightDecay !== 0) gi = R(gi + wd * wi);
    const mi = R(R(m.data[m.off + i] * b1) + c1 * gi);
    const vi = R(R(v.data[v.off + i] * b2) + R(c2 * gi) * gi);
    m.data[m.off + i] = mi;
    v.data[v.off + i] = vi;
    let s = vi;
    if (vmax !== null) {
      const prev = vmax.data[vmax.off + i];
      s = prev > vi || Number.isNaN(prev) ? prev : vi;
      vmax.data[vmax.off + i] = s;
    }
    const denom = R(R(R(Math.sqrt(s)) / bc2Sqrt) + eps);
    w.data[w.off + i] = R(wi + R(R(negStep * mi) / denom));
  }
}

/**
 * Adam, as `torch.optim.Adam`: `m = β1·m + (1-β1)g`, `v = β2·v + (1-β2)g²`,
 * `θ = θ - lr/(1-β1^t) · m / (√v/√(1-β2^t) + ε)`, with `g = ∇f + λθ` (coupled weight decay) and
 * `max(v)` in place of `v` under AMSGrad. State: `step`, `exp_avg`, `exp_avg_sq`,
 * `max_exp_avg_sq`. Reference: Kingma & Ba, https://arxiv.org/abs/1412.6980.
 * @example const opt = new optim.Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999] });
 */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: ParamsArg<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, {
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      amsgrad: false,
      maximize: false,
      penalty: null,
      ...opts,
    });
  }
  protected validate(o: AdamOptions): void {
    validateAdam('Adam', o);
  }
  protected updateGroup(group: ParamGroup<AdamOptions>): void {
    this.forEachParam(group, (p, w, g, R, state) => adamUpdate(p, w, g, R, state, group, false));
  }
}

/**
 * AdamW, as `torch.optim.AdamW`: Adam with decoupled weight decay, `θ = θ·(1 - lr·λ)` before
 * the Adam update (default λ = 1e-2). Reference: Loshchilov & Hutter,
 * https://arxiv.org/abs/1711.05101.
 * @example const opt = new optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
 */
export class AdamW extends Optimizer<AdamOptions> {
  constructor(params: ParamsArg<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, {
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 1e-2,
      amsgrad: false,
      maximize: false,
      penalty: null,
      ...opts,
    });
  }
  protected validate(o: AdamOptions): void {
    validateAdam('AdamW', o);
  }
  protected updateGroup(group: ParamGroup<AdamOptions>): void {
    this.forEachParam(group, (p, w, g, R, state) => adamUpdate(p, w, g, R, state, group, true));
  }
}
