// Scatter plots and histograms.
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { extent, layout, type ChartOptions, type LegendItem } from './axes.js';
import { PALETTE, el, numbers, svgDoc } from './svg.js';
import { niceTicks } from './ticks.js';

/** One group of points. */
export interface ScatterSeries {
  name: string;
  x: ArrayLike<number> | Tensor;
  y: ArrayLike<number> | Tensor;
  color?: string;
}

/** Options of `scatter`. */
export interface ScatterOptions extends ChartOptions {
  /** Point radius in pixels (default 3). */
  radius?: number;
  /** Logarithmic y axis (non-positive values are left out). */
  logY?: boolean;
}

/**
 * A scatter plot as an SVG string: one `<circle>` per finite point, a colour and legend entry
 * per series (no legend for a single unnamed series).
 * @example plot.scatter([{ name: 'test', x: target, y: prediction }], { xLabel: 'true', yLabel: 'predicted' })
 */
export function scatter(series: ScatterSeries[] | Omit<ScatterSeries, 'name'>, opts: ScatterOptions = {}): string {
  const op = 'scatter';
  const list: ScatterSeries[] = Array.isArray(series) ? series : [{ name: '', ...series }];
  if (list.length === 0) throw new ValueError(op, 'expected at least one series, got none');
  const data = list.map((s, i) => {
    const x = numbers(op, s.x, `series ${i} x`);
    const y = numbers(op, s.y, `series ${i} y`);
    if (x.length !== y.length)
      throw new ValueError(op, `expected as many x as y values, got ${x.length} and ${y.length}`);
    if (opts.logY) for (let j = 0; j < y.length; j++) if (!(y[j] > 0)) y[j] = NaN;
    return { name: s.name, x, y, color: s.color ?? PALETTE[i % PALETTE.length] };
  });
  const xs = extent(data.map((d) => d.x)) ?? [0, 1];
  const ys =
    extent(
      data.map((d) => d.y),
      opts.logY,
    ) ?? (opts.logY ? [1, 10] : [0, 1]);
  const legend: LegendItem[] = data.filter((d) => d.name).map((d) => ({ name: d.name, color: d.color, kind: 'box' }));
  const frame = layout(opts, { lo: xs[0], hi: xs[1] }, { lo: ys[0], hi: ys[1], log: opts.logY }, legend);
  const r = opts.radius ?? 3;
  const dots = data.map((d) => {
    let out = '';
    for (let j = 0; j < d.x.length; j++) {
      if (!Number.isFinite(d.x[j]) || !Number.isFinite(d.y[j])) continue;
      out += el('circle', { cx: frame.sx(d.x[j]), cy: frame.sy(d.y[j]), r, fill: d.color, 'fill-opacity': 0.75 });
    }
    return el('g', { class: 'series', 'data-series': d.name || undefined }, out);
  });
  return svgDoc(opts.width ?? 640, opts.height ?? 400, frame.svg + dots.join(''), opts.title);
}

/** Options of `histogram`. */
export interface HistogramOptions extends ChartOptions {
  /** Number of equal-width bins (default 20). */
  bins?: number;
  /** The binned range (default: the data's min and max); values outside are left out. */
  range?: [number, number];
  /** Bar heights as a probability density (area 1) instead of counts. */
  density?: boolean;
  color?: string;
}

/**
 * A histogram as an SVG string: one `<rect class="bar">` per bin; bins are equal-width over the
 * range and include their left edge (the last one both edges, as NumPy's).
 * @example plot.histogram(model.fc1.weight, { bins: 30, title: 'fc1 weights' })
 */
export function histogram(values: ArrayLike<number> | Tensor, opts: HistogramOptions = {}): string {
  const op = 'histogram';
  const v = numbers(op, values, 'values');
  const bins = opts.bins ?? 20;
  if (!Number.isInteger(bins) || bins < 1)
    throw new ValueError(op, `expected bins to be a positive integer, got ${bins}`);
  let [lo, hi] = opts.range ?? extent([v]) ?? [0, 1];
  if (!(hi >= lo)) throw new ValueError(op, `expected range [lo, hi] with lo <= hi, got [${lo}, ${hi}]`);
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const width = (hi - lo) / bins;
  const counts = new Float64Array(bins);
  let total = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (!(x >= lo && x <= hi)) continue;
    counts[Math.min(bins - 1, Math.floor((x - lo) / width))]++;
    total++;
  }
  const heights = opts.density ? counts.map((c) => (total ? c / (total * width) : 0)) : counts;
  const top = Math.max(...heights, opts.density ? 0 : 1);
  const xAxis = { lo, hi };
  const y = niceTicks(0, top);
  const frame = layout({ yLabel: opts.density ? 'density' : 'count', ...opts }, xAxis, {
    lo: 0,
    hi: y.hi,
    integer: !opts.density,
  });
  const color = opts.color ?? PALETTE[0];
  const bars = Array.from(heights, (hgt, i) => {
    const x0 = frame.sx(lo + i * width);
    const x1 = frame.sx(lo + (i + 1) * width);
    const y0 = frame.sy(hgt);
    return el('rect', {
      class: 'bar',
      x: x0,
      y: y0,
      width: Math.max(0, x1 - x0 - 1),
      height: frame.sy(0) - y0,
      fill: color,
      'data-count': counts[i],
    });
  });
  return svgDoc(
    opts.width ?? 640,
    opts.height ?? 400,
    frame.svg + el('g', { class: 'series' }, bars.join('')),
    opts.title,
  );
}
