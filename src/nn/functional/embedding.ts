// embedding and embeddingBag: row lookups (`indexSelect`, `indexAdd`, `gather`), so their
// gradients are scatter-adds into the weight. Which rows a bag holds and which row wins a max
// are discrete choices, computed once in JS from the index values.
import { noGrad } from '../../autograd/mode.js';
import { DTypeError, IndexError, ShapeError, UnsupportedOpError, ValueError, fmtShape } from '../../errors.js';
import { where } from '../../ops/elementwise.js';
import { checkTensor } from '../../ops/operands.js';
import { tensor, zeros } from '../../tensor/create.js';
import { isFloat } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';

/** Options of `embedding` (PyTorch's defaults). */
export interface EmbeddingOptions {
  /** Row whose lookups get no gradient (negative counts from the end). Default none. */
  paddingIdx?: number | null;
  /** Rows looked up whose `normType`-norm exceeds this are rescaled in place to this norm. */
  maxNorm?: number | null;
  /** The p of the norm for `maxNorm`. Default 2. */
  normType?: number;
  /** Scale each row's gradient by 1 / (its number of lookups in the batch). Default false. */
  scaleGradByFreq?: boolean;
  /** Sparse gradients are not supported; must be false. */
  sparse?: boolean;
}

/** Checks a weight matrix and normalizes `paddingIdx` into [0, V). */
export function embeddingPadding(op: string, weight: Tensor, paddingIdx: number | null | undefined): number | null {
  checkTensor(op, weight, 'weight');
  if (weight.ndim !== 2)
    throw new ShapeError(op, `expected a 2-D weight [num, dim], got ${fmtShape(weight.shape)}`, [weight.shape]);
  if (paddingIdx === null || paddingIdx === undefined) return null;
  const v = weight.shape[0];
  if (!Number.isInteger(paddingIdx) || paddingIdx >= v || paddingIdx < -v) {
    throw new ValueError(
      op,
      `expected paddingIdx in [-${v}, ${v}) (Padding_idx must be within num_embeddings), got ${paddingIdx}`,
    );
  }
  return paddingIdx < 0 ? paddingIdx + v : paddingIdx;
}

// The index values, checked: int32 and inside [0, V).
function indexValues(op: string, input: Tensor, v: number): Int32Array {
  checkTensor(op, input);
  if (input.dtype !== 'int32') {
    throw new DTypeError(
      op,
      `expected int32 indices (Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int), got ${input.dtype}`,
    );
  }
  const idx = input.data() as Int32Array;
  for (let i = 0; i < idx.length; i++) {
    if (idx[i] < 0 || idx[i] >= v)
      throw new IndexError(op, `expected indices in [0, ${v}) (index out of range in self), got ${idx[i]}`);
  }
  return idx;
}

/**
 * In place, without recording: rescales every row of `weight` named in `idx` whose
 * `normType`-norm exceeds `maxNorm` to norm `maxNorm` (PyTorch's embedding_renorm_, including its
 * `1e-7` guard in the divisor).
 */
export function embeddingRenorm_(weight: Tensor, idx: ArrayLike<number>, maxNorm: number, normType = 2): void {
  const { data, strides, offset } = weight.strided();
  const d = weight.shape[1];
  let changed = false;
  for (const r of new Set(Array.from(idx))) {
    const base = offset + r * strides[0];
    let norm = 0;
    for (let j = 0; j < d; j++) {
      const a = Math.abs(data[base + j * strides[1]]);
      norm = normType === Infinity ? Math.max(norm, a) : norm + a ** normType;
    }
    if (normType !== Infinity) norm = norm ** (1 / normType);
    if (norm > maxNorm) {
      const scale = maxNorm / (norm + 1e-7);
      for (let j = 0; j < d; j++) data[base + j * strides[1]] *= scale;
      changed = true;
    }
  }
  if (changed) weight.storage.version++;
}

function checkCommon(op: string, o: EmbeddingOptions): void {
  if (o.sparse) throw new UnsupportedOpError(op, 'sparse gradients are not supported; use sparse: false');
  if (o.maxNorm !== null && o.maxNorm !== undefined && !(o.maxNorm >= 0)) {
    throw new ValueError(op, `expected maxNorm >= 0, got ${o.maxNorm}`);
  }
}

/**
 * Looks up rows of `weight` (`[V, D]`) at the int32 `input` indices: output `[*input.shape, D]`.
 * Lookups of `paddingIdx` return that row but send it no gradient; `maxNorm` first rescales the
 * looked-up rows in place (under noGrad), as PyTorch does.
 * @example nn.functional.embedding(nb.tensor([[0, 2]], { dtype: 'int32' }), nb.randn([5, 3])) // [1, 2, 3]
 */
