// Convolution, pooling and resizing: the low-memory mode against the im2col path, values
// against PyTorch on hand-sized inputs, layer defaults and printing, and every argument error.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import type { Tensor } from '../src/index.js';

const { nn } = nb;
const F = nn.functional;

const maxDiff = (a: Tensor, b: Tensor) => {
  assert.deepEqual(a.shape, b.shape);
  const x = a.data();
  const y = b.data();
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
};

function grads(fn: (x: Tensor, w: Tensor, b: Tensor) => Tensor, x: Tensor, w: Tensor, b: Tensor) {
  const [xx, ww, bb] = [x, w, b].map((t) => t.detach().requiresGrad_());
  const y = fn(xx, ww, bb);
  y.mul(y).sum().backward();
  return { y: y.detach(), gx: xx.grad!, gw: ww.grad!, gb: bb.grad! };
}

describe('lowMemory convolution', () => {
  const cases = [
    { x: [2, 3, 9, 7], w: [4, 3, 3, 3], opts: { padding: 1 } },
    { x: [3, 4, 8, 6], w: [6, 2, 3, 2], opts: { stride: [2, 1], dilation: [1, 2], groups: 2, padding: [2, 1] } },
    { x: [1, 2, 7, 5], w: [3, 2, 2, 4], opts: { padding: 'same' as const } },
  ];
  for (const [i, c] of cases.entries()) {
    test(`case ${i}: same outputs and gradients as the full im2col, for every tile height`, () => {
      nb.manualSeed(i);
      const x = nb.randn(c.x, { dtype: 'float64' });
      const w = nb.randn(c.w, { dtype: 'float64' });
      const b = nb.randn([c.w[0]], { dtype: 'float64' });
      const ref = grads((a, k, v) => F.conv2d(a, k, v, c.opts), x, w, b);
      for (const tileRows of [1, 2, 3, 100, undefined]) {
        const got = grads((a, k, v) => F.conv2d(a, k, v, { ...c.opts, lowMemory: true, tileRows }), x, w, b);
        // Each output is the same dot product in the same order, so the forward is bit-exact;
        // the gradients sum the tiles in a different order.
        assert.equal(maxDiff(got.y, ref.y), 0, `tileRows ${tileRows}: output`);
        assert.ok(maxDiff(got.gx, ref.gx) < 1e-12, `tileRows ${tileRows}: input gradient`);
        assert.ok(maxDiff(got.gw, ref.gw) < 1e-12, `tileRows ${tileRows}: weight gradient`);
        assert.ok(maxDiff(got.gb, ref.gb) < 1e-12, `tileRows ${tileRows}: bias gradient`);
      }
    });
  }

  // A 1-D convolution tiles its only spatial dim, the one the kernels address as the last.
  for (const backend of ['js', 'wasm']) {
    test(`conv1d tiles equal the full im2col on the ${backend} backend`, () => {
      const before = nb.getBackend();
      nb.setBackend(backend);
      try {
        nb.manualSeed(7);
        const x = nb.randn([2, 3, 11], { dtype: 'float64' });
        const w = nb.randn([4, 3, 3], { dtype: 'float64' });
        const b = nb.randn([4], { dtype: 'float64' });
        for (const opts of [{ padding: 1 }, { stride: 2, dilation: 2, padding: 2 }]) {
          const ref = grads((a, k, v) => F.conv1d(a, k, v, opts), x, w, b);
          for (const tileRows of [1, 2, 4]) {
            const got = grads((a, k, v) => F.conv1d(a, k, v, { ...opts, lowMemory: true, tileRows }), x, w, b);
            assert.equal(maxDiff(got.y, ref.y), 0, `tileRows ${tileRows}: output`);
            assert.ok(maxDiff(got.gx, ref.gx) < 1e-12, `tileRows ${tileRows}: input gradient`);
            assert.ok(maxDiff(got.gw, ref.gw) < 1e-12, `tileRows ${tileRows}: weight gradient`);
          }
        }
      } finally {
        nb.setBackend(before);
      }
    });
  }

  test('Conv2d with lowMemory equals Conv2d without it (float32, default tiles)', () => {
    nb.manualSeed(3);
    const a = new nn.Conv2d(16, 8, 3, { padding: 1 });
    const b = new nn.Conv2d(16, 8, 3, { padding: 1, lowMemory: true });
    b.loadStateDict(a.stateDict());
    // 16 * 9 * 8 * 40 = 46080 column entries per output row: the default 2^18 budget makes 8 tiles of 5 rows.
    const x = nb.randn([8, 16, 40, 40]);
    const ya = a.call(x);
    const yb = b.call(x);
    assert.equal(maxDiff(ya, yb), 0);
    ya.sum().backward();
    yb.sum().backward();
    assert.ok(maxDiff(a.weight.grad!, b.weight.grad!) < 1e-3);
    assert.ok(maxDiff(a.bias!.grad!, b.bias!.grad!) < 1e-3);
  });

  test('gradcheck of input and weight through the tiled backward, with second derivatives', () => {
    const x = nb.randn([1, 2, 4, 3], { dtype: 'float64', requiresGrad: true });
    const w = nb.randn([2, 2, 2, 2], { dtype: 'float64', requiresGrad: true });
    const fn = (a: Tensor, k: Tensor) => F.conv2d(a, k, null, { padding: 1, lowMemory: true, tileRows: 2 });
    assert.equal(nb.gradcheck(fn, [x, w]), true);
    assert.equal(nb.gradgradcheck(fn, [x, w]), true);
  });
});

