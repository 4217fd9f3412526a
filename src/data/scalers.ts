// Feature scalers: scikit-learn's semantics, computed per feature over dim 0 in float64.
import { ValueError } from '../errors.js';
import { fromArray, Tensor } from '../tensor/tensor.js';
import { EPS, FeatureScaler, type Columns, type ScalerState } from './scalerBase.js';

export type { ScalerState } from './scalerBase.js';

/** Options of `MinMaxScaler`. */
export interface MinMaxScalerOptions {
  /** Target range [low, high] of every feature (default [0, 1]). */
  featureRange?: readonly [number, number];
  /** Clip transformed values into the range (default false). */
  clip?: boolean;
}

/**
 * Scales each feature to `featureRange` using the minimum and maximum seen in `fit`:
 * x' = (x - min) / (max - min) * (high - low) + low. Constant features map to `low`.
 * @example
 * const scaler = new data.MinMaxScaler().fit(xTrain);
 * const xs = scaler.transform(xTest);
 */
export class MinMaxScaler extends FeatureScaler {
  protected readonly name = 'MinMaxScaler';
  featureRange: [number, number];
  clip: boolean;
  dataMin = new Float64Array(0);
  dataMax = new Float64Array(0);
  nSamplesSeen = 0;

  constructor(opts: MinMaxScalerOptions = {}) {
    super();
    const [lo, hi] = opts.featureRange ?? [0, 1];
    if (!(lo < hi)) {
      throw new ValueError(
        'MinMaxScaler',
        `expected featureRange low < high (Minimum of desired feature range must be smaller than maximum.), got [${lo}, ${hi}]`,
      );
    }
    this.featureRange = [lo, hi];
    this.clip = opts.clip ?? false;
  }

  protected reset(): void {
    this.featureShape = null;
    this.nSamplesSeen = 0;
  }

  protected update({ rows, values, f }: Columns): void {
    if (this.nSamplesSeen === 0) {
      this.dataMin = new Float64Array(f).fill(NaN);
      this.dataMax = new Float64Array(f).fill(NaN);
    }
    const { dataMin: mn, dataMax: mx } = this;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < f; j++) {
        const v = values[r * f + j];
        if (Number.isNaN(v)) continue;
        if (!(v >= mn[j])) mn[j] = v; // also replaces the initial NaN
        if (!(v <= mx[j])) mx[j] = v;
      }
    }
    this.nSamplesSeen += rows;
  }

  /** max - min per feature. */
  get dataRange(): Float64Array {
    return this.dataMax.map((v, j) => v - this.dataMin[j]);
  }

  /** Multiplier per feature: (high - low) / range, with a zero range replaced by 1. */
  get scale(): Float64Array {
    const [lo, hi] = this.featureRange;
    return this.dataRange.map((r) => (hi - lo) / (Math.abs(r) < 10 * EPS ? 1 : r));
  }

  /** Offset per feature: low - min * scale. */
  get min(): Float64Array {
    const s = this.scale;
    return this.dataMin.map((m, j) => this.featureRange[0] - m * s[j]);
  }

  transform(x: Tensor): Tensor {
    const xf = this.floatInput('transform', x);
    const y = xf.mul(this.param(this.scale, xf)).add(this.param(this.min, xf));
    return this.clip ? y.clamp(this.featureRange[0], this.featureRange[1]) : y;
  }

  inverseTransform(x: Tensor): Tensor {
    const xf = this.floatInput('inverseTransform', x);
    return xf.sub(this.param(this.min, xf)).div(this.param(this.scale, xf));
  }

  stateDict(): ScalerState {
    this.fitted('MinMaxScaler.stateDict');
    return {
      data_min_: this.stat(this.dataMin),
      data_max_: this.stat(this.dataMax),
      data_range_: this.stat(this.dataRange),
      scale_: this.stat(this.scale),
      min_: this.stat(this.min),
      n_samples_seen_: fromArray(Float64Array.of(this.nSamplesSeen), [], 'float64'),
      feature_range: fromArray(Float64Array.from(this.featureRange), [2], 'float64'),
    };
  }

  loadStateDict(state: ScalerState): this {
    const min = state.data_min_;
    const features = min instanceof Tensor ? [...min.shape] : [];
    const dataMin = this.loadStat(state, 'data_min_');
    const dataMax = this.loadStat(state, 'data_max_', features);
    const range = this.loadStat(state, 'feature_range', [2]);
    const n = this.loadStat(state, 'n_samples_seen_', []);
    if (!(range[0] < range[1]))
      throw new ValueError(
        'MinMaxScaler.loadStateDict',
        `expected feature_range low < high, got [${range[0]}, ${range[1]}]`,
      );
    Object.assign(this, {
      dataMin,
      dataMax,
      featureShape: features,
      nSamplesSeen: n[0],
      featureRange: [range[0], range[1]],
    });
    return this;
  }
}

