// Axis ticks at "nice" numbers: steps of 1, 2 or 5 times a power of ten, and decades on log axes.

/** A nice axis: its domain (widened to whole steps) and tick positions. */
export interface NiceAxis {
  lo: number;
  hi: number;
  step: number;
  ticks: number[];
}

/**
 * The nice step (1, 2 or 5 × 10^k) closest to `range / target`.
 * @example plot.niceStep(7.3, 5) // 2
 */
export function niceStep(range: number, target = 5): number {
  const raw = range / Math.max(1, target);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

/**
 * Ticks for data in [lo, hi]: about `target` ticks on a 1-2-5 step, with the domain widened to
 * the enclosing multiples of the step. An empty or degenerate range is padded. `integer` keeps
 * the step a whole number (epochs, counts).
 * @example plot.niceTicks(0.13, 0.92).ticks // [0, 0.2, 0.4, 0.6, 0.8, 1]
 */
export function niceTicks(lo: number, hi: number, target = 5, integer = false): NiceAxis {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1];
  if (lo > hi) [lo, hi] = [hi, lo];
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    [lo, hi] = [lo - pad, hi + pad];
  }
  let step = niceStep(hi - lo, target);
  if (integer) step = Math.max(1, Math.round(step));
  const a = Math.floor(lo / step + 1e-9);
  const b = Math.ceil(hi / step - 1e-9);
  const ticks: number[] = [];
  // Multiplying integers by the step (rather than adding steps) keeps 0.1 + 0.2 artefacts out.
  for (let i = a; i <= b; i++) ticks.push(clean(i * step, step));
  return { lo: ticks[0], hi: ticks[ticks.length - 1], step, ticks };
}

/**
 * Ticks for a log axis over positive [lo, hi]: whole decades, plus 2× and 5× when the data span
 * fewer than three decades.
 * @example plot.logTicks(0.2, 8).ticks // [0.1, 0.2, 0.5, 1, 2, 5, 10]
 */
export function logTicks(lo: number, hi: number): NiceAxis {
  if (!(lo > 0) || !Number.isFinite(lo)) lo = 1;
  if (!(hi > 0) || !Number.isFinite(hi)) hi = lo * 10;
  if (lo > hi) [lo, hi] = [hi, lo];
  const e0 = Math.floor(Math.log10(lo) + 1e-9);
  let e1 = Math.ceil(Math.log10(hi) - 1e-9);
  if (e1 === e0) e1++;
  const ticks: number[] = [];
  const dense = e1 - e0 < 3;
  for (let e = e0; e <= e1; e++) {
    for (const m of dense && e < e1 ? [1, 2, 5] : [1]) ticks.push(Number(`${m}e${e}`));
  }
  return { lo: Number(`1e${e0}`), hi: Number(`1e${e1}`), step: 10, ticks };
}

function clean(v: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  const r = Number(v.toFixed(Math.min(20, digits)));
  return Object.is(r, -0) ? 0 : r;
}

/**
 * A tick label with as many decimals as the step needs (`0.25`, `1e-6` for tiny or huge values).
 * @example plot.formatTick(0.30000000000000004, 0.1) // '0.3'
 */
export function formatTick(v: number, step: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return v.toExponential(Math.max(0, Math.min(6, significantDecimals(v)))).replace('e+', 'e');
  const decimals = step > 0 && Number.isFinite(step) ? Math.max(0, -Math.floor(Math.log10(step) + 1e-9)) : 2;
  return v.toFixed(Math.min(20, decimals));
}

/** A label for a log-axis tick: plain decimals in [1e-3, 1e4], exponent form beyond. */
export function formatLogTick(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) return String(Number(v.toPrecision(6)));
  return v.toExponential(Math.max(0, significantDecimals(v))).replace('e+', 'e');
}

function significantDecimals(v: number): number {
  const m = v.toExponential(12).split('e')[0].replace(/0+$/, '').replace(/\.$/, '');
  const dot = m.indexOf('.');
  return dot < 0 ? 0 : m.length - dot - 1;
}
