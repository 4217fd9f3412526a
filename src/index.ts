/**
 * nabla: N-d tensors, reverse-mode autograd and the ops built on them.
 * @example
 * import * as nb from 'nabla';
 * const x = nb.tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
 * x.matmul(nb.randn([3, 4])).relu().sum().backward();
 */
export { Tensor, Storage, type RemovableHandle } from './tensor/tensor.js';
export type { DType, TypedArray } from './tensor/dtype.js';
export { promoteTypes, resultType } from './tensor/dtype.js';
export { finfo, iinfo, type FInfo, type IInfo } from './tensor/dtype.js';
export type { Shape } from './tensor/shape.js';
export { broadcastShapes } from './tensor/shape.js';
export * from './tensor/create.js';
export * from './tensor/random.js';
export * from './tensor/range.js';
export * from './ops/index.js';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './autograd/mode.js';
export { backward, grad, type BackwardOptions, type GradOptions } from './autograd/engine.js';
export { customFunction, FunctionCtx, type FunctionDef, type CustomFunction } from './autograd/function.js';
export { gradcheck, gradgradcheck, type GradcheckOptions } from './autograd/gradcheck.js';
export { Node, AccumulateGrad, type BackwardFn, type GradHook } from './autograd/node.js';
export { setBackend, getBackend, registerBackend } from './backend/index.js';
export { hasSimd, initWasm } from './backend/wasm/index.js';
export { setNumThreads, getNumThreads } from './backend/wasm/thread-pool.js';
export * from './errors.js';
export * as nn from './nn/index.js';
export * as io from './io/index.js';
export * as optim from './optim/index.js';
export * as data from './data/index.js';
export * as train from './train/index.js';
export * as metrics from './metrics/index.js';
export * as plot from './plot/index.js';
export * as scalar from './scalar/index.js';
export * as vjp from './vjp/index.js';
