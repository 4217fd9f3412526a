// nn.init's two initializers with real numerics: truncNormal_ (inverse CDF of the truncated
// normal) and orthogonal_ (Householder QR in float64). Re-exported by init.ts.
import { erfc } from '../backend/js/math.js';
import { DTypeError, ValueError, fmtShape } from '../errors.js';
import { checkTensor } from '../ops/operands.js';
import { allocate, isFloat } from '../tensor/dtype.js';
import { generatorOf, type GeneratorOptions } from '../tensor/generator.js';
import { fromArray, type Tensor } from '../tensor/tensor.js';
import { gainOf, write, type XavierOptions } from './init.js';

// Standard normal CDF and its inverse (Acklam's rational approximation, then one Halley step on
// the erfc-based CDF, which brings it to about full float64 accuracy).
const normCdf = (x: number) => 0.5 * erfc(-x / Math.SQRT2);
const ICDF_A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
];
const ICDF_B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const ICDF_C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const ICDF_D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

function normIcdf(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const [a, b, c, d] = [ICDF_A, ICDF_B, ICDF_C, ICDF_D];
  let x: number;
  if (p < 0.02425 || p > 1 - 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p < 0.5 ? p : 1 - p));
    x =
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    if (p > 0.5) x = -x;
  } else {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
      (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  const u = (normCdf(x) - p) * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/**
 * In place: samples from N(mean, std^2) truncated to [a, b], by the inverse CDF of the
 * truncated distribution (exact, no rejection loop; accurate in either tail).
 * @example nn.init.truncNormal_(w, 0, 0.02, -0.04, 0.04)
 */
export function truncNormal_<T extends Tensor>(
  tensor: T,
  mean = 0,
  std = 1,
  a = -2,
  b = 2,
  opts?: GeneratorOptions,
): T {
  const op = 'truncNormal_';
  checkTensor(op, tensor, 'tensor');
  if (!isFloat(tensor.dtype)) throw new DTypeError(op, `expected a floating point tensor, got ${tensor.dtype}`);
  if (!(std > 0) || !Number.isFinite(std)) throw new ValueError(op, `expected a finite std > 0, got ${std}`);
  if (!(a < b)) throw new ValueError(op, `expected a < b, got a=${a}, b=${b}`);
  const g = generatorOf(op, opts);
  // Work in the lower tail, where the CDF keeps its precision: mirror a range above the mean.
  const flip = (a - mean) / std > 0;
  const lo = flip ? -(b - mean) / std : (a - mean) / std;
  const hi = flip ? -(a - mean) / std : (b - mean) / std;
  const pl = normCdf(lo);
  const ph = normCdf(hi);
  const data = allocate(tensor.dtype, tensor.numel());
  for (let i = 0; i < data.length; i++) {
    const z = Math.min(Math.max(normIcdf(pl + (ph - pl) * g.random()), lo), hi);
    data[i] = Math.min(Math.max(mean + std * (flip ? -z : z), a), b);
  }
  write(tensor, fromArray(data, [...tensor.shape], tensor.dtype));
  return tensor;
}

// Reduced QR of an m x n matrix (m >= n, row-major float64) by Householder reflections; returns
// Q (m x n) with its columns' signs chosen so that diag(R) > 0, which makes Q unique and, for a
// Gaussian input, Haar-distributed.
function orthonormalColumns(A: Float64Array, m: number, n: number): Float64Array {
  const vs: Float64Array[] = [];
  const rdiag: number[] = [];
  for (let k = 0; k < n; k++) {
    const v = new Float64Array(m - k);
    let norm = 0;
    for (let i = k; i < m; i++) {
      v[i - k] = A[i * n + k];
      norm += v[i - k] * v[i - k];
    }
    norm = Math.sqrt(norm);
    const alpha = v[0] > 0 ? -norm : norm;
    rdiag.push(alpha);
    v[0] -= alpha;
    let vn = 0;
    for (let i = 0; i < v.length; i++) vn += v[i] * v[i];
    vn = Math.sqrt(vn);
    if (vn > 0) for (let i = 0; i < v.length; i++) v[i] /= vn;
    vs.push(v);
    // A[k:, k:] -= 2 v (v^T A[k:, k:])
    for (let j = k; j < n; j++) {
      let s = 0;
      for (let i = k; i < m; i++) s += v[i - k] * A[i * n + j];
      for (let i = k; i < m; i++) A[i * n + j] -= 2 * v[i - k] * s;
    }
  }
  // Q = H_0 ... H_{n-1} I[:, :n], applied right to left.
  const Q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) Q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k];
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = k; i < m; i++) s += v[i - k] * Q[i * n + j];
      for (let i = k; i < m; i++) Q[i * n + j] -= 2 * v[i - k] * s;
    }
  }
  for (let j = 0; j < n; j++) {
    if (rdiag[j] < 0) for (let i = 0; i < m; i++) Q[i * n + j] = -Q[i * n + j];
  }
  return Q;
}

/**
 * In place: a (semi-)orthogonal matrix times `gain`: the tensor is viewed as
 * `[shape[0], numel / shape[0]]`, and its rows (if fewer than columns) or columns are orthonormal,
 * from the QR decomposition (in float64) of a Gaussian matrix.
 * @see https://arxiv.org/abs/1312.6120
 * @example nn.init.orthogonal_(rnn.weight_hh_l0)
 */
export function orthogonal_<T extends Tensor>(tensor: T, gain: number | XavierOptions = 1, opts?: GeneratorOptions): T {
  const op = 'orthogonal_';
  checkTensor(op, tensor, 'tensor');
  if (tensor.ndim < 2) {
    throw new ValueError(
      op,
      `expected a tensor with 2 or more dimensions (Only tensors with 2 or more dimensions are supported), got shape ${fmtShape(tensor.shape)}`,
    );
  }
  if (!isFloat(tensor.dtype)) throw new DTypeError(op, `expected a floating point tensor, got ${tensor.dtype}`);
  if (tensor.numel() === 0) return tensor;
  const [gn, o] = gainOf(gain);
  const g = generatorOf(op, opts ?? o);
  const rows = tensor.shape[0];
  const cols = tensor.numel() / rows;
  // Factor the tall orientation; a wide matrix gets orthonormal rows via its transpose.
  const [m, n] = rows < cols ? [cols, rows] : [rows, cols];
  const A = new Float64Array(m * n);
  for (let i = 0; i < A.length; i++) A[i] = g.normal();
  const Q = orthonormalColumns(A, m, n);
  const data = allocate(tensor.dtype, rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) data[r * cols + c] = gn * (rows < cols ? Q[c * n + r] : Q[r * n + c]);
  }
  write(tensor, fromArray(data, [...tensor.shape], tensor.dtype));
  return tensor;
}
