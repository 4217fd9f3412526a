// Small helpers for writing SVG by hand: escaping, elements, rounding, colours, data input.
import { DTypeError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * Escapes text for XML content and attribute values (`&`, `<`, `>`, `"`, `'`), and drops the
 * control characters XML 1.0 forbids.
 * @example plot.escapeXml('a < b & "c"') // 'a &lt; b &amp; &quot;c&quot;'
 */
export function escapeXml(s: string): string {
  return (
    String(s)
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

/** A coordinate rounded to 2 decimals (keeps files small; far below a pixel). */
export const r2 = (v: number): number => Math.round(v * 100) / 100;

type AttrValue = string | number | undefined | null | false;

/** An element with escaped attributes; self-closing without children. */
export function el(name: string, attrs: Record<string, AttrValue>, children?: string): string {
  let a = '';
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    a += ` ${k}="${escapeXml(typeof v === 'number' ? String(r2(v)) : v)}"`;
  }
  return children === undefined ? `<${name}${a}/>` : `<${name}${a}>${children}</${name}>`;
}

/** A text element (content escaped). */
export function text(x: number, y: number, content: string, attrs: Record<string, AttrValue> = {}): string {
  return el('text', { x, y, ...attrs }, escapeXml(content));
}

/** The outer `<svg>` with a white background and default font. */
export function svgDoc(width: number, height: number, body: string, title?: string): string {
  const head = title ? el('title', {}, escapeXml(title)) : '';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${r2(width)}" height="${r2(height)}" viewBox="0 0 ${r2(width)} ${r2(height)}" font-family="Helvetica, Arial, sans-serif" font-size="12">` +
    head +
    el('rect', { width, height, fill: '#ffffff' }) +
    body +
    '</svg>\n'
  );
}

/** Tableau's ten categorical colours (colour-blind aware, the matplotlib default cycle). */
export const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

/** Numbers from a tensor (all elements, row-major) or any array-like of numbers (null → NaN). */
export function numbers(op: string, v: unknown, what: string): Float64Array {
  if (v instanceof Tensor) return Float64Array.from(v.data());
  if (v !== null && typeof v === 'object' && typeof (v as ArrayLike<unknown>).length === 'number') {
    const a = v as ArrayLike<unknown>;
    const out = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      if (x === null || x === undefined) out[i] = NaN;
      else if (typeof x === 'number') out[i] = x;
      else throw new DTypeError(op, `expected numbers in ${what}, got ${typeof x} at index ${i}`);
    }
    return out;
  }
  throw new DTypeError(
    op,
    `expected ${what} to be a Tensor or an array of numbers, got ${v === null ? 'null' : typeof v}`,
  );
}

/** A rough text width in pixels for layout (no font metrics without a DOM). */
export const textWidth = (s: string, size = 12): number => s.length * size * 0.6;
