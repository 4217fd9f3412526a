import { Storage, type Tensor } from '../tensor/tensor.js';
import { offer } from '../tensor/reuse.js';

/**
 * What a backward pass knows about the lifetime of the gradients it computes, so it can skip
 * copies and allocations that no one could observe:
 * - a leaf's first gradient becomes its `.grad` as it is instead of being copied (PyTorch's
 *   AccumulateGrad does the same when nobody else holds the gradient); the copy was the largest
 *   allocation of a training step for a big weight;
 * - a gradient a node has consumed is lent to later allocations of the pass (`tensor/reuse.ts`).
 *
 * Both need a gradient that nothing else can reach: its storage was made during this pass (so
 * it is no forward value, saved tensor or user tensor), no other pending gradient of the pass
 * shares it, no hook or caller has seen it, and it fills its storage exactly. Gradient rules are
 * pure functions of their arguments (they keep nothing), which is what makes this sound.
 */
export class GradHandoff {
  readonly #since = Storage.nextSerial();
  // How many pending gradients (the engine's per-node buffers) live on each storage.
  readonly #held = new Map<Storage, number>();
  readonly #seen = new Set<Storage>();

  /** A pending gradient now lives on `t`'s storage. */
  hold(t: Tensor): void {
    this.#held.set(t.storage, (this.#held.get(t.storage) ?? 0) + 1);
  }

  /** A pending gradient on `t`'s storage was consumed or replaced. */
  drop(t: Tensor): void {
    const n = (this.#held.get(t.storage) ?? 0) - 1;
    if (n > 0) this.#held.set(t.storage, n);
    else this.#held.delete(t.storage);
  }

  /** Code outside the engine (a hook, the caller of `grad`) has seen `t` and may keep it. */
  expose(t: Tensor): void {
    this.#seen.add(t.storage);
  }

  /** Whether `g`, just consumed, is reachable from nowhere else. */
  isPrivate(g: Tensor): boolean {
    const s = g.storage;
    return (
      s.serial >= this.#since &&
      !this.#held.has(s) &&
      !this.#seen.has(s) &&
      !g.requiresGrad &&
      g.offset === 0 &&
      s.data.length === g.numel() &&
      g.isContiguous()
    );
  }

  /** Whether `g`, just consumed by a leaf of `dtype`, may become its `.grad` as it is. */
  canTake(g: Tensor, dtype: Tensor['dtype']): boolean {
    if (g.dtype !== dtype || !this.isPrivate(g)) return false;
    this.#seen.add(g.storage);
    return true;
  }

  /** Lends `g`'s memory to later allocations when a node has consumed it and nothing else can reach it. */
  release(g: Tensor): void {
    if (!this.isPrivate(g)) return;
    this.#seen.add(g.storage);
    offer(g.dtype, g.storage.data);
  }
}
