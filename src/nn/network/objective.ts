// The network's objective (neurons' `set_objective`): a named loss, a loss module or a function,
// averaged over the batch, with neurons' optional clamp of each sample's gradient.
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { oneHot } from '../../ops/indexing.js';
import type { Tensor } from '../../tensor/tensor.js';
import { BCEWithLogitsLoss, CrossEntropyLoss } from '../classificationLoss.js';
import {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  klDiv,
  nllLoss,
} from '../functional/losses.js';
import { l1Loss, mseLoss } from '../functional/losses.js';
import { Loss, type GradClamp } from '../lossBase.js';
import { logSoftmaxPerSample } from './common.js';

/** neurons' objectives: cross entropy, squared, absolute and root-mean-square errors, binary CE, KL divergence. */
export type ObjectiveName = 'CE' | 'MSE' | 'MAE' | 'RMSE' | 'BCE' | 'KLD' | 'AE';

/** An objective: a name, a loss module (`new nn.HuberLoss()`), or `(output, target) => scalar`. */
export type ObjectiveArg =
  | ObjectiveName
  | (string & {})
  | { call(output: Tensor, target: Tensor): Tensor }
  | ((output: Tensor, target: Tensor) => Tensor);

/** Options of `Network.setObjective`. */
export interface ObjectiveOptions {
  /**
   * Bounds of the gradient of each sample's loss with respect to the network output (neurons'
   * `clamp: Some((min, max))`); `[min, max]` or `{ min, max }`. The loss value is unchanged.
   */
  clamp?: readonly [number, number] | GradClamp | null;
}

const ALIASES: Record<string, ObjectiveName> = {
  ce: 'CE',
  crossentropy: 'CE',
  mse: 'MSE',
  mae: 'MAE',
  rmse: 'RMSE',
  bce: 'BCE',
  binarycrossentropy: 'BCE',
  kld: 'KLD',
  kldivergence: 'KLD',
  ae: 'AE',
};

/** What the objective sees of the last layer: its output, and its logits when it ends in softmax or sigmoid. */
export interface Head {
  out: Tensor;
  /** The pre-activation when the output is exactly `softmax(pre)` or `sigmoid(pre)` (no dropout, no loop). */
  pre: Tensor | null;
  /** The last layer's activation name. */
  act: string;
}

// Probabilities are clamped before the log only on the fallback path (an output that is not a
// softmax of known logits), as neurons clamps to [1e-6, 1 - 1e-6]; PyTorch's BCELoss clamps its
// logs at -100 instead.
const EPS = 1e-7;

function classTarget(op: string, out: Tensor, y: Tensor): Tensor {
  if (y.dtype === 'int32') return y;
  const flat = y.ndim === out.ndim ? y.flatten(1) : y;
  if (flat.shape[0] !== out.shape[0]) {
    throw new ShapeError(op, `expected a target of ${out.shape[0]} samples, got ${fmtShape(y.shape)}`, [y.shape]);
  }
  return flat;
}

function regressionTarget(op: string, out: Tensor, y: Tensor): Tensor {
  const t = y.dtype === out.dtype ? y : y.to(out.dtype);
  if (t.numel() !== out.numel()) {
    throw new ShapeError(
      op,
      `expected a target with the output's shape ${fmtShape(out.shape)}, got ${fmtShape(y.shape)}`,
      [out.shape, y.shape],
    );
  }
  return t.reshape(out.shape);
}

/** Log-probabilities of the output per sample (from the logits when known). */
function logProbs(h: Head): Tensor {
  if (h.pre && h.act === 'softmax') return logSoftmaxPerSample(h.pre).flatten(1);
  if (h.act === 'linear') return logSoftmaxPerSample(h.out).flatten(1);
  return h.out.flatten(1).clamp(EPS, 1).log();
}

/** A named objective: the batch mean of each sample's loss. */
export function namedLoss(name: ObjectiveName, h: Head, y: Tensor): Tensor {
  const op = `Network objective ${name}`;
  const n = h.out.shape[0];
  switch (name) {
    case 'CE': {
      const t = classTarget(op, h.out, y);
      if (h.pre && h.act === 'softmax') return crossEntropy(h.pre.flatten(1), t);
      if (h.act === 'linear') return crossEntropy(h.out.flatten(1), t);
      const lp = logProbs(h);
      return t.dtype === 'int32' ? nllLoss(lp, t) : lp.mul(t).sum().neg().div(n);
    }
    case 'KLD': {
      const lp = logProbs(h);
      const t = classTarget(op, h.out, y);
      const p = t.dtype === 'int32' ? oneHot(t, lp.shape[1]).to(lp.dtype) : t;
      return klDiv(lp, p, { reduction: 'batchmean' });
    }
    case 'BCE': {
      const t = regressionTarget(op, h.out, y);
      if (h.pre && h.act === 'sigmoid') return binaryCrossEntropyWithLogits(h.pre, t);
      if (h.act === 'linear') return binaryCrossEntropyWithLogits(h.out, t);
      return binaryCrossEntropy(h.out, t);
    }
    case 'MSE':
      return mseLoss(h.out, regressionTarget(op, h.out, y));
    case 'MAE':
      return l1Loss(h.out, regressionTarget(op, h.out, y));
    case 'AE':
      return h.out
        .sub(regressionTarget(op, h.out, y))
        .abs()
        .sum()
        .div(n);
    case 'RMSE': {
      // Per-sample RMSE, as neurons reports it; norm() has the zero-error subgradient 0.
      const d = h.out.sub(regressionTarget(op, h.out, y)).flatten(1);
      return d.norm(2, 1).div(Math.sqrt(d.shape[1])).mean();
    }
  }
}

