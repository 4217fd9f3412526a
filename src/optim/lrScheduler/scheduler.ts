import { ValueError } from '../../errors.js';
import { Optimizer, type BaseOptions, type ParamGroup } from '../optimizer.js';

/** Any optimizer, whatever its options. */
export type AnyOptimizer = Optimizer<BaseOptions>;

/** A scheduler state dict: PyTorch's attribute names (`last_epoch`, `base_lrs`, ...) to values. */
export type SchedulerStateDict = Record<string, unknown>;

/** Index where `x` would be inserted after equal entries of the sorted `a` (Python's bisect_right). */
export function bisectRight(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < a[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Checks that `optimizer` is an optimizer, as PyTorch's schedulers do. */
export function checkOptimizer(optimizer: unknown): AnyOptimizer {
  if (!(optimizer instanceof Optimizer)) {
    const name = (optimizer as object | null)?.constructor?.name ?? typeof optimizer;
    throw new TypeError(`${name} is not an Optimizer`);
  }
  return optimizer as AnyOptimizer;
}

/** One value per group: a list is checked for length, a scalar repeated (PyTorch's `_format_param`). */
export function perGroup(name: string, optimizer: AnyOptimizer, v: number | readonly number[]): number[] {
  const n = optimizer.paramGroups.length;
  if (Array.isArray(v)) {
    if (v.length !== n) throw new ValueError(name, `expected ${n} values for ${name}, got ${v.length}`);
    return [...v];
  }
  return new Array<number>(n).fill(v as number);
}

const copy = (v: unknown): unknown => (Array.isArray(v) ? v.map(copy) : v && typeof v === 'object' ? { ...v } : v);

/**
 * The base class of epoch-based schedulers, as `torch.optim.lr_scheduler._LRScheduler`: it
 * records each group's `initialLr`, takes an initial step (so `lastEpoch` becomes 0), and each
 * `step()` sets every group's `lr` from `getLr()`. Most schedulers are chainable: `getLr()`
 * updates the current lr recursively, so several can drive one optimizer; `step(epoch)` uses the
 * closed form where PyTorch has one.
 * @example
 * const sched = new optim.lrScheduler.StepLR(opt, 30, { gamma: 0.1 });
 * for (let epoch = 0; epoch < 100; epoch++) { train(); sched.step(); }
 */
export abstract class LRScheduler {
  /** The optimizer whose learning rates this scheduler sets. */
  readonly optimizer: AnyOptimizer;
  /** Each group's `initialLr`. */
  baseLrs: number[] = [];
  /** Index of the last epoch (0 after construction). */
  lastEpoch = -1;
  /** Number of `step()` calls, including the initial one (PyTorch's `_step_count`). */
  stepCount = 0;
  protected lastLr: number[] = [];

  constructor(optimizer: AnyOptimizer) {
    this.optimizer = checkOptimizer(optimizer);
  }

  /** The lrs for `lastEpoch` (recursive/chainable form). */
  protected abstract getLr(): number[];

  /** The lrs for `lastEpoch` in closed form, used by `step(epoch)`; null if there is none. */
  protected closedFormLr(): number[] | null {
    return null;
  }

  /** Attributes saved in the state dict besides the common ones: PyTorch key to property. */
  protected get savedFields(): Record<string, string> {
    return {};
  }

  /** Records `initialLr`, sets `baseLrs` and takes the initial step (call at the end of a constructor). */
  protected attach(lastEpoch: number): void {
    const groups = this.groups;
    if (lastEpoch === -1) {
      for (const g of groups) if (!('initialLr' in g)) g.initialLr = g.lr;
    } else {
      groups.forEach((g, i) => {
        if (!('initialLr' in g)) {
          throw new ValueError(
            this.constructor.name,
            `param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`,
          );
        }
      });
    }
    this.baseLrs = groups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
    this.initialStep();
  }

  /** Resets the step count and takes a step (used at construction and by `SequentialLR`). */
  initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  protected get groups(): ParamGroup[] {
    return this.optimizer.paramGroups;
  }

  /**
   * Advances one epoch and sets the groups' lrs. `epoch` (deprecated in PyTorch, kept for
   * `SequentialLR`) jumps to that epoch and uses the closed form where there is one.
   */
  step(epoch?: number): void {
    this.stepCount++;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch++;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr() ?? this.getLr();
    }
    this.groups.forEach((g, i) => (g.lr = values[i]));
    this.lastLr = this.groups.map((g) => g.lr);
  }

  /** The lrs set by the last step, one per group. @example sched.getLastLr() // [0.1] */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The scheduler's state with PyTorch's attribute names (functions are not saved). */
  stateDict(): SchedulerStateDict {
    const self = this as unknown as Record<string, unknown>;
    const out: SchedulerStateDict = {};
    for (const [key, prop] of Object.entries(this.savedFields)) out[key] = copy(self[prop]);
    Object.assign(out, {
      base_lrs: [...this.baseLrs],
      last_epoch: this.lastEpoch,
      verbose: false,
      _step_count: this.stepCount,
      _get_lr_called_within_step: false,
      _last_lr: [...this.lastLr],
    });
    return out;
  }

  /** Restores a state from `stateDict()`. */
  loadStateDict(sd: SchedulerStateDict): void {
    const self = this as unknown as Record<string, unknown>;
    for (const [key, prop] of Object.entries(this.savedFields)) if (key in sd) self[prop] = copy(sd[key]);
    if ('base_lrs' in sd) this.baseLrs = [...(sd.base_lrs as number[])];
    if ('last_epoch' in sd) this.lastEpoch = sd.last_epoch as number;
    if ('_step_count' in sd) this.stepCount = sd._step_count as number;
    if ('_last_lr' in sd) this.lastLr = [...(sd._last_lr as number[])];
  }
}

/** Python's `a % b` (the sign of `b`), which the recursive schedules rely on. */
export function pyMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}
