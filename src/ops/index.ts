// Every free-function op, re-exported for the Tensor methods and the public entry.
export * from './elementwise.js';
export * from './shape.js';
export * from './reduce.js';
export * from './linalg.js';
export * from './format.js';
export { cast } from './prims/cast.js';
export * from './activations.js';
export * from './indexing.js';