export function embedding(input: Tensor, weight: Tensor, opts: EmbeddingOptions = {}): Tensor {
  const op = 'embedding';
  const pad = embeddingPadding(op, weight, opts.paddingIdx);
  checkCommon(op, opts);
  const idx = indexValues(op, input, weight.shape[0]);
  if (opts.maxNorm !== null && opts.maxNorm !== undefined) {
    const maxNorm = opts.maxNorm;
    noGrad(() => embeddingRenorm_(weight, idx, maxNorm, opts.normType ?? 2));
  }
  const flat = input.reshape([-1]);
  let rows = weight.indexSelect(0, flat);
  if (pad !== null && weight.requiresGrad && idx.includes(pad)) {
    // The padding lookups read the same values from the detached weight: no gradient reaches it.
    rows = where(flat.eq(pad).unsqueeze(1), weight.detach().indexSelect(0, flat), rows);
  }
  if (opts.scaleGradByFreq && rows.requiresGrad) rows.registerHook(freqScale(idx, weight.dtype));
  return rows.reshape([...input.shape, weight.shape[1]]);
}

// A gradient hook dividing each lookup's gradient by how often its row appears in the batch.
function freqScale(idx: ArrayLike<number>, dtype: Tensor['dtype']): (g: Tensor) => Tensor {
  const count = new Map<number, number>();
  for (let i = 0; i < idx.length; i++) count.set(idx[i], (count.get(idx[i]) ?? 0) + 1);
  const s = Array.from(idx, (r) => 1 / count.get(r)!);
  const scale = tensor(s, { dtype }).unsqueeze(1);
  return (g) => g.mul(scale);
}

/** Options of `embeddingBag` (PyTorch's defaults). */
export interface EmbeddingBagOptions extends EmbeddingOptions {
  /** Start of each bag in a 1-D `input` (int32). Required for 1-D input, refused for 2-D. */
  offsets?: Tensor | null;
  /** How a bag's rows combine. Default 'mean'. */
  mode?: 'sum' | 'mean' | 'max';
  /** A weight per index (same shape as `input`), multiplied into its row; only with 'sum'. */
  perSampleWeights?: Tensor | null;
  /** `offsets` has one more entry, the end of the last bag (CSR style). Default false. */
  includeLastOffset?: boolean;
}

// Bag boundaries [start, end) for every bag.
function bagBounds(op: string, input: Tensor, o: EmbeddingBagOptions): [number, number][] {
  const m = input.numel();
  if (input.ndim === 2) {
    if (o.offsets !== null && o.offsets !== undefined) {
      throw new ValueError(
        op,
        'expected no offsets with a 2-D input (if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences), got an offsets tensor',
      );
    }
    const [b, l] = input.shape;
    return Array.from({ length: b }, (_, i) => [i * l, (i + 1) * l]);
  }
  if (input.ndim !== 1)
    throw new ValueError(
      op,
      `expected a 1-D or 2-D input (input has to be 1D or 2D Tensor), got a ${input.ndim}-D tensor`,
    );
  const offsets = o.offsets;
  if (offsets === null || offsets === undefined || offsets.ndim !== 1) {
    throw new ValueError(
      op,
      `expected 1-D offsets with a 1-D input (offsets has to be a 1D Tensor), got ${offsets ? fmtShape(offsets.shape) : String(offsets)}`,
    );
  }
  if (offsets.dtype !== 'int32') throw new DTypeError(op, `expected int32 offsets, got ${offsets.dtype}`);
  const offs = Array.from(offsets.data() as Int32Array);
  if (offs.length > 0 && offs[0] !== 0) {
    throw new ValueError(
      op,
      `expected offsets[0] == 0 (the first sequence in the mini-batch has to start from position 0), got ${offs[0]}`,
    );
  }
  for (let i = 1; i < offs.length; i++) {
    if (offs[i] < offs[i - 1])
      throw new ValueError(op, `expected non-decreasing offsets, got ${offs[i - 1]} then ${offs[i]} at position ${i}`);
  }
  if (offs.length > 0 && offs[offs.length - 1] > m) {
    throw new ValueError(
      op,
      `expected offsets[-1] <= ${m}, the input's length (offsets[-1] can not be greater than input's length), got ${offs[offs.length - 1]}`,
    );
  }
  const n = o.includeLastOffset ? Math.max(offs.length - 1, 0) : offs.length;
  return Array.from({ length: n }, (_, i) => [offs[i], i + 1 < offs.length ? offs[i + 1] : m]);
}

/**
 * Sums, averages or takes the maximum of embedding rows per bag, without forming the
 * `[*input.shape, D]` lookups of `embedding`. A 2-D `input` `[B, L]` holds B bags of L indices;
 * a 1-D `input` is cut into bags at `offsets`. Entries equal to `paddingIdx` are left out (and
 * not counted by 'mean'); an empty bag gives zeros. Output `[B, D]`.
 * @example nn.functional.embeddingBag(idx, weight, { offsets, mode: 'sum' })
 */
