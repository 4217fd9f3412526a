// nn.utils.rnn: packed sequences (PyTorch's PackedSequence and its helpers). A packed batch
// stores the steps of variable-length sequences time-major with no padding: step t holds the
// first batchSizes[t] sequences in order of decreasing length. Packing and unpacking are one
// indexSelect each, so gradients flow to the packed data; the recurrent modules run a packed
// batch as a padded one with per-sequence lengths (rnnArgs.ts) and pack the result again.
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { indexSelect } from '../ops/indexing.js';
import { unbind } from '../ops/rearrange.js';
import { cat, stack } from '../ops/shape.js';
import { full } from '../tensor/create.js';
import { Tensor, fromArray } from '../tensor/tensor.js';

type Ints = readonly number[] | Int32Array | Tensor;

function toInts(op: string, what: string, v: Ints): Int32Array {
  if (v instanceof Tensor) {
    if (v.ndim !== 1 || v.dtype === 'bool') {
      throw new ValueError(
        op,
        `expected ${what} to be a 1-D int32 tensor or an int array, got ${v.dtype} ${fmtShape(v.shape)}`,
      );
    }
    v = Array.from(v.data(), Number);
  }
  const out = Int32Array.from(v, Number);
  const bad = Array.from(v, Number).find((x, i) => !Number.isInteger(x) || x !== out[i]);
  if (bad !== undefined) throw new ValueError(op, `expected ${what} to hold integers, got ${bad}`);
  return out;
}

const ints = (a: Int32Array) => fromArray(Int32Array.from(a), [a.length], 'int32');

// Row n of packed data -> t * B + b, b the original batch index (sorted[j], or j).
function gridPositions(sizes: Int32Array, sorted: Int32Array | null): Int32Array {
  const B = sizes[0];
  const out = new Int32Array(sizes.reduce((a, b) => a + b, 0));
  let n = 0;
  for (let t = 0; t < sizes.length; t++) {
    for (let j = 0; j < sizes[t]; j++) out[n++] = t * B + (sorted ? sorted[j] : j);
  }
  return out;
}

/**
 * A batch of variable-length sequences packed time-major without padding, as PyTorch's
 * `PackedSequence`: `data` `[N, *]` holds step 0 of the `batchSizes[0]` sequences, then step 1
 * of the `batchSizes[1]` sequences that are that long, and so on, sequences ordered by
 * decreasing length; `sortedIndices[j]` is the original batch index of sorted sequence j and
 * `unsortedIndices` its inverse (both null when the batch was already sorted). Build one with
 * `packPaddedSequence` or `packSequence`; the recurrent modules accept and return them.
 * Integer fields are int32 tensors (int64 in PyTorch).
 * @example
 * const packed = nn.utils.rnn.packSequence([nb.randn([3, 4]), nb.randn([1, 4])]);
 * packed.batchSizes.tolist(); // [2, 1, 1]
 */
export class PackedSequence {
  /** `[N, *]`: the steps, time-major. */
  readonly data: Tensor;
  /** int32 `[T]`: sequences still running at each step (non-increasing). */
  readonly batchSizes: Tensor;
  /** int32 `[B]`: original batch index of each sorted sequence, or null (already sorted). */
  readonly sortedIndices: Tensor | null;
  /** int32 `[B]`: sorted position of each original sequence, or null. */
  readonly unsortedIndices: Tensor | null;
  readonly #sizes: Int32Array;
  readonly #sorted: Int32Array | null;

