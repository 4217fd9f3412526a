// Tensor printing against PyTorch 1.13. Every expected string below is repr() of the PyTorch
// tensor named in its comment, produced by tools-free runs of /usr/bin/python3 with torch 1.13.
// Where nabla's spelling differs (marked "adapted"), the string was produced by PyTorch's own
// layout code (torch._tensor_str._tensor_str and _add_suffixes) fed nabla's suffix spellings:
// `dtype=float64` for `dtype=torch.float64`, `size=[2, 0]` for `size=(2, 0)`, `gradFn=<mulBackward>`
// for `grad_fn=<MulBackward0>`; PyTorch's int64 stands for nabla's int32 (both are the default
// integer type, so neither prints a dtype unless the tensor is empty).
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import * as nb from '../src/index.js';
import { formatFixed, formatSci } from '../src/ops/formatNumber.js';

const cases: [string, () => nb.Tensor, string][] = [
  [
    'PyTorch 1.13: torch.tensor([[1., 2.], [3., 4.]])',
    () =>
      nb.tensor([
        [1, 2],
        [3, 4],
      ]),
    'tensor([[1., 2.],\n        [3., 4.]])',
  ],
  [
    'PyTorch 1.13: torch.tensor([1.5, 2.25, -3.125])',
    () => nb.tensor([1.5, 2.25, -3.125]),
    'tensor([ 1.5000,  2.2500, -3.1250])',
  ],
  ['PyTorch 1.13: torch.tensor(3.)', () => nb.tensor(3), 'tensor(3.)'],
  ['PyTorch 1.13: torch.tensor(3.5)', () => nb.tensor(3.5), 'tensor(3.5000)'],
  ['PyTorch 1.13: torch.tensor(-0.)', () => nb.tensor(-0), 'tensor(-0.)'],
  ['PyTorch 1.13: torch.tensor([0.03125, 0.5])', () => nb.tensor([0.03125, 0.5]), 'tensor([0.0312, 0.5000])'],
  ['PyTorch 1.13: torch.tensor([2.5, 0.5, 1.5])', () => nb.tensor([2.5, 0.5, 1.5]), 'tensor([2.5000, 0.5000, 1.5000])'],
  ['PyTorch 1.13: torch.tensor([])', () => nb.tensor([]), 'tensor([])'],
  ['PyTorch 1.13: torch.zeros(2, 0) (adapted)', () => nb.zeros([2, 0]), 'tensor([], size=[2, 0])'],
  [
    'PyTorch 1.13: torch.zeros(0, dtype=torch.int64) (adapted)',
    () => nb.zeros([0], { dtype: 'int32' }),
    'tensor([], dtype=int32)',
  ],
  [
    'PyTorch 1.13: torch.zeros(0, dtype=torch.bool) (adapted)',
    () => nb.zeros([0], { dtype: 'bool' }),
    'tensor([], dtype=bool)',
  ],
  [
    'PyTorch 1.13: torch.zeros(0, dtype=torch.float64) (adapted)',
    () => nb.zeros([0], { dtype: 'float64' }),
    'tensor([], dtype=float64)',
  ],
  [
    'PyTorch 1.13: torch.zeros(2, 0, 3, dtype=torch.int64) (adapted)',
    () => nb.zeros([2, 0, 3], { dtype: 'int32' }),
    'tensor([], size=[2, 0, 3], dtype=int32)',
  ],
  ['PyTorch 1.13: torch.tensor([1, 2, 3])', () => nb.tensor([1, 2, 3], { dtype: 'int32' }), 'tensor([1, 2, 3])'],
  [
    'PyTorch 1.13: torch.tensor([1, -20, 300])',
    () => nb.tensor([1, -20, 300], { dtype: 'int32' }),
    'tensor([  1, -20, 300])',
  ],
  ['PyTorch 1.13: torch.tensor(7)', () => nb.tensor(7, { dtype: 'int32' }), 'tensor(7)'],
  [
    'PyTorch 1.13: torch.tensor([123456789, -5, 7] * 10)',
    () =>
      nb.tensor(
        Array.from({ length: 30 }, (_, i) => [123456789, -5, 7][i % 3]),
        { dtype: 'int32' },
      ),
    'tensor([123456789,        -5,         7, 123456789,        -5,         7,\n        123456789,        -5,         7, 123456789,        -5,         7,\n        123456789,        -5,         7, 123456789,        -5,         7,\n        123456789,        -5,         7, 123456789,        -5,         7,\n        123456789,        -5,         7, 123456789,        -5,         7])',
  ],
  ['PyTorch 1.13: torch.tensor([True, False])', () => nb.tensor([true, false]), 'tensor([ True, False])'],
  ['PyTorch 1.13: torch.tensor(True)', () => nb.tensor(true), 'tensor(True)'],
  [
    'PyTorch 1.13: torch.tensor([[True, False, True]])',
    () => nb.tensor([[true, false, true]]),
    'tensor([[ True, False,  True]])',
  ],
  [
    'PyTorch 1.13: torch.eye(3, dtype=torch.bool)',
    () => nb.eye(3, { dtype: 'bool' }),
    'tensor([[ True, False, False],\n        [False,  True, False],\n        [False, False,  True]])',
  ],
  [
    'PyTorch 1.13: torch.tensor([1., 2.], dtype=torch.float64) (adapted)',
    () => nb.tensor([1, 2], { dtype: 'float64' }),
    'tensor([1., 2.], dtype=float64)',
  ],
  [
    'PyTorch 1.13: torch.tensor([1/3, 2/3], dtype=torch.float64) (adapted)',
    () => nb.tensor([1 / 3, 2 / 3], { dtype: 'float64' }),
    'tensor([0.3333, 0.6667], dtype=float64)',
  ],
  ['PyTorch 1.13: torch.tensor([1e-5, 1.])', () => nb.tensor([1e-5, 1]), 'tensor([1.0000e-05, 1.0000e+00])'],
  ['PyTorch 1.13: torch.tensor([1e10, 1.])', () => nb.tensor([1e10, 1]), 'tensor([1.0000e+10, 1.0000e+00])'],
  ['PyTorch 1.13: torch.tensor([1., 1000.])', () => nb.tensor([1, 1000]), 'tensor([   1., 1000.])'],
  ['PyTorch 1.13: torch.tensor([1., 1001.])', () => nb.tensor([1, 1001]), 'tensor([1.0000e+00, 1.0010e+03])'],
  ['PyTorch 1.13: torch.tensor([0.1, 200.])', () => nb.tensor([0.1, 200]), 'tensor([1.0000e-01, 2.0000e+02])'],
  ['PyTorch 1.13: torch.tensor([0.1, 100.])', () => nb.tensor([0.1, 100]), 'tensor([  0.1000, 100.0000])'],
  ['PyTorch 1.13: torch.tensor([-1., 2.])', () => nb.tensor([-1, 2]), 'tensor([-1.,  2.])'],
  ['PyTorch 1.13: torch.tensor([-0., 1.])', () => nb.tensor([-0, 1]), 'tensor([-0., 1.])'],
  [
    'PyTorch 1.13: torch.tensor([123.456, -0.001])',
    () => nb.tensor([123.456, -0.001]),
    'tensor([ 1.2346e+02, -1.0000e-03])',
  ],
  [
    'PyTorch 1.13: torch.tensor([nan, 1., inf, -inf])',
    () => nb.tensor([NaN, 1, Infinity, -Infinity]),
    'tensor([nan, 1., inf, -inf])',
  ],
  [
    'PyTorch 1.13: torch.tensor([nan, 1.5, inf])',
    () => nb.tensor([NaN, 1.5, Infinity]),
    'tensor([   nan, 1.5000,    inf])',
  ],
  [
    'PyTorch 1.13: torch.tensor([nan, 1e-8, inf])',
    () => nb.tensor([NaN, 1e-8, Infinity]),
    'tensor([       nan, 1.0000e-08,        inf])',
  ],
  ['PyTorch 1.13: torch.tensor([0., 0.])', () => nb.tensor([0, 0]), 'tensor([0., 0.])'],
  ['PyTorch 1.13: torch.tensor([nan])', () => nb.tensor([NaN]), 'tensor([nan])'],
  ['PyTorch 1.13: torch.tensor([0., 1e-5])', () => nb.tensor([0, 1e-5]), 'tensor([0.0000e+00, 1.0000e-05])'],
  ['PyTorch 1.13: torch.tensor(1e-5)', () => nb.tensor(1e-5), 'tensor(1.0000e-05)'],
  ['PyTorch 1.13: torch.tensor(1e9)', () => nb.tensor(1e9), 'tensor(1.0000e+09)'],
  ['PyTorch 1.13: torch.tensor(123456789.)', () => nb.tensor(123456789), 'tensor(1.2346e+08)'],
  [
    'PyTorch 1.13: torch.tensor([9.99995, 1.], dtype=torch.float64) (adapted)',
    () => nb.tensor([9.99995, 1], { dtype: 'float64' }),
    'tensor([10.0000,  1.0000], dtype=float64)',
  ],
  [
    'PyTorch 1.13: torch.tensor([1e-5, 9.99995e-5], dtype=torch.float64) (adapted)',
    () => nb.tensor([1e-5, 9.99995e-5], { dtype: 'float64' }),
    'tensor([1.0000e-05, 9.9999e-05], dtype=float64)',
  ],
  [
    'PyTorch 1.13: torch.tensor([1e300, 1.], dtype=torch.float64) (adapted)',
    () => nb.tensor([1e300, 1], { dtype: 'float64' }),
    'tensor([1.0000e+300,  1.0000e+00], dtype=float64)',
  ],
  [
    'PyTorch 1.13: torch.tensor([5e-324, 1.], dtype=torch.float64) (adapted)',
    () => nb.tensor([5e-324, 1], { dtype: 'float64' }),
    'tensor([4.9407e-324,  1.0000e+00], dtype=float64)',
  ],
  [
    'PyTorch 1.13: torch.arange(30.)',
    () => nb.arange(30, { dtype: 'float32' }),
    'tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n        28., 29.])',
  ],
  [
    'PyTorch 1.13: torch.arange(30)',
    () => nb.arange(30),
    'tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16, 17,\n        18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29])',
  ],
  [
    'PyTorch 1.13: torch.arange(6.).reshape(2, 3).t()',
    () => nb.arange(6, { dtype: 'float32' }).reshape([2, 3]).t(),
    'tensor([[0., 3.],\n        [1., 4.],\n        [2., 5.]])',
  ],
  [
    'PyTorch 1.13: torch.arange(24.).reshape(2, 3, 4)',
    () => nb.arange(24, { dtype: 'float32' }).reshape([2, 3, 4]),
    'tensor([[[ 0.,  1.,  2.,  3.],\n         [ 4.,  5.,  6.,  7.],\n         [ 8.,  9., 10., 11.]],\n\n        [[12., 13., 14., 15.],\n         [16., 17., 18., 19.],\n         [20., 21., 22., 23.]]])',
  ],
  [
    'PyTorch 1.13: torch.arange(4.).reshape(2, 1, 2, 1)',
    () => nb.arange(4, { dtype: 'float32' }).reshape([2, 1, 2, 1]),
    'tensor([[[[0.],\n          [1.]]],\n\n\n        [[[2.],\n          [3.]]]])',
  ],
  ['PyTorch 1.13: torch.zeros(1001)', () => nb.zeros([1001]), 'tensor([0., 0., 0.,  ..., 0., 0., 0.])'],
  [
    'PyTorch 1.13: torch.arange(2000.)',
    () => nb.arange(2000, { dtype: 'float32' }),
    'tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])',
  ],
  ['PyTorch 1.13: torch.arange(2000)', () => nb.arange(2000), 'tensor([   0,    1,    2,  ..., 1997, 1998, 1999])'],
  [
    'PyTorch 1.13: torch.arange(2000.).reshape(40, 50)',
    () => nb.arange(2000, { dtype: 'float32' }).reshape([40, 50]),
    'tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 4.7000e+01, 4.8000e+01,\n         4.9000e+01],\n        [5.0000e+01, 5.1000e+01, 5.2000e+01,  ..., 9.7000e+01, 9.8000e+01,\n         9.9000e+01],\n        [1.0000e+02, 1.0100e+02, 1.0200e+02,  ..., 1.4700e+02, 1.4800e+02,\n         1.4900e+02],\n        ...,\n        [1.8500e+03, 1.8510e+03, 1.8520e+03,  ..., 1.8970e+03, 1.8980e+03,\n         1.8990e+03],\n        [1.9000e+03, 1.9010e+03, 1.9020e+03,  ..., 1.9470e+03, 1.9480e+03,\n         1.9490e+03],\n        [1.9500e+03, 1.9510e+03, 1.9520e+03,  ..., 1.9970e+03, 1.9980e+03,\n         1.9990e+03]])',
  ],
  [
    'PyTorch 1.13: torch.arange(1200).reshape(2, 600)',
    () => nb.arange(1200).reshape([2, 600]),
    'tensor([[   0,    1,    2,  ...,  597,  598,  599],\n        [ 600,  601,  602,  ..., 1197, 1198, 1199]])',
  ],
  [
    'PyTorch 1.13: torch.arange(1001).reshape(7, 11, 13)',
    () => nb.arange(1001).reshape([7, 11, 13]),
    'tensor([[[   0,    1,    2,  ...,   10,   11,   12],\n         [  13,   14,   15,  ...,   23,   24,   25],\n         [  26,   27,   28,  ...,   36,   37,   38],\n         ...,\n         [ 104,  105,  106,  ...,  114,  115,  116],\n         [ 117,  118,  119,  ...,  127,  128,  129],\n         [ 130,  131,  132,  ...,  140,  141,  142]],\n\n        [[ 143,  144,  145,  ...,  153,  154,  155],\n         [ 156,  157,  158,  ...,  166,  167,  168],\n         [ 169,  170,  171,  ...,  179,  180,  181],\n         ...,\n         [ 247,  248,  249,  ...,  257,  258,  259],\n         [ 260,  261,  262,  ...,  270,  271,  272],\n         [ 273,  274,  275,  ...,  283,  284,  285]],\n\n        [[ 286,  287,  288,  ...,  296,  297,  298],\n         [ 299,  300,  301,  ...,  309,  310,  311],\n         [ 312,  313,  314,  ...,  322,  323,  324],\n         ...,\n         [ 390,  391,  392,  ...,  400,  401,  402],\n         [ 403,  404,  405,  ...,  413,  414,  415],\n         [ 416,  417,  418,  ...,  426,  427,  428]],\n\n        ...,\n\n        [[ 572,  573,  574,  ...,  582,  583,  584],\n         [ 585,  586,  587,  ...,  595,  596,  597],\n         [ 598,  599,  600,  ...,  608,  609,  610],\n         ...,\n         [ 676,  677,  678,  ...,  686,  687,  688],\n         [ 689,  690,  691,  ...,  699,  700,  701],\n         [ 702,  703,  704,  ...,  712,  713,  714]],\n\n        [[ 715,  716,  717,  ...,  725,  726,  727],\n         [ 728,  729,  730,  ...,  738,  739,  740],\n         [ 741,  742,  743,  ...,  751,  752,  753],\n         ...,\n         [ 819,  820,  821,  ...,  829,  830,  831],\n         [ 832,  833,  834,  ...,  842,  843,  844],\n         [ 845,  846,  847,  ...,  855,  856,  857]],\n\n        [[ 858,  859,  860,  ...,  868,  869,  870],\n         [ 871,  872,  873,  ...,  881,  882,  883],\n         [ 884,  885,  886,  ...,  894,  895,  896],\n         ...,\n         [ 962,  963,  964,  ...,  972,  973,  974],\n         [ 975,  976,  977,  ...,  985,  986,  987],\n         [ 988,  989,  990,  ...,  998,  999, 1000]]])',
  ],
  [
    'PyTorch 1.13: torch.linspace(-1, 1, 1200).reshape(30, 40)',
    () => nb.linspace(-1, 1, 1200).reshape([30, 40]),
    'tensor([[-1.0000, -0.9983, -0.9967,  ..., -0.9383, -0.9366, -0.9349],\n        [-0.9333, -0.9316, -0.9299,  ..., -0.8716, -0.8699, -0.8682],\n        [-0.8666, -0.8649, -0.8632,  ..., -0.8048, -0.8032, -0.8015],\n        ...,\n        [ 0.8015,  0.8032,  0.8048,  ...,  0.8632,  0.8649,  0.8666],\n        [ 0.8682,  0.8699,  0.8716,  ...,  0.9299,  0.9316,  0.9333],\n        [ 0.9349,  0.9366,  0.9383,  ...,  0.9967,  0.9983,  1.0000]])',
  ],
  [
    'PyTorch 1.13: torch.tensor([[1.5, 2.], [3., 4.]], requires_grad=True)',
    () =>
      nb.tensor(
        [
          [1.5, 2],
          [3, 4],
        ],
        { requiresGrad: true },
      ),
    'tensor([[1.5000, 2.0000],\n        [3.0000, 4.0000]], requires_grad=True)',
  ],
  [
    'PyTorch 1.13: torch.tensor([1., 2.], requires_grad=True) * 2 (adapted)',
    () => nb.tensor([1, 2], { requiresGrad: true }).mul(2),
    'tensor([2., 4.], gradFn=<mulBackward>)',
  ],
  [
    'PyTorch 1.13: torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True) (adapted)',
    () => nb.tensor([1, 2], { dtype: 'float64', requiresGrad: true }),
    'tensor([1., 2.], dtype=float64, requires_grad=True)',
  ],
  [
    'PyTorch 1.13: torch.arange(20., dtype=torch.float64, requires_grad=True) (adapted)',
    () => nb.arange(20, { dtype: 'float64', requiresGrad: true }),
    'tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n        14., 15., 16., 17., 18., 19.], dtype=float64, requires_grad=True)',
  ],
  [
    'PyTorch 1.13: torch.arange(25., dtype=torch.float64, requires_grad=True) (adapted)',
    () => nb.arange(25, { dtype: 'float64', requiresGrad: true }),
    'tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24.], dtype=float64,\n       requires_grad=True)',
  ],
  [
    'PyTorch 1.13: torch.arange(28., requires_grad=True)',
    () => nb.arange(28, { dtype: 'float32', requiresGrad: true }),
    'tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.],\n       requires_grad=True)',
  ],
];

