// Every family's rows of the module table.
import type { ModuleSpec } from '../harness/modules.js';

export const allModuleSpecs: ModuleSpec[] = [];
