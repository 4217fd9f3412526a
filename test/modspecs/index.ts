// Every family's rows of the module table (one import and one spread per family file).
import type { ModuleSpec } from '../harness/modules.js';
import { attentionModuleSpecs } from './attention.js';
import { basicModuleSpecs } from './basic.js';
import { convModuleSpecs } from './conv.js';
import { normalizationModuleSpecs } from './normalization.js';
import { poolingModuleSpecs } from './pooling.js';
import { rnnModuleSpecs } from './rnn.js';

export const allModuleSpecs: ModuleSpec[] = [
  ...basicModuleSpecs,
  ...normalizationModuleSpecs,
  ...convModuleSpecs,
  ...poolingModuleSpecs,
  ...rnnModuleSpecs,
  ...attentionModuleSpecs,
];