describe('formatTensor matches PyTorch 1.13', () => {
  for (const [label, make, want] of cases) {
    test(label, () => {
      assert.equal(String(make()), want);
      assert.equal(nb.formatTensor(make()), want);
    });
  }
});

// [PyTorch call after torch.set_printoptions(...), nabla options, tensor, expected]
const optionCases: [string, Parameters<typeof nb.setPrintOptions>[0], () => nb.Tensor, string][] = [
  [
    "PyTorch 1.13: set_printoptions(**{'precision': 2}); torch.tensor([1.12345, -2.5])",
    { precision: 2 },
    () => nb.tensor([1.12345, -2.5]),
    'tensor([ 1.12, -2.50])',
  ],
  [
    "PyTorch 1.13: set_printoptions(**{'threshold': 5}); torch.arange(10)",
    { threshold: 5 },
    () => nb.arange(10),
    'tensor([0, 1, 2,  ..., 7, 8, 9])',
  ],
  [
    "PyTorch 1.13: set_printoptions(**{'sci_mode': True}); torch.tensor([1.5, 2.])",
    { sciMode: true },
    () => nb.tensor([1.5, 2]),
    'tensor([1.5000e+00, 2.0000e+00])',
  ],
  [
    "PyTorch 1.13: set_printoptions(**{'sci_mode': False}); torch.tensor([1e-5, 1.])",
    { sciMode: false },
    () => nb.tensor([1e-5, 1]),
    'tensor([    0.0000,     1.0000])',
  ],
  [
    "PyTorch 1.13: set_printoptions(**{'linewidth': 20}); torch.arange(10.)",
    { linewidth: 20 },
    () => nb.arange(10, { dtype: 'float32' }),
    'tensor([0., 1., 2.,\n        3., 4., 5.,\n        6., 7., 8.,\n        9.])',
  ],
  [
    "PyTorch 1.13: set_printoptions(**{'edgeitems': 1, 'threshold': 3}); torch.arange(16.).reshape(4, 4)",
    { edgeitems: 1, threshold: 3 },
    () => nb.arange(16, { dtype: 'float32' }).reshape([4, 4]),
    'tensor([[ 0.,  ...,  3.],\n        ...,\n        [12.,  ..., 15.]])',
  ],
  [
    "PyTorch 1.13: set_printoptions(**{'profile': 'short'}); torch.tensor([3.14159])",
    { profile: 'short' },
    () => nb.tensor([3.14159]),
    'tensor([3.14])',
  ],
];