  constructor(data: Tensor, batchSizes: Ints, sortedIndices: Ints | null = null, unsortedIndices: Ints | null = null) {
    const op = 'PackedSequence';
    if (!(data instanceof Tensor) || data.ndim < 1) {
      throw new ShapeError(
        op,
        `expected data of at least 1 dim, got ${data instanceof Tensor ? fmtShape(data.shape) : typeof data}`,
      );
    }
    const sizes = toInts(op, 'batchSizes', batchSizes);
    const badAt = sizes.findIndex((s, t) => s < 1 || (t > 0 && s > sizes[t - 1]));
    if (sizes.length === 0 || badAt >= 0) {
      throw new ValueError(op, `expected positive, non-increasing batchSizes, got [${Array.from(sizes).join(', ')}]`);
    }
    const N = sizes.reduce((a, b) => a + b, 0);
    if (data.shape[0] !== N) {
      throw new ShapeError(op, `expected data of ${N} rows (the sum of batchSizes), got ${fmtShape(data.shape)}`, [
        data.shape,
      ]);
    }
    const B = sizes[0];
    const perm = (v: Ints, what: string) => {
      const p = toInts(op, what, v);
      const seen = new Uint8Array(B);
      if (p.length !== B || p.some((i) => i < 0 || i >= B || seen[i]++ > 0)) {
        throw new ValueError(
          op,
          `expected ${what} to be a permutation of 0..${B - 1}, got [${Array.from(p).join(', ')}]`,
        );
      }
      return p;
    };
    this.#sorted = sortedIndices === null ? null : perm(sortedIndices, 'sortedIndices');
    let unsorted = unsortedIndices === null ? null : perm(unsortedIndices, 'unsortedIndices');
    if (this.#sorted) {
      const inverse = new Int32Array(B);
      this.#sorted.forEach((b, j) => (inverse[b] = j));
      if (unsorted && unsorted.some((j, b) => j !== inverse[b])) {
        throw new ValueError(
          op,
          `expected unsortedIndices to invert sortedIndices, got [${Array.from(unsorted).join(', ')}]`,
        );
      }
      unsorted = inverse;
    }
    this.data = data;
    this.#sizes = sizes;
    this.batchSizes = ints(sizes);
    this.sortedIndices = this.#sorted && ints(this.#sorted);
    this.unsortedIndices = unsorted && ints(unsorted);
  }

