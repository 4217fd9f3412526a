// Argument checks shared by convolution, pooling and upsampling: tuples of per-dim sizes, the
// unbatched-input convention and PyTorch's names for dtypes in its messages.
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { checkTensor } from '../../ops/operands.js';
import { isFloat, type DType } from '../../tensor/dtype.js';
import type { Tensor } from '../../tensor/tensor.js';

/** A size given once for every spatial dim or once per dim. */
export type SizeArg = number | readonly number[];

/** The product of a list of sizes. */
export const prod = (a: readonly number[]): number => a.reduce((x, y) => x * y, 1);

/** PyTorch's `(3 x 3)` rendering of per-dim sizes in shape messages. */
export const fmtDims = (a: readonly number[], sep = ' x '): string => `(${a.join(sep)})`;

/** PyTorch's tuple rendering, `(3, 3)` or `(3,)`. */
export const fmtTuple = (a: readonly number[]): string => (a.length === 1 ? `(${a[0]},)` : `(${a.join(', ')})`);

/**
 * Expands `value` to `n` integers (a number, or a list of 1 or `n` numbers), with the message
 * PyTorch's convolution gives for a list of the wrong length.
 */
export function ntuple(op: string, name: string, value: SizeArg, n: number): number[] {
  const list = typeof value === 'number' ? [value] : Array.isArray(value) ? [...value] : null;
  if (list === null || (list.length !== 1 && list.length !== n) || list.some((v) => !Number.isInteger(v))) {
    const got = Array.isArray(value) ? fmtShape(value) : String(value);
    throw new ValueError(
      op,
      `expected ${name} to be a single integer value or a list of ${n} values to match the convolution dimensions, but got ${name}=${got}`,
    );
  }
  return list.length === 1 ? new Array<number>(n).fill(list[0]) : list;
}

/** PyTorch's scalar-type names, used in its dtype-mismatch messages. */
export function torchType(d: DType): string {
  return { float32: 'Float', float64: 'Double', int32: 'Int', bool: 'Bool' }[d];
}

/** Checks `x` is a floating-point tensor (the layers here compute only in float32/float64). */
export function floatInput(op: string, x: unknown, what = 'input'): Tensor {
  const t = checkTensor(op, x, what);
  if (!isFloat(t.dtype)) throw new DTypeError(op, `expected a floating point ${what}, got ${t.dtype}`);
  return t;
}

/**
 * Accepts `[N, C, ...spatial]` or the unbatched `[C, ...spatial]` (PyTorch's convention for
 * layers), returning the batched form and whether a batch dim was added.
 */
export function batched(op: string, x: Tensor, nd: number, message?: string): { x: Tensor; unbatched: boolean } {
  if (x.ndim === nd + 2) return { x, unbatched: false };
  if (x.ndim === nd + 1) return { x: x.unsqueeze(0), unbatched: true };
  throw new ShapeError(
    op,
    message ??
      `Expected ${nd + 1}D (unbatched) or ${nd + 2}D (batched) input to ${op}, but got input of size: ${fmtShape(x.shape)}`,
    [x.shape],
  );
}

/** Undoes `batched`. */
export function unbatch(y: Tensor, unbatched: boolean): Tensor {
  return unbatched ? y.squeeze(0) : y;
}