describe('setPrintOptions', () => {
  afterEach(() => nb.setPrintOptions({ profile: 'default' }));
  for (const [label, opts, make, want] of optionCases) {
    test(label, () => {
      nb.setPrintOptions(opts);
      assert.equal(String(make()), want);
    });
  }
  test('sciMode returns to automatic unless given, and options read back', () => {
    nb.setPrintOptions({ sciMode: true, precision: 3 });
    assert.deepEqual(nb.getPrintOptions(), {
      precision: 3,
      threshold: 1000,
      edgeitems: 3,
      linewidth: 80,
      sciMode: true,
    });
    nb.setPrintOptions({ linewidth: 100 });
    assert.equal(nb.getPrintOptions().sciMode, null);
    assert.equal(nb.getPrintOptions().precision, 3);
  });
  test('bad options are refused', () => {
    assert.throws(
      () => nb.setPrintOptions({ precision: -1 }),
      (e: unknown) => e instanceof nb.ValueError && /setPrintOptions: .*precision.*-1/.test(e.message),
    );
    assert.throws(() => nb.setPrintOptions({ profile: 'long' as 'short' }), nb.ValueError);
  });
});

describe('number formatting follows Python (exact value, ties to even)', () => {
  // Expected values: Python 3 format(x, '.4f') / format(x, '.4e') / format(x, '.0f').
  const fixed: [number, number, string][] = [
    [0.03125, 4, '0.0312'],
    [0.09375, 4, '0.0938'],
    [2.5, 0, '2'],
    [3.5, 0, '4'],
    [-0.5, 0, '-0'],
    [-0, 4, '-0.0000'],
    [1e22, 0, '10000000000000000000000'],
    [123.456, 2, '123.46'],
    [0.1, 20, '0.10000000000000000555'],
    [NaN, 4, 'nan'],
    [-Infinity, 4, '-inf'],
  ];
  for (const [x, d, want] of fixed)
    test(`format(${x}, '.${d}f') = ${want}`, () => assert.equal(formatFixed(x, d), want));
  const sci: [number, number, string][] = [
    [1e-5, 4, '1.0000e-05'],
    [123456789, 4, '1.2346e+08'],
    [9.99995e-5, 4, '9.9999e-05'],
    [9.99996, 4, '1.0000e+01'],
    [0, 4, '0.0000e+00'],
    [-0, 4, '-0.0000e+00'],
    [1e300, 4, '1.0000e+300'],
    [5e-324, 4, '4.9407e-324'],
    [1.25, 1, '1.2e+00'],
    [7, 0, '7e+00'],
  ];
  for (const [x, d, want] of sci) test(`format(${x}, '.${d}e') = ${want}`, () => assert.equal(formatSci(x, d), want));
});
