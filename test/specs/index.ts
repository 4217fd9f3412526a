// Every family's rows of the op table.
import type { OpSpec } from '../harness/specs.js';
import { coreSpecs } from './core.js';

export const allSpecs: OpSpec[] = [...coreSpecs];
