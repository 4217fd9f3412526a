// The numerical core of PyTorch's LBFGS on flat typed arrays: the two-loop recursion and the
// strong-Wolfe line search (itself a port of minFunc / torch7's lswolfe.lua). Scalars are JS doubles; dot products are rounded to the
// parameter dtype, as PyTorch's 0-d tensors are.
import { allocate, type DType, type TypedArray } from '../tensor/dtype.js';
import type { Round } from './util.js';

/** Evaluates the loss and flat gradient at `x + t·d` (and restores `x`). */
export type DirectionalEval = (t: number, d: TypedArray) => [number, TypedArray];

/** `a · b`, accumulated in double and rounded to the dtype. */
export function dot(a: TypedArray, b: TypedArray, R: Round): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return R(s);
}

/** max |a_i| (0 for an empty vector). */
export function absMax(a: TypedArray): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m || Number.isNaN(v)) m = v;
  }
  return m;
}

/**
 * The L-BFGS direction `d = -H·g` by the two-loop recursion, `H` the inverse-Hessian estimate
 * from the pairs (s_k = `stps[k]`, y_k = `dirs[k]`, ρ_k = 1/(y_k·s_k)) scaled by `hDiag`.
 */
export function twoLoopDirection(
  g: TypedArray,
  dirs: readonly TypedArray[],
  stps: readonly TypedArray[],
  ro: readonly number[],
  hDiag: number,
  R: Round,
): TypedArray {
  const n = g.length;
  const dtype: DType = g instanceof Float32Array ? 'float32' : 'float64';
  const al = new Array<number>(dirs.length).fill(0);
  const q = allocate(dtype, n);
  for (let i = 0; i < n; i++) q[i] = -g[i];
  for (let k = dirs.length - 1; k >= 0; k--) {
    al[k] = R(dot(stps[k], q, R) * ro[k]);
    const a = -al[k];
    const y = dirs[k];
    for (let i = 0; i < n; i++) q[i] = R(q[i] + a * y[i]);
  }
  const r = allocate(dtype, n);
  for (let i = 0; i < n; i++) r[i] = q[i] * hDiag;
  for (let k = 0; k < dirs.length; k++) {
    const be = R(dot(dirs[k], r, R) * ro[k]);
    const a = R(al[k] - be);
    const s = stps[k];
    for (let i = 0; i < n; i++) r[i] = R(r[i] + a * s[i]);
  }
  return r;
}

/**
 * Minimizer of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to `bounds` (default
 * the interval between the points); the midpoint when the cubic has no real minimizer.
 */
export function cubicInterpolate(
  x1: number,
  f1: number,
  g1: number,
  x2: number,
  f2: number,
  g2: number,
  bounds?: [number, number],
): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 * d1 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos =
      x1 <= x2
        ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return Math.min(Math.max(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}

/**
 * Finds a step `t` along `d` satisfying the strong Wolfe conditions (sufficient decrease `c1`,
 * curvature `c2`): a bracketing phase, then a zoom by cubic interpolation. Returns the loss,
 * flat gradient and step found, and the number of evaluations.
 */
export function strongWolfe(
  obj: DirectionalEval,
  t0: number,
  d: TypedArray,
  f: number,
  g: TypedArray,
  gtd: number,
  R: Round,
  { c1 = 1e-4, c2 = 0.9, toleranceChange = 1e-9, maxLs = 25 } = {},
): { loss: number; grad: TypedArray; t: number; evals: number } {
  let t = t0;
  const dNorm = absMax(d);
  let [fNew, gNew] = obj(t, d);
  let evals = 1;
  let gtdNew = dot(gNew, d, R);
  let tPrev = 0;
  let fPrev = f;
  let gPrev = g;
  let gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [];
  let bf: number[] = [];
  let bg: TypedArray[] = [];
  let bgtd: number[] = [];
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      [bracket, bf, bg, bgtd] = [
        [tPrev, t],
        [fPrev, fNew],
        [gPrev, gNew],
        [gtdPrev, gtdNew],
      ];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      [bracket, bf, bg] = [[t], [fNew], [gNew]];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      [bracket, bf, bg, bgtd] = [
        [tPrev, t],
        [fPrev, fNew],
        [gPrev, gNew],
        [gtdPrev, gtdNew],
      ];
      break;
    }
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    tPrev = tmp;
    fPrev = fNew;
    gPrev = gNew;
    gtdPrev = gtdNew;
    [fNew, gNew] = obj(t, d);
    evals++;
    gtdNew = dot(gNew, d, R);
    lsIter++;
  }
  if (lsIter === maxLs) {
    [bracket, bf, bg] = [
      [0, t],
      [f, fNew],
      [g, gNew],
    ];
  }

  // Zoom: shrink the bracket until a point satisfies the conditions.
  let insufProgress = false;
  let [low, high] = bf[0] <= bf[bf.length - 1] ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (Math.abs(bracket[1] - bracket[0]) * dNorm < toleranceChange) break;
    t = cubicInterpolate(bracket[0], bf[0], bgtd[0], bracket[1], bf[1], bgtd[1]);
    const bMax = Math.max(...bracket);
    const bMin = Math.min(...bracket);
    const eps = 0.1 * (bMax - bMin);
    if (Math.min(bMax - t, t - bMin) < eps) {
      // Too close to an end: move a tenth of the bracket inside if this keeps happening.
      if (insufProgress || t >= bMax || t <= bMin) {
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insufProgress = false;
      } else insufProgress = true;
    } else insufProgress = false;
    [fNew, gNew] = obj(t, d);
    evals++;
    gtdNew = dot(gNew, d, R);
    lsIter++;
    if (fNew > f + c1 * t * gtd || fNew >= bf[low]) {
      bracket[high] = t;
      bf[high] = fNew;
      bg[high] = gNew;
      bgtd[high] = gtdNew;
      [low, high] = bf[0] <= bf[1] ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) done = true;
      else if (gtdNew * (bracket[high] - bracket[low]) >= 0) {
        bracket[high] = bracket[low];
        bf[high] = bf[low];
        bg[high] = bg[low];
        bgtd[high] = bgtd[low];
      }
      bracket[low] = t;
      bf[low] = fNew;
      bg[low] = gNew;
      bgtd[low] = gtdNew;
    }
  }
  return { loss: bf[low], grad: bg[low], t: bracket[low], evals };
}