// A loss module around any objective, so nn.Loss's gradient clamp applies to it.
class Wrapped extends Loss<[Tensor, Tensor]> {
  readonly #fn: (o: Tensor, y: Tensor) => Tensor;
  constructor(fn: (o: Tensor, y: Tensor) => Tensor, clamp: GradClamp | null) {
    super('Network objective', { clamp });
    this.#fn = fn;
  }
  protected compute(o: Tensor, y: Tensor): Tensor {
    return this.#fn(o, y);
  }
}

/** The objective a network computes its loss with. */
export class Objective {
  readonly name: string;
  readonly #named: ObjectiveName | null;
  readonly #fn: ((o: Tensor, y: Tensor) => Tensor) | null;
  readonly #module: { call(o: Tensor, y: Tensor): Tensor } | null;
  readonly clamp: [number, number] | null;

  constructor(op: string, arg: ObjectiveArg, opts: ObjectiveOptions = {}) {
    this.clamp = clampOf(op, opts.clamp);
    if (typeof arg === 'string') {
      const named = ALIASES[arg.toLowerCase().replace(/[_\- ]/g, '')];
      if (!named) {
        throw new ValueError(
          op,
          `expected an objective among ${Object.values(ALIASES)
            .filter((v, i, a) => a.indexOf(v) === i)
            .join(', ')}, a loss module or a function, got '${arg}'`,
        );
      }
      [this.name, this.#named, this.#fn, this.#module] = [named, named, null, null];
    } else if (typeof arg === 'function') {
      [this.name, this.#named, this.#fn, this.#module] = [arg.name || 'custom', null, arg, null];
    } else if (arg && typeof (arg as { call?: unknown }).call === 'function') {
      [this.name, this.#named, this.#fn, this.#module] = [arg.constructor.name, null, null, arg];
    } else {
      throw new DTypeError(op, `expected an objective name, a loss module or a function, got ${typeof arg}`);
    }
  }

  /** Whether the objective compares class predictions (for accuracy): CE and KLD. */
  get classification(): boolean {
    return this.#named === 'CE' || this.#named === 'KLD' || this.#module instanceof CrossEntropyLoss;
  }

  /** Whether it is a binary objective (accuracy thresholds the output). */
  get binary(): boolean {
    return this.#named === 'BCE' || this.#module instanceof BCEWithLogitsLoss;
  }

  /** The batch loss. The clamp bounds are divided by the batch size: the objective averages the samples. */
  loss(h: Head, y: Tensor): Tensor {
    const n = Math.max(1, h.out.shape[0]);
    const clamp = this.clamp ? { min: this.clamp[0] / n, max: this.clamp[1] / n } : null;
    const named = this.#named;
    const mod = this.#module;
    let input = h.out;
    let fn: (o: Tensor, y: Tensor) => Tensor;
    if (named !== null) {
      // The head's logits must be clamped too, so the wrapped input is whichever the loss reads.
      const useLogits =
        h.pre !== null &&
        (named === 'CE' || named === 'KLD' ? h.act === 'softmax' : named === 'BCE' && h.act === 'sigmoid');
      input = useLogits ? (h.pre as Tensor) : h.out;
      fn = (o, t) => namedLoss(named, useLogits ? { ...h, pre: o } : { ...h, out: o }, t);
    } else if (mod !== null) {
      const logits =
        h.pre !== null &&
        ((mod instanceof CrossEntropyLoss && h.act === 'softmax') ||
          (mod instanceof BCEWithLogitsLoss && h.act === 'sigmoid'));
      if (logits) input = h.pre!.flatten(1);
      fn = (o, t) => mod.call(o, t);
    } else fn = this.#fn!;
    return clamp ? new Wrapped(fn, clamp).call(input, y) : fn(input, y);
  }

  toString(): string {
    return this.clamp ? `${this.name} (gradient clamp [${this.clamp[0]}, ${this.clamp[1]}])` : this.name;
  }
}

function clampOf(op: string, c: ObjectiveOptions['clamp']): [number, number] | null {
  if (c === undefined || c === null) return null;
  const [min, max] = Array.isArray(c) ? c : [(c as GradClamp).min ?? -Infinity, (c as GradClamp).max ?? Infinity];
  if (typeof min !== 'number' || typeof max !== 'number' || Number.isNaN(min) || Number.isNaN(max) || min > max) {
    throw new ValueError(op, `expected clamp to be [min, max] with min <= max, got ${JSON.stringify(c)}`);
  }
  return [min, max];
}
