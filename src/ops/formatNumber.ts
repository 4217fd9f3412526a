// Exact decimal formatting of doubles, the way Python's `format(x, '.4f')` and `'.4e'` do it:
// from the exact binary value, rounding half to even. `Number.prototype.toFixed` rounds ties
// away from zero (0.03125 -> "0.0313" where PyTorch prints 0.0312) and switches to exponents
// past 1e21, so tensor printing cannot use it.

const view = new DataView(new ArrayBuffer(8));

// |x| = digits * 10^exp10, exactly (a double is m * 2^e, and 2^-k = 5^k / 10^k).
function exactDecimal(x: number): { digits: bigint; exp10: number } {
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e = -1074;
  if (biased !== 0) {
    m |= 1n << 52n;
    e = biased - 1075;
  }
  if (e >= 0) return { digits: m << BigInt(e), exp10: 0 };
  return { digits: m * 5n ** BigInt(-e), exp10: e };
}

// round(digits * 10^shift), ties to even.
function scaleRound(digits: bigint, shift: number): bigint {
  if (shift >= 0) return digits * 10n ** BigInt(shift);
  const div = 10n ** BigInt(-shift);
  const q = digits / div;
  const twice = 2n * (digits % div);
  return twice > div || (twice === div && (q & 1n) === 1n) ? q + 1n : q;
}

function nonFinite(x: number): string | null {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return null;
}

function signOf(x: number): string {
  return x < 0 || Object.is(x, -0) ? '-' : '';
}

/** Python's `format(x, '.{digits}f')`: fixed point, exact half-to-even rounding, `nan`/`inf`. */
export function formatFixed(x: number, digits: number): string {
  const nf = nonFinite(x);
  if (nf !== null) return nf;
  const { digits: d, exp10 } = exactDecimal(x);
  const s = scaleRound(d, exp10 + digits)
    .toString()
    .padStart(digits + 1, '0');
  const int = s.slice(0, s.length - digits);
  return signOf(x) + (digits > 0 ? `${int}.${s.slice(s.length - digits)}` : int);
}

/** Python's `format(x, '.{digits}e')`: one leading digit, at least two exponent digits. */
export function formatSci(x: number, digits: number): string {
  const nf = nonFinite(x);
  if (nf !== null) return nf;
  let mant: string;
  let exp = 0;
  if (x === 0) mant = '0'.repeat(digits + 1);
  else {
    const { digits: d, exp10 } = exactDecimal(x);
    exp = d.toString().length - 1 + exp10;
    let n = scaleRound(d, exp10 - exp + digits);
    if (n.toString().length > digits + 1) {
      // Rounding carried into a new digit (9.99995 -> 10.0000): shift the exponent.
      exp += 1;
      n /= 10n;
    }
    mant = n.toString();
  }
  const body = digits > 0 ? `${mant[0]}.${mant.slice(1)}` : mant;
  const e = Math.abs(exp).toString().padStart(2, '0');
  return `${signOf(x)}${body}e${exp < 0 ? '-' : '+'}${e}`;
}