  /** Each sequence's length, in the original batch order. */
  lengths(): Int32Array {
    const s = this.#sizes;
    const out = new Int32Array(s[0]);
    for (let j = 0; j < s[0]; j++) {
      let n = 0;
      while (n < s.length && s[n] > j) n++;
      out[this.#sorted ? this.#sorted[j] : j] = n;
    }
    return out;
  }

  /** For each row n of `data`, its place `t * B + b` in a `[T, B]` grid (original batch order). */
  positions(): Int32Array {
    return gridPositions(this.#sizes, this.#sorted);
  }

  /** The same batch layout with other `data` (`[N, *]`), e.g. a recurrent module's output. */
  withData(data: Tensor): PackedSequence {
    return new PackedSequence(data, this.#sizes, this.#sorted, this.unsortedIndices);
  }

  toString(): string {
    return `PackedSequence(data=${fmtShape(this.data.shape)}, batch_sizes=[${Array.from(this.#sizes).join(', ')}])`;
  }
}

/** Options of `padSequence`. */
export interface PadSequenceOptions {
  /** Output `[B, T, *]` instead of `[T, B, *]`. Default false. */
  batchFirst?: boolean;
  /** Value of the padded positions. Default 0. */
  paddingValue?: number;
  /** Pad after (`'right'`, default) or before (`'left'`) each sequence. */
  paddingSide?: 'left' | 'right';
}

/**
 * Stacks sequences of different lengths (`[L_i, *]`) into one padded tensor `[T, B, *]`
 * (`[B, T, *]` with `batchFirst`), T = max L_i, as PyTorch's `pad_sequence`. Differentiable.
 * @example nn.utils.rnn.padSequence([nb.ones([2]), nb.ones([3])], { batchFirst: true }) // [[1, 1, 0], [1, 1, 1]]
 */
export function padSequence(sequences: readonly Tensor[] | Tensor, opts: PadSequenceOptions = {}): Tensor {
  const op = 'padSequence';
  const seqs = sequences instanceof Tensor ? unbind(sequences, 0) : [...sequences];
  if (seqs.length === 0)
    throw new ValueError(op, 'expected at least one sequence (received an empty list of sequences), got 0');
  const side = opts.paddingSide ?? 'right';
  if (side !== 'left' && side !== 'right') {
    throw new ValueError(
      op,
      `expected paddingSide 'left' or 'right' (Expected padding_side to be one of left or right), got ${String(side)}`,
    );
  }
  const first = seqs[0];
  seqs.forEach((s, i) => {
    if (!(s instanceof Tensor) || s.ndim < 1) {
      throw new ShapeError(
        op,
        `expected sequences[${i}] to be a tensor of at least 1 dim, got ${s instanceof Tensor ? fmtShape(s.shape) : typeof s}`,
      );
    }
    if (fmtShape(s.shape.slice(1)) !== fmtShape(first.shape.slice(1)) || s.dtype !== first.dtype) {
      throw new ShapeError(
        op,
        `expected every sequence of shape [L, ${first.shape.slice(1).join(', ')}] and dtype ${first.dtype}, got ${fmtShape(s.shape)} ${s.dtype} at ${i}`,
        [first.shape, s.shape],
      );
    }
  });
  const T = Math.max(...seqs.map((s) => s.shape[0]));
  const pv = opts.paddingValue ?? 0;
  const padded = seqs.map((s) => {
    const n = T - s.shape[0];
    if (n === 0) return s;
    const fill = full([n, ...s.shape.slice(1)], pv, { dtype: s.dtype });
    return cat(side === 'right' ? [s, fill] : [fill, s], 0);
  });
  return stack(padded, opts.batchFirst ? 0 : 1);
}

/**
 * Splits a padded batch back into its sequences (PyTorch's `unpad_sequence`): sequence b is
 * the first `lengths[b]` steps of column b (right padding).
 * @example const seqs = nn.utils.rnn.unpadSequence(padded, [2, 3]);
 */
export function unpadSequence(padded: Tensor, lengths: Ints, opts: { batchFirst?: boolean } = {}): Tensor[] {
  const x = opts.batchFirst ? padded : padded.transpose(0, 1);
  const lens = checkLengthsFor('unpadSequence', lengths, x.shape[1], x.shape[0]);
  return Array.from(lens, (n, b) => x.select(0, b).narrow(0, 0, n));
}

// Lengths of a [T, B] batch: B integers in 1..T (PyTorch's messages).
function checkLengthsFor(op: string, lengths: Ints, T: number, B: number): Int32Array {
  const lens = toInts(op, 'lengths', lengths);
  if (lens.length !== B) {
    throw new ValueError(
      op,
      `expected one length per sequence (Expected \`len(lengths)\` to be equal to batch_size, but got ${lens.length} (batch_size=${B})), got ${lens.length}`,
    );
  }
  const bad = lens.find((n) => n < 1 || n > T);
  if (bad !== undefined) {
    throw new ValueError(
      op,
      `expected every length in [1, ${T}] (Length of all samples has to be greater than 0, and at most the sequence length), got ${bad}`,
    );
  }
  return lens;
}

/**
 * Packs a padded batch `[T, B, *]` (`[B, T, *]` with `batchFirst`) whose sequence b has
 * `lengths[b]` valid steps, as PyTorch's `pack_padded_sequence`. With `enforceSorted` (default
 * true) the lengths must be non-increasing; otherwise the batch is sorted (stable, by decreasing
 * length) and the permutation kept in `sortedIndices`. Differentiable with respect to the input.
 * @example const packed = nn.utils.rnn.packPaddedSequence(x, [3, 5, 1], { enforceSorted: false });
 */
export function packPaddedSequence(
  input: Tensor,
  lengths: Ints,
  opts: { batchFirst?: boolean; enforceSorted?: boolean } = {},
): PackedSequence {
  const op = 'packPaddedSequence';
  if (!(input instanceof Tensor) || input.ndim < 2) {
    throw new ShapeError(
      op,
      `expected a padded batch of at least 2 dims, got ${input instanceof Tensor ? fmtShape(input.shape) : typeof input}`,
    );
  }
  const x = opts.batchFirst ? input.transpose(0, 1) : input;
  const [T, B] = x.shape;
  if (B === 0)
    throw new ValueError(
      op,
      `expected at least one sequence (Cannot pack empty tensors.), got ${fmtShape(input.shape)}`,
    );
  const lens = checkLengthsFor(op, lengths, T, B);
  let order: Int32Array | null = null;
  if (opts.enforceSorted ?? true) {
    if (lens.some((n, b) => b > 0 && n > lens[b - 1])) {
      throw new ValueError(
        op,
        `expected lengths sorted in decreasing order (\`lengths\` array must be sorted in decreasing order when \`enforce_sorted\` is True. You can pass \`enforce_sorted=False\` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.), got [${Array.from(lens).join(', ')}]`,
      );
    }
  } else order = Int32Array.from(Array.from(lens.keys()).sort((a, b) => lens[b] - lens[a] || a - b));
  const maxLen = Math.max(...lens);
  const sizes = new Int32Array(maxLen);
  for (const n of lens) for (let t = 0; t < n; t++) sizes[t]++;
  const flat = x.narrow(0, 0, maxLen).reshape([maxLen * B, ...x.shape.slice(2)]);
  return new PackedSequence(indexSelect(flat, 0, ints(gridPositions(sizes, order))), sizes, order);
}

/**
 * Unpacks to a padded batch `[T, B, *]` (`[B, T, *]` with `batchFirst`) in the original batch
 * order, as PyTorch's `pad_packed_sequence`; T = the longest length, or `totalLength`. Returns
 * the padded batch and the lengths (int32). Differentiable with respect to `data`.
 * @example const [padded, lengths] = nn.utils.rnn.padPackedSequence(packed, { batchFirst: true });
 */
export function padPackedSequence(
  sequence: PackedSequence,
  opts: { batchFirst?: boolean; paddingValue?: number; totalLength?: number | null } = {},
): [Tensor, Tensor] {
  const op = 'padPackedSequence';
  if (!(sequence instanceof PackedSequence))
    throw new ValueError(op, `expected a PackedSequence, got ${typeof sequence}`);
  const { data } = sequence;
  const maxLen = sequence.batchSizes.shape[0];
  const B = Number(sequence.batchSizes.data()[0]);
  const T = opts.totalLength ?? maxLen;
  if (!Number.isInteger(T) || T < maxLen) {
    throw new ValueError(
      op,
      `expected totalLength >= ${maxLen} (Expected total_length to be at least the length of the longest sequence in input, but got total_length=${T} and max sequence length being ${maxLen}), got ${T}`,
    );
  }
  const N = data.shape[0];
  const rest = data.shape.slice(1);
  // Every grid cell reads its packed row, or the padding row appended at N.
  const src = new Int32Array(T * B).fill(N);
  sequence.positions().forEach((p, n) => (src[p] = n));
  const withPad = cat([data, full([1, ...rest], opts.paddingValue ?? 0, { dtype: data.dtype })], 0);
  const padded = indexSelect(withPad, 0, ints(src)).view([T, B, ...rest]);
  return [opts.batchFirst ? padded.transpose(0, 1) : padded, ints(sequence.lengths())];
}

/**
 * Packs a list of sequences `[L_i, *]` (PyTorch's `pack_sequence`): `padSequence` then
 * `packPaddedSequence`. With `enforceSorted` (default true) the lengths must be non-increasing.
 * @example const packed = nn.utils.rnn.packSequence([a, b, c], { enforceSorted: false });
 */
export function packSequence(sequences: readonly Tensor[], opts: { enforceSorted?: boolean } = {}): PackedSequence {
  const lengths = sequences.map((s) => (s instanceof Tensor && s.ndim > 0 ? s.shape[0] : 0));
  return packPaddedSequence(padSequence(sequences), lengths, { enforceSorted: opts.enforceSorted });
}

/**
 * The sequences of a packed batch, in the original order (PyTorch's `unpack_sequence`).
 * @example const [a, b] = nn.utils.rnn.unpackSequence(nn.utils.rnn.packSequence([a0, b0]));
 */
export function unpackSequence(packed: PackedSequence): Tensor[] {
  const [padded, lengths] = padPackedSequence(packed);
  return unpadSequence(padded, lengths);
}
