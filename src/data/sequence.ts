// Variable-length sequences: padding into one tensor, plus the keep-mask of nbml's
// batch_with_mask. Both are built from cat/stack, so gradients flow back to the sequences.
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { cat, stack } from '../ops/shape.js';
import { full, tensor } from '../tensor/create.js';
import type { DType } from '../tensor/dtype.js';
import { fromArray, Tensor } from '../tensor/tensor.js';

/** Options of `padSequence`. */
export interface PadSequenceOptions {
  /** Output `[B, T, *]` instead of `[T, B, *]` (default false, as PyTorch). */
  batchFirst?: boolean;
  /** Value of the padded positions (default 0). */
  paddingValue?: number;
  /** Pad after the sequence (`'right'`, default) or before it (`'left'`). */
  paddingSide?: 'right' | 'left';
}

function checkSequences(op: string, seqs: readonly Tensor[]): void {
  if (!Array.isArray(seqs as unknown) || seqs.length === 0) {
    throw new ValueError(op, 'expected a non-empty list of sequences (received an empty list of sequences), got none');
  }
  seqs.forEach((s, i) => {
    if (!(s instanceof Tensor)) throw new DTypeError(op, `expected sequence ${i} to be a Tensor, got ${typeof s}`);
    if (s.ndim === 0)
      throw new ShapeError(op, `expected sequence ${i} to have at least one dimension [L, *], got a 0-d tensor`);
  });
  const rest = seqs[0].shape.slice(1);
  const bad = seqs.findIndex((s) => s.ndim !== rest.length + 1 || s.shape.some((d, j) => j > 0 && d !== rest[j - 1]));
  if (bad >= 0) {
    throw new ShapeError(
      op,
      `expected every sequence to be [L, ${rest.join(', ')}] like sequence 0 ${fmtShape(seqs[0].shape)}, got ${fmtShape(seqs[bad].shape)} for sequence ${bad}`,
      seqs.map((s) => s.shape),
    );
  }
}

function padded(seqs: readonly Tensor[], maxLen: number, value: number, side: 'right' | 'left'): Tensor[] {
  return seqs.map((s) => {
    const gap = maxLen - s.shape[0];
    if (gap === 0) return s;
    const pad = full([gap, ...s.shape.slice(1)], value, { dtype: s.dtype });
    return cat(side === 'right' ? [s, pad] : [pad, s], 0);
  });
}

function sideOf(op: string, side: unknown): 'right' | 'left' {
  if (side !== 'right' && side !== 'left')
    throw new ValueError(op, `expected paddingSide 'right' or 'left', got ${String(side)}`);
  return side;
}

/**
 * Pads sequences `[L_i, *]` to the longest length and stacks them: `[T, B, *]`, or
 * `[B, T, *]` with `batchFirst` (`torch.nn.utils.rnn.pad_sequence`).
 * @example
 * data.padSequence([nb.ones([3, 2]), nb.ones([1, 2])], { batchFirst: true }); // [2, 3, 2]
 */
export function padSequence(seqs: readonly Tensor[], opts: PadSequenceOptions = {}): Tensor {
  const op = 'padSequence';
  checkSequences(op, seqs);
  const side = sideOf(op, opts.paddingSide ?? 'right');
  const maxLen = Math.max(...seqs.map((s) => s.shape[0]));
  return stack(padded(seqs, maxLen, opts.paddingValue ?? 0, side), opts.batchFirst ? 0 : 1);
}

/** Options of `batchWithMask`. */
export interface BatchWithMaskOptions {
  /** Value of the padded positions (default 0). */
  paddingValue?: number;
  /** Pad after each sequence (`'right'`, default, as nbml) or before it. */
  paddingSide?: 'right' | 'left';
  /** dtype of the mask: `'float32'` (default, nbml's 1.0 / 0.0) or `'bool'`. */
  maskDtype?: DType;
  /** dtype for sequences given as number arrays (default `'float32'`; `'int32'` for token ids). */
  dtype?: DType;
}

/** A padded batch, its keep-mask and the original lengths. */
export interface MaskedBatch {
  /** `[B, S, *]`, right-padded (unless `paddingSide: 'left'`). */
  batch: Tensor;
  /** `[B, S]`: 1 at real positions (keep), 0 at padding. */
  mask: Tensor;
  /** Length of each sequence. */
  lengths: number[];
}

/**
 * Batches variable-length sequences `[S_i, *]` (tensors or number arrays) into a padded
 * `[B, S, *]` tensor and a `[B, S]` keep-mask (1 = real position, 0 = padding), nbml's
 * `batch_with_mask`; the mask feeds masked pooling and attention.
 * @example
 * const { batch, mask } = data.batchWithMask([[1, 2, 3], [4]], { dtype: 'int32' });
 * // batch [[1, 2, 3], [4, 0, 0]], mask [[1, 1, 1], [1, 0, 0]]
 */
export function batchWithMask(
  seqs: readonly (Tensor | readonly number[])[],
  opts: BatchWithMaskOptions = {},
): MaskedBatch {
  const op = 'batchWithMask';
  if (!Array.isArray(seqs as unknown)) throw new DTypeError(op, `expected a list of sequences, got ${typeof seqs}`);
  const tensors = seqs.map((s) =>
    s instanceof Tensor ? s : tensor(s as number[], { dtype: opts.dtype ?? 'float32' }),
  );
  checkSequences(op, tensors);
  const side = sideOf(op, opts.paddingSide ?? 'right');
  const lengths = tensors.map((s) => s.shape[0]);
  const S = Math.max(...lengths);
  const maskDtype = opts.maskDtype ?? 'float32';
  const m = new Float64Array(tensors.length * S);
  lengths.forEach((l, b) => m.fill(1, b * S + (side === 'right' ? 0 : S - l), b * S + (side === 'right' ? l : S)));
  const mask = fromArray(m, [tensors.length, S], 'float64').to(maskDtype);
  return { batch: stack(padded(tensors, S, opts.paddingValue ?? 0, side), 0), mask, lengths };
}
