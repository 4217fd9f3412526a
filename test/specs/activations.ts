// Op-table rows: activations.
import type { OpSpec } from '../harness/specs.js';

export const activationsSpecs: OpSpec[] = [];
