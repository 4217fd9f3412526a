// Op-table rows: shape.
import type { OpSpec } from '../harness/specs.js';

export const shapeSpecs: OpSpec[] = [];
