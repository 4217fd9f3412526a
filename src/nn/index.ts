// The nn namespace: modules, containers and parameters (layers land beside these files).
export { Module, type AnyModule, type StateDict, type LoadResult } from './module.js';
export { Parameter } from './parameter.js';
export { Sequential, ModuleList, ModuleDict } from './containers.js';
export * as functional from './functional/index.js';
