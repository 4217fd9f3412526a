// Scalar functions JavaScript's Math lacks, accurate to a few ulps in float64 so that
// finite-difference checks of their derivatives are meaningful.

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

// exp(-x^2) without the error of rounding x^2 first (which costs x^2 ulps: 36 at x = 6).
// Math.fround keeps 24 bits, so hi^2 is exact, and x^2 - hi^2 = (x - hi)(x + hi) is small.
function expNegSquare(x: number): number {
  const hi = Math.fround(x);
  return Math.exp(-hi * hi) * Math.exp(-(x - hi) * (x + hi));
}

// Maclaurin series 2/sqrt(pi) sum (-1)^n x^(2n+1) / (n! (2n+1)); used for |x| < 3/8, where
// the terms shrink by x^2 < 0.15 each and the alternation cancels almost nothing.
function erfSmall(x: number): number {
  if (x === 0) return x; // keeps the sign of -0
  const x2 = x * x;
  let power = x;
  let sum = x;
  for (let n = 1; n < 40; n++) {
    power *= -x2 / n;
    const term = power / (2 * n + 1);
    sum += term;
    if (Math.abs(term) <= Math.abs(sum) * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * sum;
}

// erfc(k/4) for k = 2..12, from mpmath at 50 digits (mpmath.erfc, rounded to float64).
const ERFC_NODES = [
  0.4795001221869535, 0.28884436634648486, 0.15729920705028513, 0.07709987174354177, 0.033894853524689274,
  0.013328328780817557, 0.004677734981047266, 0.0014627165866811518, 0.0004069520174449589, 0.00010062192211963683,
  2.209049699858544e-5,
];

// erfc on [3/8, 25/8) by a Taylor step from the nearest node x0 = k/4:
// erfc(x0 + h) = erfc(x0) - 2/sqrt(pi) e^(-x0^2) sum_{n>=1} (-1)^(n-1) H_(n-1)(x0) h^n / n!,
// since the n-th derivative of e^(-x^2) is (-1)^n H_n(x) e^(-x^2) (physicists' Hermite).
// With |h| <= 1/8 the terms fall like (2 x0 h)^n / n!, so 30 terms are plenty, and subtracting
// from erfc(x0) loses at most a factor e^(2 x0 |h|) < 2.2 in relative accuracy.
function erfcMid(x: number): number {
  const k = Math.round(x * 4);
  const x0 = k / 4;
  const h = x - x0;
  let hPrev = 0; // H_(n-2)
  let hCur = 1; // H_(n-1)
  let term = h; // (-1)^(n-1) h^n / n!
  let sum = term;
  let small = 0; // consecutive negligible terms: one alone may just sit near a root of H_n
  for (let n = 2; n < 40 && small < 2; n++) {
    const next = 2 * x0 * hCur - 2 * (n - 2) * hPrev;
    hPrev = hCur;
    hCur = next;
    term *= -h / n;
    const t = hCur * term;
    sum += t;
    small = Math.abs(t) <= Math.abs(sum) * 1e-17 ? small + 1 : 0;
  }
  return ERFC_NODES[k - 2] - TWO_OVER_SQRT_PI * Math.exp(-x0 * x0) * sum;
}

// erfc(x) for x >= 3 by the continued fraction exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + ...))),
// evaluated with the modified Lentz method; it converges in under 40 steps there.
function erfcFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const an = n / 2;
    d = x + an * d;
    d = d === 0 ? tiny : d;
    c = x + an / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (ONE_OVER_SQRT_PI * expNegSquare(x)) / f;
}

// erfc for x >= 3/8 (the two methods above, split where both are fast).
function erfcPositive(x: number): number {
  if (x === Infinity) return 0;
  return x < 3.125 ? erfcMid(x) : erfcFraction(x);
}

/** The error function, erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 0.375) return erfSmall(x);
  // 1 - erfc is exact to half an ulp of 1 here, far below erf's own size.
  const r = 1 - erfcPositive(ax);
  return x < 0 ? -r : r;
}

/** The complementary error function, erfc(x) = 1 - erf(x), accurate in the far tail. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 0.375) return erfcPositive(x);
  if (x <= -0.375) return 2 - erfcPositive(-x);
  return 1 - erfSmall(x);
}

/** Round half to even, as PyTorch's `round` does (JavaScript's rounds half up). */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x);
  // Math.round(2.5) = 3: on an exact tie, step back to the even neighbour.
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The logistic function, written so neither branch overflows. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Python's modulo: the result takes the divisor's sign. */
export function remainder(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

/**
 * Python's (and PyTorch's) floor division. `Math.floor(a / b)` can be off by one because
 * `a / b` is rounded before the floor (1 // 0.1 is 9, but 1 / 0.1 rounds to 10), so the
 * quotient is rebuilt from the exact remainder instead.
 */
export function floorDivide(a: number, b: number): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let q = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) q -= 1;
  if (q === 0) {
    const s = a / b;
    return s < 0 || Object.is(s, -0) ? -0 : 0;
  }
  const f = Math.floor(q);
  // (a - mod) / b is an integer up to rounding; snap it to the nearest one.
  return q - f > 0.5 ? f + 1 : f;
}

/** PyTorch's sign: -1, 0 or 1, and 0 for NaN (sign(x) = (0 < x) - (x < 0)). */
export function sign(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}
