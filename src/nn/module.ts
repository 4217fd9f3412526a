import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { noGrad } from '../autograd/mode.js';
import { isFloat, type DType } from '../tensor/dtype.js';
import { sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import * as handwired from './handwired.js';
import { Parameter } from './parameter.js';

/** A state dict: PyTorch-spelled keys (`layers.0.weight`) to tensors, in registration order. */
export type StateDict = Record<string, Tensor>;

/** What `loadStateDict` reports when `strict` is false (and checks when it is true). */
export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

type ForwardHook = (module: AnyModule, inputs: unknown[], output: unknown) => unknown;
type ForwardPreHook = (module: AnyModule, inputs: unknown[]) => unknown[] | void;

/**
 * The base class of every layer and model, as `torch.nn.Module`. Parameters (`Parameter`),
 * child modules and arrays of modules assigned to properties are discovered in assignment order
 * and named as PyTorch names them (`fc.weight`, `layers.0.bias`); buffers are registered with
 * `registerBuffer`. Subclasses implement `forward`; callers use `call`, which also runs hooks.
 * @example
 * class Net extends nn.Module {
 *   fc1 = new nn.Linear(4, 8);
 *   fc2 = new nn.Linear(8, 1);
 *   forward(x: nb.Tensor) { return this.fc2.call(this.fc1.call(x).relu()); }
 * }
 */
export abstract class Module<In extends unknown[] = [Tensor], Out = Tensor> {
  /** Train mode (dropout active, batch norm updates running stats) or eval mode. */
  training = true;
  #buffers = new Map<string, boolean>(); // name -> persistent
  #forwardHooks: ForwardHook[] = [];
  #preHooks: ForwardPreHook[] = [];
  #lastOutputShape: readonly number[] | null = null;

  constructor() {
    // Lets `forward(...args, { grad: true })` record the call for `backward(dy)` (handwired.ts).
    handwired.installHandwired(this as unknown as AnyModule);
  }

  /** The computation; call the module with `call` so hooks run. */
  abstract forward(...args: In): Out;

  /** Runs `forward` with pre- and post-forward hooks. @example const y = layer.call(x); */
  call(...args: In): Out {
    let inputs: unknown[] = args;
    for (const h of this.#preHooks) inputs = h(this as unknown as AnyModule, inputs) ?? inputs;
    let out: unknown = this.forward(...(inputs as In));
    for (const h of this.#forwardHooks) {
      const r = h(this as unknown as AnyModule, inputs, out);
      if (r !== undefined) out = r;
    }
    if (out instanceof Tensor) this.#lastOutputShape = out.shape;
    return out as Out;
  }

  /** Registers `hook(module, inputs, output)` after forward; a returned value replaces the output. */
  registerForwardHook(hook: ForwardHook): { remove(): void } {
    this.#forwardHooks.push(hook);
    return { remove: () => void this.#forwardHooks.splice(this.#forwardHooks.indexOf(hook) >>> 0, 1) };
  }

  /** Registers `hook(module, inputs)` before forward; a returned array replaces the inputs. */
  registerForwardPreHook(hook: ForwardPreHook): { remove(): void } {
    this.#preHooks.push(hook);
    return { remove: () => void this.#preHooks.splice(this.#preHooks.indexOf(hook) >>> 0, 1) };
  }

  // ---- registration ------------------------------------------------------------------------

  /**
   * Registers a tensor that is state but not a parameter (e.g. `running_mean`). Persistent
   * buffers appear in the state dict. `null` reserves the name.
   */
  registerBuffer(name: string, tensor: Tensor | null, opts?: { persistent?: boolean }): void {
    checkName('registerBuffer', name);
    this.#buffers.set(name, opts?.persistent ?? true);
    (this as unknown as Record<string, unknown>)[name] = tensor;
  }

  /** Registers a parameter under `name` (the same as assigning it to the property). */
  registerParameter(name: string, param: Parameter | null): void {
    checkName('registerParameter', name);
    (this as unknown as Record<string, unknown>)[name] = param;
  }

  /** Registers a child module under `name` (the same as assigning it to the property). */
  registerModule(name: string, module: Module<never[], unknown> | null): void {
    checkName('registerModule', name);
    (this as unknown as Record<string, unknown>)[name] = module;
  }

  /** Same as `registerModule`. */
  addModule(name: string, module: Module<never[], unknown> | null): void {
    this.registerModule(name, module);
  }

  // Own entries in assignment order: parameters, buffers and children, arrays expanded.
  #entries(): { params: [string, Parameter][]; buffers: [string, Tensor, boolean][]; children: [string, AnyModule][] } {
    const params: [string, Parameter][] = [];
    const buffers: [string, Tensor, boolean][] = [];
    const children: [string, AnyModule][] = [];
    for (const [key, value] of Object.entries(this)) {
      if (this.#buffers.has(key)) {
        if (value instanceof Tensor) buffers.push([key, value, this.#buffers.get(key)!]);
      } else if (value instanceof Parameter) params.push([key, value]);
      else if (value instanceof Module) children.push([key, value as AnyModule]);
      else if (Array.isArray(value)) {
        value.forEach((v, i) => {
          if (v instanceof Module) children.push([`${key}.${i}`, v as AnyModule]);
          else if (v instanceof Parameter) params.push([`${key}.${i}`, v]);
        });
      }
    }
    return { params, buffers, children };
  }

  /** Direct children with their names. */
  namedChildren(): [string, AnyModule][] {
    return this.#entries().children;
  }

  /** Direct children. */
  children(): AnyModule[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every descendant, pre-order, each once, with dotted names ('' for this one). */
  namedModules(prefix = ''): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    const seen = new Set<AnyModule>();
    const walk = (m: AnyModule, name: string) => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
      for (const [n, c] of m.namedChildren()) walk(c, name ? `${name}.${n}` : n);
    };
    walk(this as unknown as AnyModule, prefix);
    return out;
  }

  /** This module and every descendant. */
  modules(): AnyModule[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Parameters with their dotted names, each shared parameter once. */
  namedParameters(opts?: { prefix?: string; recurse?: boolean }): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    const mods: [string, AnyModule][] =
      opts?.recurse === false
        ? [[opts?.prefix ?? '', this as unknown as AnyModule]]
        : this.namedModules(opts?.prefix ?? '');
    for (const [mName, m] of mods) {
      for (const [pName, p] of m.#entries().params) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([mName ? `${mName}.${pName}` : pName, p]);
      }
    }
    return out;
  }

  /** The trainable tensors, for an optimizer. @example new optim.SGD(model.parameters(), { lr: 0.1 }) */
  parameters(recurse = true): Parameter[] {
    return this.namedParameters({ recurse }).map(([, p]) => p);
  }

  /** Buffers with their dotted names. */
  namedBuffers(opts?: { prefix?: string; recurse?: boolean }): [string, Tensor][] {
    const mods: [string, AnyModule][] =
      opts?.recurse === false
        ? [[opts?.prefix ?? '', this as unknown as AnyModule]]
        : this.namedModules(opts?.prefix ?? '');
    const out: [string, Tensor][] = [];
    for (const [mName, m] of mods) {
      for (const [bName, b] of m.#entries().buffers) out.push([mName ? `${mName}.${bName}` : bName, b]);
    }
    return out;
  }

  /** Buffers of this module and its descendants. */
  buffers(recurse = true): Tensor[] {
    return this.namedBuffers({ recurse }).map(([, b]) => b);
  }

  /** Calls `fn` on every module (children first, then this one), as PyTorch's `apply`. */
  apply(fn: (m: AnyModule) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this as unknown as AnyModule);
    return this;
  }

  // ---- modes and gradients -----------------------------------------------------------------

  /** Sets train mode (default) or eval mode on this module and all descendants. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Eval mode: dropout off, batch norm uses running stats. */
  eval(): this {
    return this.train(false);
  }

  /** Clears the gradients of all parameters (`setToNone`, the default, drops them). */
  zeroGrad(opts?: { setToNone?: boolean }): void {
    const toNone = opts?.setToNone ?? true;
    for (const p of this.parameters()) {
      if (p.grad === null) continue;
      if (toNone) p.grad = null;
      else noGrad(() => p.grad!.zero_());
    }
  }

  /** Turns gradient recording for all parameters on or off (freezing). */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /** Converts parameters and floating buffers to `dtype` in place (module-level `double()` etc.). */
  to(dtype: DType): this {
    if (!isFloat(dtype)) throw new DTypeError('Module.to', `expected a floating point dtype, got ${dtype}`);
    for (const m of this.modules()) {
      const own = m as unknown as Record<string, unknown>;
      for (const [name, p] of m.#entries().params) {
        if (name.includes('.')) continue;
        if (p.dtype !== dtype)
          own[name] = new Parameter(
            noGrad(() => p.to(dtype)),
            p.requiresGrad,
          );
      }
      for (const [name, b] of m.#entries().buffers) {
        if (isFloat(b.dtype) && b.dtype !== dtype) own[name] = noGrad(() => b.to(dtype));
      }
    }
    return this;
  }

  /** Same as `to('float64')`. */
  double(): this {
    return this.to('float64');
  }

  /** Same as `to('float32')`. */
  float(): this {
    return this.to('float32');
  }

  // ---- state dicts ---------------------------------------------------------------------------

  /**
   * Parameters and persistent buffers by PyTorch key, each module's own entries before its
   * children's. Values share memory with the module (detached from the graph).
   * @example Object.keys(new nn.Linear(2, 3).stateDict()) // ['weight', 'bias']
   */
  stateDict(opts?: { prefix?: string }): StateDict {
    const out: StateDict = {};
    for (const [mName, m] of this.namedModules(opts?.prefix ?? '')) {
      const e = m.#entries();
      const key = (n: string) => (mName ? `${mName}.${n}` : n);
      for (const [n, p] of e.params) if (!n.includes('.')) out[key(n)] = p.detach();
      for (const [n, b, persistent] of e.buffers) if (persistent) out[key(n)] = b.detach();
      // Parameters held in arrays are named like children (`name.0`).
      for (const [n, p] of e.params) if (n.includes('.')) out[key(n)] = p.detach();
    }
    return out;
  }

  /**
   * Copies values from a state dict into this module's parameters and buffers, checking every
   * shape first so a mismatch leaves the module untouched. With `strict` (default), missing or
   * unexpected keys are an error with PyTorch's wording; otherwise they are returned.
   * @example model.loadStateDict(io.load('model.safetensors'))
   */
  loadStateDict(stateDict: StateDict, opts?: { strict?: boolean }): LoadResult {
    const strict = opts?.strict ?? true;
    const own = this.stateDict();
    const missingKeys = Object.keys(own).filter((k) => !(k in stateDict));
    const unexpectedKeys = Object.keys(stateDict).filter((k) => !(k in own));
    const errors: string[] = [];
    if (strict && unexpectedKeys.length)
      errors.push(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}. `);
    if (strict && missingKeys.length)
      errors.push(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}. `);
    for (const [k, dst] of Object.entries(own)) {
      const src = stateDict[k];
      if (src === undefined) continue;
      if (!(src instanceof Tensor)) {
        errors.push(`While copying the parameter named "${k}", expected a Tensor, got ${typeof src}.`);
      } else if (!sameShape(src.shape, dst.shape)) {
        errors.push(
          `size mismatch for ${k}: copying a param with shape ${fmtShape(src.shape)} from checkpoint, the shape in current model is ${fmtShape(dst.shape)}.`,
        );
      }
    }
    if (errors.length) {
      const name = this.constructor.name;
      throw new ShapeError('loadStateDict', `Error(s) in loading state_dict for ${name}:\n\t${errors.join('\n\t')}`);
    }
    noGrad(() => {
      for (const [k, dst] of Object.entries(own)) {
        const src = stateDict[k];
        if (src !== undefined) dst.copy_(src);
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  // ---- hand-wired mode (nbml): forward(x, { grad: true }), then backward(dy) ------------------

  /**
   * Backpropagates `dy` through the call recorded by `forward(...args, { grad: true })`: adds
   * the parameter gradients into `.grad` and returns the first argument's gradient (every
   * argument's with `{ all: true }`).
   * @example
   * const y = lin.forward(x, { grad: true });
   * const dx = lin.backward(dy); // lin.weight.grad accumulated
   */
  backward(dy: handwired.OutputGrad): Tensor;
  backward(dy: handwired.OutputGrad, opts: { all: true }): handwired.InputGrad[];
  backward(dy: handwired.OutputGrad, opts?: { all?: boolean }): Tensor | handwired.InputGrad[] {
    return handwired.handwiredBackward(this as unknown as AnyModule, dy, opts);
  }

  /** Sets every trainable parameter's gradient to zeros (nbml's `zero_grads`). */
  zeroGrads(): void {
    handwired.zeroGrads(this as unknown as AnyModule);
  }

  /** The recorded calls of this module and its descendants, for `applyIntermediates`. */
  stashIntermediates(): handwired.IntermediateStash {
    return handwired.stashIntermediates(this as unknown as AnyModule);
  }

  /** Restores recorded calls saved by `stashIntermediates()` (weight tying, rollback). */
  applyIntermediates(stash: handwired.IntermediateStash): void {
    handwired.applyIntermediates(this as unknown as AnyModule, stash);
  }

  /** Forgets the recorded calls of this module and its descendants. */
  clearIntermediates(): void {
    handwired.clearIntermediates(this as unknown as AnyModule);
  }

  /** Each parameter with its dotted name and its gradient (read live), for hand-written optimizers. */
  params(): handwired.ParamEntry[] {
    return handwired.paramEntries(this as unknown as AnyModule);
  }

  // ---- printing ------------------------------------------------------------------------------

  /** Extra text inside this module's line of `toString()` (e.g. `in_features=4, out_features=2`). */
  extraRepr(): string {
    return '';
  }

  /** The shape of the last output of `call`, when it was a tensor. */
  get lastOutputShape(): readonly number[] | null {
    return this.#lastOutputShape;
  }

  /**
   * A PyTorch-style summary: one line per module with its options, the output shape of the
   * last call when known, then the parameter counts.
   */
  toString(): string {
    const total = this.parameters().reduce((s, p) => s + p.numel(), 0);
    const trainable = this.parameters().reduce((s, p) => s + (p.requiresGrad ? p.numel() : 0), 0);
    return `${this.#repr()}\nTotal params: ${total.toLocaleString('en-US')} (trainable: ${trainable.toLocaleString('en-US')})`;
  }

  #repr(): string {
    const shape = this.#lastOutputShape ? `  -> ${fmtShape(this.#lastOutputShape)}` : '';
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    const kids = this.namedChildren();
    if (kids.length === 0) return `${head})${shape}`;
    const lines = kids.map(([n, c]) => `  (${n}): ${c.#repr().split('\n').join('\n  ')}`);
    return `${head}\n${lines.join('\n')}\n)${shape}`;
  }
}

/** Any module, whatever its forward signature. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModule = Module<any[], unknown>;

function checkName(op: string, name: string): void {
  if (typeof name !== 'string' || name === '' || name.includes('.')) {
    throw new ValueError(op, `expected a non-empty name without ".", got ${JSON.stringify(name)}`);
  }
}
