// Op-table rows: nn.functional convolution, transposed convolution, unfold/fold, pooling,
// interpolation and pixel shuffle, in 1, 2 and 3 spatial dims.
import * as nb from '../../src/index.js';
import type { InputSpec, OpSpec } from '../harness/specs.js';

const F = nb.nn.functional;
const nc = (shape: number[]): InputSpec => ({ shape, noncontig: true });
const f32 = (shape: number[]): InputSpec => ({ shape, dtype: 'float32' });
// float32 samples run the same code as their float64 twin in a gradcheck (which is float64).
const FLOAT32 = 'the float64 sample checks the same path; this one checks float32 values and gradients against PyTorch';

const conv: OpSpec[] = [
  {
    name: 'conv1d',
    fn: (a, b, c) => F.conv1d(a, b, c, { stride: 2, padding: 1 }),
    torch: 'F.conv1d(a, b, c, stride=2, padding=1)',
    samples: [
      { inputs: [[2, 2, 5], [3, 2, 3], [3]] },
      { label: 'unbatched', inputs: [[2, 6], [3, 2, 3], [3]] },
      { label: 'float32', inputs: [f32([2, 3, 7]), f32([4, 3, 3]), f32([4])], noGradcheck: FLOAT32 },
    ],
  },
  {
    name: 'conv1d.sameDilationGroups',
    fn: (a, b) => F.conv1d(a, b, null, { padding: 'same', dilation: 2, groups: 2 }),
    torch: "F.conv1d(a, b, None, padding='same', dilation=2, groups=2)",
    samples: [
      {
        inputs: [
          [1, 4, 6],
          [4, 2, 3],
        ],
      },
    ],
  },
  {
    name: 'conv2d',
    fn: (a, b, c) => F.conv2d(a, b, c, { padding: 1 }),
    torch: 'F.conv2d(a, b, c, padding=1)',
    samples: [
      { inputs: [[1, 2, 3, 3], [2, 2, 2, 2], [2]] },
      { label: 'non-contiguous, batch 2 (SEEDS C.1 #1)', inputs: [nc([2, 2, 3, 3]), nc([2, 2, 3, 2]), [2]] },
      { label: 'unbatched', inputs: [[2, 3, 2], [2, 2, 3, 3], [2]] },
      { label: 'size 0 batch', inputs: [[0, 2, 3, 3], [2, 2, 3, 3], [2]] },
      { label: 'float32', inputs: [f32([2, 3, 5, 4]), f32([4, 3, 3, 3]), f32([4])], noGradcheck: FLOAT32 },
    ],
  },
  {
    name: 'conv2d.strideDilation',
    // Stride and dilation differ within each dim: a tap is at o * stride + j * dilation, not the
    // swapped formula of SEEDS C.1 defect #10.
    fn: (a, b) => F.conv2d(a, b, null, { stride: [2, 1], padding: [1, 2], dilation: [1, 2] }),
    torch: 'F.conv2d(a, b, None, stride=(2, 1), padding=(1, 2), dilation=(1, 2))',
    samples: [
      {
        inputs: [
          [1, 2, 5, 3],
          [2, 2, 3, 2],
        ],
      },
    ],
  },
  {
    name: 'conv2d.groups',
    fn: (a, b, c) => F.conv2d(a, b, c, { groups: 2, stride: 2 }),
    torch: 'F.conv2d(a, b, c, groups=2, stride=2)',
    samples: [{ inputs: [[1, 4, 3, 4], [4, 2, 2, 2], [4]] }],
  },
  {
    name: 'conv2d.depthwise',
    fn: (a, b) => F.conv2d(a, b, null, { groups: 3, padding: 1 }),
    torch: 'F.conv2d(a, b, None, groups=3, padding=1)',
    samples: [
      {
        inputs: [
          [1, 3, 3, 3],
          [3, 1, 2, 3],
        ],
      },
    ],
  },
  {
    name: 'conv2d.sameEven',
    fn: (a, b) => F.conv2d(a, b, null, { padding: 'same' }),
    torch: "F.conv2d(a, b, None, padding='same')",
    samples: [
      {
        label: 'odd total padding goes after',
        inputs: [
          [1, 2, 3, 4],
          [2, 2, 2, 3],
        ],
      },
    ],
  },
  {
    name: 'conv2d.valid',
    fn: (a, b, c) => F.conv2d(a, b, c, { padding: 'valid' }),
    torch: "F.conv2d(a, b, c, padding='valid')",
    samples: [{ inputs: [[1, 2, 3, 4], [2, 2, 2, 3], [2]] }],
  },
  {
    name: 'conv2d.lowMemory',
    fn: (a, b, c) => F.conv2d(a, b, c, { padding: 1, stride: [1, 2], lowMemory: true, tileRows: 2 }),
    torch: 'F.conv2d(a, b, c, padding=1, stride=(1, 2))',
    samples: [
      { inputs: [[1, 2, 3, 4], [2, 2, 2, 3], [2]] },
      { label: 'float32', inputs: [f32([2, 3, 5, 6]), f32([4, 3, 3, 3]), f32([4])], noGradcheck: FLOAT32 },
    ],
  },
  {
    name: 'conv3d',
    fn: (a, b, c) => F.conv3d(a, b, c, { stride: [1, 2, 1], padding: [1, 0, 1] }),
    torch: 'F.conv3d(a, b, c, stride=(1, 2, 1), padding=(1, 0, 1))',
    samples: [
      { inputs: [[1, 2, 2, 3, 2], [2, 2, 2, 2, 2], [2]] },
      { label: 'float32', inputs: [f32([1, 2, 3, 5, 4]), f32([3, 2, 2, 3, 2]), f32([3])], noGradcheck: FLOAT32 },
    ],
  },
  {
    name: 'conv3d.groupsDilation',
    fn: (a, b) =>
      F.conv3d(a, b, null, { groups: 2, dilation: [1, 2, 1], padding: 'same', lowMemory: true, tileRows: 1 }),
    torch: "F.conv3d(a, b, None, groups=2, dilation=(1, 2, 1), padding='same')",
    samples: [
      {
        inputs: [
          [1, 2, 2, 3, 2],
          [2, 1, 2, 2, 2],
        ],
      },
    ],
  },
  {
    name: 'convTranspose1d',
    fn: (a, b, c) => F.convTranspose1d(a, b, c, { stride: 2, padding: 1, outputPadding: 1 }),
    torch: 'F.conv_transpose1d(a, b, c, stride=2, padding=1, output_padding=1)',
    samples: [{ inputs: [[2, 3, 4], [3, 2, 3], [2]] }, { label: 'unbatched', inputs: [[3, 3], [3, 2, 3], [2]] }],
  },
  {
    name: 'convTranspose2d',
    fn: (a, b, c) => F.convTranspose2d(a, b, c, { stride: 2, padding: 1, outputPadding: 1, groups: 2 }),
    torch: 'F.conv_transpose2d(a, b, c, stride=2, padding=1, output_padding=1, groups=2)',
    samples: [
      { inputs: [[1, 2, 2, 3], [2, 1, 3, 3], [2]] },
      { label: 'non-contiguous', inputs: [nc([2, 2, 2, 3]), nc([2, 1, 3, 3]), [2]] },
      { label: 'float32', inputs: [f32([2, 4, 3, 4]), f32([4, 2, 3, 3]), f32([4])], noGradcheck: FLOAT32 },
    ],
  },
  {
    name: 'convTranspose2d.dilation',
    fn: (a, b) =>
      F.convTranspose2d(a, b, null, { stride: [2, 1], padding: [0, 1], outputPadding: [1, 1], dilation: 2 }),
    torch: 'F.conv_transpose2d(a, b, None, stride=(2, 1), padding=(0, 1), output_padding=(1, 1), dilation=2)',
    samples: [
      {
        label: 'output padding below dilation, not stride',
        inputs: [
          [1, 2, 2, 2],
          [2, 2, 2, 3],
        ],
      },
    ],
  },
  {
    name: 'convTranspose3d',
    fn: (a, b, c) => F.convTranspose3d(a, b, c, { stride: [2, 1, 1], padding: [0, 1, 0] }),
    torch: 'F.conv_transpose3d(a, b, c, stride=(2, 1, 1), padding=(0, 1, 0))',
    samples: [{ inputs: [[1, 2, 2, 2, 2], [2, 2, 2, 2, 2], [2]] }],
  },
  {
    name: 'unfold',
    fn: (a) => F.unfold(a, [2, 3], { padding: 1, stride: [2, 1], dilation: [1, 2] }),
    torch: 'F.unfold(a, (2, 3), padding=1, stride=(2, 1), dilation=(1, 2))',
    samples: [
      { inputs: [[1, 2, 4, 4]] },
      { label: 'unbatched', inputs: [[2, 4, 4]] },
      { label: 'non-contiguous', inputs: [nc([2, 1, 4, 5])] },
    ],
  },
  {
    name: 'fold',
    fn: (a) => F.fold(a, [5, 4], [2, 3], { padding: 1, stride: [2, 1] }),
    torch: 'F.fold(a, (5, 4), (2, 3), padding=1, stride=(2, 1))',
    samples: [{ inputs: [[1, 6, 12]] }, { label: 'unbatched', inputs: [[12, 12]] }],
  },
];

