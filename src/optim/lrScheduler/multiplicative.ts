import { ValueError } from '../../errors.js';
import { LRScheduler, bisectRight, pyMod, type AnyOptimizer, type SchedulerStateDict } from './scheduler.js';

/** A function of the epoch giving a factor. */
export type LrLambda = (epoch: number) => number;

function lambdas(name: string, optimizer: AnyOptimizer, f: LrLambda | readonly LrLambda[]): LrLambda[] {
  const n = optimizer.paramGroups.length;
  if (typeof f === 'function') return new Array<LrLambda>(n).fill(f);
  if (f.length !== n) throw new ValueError(name, `Expected ${n} lr_lambdas, but got ${f.length}`);
  return [...f];
}

/**
 * Sets each group's lr to `initialLr · lrLambda(epoch)`, as `torch.optim.lr_scheduler.LambdaLR`
 * (one function, or one per group). Functions are not saved in the state dict.
 * @example new optim.lrScheduler.LambdaLR(opt, (epoch) => 0.95 ** epoch)
 */
export class LambdaLR extends LRScheduler {
  lrLambdas: LrLambda[];
  constructor(optimizer: AnyOptimizer, lrLambda: LrLambda | readonly LrLambda[], opts: { lastEpoch?: number } = {}) {
    super(optimizer);
    this.lrLambdas = lambdas('LambdaLR', optimizer, lrLambda);
    this.attach(opts.lastEpoch ?? -1);
  }
  protected getLr(): number[] {
    return this.baseLrs.map((base, i) => base * this.lrLambdas[i](this.lastEpoch));
  }
  override stateDict(): SchedulerStateDict {
    return { ...super.stateDict(), lr_lambdas: this.lrLambdas.map(() => null) };
  }
}

/**
 * Multiplies each group's lr by `lrLambda(epoch)` every epoch after the first, as
 * `torch.optim.lr_scheduler.MultiplicativeLR`.
 * @example new optim.lrScheduler.MultiplicativeLR(opt, () => 0.95)
 */
export class MultiplicativeLR extends LRScheduler {
  lrLambdas: LrLambda[];
  constructor(optimizer: AnyOptimizer, lrLambda: LrLambda | readonly LrLambda[], opts: { lastEpoch?: number } = {}) {
    super(optimizer);
    this.lrLambdas = lambdas('MultiplicativeLR', optimizer, lrLambda);
    this.attach(opts.lastEpoch ?? -1);
  }
  protected getLr(): number[] {
    if (this.lastEpoch > 0) return this.groups.map((g, i) => g.lr * this.lrLambdas[i](this.lastEpoch));
    return this.groups.map((g) => g.lr);
  }
  override stateDict(): SchedulerStateDict {
    return { ...super.stateDict(), lr_lambdas: this.lrLambdas.map(() => null) };
  }
}

/**
 * Multiplies the lr by `gamma` every `stepSize` epochs, as `torch.optim.lr_scheduler.StepLR`:
 * `lr = initialLr · gamma^floor(epoch / stepSize)`.
 * @example new optim.lrScheduler.StepLR(opt, 30, { gamma: 0.1 })
 */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;
  constructor(optimizer: AnyOptimizer, stepSize: number, opts: { gamma?: number; lastEpoch?: number } = {}) {
    super(optimizer);
    this.stepSize = stepSize;
    this.gamma = opts.gamma ?? 0.1;
    this.attach(opts.lastEpoch ?? -1);
  }
  protected override get savedFields(): Record<string, string> {
    return { step_size: 'stepSize', gamma: 'gamma' };
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0 || pyMod(this.lastEpoch, this.stepSize) !== 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

/**
 * Multiplies the lr by `gamma` at each milestone epoch (a repeated milestone applies gamma that
 * many times), as `torch.optim.lr_scheduler.MultiStepLR`.
 * @example new optim.lrScheduler.MultiStepLR(opt, [30, 80], { gamma: 0.1 })
 */
export class MultiStepLR extends LRScheduler {
  /** Milestone epoch to count (PyTorch's `Counter`). */
  milestones: Map<number, number>;
  gamma: number;
  constructor(
    optimizer: AnyOptimizer,
    milestones: readonly number[],
    opts: { gamma?: number; lastEpoch?: number } = {},
  ) {
    super(optimizer);
    this.milestones = new Map();
    for (const m of milestones) this.milestones.set(m, (this.milestones.get(m) ?? 0) + 1);
    this.gamma = opts.gamma ?? 0.1;
    this.attach(opts.lastEpoch ?? -1);
  }
  protected getLr(): number[] {
    const k = this.milestones.get(this.lastEpoch);
    if (k === undefined) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma ** k);
  }
  protected override closedFormLr(): number[] {
    const sorted: number[] = [];
    for (const [m, c] of this.milestones) for (let i = 0; i < c; i++) sorted.push(m);
    sorted.sort((a, b) => a - b);
    return this.baseLrs.map((b) => b * this.gamma ** bisectRight(sorted, this.lastEpoch));
  }
  override stateDict(): SchedulerStateDict {
    return { milestones: Object.fromEntries(this.milestones), gamma: this.gamma, ...super.stateDict() };
  }
  override loadStateDict(sd: SchedulerStateDict): void {
    super.loadStateDict(sd);
    if (sd.milestones)
      this.milestones = new Map(Object.entries(sd.milestones).map(([k, v]) => [Number(k), v as number]));
    if (typeof sd.gamma === 'number') this.gamma = sd.gamma;
  }
}

/**
 * Multiplies the lr by `gamma` every epoch, as `torch.optim.lr_scheduler.ExponentialLR`.
 * @example new optim.lrScheduler.ExponentialLR(opt, 0.9)
 */
export class ExponentialLR extends LRScheduler {
  gamma: number;
  constructor(optimizer: AnyOptimizer, gamma: number, opts: { lastEpoch?: number } = {}) {
    super(optimizer);
    this.gamma = gamma;
    this.attach(opts.lastEpoch ?? -1);
  }
  protected override get savedFields(): Record<string, string> {
    return { gamma: 'gamma' };
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch);
  }
}
