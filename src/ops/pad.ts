import { ShapeError, UnsupportedOpError, ValueError, fmtShape } from '../errors.js';
import { full } from '../tensor/create.js';
import { fromArray, type Tensor } from '../tensor/tensor.js';
import { checkTensor } from './operands.js';
import { indexSelectPrim } from './prims/indexSelect.js';
import { sliceScatter } from './prims/sliceScatter.js';
import { clone, narrow } from './shape.js';

/** How `pad` fills the new border. */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** Options of `pad`: the mode (default `'constant'`) and the fill value of constant padding. */
export interface PadOptions {
  mode?: PadMode;
  /** Fill value for `'constant'` (default 0); other modes refuse it. */
  value?: number;
}

type Source = (j: number, n: number, left: number, right: number) => number;

// Input position read by output position j of a dim of size n padded by (left, right):
// reflect mirrors about the edge elements, replicate clamps to them, and circular wraps around
// what is left after negative pads crop (PyTorch crops first for circular, not for the others).
const SOURCE: Record<Exclude<PadMode, 'constant'>, Source> = {
  reflect: (j, n, left) => {
    const c = j - left;
    return c < 0 ? -c : c >= n ? 2 * (n - 1) - c : c;
  },
  replicate: (j, n, left) => Math.min(Math.max(j - left, 0), n - 1),
  circular: (j, n, left, right) => {
    const cropL = Math.max(-left, 0);
    const m = n - cropL - Math.max(-right, 0);
    const c = j - Math.max(left, 0);
    return cropL + (((c % m) + m) % m);
  },
};

/**
 * Pads `x` with PyTorch's `F.pad` list order: the last dim first, `[left, right, top, bottom,
 * front, back, ...]`. Negative amounts crop. Modes: `'constant'` (fill with `value`),
 * `'reflect'` (mirror without repeating the edge), `'replicate'` (repeat the edge) and
 * `'circular'` (wrap around).
 * @example nb.pad(nb.ones([2, 3]), [1, 1], { value: 0 }) // [2, 5]
 */
export function pad(x: Tensor, padding: readonly number[], opts: PadOptions = {}): Tensor {
  checkTensor('pad', x);
  const mode = opts.mode ?? 'constant';
  if (mode !== 'constant' && !(mode in SOURCE)) {
    throw new UnsupportedOpError('pad', `expected mode constant, reflect, replicate or circular, got ${String(mode)}`);
  }
  if (mode !== 'constant' && opts.value !== undefined) {
    throw new ValueError('pad', `padding mode "${mode}" doesn't take in value argument`);
  }
  if (!Array.isArray(padding) || padding.some((p) => !Number.isInteger(p))) {
    throw new ValueError('pad', `expected a list of integer padding sizes, got ${String(padding)}`);
  }
  if (padding.length % 2 !== 0) {
    throw new ValueError('pad', `padding length must be divisible by 2, got ${fmtShape(padding)}`);
  }
  if (padding.length / 2 > x.ndim) {
    throw new ValueError(
      'pad',
      `padding length too large: ${fmtShape(padding)} pads ${padding.length / 2} dims of a tensor of shape ${fmtShape(x.shape)}`,
    );
  }
  const pairs = Array.from({ length: padding.length / 2 }, (_, i) => ({
    dim: x.ndim - 1 - i,
    left: padding[2 * i],
    right: padding[2 * i + 1],
  }));
  for (const { dim, left, right } of pairs) {
    const n = x.shape[dim];
    if (n + left + right < 0) {
      throw new ShapeError(
        'pad',
        `the input size ${n}, plus negative padding ${left} and ${right} resulted in a negative output size, which is invalid. Check dimension ${dim} of your input.`,
      );
    }
    const where = `padding (${left}, ${right}) at dimension ${dim} of input ${fmtShape(x.shape)}`;
    if (mode === 'reflect' && (left >= n || right >= n)) {
      throw new ValueError(
        'pad',
        `padding size should be less than the corresponding input dimension, but got: ${where}`,
      );
    }
    if (mode === 'circular' && (left > n || right > n)) {
      throw new ValueError('pad', `padding value causes wrapping around more than once, got ${where}`);
    }
    const source = mode === 'circular' ? n + Math.min(left, 0) + Math.min(right, 0) : n;
    if ((mode === 'replicate' || mode === 'circular') && source <= 0 && n + left + right > 0) {
      throw new ValueError('pad', `expected a non-empty dimension to ${mode} from, got ${where}`);
    }
  }
  return mode === 'constant' ? constantPad(x, pairs, opts.value ?? 0) : indexPad(x, pairs, SOURCE[mode]);
}

type Pair = { dim: number; left: number; right: number };

function constantPad(x: Tensor, pairs: readonly Pair[], value: number): Tensor {
  let y = x;
  for (const { dim, left, right } of pairs) {
    const cropL = Math.max(-left, 0);
    const cropR = Math.max(-right, 0);
    if (cropL + cropR > 0) y = narrow(y, dim, cropL, y.shape[dim] - cropL - cropR);
  }
  const grow = pairs.filter((p) => p.left > 0 || p.right > 0);
  if (grow.length === 0) return clone(y);
  const shape = [...y.shape];
  const spec = y.shape.map((s) => ({ start: 0, step: 1, length: s }));
  for (const { dim, left, right } of grow) {
    shape[dim] += Math.max(left, 0) + Math.max(right, 0);
    spec[dim].start = Math.max(left, 0);
  }
  return sliceScatter(full(shape, value, { dtype: x.dtype }), y, spec);
}

// Non-constant modes gather every padded dim through an index vector, so the gradient (an
// indexAdd) comes from indexSelect without any code here.
function indexPad(x: Tensor, pairs: readonly Pair[], source: Source): Tensor {
  let y = x;
  for (const { dim, left, right } of pairs) {
    if (left === 0 && right === 0) continue;
    const n = x.shape[dim];
    const len = n + left + right;
    const idx = Int32Array.from({ length: len }, (_, j) => source(j, n, left, right));
    y = indexSelectPrim(y, dim, fromArray(idx, [len], 'int32'));
  }
  return y === x ? clone(x) : y;
}
