import { ValueError, fmtShape } from '../errors.js';
import { isFloat } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { formatFixed, formatSci } from './formatNumber.js';

/** How tensors print (PyTorch's `set_printoptions`). */
export interface PrintOptions {
  /** Digits after the decimal point for floats. Default 4. */
  precision: number;
  /** Tensors with more elements than this print summarized, with `...`. Default 1000. */
  threshold: number;
  /** Items kept at each end of a summarized dimension. Default 3. */
  edgeitems: number;
  /** Characters per line before wrapping. Default 80. */
  linewidth: number;
  /** Force (`true`) or forbid (`false`) scientific notation; `null` picks it from the values. */
  sciMode: boolean | null;
}

const DEFAULTS: PrintOptions = { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sciMode: null };
const PROFILES: Record<'default' | 'short' | 'full', Partial<PrintOptions>> = {
  default: { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 },
  short: { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 },
  full: { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 },
};
const current: PrintOptions = { ...DEFAULTS };

/**
 * Sets how tensors print; unspecified options keep their value, except `sciMode`, which goes
 * back to automatic unless given (as in PyTorch). `profile` resets to a preset first.
 * @example nb.setPrintOptions({ precision: 2 }); String(nb.tensor([1.12345])); // 'tensor([1.12])'
 */
export function setPrintOptions(opts: Partial<PrintOptions> & { profile?: 'default' | 'short' | 'full' }): void {
  const { profile, ...rest } = opts;
  if (profile !== undefined) {
    if (!(profile in PROFILES))
      throw new ValueError('setPrintOptions', `expected profile default, short or full, got ${profile}`);
    Object.assign(current, PROFILES[profile]);
  }
  for (const key of ['precision', 'threshold', 'edgeitems', 'linewidth'] as const) {
    const v = rest[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v >= 0) || (key !== 'threshold' && !Number.isInteger(v))) {
      throw new ValueError('setPrintOptions', `expected ${key} to be a non-negative integer, got ${v}`);
    }
    current[key] = v;
  }
  current.sciMode = rest.sciMode ?? null;
}

/** The current print options (a copy). @example nb.getPrintOptions().precision; // 4 */
export function getPrintOptions(): PrintOptions {
  return { ...current };
}

// PyTorch's _Formatter: one width and one notation for all the elements that will be shown.
class Formatter {
  readonly floating: boolean;
  intMode = true;
  sciMode = false;
  width = 1;
  readonly #bool: boolean;

  constructor(values: number[], dtype: Tensor['dtype']) {
    this.floating = isFloat(dtype);
    this.#bool = dtype === 'bool';
    const p = current.precision;
    if (!this.floating) {
      for (const v of values) this.width = Math.max(this.width, this.#plain(v).length);
    } else {
      const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
      if (finite.length > 0) {
        let min = Infinity;
        let max = 0;
        for (const v of finite) {
          min = Math.min(min, Math.abs(v));
          max = Math.max(max, Math.abs(v));
        }
        this.intMode = finite.every((v) => v === Math.ceil(v));
        const wide = max / min > 1000 || max > 1e8;
        this.sciMode = this.intMode ? wide : wide || min < 1e-4;
        for (const v of finite) {
          const s = this.sciMode ? formatSci(v, p) : this.intMode ? formatFixed(v, 0) + '.' : formatFixed(v, p);
          this.width = Math.max(this.width, s.length);
        }
      }
    }
    if (current.sciMode !== null) this.sciMode = current.sciMode;
  }

  #plain(v: number): string {
    return this.#bool ? (v !== 0 ? 'True' : 'False') : String(v);
  }

  format(v: number): string {
    let s: string;
    if (!this.floating) s = this.#plain(v);
    else if (this.sciMode) s = formatSci(v, current.precision);
    else if (this.intMode) s = formatFixed(v, 0) + (Number.isFinite(v) ? '.' : '');
    else s = formatFixed(v, current.precision);
    return s.padStart(this.width);
  }
}

