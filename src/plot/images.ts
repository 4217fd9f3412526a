// A grid of small images (MNIST digits and the like) with their labels and predictions.
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { base64, encodePng } from './png.js';
import { el, numbers, svgDoc, text } from './svg.js';

/** Options of `imageGrid`. */
export interface ImageGridOptions {
  /** True labels, one per image. */
  labels?: ArrayLike<number> | Tensor;
  /** Predicted labels (or class scores `[N, C]`, argmaxed); wrong ones are marked in red. */
  predictions?: ArrayLike<number> | Tensor;
  /** Names printed for class indices (default the index). */
  classNames?: string[];
  /** Images per row (default 8). */
  cols?: number;
  /** Pixels per image pixel (default 3). */
  scale?: number;
  /** Value range mapped to black..white (default the images' min and max). */
  range?: [number, number];
  title?: string;
}

const RED = '#d62728';

/**
 * Images `[N, H, W]`, `[N, 1, H, W]` (grey) or `[N, 3, H, W]` (RGB) as an SVG grid: one
 * `<image>` (an embedded PNG, drawn with crisp pixels) per sample, captioned with its label, or
 * "prediction (label)" when both are given, in red with a red frame when they differ.
 * @example plot.imageGrid(x.narrow(0, 0, 32), { labels: y, predictions: logits, cols: 8 })
 */
export function imageGrid(images: Tensor, opts: ImageGridOptions = {}): string {
  const op = 'imageGrid';
  if (!(images instanceof Tensor)) throw new DTypeError(op, `expected images to be a Tensor, got ${typeof images}`);
  const s = images.shape;
  const ok = s.length === 3 || (s.length === 4 && (s[1] === 1 || s[1] === 3));
  if (!ok) throw new ShapeError(op, `expected images [N, H, W], [N, 1, H, W] or [N, 3, H, W], got ${fmtShape(s)}`, [s]);
  const [n, channels, h, w] = s.length === 3 ? [s[0], 1, s[1], s[2]] : [s[0], s[1], s[2], s[3]];
  const px = numbers(op, images, 'images');
  const labels = opts.labels === undefined ? null : labelsOf(op, opts.labels, n, 'labels');
  const preds = opts.predictions === undefined ? null : labelsOf(op, opts.predictions, n, 'predictions');
  const cols = Math.max(1, Math.min(n, opts.cols ?? 8));
  const scale = opts.scale ?? 3;
  if (!(scale > 0)) throw new ValueError(op, `expected scale > 0, got ${scale}`);
  const [lo, hiRaw] = opts.range ?? minMax(px);
  const hi = hiRaw > lo ? hiRaw : lo + 1;
  const name = (c: number) => opts.classNames?.[c] ?? String(c);
  const caption = labels !== null || preds !== null ? 16 : 0;
  const cellW = w * scale + 8;
  const cellH = h * scale + 8 + caption;
  const top = opts.title ? 30 : 4;
  const rows = Math.ceil(n / cols);
  const parts: string[] = [];
  if (opts.title) {
    parts.push(
      text((cols * cellW) / 2, 20, opts.title, { 'text-anchor': 'middle', 'font-size': 15, 'font-weight': 'bold' }),
    );
  }
  const plane = h * w;
  for (let i = 0; i < n; i++) {
    const x = (i % cols) * cellW + 4;
    const y = top + Math.floor(i / cols) * cellH + 4;
    const pixels = new Uint8Array(plane * channels);
    for (let p = 0; p < plane; p++) {
      for (let ch = 0; ch < channels; ch++) {
        const v = (px[(i * channels + ch) * plane + p] - lo) / (hi - lo);
        pixels[p * channels + ch] = Math.round(255 * Math.min(1, Math.max(0, Number.isNaN(v) ? 0 : v)));
      }
    }
    const uri = `data:image/png;base64,${base64(encodePng(w, h, channels as 1 | 3, pixels))}`;
    parts.push(
      el('image', {
        x,
        y,
        width: w * scale,
        height: h * scale,
        href: uri,
        preserveAspectRatio: 'none',
        style: 'image-rendering:pixelated',
      }),
    );
    const wrong = labels !== null && preds !== null && labels[i] !== preds[i];
    if (wrong) {
      parts.push(
        el('rect', {
          class: 'wrong',
          x: x - 2,
          y: y - 2,
          width: w * scale + 4,
          height: h * scale + 4,
          fill: 'none',
          stroke: RED,
          'stroke-width': 2,
        }),
      );
    }
    if (caption) {
      const label =
        preds !== null && labels !== null ? `${name(preds[i])} (${name(labels[i])})` : name((preds ?? labels)![i]);
      parts.push(
        text(x + (w * scale) / 2, y + h * scale + 14, label, {
          'text-anchor': 'middle',
          'font-size': 11,
          fill: wrong ? RED : '#1a1a1a',
          class: wrong ? 'wrong' : undefined,
        }),
      );
    }
  }
  return svgDoc(cols * cellW, top + rows * cellH, parts.join(''), opts.title);
}

function labelsOf(op: string, v: ArrayLike<number> | Tensor, n: number, what: string): Int32Array {
  if (v instanceof Tensor && v.ndim === 2) {
    // Class scores: the first largest per row.
    const [rows, c] = v.shape;
    const d = numbers(op, v, what);
    const out = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      let best = 0;
      for (let k = 1; k < c; k++) if (d[i * c + k] > d[i * c + best]) best = k;
      out[i] = best;
    }
    v = out;
  }
  const a = numbers(op, v, what);
  if (a.length !== n) throw new ValueError(op, `expected ${n} ${what} (one per image), got ${a.length}`);
  return Int32Array.from(a);
}

function minMax(a: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of a) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}
