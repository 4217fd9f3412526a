// Python-style formatting for `extraRepr`, so a module prints the way PyTorch prints it
// (`eps=1e-05`, `alpha=1.0`, `bias=True`, `(10,)`).

/**
 * A number as Python's `repr` of a float prints it: shortest round-trip digits, a trailing `.0`
 * on integers, and exponent form (`1e-05`, `1e+16`) outside 1e-4 <= |v| < 1e16.
 */
export function pyFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const [mant, expStr] = v.toExponential().split('e');
  const exp = Number(expStr);
  if (exp < -4 || exp >= 16) {
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${mant}e${exp < 0 ? '-' : '+'}${e}`;
  }
  const s = String(v);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** `True` / `False`. */
export function pyBool(v: boolean): string {
  return v ? 'True' : 'False';
}

/** An integer tuple as Python prints it: `(10,)`, `(2, 3)`. */
export function pyTuple(v: readonly number[]): string {
  return v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`;
}

/** A number or None. */
export function pyOptFloat(v: number | null | undefined): string {
  return v === null || v === undefined ? 'None' : pyFloat(v);
}
