import { ValueError } from '../../errors.js';
import { LRScheduler, type AnyOptimizer } from './scheduler.js';

/**
 * Multiplies the lr by `factor` until epoch `totalIters`, then restores it, as
 * `torch.optim.lr_scheduler.ConstantLR` (defaults: factor 1/3, totalIters 5).
 * @example new optim.lrScheduler.ConstantLR(opt, { factor: 0.5, totalIters: 4 })
 */
export class ConstantLR extends LRScheduler {
  factor: number;
  totalIters: number;
  constructor(optimizer: AnyOptimizer, opts: { factor?: number; totalIters?: number; lastEpoch?: number } = {}) {
    super(optimizer);
    const factor = opts.factor ?? 1 / 3;
    if (factor > 1 || factor < 0) {
      throw new ValueError('ConstantLR', 'Constant multiplicative factor expected to be between 0 and 1.');
    }
    this.factor = factor;
    this.totalIters = opts.totalIters ?? 5;
    this.attach(opts.lastEpoch ?? -1);
  }
  protected override get savedFields(): Record<string, string> {
    return { factor: 'factor', total_iters: 'totalIters' };
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1 / this.factor));
  }
  protected override closedFormLr(): number[] {
    const done = this.lastEpoch >= this.totalIters ? 1 : 0;
    return this.baseLrs.map((b) => b * (this.factor + done * (1 - this.factor)));
  }
}

/**
 * Scales the lr by a factor moving linearly from `startFactor` to `endFactor` over `totalIters`
 * epochs, as `torch.optim.lr_scheduler.LinearLR` (defaults 1/3, 1, 5); a common warm-up.
 * @example new optim.lrScheduler.LinearLR(opt, { startFactor: 0.1, totalIters: 10 })
 */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;
  constructor(
    optimizer: AnyOptimizer,
    opts: { startFactor?: number; endFactor?: number; totalIters?: number; lastEpoch?: number } = {},
  ) {
    super(optimizer);
    const start = opts.startFactor ?? 1 / 3;
    const end = opts.endFactor ?? 1;
    if (start > 1 || start < 0) {
      throw new ValueError('LinearLR', 'Starting multiplicative factor expected to be between 0 and 1.');
    }
    if (end > 1 || end < 0)
      throw new ValueError('LinearLR', 'Ending multiplicative factor expected to be between 0 and 1.');
    this.startFactor = start;
    this.endFactor = end;
    this.totalIters = opts.totalIters ?? 5;
    this.attach(opts.lastEpoch ?? -1);
  }
  protected override get savedFields(): Record<string, string> {
    return { start_factor: 'startFactor', end_factor: 'endFactor', total_iters: 'totalIters' };
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr * this.startFactor);
    if (this.lastEpoch > this.totalIters) return this.groups.map((g) => g.lr);
    const { startFactor: s, endFactor: e, totalIters: n } = this;
    return this.groups.map((g) => g.lr * (1 + (e - s) / (n * s + (this.lastEpoch - 1) * (e - s))));
  }
  protected override closedFormLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: n } = this;
    return this.baseLrs.map((b) => b * (s + ((e - s) * Math.min(n, this.lastEpoch)) / n));
  }
}

/**
 * Decays the lr polynomially to 0 over `totalIters` epochs:
 * `lr = initialLr · (1 - min(epoch, totalIters)/totalIters)^power`, as
 * `torch.optim.lr_scheduler.PolynomialLR` (defaults 5 and 1).
 * @example new optim.lrScheduler.PolynomialLR(opt, { totalIters: 20, power: 2 })
 */
export class PolynomialLR extends LRScheduler {
  totalIters: number;
  power: number;
  constructor(optimizer: AnyOptimizer, opts: { totalIters?: number; power?: number; lastEpoch?: number } = {}) {
    super(optimizer);
    this.totalIters = opts.totalIters ?? 5;
    this.power = opts.power ?? 1;
    this.attach(opts.lastEpoch ?? -1);
  }
  protected override get savedFields(): Record<string, string> {
    return { total_iters: 'totalIters', power: 'power' };
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch > this.totalIters) return this.groups.map((g) => g.lr);
    const n = this.totalIters;
    const decay = ((1 - this.lastEpoch / n) / (1 - (this.lastEpoch - 1) / n)) ** this.power;
    return this.groups.map((g) => g.lr * decay);
  }
  protected override closedFormLr(): number[] {
    const n = this.totalIters;
    return this.baseLrs.map((b) => b * (1 - Math.min(n, this.lastEpoch) / n) ** this.power);
  }
}
