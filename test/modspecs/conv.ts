// Module-table rows: Conv1d, Conv2d, Conv3d, ConvTranspose1d/2d/3d over their option
// combinations (stride, padding numbers/'same'/'valid', dilation, groups, bias, padding modes,
// output padding and output sizes, the low-memory mode, unbatched inputs).
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import type { ModuleSpec } from '../harness/modules.js';

const { nn } = nb;

export const convModuleSpecs: ModuleSpec[] = [
  { name: 'Conv2d', make: () => new nn.Conv2d(3, 4, 3), torch: 'nn.Conv2d(3, 4, 3)', inputs: [[2, 3, 6, 5]] },
  {
    name: 'Conv2d.strideNoBias',
    make: () => new nn.Conv2d(3, 4, [3, 2], { stride: 2, padding: 1, bias: false }),
    torch: 'nn.Conv2d(3, 4, (3, 2), stride=2, padding=1, bias=False)',
    inputs: [[2, 3, 7, 6]],
  },
  {
    name: 'Conv2d.groupsDilation',
    make: () => new nn.Conv2d(4, 6, 3, { groups: 2, dilation: [2, 1], padding: [2, 1] }),
    torch: 'nn.Conv2d(4, 6, 3, groups=2, dilation=(2, 1), padding=(2, 1))',
    inputs: [[2, 4, 6, 5]],
  },
  {
    name: 'Conv2d.depthwise',
    make: () => new nn.Conv2d(3, 6, 3, { groups: 3, stride: [1, 2] }),
    torch: 'nn.Conv2d(3, 6, 3, groups=3, stride=(1, 2))',
    inputs: [[1, 3, 5, 7]],
  },
  {
    name: 'Conv2d.same',
    make: () => new nn.Conv2d(2, 3, [3, 4], { padding: 'same', dilation: [2, 1] }),
    torch: "nn.Conv2d(2, 3, (3, 4), padding='same', dilation=(2, 1))",
    inputs: [[2, 2, 6, 5]],
  },
  {
    name: 'Conv2d.valid',
    make: () => new nn.Conv2d(2, 3, 2, { padding: 'valid' }),
    torch: "nn.Conv2d(2, 3, 2, padding='valid')",
    inputs: [[1, 2, 4, 4]],
  },
  {
    name: 'Conv2d.reflect',
    make: () => new nn.Conv2d(2, 3, 3, { padding: [1, 2], paddingMode: 'reflect' }),
    torch: "nn.Conv2d(2, 3, 3, padding=(1, 2), padding_mode='reflect')",
    inputs: [[2, 2, 4, 5]],
  },
  {
    name: 'Conv2d.replicate',
    make: () => new nn.Conv2d(2, 3, 3, { padding: 2, stride: 2, paddingMode: 'replicate' }),
    torch: "nn.Conv2d(2, 3, 3, padding=2, stride=2, padding_mode='replicate')",
    inputs: [[2, 2, 5, 4]],
  },
  {
    name: 'Conv2d.circular',
    make: () => new nn.Conv2d(2, 4, 3, { padding: [2, 1], groups: 2, paddingMode: 'circular' }),
    torch: "nn.Conv2d(2, 4, 3, padding=(2, 1), groups=2, padding_mode='circular')",
    inputs: [[2, 2, 4, 4]],
  },
  {
    name: 'Conv2d.sameReflect',
    make: () => new nn.Conv2d(2, 2, [2, 3], { padding: 'same', paddingMode: 'reflect' }),
    torch: "nn.Conv2d(2, 2, (2, 3), padding='same', padding_mode='reflect')",
    inputs: [[1, 2, 4, 5]],
  },
  {
    name: 'Conv2d.lowMemory',
    make: () => new nn.Conv2d(3, 4, 3, { padding: 1, lowMemory: true }),
    torch: 'nn.Conv2d(3, 4, 3, padding=1)',
    inputs: [[2, 3, 6, 5]],
  },
  {
    name: 'Conv2d.unbatched',
    make: () => new nn.Conv2d(3, 2, 3, { padding: 1 }),
    torch: 'nn.Conv2d(3, 2, 3, padding=1)',
    inputs: [[3, 4, 4]],
  },
  {
    name: 'Conv1d',
    make: () => new nn.Conv1d(4, 6, 3, { stride: 2, groups: 2, padding: 1 }),
    torch: 'nn.Conv1d(4, 6, 3, stride=2, groups=2, padding=1)',
    inputs: [[2, 4, 9]],
  },
  {
    name: 'Conv1d.sameCircular',
    make: () => new nn.Conv1d(2, 3, 4, { padding: 'same', dilation: 2, paddingMode: 'circular' }),
    torch: "nn.Conv1d(2, 3, 4, padding='same', dilation=2, padding_mode='circular')",
    inputs: [[2, 2, 8]],
  },
  {
    name: 'Conv3d',
    make: () => new nn.Conv3d(2, 3, [2, 3, 2], { stride: [1, 2, 1], padding: [1, 0, 1] }),
    torch: 'nn.Conv3d(2, 3, (2, 3, 2), stride=(1, 2, 1), padding=(1, 0, 1))',
    inputs: [[1, 2, 3, 5, 4]],
  },
  {
    name: 'Conv3d.replicateLowMemory',
    make: () => new nn.Conv3d(2, 2, 3, { padding: 1, paddingMode: 'replicate', lowMemory: true }),
    torch: "nn.Conv3d(2, 2, 3, padding=1, padding_mode='replicate')",
    inputs: [[1, 2, 3, 3, 4]],
  },
  {
    name: 'ConvTranspose1d',
    make: () => new nn.ConvTranspose1d(4, 3, 3, { stride: 2, padding: 1, outputPadding: 1 }),
    torch: 'nn.ConvTranspose1d(4, 3, 3, stride=2, padding=1, output_padding=1)',
    inputs: [[2, 4, 5]],
  },
  {
    name: 'ConvTranspose2d',
    make: () => new nn.ConvTranspose2d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2 }),
    torch: 'nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2)',
    inputs: [[2, 4, 3, 4]],
  },
  {
    name: 'ConvTranspose2d.dilationNoBias',
    make: () =>
      new nn.ConvTranspose2d(2, 3, [2, 3], { stride: [2, 1], dilation: 2, outputPadding: [1, 1], bias: false }),
    torch: 'nn.ConvTranspose2d(2, 3, (2, 3), stride=(2, 1), dilation=2, output_padding=(1, 1), bias=False)',
    inputs: [[1, 2, 3, 3]],
  },
  {
    name: 'ConvTranspose2d.outputSize',
    make: () => new nn.ConvTranspose2d(3, 2, 3, { stride: 3, padding: 1 }),
    torch: 'nn.ConvTranspose2d(3, 2, 3, stride=3, padding=1)',
    inputs: [[2, 3, 3, 2]],
    call: (m, x) => (m as nb.nn.ConvTranspose2d).call(x, [9, 5]) as Tensor,
    torchCall: 'm(a, output_size=[9, 5])',
  },
  {
    name: 'ConvTranspose3d',
    make: () => new nn.ConvTranspose3d(2, 2, 2, { stride: [2, 1, 1] }),
    torch: 'nn.ConvTranspose3d(2, 2, 2, stride=(2, 1, 1))',
    inputs: [[1, 2, 2, 3, 2]],
  },
];
