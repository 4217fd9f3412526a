import type { Backend, KernelTable } from '../types.js';
import { col2im, im2col, maxPoolIndices } from './conv.js';
import { binaryKernels, copy, unaryKernels, where } from './elementwise.js';
import { gather, indexAdd, indexSelect, scatter } from './indexing.js';
import { matmul } from './linalg.js';
import { layerNorm, layerNormBackward, reluBackward, softmax, softmaxBackward } from './norm.js';
import { argmax, argmin, reduceKernels, scanKernels, sort } from './reduce.js';
import { gruCell, gruCellBackward, lstmCell, lstmCellBackward, rnnCell, rnnCellBackward } from './rnn.js';
import { adamStep } from './optim.js';

const kernels: KernelTable = {
  adamStep,
  ...unaryKernels,
  ...binaryKernels,
  ...reduceKernels,
  ...scanKernels,
  copy,
  where,
  argmax,
  argmin,
  sort,
  matmul,
  gather,
  scatter,
  indexSelect,
  indexAdd,
  im2col,
  col2im,
  maxPoolIndices,
  softmax,
  layerNorm,
  softmaxBackward,
  layerNormBackward,
  reluBackward,
  lstmCell,
  lstmCellBackward,
  gruCell,
  gruCellBackward,
  rnnCell,
  rnnCellBackward,
};

/** The plain-JavaScript reference backend: readable loops, always available, the oracle. */
export const jsBackend: Backend = { name: 'js', kernels };