describe('values against PyTorch 1.13 on hand-sized inputs', () => {
  const x = nb.arange(16, { dtype: 'float32' }).reshape([1, 1, 4, 4]);

  test('conv2d with padding and bias', () => {
    const w = nb.tensor([
      [
        [
          [1, 0],
          [0, -1],
        ],
      ],
    ]);
    const y = F.conv2d(x, w, nb.tensor([0.5]), { padding: 1 });
    // PyTorch 1.13: F.conv2d(torch.arange(16.).reshape(1,1,4,4), [[[[1,0],[0,-1]]]], [0.5], padding=1)
    const want = [0.5, -0.5, -1.5, -2.5, 0.5, -3.5, -4.5, -4.5, -4.5, 3.5, -7.5, -4.5, -4.5, -4.5, 7.5, -11.5];
    assert.deepEqual(Array.from(y.data()).slice(0, 16), want);
    assert.deepEqual(y.shape, [1, 1, 5, 5]);
  });

  test('max pooling indices are flat per plane', () => {
    const [y, idx] = F.maxPool2d(x.flip([-1]), 2, { returnIndices: true });
    // PyTorch 1.13: F.max_pool2d(x.flip(-1), 2, return_indices=True)
    assert.deepEqual(Array.from(y.data()), [7, 5, 15, 13]);
    assert.deepEqual(Array.from(idx.data()), [4, 6, 12, 14]);
    assert.equal(idx.dtype, 'int32');
    const back = F.maxUnpool2d(y, idx, 2);
    assert.deepEqual(Array.from(back.data()), [0, 0, 0, 0, 7, 0, 5, 0, 0, 0, 0, 0, 15, 0, 13, 0]);
  });

  test('avg pooling in ceil mode without padding in the divisor', () => {
    const y = F.avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false });
    // PyTorch 1.13: F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)
    assert.deepEqual(Array.from(y.data()), [2.5, 4, 5, 8.5, 10, 11, 12.5, 14, 15]);
  });

  test('transposed convolution spreads each input pixel', () => {
    const y = F.convTranspose2d(
      nb.tensor([
        [
          [
            [1, 2],
            [3, 4],
          ],
        ],
      ]),
      nb.ones([1, 1, 2, 2]),
      null,
      { stride: 2 },
    );
    // PyTorch 1.13: F.conv_transpose2d([[[[1,2],[3,4]]]], torch.ones(1,1,2,2), stride=2)
    assert.deepEqual(Array.from(y.data()), [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  });

  test('linear interpolation without aligned corners', () => {
    const y = F.interpolate(nb.tensor([[[1, 2, 4]]]), { size: 5, mode: 'linear' });
    // PyTorch 1.13: F.interpolate(torch.tensor([[[1., 2., 4.]]]), size=5, mode='linear')
    const want = [1, 1.4000000953674316, 2, 3.200000286102295, 4];
    Array.from(y.data()).forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6));
  });

  test('unfold and fold are adjoint: fold(unfold(x)) counts how often each pixel is read', () => {
    const ones = nb.ones([1, 1, 3, 3]);
    const y = F.fold(F.unfold(ones, 2), [3, 3], 2);
    assert.deepEqual(Array.from(y.data()), [1, 2, 1, 2, 4, 2, 1, 2, 1]);
  });
});

