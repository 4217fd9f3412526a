// Ops that rearrange elements: flip, roll, repeat, tile, movedim, and the splitting and
// stacking helpers built on narrow and cat.
import { IndexError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { normDim } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkTensor } from './operands.js';
import { flipPrim } from './prims/flip.js';
import { cat, clone, narrow, permute, reshape, select, transpose } from './shape.js';

function intList(op: string, what: string, v: number | readonly number[]): number[] {
  const list = typeof v === 'number' ? [v] : [...v];
  for (const s of list) {
    if (!Number.isInteger(s)) throw new ValueError(op, `expected integer ${what}, got [${list.join(', ')}]`);
  }
  return list;
}

/**
 * Reverses the order of elements along `dims` (a copy, as in PyTorch).
 * @example nb.flip(nb.tensor([1, 2, 3]), [0]) // [3, 2, 1]
 */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  checkTensor('flip', x);
  const list = intList('flip', 'dims', dims);
  const nd = list.map((d) => normDim('flip', d, x.ndim));
  const dup = nd.find((d, i) => nd.indexOf(d) !== i);
  if (dup !== undefined) throw new IndexError('flip', `dim ${dup} appears multiple times in the list of dims`);
  return flipPrim(
    x,
    nd.filter((d) => d < x.ndim),
  );
}

function rollDim(x: Tensor, shift: number, d: number): Tensor {
  const n = x.shape[d];
  const s = n === 0 ? 0 : ((shift % n) + n) % n;
  if (s === 0) return x;
  return cat([narrow(x, d, n - s, s), narrow(x, d, 0, n - s)], d);
}

/**
 * Rotates elements along `dims` by `shifts` (elements leaving one end come back at the other).
 * Without `dims`, the tensor is flattened, rolled and restored.
 * @example nb.roll(nb.tensor([1, 2, 3, 4]), 1) // [4, 1, 2, 3]
 */
export function roll(x: Tensor, shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
  checkTensor('roll', x);
  const sh = intList('roll', 'shifts', shifts);
  const ds = dims === undefined ? [] : intList('roll', 'dims', dims);
  if (ds.length === 0) {
    if (sh.length !== 1) {
      throw new ValueError('roll', `shifts and dimensions must align. shifts: ${sh.length}, dims: 0`);
    }
    const flat = reshape(x, [-1]);
    const rolled = rollDim(flat, sh[0], 0);
    return rolled === flat ? clone(x) : reshape(rolled, x.shape);
  }
  if (sh.length !== ds.length) {
    throw new ValueError('roll', `shifts and dimensions must align. shifts: ${sh.length}, dims: ${ds.length}`);
  }
  if (x.ndim === 0) throw new IndexError('roll', `dimension specified as ${ds[0]} but tensor has no dimensions`);
  let y = x;
  ds.forEach((d, i) => (y = rollDim(y, sh[i], normDim('roll', d, x.ndim))));
  return y === x ? clone(x) : y;
}

/**
 * Repeats the tensor `sizes[i]` times along each dim; `sizes` may have more entries than `x`
 * has dims (new leading dims).
 * @example nb.tensor([1, 2]).repeat([2, 2]) // [[1, 2, 1, 2], [1, 2, 1, 2]]
 */
export function repeat(x: Tensor, sizes: readonly number[]): Tensor {
  checkTensor('repeat', x);
  const reps = intList('repeat', 'repeats', sizes);
  if (reps.length < x.ndim) {
    throw new ShapeError(
      'repeat',
      `number of dimensions of repeat dims can not be smaller than number of dimensions of tensor; got ${fmtShape(reps)} for shape ${fmtShape(x.shape)}`,
    );
  }
  if (reps.some((r) => r < 0)) throw new ValueError('repeat', `expected non-negative repeats, got ${fmtShape(reps)}`);
  const shape = [...new Array<number>(reps.length - x.ndim).fill(1), ...x.shape];
  // Interleave a stretched size-1 dim before each dim, then merge each pair: one copy in total.
  const inter = shape.flatMap((s) => [1, s]);
  const big = shape.flatMap((s, i) => [reps[i], s]);
  const y = reshape(x, inter).expand(big);
  const out = reshape(
    y,
    shape.map((s, i) => s * reps[i]),
  );
  return out.storage === x.storage ? clone(out) : out;
}

/**
 * Repeats the tensor along each dim like `repeat`, except that a `dims` shorter than the rank is
 * padded with leading ones.
 * @example nb.tensor([[1, 2]]).tile([2]) // [[1, 2, 1, 2]]
 */
export function tile(x: Tensor, dims: readonly number[]): Tensor {
  checkTensor('tile', x);
  const reps = intList('tile', 'dims', dims);
  return repeat(x, [...new Array<number>(Math.max(0, x.ndim - reps.length)).fill(1), ...reps]);
}

/**
 * Splits into views along `dim`: pieces of `splitSizeOrSections` elements (the last may be
 * smaller), or pieces of the listed sizes.
 * @example nb.split(nb.arange(5), 2) // sizes 2, 2, 1
 */
