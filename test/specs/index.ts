// Every family's rows of the op table.
import type { OpSpec } from '../harness/specs.js';
import { activationsSpecs } from './activations.js';
import { attentionSpecs } from './attention.js';
import { convSpecs } from './conv.js';
import { coreSpecs } from './core.js';
import { elementwiseSpecs } from './elementwise.js';
import { indexingSpecs } from './indexing.js';
import { lossesSpecs } from './losses.js';
import { reduceSpecs } from './reduce.js';
import { shapeSpecs } from './shape.js';

export const allSpecs: OpSpec[] = [
  ...coreSpecs,
  ...elementwiseSpecs,
  ...activationsSpecs,
  ...reduceSpecs,
  ...shapeSpecs,
  ...indexingSpecs,
  ...lossesSpecs,
  ...convSpecs,
  ...attentionSpecs,
];
