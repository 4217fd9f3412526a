// Line charts, and training curves drawn from a `fit` history.
import { ValueError } from '../errors.js';
import type { History, HistoryEntry } from '../train/types.js';
import { extent, layout, type ChartOptions, type LegendItem } from './axes.js';
import type { Tensor } from '../tensor/tensor.js';
import { PALETTE, el, numbers, r2, svgDoc, text } from './svg.js';

/** One line: y values (null/NaN leave a gap), optional x values (default 1, 2, ...). */
export interface LineSeries {
  name: string;
  y: ArrayLike<number | null> | Tensor;
  x?: ArrayLike<number> | Tensor;
  color?: string;
  dashed?: boolean;
}

/** Options of `lineChart`. */
export interface LineChartOptions extends ChartOptions {
  /** Logarithmic y axis (non-positive values are left out). */
  logY?: boolean;
  /** Draw a dot at every point (default false). */
  markers?: boolean;
}

/**
 * A line chart as an SVG string: one `<path>` per series (gaps at missing values), nice 1-2-5
 * ticks (decades with `logY`), grid, title, axis labels and a legend.
 * @example
 * plot.lineChart([{ name: 'train', y: trainLoss }, { name: 'val', y: valLoss }], { title: 'Loss', xLabel: 'epoch', logY: true })
 */
export function lineChart(
  series: LineSeries[] | Record<string, ArrayLike<number | null>>,
  opts: LineChartOptions = {},
): string {
  const f = renderLineChart(series, opts);
  return svgDoc(opts.width ?? 640, opts.height ?? 400, f, opts.title);
}

function renderLineChart(
  series: LineSeries[] | Record<string, ArrayLike<number | null>>,
  opts: LineChartOptions,
): string {
  const op = 'lineChart';
  const list: LineSeries[] = Array.isArray(series) ? series : Object.entries(series).map(([name, y]) => ({ name, y }));
  if (list.length === 0) throw new ValueError(op, 'expected at least one series, got none');
  const data = list.map((s, i) => {
    if (typeof s?.name !== 'string')
      throw new ValueError(op, `expected series ${i} to have a name, got ${typeof s?.name}`);
    const y = numbers(op, s.y, `series "${s.name}" y`);
    const x = s.x === undefined ? Float64Array.from(y, (_, j) => j + 1) : numbers(op, s.x, `series "${s.name}" x`);
    if (x.length !== y.length) {
      throw new ValueError(op, `expected as many x as y values in series "${s.name}", got ${x.length} and ${y.length}`);
    }
    if (opts.logY) for (let j = 0; j < y.length; j++) if (!(y[j] > 0)) y[j] = NaN;
    return { s, x, y, color: s.color ?? PALETTE[i % PALETTE.length] };
  });
  const xs = extent(data.map((d) => d.x)) ?? [1, 2];
  const ys =
    extent(
      data.map((d) => d.y),
      opts.logY,
    ) ?? (opts.logY ? [1, 10] : [0, 1]);
  const integerX = data.every((d) => d.x.every((v) => !Number.isFinite(v) || Number.isInteger(v)));
  const legend: LegendItem[] = data.map((d) => ({
    name: d.s.name,
    color: d.color,
    kind: d.s.dashed ? 'dash' : 'line',
  }));
  const frame = layout(
    opts,
    { lo: xs[0], hi: xs[1], integer: integerX },
    { lo: ys[0], hi: ys[1], log: opts.logY },
    legend,
  );
  const paths = data.map((d) => {
    let path = '';
    let run = 0;
    for (let j = 0; j < d.y.length; j++) {
      if (!Number.isFinite(d.y[j]) || !Number.isFinite(d.x[j])) {
        if (run === 1) path += 'h0';
        run = 0;
        continue;
      }
      path += `${run === 0 ? 'M' : 'L'}${r2(frame.sx(d.x[j]))} ${r2(frame.sy(d.y[j]))}`;
      run++;
    }
    // A lone point is a zero-length segment, which round caps draw as a dot.
    if (run === 1) path += 'h0';
    const marks = opts.markers
      ? Array.from(d.y, (v, j) =>
          Number.isFinite(v) && Number.isFinite(d.x[j])
            ? el('circle', { cx: frame.sx(d.x[j]), cy: frame.sy(v), r: 3, fill: d.color })
            : '',
        ).join('')
      : '';
    return (
      el('path', {
        d: path,
        fill: 'none',
        stroke: d.color,
        'stroke-width': 2,
        'stroke-linecap': 'round',
        'stroke-linejoin': 'round',
        'stroke-dasharray': d.s.dashed ? '6 4' : undefined,
        'data-series': d.s.name,
      }) + marks
    );
  });
  return frame.svg + el('g', { class: 'series' }, paths.join(''));
}

