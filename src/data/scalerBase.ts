// Feature scalers with scikit-learn's semantics: statistics per feature over dim 0, computed in
// float64 and ignoring NaNs; constant features keep a scale of 1 (so they map to the range's
// low end or to 0 instead of dividing by zero). Transforms are tensor ops in the input's float
// dtype, so they are differentiable and keep NaNs as NaNs.
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { isFloat } from '../tensor/dtype.js';
import { numelOf } from '../tensor/shape.js';
import { fromArray, Tensor } from '../tensor/tensor.js';

export const EPS = 2.220446049250313e-16; // float64 machine epsilon, as numpy's finfo(float64).eps

/** Scalers' state: float64 tensors with scikit-learn's attribute names. */
export type ScalerState = Record<string, Tensor>;

/** One batch of rows, flattened to `rows` x `f` values. */
export interface Columns {
  features: number[];
  rows: number;
  values: ArrayLike<number>;
  f: number;
}

export abstract class FeatureScaler {
  /** Shape of one sample (the input's shape without dim 0); null until fitted. */
  featureShape: number[] | null = null;
  protected abstract readonly name: string;

  /** Computes the statistics from `x` (`[N, *features]`), forgetting earlier ones. */
  fit(x: Tensor): this {
    this.reset();
    return this.partialFit(x);
  }

  /** Updates the statistics with more rows (for data that does not fit in one tensor). */
  partialFit(x: Tensor): this {
    const cols = this.columns('partialFit', x, this.featureShape !== null);
    this.featureShape ??= cols.features;
    this.update(cols);
    return this;
  }

  /** `fit(x)` then `transform(x)`. */
  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  /** Scales `x` with the fitted statistics. */
  abstract transform(x: Tensor): Tensor;
  /** Undoes `transform`. */
  abstract inverseTransform(x: Tensor): Tensor;
  /** The fitted state as float64 tensors (save with `io.encode` / `io.toJson`). */
  abstract stateDict(): ScalerState;
  /** Restores a state saved by `stateDict`. */
  abstract loadStateDict(state: ScalerState): this;
  protected abstract reset(): void;
  protected abstract update(cols: Columns): void;

  protected columns(method: string, x: Tensor, checkShape: boolean): Columns {
    const op = `${this.name}.${method}`;
    if (!(x instanceof Tensor)) throw new DTypeError(op, `expected a Tensor, got ${x === null ? 'null' : typeof x}`);
    if (x.ndim === 0) throw new ShapeError(op, 'expected a tensor [N, *features], got a 0-d tensor', [x.shape]);
    if (x.dtype === 'bool') throw new DTypeError(op, 'expected a numeric tensor, got bool');
    const features = x.shape.slice(1);
    if (checkShape) this.checkFeatures(op, x);
    if (method !== 'transform' && method !== 'inverseTransform' && x.shape[0] === 0) {
      throw new ValueError(
        op,
        `expected at least one sample (Found array with 0 sample(s)), got shape ${fmtShape(x.shape)}`,
      );
    }
    return { features, rows: x.shape[0], values: x.data(), f: numelOf(features) };
  }

  protected fitted(op: string): number[] {
    if (this.featureShape === null) {
      throw new ValueError(
        op,
        `expected a fitted scaler (This ${this.name} instance is not fitted yet. Call 'fit' with appropriate arguments before using this estimator.), got an unfitted one`,
      );
    }
    return this.featureShape;
  }

  protected checkFeatures(op: string, x: Tensor): void {
    const want = this.fitted(op);
    const got = x.shape.slice(1);
    if (got.length !== want.length || got.some((d, i) => d !== want[i])) {
      throw new ShapeError(
        op,
        `expected input [N, ${want.join(', ')}] with the features it was fitted on (X has ${numelOf(got)} features, but ${this.name} is expecting ${numelOf(want)} features as input), got ${fmtShape(x.shape)}`,
        [x.shape],
      );
    }
  }

  /** A per-feature statistic as a tensor broadcastable against `x`. */
  protected param(values: Float64Array, x: Tensor): Tensor {
    return fromArray(values, this.featureShape ?? [values.length], 'float64').to(x.dtype);
  }

  protected floatInput(method: string, x: Tensor): Tensor {
    this.checkFeatures(`${this.name}.${method}`, x);
    if (x.dtype === 'bool') throw new DTypeError(`${this.name}.${method}`, 'expected a numeric tensor, got bool');
    return isFloat(x.dtype) ? x : x.to('float32');
  }

  protected stat(values: Float64Array): Tensor {
    return fromArray(Float64Array.from(values), [...(this.featureShape ?? [values.length])], 'float64');
  }

  protected loadStat(state: ScalerState, key: string, features?: number[]): Float64Array {
    const op = `${this.name}.loadStateDict`;
    const t = state[key];
    if (!(t instanceof Tensor)) {
      throw new ValueError(
        op,
        `expected key '${key}' in the state (Missing key(s) in state_dict: "${key}"), got keys [${Object.keys(state).join(', ')}]`,
      );
    }
    if (features !== undefined && (t.ndim !== features.length || t.shape.some((d, i) => d !== features[i]))) {
      throw new ShapeError(op, `expected '${key}' of shape ${fmtShape(features)}, got ${fmtShape(t.shape)}`, [t.shape]);
    }
    return Float64Array.from(t.data());
  }
}
