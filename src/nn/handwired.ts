// Hand-wired mode (nbml's way of working): `y = m.forward(x, { grad: true })` records one call,
// `dx = m.backward(dy)` adds the parameter gradients into `.grad` and returns the input
// gradient. There is no second implementation of any layer: the recorded call is an ordinary
// autograd graph whose inputs are fresh leaves (so each recorded call is self-contained, as an
// nbml cache is), and `backward` walks it with the engine. The graph is retained, so a record
// can be walked again, and stashing records lets a module be reused (weight tying, recursion)
// or rolled back.
import { backward as runBackward } from '../autograd/engine.js';
import { enableGrad, noGrad } from '../autograd/mode.js';
import { BackwardNotSupportedError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { zerosLike } from '../tensor/create.js';
import { isFloat } from '../tensor/dtype.js';
import { sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { AnyModule, Module } from './module.js';
import type { Parameter } from './parameter.js';

/** The trailing options of `forward(...args, { grad })`. */
export interface HandwiredOptions {
  /** Record the call for `backward` (true), or run it without recording the graph (false). */
  grad: boolean;
}

/** A gradient for a module's output: a tensor, or arrays/objects of them mirroring the output (`null` to skip one). */
export type OutputGrad = Tensor | null | undefined | readonly OutputGrad[] | { readonly [key: string]: OutputGrad };

/** The gradient of one forward argument: a tensor, `null` (not floating point, or not a tensor), or arrays/objects of them. */
export type InputGrad = Tensor | null | InputGrad[] | { [key: string]: InputGrad };

/** A parameter paired with its gradient, for custom optimizers (nbml's `Param`). */
export interface ParamEntry {
  /** The dotted PyTorch name (`layers.0.weight`). */
  readonly name: string;
  readonly param: Parameter;
  /** `param.grad`, read when accessed (null before the first backward, or for a frozen parameter). */
  readonly grad: Tensor | null;
}

interface CallRecord {
  /** The arguments forward saw: floating-point tensors replaced by fresh leaves. */
  args: unknown[];
  leaves: Set<Tensor>;
  output: unknown;
  /** Calls of other modules with `{ grad: true }` made inside this one, each cutting its graph. */
  cuts: number;
}

const records = new WeakMap<AnyModule, CallRecord>();
// The recordings in progress, innermost last (a module's forward may record its children).
const active: CallRecord[] = [];

/**
 * The recorded calls of a module and its descendants, from `stashIntermediates()`, to put back
 * with `applyIntermediates(stash)` (nbml's `stash_intermediates`).
 * @example const stash = model.stashIntermediates(); stash.size; // modules with a record
 */
export class IntermediateStash {
  readonly #records: Map<AnyModule, CallRecord>;

  /** @internal Built by `stashIntermediates`. */
  constructor(entries: Map<AnyModule, CallRecord>) {
    this.#records = entries;
  }

  /** How many modules had a recorded call. */
  get size(): number {
    return this.#records.size;
  }

  /** @internal The records, by module. */
  static entries(s: IntermediateStash): Map<AnyModule, CallRecord> {
    return s.#records;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Whether `v` is a `{ grad: boolean, ... }` options object (hand-wired mode's trailing argument).
 * @example isHandwiredOptions({ grad: true }) // true
 */
export function isHandwiredOptions(v: unknown): v is HandwiredOptions {
  return isPlainObject(v) && typeof v.grad === 'boolean';
}

// Maps every tensor in nested arrays and plain objects through `f`; other values through `other`.
function mapTree(v: unknown, f: (t: Tensor) => unknown, other: (v: unknown) => unknown = (x) => x): unknown {
  if (v instanceof Tensor) return f(v);
  if (Array.isArray(v)) return v.map((x) => mapTree(x, f, other));
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = mapTree(x, f, other);
    return out;
  }
  return other(v);
}

function className(m: AnyModule): string {
  return m.constructor.name || 'Module';
}

/**
 * Runs `run` on `args` with gradient recording on and keeps the call as `m`'s record: each
 * floating-point tensor in the arguments (also inside arrays and plain objects) is replaced by a
 * fresh leaf, so `backward` can return its gradient and stops there.
 */
function recordCall<Out>(m: AnyModule, args: unknown[], run: (args: unknown[]) => Out): Out {
  const leaves = new Set<Tensor>();
  const cut = mapTree(args, (t) => {
    if (!isFloat(t.dtype)) return t;
    const leaf = t.detach().requiresGrad_();
    leaves.add(leaf);
    return leaf;
  }) as unknown[];
  const parent = active[active.length - 1];
  if (parent !== undefined) parent.cuts++;
  const rec: CallRecord = { args: cut, leaves, output: undefined, cuts: 0 };
  active.push(rec);
  try {
    rec.output = enableGrad(() => run(cut));
  } finally {
    active.pop();
  }
  records.set(m, rec);
  return rec.output as Out;
}

/**
 * Makes `m.forward(...args, { grad })` work for any module: an own `forward` property that
 * strips a trailing `{ grad }` options object and records the call (`grad: true`) or runs it
 * without the graph (`grad: false`); every other call goes straight to the class's `forward`.
 * Other keys of that object are passed on (`forward(x, { mask, grad: true })` calls
 * `forward(x, { mask })`). Called once per module, from `Module`'s constructor.
 * @internal
 * @example installHandwired(this); // in Module's constructor
 */
export function installHandwired(m: AnyModule): true {
  const inner = m.forward;
  Object.defineProperty(m, 'forward', {
    value: function forward(this: AnyModule, ...args: unknown[]): unknown {
      const last = args.length > 0 ? args[args.length - 1] : undefined;
      if (!isHandwiredOptions(last)) return inner.apply(this, args);
      const { grad, ...rest } = last;
      const callArgs = args.slice(0, -1);
      if (Object.keys(rest).length > 0) callArgs.push(rest);
      if (!grad) return noGrad(() => inner.apply(this, callArgs));
      return recordCall(this, callArgs, (a) => inner.apply(this, a));
    },
    writable: true,
    configurable: true,
    enumerable: false,
  });
  return true;
}

/**
 * Runs `m.forward(...args)` and records it for `handwiredBackward` (the typed form of
 * `m.forward(...args, { grad: true })`).
 * @example
 * const y = nn.handwiredForward(lin, x);
 * const dx = nn.handwiredBackward(lin, dy);
 */
export function handwiredForward<In extends unknown[], Out>(m: Module<In, Out>, ...args: In): Out {
  const mod = m as unknown as AnyModule;
  return recordCall(mod, args, (a) => mod.forward(...a)) as Out;
}

// Pairs each output tensor that carries a graph with its gradient from `dy`.
function pairGrads(op: string, out: unknown, dy: OutputGrad, path: string, roots: Tensor[], grads: Tensor[]): void {
  if (dy === null || dy === undefined) return;
  if (out instanceof Tensor) {
    if (!(dy instanceof Tensor)) {
      throw new ShapeError(op, `expected a tensor as the gradient of output${path}, got ${describe(dy)}`);
    }
    if (!sameShape(dy.shape, out.shape)) {
      throw new ShapeError(
        op,
        `expected dy of shape ${fmtShape(out.shape)} (the shape of output${path}), got ${fmtShape(dy.shape)}`,
        [out.shape, dy.shape],
      );
    }
    if (out.requiresGrad) {
      roots.push(out);
      grads.push(dy);
    }
    return;
  }
  if (Array.isArray(out)) {
    // A single tensor for a tuple output is the gradient of its first tensor (`[y, state]`).
    if (dy instanceof Tensor) {
      const first = out.findIndex((o) => o instanceof Tensor);
      if (first >= 0) pairGrads(op, out[first], dy, `${path}[${first}]`, roots, grads);
      return;
    }
    if (!Array.isArray(dy))
      throw new ShapeError(op, `expected an array of gradients for output${path}, got ${describe(dy)}`);
    out.forEach((o, i) => pairGrads(op, o, (dy as readonly OutputGrad[])[i], `${path}[${i}]`, roots, grads));
    return;
  }
  if (isPlainObject(out)) {
    if (!isPlainObject(dy))
      throw new ShapeError(op, `expected an object of gradients for output${path}, got ${describe(dy)}`);
    for (const [k, o] of Object.entries(out)) pairGrads(op, o, dy[k] as OutputGrad, `${path}.${k}`, roots, grads);
  }
}

function describe(v: unknown): string {
  if (v instanceof Tensor) return `a tensor of shape ${fmtShape(v.shape)}`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  return v === null ? 'null' : typeof v;
}

/**
 * Backpropagates `dy` through `m`'s recorded call: parameter gradients are added into their
 * `.grad` (and those of any other leaf the call used), and the gradient of the first argument
 * is returned (`null` when it is not a floating-point tensor, such as token ids). With
 * `{ all: true }`, returns the gradients of every argument, mirroring their structure. The
 * record stays, so `backward` can be called again (gradients accumulate).
 * @example
 * const y = lin.forward(x, { grad: true });
 * const dx = lin.backward(nb.onesLike(y)); // x.shape; lin.weight.grad accumulated
 */
export function handwiredBackward(m: AnyModule, dy: OutputGrad): Tensor;
export function handwiredBackward(m: AnyModule, dy: OutputGrad, opts: { all: true }): InputGrad[];
export function handwiredBackward(m: AnyModule, dy: OutputGrad, opts?: { all?: boolean }): Tensor | InputGrad[];
export function handwiredBackward(m: AnyModule, dy: OutputGrad, opts?: { all?: boolean }): Tensor | InputGrad[] {
  const op = `${className(m)}.backward`;
  const rec = records.get(m);
  if (rec === undefined) {
    throw new BackwardNotSupportedError(
      op,
      'expected a recorded forward pass (call forward(x, { grad: true }) first, or applyIntermediates(stash)), got none',
    );
  }
  if (rec.cuts > 0) {
    throw new BackwardNotSupportedError(
      op,
      `expected one autograd graph for the recorded call, got one cut by ${rec.cuts} call(s) of child modules with { grad: true } inside forward; ` +
        "either call the children without { grad: true } (autograd then covers them), or override backward() to chain the children's backward() calls",
    );
  }
  const roots: Tensor[] = [];
  const grads: Tensor[] = [];
  pairGrads(op, rec.output, dy, '', roots, grads);
  for (const l of rec.leaves) l.grad = null;
  if (roots.length > 0) runBackward(roots, grads, { retainGraph: true });
  const inputGrads = mapTree(
    rec.args,
    (t) => (rec.leaves.has(t) ? (t.grad ?? noGrad(() => zerosLike(t))) : null),
    () => null,
  ) as InputGrad[];
  for (const l of rec.leaves) l.grad = null;
  if (opts?.all) return inputGrads;
  return (inputGrads[0] ?? null) as Tensor;
}

/**
 * Sets the gradient of every trainable parameter of `m` to zeros (allocating it when absent),
 * as nbml's `zero_grads`; `zeroGrad()` drops gradients instead.
 * @example model.zeroGrads();
 */
export function zeroGrads(m: AnyModule): void {
  noGrad(() => {
    for (const p of m.parameters()) {
      if (!p.requiresGrad) continue;
      if (p.grad === null || p.grad.requiresGrad) p.grad = zerosLike(p);
      else p.grad.zero_();
    }
  });
}

/**
 * The recorded calls of `m` and its descendants, to restore later with `applyIntermediates`.
 * @example
 * const h1 = cell.forward(x, { grad: true });
 * const s1 = cell.stashIntermediates();
 * const h2 = cell.forward(h1, { grad: true });
 * const dh1 = cell.backward(dh2);
 * cell.applyIntermediates(s1);
 * const dx = cell.backward(dh1);
 */
export function stashIntermediates(m: AnyModule): IntermediateStash {
  const map = new Map<AnyModule, CallRecord>();
  for (const mod of m.modules()) {
    const r = records.get(mod);
    if (r !== undefined) map.set(mod, r);
  }
  return new IntermediateStash(map);
}

/**
 * Restores the recorded calls of `m` and its descendants from a stash (modules that had none
 * when it was taken lose theirs).
 * @example model.applyIntermediates(stash);
 */
export function applyIntermediates(m: AnyModule, stash: IntermediateStash): void {
  const op = `${className(m)}.applyIntermediates`;
  if (!(stash instanceof IntermediateStash)) {
    throw new ValueError(op, `expected a stash from stashIntermediates(), got ${describe(stash)}`);
  }
  const mods = m.modules();
  const entries = IntermediateStash.entries(stash);
  const own = new Set(mods);
  for (const mod of entries.keys()) {
    if (!own.has(mod)) {
      throw new ValueError(
        op,
        `expected a stash taken from this module or one of its descendants, got one holding a ${className(mod)} outside it`,
      );
    }
  }
  for (const mod of mods) {
    const r = entries.get(mod);
    if (r === undefined) records.delete(mod);
    else records.set(mod, r);
  }
}

/**
 * Forgets the recorded calls of `m` and its descendants, freeing their graphs.
 * @example lstm.clearIntermediates();
 */
export function clearIntermediates(m: AnyModule): void {
  for (const mod of m.modules()) records.delete(mod);
}

/**
 * Every parameter of `m` with its dotted name and its gradient (read live), for optimizers
 * written by hand (nbml's `ToParams::params`).
 * @example
 * nb.noGrad(() => {
 *   for (const { param, grad } of model.params()) if (grad) param.sub_(grad.mul(0.1));
 * });
 */
export function paramEntries(m: AnyModule): ParamEntry[] {
  return m.namedParameters().map(([name, param]) => ({
    name,
    param,
    get grad() {
      return param.grad;
    },
  }));
}