export function split(x: Tensor, splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  checkTensor('split', x);
  if (x.ndim === 0) throw new IndexError('split', 'expected a tensor with at least 1 dim, got a 0-dim tensor');
  const d = normDim('split', dim, x.ndim);
  const n = x.shape[d];
  let sizes: number[];
  if (typeof splitSizeOrSections === 'number') {
    const s = splitSizeOrSections;
    if (!Number.isInteger(s) || s < 0) {
      throw new ValueError('split', `split expects split_size be non-negative, but got split_size=${s}`);
    }
    if (s === 0 && n !== 0) {
      throw new ValueError('split', `split_size can only be 0 if dimension size is 0, but got dimension size of ${n}`);
    }
    const count = s === 0 ? 1 : Math.max(1, Math.ceil(n / s));
    sizes = Array.from({ length: count }, (_, i) => Math.min(s, n - i * s));
  } else {
    sizes = intList('split', 'split sizes', splitSizeOrSections);
    if (sizes.some((s) => s < 0) || sizes.reduce((a, b) => a + b, 0) !== n) {
      throw new ValueError(
        'split',
        `split_with_sizes expects split_sizes to sum exactly to ${n} (input tensor's size at dimension ${d}), but got split_sizes=${fmtShape(sizes)}`,
      );
    }
  }
  let start = 0;
  return sizes.map((len) => {
    const piece = narrow(x, d, start, len);
    start += len;
    return piece;
  });
}

/**
 * Splits into `chunks` views along `dim` of `ceil(size / chunks)` elements each (the last may be
 * smaller, and fewer chunks may come back), as PyTorch does.
 * @example nb.chunk(nb.arange(6), 4) // sizes 2, 2, 2
 */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  checkTensor('chunk', x);
  if (!Number.isInteger(chunks) || chunks <= 0) {
    throw new ValueError('chunk', `chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  }
  if (x.ndim === 0) throw new IndexError('chunk', 'expected a tensor with at least 1 dim, got a 0-dim tensor');
  const d = normDim('chunk', dim, x.ndim);
  const n = x.shape[d];
  if (n === 0) return split(x, new Array<number>(chunks).fill(0), d);
  return split(x, Math.ceil(n / chunks), d);
}

/**
 * The slices along `dim`, each with that dim removed (views).
 * @example const [a, b] = nb.unbind(nb.ones([2, 3])) // two [3] tensors
 */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  checkTensor('unbind', x);
  if (x.ndim === 0) throw new IndexError('unbind', 'dimension specified as 0 but tensor has no dimensions');
  const d = normDim('unbind', dim, x.ndim);
  return Array.from({ length: x.shape[d] }, (_, i) => select(x, d, i));
}

/**
 * Moves dims `source` to positions `destination`, keeping the other dims in order (a view).
 * @example nb.movedim(nb.ones([2, 3, 4]), 0, -1).shape // [3, 4, 2]
 */
export function movedim(
  x: Tensor,
  source: number | readonly number[],
  destination: number | readonly number[],
): Tensor {
  checkTensor('movedim', x);
  const src = intList('movedim', 'source', source);
  const dst = intList('movedim', 'destination', destination);
  if (src.length !== dst.length) {
    throw new ValueError(
      'movedim',
      `invalid source or destination dims: source (${fmtShape(src)} dims) should contain the same number of dims as destination (${fmtShape(dst)} dims)`,
    );
  }
  const s = src.map((d) => normDim('movedim', d, x.ndim));
  const t = dst.map((d) => normDim('movedim', d, x.ndim));
  if (new Set(s).size !== s.length) throw new IndexError('movedim', `repeated dim in \`source\` (${fmtShape(src)})`);
  if (new Set(t).size !== t.length)
    throw new IndexError('movedim', `repeated dim in \`destination\` (${fmtShape(dst)})`);
  if (x.ndim === 0) return x;
  const perm = new Array<number>(x.ndim).fill(-1);
  s.forEach((d, i) => (perm[t[i]] = d));
  const rest = Array.from({ length: x.ndim }, (_, i) => i).filter((i) => !s.includes(i));
  let k = 0;
  for (let i = 0; i < perm.length; i++) if (perm[i] === -1) perm[i] = rest[k++];
  return permute(x, perm);
}

/** Same as `transpose` (NumPy's name). @example x.swapaxes(0, 1) */
export function swapaxes(x: Tensor, axis0: number, axis1: number): Tensor {
  return transpose(x, axis0, axis1);
}

/** Same as `transpose`. @example x.swapdims(0, 1) */
export function swapdims(x: Tensor, dim0: number, dim1: number): Tensor {
  return transpose(x, dim0, dim1);
}

/**
 * Joins tensors column-wise: along dim 1, or dim 0 for 1-D tensors (0-d ones become 1-D).
 * @example nb.hstack([nb.ones([2, 1]), nb.zeros([2, 2])]) // [2, 3]
 */
export function hstack(tensors: readonly Tensor[]): Tensor {
  const ts = tensors.map((x, i) => {
    checkTensor('hstack', x, `tensors[${i}]`);
    return x.ndim === 0 ? reshape(x, [1]) : x;
  });
  return cat(ts, ts.length > 0 && ts[0].ndim === 1 ? 0 : 1);
}

/**
 * Joins tensors row-wise along dim 0, after making each at least 2-D (`[n]` becomes `[1, n]`).
 * @example nb.vstack([nb.ones([3]), nb.zeros([3])]) // [2, 3]
 */
export function vstack(tensors: readonly Tensor[]): Tensor {
  const ts = tensors.map((x, i) => {
    checkTensor('vstack', x, `tensors[${i}]`);
    return x.ndim < 2 ? reshape(x, [1, -1]) : x;
  });
  return cat(ts, 0);
}
