import { IndexError, ValueError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, type AnyModule } from './module.js';

/**
 * Runs modules one after another; children are named `0`, `1`, ... (or by the keys of an object
 * argument), as in PyTorch, so state-dict keys match.
 * @example const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 1));
 */
export class Sequential extends Module<[Tensor], Tensor> {
  constructor(...modules: AnyModule[] | [Record<string, AnyModule>]) {
    super();
    const first = modules[0];
    if (modules.length === 1 && first !== undefined && !(first instanceof Module)) {
      for (const [k, m] of Object.entries(first)) this.registerModule(k, m);
    } else {
      (modules as AnyModule[]).forEach((m, i) => {
        if (!(m instanceof Module))
          throw new ValueError('Sequential', `expected a Module at position ${i}, got ${typeof m}`);
        this.registerModule(String(i), m);
      });
    }
  }

  /** Feeds the input through every child in order. */
  forward(x: Tensor): Tensor {
    let y: unknown = x;
    for (const m of this.children()) y = m.call(y);
    return y as Tensor;
  }

  /** Number of children. */
  get length(): number {
    return this.children().length;
  }

  /** The child at position `i` (negative counts from the end). */
  at(i: number): AnyModule {
    const kids = this.children();
    const j = i < 0 ? i + kids.length : i;
    if (!Number.isInteger(j) || j < 0 || j >= kids.length) {
      throw new IndexError('Sequential', `index ${i} is out of range for ${kids.length} modules`);
    }
    return kids[j];
  }

  /** Adds a module at the end. */
  append(m: AnyModule): this {
    this.registerModule(String(this.length), m);
    return this;
  }

  [Symbol.iterator](): Iterator<AnyModule> {
    return this.children()[Symbol.iterator]();
  }
}

/**
 * Holds modules in a list so their parameters are registered (`0.weight`, `1.weight`, ...);
 * it has no forward of its own.
 * @example this.layers = new nn.ModuleList([new nn.Linear(4, 4), new nn.Linear(4, 4)]);
 */
export class ModuleList extends Module<never[], never> {
  constructor(modules: readonly AnyModule[] = []) {
    super();
    modules.forEach((m) => this.append(m));
  }

  /** A ModuleList is a container, not a layer. */
  forward(): never {
    throw new ValueError('ModuleList', 'a ModuleList has no forward; iterate over it and call its modules');
  }

  /** Number of modules. */
  get length(): number {
    return this.children().length;
  }

  /** The module at position `i` (negative counts from the end). */
  at(i: number): AnyModule {
    const kids = this.children();
    const j = i < 0 ? i + kids.length : i;
    if (!Number.isInteger(j) || j < 0 || j >= kids.length) {
      throw new IndexError('ModuleList', `index ${i} is out of range for ${kids.length} modules`);
    }
    return kids[j];
  }

  /** Adds a module at the end. */
  append(m: AnyModule): this {
    if (!(m instanceof Module)) throw new ValueError('ModuleList', `expected a Module, got ${typeof m}`);
    this.registerModule(String(this.length), m);
    return this;
  }

  /** Adds several modules at the end. */
  extend(ms: Iterable<AnyModule>): this {
    for (const m of ms) this.append(m);
    return this;
  }

  [Symbol.iterator](): Iterator<AnyModule> {
    return this.children()[Symbol.iterator]();
  }
}

/**
 * Holds modules by name, in insertion order, so their parameters are registered under
 * `name.weight`.
 * @example this.heads = new nn.ModuleDict({ cls: new nn.Linear(8, 3), reg: new nn.Linear(8, 1) });
 */
export class ModuleDict extends Module<never[], never> {
  constructor(modules: Record<string, AnyModule> = {}) {
    super();
    for (const [k, m] of Object.entries(modules)) this.set(k, m);
  }

  /** A ModuleDict is a container, not a layer. */
  forward(): never {
    throw new ValueError('ModuleDict', 'a ModuleDict has no forward; call its modules by name');
  }

  /** The module under `key`. */
  get(key: string): AnyModule {
    const m = (this as unknown as Record<string, unknown>)[key];
    if (!(m instanceof Module)) throw new IndexError('ModuleDict', `no module named ${JSON.stringify(key)}`);
    return m as AnyModule;
  }

  /** Adds or replaces the module under `key`. */
  set(key: string, m: AnyModule): this {
    if (!(m instanceof Module))
      throw new ValueError('ModuleDict', `expected a Module for ${JSON.stringify(key)}, got ${typeof m}`);
    this.registerModule(key, m);
    return this;
  }

  /** Whether a module is stored under `key`. */
  has(key: string): boolean {
    return this.namedChildren().some(([k]) => k === key);
  }

  /** Names in order. */
  keys(): string[] {
    return this.namedChildren().map(([k]) => k);
  }

  /** Modules in order. */
  values(): AnyModule[] {
    return this.children();
  }

  /** Name-module pairs in order. */
  entries(): [string, AnyModule][] {
    return this.namedChildren();
  }
}