describe('layers', () => {
  test('weights have PyTorch layouts and state-dict keys', () => {
    const conv = new nn.Conv2d(4, 6, [3, 2], { groups: 2 });
    assert.deepEqual(conv.weight.shape, [6, 2, 3, 2]);
    assert.deepEqual(Object.keys(conv.stateDict()), ['weight', 'bias']);
    const t = new nn.ConvTranspose2d(4, 6, 3, { groups: 2 });
    assert.deepEqual(t.weight.shape, [4, 3, 3, 3]);
    assert.deepEqual(Object.keys(new nn.Conv1d(2, 3, 3, { bias: false }).stateDict()), ['weight']);
    assert.deepEqual(new nn.Conv3d(2, 3, [1, 2, 3]).weight.shape, [3, 2, 1, 2, 3]);
  });

  test('default initialization is U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for weight and bias', () => {
    nb.manualSeed(0);
    const conv = new nn.Conv2d(8, 16, 3);
    const bound = 1 / Math.sqrt(8 * 9);
    for (const p of [conv.weight, conv.bias!]) {
      const v = Array.from(p.data());
      assert.ok(v.every((x) => Math.abs(x) <= bound));
      assert.ok(Math.max(...v.map(Math.abs)) > 0.8 * bound, 'samples span the range');
    }
    // Transposed: PyTorch computes fanIn from the stored weight, [in, out / groups, k]: out * k.
    const t = new nn.ConvTranspose2d(2, 50, 3);
    const tb = 1 / Math.sqrt(50 * 9);
    assert.ok(Array.from(t.bias!.data()).every((x) => Math.abs(x) <= tb));
  });

  test('printing matches PyTorch', () => {
    // PyTorch 1.13: repr() of the same modules.
    const cases: [nb.nn.AnyModule, string][] = [
      [new nn.Conv2d(1, 8, 3, { padding: 1 }), 'Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))'],
      [
        new nn.Conv2d(4, 6, [3, 2], { stride: 2, dilation: 2, groups: 2, bias: false, paddingMode: 'reflect' }),
        'Conv2d(4, 6, kernel_size=(3, 2), stride=(2, 2), dilation=(2, 2), groups=2, bias=False, padding_mode=reflect)',
      ],
      [new nn.Conv1d(2, 3, 4, { padding: 'same' }), 'Conv1d(2, 3, kernel_size=(4,), stride=(1,), padding=same)'],
      [
        new nn.ConvTranspose2d(4, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }),
        'ConvTranspose2d(4, 2, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))',
      ],
      [new nn.MaxPool2d(2), 'MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)'],
      [
        new nn.MaxPool2d([3, 2], { stride: 1, padding: 1, ceilMode: true }),
        'MaxPool2d(kernel_size=(3, 2), stride=1, padding=1, dilation=1, ceil_mode=True)',
      ],
      [new nn.AvgPool2d(3, { stride: 2 }), 'AvgPool2d(kernel_size=3, stride=2, padding=0)'],
      [new nn.AdaptiveAvgPool2d([3, null]), 'AdaptiveAvgPool2d(output_size=(3, None))'],
      [new nn.MaxUnpool2d(2), 'MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))'],
      [new nn.Upsample({ scaleFactor: 2 }), 'Upsample(scale_factor=2.0, mode=nearest)'],
      [new nn.Upsample({ size: [4, 5], mode: 'bilinear', alignCorners: true }), 'Upsample(size=(4, 5), mode=bilinear)'],
      [new nn.PixelShuffle(2), 'PixelShuffle(upscale_factor=2)'],
      [new nn.ZeroPad2d([1, 2, 0, 1]), 'ZeroPad2d((1, 2, 0, 1))'],
      [new nn.ConstantPad2d(1, 0.5), 'ConstantPad2d(padding=(1, 1, 1, 1), value=0.5)'],
      [new nn.ReflectionPad2d(2), 'ReflectionPad2d((2, 2, 2, 2))'],
    ];
    for (const [m, want] of cases) assert.equal(String(m).split('\n')[0], want);
  });

  test('a small convolutional network runs forward and backward', () => {
    const net = new nn.Sequential(
      new nn.Conv2d(1, 8, 3, { padding: 1 }),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Flatten(),
      new nn.Linear(8 * 14 * 14, 10),
    );
    const y = net.call(nb.randn([4, 1, 28, 28])) as Tensor;
    assert.deepEqual(y.shape, [4, 10]);
    y.sum().backward();
    for (const p of net.parameters()) assert.ok(p.grad !== null && Number(p.grad.abs().sum().item()) > 0);
  });

  test('MaxPool2d with returnIndices feeds MaxUnpool2d', () => {
    const x = nb.randn([2, 3, 6, 6]);
    const [y, idx] = new nn.MaxPool2d(2, { returnIndices: true }).call(x);
    const back = new nn.MaxUnpool2d(2).call(y, idx);
    assert.deepEqual(back.shape, [2, 3, 6, 6]);
    // Every pooled maximum is back where it came from (so equal to x there), and the rest is zero.
    const at = nb.gather(back.flatten(2), 2, idx.flatten(2));
    assert.equal(maxDiff(at, y.flatten(2)), 0);
    assert.equal(maxDiff(nb.gather(x.flatten(2), 2, idx.flatten(2)), at), 0);
    assert.equal(back.ne(0).sum().item(), y.numel());
  });

  test('ConvTranspose2d picks the output padding from a requested output size', () => {
    const m = new nn.ConvTranspose2d(2, 1, 3, { stride: 2, padding: 1 });
    const x = nb.randn([1, 2, 4, 4]);
    assert.deepEqual(m.call(x, [8, 7]).shape, [1, 1, 8, 7]);
    assert.throws(
      () => m.call(x, [9, 7]),
      (e: Error) =>
        e instanceof nb.ValueError &&
        e.message.includes('requested an output size of (9, 7), but valid sizes range from [7, 7] to [8, 8]'),
    );
  });
});

