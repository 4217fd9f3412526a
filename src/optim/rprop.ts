import { ValueError } from '../errors.js';
import { Optimizer, type BaseOptions, type ParamGroup, type ParamsArg } from './optimizer.js';
import { bumpStep, checkNonNegative, flatOf, pyNum, stateLike, stepTensor } from './util.js';
import type { Tensor } from '../tensor/tensor.js';

/** Options of `Rprop`. */
export interface RpropOptions extends BaseOptions {
  /** Step-size factors [η-, η+] applied on a sign flip / same sign (default [0.5, 1.2]). */
  etas: [number, number];
  /** Minimum and maximum step sizes (default [1e-6, 50]). */
  stepSizes: [number, number];
}

/**
 * Resilient backpropagation, as `torch.optim.Rprop`: per element, the step size is multiplied
 * by η+ when the gradient keeps its sign, by η- when it flips (and that gradient is then taken
 * as 0), clamped to `stepSizes`; `θ = θ - sign(g)·step`. State: `step`, `prev`, `step_size`
 * (starting at lr). Reference: Riedmiller & Braun, 1993.
 * @example const opt = new optim.Rprop(model.parameters(), { lr: 0.01, etas: [0.5, 1.2] });
 */
export class Rprop extends Optimizer<RpropOptions> {
  constructor(params: ParamsArg<RpropOptions>, opts: Partial<RpropOptions> = {}) {
    super(params, { lr: 1e-2, etas: [0.5, 1.2], stepSizes: [1e-6, 50], maximize: false, penalty: null, ...opts });
  }

  protected validate(o: RpropOptions): void {
    checkNonNegative('Rprop', 'Invalid learning rate', o.lr);
    const [em, ep] = o.etas;
    if (!(0 < em && em < 1 && 1 < ep)) throw new ValueError('Rprop', `Invalid eta values: ${pyNum(em)}, ${pyNum(ep)}`);
  }

  protected updateGroup(group: ParamGroup<RpropOptions>): void {
    this.forEachParam(group, (p, w, g, R, state) => {
      if (state.prev === undefined) {
        state.step = stepTensor();
        state.prev = stateLike(p);
        state.step_size = stateLike(p, R(group.lr));
      }
      bumpStep(state);
      const prev = flatOf(state.prev as Tensor);
      const ss = flatOf(state.step_size as Tensor);
      const etaMinus = R(group.etas[0]);
      const etaPlus = R(group.etas[1]);
      const lo = R(group.stepSizes[0]);
      const hi = R(group.stepSizes[1]);
      for (let i = 0; i < w.n; i++) {
        let gi = g.data[g.off + i];
        const s = Math.sign(R(gi * prev.data[prev.off + i]));
        const factor = s > 0 ? etaPlus : s < 0 ? etaMinus : 1;
        const step = Math.min(Math.max(R(ss.data[ss.off + i] * factor), lo), hi);
        ss.data[ss.off + i] = step;
        // A sign flip means the last step overshot: no move this time, and no flip next time.
        if (s < 0) gi = 0;
        w.data[w.off + i] = R(w.data[w.off + i] - Math.sign(gi) * step);
        prev.data[prev.off + i] = gi;
      }
    });
  }
}
