// Argument checks of RNN, LSTM and GRU calls, with PyTorch's messages.
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { zeros } from '../tensor/create.js';
import type { DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';

/** Per-call options of `forward`. */
export interface RNNForwardOptions {
  /**
   * Valid length of every sequence of the batch (1..T, any order), for padded batches: outputs
   * past a sequence's length are zero and its final state is the one at its last valid step, in
   * both directions (the reverse direction starts at the sequence's own last element), as
   * PyTorch's `pack_padded_sequence(..., enforce_sorted=False)` then `pad_packed_sequence`. A
   * `PackedSequence` input carries its lengths instead.
   */
  lengths?: readonly number[] | Int32Array | Tensor;
}

/** What a call check needs to know about the module. */
export interface RecurrentShape {
  readonly mode: string;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
  readonly numLayers: number;
  readonly bidirectional: boolean;
  readonly batchFirst: boolean;
}

/**
 * Checks and normalizes a call of `m`: returns the input as `[T, B, F]`, the initial states as
 * `[L*D, B, *]` (zeros when absent) and the lengths; `batched` says whether to squeeze back.
 * Messages carry PyTorch's wording in parentheses.
 */
export function checkRecurrentCall(
  m: RecurrentShape,
  dtype: DType,
  input: Tensor,
  states: readonly (Tensor | null | undefined)[],
  opts: RNNForwardOptions | undefined,
): { x: Tensor; h0: Tensor[]; batched: boolean; lengths: Int32Array | null } {
  const name = m.constructor.name;
  if (!(input instanceof Tensor)) throw new ValueError(name, `expected input to be a Tensor, got ${typeof input}`);
  if (input.ndim !== 2 && input.ndim !== 3) {
    throw new ShapeError(
      name,
      `expected input to be 2-D or 3-D (${name}: Expected input to be 2-D or 3-D but received ${input.ndim}-D tensor), got ${fmtShape(input.shape)}`,
      [input.shape],
    );
  }
  if (input.dtype !== dtype) {
    throw new DTypeError(name, `expected input of dtype ${dtype} (the parameters' dtype), got ${input.dtype}`);
  }
  const batched = input.ndim === 3;
  let x = batched ? input : input.unsqueeze(1);
  if (batched && m.batchFirst) x = x.transpose(0, 1);
  const [T, B, F] = x.shape;
  if (F !== m.inputSize) {
    throw new ShapeError(
      name,
      `expected input.size(-1) == ${m.inputSize} (input.size(-1) must be equal to input_size. Expected ${m.inputSize}, got ${F})`,
      [input.shape],
    );
  }
  if (T === 0)
    throw new ShapeError(name, `expected a sequence of at least one step, got input of shape ${fmtShape(input.shape)}`);
  const LD = m.numLayers * (m.bidirectional ? 2 : 1);
  const sizes = [m.outputSize, m.hiddenSize];
  const h0 = sizes.slice(0, m.mode === 'lstm' ? 2 : 1).map((size, i) => {
    const h = states[i];
    if (h === undefined || h === null) return zeros([LD, B, size], { dtype });
    const what = m.mode === 'lstm' ? `hidden[${i}]` : 'hidden';
    if (!(h instanceof Tensor)) throw new ValueError(name, `expected ${what} to be a Tensor, got ${typeof h}`);
    if (h.ndim !== input.ndim) {
      throw new ShapeError(
        name,
        batched
          ? `expected a 3-D ${what} for batched 3-D input (For batched 3-D input, hx should also be 3-D but got ${h.ndim}-D tensor)`
          : `expected a 2-D ${what} for unbatched 2-D input (For unbatched 2-D input, hx should also be 2-D but got ${h.ndim}-D tensor)`,
        [h.shape],
      );
    }
    const want = batched ? [LD, B, size] : [LD, size];
    if (fmtShape(h.shape) !== fmtShape(want)) {
      const tuple = `(${want.join(', ')}${want.length === 1 ? ',' : ''})`;
      throw new ShapeError(
        name,
        `expected ${what} of shape ${fmtShape(want)} (Expected ${what} size ${tuple}, got ${fmtShape(h.shape)}), got ${fmtShape(h.shape)}`,
        [h.shape],
      );
    }
    if (h.dtype !== dtype) throw new DTypeError(name, `expected ${what} of dtype ${dtype}, got ${h.dtype}`);
    return batched ? h : h.unsqueeze(1);
  });
  return { x, h0, batched, lengths: checkLengths(name, opts?.lengths, T, B) };
}

/** Validates `lengths` (an int array or int32 tensor of B values in 1..T). */
export function checkLengths(
  op: string,
  lengths: readonly number[] | Int32Array | Tensor | undefined,
  T: number,
  B: number,
): Int32Array | null {
  if (lengths === undefined || lengths === null) return null;
  let vals: number[];
  if (lengths instanceof Tensor) {
    if (lengths.dtype !== 'int32' || lengths.ndim !== 1) {
      throw new DTypeError(
        op,
        `expected lengths to be a 1-D int32 tensor or an int array, got a ${lengths.ndim}-D ${lengths.dtype} tensor`,
      );
    }
    vals = Array.from(lengths.data(), Number);
  } else vals = Array.from(lengths, Number);
  if (vals.length !== B)
    throw new ShapeError(op, `expected ${B} lengths (one per sequence of the batch), got ${vals.length}`);
  const bad = vals.find((v) => !Number.isInteger(v) || v < 1 || v > T);
  if (bad !== undefined) {
    throw new ValueError(
      op,
      `expected every length in [1, ${T}] (Length of all samples has to be greater than 0, and at most the sequence length), got ${bad}`,
    );
  }
  return Int32Array.from(vals);
}
