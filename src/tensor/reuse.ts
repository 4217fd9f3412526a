// Memory that a backward pass knows to be dead, lent to the next allocation of the same size
// within that pass. Allocating a large typed array costs far more than filling it: a fresh
// 2 MB Float32Array took ~400 us against ~100 us to fill one already mapped (page faults and
// zeroing of new memory). A backward pass frees and allocates the same gradient sizes over and
// over, so it lends freed arrays back: a transformer encoder layer's training step (W5) took
// 31 page faults instead of 600. The pool is emptied when the pass ends: between passes, memory
// is owned by the garbage collector as everywhere else.

import type { DType, TypedArray } from './dtype.js';

// Only large arrays: smaller ones are cheap to allocate, and lending them out keeps them alive
// long enough to be promoted to the old generation, which then needs major collections (an MLP
// with 64 KB activations ran 6 major GCs per epoch with a 16 KB threshold, none without).
const MIN_LENGTH = 65536;

const pools = new Map<DType, Map<number, TypedArray[]>>();
let depth = 0;

/** Starts lending (a backward pass begins); passes may nest. */
export function beginReuse(): void {
  depth++;
}

/** Stops lending when the outermost pass ends, and drops every array still held. */
export function endReuse(): void {
  depth--;
  if (depth === 0) pools.clear();
}

/**
 * Gives back an array nothing references any more (the caller guarantees it), to serve a later
 * allocation of the same dtype and length in this pass.
 */
export function offer(dtype: DType, a: TypedArray): void {
  if (depth === 0 || a.length < MIN_LENGTH) return;
  let byLength = pools.get(dtype);
  if (byLength === undefined) pools.set(dtype, (byLength = new Map()));
  const list = byLength.get(a.length);
  if (list === undefined) byLength.set(a.length, [a]);
  else list.push(a);
}

/** A lent array of `dtype` and `length`, zero-filled, or `undefined` when none is free. */
export function reclaim(dtype: DType, length: number): TypedArray | undefined {
  if (depth === 0 || length < MIN_LENGTH) return undefined;
  const a = pools.get(dtype)?.get(length)?.pop();
  return a?.fill(0);
}
