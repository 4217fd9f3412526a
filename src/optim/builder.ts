// nbml's way of making an optimizer: `AdamW::default().with(&mut model)`, then
// `opt.step(&mut model)`. Here `optim.AdamW.default(opts?)` returns a builder and `with(model)`
// builds an ordinary optimizer over the model's parameters; `step(model)` checks that it is
// given the model it was built with and steps as `step()` does.
import { DTypeError, ValueError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import type { ParamsArg } from './optimizer.js';

/** Where parameters come from: a module (anything with `parameters()`) or a list of tensors. */
export type ParamSource = { parameters(): Iterable<Tensor> } | Iterable<Tensor>;

function isParamSource(v: unknown): v is ParamSource {
  if (typeof v !== 'object' || v === null || v instanceof Tensor) return false;
  return (
    typeof (v as { parameters?: unknown }).parameters === 'function' ||
    typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
  );
}

function describe(v: unknown): string {
  if (v instanceof Tensor) return 'a Tensor';
  return v === null ? 'null' : typeof v;
}

/**
 * The parameters of a module or a list of tensors, as an array.
 * @example paramsOf('with', model) // model.parameters()
 */
export function paramsOf(op: string, source: unknown): Tensor[] {
  if (!isParamSource(source)) {
    throw new DTypeError(
      op,
      `expected a module (with parameters()) or an iterable of tensors, got ${describe(source)}`,
    );
  }
  const list = 'parameters' in source && typeof source.parameters === 'function' ? source.parameters() : source;
  return [...(list as Iterable<Tensor>)];
}

/**
 * Options for an optimizer, waiting for the model: `with(model)` builds the optimizer over its
 * parameters. Made by `Optimizer.default(opts?)` on any optimizer class.
 * @example
 * const opt = optim.AdamW.default({ lr: 3e-4 }).with(model);
 * model.zeroGrads();
 * model.backward(model.forward(x, { grad: true }).sub(y));
 * opt.step(model);
 */
export class OptimizerBuilder<T, O> {
  readonly #ctor: new (params: ParamsArg<O>, opts?: Partial<O>) => T;
  readonly #opts: Partial<O>;

  constructor(ctor: new (params: ParamsArg<O>, opts?: Partial<O>) => T, opts: Partial<O> = {}) {
    this.#ctor = ctor;
    this.#opts = { ...opts };
  }

  /** The options given so far (the optimizer's own defaults fill the rest). */
  get options(): Partial<O> {
    return { ...this.#opts };
  }

  /** A builder with these options added (later ones win). @example optim.SGD.default().set({ lr: 0.1 }) */
  set(opts: Partial<O>): OptimizerBuilder<T, O> {
    return new OptimizerBuilder(this.#ctor, { ...this.#opts, ...opts });
  }

  /** The optimizer over `model`'s parameters (a module, or a list of tensors). */
  with(model: ParamSource): T {
    return new this.#ctor(paramsOf(`${this.#ctor.name}.with`, model), this.#opts);
  }
}

/**
 * Checks the argument of `step(model)`: a module or list whose parameters are all held by the
 * optimizer (the one it was built with), so a step never silently skips a model it was not
 * given.
 * @example checkStepModel(opt, model); // in Optimizer.step
 */
export function checkStepModel(opt: { paramGroups: readonly { params: readonly Tensor[] }[] }, model: unknown): void {
  const op = `${opt.constructor.name}.step`;
  if (!isParamSource(model)) {
    throw new DTypeError(op, `expected a closure or the model the optimizer was built with, got ${describe(model)}`);
  }
  const held = new Set<Tensor>();
  for (const g of opt.paramGroups) for (const p of g.params) held.add(p);
  const missing = paramsOf(op, model).filter((p) => !held.has(p)).length;
  if (missing > 0) {
    throw new ValueError(
      op,
      `expected the model the optimizer was built with (with(model)), got one with ${missing} parameter(s) the optimizer does not hold`,
    );
  }
}
