/**
 * Node-only parts of nabla (file system), imported from `nabla/node`.
 * @example
 * import { io } from 'nabla/node';
 * io.save(model.stateDict(), 'model.safetensors');
 * model.loadStateDict(io.load('model.safetensors'));
 */
export * as io from './io.js';
export * as data from './data.js';
export * as train from './train.js';
export { ProgressBar, type ProgressBarOptions } from './progress.js';
