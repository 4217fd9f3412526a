import { BackwardNotSupportedError, fmtShape } from '../errors.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * A gradient rule: given the gradient of the op's output and the tensors it saved, return one
 * gradient per input (`null` where an input gets none). Rules are written with ordinary tensor
 * ops, so running them with grad mode on builds the graph of the gradient (higher order).
 * `needs[i]` says whether input `i` wants a gradient, so a rule can skip work for the others.
 * A rule must not capture tensors in its closure: saved tensors go through `saved`, so they can
 * be freed after backward and checked for in-place modification.
 */
export type BackwardFn = (
  dy: Tensor,
  saved: readonly Tensor[],
  needs: readonly boolean[],
) => readonly (Tensor | null | undefined)[];

/** A gradient hook: sees a gradient and may return a replacement. */
export type GradHook = (grad: Tensor) => Tensor | void;

/** One recorded op in the autograd graph (PyTorch's `grad_fn`). */
export class Node {
  /** Op name, shown in messages as `${name}Backward`. */
  readonly name: string;
  /** For each input: the node its gradient flows to, or `null` when it needs none. */
  readonly next: readonly (Node | null)[];
  /** Shape and dtype of the output, which its incoming gradient must have. */
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly hooks: GradHook[] = [];
  /**
   * For a node whose gradient is its output gradient placed into a region of zeros (slices):
   * adds `dy` into that region of `buf`, a buffer of the input's shape, in place. The engine
   * uses it instead of `apply` when it need not record the backward pass.
   */
  scatterGrad: ((buf: Tensor, dy: Tensor) => void) | null = null;
  /** A non-leaf tensor that asked for `retainGrad()`. */
  retained: Tensor | null = null;
  /**
   * The rule is user code (a custom function), which may keep the tensors it is given or
   * returns, so the engine never reuses their memory.
   */
  opaque = false;
  #fn: BackwardFn | null;
  #saved: readonly Tensor[] | null;
  #versions: number[];
  #needs: boolean[];

  constructor(
    name: string,
    next: readonly (Node | null)[],
    fn: BackwardFn | null,
    saved: readonly Tensor[],
    shape: readonly number[],
    dtype: DType,
  ) {
    this.name = name;
    this.next = next;
    this.#fn = fn;
    this.#saved = saved;
    this.#versions = saved.map((t) => t.storage.version);
    this.#needs = next.map((n) => n !== null);
    this.shape = shape;
    this.dtype = dtype;
  }

  /** Runs the gradient rule, after checking the saved tensors are still there and unmodified. */
  apply(dy: Tensor): readonly (Tensor | null | undefined)[] {
    const saved = this.#saved;
    if (saved === null || this.#fn === null) {
      throw new BackwardNotSupportedError(
        'backward',
        `trying to backward through the graph a second time (or to read saved tensors after they were freed) in ${this.name}Backward; ` +
          'saved values are freed after backward() or grad(). Pass { retainGraph: true } to the first call if you need to go through the graph again.',
      );
    }
    for (let i = 0; i < saved.length; i++) {
      const t = saved[i];
      if (t.storage.version !== this.#versions[i]) {
        throw new BackwardNotSupportedError(
          'backward',
          `one of the tensors needed for gradient computation has been modified by an in-place operation: ` +
            `[${t.dtype} ${fmtShape(t.shape)}], saved by ${this.name}Backward, is at version ${t.storage.version}; ` +
            `expected version ${this.#versions[i]} instead.`,
        );
      }
    }
    return this.#fn(dy, saved, this.#needs);
  }

  /**
   * Replaces the saved tensors by handles that keep today's memory and history (see
   * `Tensor.savedAlias`); called once the output has been linked to this node, so a saved
   * output keeps its link for higher-order gradients.
   */
  freezeSaved(): void {
    if (this.#saved) this.#saved = this.#saved.map((t) => t.savedAlias());
  }

  /** Drops the saved tensors (after a backward pass without `retainGraph`). */
  release(): void {
    this.#saved = null;
  }
}

/** The node at a leaf that requires grad: gradients arriving here accumulate into `.grad`. */
export class AccumulateGrad extends Node {
  readonly variable: Tensor;
  constructor(variable: Tensor) {
    super('AccumulateGrad', [], null, [], variable.shape, variable.dtype);
    this.variable = variable;
  }
}