describe('argument errors name the op and the offending values', () => {
  const throwsWith = (fn: () => unknown, cls: new (...a: never[]) => Error, ...parts: string[]) =>
    assert.throws(fn, (e: Error) => {
      assert.ok(e instanceof cls, `${e.name}: ${e.message}`);
      for (const p of parts) assert.ok(e.message.includes(p), `"${e.message}" lacks "${p}"`);
      return true;
    });
  const x = nb.randn([4, 3, 28, 28]);

  test('convolution shapes (PyTorch 1.13 wording)', () => {
    throwsWith(
      () => F.conv2d(x, nb.randn([8, 1, 3, 3])),
      nb.ShapeError,
      'conv2d: Given groups=1, weight of size [8, 1, 3, 3], expected input[4, 3, 28, 28] to have 1 channels, but got 3 channels instead',
    );
    throwsWith(
      () => F.conv2d(nb.randn([3, 28]), nb.randn([8, 1, 3, 3])),
      nb.ShapeError,
      'Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [3, 28]',
    );
    throwsWith(
      () => F.conv2d(nb.randn([1, 1, 2, 2]), nb.randn([8, 1, 3, 3])),
      nb.ShapeError,
      'Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). Kernel size can',
    );
    throwsWith(
      () => F.conv2d(nb.randn([1, 1, 4, 4]), nb.randn([1, 1, 3, 3]), null, { dilation: 2 }),
      nb.ShapeError,
      'Kernel size: (5 x 5)',
    );
    throwsWith(
      () => F.conv2d(x, nb.randn([3, 1, 3, 3]), null, { groups: 2 }),
      nb.ShapeError,
      'Given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of size [3, 1, 3, 3] instead',
    );
    throwsWith(
      () => F.conv2d(x, nb.randn([8, 3, 3, 3]), nb.randn([4])),
      nb.ShapeError,
      'expected bias to be 1-dimensional with 8 elements, but got bias of size [4] instead',
    );
    throwsWith(() => F.conv2d(x, nb.randn([8, 3, 3])), nb.ShapeError, 'conv2d', 'weight of size [8, 3, 3]');
    throwsWith(() => F.conv1d(nb.randn([2, 3, 5]), nb.randn([4, 3, 6])), nb.ShapeError, '(5). Kernel size: (6)');
  });

  test('convolution arguments', () => {
    const w = nb.randn([8, 3, 3, 3]);
    throwsWith(() => F.conv2d(x, w, null, { stride: 0 }), nb.ValueError, 'non-positive stride is not supported');
    throwsWith(() => F.conv2d(x, w, null, { padding: -1 }), nb.ValueError, 'negative padding is not supported');
    throwsWith(() => F.conv2d(x, w, null, { dilation: 0 }), nb.ValueError, 'non-positive dilation is not supported');
    throwsWith(
      () => F.conv2d(x, w, null, { padding: 'same', stride: 2 }),
      nb.ValueError,
      "padding='same' is not supported for strided convolutions",
    );
    throwsWith(
      () => F.conv2d(x, w, null, { padding: 'foo' as 'same' }),
      nb.ValueError,
      "Invalid padding string: 'foo'",
    );
    throwsWith(
      () => F.conv2d(x, w, null, { stride: [1, 1, 1] }),
      nb.ValueError,
      'expected stride to be a single integer value or a list of 2 values',
    );
    throwsWith(() => F.conv2d(x.double(), w), nb.DTypeError, 'expected scalar type Double but found Float');
    throwsWith(
      () => F.conv2d(x, w, nb.zeros([8], { dtype: 'float64' })),
      nb.DTypeError,
      'Input type (float) and bias type (double) should be the same',
    );
    throwsWith(() => F.conv2d(x.int(), w.int()), nb.DTypeError, 'conv2d', 'int32');
  });

  test('transposed convolution', () => {
    throwsWith(
      () => F.convTranspose2d(nb.randn([1, 5, 8, 8]), nb.randn([3, 4, 3, 3])),
      nb.ShapeError,
      'Given transposed=1, weight of size [3, 4, 3, 3], expected input[1, 5, 8, 8] to have 3 channels, but got 5 channels instead',
    );
    throwsWith(
      () => F.convTranspose2d(nb.randn([1, 3, 8, 8]), nb.randn([3, 4, 3, 3]), null, { outputPadding: 1 }),
      nb.ValueError,
      'output padding must be smaller than either stride or dilation, but got output_padding_height: 1 output_padding_width: 1 stride_height: 1 stride_width: 1 dilation_height: 1 dilation_width: 1',
    );
    throwsWith(
      () => F.convTranspose2d(nb.randn([1, 3, 1, 1]), nb.randn([3, 4, 3, 3]), null, { padding: 3 }),
      nb.ShapeError,
      'Given input size per channel: (1 x 1). Calculated output size per channel: (-3 x -3). Output size is too small',
    );
    throwsWith(
      () => F.convTranspose2d(nb.randn([1, 3, 4, 4]), nb.randn([3, 4, 3, 3]), nb.randn([3])),
      nb.ShapeError,
      'Given transposed=1, weight of size [3, 4, 3, 3], expected bias to be 1-dimensional with 4 elements',
    );
  });

  test('layer constructors (PyTorch 1.13 wording)', () => {
    throwsWith(
      () => new nn.Conv2d(3, 4, 3, { groups: 2 }),
      nb.ValueError,
      'Conv2d: in_channels must be divisible by groups',
    );
    throwsWith(() => new nn.Conv2d(4, 3, 3, { groups: 2 }), nb.ValueError, 'out_channels must be divisible by groups');
    throwsWith(
      () => new nn.Conv2d(4, 4, 3, { paddingMode: 'foo' as 'zeros' }),
      nb.ValueError,
      "padding_mode must be one of {'zeros', 'reflect', 'circular', 'replicate'}, but got padding_mode='foo'",
    );
    throwsWith(
      () => new nn.Conv2d(4, 4, 3, { padding: 'same', stride: 2 }),
      nb.ValueError,
      "padding='same' is not supported for strided convolutions",
    );
    throwsWith(
      () => new nn.Conv2d(4, 4, 3, { padding: 'bar' as 'same' }),
      nb.ValueError,
      "Invalid padding string 'bar', should be one of {'valid', 'same'}",
    );
    throwsWith(
      () => new nn.ConvTranspose2d(4, 4, 3, { paddingMode: 'reflect' as 'zeros' }),
      nb.ValueError,
      'Only "zeros" padding mode is supported for ConvTranspose2d',
    );
  });

  test('pooling (PyTorch 1.13 wording)', () => {
    throwsWith(
      () => F.maxPool2d(x, 3, { padding: 2 }),
      nb.ValueError,
      'max_pool2d: pad should be at most half of kernel size, but got pad=2 and kernel_size=3',
    );
    throwsWith(
      () => F.avgPool2d(x, 3, { padding: 2 }),
      nb.ValueError,
      'avg_pool2d: pad should be at most half of kernel size, but got pad=2 and kernel_size=3',
    );
    throwsWith(
      () => F.maxPool1d(nb.randn([1, 1, 5]), 3, { padding: 2 }),
      nb.ValueError,
      'max_pool1d() padding should be at most half of kernel size, but got padding=2 and kernel_size=3',
    );
    throwsWith(
      () => F.maxPool2d(nb.randn([1, 1, 2, 2]), 3),
      nb.ShapeError,
      'Given input size: (1x2x2). Calculated output size: (1x0x0). Output size is too small',
    );
    throwsWith(() => F.maxPool2d(x, 2, { stride: 0 }), nb.ValueError, 'stride should not be zero');
    throwsWith(() => F.avgPool2d(x, 2, { divisorOverride: 0 }), nb.ValueError, 'divisor must be not zero');
    throwsWith(() => F.maxPool2d(nb.randn([1, 2]), 2), nb.ShapeError, 'max_pool2d', '[1, 2]');
    throwsWith(
      () => F.adaptiveAvgPool2d(nb.randn([1, 2]), 2),
      nb.ShapeError,
      'adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [1, 2]',
    );
    throwsWith(
      () => F.adaptiveAvgPool2d(nb.randn([1, 1, 4, 4]), [2, -1]),
      nb.ValueError,
      'elements of output_size must be greater than or equal to 0 but received {2, -1}',
    );
    throwsWith(
      () =>
        F.maxUnpool2d(
          nb.randn([1, 1, 2, 2]),
          nb.tensor(
            [
              [
                [
                  [0, 1],
                  [2, 20],
                ],
              ],
            ],
            { dtype: 'int32' },
          ),
          2,
        ),
      nb.IndexError,
      'Found an invalid max index: 20 (output volumes are of size 4x4',
    );
    throwsWith(
      () =>
        F.maxUnpool2d(nb.randn([1, 1, 2, 2]), nb.zeros([1, 1, 2, 2], { dtype: 'int32' }), 2, { outputSize: [9, 9] }),
      nb.ValueError,
      'invalid output_size "(9, 9)" (dim 0 must be between 2 and 6)',
    );
    throwsWith(
      () => F.maxUnpool2d(nb.randn([1, 1, 2, 2]), nb.zeros([1, 1, 4], { dtype: 'int32' }), 2),
      nb.ShapeError,
      'Expected shape of indices to be same as that of the input tensor ([1, 1, 2, 2]) but got indices tensor with shape: [1, 1, 4]',
    );
  });

  test('resizing and folding (PyTorch 1.13 wording)', () => {
    throwsWith(
      () => F.pixelShuffle(nb.randn([1, 3, 2, 2]), 2),
      nb.ShapeError,
      "pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=3 is not divisible by 4",
    );
    throwsWith(
      () => F.pixelUnshuffle(nb.randn([1, 3, 3, 2]), 2),
      nb.ShapeError,
      'pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=3 is not divisible by 2',
    );
    const img = nb.randn([1, 1, 4, 4]);
    throwsWith(
      () => F.interpolate(img, { scaleFactor: 2, mode: 'linear' }),
      nb.ShapeError,
      'Got 4D input, but linear mode needs 3D input',
    );
    throwsWith(
      () => F.interpolate(img, { scaleFactor: 2, alignCorners: true }),
      nb.ValueError,
      'align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear',
    );
    throwsWith(() => F.interpolate(img), nb.ValueError, 'either size or scale_factor should be defined');
    throwsWith(
      () => F.interpolate(img, { size: 3, scaleFactor: 2 }),
      nb.ValueError,
      'only one of size or scale_factor should be defined',
    );
    throwsWith(
      () => F.interpolate(img, { size: [3] }),
      nb.ValueError,
      'spatial dimensions of [4, 4] and output size of (3,)',
    );
    throwsWith(() => F.interpolate(img, { size: 3, mode: 'bicubic' }), nb.UnsupportedOpError, 'bicubic');
    throwsWith(
      () => F.unfold(img, 5),
      nb.ShapeError,
      'Given input with spatial size (4, 4), kernel_size=(5, 5), dilation=(1, 1), padding=(0, 0), calculated shape of the array of sliding blocks as (0, 0), but its components must be at least one.',
    );
    throwsWith(
      () => F.fold(nb.randn([1, 4, 5]), [3, 3], 2),
      nb.ShapeError,
      "expected size of input's dimension 2 to match the calculated number of sliding blocks 2 * 2 = 4, but got input.size(2)=5.",
    );
    throwsWith(
      () => F.fold(nb.randn([1, 5, 4]), [3, 3], 2),
      nb.ShapeError,
      "Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=5 and kernel_size=(2, 2).",
    );
  });
});
