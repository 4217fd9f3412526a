// The frame every chart shares: margins, scales, grid, axes with tick labels, title, axis labels
// and a legend to the right of the plot area.
import { el, r2, text, textWidth } from './svg.js';
import { formatLogTick, formatTick, logTicks, niceTicks, type NiceAxis } from './ticks.js';

/** Options every chart takes. */
export interface ChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Size in pixels (default 640 × 400). */
  width?: number;
  height?: number;
}

/** One legend entry: a line, a dashed line or a filled box in the series' colour. */
export interface LegendItem {
  name: string;
  color: string;
  kind: 'line' | 'dash' | 'box';
}

/** A continuous axis: data range, log scale, whole-number steps. */
export interface AxisInput {
  lo: number;
  hi: number;
  log?: boolean;
  integer?: boolean;
}

/** The laid-out frame: scales from data to pixels and the SVG of everything but the data. */
export interface Frame {
  sx(v: number): number;
  sy(v: number): number;
  left: number;
  top: number;
  width: number;
  height: number;
  /** Background grid, axes, ticks, labels, title and legend. */
  svg: string;
}

/** The range of the finite (and, for log axes, positive) values, or null when there is none. */
export function extent(arrays: Iterable<ArrayLike<number>>, positiveOnly = false): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (!Number.isFinite(v) || (positiveOnly && v <= 0)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

function axisTicks(a: AxisInput, target: number): NiceAxis & { labels: string[] } {
  const nice = a.log ? logTicks(a.lo, a.hi) : niceTicks(a.lo, a.hi, target, a.integer);
  const labels = nice.ticks.map((t) => (a.log ? formatLogTick(t) : formatTick(t, nice.step)));
  return { ...nice, labels };
}

/**
 * Lays out a chart: continuous x and y axes (nice ticks; log y if asked) or categorical ones
 * (labels at integer positions 0..n-1 when `xCategories` / `yCategories` are given).
 */
export function layout(
  opts: ChartOptions,
  x: AxisInput,
  y: AxisInput,
  legend: LegendItem[] = [],
  cats: { x?: string[]; y?: string[] } = {},
): Frame {
  const width = opts.width ?? 640;
  const height = opts.height ?? 400;
  const xt = cats.x ? categorical(cats.x) : axisTicks(x, Math.max(2, Math.round(width / 110)));
  const yt = cats.y ? categorical(cats.y) : axisTicks(y, Math.max(2, Math.round(height / 70)));
  const yLabelW = Math.max(0, ...yt.labels.map((l) => textWidth(l, 11)));
  const legendW = legend.length ? 34 + Math.max(...legend.map((l) => textWidth(l.name))) : 0;
  const left = 14 + yLabelW + (opts.yLabel ? 22 : 0);
  const top = opts.title ? 36 : 14;
  const right = 16 + legendW;
  const bottom = 30 + (opts.xLabel ? 22 : 0);
  const w = Math.max(10, width - left - right);
  const h = Math.max(10, height - top - bottom);
  const scale = (t: NiceAxis, log: boolean | undefined, v: number, cat: boolean) => {
    if (cat) return (v + 0.5) / t.ticks.length;
    if (log) return (Math.log10(v) - Math.log10(t.lo)) / (Math.log10(t.hi) - Math.log10(t.lo));
    return (v - t.lo) / (t.hi - t.lo);
  };
  const sx = (v: number) => left + scale(xt, x.log, v, !!cats.x) * w;
  const sy = (v: number) => top + h - scale(yt, y.log, v, !!cats.y) * h;
  // A categorical y axis lists its first category at the top, as tables (confusion matrices) do.
  const syCat = (v: number) => top + scale(yt, false, v, true) * h;
  const yPos = cats.y ? syCat : sy;

  const parts: string[] = [];
  const grid = (x1: number, y1: number, x2: number, y2: number) =>
    el('line', { x1, y1, x2, y2, stroke: '#e6e6e6', 'stroke-width': 1 });
  const tickStyle = { 'font-size': 11, fill: '#333333' };
  xt.ticks.forEach((t, i) => {
    const px = sx(t);
    if (!cats.x) parts.push(grid(px, top, px, top + h));
    parts.push(el('line', { x1: px, y1: top + h, x2: px, y2: top + h + 4, stroke: '#333333' }));
    parts.push(text(px, top + h + 17, xt.labels[i], { 'text-anchor': 'middle', ...tickStyle }));
  });
  yt.ticks.forEach((t, i) => {
    const py = yPos(t);
    if (!cats.y) parts.push(grid(left, py, left + w, py));
    parts.push(el('line', { x1: left - 4, y1: py, x2: left, y2: py, stroke: '#333333' }));
    parts.push(text(left - 7, py + 4, yt.labels[i], { 'text-anchor': 'end', ...tickStyle }));
  });
  parts.push(el('line', { x1: left, y1: top + h, x2: left + w, y2: top + h, stroke: '#333333' }));
  parts.push(el('line', { x1: left, y1: top, x2: left, y2: top + h, stroke: '#333333' }));
  if (opts.title) {
    parts.push(text(left + w / 2, 22, opts.title, { 'text-anchor': 'middle', 'font-size': 15, 'font-weight': 'bold' }));
  }
  if (opts.xLabel) parts.push(text(left + w / 2, height - 10, opts.xLabel, { 'text-anchor': 'middle' }));
  if (opts.yLabel) {
    const cx = 14;
    const cy = top + h / 2;
    parts.push(text(cx, cy, opts.yLabel, { 'text-anchor': 'middle', transform: `rotate(-90 ${r2(cx)} ${r2(cy)})` }));
  }
  legend.forEach((item, i) => {
    const lx = left + w + 16;
    const ly = top + 8 + i * 18;
    if (item.kind === 'box') parts.push(el('rect', { x: lx, y: ly - 5, width: 18, height: 10, fill: item.color }));
    else {
      const dash = item.kind === 'dash' ? '5 3' : undefined;
      parts.push(
        el('line', {
          x1: lx,
          y1: ly,
          x2: lx + 18,
          y2: ly,
          stroke: item.color,
          'stroke-width': 2,
          'stroke-dasharray': dash,
        }),
      );
    }
    parts.push(text(lx + 24, ly + 4, item.name, { class: 'legend' }));
  });
  return { sx, sy: yPos, left, top, width: w, height: h, svg: parts.join('') };
}

function categorical(labels: string[]): NiceAxis & { labels: string[] } {
  return { lo: 0, hi: Math.max(0, labels.length - 1), step: 1, ticks: labels.map((_, i) => i), labels };
}