/** Options of `trainingCurves`. */
export interface TrainingCurvesOptions {
  /** Metrics to chart beside the loss, each with its validation twin (default: all of them). */
  metrics?: string[];
  /** Logarithmic loss axis (default false). */
  logLoss?: boolean;
  /** Size of each panel (default 480 × 320). */
  width?: number;
  height?: number;
  title?: string;
}

/**
 * Training curves from a `fit` history: a loss panel (train solid, validation dashed) and one
 * panel per metric (train and `val` twin), side by side in one SVG.
 * @example train.savePlot(plot.trainingCurves(history, { metrics: ['accuracy'] }), 'runs/curves.svg')
 */
export function trainingCurves(history: History | readonly HistoryEntry[], opts: TrainingCurvesOptions = {}): string {
  const entries = Array.isArray(history) ? (history as readonly HistoryEntry[]) : (history as History).epochs;
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new ValueError('trainingCurves', 'expected a history with at least one epoch, got none');
  }
  const x = entries.map((e) => e.epoch);
  const w = opts.width ?? 480;
  const h = opts.height ?? 320;
  const pick = (get: (e: HistoryEntry) => number | null | undefined) => entries.map((e) => get(e) ?? null);
  const hasAny = (ys: (number | null)[]) => ys.some((v) => v !== null && Number.isFinite(v));
  const panels: string[] = [];
  const loss: LineSeries[] = [{ name: 'train', x, y: pick((e) => e.trainLoss), color: PALETTE[0] }];
  const val = pick((e) => e.valLoss);
  if (hasAny(val)) loss.push({ name: 'validation', x, y: val, color: PALETTE[1], dashed: true });
  panels.push(
    renderLineChart(loss, { title: 'Loss', xLabel: 'epoch', yLabel: 'loss', width: w, height: h, logY: opts.logLoss }),
  );
  const names =
    opts.metrics ?? [...new Set(entries.flatMap((e) => Object.keys(e.metrics)))].filter((k) => !/^val[A-Z0-9]/.test(k));
  for (const m of names) {
    const twin = `val${m[0].toUpperCase()}${m.slice(1)}`;
    const series: LineSeries[] = [];
    const tr = pick((e) => e.metrics[m]);
    const va = pick((e) => e.metrics[twin]);
    if (hasAny(tr)) series.push({ name: 'train', x, y: tr, color: PALETTE[0] });
    if (hasAny(va)) series.push({ name: 'validation', x, y: va, color: PALETTE[1], dashed: true });
    if (series.length === 0) throw new ValueError('trainingCurves', `expected metric "${m}" in the history, got none`);
    panels.push(renderLineChart(series, { title: m, xLabel: 'epoch', yLabel: m, width: w, height: h }));
  }
  const top = opts.title ? 30 : 0;
  const body =
    (opts.title
      ? text((w * panels.length) / 2, 21, opts.title, {
          'text-anchor': 'middle',
          'font-size': 16,
          'font-weight': 'bold',
        })
      : '') + panels.map((p, i) => el('svg', { x: i * w, y: top, width: w, height: h }, p)).join('');
  return svgDoc(w * panels.length, h + top, body, opts.title);
}
