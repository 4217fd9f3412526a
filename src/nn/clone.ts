// Deep copies of modules, for stacks built from one prototype layer (PyTorch's _get_clones,
// which uses copy.deepcopy). A JS class instance with #private fields cannot be copied
// generically, so a copy is rebuilt: a fresh module from the same constructor arguments, then
// the prototype's state dict, train/eval mode and requiresGrad flags.
import { ValueError } from '../errors.js';
import { Module, type AnyModule } from './module.js';

/** A module that can rebuild itself (same constructor arguments, fresh parameters). */
export interface Rebuildable {
  /** A new module of the same configuration; its parameters are then overwritten. */
  rebuild(): AnyModule;
}

/** Something `cloneModule` can copy: a rebuildable module, or a factory for fresh copies. */
export type ModuleSource<M extends AnyModule> = (M & Rebuildable) | (() => M);

/**
 * An independent copy of `source` with equal parameter values, buffers, mode and requiresGrad
 * flags (no shared memory). `source` is a module with `rebuild()` (the Transformer layers have
 * one) or a factory; a factory's module is returned as built.
 * @example const layers = [0, 1, 2].map(() => nn.cloneModule(layer));
 */
export function cloneModule<M extends AnyModule>(source: ModuleSource<M>): M {
  if (typeof source === 'function') {
    const m = source();
    if (!(m instanceof Module))
      throw new ValueError('cloneModule', `expected the factory to return a Module, got ${typeof m}`);
    return m;
  }
  if (!(source instanceof Module) || typeof (source as Partial<Rebuildable>).rebuild !== 'function') {
    throw new ValueError('cloneModule', 'expected a module with a rebuild() method or a factory function, got neither');
  }
  const copy = source.rebuild() as M;
  const dtypes = new Set(source.parameters().map((p) => p.dtype));
  if (dtypes.size === 1) copy.to([...dtypes][0]);
  copy.loadStateDict(source.stateDict()); // copies values into the new module's own memory
  const flags = new Map(source.namedParameters().map(([n, p]) => [n, p.requiresGrad]));
  for (const [n, p] of copy.namedParameters()) p.requiresGrad_(flags.get(n) ?? true);
  const modes = source.modules().map((m) => m.training);
  copy.modules().forEach((m, i) => (m.training = modes[i] ?? source.training));
  return copy;
}
