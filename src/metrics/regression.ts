// Regression metrics (nbml's Bench: MSE, NMSE, R², Pearson's r, plus MAE) over all elements of
// the prediction and target. They share one accumulator of means and co-moments, merged batch
// by batch with Chan et al.'s update, so streaming values equal the one-shot ones and sums of
// squares never suffer the cancellation of the naive Σy² − (Σy)²/n.
import { ShapeError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkTensor, values } from './labels.js';

/**
 * Running moments of (prediction, target) pairs: count, means, centred second moments, the
 * co-moment, and the sums of squared and absolute errors.
 * @example
 * const m = new metrics.Moments();
 * m.update(pred, target);
 * m.r2();
 */
export class Moments {
  n = 0;
  meanP = 0;
  meanT = 0;
  m2P = 0;
  m2T = 0;
  cPT = 0;
  sse = 0;
  sae = 0;

  /** Adds the elements of `input` and `target` (same shape). */
  update(input: Tensor, target: Tensor, op = 'Moments.update'): void {
    checkTensor(op, input, 'input');
    checkTensor(op, target, 'target');
    if (input.ndim !== target.ndim || input.shape.some((s, i) => s !== target.shape[i])) {
      throw new ShapeError(
        op,
        `expected input and target of the same shape, got ${fmtShape(input.shape)} and ${fmtShape(target.shape)}`,
        [input.shape, target.shape],
      );
    }
    this.add(values(input), values(target));
  }

  /** Adds aligned arrays of predictions and targets. */
  add(p: ArrayLike<number>, t: ArrayLike<number>): void {
    const nb = p.length;
    if (nb === 0) return;
    let mp = 0;
    let mt = 0;
    for (let i = 0; i < nb; i++) {
      mp += p[i];
      mt += t[i];
    }
    mp /= nb;
    mt /= nb;
    let m2p = 0;
    let m2t = 0;
    let c = 0;
    let sse = 0;
    let sae = 0;
    for (let i = 0; i < nb; i++) {
      const dp = p[i] - mp;
      const dt = t[i] - mt;
      m2p += dp * dp;
      m2t += dt * dt;
      c += dp * dt;
      const e = p[i] - t[i];
      sse += e * e;
      sae += Math.abs(e);
    }
    // Chan et al.: merge (n, mean, M2, C) of two sets.
    const na = this.n;
    const n = na + nb;
    const dP = mp - this.meanP;
    const dT = mt - this.meanT;
    const w = (na * nb) / n;
    this.m2P += m2p + dP * dP * w;
    this.m2T += m2t + dT * dT * w;
    this.cPT += c + dP * dT * w;
    this.meanP += (dP * nb) / n;
    this.meanT += (dT * nb) / n;
    this.n = n;
    this.sse += sse;
    this.sae += sae;
  }

  /** Forgets everything seen. */
  reset(): void {
    this.n = this.meanP = this.meanT = this.m2P = this.m2T = this.cPT = this.sse = this.sae = 0;
  }

  /** Mean squared error Σ(ŷ − y)² / n. */
  mse(): number {
    return this.n === 0 ? NaN : this.sse / this.n;
  }

  /** Mean absolute error Σ|ŷ − y| / n. */
  mae(): number {
    return this.n === 0 ? NaN : this.sae / this.n;
  }

  /** Σ(ŷ − y)² / Σ(y − ȳ)², i.e. MSE / Var(y) (population variance), as nbml's `nmse`. */
  nmse(): number {
    return this.n === 0 ? NaN : this.sse / this.m2T;
  }

  /** 1 − Σ(ŷ − y)² / Σ(y − ȳ)²; for a constant target 1 if the fit is exact, else 0 (scikit-learn). */
  r2(): number {
    if (this.n === 0) return NaN;
    if (this.m2T === 0) return this.sse === 0 ? 1 : 0;
    return 1 - this.sse / this.m2T;
  }

  /** Pearson's r = cov(ŷ, y) / (σ_ŷ σ_y); NaN when either is constant. */
  pearson(): number {
    if (this.n === 0 || this.m2P === 0 || this.m2T === 0) return NaN;
    return this.cPT / Math.sqrt(this.m2P * this.m2T);
  }
}

function moments(op: string, input: Tensor, target: Tensor): Moments {
  const m = new Moments();
  m.update(input, target, op);
  return m;
}

/**
 * Mean squared error over all elements: Σ(ŷ − y)² / n. Shapes must match (no broadcasting).
 * @example metrics.mse(pred, target)
 */
export function mse(input: Tensor, target: Tensor): number {
  return moments('mse', input, target).mse();
}

/**
 * Mean absolute error over all elements: Σ|ŷ − y| / n.
 * @example metrics.mae(pred, target)
 */
export function mae(input: Tensor, target: Tensor): number {
  return moments('mae', input, target).mae();
}

/**
 * Coefficient of determination over all elements: R² = 1 − Σ(ŷ − y)² / Σ(y − ȳ)² (1 for a
 * perfect fit, 0 for predicting the mean; scikit-learn's `r2_score` on flattened data).
 * @example metrics.r2(pred, target)
 */
export function r2(input: Tensor, target: Tensor): number {
  return moments('r2', input, target).r2();
}

/**
 * Pearson's correlation coefficient r = Σ(ŷ − ŷ̄)(y − ȳ) / √(Σ(ŷ − ŷ̄)² Σ(y − ȳ)²) over all elements.
 * @example metrics.pearson(pred, target)
 */
export function pearson(input: Tensor, target: Tensor): number {
  return moments('pearson', input, target).pearson();
}

/**
 * Normalised MSE (nbml's Bench): MSE / Var(y) = Σ(ŷ − y)² / Σ(y − ȳ)², so 1 means "no better than
 * predicting the mean" and R² = 1 − NMSE.
 * @example metrics.nmse(pred, target)
 */
export function nmse(input: Tensor, target: Tensor): number {
  return moments('nmse', input, target).nmse();
}