// The indices shown along a dimension of size n: all, or edgeitems at each end.
function shown(n: number, summarize: boolean): { head: number[]; tail: number[] } {
  const e = current.edgeitems;
  const all = Array.from({ length: n }, (_, i) => i);
  if (!summarize || n <= 2 * e) return { head: all, tail: [] };
  return { head: all.slice(0, e), tail: all.slice(n - e) };
}

function visibleValues(data: ArrayLike<number>, shape: readonly number[], summarize: boolean): number[] {
  const out: number[] = [];
  const walk = (dim: number, base: number, stride: number): void => {
    if (dim === shape.length) {
      out.push(data[base]);
      return;
    }
    const inner = stride / shape[dim];
    const { head, tail } = shown(shape[dim], summarize);
    for (const i of [...head, ...tail]) walk(dim + 1, base + i * inner, inner);
  };
  walk(0, 0, data.length);
  return out;
}

function render(
  data: ArrayLike<number>,
  shape: readonly number[],
  dim: number,
  base: number,
  indent: number,
  summarize: boolean,
  fmt: Formatter,
): string {
  const inner = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const { head, tail } = shown(shape[dim], summarize);
  if (dim === shape.length - 1) {
    const items = head.map((i) => fmt.format(data[base + i]));
    if (tail.length > 0) items.push(' ...', ...tail.map((i) => fmt.format(data[base + i])));
    const perLine = Math.max(1, Math.floor((current.linewidth - indent) / (fmt.width + 2)));
    const lines: string[] = [];
    for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
    return `[${lines.join(',\n' + ' '.repeat(indent + 1))}]`;
  }
  const part = (i: number): string => render(data, shape, dim + 1, base + i * inner, indent + 1, summarize, fmt);
  const slices = head.map(part);
  if (tail.length > 0) slices.push('...', ...tail.map(part));
  const sep = ',' + '\n'.repeat(shape.length - dim - 1) + ' '.repeat(indent + 1);
  return `[${slices.join(sep)}]`;
}

// PyTorch's _add_suffixes: a suffix goes on the last line unless it would pass the line width.
function addSuffixes(body: string, suffixes: string[], indent: number): string {
  let out = body;
  let lastLine = body.length - body.lastIndexOf('\n') + 1;
  for (const s of suffixes) {
    if (lastLine + s.length + 2 > current.linewidth) {
      out += ',\n' + ' '.repeat(indent) + s;
      lastLine = indent + s.length;
    } else {
      out += ', ' + s;
      lastLine += s.length + 2;
    }
  }
  return out + ')';
}

/**
 * Formats a tensor the way PyTorch 1.13 prints it (see `Tensor.toString`): 4 decimals, integer
 * floats as `1.`, scientific notation when magnitudes span more than 1000x, `...` past 1000
 * elements, and a `dtype=` suffix unless the dtype is float32, int32 or bool.
 * @example nb.formatTensor(nb.tensor([[1, 2], [3, 4]])); // 'tensor([[1., 2.],\n        [3., 4.]])'
 */
export function formatTensor(x: Tensor): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  let body: string;
  const n = x.numel();
  if (n === 0) {
    if (x.ndim !== 1) suffixes.push(`size=${fmtShape(x.shape)}`);
    if (x.dtype !== 'float32') suffixes.push(`dtype=${x.dtype}`);
    body = '[]';
  } else {
    if (x.dtype === 'float64') suffixes.push(`dtype=${x.dtype}`);
    const data = x.data();
    const summarize = n > current.threshold;
    const fmt = new Formatter(visibleValues(data, x.shape, summarize), x.dtype);
    body = x.ndim === 0 ? fmt.format(data[0]) : render(data, x.shape, 0, 0, indent, summarize, fmt);
  }
  const node = x.gradFn;
  if (node !== null) suffixes.push(`gradFn=<${node.name}Backward>`);
  else if (x.requiresGrad) suffixes.push('requires_grad=True');
  return addSuffixes(prefix + body, suffixes, indent);
}
