import { jsBackend } from '../js/index.js';
import type { Backend, KernelTable } from '../types.js';
import { binaryKernels, stream, unaryKernels } from './elementwise.js';
import { initGemm, matmul } from './matmul.js';
import { layerNorm, layerNormBackward, reluBackward, softmax, softmaxBackward } from './norm.js';
import { sum } from './reduce.js';
import { hasSimd, useRelaxed, useRelaxedAsync } from './runtime.js';
import { moreBinaryKernels, moreUnaryKernels } from './unary.js';
import { col2im, gather, im2col, maxPoolIndices, scatter } from './conv.js';
import { adamStep } from './optim.js';
import { rnnKernels } from './rnn.js';

const kernels: KernelTable = {
  // Every kernel not overridden below deliberately reuses the js reference kernel; each wasm
  // kernel also falls back to it for dtypes it does not handle (int32, bool, mixed).
  ...jsBackend.kernels,
  ...rnnKernels, // float32 LSTM, GRU and Elman cells, forward and backward; packRhs
  adamStep, // float32, float64: the js kernel's bits
  im2col, // float32, float64, int32
  col2im, // float32, float64
  maxPoolIndices, // float32 (4 windows per vector), float64
  gather, // JavaScript without offset tables: max pooling's lookup
  scatter, // and its gradient
  matmul, // float32 and float64 GEMM
  ...binaryKernels, // float32 add, sub, mul, div
  ...unaryKernels, // float32 exp, relu
  sum, // float32, float64 accumulation
  ...moreUnaryKernels, // float32 neg, abs, sqrt, square, reciprocal, rsqrt, log, tanh, sigmoid
  ...moreBinaryKernels, // float32 maximum, minimum, eq, ne, lt, le, gt, ge
  softmax, // float32 softmax and logSoftmax
  layerNorm, // float32
  softmaxBackward, // float32 softmax and logSoftmax gradients
  layerNormBackward, // float32
  reluBackward, // float32
};

const backend: Backend = { name: 'wasm', kernels };

/**
 * The WebAssembly SIMD backend: kernels generated as bytes at run time and compiled on first
 * use. Register it to make it selectable.
 * @example
 * nb.registerBackend(wasmBackend());
 * nb.setBackend('wasm');
 */
export function wasmBackend(): Backend {
  return backend;
}

/**
 * Detects relaxed SIMD and compiles the kernels asynchronously. Optional in Node; in browsers,
 * call (and await) it once before heavy use on the main thread, where synchronous compilation
 * of larger modules is refused.
 * @example await initWasm();
 */
export async function initWasm(): Promise<{ simd: boolean; relaxedSimd: boolean }> {
  if (!hasSimd()) return { simd: false, relaxedSimd: false };
  await useRelaxedAsync();
  await initGemm();
  stream();
  return { simd: true, relaxedSimd: useRelaxed() };
}

export { allowRelaxed, hasSimd, useRelaxed } from './runtime.js';
