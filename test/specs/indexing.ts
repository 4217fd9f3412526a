// Op-table rows: indexing.
import type { OpSpec } from '../harness/specs.js';

export const indexingSpecs: OpSpec[] = [];