// Values of max pooling inputs are distinct with probability 1 and stay away from ties.
const pooling: OpSpec[] = [
  {
    name: 'maxPool1d',
    fn: (a) => F.maxPool1d(a, 3, { stride: 2, padding: 1 }),
    torch: 'F.max_pool1d(a, 3, stride=2, padding=1)',
    samples: [{ inputs: [[2, 3, 9]] }, { label: 'unbatched', inputs: [[3, 8]] }],
  },
  {
    name: 'maxPool1d.ceilDilation',
    fn: (a) => F.maxPool1d(a, 2, { stride: 2, padding: 1, dilation: 2, ceilMode: true }),
    torch: 'F.max_pool1d(a, 2, stride=2, padding=1, dilation=2, ceil_mode=True)',
    samples: [{ inputs: [[2, 2, 8]] }],
  },
  {
    name: 'maxPool1d.indices',
    fn: (a) => F.maxPool1d(a, 3, { stride: 2, padding: 1, returnIndices: true })[1],
    torch: 'F.max_pool1d(a, 3, stride=2, padding=1, return_indices=True)[1]',
    nondiff: true,
    samples: [{ inputs: [[2, 3, 9]] }],
  },
  {
    name: 'maxPool2d',
    fn: (a) => F.maxPool2d(a, 2),
    torch: 'F.max_pool2d(a, 2)',
    samples: [
      { inputs: [[1, 2, 4, 4]] },
      { label: 'odd size drops the remainder', inputs: [[1, 2, 5, 5]] },
      { label: 'non-contiguous', inputs: [nc([2, 2, 4, 4])] },
      { label: 'unbatched', inputs: [[2, 4, 4]] },
      { label: 'size 0 batch', inputs: [[0, 2, 4, 4]] },
      { label: 'float32', inputs: [f32([2, 3, 4, 6])], noGradcheck: FLOAT32 },
    ],
  },
  {
    name: 'maxPool2d.options',
    fn: (a) => F.maxPool2d(a, [3, 2], { stride: [2, 1], padding: 1, dilation: [1, 2] }),
    torch: 'F.max_pool2d(a, (3, 2), stride=(2, 1), padding=1, dilation=(1, 2))',
    samples: [{ inputs: [[1, 2, 6, 5]] }],
  },
  {
    name: 'maxPool2d.ceilMode',
    fn: (a) => F.maxPool2d(a, 2, { stride: 2, padding: 1, ceilMode: true }),
    torch: 'F.max_pool2d(a, 2, stride=2, padding=1, ceil_mode=True)',
    samples: [
      { label: 'last window would start in the right padding: dropped', inputs: [[1, 2, 5, 5]] },
      { label: 'partial last window kept', inputs: [[1, 2, 6, 4]] },
    ],
  },
  {
    name: 'maxPool2d.indices',
    fn: (a) => F.maxPool2d(a, 3, { stride: 2, padding: 1, ceilMode: true, returnIndices: true })[1],
    torch: 'F.max_pool2d(a, 3, stride=2, padding=1, ceil_mode=True, return_indices=True)[1]',
    nondiff: true,
    samples: [{ inputs: [[2, 2, 6, 5]] }, { label: 'unbatched', inputs: [[2, 5, 5]] }],
  },
  {
    name: 'maxUnpool2d',
    fn: (a) => {
      const [y, i] = F.maxPool2d(a, 2, { returnIndices: true });
      return F.maxUnpool2d(y, i, 2);
    },
    torch: 'F.max_unpool2d(*F.max_pool2d(a, 2, return_indices=True), 2)',
    samples: [{ inputs: [[1, 2, 4, 4]] }],
  },
  {
    name: 'maxUnpool2d.outputSize',
    fn: (a) => {
      const [y, i] = F.maxPool2d(a, 2, { returnIndices: true });
      return F.maxUnpool2d(y, i, 2, { outputSize: [5, 5] });
    },
    torch: 'F.max_unpool2d(*F.max_pool2d(a, 2, return_indices=True), 2, output_size=(5, 5))',
    samples: [{ inputs: [[1, 2, 5, 5]] }],
  },
  {
    name: 'avgPool1d',
    fn: (a) => F.avgPool1d(a, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
    torch: 'F.avg_pool1d(a, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)',
    samples: [{ inputs: [[2, 3, 8]] }, { label: 'unbatched', inputs: [[2, 7]] }],
  },
  {
    name: 'avgPool2d',
    fn: (a) => F.avgPool2d(a, 2),
    torch: 'F.avg_pool2d(a, 2)',
    samples: [
      { inputs: [[1, 2, 4, 4]] },
      { label: 'non-contiguous', inputs: [nc([2, 2, 4, 4])] },
      { label: 'float32', inputs: [f32([2, 3, 5, 4])], noGradcheck: FLOAT32 },
    ],
  },
  {
    name: 'avgPool2d.excludePad',
    fn: (a) => F.avgPool2d(a, [3, 2], { stride: [2, 1], padding: 1, ceilMode: true, countIncludePad: false }),
    torch: 'F.avg_pool2d(a, (3, 2), stride=(2, 1), padding=1, ceil_mode=True, count_include_pad=False)',
    samples: [{ inputs: [[1, 1, 6, 5]] }],
  },
  {
    name: 'avgPool2d.ceilIncludePad',
    fn: (a) => F.avgPool2d(a, 3, { stride: 2, padding: 1, ceilMode: true }),
    torch: 'F.avg_pool2d(a, 3, stride=2, padding=1, ceil_mode=True)',
    samples: [{ label: 'last window clipped to the padded input', inputs: [[1, 2, 6, 6]] }],
  },
  {
    name: 'avgPool2d.divisorOverride',
    fn: (a) => F.avgPool2d(a, 2, { stride: 1, padding: 1, divisorOverride: 3 }),
    torch: 'F.avg_pool2d(a, 2, stride=1, padding=1, divisor_override=3)',
    samples: [{ inputs: [[1, 2, 3, 4]] }],
  },
  {
    name: 'adaptiveAvgPool1d',
    fn: (a) => F.adaptiveAvgPool1d(a, 3),
    torch: 'F.adaptive_avg_pool1d(a, 3)',
    samples: [
      { label: 'windows overlap', inputs: [[2, 3, 7]] },
      { label: 'upsampling', inputs: [[1, 2, 2]] },
    ],
  },
  {
    name: 'adaptiveAvgPool2d',
    fn: (a) => F.adaptiveAvgPool2d(a, [3, 2]),
    torch: 'F.adaptive_avg_pool2d(a, (3, 2))',
    samples: [
      { inputs: [[1, 2, 7, 5]] },
      { label: 'unbatched', inputs: [[2, 5, 5]] },
      { label: 'float32', inputs: [f32([2, 3, 7, 5])], noGradcheck: FLOAT32 },
    ],
  },
  {
    name: 'adaptiveAvgPool2d.keepDim',
    fn: (a) => F.adaptiveAvgPool2d(a, [null, 3]),
    torch: 'F.adaptive_avg_pool2d(a, (None, 3))',
    samples: [{ inputs: [[1, 2, 4, 5]] }],
  },
  {
    name: 'adaptiveAvgPool3d',
    fn: (a) => F.adaptiveAvgPool3d(a, [2, null, 3]),
    torch: 'F.adaptive_avg_pool3d(a, (2, None, 3))',
    samples: [{ inputs: [[1, 2, 3, 2, 4]] }],
  },
  {
    name: 'interpolate.area3d',
    fn: (a) => F.interpolate(a, { size: [2, 3, 1], mode: 'area' }),
    torch: "F.interpolate(a, size=(2, 3, 1), mode='area')",
    samples: [{ inputs: [[1, 1, 3, 4, 2]] }],
  },
  {
    name: 'adaptiveMaxPool1d',
    fn: (a) => F.adaptiveMaxPool1d(a, 4),
    torch: 'F.adaptive_max_pool1d(a, 4)',
    samples: [{ inputs: [[2, 3, 7]] }],
  },
  {
    name: 'adaptiveMaxPool2d',
    fn: (a) => F.adaptiveMaxPool2d(a, [3, 4]),
    torch: 'F.adaptive_max_pool2d(a, (3, 4))',
    samples: [{ inputs: [[2, 2, 7, 5]] }, { label: 'unbatched', inputs: [[2, 5, 6]] }],
  },
  {
    name: 'adaptiveMaxPool2d.indices',
    fn: (a) => F.adaptiveMaxPool2d(a, [3, 4], { returnIndices: true })[1],
    torch: 'F.adaptive_max_pool2d(a, (3, 4), return_indices=True)[1]',
    nondiff: true,
    samples: [{ inputs: [[2, 2, 7, 5]] }],
  },
];

const resize: OpSpec[] = [
  {
    name: 'interpolate.nearest',
    fn: (a) => F.interpolate(a, { size: [7, 3] }),
    torch: "F.interpolate(a, size=(7, 3), mode='nearest')",
    samples: [{ inputs: [[1, 2, 4, 5]] }, { label: 'float32', inputs: [f32([2, 2, 4, 5])], noGradcheck: FLOAT32 }],
  },
  {
    name: 'interpolate.nearestScale',
    fn: (a) => F.interpolate(a, { scaleFactor: [2, 1.5] }),
    torch: "F.interpolate(a, scale_factor=(2, 1.5), mode='nearest')",
    samples: [{ label: 'the scale factor, not the size ratio, places samples', inputs: [[1, 2, 3, 5]] }],
  },
  {
    name: 'interpolate.nearestExact',
    fn: (a) => F.interpolate(a, { size: 7, mode: 'nearest-exact' }),
    torch: "F.interpolate(a, size=7, mode='nearest-exact')",
    samples: [{ inputs: [[2, 2, 4]] }],
  },
  {
    name: 'interpolate.nearest3d',
    fn: (a) => F.interpolate(a, { scaleFactor: 2 }),
    torch: "F.interpolate(a, scale_factor=2, mode='nearest')",
    samples: [{ inputs: [[1, 2, 2, 3, 2]] }],
  },
  {
    name: 'interpolate.linear',
    fn: (a) => F.interpolate(a, { size: 7, mode: 'linear' }),
    torch: "F.interpolate(a, size=7, mode='linear', align_corners=False)",
    samples: [{ inputs: [[2, 2, 4]] }, { label: 'downsampling', inputs: [[1, 2, 11]] }],
  },
  {
    name: 'interpolate.linearAlign',
    fn: (a) => F.interpolate(a, { size: 7, mode: 'linear', alignCorners: true }),
    torch: "F.interpolate(a, size=7, mode='linear', align_corners=True)",
    samples: [{ inputs: [[2, 2, 4]] }],
  },
  {
    name: 'interpolate.bilinear',
    fn: (a) => F.interpolate(a, { scaleFactor: 1.7, mode: 'bilinear' }),
    torch: "F.interpolate(a, scale_factor=1.7, mode='bilinear', align_corners=False)",
    samples: [
      { inputs: [[1, 2, 3, 4]] },
      { label: 'non-contiguous', inputs: [nc([1, 2, 4, 4])] },
      { label: 'float32', inputs: [f32([2, 2, 3, 4])], noGradcheck: FLOAT32 },
    ],
  },
  {
    name: 'interpolate.bilinearAlign',
    fn: (a) => F.interpolate(a, { size: [5, 3], mode: 'bilinear', alignCorners: true }),
    torch: "F.interpolate(a, size=(5, 3), mode='bilinear', align_corners=True)",
    samples: [{ inputs: [[1, 2, 3, 4]] }, { label: 'float32', inputs: [f32([2, 2, 3, 4])], noGradcheck: FLOAT32 }],
  },
  {
    name: 'interpolate.bilinearRecompute',
    fn: (a) => F.interpolate(a, { scaleFactor: 1.7, mode: 'bilinear', recomputeScaleFactor: true }),
    torch: "F.interpolate(a, scale_factor=1.7, mode='bilinear', recompute_scale_factor=True)",
    samples: [{ inputs: [[1, 2, 3, 4]] }],
  },
  {
    name: 'interpolate.trilinear',
    fn: (a) => F.interpolate(a, { size: [3, 4, 2], mode: 'trilinear' }),
    torch: "F.interpolate(a, size=(3, 4, 2), mode='trilinear')",
    samples: [{ inputs: [[1, 2, 2, 3, 3]] }],
  },
  {
    name: 'interpolate.area',
    fn: (a) => F.interpolate(a, { size: [3, 2], mode: 'area' }),
    torch: "F.interpolate(a, size=(3, 2), mode='area')",
    samples: [{ inputs: [[1, 2, 5, 5]] }],
  },
  {
    name: 'pixelShuffle',
    fn: (a) => F.pixelShuffle(a, 2),
    torch: 'F.pixel_shuffle(a, 2)',
    samples: [{ inputs: [[2, 8, 2, 3]] }, { label: 'extra batch dims', inputs: [[2, 1, 4, 3, 2]] }],
  },
  {
    name: 'pixelUnshuffle',
    fn: (a) => F.pixelUnshuffle(a, 2),
    torch: 'F.pixel_unshuffle(a, 2)',
    samples: [{ inputs: [[2, 2, 4, 6]] }, { label: 'unbatched', inputs: [[1, 2, 4]] }],
  },
];

export const convSpecs: OpSpec[] = [...conv, ...pooling, ...resize];
