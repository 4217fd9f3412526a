// Op-table rows: elementwise.
import type { OpSpec } from '../harness/specs.js';

export const elementwiseSpecs: OpSpec[] = [];
