import { ValueError } from '../../errors.js';
import { toCamel } from '../util.js';
import { LRScheduler, perGroup, type AnyOptimizer } from './scheduler.js';

/** Options of `OneCycleLR` (PyTorch's defaults). */
export interface OneCycleLROptions {
  /** Steps in the cycle; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number | null;
  epochs?: number | null;
  stepsPerEpoch?: number | null;
  /** Share of the cycle spent increasing the lr (default 0.3). */
  pctStart?: number;
  /** 'cos' (default) or 'linear' annealing. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (or beta1) inversely to the lr (default true). */
  cycleMomentum?: boolean;
  baseMomentum?: number | number[];
  maxMomentum?: number | number[];
  /** initialLr = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** minLr = initialLr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** Three phases (up, down to initialLr, annihilate) as in the paper; default two (fastai). */
  threePhase?: boolean;
  lastEpoch?: number;
}

/** One phase of the schedule, with PyTorch's keys (group keys in snake_case). */
interface Phase {
  end_step: number;
  start_lr: string;
  end_lr: string;
  start_momentum: string;
  end_momentum: string;
}

/**
 * The 1cycle policy, as `torch.optim.lr_scheduler.OneCycleLR`: the lr rises from
 * `maxLr/divFactor` to `maxLr` over `pctStart` of the steps, then anneals to
 * `initialLr/finalDivFactor` (cosine or linear); momentum moves the other way. Step it after
 * every batch, `totalSteps` times at most. Reference: Smith & Topin, https://arxiv.org/abs/1708.07120.
 * @example new optim.lrScheduler.OneCycleLR(opt, 0.1, { totalSteps: 1000 })
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  schedulePhases: Phase[];
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  useBeta1 = false;

  constructor(optimizer: AnyOptimizer, maxLr: number | number[], opts: OneCycleLROptions = {}) {
    super(optimizer);
    const name = 'OneCycleLR';
    const { totalSteps, epochs, stepsPerEpoch } = opts;
    if (totalSteps == null && epochs == null && stepsPerEpoch == null) {
      throw new ValueError(name, 'You must define either total_steps OR (epochs AND steps_per_epoch)');
    } else if (totalSteps != null) {
      if (!Number.isInteger(totalSteps) || totalSteps <= 0) {
        throw new ValueError(name, `Expected positive integer total_steps, but got ${totalSteps}`);
      }
      this.totalSteps = totalSteps;
    } else {
      if (!Number.isInteger(epochs) || epochs! <= 0)
        throw new ValueError(name, `Expected positive integer epochs, but got ${epochs}`);
      if (!Number.isInteger(stepsPerEpoch) || stepsPerEpoch! <= 0) {
        throw new ValueError(name, `Expected positive integer steps_per_epoch, but got ${stepsPerEpoch}`);
      }
      this.totalSteps = epochs! * stepsPerEpoch!;
    }
    const pct = opts.pctStart ?? 0.3;
    const n = this.totalSteps;
    const phase = (end: number, sl: string, el: string, sm: string, em: string): Phase => ({
      end_step: end,
      start_lr: sl,
      end_lr: el,
      start_momentum: sm,
      end_momentum: em,
    });
    this.schedulePhases = opts.threePhase
      ? [
          phase(pct * n - 1, 'initial_lr', 'max_lr', 'max_momentum', 'base_momentum'),
          phase(2 * pct * n - 2, 'max_lr', 'initial_lr', 'base_momentum', 'max_momentum'),
          phase(n - 1, 'initial_lr', 'min_lr', 'max_momentum', 'max_momentum'),
        ]
      : [
          phase(pct * n - 1, 'initial_lr', 'max_lr', 'max_momentum', 'base_momentum'),
          phase(n - 1, 'max_lr', 'min_lr', 'base_momentum', 'max_momentum'),
        ];
    if (!(pct >= 0 && pct <= 1)) throw new ValueError(name, `Expected float between 0 and 1 pct_start, but got ${pct}`);
    const strategy = opts.annealStrategy ?? 'cos';
    if (strategy !== 'cos' && strategy !== 'linear') {
      throw new ValueError(name, `anneal_strategy must by one of 'cos' or 'linear', instead got ${strategy}`);
    }
    this.annealStrategy = strategy;
    const lastEpoch = opts.lastEpoch ?? -1;
    const maxLrs = perGroup('max_lr', optimizer, maxLr);
    const div = opts.divFactor ?? 25;
    const finalDiv = opts.finalDivFactor ?? 1e4;
    if (lastEpoch === -1) {
      optimizer.paramGroups.forEach((g, i) => {
        g.initialLr = maxLrs[i] / div;
        g.maxLr = maxLrs[i];
        g.minLr = (g.initialLr as number) / finalDiv;
      });
    }
    this.cycleMomentum = opts.cycleMomentum ?? true;
    if (this.cycleMomentum) {
      const d = optimizer.defaults as unknown as Record<string, unknown>;
      if (!('momentum' in d) && !('betas' in d)) {
        throw new ValueError(name, 'optimizer must support momentum with `cycle_momentum` option enabled');
      }
      this.useBeta1 = 'betas' in d;
      const maxM = perGroup('max_momentum', optimizer, opts.maxMomentum ?? 0.95);
      const baseM = perGroup('base_momentum', optimizer, opts.baseMomentum ?? 0.85);
      if (lastEpoch === -1) {
        optimizer.paramGroups.forEach((g, i) => {
          if (this.useBeta1) g.betas = [maxM[i], ...(g.betas as number[]).slice(1)];
          else g.momentum = maxM[i];
          g.maxMomentum = maxM[i];
          g.baseMomentum = baseM[i];
        });
      }
    }
    this.attach(lastEpoch);
  }

  protected override get savedFields(): Record<string, string> {
    return {
      total_steps: 'totalSteps',
      _schedule_phases: 'schedulePhases',
      _anneal_func_type: 'annealStrategy',
      cycle_momentum: 'cycleMomentum',
      use_beta1: 'useBeta1',
    };
  }

  #anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'cos') return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
    return (end - start) * pct + start;
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new ValueError(
        'OneCycleLR',
        `Tried to step ${stepNum + 1} times. The specified number of total steps is ${this.totalSteps}`,
      );
    }
    return this.groups.map((g) => {
      const val = (key: string) => g[toCamel(key)] as number;
      let start = 0;
      let lr = 0;
      let momentum = 0;
      for (let i = 0; i < this.schedulePhases.length; i++) {
        const ph = this.schedulePhases[i];
        if (stepNum <= ph.end_step || i === this.schedulePhases.length - 1) {
          const pct = (stepNum - start) / (ph.end_step - start);
          lr = this.#anneal(val(ph.start_lr), val(ph.end_lr), pct);
          if (this.cycleMomentum) momentum = this.#anneal(val(ph.start_momentum), val(ph.end_momentum), pct);
          break;
        }
        start = ph.end_step;
      }
      if (this.cycleMomentum) {
        if (this.useBeta1) g.betas = [momentum, ...(g.betas as number[]).slice(1)];
        else g.momentum = momentum;
      }
      return lr;
    });
  }
}
