import { enableGrad, noGrad } from '../autograd/mode.js';
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { allocate, type DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { OptimizerBuilder, checkStepModel, type ParamSource } from './builder.js';
import { Penalty } from './penalty.js';
import { readFlat, rounder, toCamel, toSnake, writeFlat, type Flat, type Round } from './util.js';

/** Options every optimizer takes besides its own. */
export interface BaseOptions {
  /** Learning rate. */
  lr: number;
  /** Maximize the objective instead of minimizing it (the gradient is negated). */
  maximize: boolean;
  /** A regularization penalty whose gradient is added to each parameter's gradient. */
  penalty: Penalty | null;
}

/** A parameter group: its parameters and the options that apply to them. */
export type ParamGroup<O = BaseOptions> = O & {
  params: Tensor[];
  lr: number;
  /** Keys added by schedulers (`initialLr`, `maxLr`, ...) live here too. */
  [key: string]: unknown;
};

/** A group as passed to a constructor or `addParamGroup`: parameters and option overrides. */
export type GroupSpec<O> = Partial<O> & { params: Iterable<Tensor> | Tensor; [key: string]: unknown };

/** What optimizers take: parameters, or groups of parameters with per-group options. */
export type ParamsArg<O> = Iterable<Tensor> | Iterable<GroupSpec<O>>;

/** A function that clears gradients, recomputes the loss, calls `backward()` and returns it. */
export type Closure = () => Tensor | number;

/** Per-parameter optimizer state, keyed with PyTorch's names (`step`, `exp_avg`, ...). */
export type ParamState = Record<string, unknown>;

/** An optimizer state dict laid out as PyTorch's: state by parameter index, then the groups. */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  param_groups: Record<string, unknown>[];
}

/**
 * The base class of all optimizers, as `torch.optim.Optimizer`: parameter groups with per-group
 * options (PyTorch's defaults fill what a group leaves out), per-parameter `state` under
 * PyTorch's names, `zeroGrad`, `step(closure?)`, and state dicts laid out as PyTorch's.
 * Subclasses write `updateGroup`, a fused loop over each parameter's memory.
 * @example
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad();
 * loss.backward();
 * opt.step();
 */