export function embeddingBag(
  input: Tensor,
  weight: Tensor,
  offsets?: Tensor | null | EmbeddingBagOptions,
  opts: EmbeddingBagOptions = {},
): Tensor {
  const op = 'embeddingBag';
  const o: EmbeddingBagOptions = offsets instanceof Tensor ? { ...opts, offsets } : { ...opts, ...(offsets ?? {}) };
  const pad = embeddingPadding(op, weight, o.paddingIdx);
  checkCommon(op, o);
  if (o.scaleGradByFreq) throw new UnsupportedOpError(op, 'scaleGradByFreq is not supported for embeddingBag');
  const mode = o.mode ?? 'mean';
  if (mode !== 'sum' && mode !== 'mean' && mode !== 'max') {
    throw new ValueError(
      op,
      `expected mode 'sum', 'mean' or 'max' (mode has to be one of sum, mean or max), got '${String(mode)}'`,
    );
  }
  const psw = o.perSampleWeights ?? null;
  if (psw !== null) {
    checkTensor(op, psw, 'perSampleWeights');
    if (fmtShape(psw.shape) !== fmtShape(input.shape)) {
      throw new ShapeError(
        op,
        `expected perSampleWeights of the input's shape ${fmtShape(input.shape)}, got ${fmtShape(psw.shape)}`,
        [psw.shape, input.shape],
      );
    }
    if (mode !== 'sum') {
      throw new UnsupportedOpError(
        op,
        `expected mode 'sum' with perSampleWeights (per_sample_weights is only supported for mode='sum'), got mode '${mode}'`,
      );
    }
  }
  const idx = indexValues(op, input, weight.shape[0]);
  const bounds = bagBounds(op, input, o);
  if (o.maxNorm !== null && o.maxNorm !== undefined) {
    const maxNorm = o.maxNorm;
    noGrad(() => embeddingRenorm_(weight, idx, maxNorm, o.normType ?? 2));
  }
  // The entries that count: position in input, row, bag.
  const pos: number[] = [];
  const bagOf: number[] = [];
  const counts = new Array<number>(bounds.length).fill(0);
  bounds.forEach(([s, e], b) => {
    for (let j = s; j < e; j++) {
      if (idx[j] === pad) continue;
      pos.push(j);
      bagOf.push(b);
      counts[b]++;
    }
  });
  const d = weight.shape[1];
  const dtype = weight.dtype;
  if (pos.length === 0) return zeros([bounds.length, d], { dtype });
  const rows = weight.indexSelect(
    0,
    tensor(
      Array.from(pos, (j) => idx[j]),
      { dtype: 'int32' },
    ),
  );
  if (mode === 'max') return bagMax(rows, bagOf, counts);
  let src = rows;
  if (psw !== null) {
    if (!isFloat(psw.dtype)) throw new DTypeError(op, `expected floating point perSampleWeights, got ${psw.dtype}`);
    src = rows.mul(
      psw
        .reshape([-1])
        .indexSelect(0, tensor(pos, { dtype: 'int32' }))
        .unsqueeze(1),
    );
  }
  const out = zeros([bounds.length, d], { dtype: src.dtype }).indexAdd(0, tensor(bagOf, { dtype: 'int32' }), src);
  if (mode === 'sum') return out;
  return out.div(
    tensor(
      counts.map((c) => Math.max(c, 1)),
      { dtype },
    ).unsqueeze(1),
  );
}

// Per bag and column, the row holding the maximum (the first one on ties), picked by `gather`
// so the gradient goes to that row only; empty bags give 0.
function bagMax(rows: Tensor, bagOf: number[], counts: number[]): Tensor {
  const d = rows.shape[1];
  const vals = rows.data();
  const arg = new Int32Array(counts.length * d);
  const best = new Float64Array(counts.length * d).fill(-Infinity);
  const seen = new Uint8Array(counts.length * d);
  for (let k = 0; k < bagOf.length; k++) {
    const b = bagOf[k];
    for (let j = 0; j < d; j++) {
      const v = vals[k * d + j];
      const t = b * d + j;
      // NaN wins, as in max reductions.
      if (!seen[t] || v > best[t] || (Number.isNaN(v) && !Number.isNaN(best[t]))) {
        best[t] = v;
        arg[t] = k;
        seen[t] = 1;
      }
    }
  }
  const picked = rows.gather(0, tensor(arg, { dtype: 'int32' }).reshape([counts.length, d]));
  if (counts.every((c) => c > 0)) return picked;
  const nonEmpty = tensor(
    counts.map((c) => (c > 0 ? 1 : 0)),
    { dtype: 'bool' },
  ).unsqueeze(1);
  return where(nonEmpty, picked, 0);
}
