import { ValueError } from '../errors.js';
import { Optimizer, type BaseOptions, type ParamGroup, type ParamsArg } from './optimizer.js';
import { checkNonNegative, flatOf, stateLike } from './util.js';
import type { Tensor } from '../tensor/tensor.js';

/** Options of `SGD` (PyTorch's names in camelCase). */
export interface SGDOptions extends BaseOptions {
  /** Momentum factor μ (default 0). */
  momentum: number;
  /** Dampening τ for momentum (default 0). */
  dampening: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  nesterov: boolean;
}

/**
 * Stochastic gradient descent with optional momentum, as `torch.optim.SGD`:
 * `g = ∇f + λθ`; with momentum `b = g` on the first step, then `b = μb + (1 - τ)g`, and
 * `g = g + μb` (Nesterov) or `g = b`; finally `θ = θ - lr·g`. State: `momentum_buffer`
 * (null without momentum, as in PyTorch).
 * @example const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
 */
export class SGD extends Optimizer<SGDOptions> {
  /** `lr` defaults to 1e-3 as in PyTorch 2 (PyTorch 1.13 made it a required argument). */
  constructor(params: ParamsArg<SGDOptions>, opts: Partial<SGDOptions> = {}) {
    super(params, {
      lr: 1e-3,
      momentum: 0,
      dampening: 0,
      weightDecay: 0,
      nesterov: false,
      maximize: false,
      penalty: null,
      ...opts,
    });
  }

  protected validate(o: SGDOptions): void {
    checkNonNegative('SGD', 'Invalid learning rate', o.lr);
    checkNonNegative('SGD', 'Invalid momentum value', o.momentum);
    checkNonNegative('SGD', 'Invalid weight_decay value', o.weightDecay);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new ValueError('SGD', 'Nesterov momentum requires a momentum and zero dampening');
    }
  }

  protected updateGroup(group: ParamGroup<SGDOptions>): void {
    const { momentum, nesterov } = group;
    this.forEachParam(group, (p, w, g, R, state) => {
      const wd = R(group.weightDecay);
      const mu = R(momentum);
      const damp = R(1 - group.dampening);
      const negLr = R(-group.lr);
      let buf: Tensor | null = (state.momentum_buffer as Tensor | null | undefined) ?? null;
      const first = momentum !== 0 && buf === null;
      if (first) buf = stateLike(p);
      // With momentum 0 (e.g. set by a scheduler) PyTorch leaves an existing buffer untouched.
      const b = momentum !== 0 && buf !== null ? flatOf(buf) : null;
      for (let i = 0; i < w.n; i++) {
        const wi = w.data[w.off + i];
        let d = g.data[g.off + i];
        // PyTorch's add(alpha) runs as a fused multiply-add: one rounding.
        if (group.weightDecay !== 0) d = R(d + wd * wi);
        if (b !== null) {
          const j = b.off + i;
          b.data[j] = first ? d : R(R(b.data[j] * mu) + damp * d);
          d = nesterov ? R(d + mu * b.data[j]) : b.data[j];
        }
        w.data[w.off + i] = R(wi + negLr * d);
      }
      state.momentum_buffer = buf;
    });
  }
}