/** Options of `StandardScaler`. */
export interface StandardScalerOptions {
  /** Subtract the mean (default true). */
  withMean?: boolean;
  /** Divide by the standard deviation (default true). */
  withStd?: boolean;
}

/**
 * Standardizes each feature with the mean and (population) standard deviation seen in `fit`:
 * x' = (x - mean) / std. Constant features keep a scale of 1, so they map to 0.
 * @example
 * const scaler = new data.StandardScaler().fit(xTrain);
 * const z = scaler.transform(xTest); // ~ zero mean, unit variance on the training data
 */
export class StandardScaler extends FeatureScaler {
  protected readonly name = 'StandardScaler';
  withMean: boolean;
  withStd: boolean;
  mean = new Float64Array(0);
  /** Population variance per feature (ddof = 0). */
  var = new Float64Array(0);
  /** Non-NaN samples seen per feature. */
  nSamplesSeen = new Float64Array(0);

  constructor(opts: StandardScalerOptions = {}) {
    super();
    this.withMean = opts.withMean ?? true;
    this.withStd = opts.withStd ?? true;
  }

  protected reset(): void {
    this.featureShape = null;
    this.nSamplesSeen = new Float64Array(0);
  }

  protected update({ rows, values, f }: Columns): void {
    if (this.nSamplesSeen.length === 0) {
      this.mean = new Float64Array(f);
      this.var = new Float64Array(f);
      this.nSamplesSeen = new Float64Array(f);
    }
    for (let j = 0; j < f; j++) {
      // This batch's count, mean and sum of squared deviations (two passes, for accuracy) ...
      let n = 0;
      let sum = 0;
      for (let r = 0; r < rows; r++) {
        const v = values[r * f + j];
        if (!Number.isNaN(v)) {
          n++;
          sum += v;
        }
      }
      if (n === 0) continue;
      const m = sum / n;
      let m2 = 0;
      for (let r = 0; r < rows; r++) {
        const v = values[r * f + j];
        if (!Number.isNaN(v)) m2 += (v - m) * (v - m);
      }
      // ... merged with the running ones (Chan, Golub and LeVeque's pairwise update).
      const na = this.nSamplesSeen[j];
      const total = na + n;
      const delta = m - this.mean[j];
      const m2a = this.var[j] * na;
      this.mean[j] += (delta * n) / total;
      this.var[j] = (m2a + m2 + (delta * delta * na * n) / total) / total;
      this.nSamplesSeen[j] = total;
    }
  }

  /** Standard deviation per feature, 1 where the feature is constant (scikit-learn's test). */
  get scale(): Float64Array {
    return this.var.map((v, j) => {
      const n = this.nSamplesSeen[j];
      const bound = n * EPS * v + (n * this.mean[j] * EPS) ** 2;
      return v <= bound ? 1 : Math.sqrt(v);
    });
  }

  transform(x: Tensor): Tensor {
    let y = this.floatInput('transform', x);
    if (this.withMean) y = y.sub(this.param(this.mean, y));
    if (this.withStd) y = y.div(this.param(this.scale, y));
    return y;
  }

  inverseTransform(x: Tensor): Tensor {
    let y = this.floatInput('inverseTransform', x);
    if (this.withStd) y = y.mul(this.param(this.scale, y));
    if (this.withMean) y = y.add(this.param(this.mean, y));
    return y;
  }

  stateDict(): ScalerState {
    this.fitted('StandardScaler.stateDict');
    const state: ScalerState = {
      mean_: this.stat(this.mean),
      var_: this.stat(this.var),
      n_samples_seen_: this.stat(this.nSamplesSeen),
      with_mean: fromArray(Uint8Array.of(this.withMean ? 1 : 0), [], 'bool'),
      with_std: fromArray(Uint8Array.of(this.withStd ? 1 : 0), [], 'bool'),
    };
    if (this.withStd) state.scale_ = this.stat(this.scale);
    return state;
  }

  loadStateDict(state: ScalerState): this {
    const m = state.mean_;
    const features = m instanceof Tensor ? [...m.shape] : [];
    const mean = this.loadStat(state, 'mean_');
    const variance = this.loadStat(state, 'var_', features);
    const seen = this.loadStat(state, 'n_samples_seen_', features);
    const withMean = this.loadStat(state, 'with_mean', [])[0] !== 0;
    const withStd = this.loadStat(state, 'with_std', [])[0] !== 0;
    Object.assign(this, { mean, var: variance, nSamplesSeen: seen, featureShape: features, withMean, withStd });
    return this;
  }
}
