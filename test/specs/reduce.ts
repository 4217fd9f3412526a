// Op-table rows: reduce.
import type { OpSpec } from '../harness/specs.js';

export const reduceSpecs: OpSpec[] = [];
