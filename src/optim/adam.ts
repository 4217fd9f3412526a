import { kernels } from '../backend/index.js';
import { noGrad } from '../autograd/mode.js';
import { Optimizer, type BaseOptions, type ParamGroup, type ParamsArg, type ParamState } from './optimizer.js';
import { bumpStep, checkBetas, checkNonNegative, flatOf, stateLike, stepTensor, type Flat } from './util.js';
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

// One Adam/AdamW update: the fused kernel of the active backend (the js kernel has the formulas,
// in the order and with the roundings of PyTorch's single-tensor loop). `w` and `g` are
// contiguous runs of the parameter's dtype (forEachParam copies strided ones).
function adamUpdate(p: Tensor, w: Flat, g: Flat, state: ParamState, o: AdamOptions, decoupled: boolean): void {
  if (state.exp_avg === undefined) {
    state.step = stepTensor();
    state.exp_avg = stateLike(p);
    state.exp_avg_sq = stateLike(p);
  }
  if (o.amsgrad && state.max_exp_avg_sq === undefined) state.max_exp_avg_sq = stateLike(p);
  const step = bumpStep(state);
  const [beta1, beta2] = o.betas;
  kernels().adamStep(
    w.n,
    w,
    g,
    stateRun(state, 'exp_avg'),
    stateRun(state, 'exp_avg_sq'),
    o.amsgrad ? stateRun(state, 'max_exp_avg_sq') : null,
    { lr: o.lr, beta1, beta2, eps: o.eps, weightDecay: o.weightDecay, decoupled, step },
  );
}

// A state tensor's elements as one run. States are contiguous (stateLike and loadStateDict
// make them so); one a caller replaced by a strided view is made contiguous first.
function stateRun(state: ParamState, key: string): Flat {
  let t = state[key] as Tensor;
  if (!t.isContiguous()) {
    t = noGrad(() => t.contiguous());
    state[key] = t;
  }
  return flatOf(t);
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
    this.forEachParam(group, (p, w, g, _R, state) => adamUpdate(p, w, g, state, group, false));
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
    this.forEachParam(group, (p, w, g, _R, state) => adamUpdate(p, w, g, state, group, true));
  }
}
