// Every free-function op, re-exported for the Tensor methods and the public entry.
export * from './elementwise.js';
export * from './clamp.js';
export * from './shape.js';
export * from './reduce.js';
export * from './select.js';
export * from './stats.js';
export * from './softmax.js';
export * from './scan.js';
export * from './linalg.js';
export * from './format.js';
export { cast } from './prims/cast.js';
export * from './activations.js';
export * from './indexing.js';
export * from './rearrange.js';
export * from './pad.js';
export * from './einsum.js';
export * from './sampling.js';
export * from './initializers.js';
