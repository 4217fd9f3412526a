import { ValueError } from '../../errors.js';
import { LRScheduler, pyMod, type AnyOptimizer } from './scheduler.js';

/**
 * Cosine annealing from the initial lr down to `etaMin` over `TMax` epochs (and back up, as the
 * cosine continues), as `torch.optim.lr_scheduler.CosineAnnealingLR`:
 * `lr_t = etaMin + (initialLr - etaMin)(1 + cos(π t / TMax))/2`, applied recursively so other
 * schedulers can also change the lr. Reference: SGDR, https://arxiv.org/abs/1608.03983.
 * @example new optim.lrScheduler.CosineAnnealingLR(opt, 50, { etaMin: 1e-5 })
 */
export class CosineAnnealingLR extends LRScheduler {
  TMax: number;
  etaMin: number;
  constructor(optimizer: AnyOptimizer, TMax: number, opts: { etaMin?: number; lastEpoch?: number } = {}) {
    super(optimizer);
    this.TMax = TMax;
    this.etaMin = opts.etaMin ?? 0;
    this.attach(opts.lastEpoch ?? -1);
  }
  protected override get savedFields(): Record<string, string> {
    return { T_max: 'TMax', eta_min: 'etaMin' };
  }
  protected getLr(): number[] {
    const { lastEpoch: e, TMax: T, etaMin } = this;
    if (e === 0) return this.groups.map((g) => g.lr);
    if (this.stepCount === 1 && e > 0) {
      return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    }
    if (pyMod(e - 1 - T, 2 * T) === 0) {
      return this.groups.map((g, i) => g.lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return this.groups.map(
      (g) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (g.lr - etaMin) + etaMin,
    );
  }
  protected override closedFormLr(): number[] {
    const { lastEpoch: e, TMax: T, etaMin } = this;
    return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((Math.PI * e) / T))) / 2);
  }
}

/**
 * Cosine annealing with warm restarts (SGDR), as
 * `torch.optim.lr_scheduler.CosineAnnealingWarmRestarts`: `lr = etaMin + (initialLr - etaMin)
 * (1 + cos(π Tcur / Ti))/2`, where `Tcur` counts epochs since the last restart and the period
 * `Ti` starts at `T0` and is multiplied by `TMult` at each restart. `step(epoch)` accepts
 * fractional epochs (per-batch stepping).
 * @example new optim.lrScheduler.CosineAnnealingWarmRestarts(opt, 10, { TMult: 2 })
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  T0: number;
  Ti: number;
  TMult: number;
  etaMin: number;
  Tcur: number;
  constructor(optimizer: AnyOptimizer, T0: number, opts: { TMult?: number; etaMin?: number; lastEpoch?: number } = {}) {
    super(optimizer);
    const TMult = opts.TMult ?? 1;
    if (!Number.isInteger(T0) || T0 <= 0) {
      throw new ValueError('CosineAnnealingWarmRestarts', `Expected positive integer T_0, but got ${T0}`);
    }
    if (!Number.isInteger(TMult) || TMult < 1) {
      throw new ValueError('CosineAnnealingWarmRestarts', `Expected integer T_mult >= 1, but got ${TMult}`);
    }
    this.T0 = T0;
    this.Ti = T0;
    this.TMult = TMult;
    this.etaMin = opts.etaMin ?? 0;
    this.Tcur = opts.lastEpoch ?? -1;
    this.attach(opts.lastEpoch ?? -1);
  }
  protected override get savedFields(): Record<string, string> {
    return { T_0: 'T0', T_i: 'Ti', T_mult: 'TMult', eta_min: 'etaMin', T_cur: 'Tcur' };
  }
  protected getLr(): number[] {
    return this.baseLrs.map(
      (b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.Tcur) / this.Ti))) / 2,
    );
  }

  /** Advances one epoch, or jumps to `epoch` (may be fractional). */
  override step(epoch?: number): void {
    let e = epoch;
    if (e === undefined && this.lastEpoch < 0) e = 0;
    if (e === undefined) {
      e = this.lastEpoch + 1;
      this.Tcur = this.Tcur + 1;
      if (this.Tcur >= this.Ti) {
        this.Tcur = this.Tcur - this.Ti;
        this.Ti = this.Ti * this.TMult;
      }
    } else {
      if (e < 0) throw new ValueError('CosineAnnealingWarmRestarts', `Expected non-negative epoch, but got ${e}`);
      if (e >= this.T0) {
        if (this.TMult === 1) this.Tcur = pyMod(e, this.T0);
        else {
          const n = Math.trunc(Math.log((e / this.T0) * (this.TMult - 1) + 1) / Math.log(this.TMult));
          this.Tcur = e - (this.T0 * (this.TMult ** n - 1)) / (this.TMult - 1);
          this.Ti = this.T0 * this.TMult ** n;
        }
      } else {
        this.Ti = this.T0;
        this.Tcur = e;
      }
    }
    this.lastEpoch = Math.floor(e);
    const lrs = this.getLr();
    this.groups.forEach((g, i) => (g.lr = lrs[i]));
    this.lastLr = this.groups.map((g) => g.lr);
  }
}
