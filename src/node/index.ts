/**
 * Node-only parts of nabla (file system), imported from `nabla/node`.
 * @example
 * import { io } from 'nabla/node';
 * io.save(model.stateDict(), 'model.safetensors');
 * model.loadStateDict(io.load('model.safetensors'));
 */
export * as io from './io.js';
