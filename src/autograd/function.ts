import { BackwardNotSupportedError, ShapeError, fmtShape } from '../errors.js';
import { sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { record } from '../ops/record.js';
import { noGrad } from './mode.js';

/**
 * The context a custom function's `forward` and `backward` share: tensors saved for backward,
 * which inputs need a gradient, and any non-tensor values you attach.
 */
export class FunctionCtx {
  #pending: Tensor[] = [];
  #saved: readonly Tensor[] = [];
  /** For each tensor input, whether it wants a gradient. */
  needsInputGrad: readonly boolean[] = [];
  /** Free-form storage for non-tensor values (shapes, flags, numbers) between the passes. */
  readonly values: Record<string, unknown> = {};

  /** Keeps tensors for backward; they are checked for in-place changes and freed after use. */
  saveForBackward(...tensors: Tensor[]): void {
    this.#pending.push(...tensors);
  }

  /** The tensors saved in forward, in order (valid inside `backward`). */
  get savedTensors(): readonly Tensor[] {
    return this.#saved;
  }

  /** @internal Moves pending saves out (the graph node owns them from then on). */
  takePending(): Tensor[] {
    const p = this.#pending;
    this.#pending = [];
    return p;
  }

  /** @internal Lends the node's saved tensors to `backward`. */
  lend(saved: readonly Tensor[]): void {
    this.#saved = saved;
  }
}

/** The definition of a custom differentiable function. */
export interface FunctionDef<A extends unknown[]> {
  /** Shown in error messages and as the graph node's name. */
  name?: string;
  /** Computes the output (runs with grad recording off). Tensor arguments are the inputs. */
  forward(ctx: FunctionCtx, ...args: A): Tensor;
  /**
   * Given the output's gradient, returns one gradient per tensor argument (`null` for none),
   * or a single tensor when there is one tensor argument.
   */
  backward(ctx: FunctionCtx, gradOutput: Tensor): Tensor | null | readonly (Tensor | null)[];
}

/** A custom function ready to call: `fn.apply(...args)`. */
export interface CustomFunction<A extends unknown[]> {
  apply(...args: A): Tensor;
}

/**
 * Defines a differentiable function with a hand-written backward pass, as PyTorch's
 * `torch.autograd.Function`. Write the backward with tensor ops to make it twice
 * differentiable.
 * @example
 * const myExp = nb.customFunction({
 *   forward(ctx, x: nb.Tensor) { const y = x.exp(); ctx.saveForBackward(y); return y; },
 *   backward(ctx, dy) { const [y] = ctx.savedTensors; return dy.mul(y); },
 * });
 * myExp.apply(x).sum().backward();
 */
export function customFunction<A extends unknown[]>(def: FunctionDef<A>): CustomFunction<A> {
  const name = def.name ?? 'CustomFunction';
  return {
    apply(...args: A): Tensor {
      const inputs = args.filter((a): a is Tensor => a instanceof Tensor);
      const ctx = new FunctionCtx();
      ctx.needsInputGrad = inputs.map((t) => t.requiresGrad);
      let out = noGrad(() => def.forward(ctx, ...args));
      if (!(out instanceof Tensor)) {
        throw new BackwardNotSupportedError(name, `expected forward to return a Tensor, got ${typeof out}`);
      }
      // An input passed through unchanged must not have its own history overwritten.
      if (inputs.includes(out) || out.gradFn !== null) out = out.detach();
      const shapes = inputs.map((t) => t.shape);
      const saved = ctx.takePending();
      const y = record(
        name,
        out,
        inputs,
        (dy, s) => {
          ctx.lend(s);
          try {
            const r = def.backward(ctx, dy);
            const grads = r instanceof Tensor || r === null ? [r] : [...r];
            if (grads.length !== inputs.length) {
              throw new BackwardNotSupportedError(
                name,
                `expected backward to return ${inputs.length} gradient(s), one per tensor input, got ${grads.length}`,
              );
            }
            grads.forEach((g, i) => {
              if (g !== null && !sameShape(g.shape, shapes[i])) {
                throw new ShapeError(
                  name,
                  `expected the gradient of input ${i} to have shape ${fmtShape(shapes[i])}, got ${fmtShape(g.shape)}`,
                  [shapes[i], g.shape],
                );
              }
            });
            return grads;
          } finally {
            ctx.lend([]);
          }
        },
        saved,
      );
      if (y.gradFn !== null) y.gradFn.opaque = true;
      return y;
    },
  };
}
