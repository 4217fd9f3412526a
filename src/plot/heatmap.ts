// Confusion-matrix heatmaps.
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { layout, type ChartOptions } from './axes.js';
import { el, svgDoc, text } from './svg.js';

/** Options of `confusionMatrix`. */
export interface ConfusionMatrixPlotOptions extends ChartOptions {
  /** Class names, one per row (default 0, 1, ...). */
  labels?: string[];
  /** Shade (and print) each row as fractions of its total (recall per class). Default false. */
  normalize?: boolean;
}

/**
 * A confusion matrix (rows = true class, columns = predicted, as `metrics.confusionMatrix`
 * returns it) as an SVG heatmap: one `<rect class="cell">` per entry shaded from white to blue
 * by its count (or row fraction), the value printed in each cell, class names on both axes.
 * @example plot.confusionMatrix(metrics.confusionMatrix(logits, labels), { labels: names })
 */
export function confusionMatrix(matrix: Tensor | number[][], opts: ConfusionMatrixPlotOptions = {}): string {
  const op = 'plot.confusionMatrix';
  const rows: number[][] = matrix instanceof Tensor ? toRows(op, matrix) : matrix;
  const c = rows.length;
  if (!Array.isArray(rows) || c === 0 || rows.some((r) => !Array.isArray(r) || r.length !== c)) {
    throw new ShapeError(op, `expected a square matrix [C, C] with C >= 1, got ${describeRows(rows)}`);
  }
  const labels = opts.labels ?? rows.map((_, i) => String(i));
  if (labels.length !== c) throw new ValueError(op, `expected ${c} labels, got ${labels.length}`);
  const shown = rows.map((r) => {
    if (!opts.normalize) return r;
    const s = r.reduce((a, b) => a + b, 0);
    return r.map((v) => (s ? v / s : 0));
  });
  const max = Math.max(1e-12, ...shown.flat());
  const size = Math.max(28, Math.min(64, Math.floor(420 / c)));
  const labelW = Math.max(...labels.map((l) => l.length)) * 7;
  const width = opts.width ?? 110 + labelW + c * size;
  const height = opts.height ?? 110 + c * size;
  const frame = layout(
    { xLabel: 'Predicted', yLabel: 'True', title: opts.title ?? 'Confusion matrix', ...opts, width, height },
    { lo: 0, hi: c - 1 },
    { lo: 0, hi: c - 1 },
    [],
    { x: labels, y: labels },
  );
  const cw = frame.width / c;
  const ch = frame.height / c;
  const cells: string[] = [];
  for (let i = 0; i < c; i++) {
    for (let j = 0; j < c; j++) {
      const t = shown[i][j] / max;
      const x = frame.left + j * cw;
      const y = frame.top + i * ch;
      cells.push(el('rect', { class: 'cell', x, y, width: cw, height: ch, fill: shade(t), stroke: '#ffffff' }));
      const value = opts.normalize ? shown[i][j].toFixed(2) : String(rows[i][j]);
      const fontSize = Math.max(8, Math.min(13, Math.floor(cw / (value.length * 0.65))));
      cells.push(
        text(x + cw / 2, y + ch / 2 + fontSize / 3, value, {
          'text-anchor': 'middle',
          'font-size': fontSize,
          fill: t > 0.55 ? '#ffffff' : '#1a1a1a',
        }),
      );
    }
  }
  return svgDoc(
    width,
    height,
    el('g', { class: 'cells' }, cells.join('')) + frame.svg,
    opts.title ?? 'Confusion matrix',
  );
}

function toRows(op: string, m: Tensor): number[][] {
  if (m.ndim !== 2 || m.shape[0] !== m.shape[1]) {
    throw new ShapeError(op, `expected a square matrix [C, C], got ${fmtShape(m.shape)}`, [m.shape]);
  }
  return (m.tolist() as (number | boolean)[][]).map((r) => r.map(Number));
}

function describeRows(rows: unknown): string {
  if (!Array.isArray(rows)) return typeof rows;
  return `${rows.length} rows of lengths [${rows.map((r) => (Array.isArray(r) ? r.length : typeof r)).join(', ')}]`;
}

// White to dark blue (matplotlib's "Blues" end points), linear in RGB.
function shade(t: number): string {
  const a = [247, 251, 255];
  const b = [8, 48, 107];
  const c = a.map((v, i) => Math.round(v + (b[i] - v) * Math.min(1, Math.max(0, t))));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}
