import { ValueError } from '../../errors.js';
import { LRScheduler, perGroup, type AnyOptimizer } from './scheduler.js';

/** Options of `CyclicLR` (PyTorch's defaults). */
export interface CyclicLROptions {
  /** Iterations in the increasing half of a cycle (default 2000). */
  stepSizeUp?: number;
  /** Iterations in the decreasing half (default: `stepSizeUp`). */
  stepSizeDown?: number | null;
  /** 'triangular' (default), 'triangular2' (amplitude halves each cycle) or 'exp_range'. */
  mode?: 'triangular' | 'triangular2' | 'exp_range';
  /** Base of the 'exp_range' scaling `gamma^iteration` (default 1). */
  gamma?: number;
  /** Custom amplitude scaling in [0, 1]; replaces `mode`. */
  scaleFn?: ((x: number) => number) | null;
  /** Whether `scaleFn` receives the cycle number (default) or the iteration. */
  scaleMode?: 'cycle' | 'iterations';
  /** Cycle momentum (or Adam's beta1) inversely to the lr (default true). */
  cycleMomentum?: boolean;
  /** Momentum at the lr peak (default 0.8). */
  baseMomentum?: number | number[];
  /** Momentum at the cycle start (default 0.9). */
  maxMomentum?: number | number[];
  lastEpoch?: number;
}

/**
 * Cyclical learning rates, as `torch.optim.lr_scheduler.CyclicLR`: the lr moves between
 * `baseLr` and `maxLr` in triangles of `stepSizeUp + stepSizeDown` iterations, the amplitude
 * scaled per mode; momentum cycles the other way. Step it after every batch. Reference: Smith,
 * https://arxiv.org/abs/1506.01186.
 * @example new optim.lrScheduler.CyclicLR(opt, 0.001, 0.1, { stepSizeUp: 10, mode: 'triangular2' })
 */
export class CyclicLR extends LRScheduler {
  maxLrs: number[];
  totalSize: number;
  stepRatio: number;
  mode: string;
  gamma: number;
  scaleMode: 'cycle' | 'iterations';
  cycleMomentum: boolean;
  useBeta1 = false;
  baseMomentums: number[] = [];
  maxMomentums: number[] = [];
  #scaleFn: ((x: number) => number) | null;

  constructor(
    optimizer: AnyOptimizer,
    baseLr: number | number[],
    maxLr: number | number[],
    opts: CyclicLROptions = {},
  ) {
    super(optimizer);
    const lastEpoch = opts.lastEpoch ?? -1;
    const baseLrs = perGroup('base_lr', optimizer, baseLr);
    if (lastEpoch === -1) optimizer.paramGroups.forEach((g, i) => (g.lr = baseLrs[i]));
    this.maxLrs = perGroup('max_lr', optimizer, maxLr);
    const up = opts.stepSizeUp ?? 2000;
    const down = opts.stepSizeDown ?? up;
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    const mode = opts.mode ?? 'triangular';
    this.#scaleFn = opts.scaleFn ?? null;
    if (!['triangular', 'triangular2', 'exp_range'].includes(mode) && this.#scaleFn === null) {
      throw new ValueError('CyclicLR', 'mode is invalid and scale_fn is None');
    }
    this.mode = mode;
    this.gamma = opts.gamma ?? 1;
    this.scaleMode =
      this.#scaleFn !== null ? (opts.scaleMode ?? 'cycle') : mode === 'exp_range' ? 'iterations' : 'cycle';
    this.cycleMomentum = opts.cycleMomentum ?? true;
    if (this.cycleMomentum) {
      const d = optimizer.defaults as unknown as Record<string, unknown>;
      if (!('momentum' in d) && !('betas' in d)) {
        throw new ValueError('CyclicLR', 'optimizer must support momentum with `cycle_momentum` option enabled');
      }
      // As PyTorch 2: optimizers with betas cycle beta1.
      this.useBeta1 = !('momentum' in d);
      const base = perGroup('base_momentum', optimizer, opts.baseMomentum ?? 0.8);
      if (lastEpoch === -1) optimizer.paramGroups.forEach((g, i) => this.#setMomentum(g, base[i]));
      this.baseMomentums = optimizer.paramGroups.map((g) => this.#momentum(g));
      this.maxMomentums = perGroup('max_momentum', optimizer, opts.maxMomentum ?? 0.9);
    }
    this.attach(lastEpoch);
    this.baseLrs = baseLrs;
  }

  #momentum(g: Record<string, unknown>): number {
    return this.useBeta1 ? (g.betas as number[])[0] : (g.momentum as number);
  }
  #setMomentum(g: Record<string, unknown>, m: number): void {
    if (this.useBeta1) g.betas = [m, ...(g.betas as number[]).slice(1)];
    else g.momentum = m;
  }

  protected override get savedFields(): Record<string, string> {
    const fields: Record<string, string> = {
      max_lrs: 'maxLrs',
      total_size: 'totalSize',
      step_ratio: 'stepRatio',
      mode: 'mode',
      gamma: 'gamma',
      scale_mode: 'scaleMode',
      cycle_momentum: 'cycleMomentum',
    };
    if (this.cycleMomentum) {
      Object.assign(fields, { use_beta1: 'useBeta1', base_momentums: 'baseMomentums', max_momentums: 'maxMomentums' });
    }
    return fields;
  }

  /** The amplitude scaling for cycle number or iteration `x`. */
  scaleFn(x: number): number {
    if (this.#scaleFn !== null) return this.#scaleFn(x);
    if (this.mode === 'triangular2') return 1 / 2 ** (x - 1);
    if (this.mode === 'exp_range') return this.gamma ** x;
    return 1;
  }

  protected getLr(): number[] {
    const cycle = Math.floor(1 + this.lastEpoch / this.totalSize);
    const x = 1 + this.lastEpoch / this.totalSize - cycle;
    const scaleFactor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const s = this.scaleFn(this.scaleMode === 'cycle' ? cycle : this.lastEpoch);
    const lrs = this.baseLrs.map((b, i) => b + (this.maxLrs[i] - b) * scaleFactor * s);
    if (this.cycleMomentum) {
      this.groups.forEach((g, i) => {
        const height = (this.maxMomentums[i] - this.baseMomentums[i]) * scaleFactor;
        this.#setMomentum(g, this.maxMomentums[i] - height * s);
      });
    }
    return lrs;
  }
}
