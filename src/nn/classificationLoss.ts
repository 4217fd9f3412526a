// Classification loss modules: NLL, cross entropy, the binary cross entropies, KL divergence
// and CTC. Class weights are buffers named as PyTorch names them (`weight`, `pos_weight`), so
// state dicts match.
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import * as F from './functional/losses.js';
import type { CtcLengths } from './functional/ctcLoss.js';
import { boolOption, numberOption } from './functional/lossCommon.js';
import { Loss, optionalTensor, type LossOptions, type R } from './lossBase.js';

/**
 * Negative log-likelihood of class indices; see `nn.functional.nllLoss`. `weight` is a buffer.
 * @example new nn.NLLLoss({ ignoreIndex: 0 }).call(logProbs, labels)
 */
export class NLLLoss extends Loss {
  declare weight: Tensor | null;
  readonly ignoreIndex: number;
  constructor(opts: LossOptions & { weight?: Tensor | null; ignoreIndex?: number } = {}) {
    super('NLLLoss', opts);
    this.registerBuffer('weight', optionalTensor('NLLLoss', 'weight', opts.weight));
    this.ignoreIndex = numberOption('NLLLoss', 'ignoreIndex', opts.ignoreIndex, -100);
  }
  protected compute(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction as R,
    });
  }
}

/**
 * Cross entropy of logits against class indices or probabilities; see
 * `nn.functional.crossEntropy`. `weight` is a buffer.
 * @example new nn.CrossEntropyLoss({ labelSmoothing: 0.1 }).call(logits, labels)
 */
export class CrossEntropyLoss extends Loss {
  declare weight: Tensor | null;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  constructor(opts: LossOptions & F.CrossEntropyOptions = {}) {
    super('CrossEntropyLoss', opts);
    this.registerBuffer('weight', optionalTensor('CrossEntropyLoss', 'weight', opts.weight));
    this.ignoreIndex = numberOption('CrossEntropyLoss', 'ignoreIndex', opts.ignoreIndex, -100);
    const s = numberOption('CrossEntropyLoss', 'labelSmoothing', opts.labelSmoothing, 0);
    if (!(s >= 0 && s <= 1))
      throw new ValueError('CrossEntropyLoss', `label_smoothing must be between 0.0 and 1.0. Got: ${s}`);
    this.labelSmoothing = s;
  }
  protected compute(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction as R,
      labelSmoothing: this.labelSmoothing,
    });
  }
}

/** Binary cross entropy of probabilities; see `nn.functional.binaryCrossEntropy`. @example new nn.BCELoss().call(probs, labels) */
export class BCELoss extends Loss {
  declare weight: Tensor | null;
  constructor(opts: LossOptions & { weight?: Tensor | null } = {}) {
    super('BCELoss', opts);
    this.registerBuffer('weight', optionalTensor('BCELoss', 'weight', opts.weight));
  }
  protected compute(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction as R });
  }
}

/**
 * Binary cross entropy of logits; see `nn.functional.binaryCrossEntropyWithLogits`. `weight` and
 * `posWeight` are buffers (`weight`, `pos_weight` in the state dict).
 * @example new nn.BCEWithLogitsLoss({ posWeight: nb.tensor([3]) }).call(logits, labels)
 */
export class BCEWithLogitsLoss extends Loss {
  declare weight: Tensor | null;
  declare pos_weight: Tensor | null;
  constructor(opts: LossOptions & { weight?: Tensor | null; posWeight?: Tensor | null } = {}) {
    super('BCEWithLogitsLoss', opts);
    this.registerBuffer('weight', optionalTensor('BCEWithLogitsLoss', 'weight', opts.weight));
    this.registerBuffer('pos_weight', optionalTensor('BCEWithLogitsLoss', 'posWeight', opts.posWeight));
  }
  /** The positive-class weight (the `pos_weight` buffer). */
  get posWeight(): Tensor | null {
    return this.pos_weight;
  }
  protected compute(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, {
      weight: this.weight,
      posWeight: this.pos_weight,
      reduction: this.reduction as R,
    });
  }
}

/**
 * Kullback-Leibler divergence; see `nn.functional.klDiv` (reductions include `'batchmean'`).
 * @example new nn.KLDivLoss({ reduction: 'batchmean' }).call(logProbs, probs)
 */
export class KLDivLoss extends Loss {
  readonly logTarget: boolean;
  constructor(opts: Omit<LossOptions, 'reduction'> & F.KlDivOptions = {}) {
    super('KLDivLoss', opts as LossOptions, ['mean', 'batchmean', 'sum', 'none']);
    this.logTarget = boolOption('KLDivLoss', 'logTarget', opts.logTarget, false);
  }
  protected compute(input: Tensor, target: Tensor): Tensor {
    return F.klDiv(input, target, {
      reduction: this.reduction as F.KlDivOptions['reduction'],
      logTarget: this.logTarget,
    });
  }
}

/**
 * Connectionist temporal classification loss; see `nn.functional.ctcLoss`.
 * @example new nn.CTCLoss({ zeroInfinity: true }).call(logProbs, targets, inputLengths, targetLengths)
 */
export class CTCLoss extends Loss<[Tensor, Tensor, CtcLengths, CtcLengths]> {
  readonly blank: number;
  readonly zeroInfinity: boolean;
  constructor(opts: LossOptions & { blank?: number; zeroInfinity?: boolean } = {}) {
    super('CTCLoss', opts);
    this.blank = numberOption('CTCLoss', 'blank', opts.blank, 0);
    if (!Number.isInteger(this.blank) || this.blank < 0) {
      throw new ValueError('CTCLoss', `expected blank to be a non-negative integer, got ${this.blank}`);
    }
    this.zeroInfinity = boolOption('CTCLoss', 'zeroInfinity', opts.zeroInfinity, false);
  }
  protected compute(logProbs: Tensor, targets: Tensor, inputLengths: CtcLengths, targetLengths: CtcLengths): Tensor {
    return F.ctcLoss(logProbs, targets, inputLengths, targetLengths, {
      blank: this.blank,
      zeroInfinity: this.zeroInfinity,
      reduction: this.reduction as R,
    });
  }
}
