import { ValueError } from '../../errors.js';
import { LRScheduler, bisectRight, type AnyOptimizer, type SchedulerStateDict } from './scheduler.js';

/**
 * Runs schedulers one after another, switching at the milestone epochs, as
 * `torch.optim.lr_scheduler.SequentialLR`; a scheduler taking over starts from its epoch 0
 * (closed form). The typical use is a warm-up followed by a decay.
 * @example
 * const warm = new optim.lrScheduler.LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * const decay = new optim.lrScheduler.ExponentialLR(opt, 0.9);
 * const sched = new optim.lrScheduler.SequentialLR(opt, [warm, decay], [5]);
 */
export class SequentialLR extends LRScheduler {
  schedulers: LRScheduler[];
  milestones: number[];

  constructor(
    optimizer: AnyOptimizer,
    schedulers: LRScheduler[],
    milestones: number[],
    opts: { lastEpoch?: number } = {},
  ) {
    super(optimizer);
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) {
        throw new ValueError(
          'SequentialLR',
          `Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index ${i} to be different than the optimizer passed in.`,
        );
      }
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new ValueError(
        'SequentialLR',
        `Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${milestones.length}`,
      );
    }
    this.schedulers = schedulers;
    this.milestones = [...milestones];
    this.lastEpoch = (opts.lastEpoch ?? -1) + 1;
    // Undo the initial steps the schedulers took on construction, then start the first one.
    for (const g of optimizer.paramGroups) g.lr = g.initialLr as number;
    for (const s of schedulers) s.lastEpoch -= 1;
    schedulers[0].initialStep();
    this.lastLr = schedulers[0].getLastLr();
  }

  protected getLr(): number[] {
    return this.lastLr;
  }

  override step(): void {
    this.lastEpoch++;
    const idx = bisectRight(this.milestones, this.lastEpoch);
    const s = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) s.step(0);
    else s.step();
    this.lastLr = s.getLastLr();
  }

  override stateDict(): SchedulerStateDict {
    return {
      _milestones: [...this.milestones],
      last_epoch: this.lastEpoch,
      _last_lr: [...this.lastLr],
      _schedulers: this.schedulers.map((s) => s.stateDict()),
    };
  }

  override loadStateDict(sd: SchedulerStateDict): void {
    if (sd._milestones) this.milestones = [...(sd._milestones as number[])];
    if (typeof sd.last_epoch === 'number') this.lastEpoch = sd.last_epoch;
    if (sd._last_lr) this.lastLr = [...(sd._last_lr as number[])];
    (sd._schedulers as SchedulerStateDict[] | undefined)?.forEach((s, i) => this.schedulers[i].loadStateDict(s));
  }
}

/**
 * Steps several schedulers together, so their (chainable) effects multiply, as
 * `torch.optim.lr_scheduler.ChainedScheduler`.
 * @example new optim.lrScheduler.ChainedScheduler([constant, exponential])
 */
export class ChainedScheduler extends LRScheduler {
  schedulers: LRScheduler[];

  constructor(schedulers: LRScheduler[]) {
    super(schedulers[0]?.optimizer);
    for (let i = 1; i < schedulers.length; i++) {
      if (schedulers[i].optimizer !== schedulers[0].optimizer) {
        throw new ValueError(
          'ChainedScheduler',
          `ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and ${i} to be different`,
        );
      }
    }
    this.schedulers = [...schedulers];
    this.lastLr = this.groups.map((g) => g.lr);
  }

  protected getLr(): number[] {
    return this.lastLr;
  }

  override step(): void {
    for (const s of this.schedulers) s.step();
    this.lastLr = this.groups.map((g) => g.lr);
  }

  override stateDict(): SchedulerStateDict {
    return { _last_lr: [...this.lastLr], _schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  override loadStateDict(sd: SchedulerStateDict): void {
    if (sd._last_lr) this.lastLr = [...(sd._last_lr as number[])];
    (sd._schedulers as SchedulerStateDict[] | undefined)?.forEach((s, i) => this.schedulers[i].loadStateDict(s));
  }
}