export abstract class Optimizer<O extends BaseOptions = BaseOptions> {
  /** The options used where a group does not set its own. */
  readonly defaults: O;
  /** The parameter groups, in order. */
  paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state (created on a parameter's first update). */
  state = new Map<Tensor, ParamState>();
  #scratch = new WeakMap<Tensor, Flat>();

  constructor(params: ParamsArg<O>, defaults: O) {
    this.defaults = defaults;
    this.validate(defaults);
    if (params instanceof Tensor) {
      throw new TypeError(
        'params argument given to the optimizer should be an iterable of Tensors or dicts, but got Tensor',
      );
    }
    const list = [...(params as Iterable<Tensor | GroupSpec<O>>)];
    if (list.length === 0) throw new ValueError(this.constructor.name, 'optimizer got an empty parameter list');
    const groups =
      list[0] instanceof Tensor ? [{ params: list as Tensor[] } as unknown as GroupSpec<O>] : (list as GroupSpec<O>[]);
    for (const g of groups) this.addParamGroup(g);
  }

  /**
   * A builder holding this optimizer's options; `with(model)` makes the optimizer over the
   * model's parameters (nbml's `AdamW::default().with(&mut model)`).
   * @example
   * const opt = optim.AdamW.default({ lr: 3e-4 }).with(model);
   * opt.step(model);
   */
  static default<T, O>(
    this: new (params: ParamsArg<O>, opts?: Partial<O>) => T,
    opts?: Partial<O>,
  ): OptimizerBuilder<T, O> {
    return new OptimizerBuilder(this, opts);
  }

  /** Checks option values, throwing PyTorch's `ValueError` messages (`Invalid learning rate: -1`). */
  protected abstract validate(opts: O): void;

  /** Applies one update to the parameters of `group` that have a gradient. */
  protected abstract updateGroup(group: ParamGroup<O>): void;

  /**
   * Adds a group of parameters with its own options (e.g. to unfreeze layers while training).
   * @example opt.addParamGroup({ params: head.parameters(), lr: 1e-3 })
   */
  addParamGroup(spec: GroupSpec<O>): void {
    const op = `${this.constructor.name}.addParamGroup`;
    if (typeof spec !== 'object' || spec === null || spec instanceof Tensor || !('params' in spec)) {
      throw new TypeError(`${op}: param group must be a dict with a 'params' entry`);
    }
    const params = spec.params instanceof Tensor ? [spec.params] : spec.params instanceof Set ? null : [...spec.params];
    if (params === null) {
      throw new TypeError(
        'optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets will change between runs. Please use a list instead.',
      );
    }
    for (const p of params) {
      if (!(p instanceof Tensor))
        throw new TypeError(`optimizer can only optimize Tensors, but one of the params is ${typeof p}`);
      if (!p.isLeaf) throw new ValueError(op, "can't optimize a non-leaf Tensor");
    }
    const group = { ...this.defaults, ...spec, params } as ParamGroup<O>;
    this.validate(group);
    const seen = new Set<Tensor>();
    for (const g of this.paramGroups) for (const p of g.params) seen.add(p);
    if (params.some((p) => seen.has(p)))
      throw new ValueError(op, 'some parameters appear in more than one parameter group');
    this.paramGroups.push(group);
  }

  /**
   * Clears the gradients of every parameter: drops them (`setToNone`, the default, as in
   * PyTorch 2) or fills them with zeros.
   */
  zeroGrad(opts?: { setToNone?: boolean }): void {
    const toNone = opts?.setToNone ?? true;
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (p.grad === null) continue;
        if (toNone) p.grad = null;
        else {
          if (p.grad.requiresGrad) p.grad = p.grad.detach();
          const grad = p.grad;
          noGrad(() => grad.zero_());
        }
      }
    }
  }

  /**
   * Performs one optimization step. `closure`, when given, runs first with gradient recording
   * on (it should zero the gradients, compute the loss and call `backward()`); its loss is
   * returned. The update itself runs without recording. Given the model the optimizer was built
   * with (nbml's `opt.step(&mut model)`), it checks that it holds the model's parameters.
   */
  step(closure?: Closure | ParamSource): Tensor | number | undefined {
    const fn = typeof closure === 'function' ? closure : undefined;
    if (closure !== undefined && fn === undefined) checkStepModel(this, closure);
    const loss = fn ? enableGrad(fn) : undefined;
    noGrad(() => {
      for (const g of this.paramGroups) this.updateGroup(g);
    });
    return loss;
  }

  /** The state of `p`, created empty on first use. */
  protected stateOf(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (!s) {
      s = {};
      this.state.set(p, s);
    }
    return s;
  }

  /**
   * Runs `body` for each parameter of `group` that has a gradient, with flat views of the
   * parameter and of the effective gradient: negated under `maximize`, plus the penalty's
   * gradient when the group has one (both in a scratch buffer; `p.grad` is never modified).
   */
  protected forEachParam(
    group: ParamGroup<O>,
    body: (p: Tensor, w: Flat, g: Flat, R: Round, state: ParamState) => void,
  ): void {
    for (const p of group.params) {
      if (p.grad === null) continue;
      const R = rounder(p.dtype);
      const w = writeFlat(p);
      let g = readFlat(p.grad, p.dtype);
      if (g.n !== w.n) {
        throw new ShapeError(
          `${this.constructor.name}.step`,
          `expected a gradient of the parameter's shape ${fmtShape(p.shape)}, got ${fmtShape(p.grad.shape)}`,
          [p.shape, p.grad.shape],
        );
      }
      if (group.maximize || group.penalty) g = this.#effectiveGrad(p, w, g, group, R);
      body(p, w, g, R, this.stateOf(p));
      w.commit();
    }
  }

  #effectiveGrad(p: Tensor, w: Flat, g: Flat, group: ParamGroup<O>, R: Round): Flat {
    let buf = this.#scratch.get(p);
    if (!buf || buf.n !== g.n || buf.data.constructor !== g.data.constructor) {
      buf = { data: allocate(p.dtype as DType, g.n), off: 0, n: g.n };
      this.#scratch.set(p, buf);
    }
    const sign = group.maximize ? -1 : 1;
    for (let i = 0; i < g.n; i++) buf.data[i] = sign * g.data[g.off + i];
    if (group.penalty) group.penalty.addGrad(buf, w, R);
    return buf;
  }

  /**
   * The optimizer's state as PyTorch lays it out: `{ state: { 0: { step, exp_avg, ... } },
   * param_groups: [{ lr, betas, ..., params: [0, 1] }] }`, with parameters numbered across
   * groups in order and PyTorch's snake_case keys. Tensors are shared with the optimizer (as in
   * PyTorch); `loadStateDict` copies them.
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const packed: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) {
        if (k === 'params' || (k === 'penalty' && v === null)) continue;
        packed[toSnake(k)] = v instanceof Penalty ? v.toJSON() : Array.isArray(v) ? [...v] : v;
      }
      packed.params = g.params.map((p) => {
        if (!index.has(p)) index.set(p, index.size);
        return index.get(p)!;
      });
      return packed;
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = { ...s };
    }
    return { state, param_groups: paramGroups };
  }

  /**
   * Loads a state dict from `stateDict()` (or PyTorch's, with tensors converted): checks that
   * the groups and their sizes match, copies the state (casting floating tensors other than
   * `step` to each parameter's dtype) and takes the groups' options.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const op = `${this.constructor.name}.loadStateDict`;
    const saved = stateDict.param_groups;
    if (saved.length !== this.paramGroups.length) {
      throw new ValueError(op, 'loaded state dict has a different number of parameter groups');
    }
    saved.forEach((sg, i) => {
      if ((sg.params as unknown[]).length !== this.paramGroups[i].params.length) {
        throw new ValueError(
          op,
          "loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
        );
      }
    });
    const byId = new Map<number, Tensor>();
    saved.forEach((sg, i) => (sg.params as number[]).forEach((id, j) => byId.set(id, this.paramGroups[i].params[j])));
    const state = new Map<Tensor, ParamState>();
    for (const [k, v] of Object.entries(stateDict.state)) {
      const p = byId.get(Number(k));
      if (p === undefined) continue;
      const s: ParamState = {};
      for (const [key, value] of Object.entries(v)) s[key] = copyValue(value, key === 'step' ? null : p.dtype);
      state.set(p, s);
    }
    const groups = saved.map((sg, i) => {
      const g: Record<string, unknown> = { ...this.paramGroups[i] };
      for (const [k, v] of Object.entries(sg)) {
        if (k === 'params') continue;
        const key = toCamel(k);
        g[key] = key === 'penalty' ? Penalty.fromJSON(v) : Array.isArray(v) ? [...v] : v;
      }
      g.params = this.paramGroups[i].params;
      return g as ParamGroup<O>;
    });
    this.state = state;
    this.paramGroups = groups;
  }

  /** PyTorch's summary: the class name and each group's options. */
  toString(): string {
    const lines = [`${this.constructor.name} (`];
    this.paramGroups.forEach((g, i) => {
      lines.push(`Parameter Group ${i}`);
      for (const k of Object.keys(g)
        .filter((k) => k !== 'params')
        .sort())
        lines.push(`    ${k}: ${fmtOption(g[k])}`);
    });
    lines.push(')');
    return lines.join('\n');
  }
}

function fmtOption(v: unknown): string {
  if (Array.isArray(v)) return `(${v.join(', ')})`;
  if (v instanceof Penalty) return v.toString();
  return String(v);
}

// Deep copy for loadStateDict: tensors are cloned (floating ones cast to the parameter's dtype
// unless `dtype` is null, as PyTorch leaves `step` alone), lists copied element by element.
function copyValue(v: unknown, dtype: DType | null): unknown {
  if (v instanceof Tensor) {
    return noGrad(() => {
      const isFloat = v.dtype === 'float32' || v.dtype === 'float64';
      return dtype !== null && isFloat && v.dtype !== dtype ? v.to(dtype) : v.clone();
    });
  }
  if (Array.isArray(v)) return v.map((x) => copyValue(x, dtype));
  return v;
}
