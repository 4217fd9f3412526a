// Deterministic input values for module-table rows (same generator as the op table).
import type { ModuleSpec } from './modules.js';
import { inputValues, type OpSpec } from './specs.js';

/** Values of input `i` of a module row. */
export function moduleInputValues(spec: ModuleSpec, i: number): number[] {
  const asOp = { name: `module:${spec.name}`, fn: () => null, samples: [{ inputs: spec.inputs }] } as unknown as OpSpec;
  return inputValues(asOp, 0, i);
}
