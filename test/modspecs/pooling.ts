// Module-table rows: pooling (max with indices, ceil mode and dilation; unpooling; average with
// and without padding in the divisor; adaptive sizes that do not divide the input), Upsample,
// PixelShuffle/PixelUnshuffle and the 2-D padding layers.
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import type { AnyModule } from '../../src/nn/index.js';
import type { ModuleSpec } from '../harness/modules.js';

const { nn } = nb;
const F = nn.functional;
const first = (m: AnyModule, x: Tensor) => (m.call(x) as [Tensor, Tensor])[0];

export const poolingModuleSpecs: ModuleSpec[] = [
  { name: 'MaxPool2d', make: () => new nn.MaxPool2d(2), torch: 'nn.MaxPool2d(2)', inputs: [[2, 3, 5, 6]] },
  {
    name: 'MaxPool2d.ceilPadding',
    make: () => new nn.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
    torch: 'nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)',
    inputs: [[2, 2, 6, 7]],
  },
  {
    name: 'MaxPool2d.dilation',
    make: () => new nn.MaxPool2d([2, 3], { stride: 1, dilation: [2, 1], padding: [1, 0] }),
    torch: 'nn.MaxPool2d((2, 3), stride=1, dilation=(2, 1), padding=(1, 0))',
    inputs: [[1, 2, 5, 5]],
  },
  {
    name: 'MaxPool2d.returnIndices',
    make: () => new nn.MaxPool2d(2, { returnIndices: true }),
    torch: 'nn.MaxPool2d(2, return_indices=True)',
    inputs: [[2, 2, 4, 4]],
    call: first,
    torchCall: 'm(a)[0]',
  },
  {
    name: 'MaxPool1d',
    make: () => new nn.MaxPool1d(3, { stride: 2, ceilMode: true }),
    torch: 'nn.MaxPool1d(3, stride=2, ceil_mode=True)',
    inputs: [[2, 3, 8]],
  },
  {
    name: 'MaxUnpool2d',
    make: () => new nn.MaxUnpool2d(2),
    torch: 'nn.MaxUnpool2d(2)',
    inputs: [[2, 2, 5, 4]],
    call: (m, x) => {
      const [y, idx] = F.maxPool2d(x, 2, { returnIndices: true });
      return (m as nb.nn.MaxUnpool2d).call(y, idx, [5, 4]);
    },
    torchCall: 'm(*F.max_pool2d(a, 2, return_indices=True), output_size=[5, 4])',
  },
  {
    name: 'AvgPool2d',
    make: () => new nn.AvgPool2d(2),
    torch: 'nn.AvgPool2d(2)',
    inputs: [[2, 3, 4, 6]],
  },
  {
    name: 'AvgPool2d.excludePadCeil',
    make: () => new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
    torch: 'nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)',
    inputs: [[2, 2, 6, 5]],
  },
  {
    name: 'AvgPool2d.includePad',
    make: () => new nn.AvgPool2d([2, 3], { stride: [1, 2], padding: [1, 1] }),
    torch: 'nn.AvgPool2d((2, 3), stride=(1, 2), padding=(1, 1))',
    inputs: [[1, 2, 4, 5]],
  },
  {
    name: 'AvgPool2d.divisorOverride',
    make: () => new nn.AvgPool2d(2, { divisorOverride: 3 }),
    torch: 'nn.AvgPool2d(2, divisor_override=3)',
    inputs: [[1, 2, 4, 4]],
  },
  {
    name: 'AvgPool1d',
    make: () => new nn.AvgPool1d(3, { stride: 2, padding: 1, countIncludePad: false }),
    torch: 'nn.AvgPool1d(3, stride=2, padding=1, count_include_pad=False)',
    inputs: [[2, 3, 7]],
  },
  {
    name: 'AdaptiveAvgPool2d',
    make: () => new nn.AdaptiveAvgPool2d([3, 4]),
    torch: 'nn.AdaptiveAvgPool2d((3, 4))',
    inputs: [[2, 2, 7, 5]],
  },
  {
    name: 'AdaptiveAvgPool2d.global',
    make: () => new nn.AdaptiveAvgPool2d(1),
    torch: 'nn.AdaptiveAvgPool2d(1)',
    inputs: [[2, 3, 4, 5]],
  },
  {
    name: 'AdaptiveAvgPool1d',
    make: () => new nn.AdaptiveAvgPool1d(4),
    torch: 'nn.AdaptiveAvgPool1d(4)',
    inputs: [[2, 3, 7]],
  },
  {
    name: 'AdaptiveMaxPool2d',
    make: () => new nn.AdaptiveMaxPool2d([3, null]),
    torch: 'nn.AdaptiveMaxPool2d((3, None))',
    inputs: [[2, 2, 7, 4]],
  },
  {
    name: 'AdaptiveMaxPool2d.returnIndices',
    make: () => new nn.AdaptiveMaxPool2d([2, 3], { returnIndices: true }),
    torch: 'nn.AdaptiveMaxPool2d((2, 3), return_indices=True)',
    inputs: [[1, 2, 5, 7]],
    call: first,
    torchCall: 'm(a)[0]',
  },
  {
    name: 'Upsample.nearest',
    make: () => new nn.Upsample({ scaleFactor: 2 }),
    torch: "nn.Upsample(scale_factor=2, mode='nearest')",
    inputs: [[2, 2, 3, 4]],
  },
  {
    name: 'Upsample.nearestSize',
    make: () => new nn.Upsample({ size: [5, 7] }),
    torch: 'nn.Upsample(size=(5, 7))',
    inputs: [[1, 2, 3, 4]],
  },
  {
    name: 'Upsample.bilinear',
    make: () => new nn.Upsample({ scaleFactor: 1.5, mode: 'bilinear' }),
    torch: "nn.Upsample(scale_factor=1.5, mode='bilinear')",
    inputs: [[2, 2, 3, 4]],
  },
  {
    name: 'Upsample.bilinearAlignCorners',
    make: () => new nn.Upsample({ size: [6, 5], mode: 'bilinear', alignCorners: true }),
    torch: "nn.Upsample(size=(6, 5), mode='bilinear', align_corners=True)",
    inputs: [[2, 2, 3, 4]],
  },
  {
    name: 'Upsample.linear',
    make: () => new nn.Upsample({ scaleFactor: 2.5, mode: 'linear' }),
    torch: "nn.Upsample(scale_factor=2.5, mode='linear')",
    inputs: [[2, 3, 4]],
  },
  {
    name: 'PixelShuffle',
    make: () => new nn.PixelShuffle(2),
    torch: 'nn.PixelShuffle(2)',
    inputs: [[2, 8, 3, 2]],
  },
  {
    name: 'PixelUnshuffle',
    make: () => new nn.PixelUnshuffle(2),
    torch: 'nn.PixelUnshuffle(2)',
    inputs: [[2, 2, 4, 6]],
  },
  {
    name: 'ZeroPad2d',
    make: () => new nn.ZeroPad2d([1, 2, 0, 1]),
    torch: 'nn.ZeroPad2d((1, 2, 0, 1))',
    inputs: [[2, 2, 3, 3]],
  },
  {
    name: 'ConstantPad2d',
    make: () => new nn.ConstantPad2d(1, 0.5),
    torch: 'nn.ConstantPad2d(1, 0.5)',
    inputs: [[2, 3, 3]],
  },
  {
    name: 'ReflectionPad2d',
    make: () => new nn.ReflectionPad2d([2, 1, 1, 2]),
    torch: 'nn.ReflectionPad2d((2, 1, 1, 2))',
    inputs: [[1, 2, 4, 3]],
  },
  {
    name: 'ReplicationPad2d',
    make: () => new nn.ReplicationPad2d(2),
    torch: 'nn.ReplicationPad2d(2)',
    inputs: [[1, 2, 3, 3]],
  },
];
