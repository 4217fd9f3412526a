// Op-table rows: elementwise arithmetic, functions of one operand, comparisons and logic,
// selection, clamping. (core.ts already has add, mul.alpha, div, pow, pow.scalar, exp, tanh;
// rows here use other names so fixture keys stay unique.)
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import type { InputSpec, OpSpec, Sample } from '../harness/specs.js';

type Dom = { low?: number; high?: number };
const F32 = 'float32' as const;
const I32 = 'int32' as const;
const BOOL = 'bool' as const;
// Fixture inputs travel through JSON, which has no NaN or Infinity: such values are stored as
// the sentinels 2^100 (NaN) and ±2^101 (±Infinity), exact in float32 too, and decoded by the
// same expression on both sides. (Gradients do not flow into decoded positions.)
const S_NAN = 2 ** 100;
const S_INF = 2 ** 101;
/** Replaces NaN and ±Infinity in explicit sample values by their sentinels. */
export const special = (values: number[]): number[] =>
  values.map((v) => (Number.isNaN(v) ? S_NAN : v === Infinity ? S_INF : v === -Infinity ? -S_INF : v));
/** Turns sentinels back into NaN and ±Infinity (nabla side). */
export const decode = (x: Tensor): Tensor =>
  nb.where(x.eq(S_NAN), NaN, nb.where(x.eq(S_INF), Infinity, nb.where(x.eq(-S_INF), -Infinity, x)));
/** Turns sentinels back into NaN and ±Infinity (PyTorch side, for the input named `v`). */
export const decodeTorch = (v: string): string =>
  `torch.where(${v} == 2.0**100, float('nan'), torch.where(${v} == 2.0**101, float('inf'), torch.where(${v} == -2.0**101, float('-inf'), ${v})))`;

const vals = (shape: number[], values: number[], extra: Partial<Exclude<InputSpec, number[]>> = {}): InputSpec => ({
  shape,
  values,
  ...extra,
});

// The standard samples of a function of one operand over a domain away from its singularities.
function unarySamples(d: Dom): Sample[] {
  return [
    { inputs: [{ shape: [2, 3], ...d }] },
    { label: '0-d', inputs: [{ shape: [], ...d }] },
    { label: 'size 0', inputs: [{ shape: [0, 3], ...d }] },
    { label: 'non-contiguous', inputs: [{ shape: [3, 2], noncontig: true, ...d }] },
    { label: 'float32', inputs: [{ shape: [4], dtype: F32, ...d }] },
  ];
}

// The standard samples of a function of two operands: broadcasting, 0-d, size 0, strides,
// float32, and float32 meeting float64 (promotes to float64).
function binarySamples(da: Dom = {}, db: Dom = {}): Sample[] {
  return [
    {
      inputs: [
        { shape: [2, 3], ...da },
        { shape: [2, 3], ...db },
      ],
    },
    {
      label: 'broadcast',
      inputs: [
        { shape: [3, 1], ...da },
        { shape: [4], ...db },
      ],
    },
    {
      label: '0-d',
      inputs: [
        { shape: [], ...da },
        { shape: [2, 3], ...db },
      ],
    },
    {
      label: 'size 0',
      inputs: [
        { shape: [0, 3], ...da },
        { shape: [3], ...db },
      ],
    },
    {
      label: 'non-contiguous',
      inputs: [
        { shape: [3, 4], noncontig: true, ...da },
        { shape: [3, 4], noncontig: true, ...db },
      ],
    },
    {
      label: 'float32',
      inputs: [
        { shape: [5], dtype: F32, ...da },
        { shape: [5], dtype: F32, ...db },
      ],
    },
    {
      label: 'float32 with float64',
      inputs: [
        { shape: [2, 2], dtype: F32, ...da },
        { shape: [2, 2], ...db },
      ],
    },
  ];
}

const POS = { low: 0.5, high: 2 };

// name, nabla function, torch function, domain, extra samples
const UNARY: [string, (x: Tensor) => Tensor, string, Dom, Sample[]?][] = [
  ['neg', nb.neg, 'neg', {}],
  [
    'abs',
    nb.abs,
    'abs',
    {},
    [{ label: 'at 0 (gradient 0)', inputs: [vals([3], [0, -1.5, 2])], noGradcheck: 'kink at 0' }],
  ],
  ['sign', nb.sign, 'sign', {}, [{ label: 'zeros', inputs: [vals([4], [0, -0, 3, -2])], noGradcheck: 'jump at 0' }]],
  ['exp.more', nb.exp, 'exp', {}, [{ label: 'overflow', inputs: [vals([3], [-1000, 0, 1000])], noGradcheck: 'inf' }]],
  ['exp2', nb.exp2, 'exp2', {}],
  ['log', nb.log, 'log', POS, [{ label: '0 and negative', inputs: [vals([3], [0, -1, 1])], noGradcheck: 'pole' }]],
  ['log2', nb.log2, 'log2', POS],
  ['log1p', nb.log1p, 'log1p', { low: -0.5, high: 2 }, [{ label: 'tiny', inputs: [vals([2], [1e-12, -1e-15])] }]],
  ['expm1', nb.expm1, 'expm1', {}, [{ label: 'tiny', inputs: [vals([2], [1e-12, -1e-15])] }]],
  ['sqrt', nb.sqrt, 'sqrt', POS],
  ['rsqrt', nb.rsqrt, 'rsqrt', POS],
  ['square', nb.square, 'square', {}],
  [
    'reciprocal',
    nb.reciprocal,
    'reciprocal',
    POS,
    [{ label: 'negative', inputs: [{ shape: [3], low: -2, high: -0.5 }] }],
  ],
  ['sin', nb.sin, 'sin', { low: -4, high: 4 }],
  ['cos', nb.cos, 'cos', { low: -4, high: 4 }],
  ['tan', nb.tan, 'tan', { low: -1.2, high: 1.2 }],
  ['asin', nb.asin, 'asin', { low: -0.9, high: 0.9 }],
  ['acos', nb.acos, 'acos', { low: -0.9, high: 0.9 }],
  ['atan', nb.atan, 'atan', { low: -4, high: 4 }],
  ['sinh', nb.sinh, 'sinh', {}],
  ['cosh', nb.cosh, 'cosh', {}],
  ['tanh.more', nb.tanh, 'tanh', {}, [{ label: 'saturated', inputs: [vals([4], [-30, -1000, 30, 1000])] }]],
  ['asinh', nb.asinh, 'asinh', { low: -4, high: 4 }],
  ['acosh', nb.acosh, 'acosh', { low: 1.2, high: 3 }],
  ['atanh', nb.atanh, 'atanh', { low: -0.9, high: 0.9 }],
  [
    'sigmoid',
    nb.sigmoid,
    'sigmoid',
    { low: -6, high: 6 },
    [
      { label: '|x| up to 1000', inputs: [vals([7], [-1000, -100, -20, 0, 20, 100, 1000])] },
      { label: '|x| up to 1000, float32', inputs: [vals([5], [-1000, -90, 0, 90, 1000], { dtype: F32 })] },
    ],
  ],
  [
    'erf',
    nb.erf,
    'erf',
    { low: -3, high: 3 },
    [{ label: 'wide range', inputs: [vals([13], [-6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6])] }],
  ],
  [
    'erfc',
    nb.erfc,
    'erfc',
    { low: -3, high: 3 },
    [{ label: 'wide range', inputs: [vals([13], [-6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6])] }],
  ],
  // Piecewise constant: gradient 0 (PyTorch's too); random inputs stay away from the jumps.
  [
    'floor',
    nb.floor,
    'floor',
    {},
    [{ label: 'halves and integers', inputs: [vals([6], [-1.5, -0.5, 0.5, 1.5, -2, 2])], noGradcheck: 'jumps' }],
  ],
  [
    'ceil',
    nb.ceil,
    'ceil',
    {},
    [{ label: 'halves and integers', inputs: [vals([6], [-1.5, -0.5, 0.5, 1.5, -2, 2])], noGradcheck: 'jumps' }],
  ],
  [
    'round',
    nb.round,
    'round',
    {},
    [
      {
        label: 'half to even',
        inputs: [vals([9], [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5, 0.49999999999999994, -3.51])],
        noGradcheck: 'jumps at the halves',
      },
      {
        label: 'half to even, float32',
        inputs: [vals([4], [0.5, 1.5, 2.5, -2.5], { dtype: F32 })],
        noGradcheck: 'jumps at the halves',
      },
    ],
  ],
  [
    'trunc',
    nb.trunc,
    'trunc',
    {},
    [{ label: 'halves and integers', inputs: [vals([6], [-1.5, -0.5, 0.5, 1.5, -2, 2])], noGradcheck: 'jumps' }],
  ],
];

const unaryRows: OpSpec[] = UNARY.map(([name, fn, t, dom, extra]) => ({
  name,
  fn: (a) => fn(a),
  torch: `torch.${t}(a)`,
  samples: [...unarySamples(dom), ...(extra ?? [])],
}));

// NaN and ±Infinity through every function of one operand.
const nonFiniteRows: OpSpec[] = UNARY.map(([name, fn, t]) => ({
  name: `${name.split('.')[0]}.non-finite`,
  fn: (a) => fn(decode(a)),
  torch: `torch.${t}(${decodeTorch('a')})`,
  samples: [{ inputs: [vals([3], special([NaN, Infinity, -Infinity]))], noGradcheck: 'not finite' }],
}));

// Integer inputs: neg, abs, sign, square and the roundings keep int32; the rest give float32.
const intUnaryRows: OpSpec[] = (
  [
    ['neg', nb.neg],
    ['abs', nb.abs],
    ['sign', nb.sign],
    ['square', nb.square],
    ['floor', nb.floor],
    ['round', nb.round],
    ['exp', nb.exp],
    ['sqrt', nb.sqrt],
    ['sigmoid', nb.sigmoid],
    ['sin', nb.sin],
  ] as const
).map(([t, fn]) => ({
  name: `${t}.int32`,
  fn: (a: Tensor) => fn(a),
  torch: `torch.${t}(a)`,
  nondiff: true,
  samples: [{ inputs: [{ shape: [5], dtype: I32, low: t === 'sqrt' ? 0 : -4, high: 5 }] }],
}));

const arithmeticRows: OpSpec[] = [
  {
    name: 'add.scalar',
    fn: (a) => a.add(2.5),
    torch: 'a + 2.5',
    samples: [
      { inputs: [[3]] },
      { label: '0-d', inputs: [[]] },
      { label: 'float32', inputs: [{ shape: [3], dtype: F32 }] },
    ],
  },
  {
    name: 'add.alpha',
    fn: (a, b) => nb.add(a, b, { alpha: -0.5 }),
    torch: 'torch.add(a, b, alpha=-0.5)',
    samples: [{ inputs: [[2, 3], [3]] }],
  },
  {
    name: 'add.alpha.scalar',
    fn: (a) => nb.add(a, 3, { alpha: 2 }),
    torch: 'torch.add(a, 3, alpha=2)',
    samples: [{ inputs: [[3]] }],
  },
  {
    name: 'add.int32',
    fn: (a, b) => a.add(b),
    torch: 'a + b',
    nondiff: true,
    samples: [
      {
        inputs: [
          { shape: [2, 3], dtype: I32, low: -100, high: 100 },
          { shape: [3], dtype: I32, low: -100, high: 100 },
        ],
      },
    ],
  },
  {
    name: 'add.int32+scalar',
    fn: (a) => a.add(2.5),
    torch: 'a + 2.5',
    nondiff: true,
    samples: [{ inputs: [{ shape: [3], dtype: I32 }] }],
  },
  {
    name: 'add.int32+float',
    fn: (a, b) => a.add(b),
    torch: 'a + b',
    samples: [
      { label: 'float64', inputs: [{ shape: [2, 3], dtype: I32 }, [3]] },
      {
        label: 'float32',
        inputs: [
          { shape: [3], dtype: I32 },
          { shape: [3], dtype: F32 },
        ],
      },
      { label: '0-d float64', inputs: [{ shape: [3], dtype: I32 }, []] },
    ],
  },
  { name: 'sub', fn: (a, b) => a.sub(b), torch: 'a - b', samples: binarySamples() },
  {
    name: 'sub.alpha',
    fn: (a, b) => a.sub(b, { alpha: 3 }),
    torch: 'torch.sub(a, b, alpha=3)',
    samples: [{ inputs: [[3], [2, 3]] }],
  },
  {
    name: 'sub.scalar.rsub',
    fn: (a) => nb.sub(1, a),
    torch: '1 - a',
    samples: [{ inputs: [[3]] }],
  },
  { name: 'mul', fn: (a, b) => a.mul(b), torch: 'a * b', samples: binarySamples() },
  {
    name: 'mul.scalar',
    fn: (a) => a.mul(-1.5),
    torch: 'a * -1.5',
    samples: [{ inputs: [[2, 2]] }, { label: 'float32', inputs: [{ shape: [3], dtype: F32 }] }],
  },
  {
    name: 'mul.int32',
    fn: (a, b) => a.mul(b),
    torch: 'a * b',
    nondiff: true,
    samples: [
      {
        inputs: [
          { shape: [4], dtype: I32, low: -1000, high: 1000 },
          { shape: [4], dtype: I32, low: -1000, high: 1000 },
        ],
      },
    ],
  },
  { name: 'div.tensor', fn: (a, b) => a.div(b), torch: 'a / b', samples: binarySamples({}, POS) },
  {
    name: 'div.scalar',
    fn: (a) => a.div(4),
    torch: 'a / 4',
    samples: [{ inputs: [[3]] }, { label: 'float32', inputs: [{ shape: [3], dtype: F32 }] }],
  },
  {
    name: 'div.by zero',
    fn: (a, b) => a.div(b),
    torch: 'a / b',
    samples: [{ inputs: [vals([3], [1, -1, 0]), vals([3], [0, 0, 0])], noGradcheck: 'pole' }],
  },
  {
    name: 'div.int32',
    fn: (a, b) => a.div(b),
    torch: 'a / b',
    nondiff: true,
    samples: [
      {
        inputs: [
          { shape: [4], dtype: I32, low: -9, high: 9 },
          { shape: [4], dtype: I32, low: 1, high: 5 },
        ],
      },
    ],
  },
  {
    name: 'div.trunc',
    fn: (a, b) => a.div(b, { roundingMode: 'trunc' }),
    torch: "torch.div(a, b, rounding_mode='trunc')",
    samples: [
      {
        inputs: [
          { shape: [2, 3], low: -6, high: 6 },
          { shape: [3], ...POS },
        ],
      },
      {
        label: 'float32',
        inputs: [
          { shape: [4], dtype: F32, low: -6, high: 6 },
          { shape: [4], dtype: F32, ...POS },
        ],
      },
    ],
  },
  {
    name: 'div.floor',
    fn: (a, b) => a.div(b, { roundingMode: 'floor' }),
    torch: "torch.div(a, b, rounding_mode='floor')",
    samples: [
      {
        inputs: [
          { shape: [2, 3], low: -6, high: 6 },
          { shape: [3], ...POS },
        ],
      },
      {
        label: 'quotient that rounds up (1 / 0.1)',
        inputs: [vals([4], [1, -1, 7.5, -0]), vals([4], [0.1, 0.1, -2, 3])],
        noGradcheck: 'values sit on the jumps',
      },
    ],
  },
  ...(['trunc', 'floor'] as const).map((mode): OpSpec => ({
    name: `div.${mode}.int32`,
    fn: (a, b) => a.div(b, { roundingMode: mode }),
    torch: `torch.div(a, b, rounding_mode='${mode}')`,
    nondiff: true,
    samples: [{ inputs: [vals([4], [-7, 7, -8, 9], { dtype: I32 }), vals([4], [2, -2, 3, 4], { dtype: I32 })] }],
  })),
  {
    name: 'floorDivide',
    fn: (a, b) => nb.floorDivide(a, b),
    torch: 'torch.floor_divide(a, b)',
    nondiff: true, // PyTorch has no derivative for floor_divide
    samples: [
      { inputs: [vals([7], [1, 5, -1, -7, 7.5, 0, -0]), vals([7], [0.1, 2, 0.1, 2, -2, 3, 3])] },
      { label: 'by zero', inputs: [vals([3], [1, -1, 0]), vals([3], [0, 0, 0])] },
      { label: 'int32', inputs: [vals([4], [-7, 7, -8, 9], { dtype: I32 }), vals([4], [2, -2, 3, 4], { dtype: I32 })] },
    ],
  },
  {
    name: 'pow.broadcast',
    fn: (a, b) => a.pow(b),
    torch: 'torch.pow(a, b)',
    samples: [
      { inputs: [{ shape: [2, 3], ...POS }, [3]] },
      { label: '0-d exponent', inputs: [{ shape: [3], ...POS }, []] },
      { label: 'non-contiguous', inputs: [{ shape: [2, 3], noncontig: true, ...POS }, [2, 3]] },
      {
        label: 'float32',
        inputs: [
          { shape: [3], dtype: F32, ...POS },
          { shape: [3], dtype: F32 },
        ],
      },
      { label: 'size 0', inputs: [{ shape: [0], ...POS }, [1]] },
    ],
  },
  {
    name: 'pow.scalar exponent',
    fn: (a) => a.pow(2),
    torch: 'torch.pow(a, 2)',
    samples: [{ inputs: [[2, 3]] }, { label: 'zero base', inputs: [vals([3], [0, -1, 2])] }],
  },
  {
    name: 'pow.fractional exponent',
    fn: (a) => a.pow(-1.5),
    torch: 'torch.pow(a, -1.5)',
    samples: [{ inputs: [{ shape: [3], ...POS }] }, { label: 'float32', inputs: [{ shape: [3], dtype: F32, ...POS }] }],
  },
  {
    name: 'pow.scalar base',
    fn: (a) => nb.pow(2, a),
    torch: 'torch.pow(2, a)',
    samples: [{ inputs: [[2, 3]] }, { label: '0-d', inputs: [[]] }],
  },
  {
    name: 'pow.zero base',
    fn: (a, b) => a.pow(b),
    torch: 'torch.pow(a, b)',
    samples: [
      {
        label: "PyTorch's masks at 0^0 and 0^b",
        inputs: [vals([5], [0, 0, 0, 0, 2]), vals([5], [0, 1, 2.5, -1, 0])],
        noGradcheck: 'not differentiable at a = 0',
      },
    ],
  },
  {
    name: 'pow.int32',
    fn: (a, b) => a.pow(b),
    torch: 'torch.pow(a, b)',
    nondiff: true,
    samples: [{ inputs: [{ shape: [4], dtype: I32, low: -3, high: 4 }, vals([4], [0, 1, 2, 3], { dtype: I32 })] }],
  },
  { name: 'maximum', fn: (a, b) => nb.maximum(a, b), torch: 'torch.maximum(a, b)', samples: binarySamples() },
  { name: 'minimum', fn: (a, b) => nb.minimum(a, b), torch: 'torch.minimum(a, b)', samples: binarySamples() },
  ...(['maximum', 'minimum'] as const).map((op): OpSpec => ({
    name: `${op}.ties and NaN`,
    fn: (a, b) => nb[op](decode(a), decode(b)),
    torch: `torch.${op}(${decodeTorch('a')}, ${decodeTorch('b')})`,
    samples: [
      {
        inputs: [vals([5], special([1, 2, NaN, 1, -3])), vals([5], special([1, 2, 1, NaN, 0]))],
        noGradcheck: 'ties are a kink; NaN',
      },
    ],
  })),
  {
    name: 'maximum.int32',
    fn: (a, b) => nb.maximum(a, b),
    torch: 'torch.maximum(a, b)',
    nondiff: true,
    samples: [
      {
        inputs: [
          { shape: [2, 3], dtype: I32, low: -5, high: 5 },
          { shape: [3], dtype: I32, low: -5, high: 5 },
        ],
      },
    ],
  },
  {
    name: 'atan2',
    fn: (a, b) => nb.atan2(a, b),
    torch: 'torch.atan2(a, b)',
    samples: binarySamples({ low: -2, high: 2 }, { low: 0.3, high: 2 }).concat([
      { label: 'all quadrants', inputs: [vals([4], [1, 1, -1, -1]), vals([4], [1, -1, 1, -1])] },
    ]),
  },
  ...(['fmod', 'remainder'] as const).map((op): OpSpec => ({
    name: op,
    fn: (a, b) => nb[op](a, b),
    torch: `torch.${op}(a, b)`,
    samples: [
      {
        inputs: [
          { shape: [2, 3], low: -5, high: 5 },
          { shape: [3], low: 0.7, high: 2 },
        ],
      },
      {
        label: 'negative divisor',
        inputs: [
          { shape: [4], low: -5, high: 5 },
          { shape: [4], low: -2, high: -0.7 },
        ],
      },
      {
        label: '0-d',
        inputs: [
          { shape: [], low: -5, high: 5 },
          { shape: [], low: 0.7, high: 2 },
        ],
      },
      {
        label: 'float32',
        inputs: [
          { shape: [4], dtype: F32, low: -5, high: 5 },
          { shape: [4], dtype: F32, low: 0.7, high: 2 },
        ],
      },
    ],
  })),
  ...(['fmod', 'remainder'] as const).map((op): OpSpec => ({
    name: `${op}.int32`,
    fn: (a, b) => nb[op](a, b),
    torch: `torch.${op}(a, b)`,
    nondiff: true,
    samples: [{ inputs: [vals([4], [-7, 7, -8, 9], { dtype: I32 }), vals([4], [2, -2, 3, -4], { dtype: I32 })] }],
  })),
];

// Comparisons: ties included (integers drawn from a small range), mixed dtypes, NaN.
const CMP = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const;
const compareRows: OpSpec[] = CMP.flatMap((op): OpSpec[] => [
  {
    name: op,
    fn: (a, b) => nb[op](a, b),
    torch: `torch.${op}(a, b)`,
    nondiff: true,
    samples: [
      { inputs: [vals([2, 3], [1, 2, 3, 4, -1, 0]), vals([3], [2, 2, 2])] },
      { label: 'int32 with float64', inputs: [{ shape: [2, 3], dtype: I32, low: -2, high: 2 }, vals([], [0.5])] },
      {
        label: 'int32 with int32, broadcast',
        inputs: [
          { shape: [3, 1], dtype: I32, low: -2, high: 2 },
          { shape: [4], dtype: I32, low: -2, high: 2 },
        ],
      },
      { label: 'float32 with float64', inputs: [{ shape: [3], dtype: F32 }, { shape: [3] }] },
      {
        label: 'bool',
        inputs: [
          { shape: [4], dtype: BOOL },
          { shape: [4], dtype: BOOL },
        ],
      },
      { label: 'size 0', inputs: [[0, 2], [2]] },
      {
        label: 'non-contiguous',
        inputs: [
          { shape: [2, 3], noncontig: true },
          { shape: [2, 3], noncontig: true },
        ],
      },
    ],
  },
  {
    name: `${op}.non-finite`,
    fn: (a, b) => nb[op](decode(a), decode(b)),
    torch: `torch.${op}(${decodeTorch('a')}, ${decodeTorch('b')})`,
    nondiff: true,
    samples: [
      {
        inputs: [
          vals([6], special([NaN, NaN, 1, Infinity, -Infinity, Infinity])),
          vals([6], special([NaN, 1, NaN, Infinity, Infinity, 1e308])),
        ],
      },
    ],
  },
  {
    name: `${op}.scalar`,
    fn: (a) => nb[op](a, 0.1),
    torch: `torch.${op}(a, 0.1)`,
    nondiff: true,
    samples: [
      // 0.1 is rounded to float32 first, so it equals a float32 0.1 (as in PyTorch).
      { label: 'float32', inputs: [vals([3], [0.1, 0.2, -1], { dtype: F32 })] },
      { label: 'float64', inputs: [vals([3], [0.1, 0.2, -1])] },
      { label: 'int32', inputs: [vals([3], [0, 1, -1], { dtype: I32 })] },
    ],
  },
]);

const LOGIC = ['logicalAnd', 'logicalOr', 'logicalXor'] as const;
const TORCH_LOGIC = { logicalAnd: 'logical_and', logicalOr: 'logical_or', logicalXor: 'logical_xor' };
const logicRows: OpSpec[] = [
  ...LOGIC.map((op): OpSpec => ({
    name: op,
    fn: (a, b) => nb[op](a, b),
    torch: `torch.${TORCH_LOGIC[op]}(a, b)`,
    nondiff: true,
    samples: [
      {
        inputs: [
          { shape: [2, 3], dtype: BOOL },
          { shape: [3], dtype: BOOL },
        ],
      },
      { label: 'float (nonzero is true)', inputs: [vals([4], [0, 2, 0.5, -0]), vals([4], [1, 0, 1, 1])] },
      { label: 'int32 with bool', inputs: [vals([3], [0, 3, -1], { dtype: I32 }), { shape: [3], dtype: BOOL }] },
      {
        label: '0-d',
        inputs: [
          { shape: [], dtype: BOOL },
          { shape: [2], dtype: BOOL },
        ],
      },
    ],
  })),
  {
    name: 'logicalNot',
    fn: (a) => nb.logicalNot(a),
    torch: 'torch.logical_not(a)',
    nondiff: true,
    samples: [
      { inputs: [{ shape: [2, 3], dtype: BOOL }] },
      { label: 'float', inputs: [vals([4], [0, -0, 0.5, 2.5])] },
      { label: 'int32', inputs: [vals([3], [0, 1, -7], { dtype: I32 })] },
      { label: 'non-contiguous', inputs: [{ shape: [2, 3], dtype: BOOL, noncontig: true }] },
    ],
  },
  {
    name: 'logic.non-finite',
    fn: (a, b) => nb.logicalOr(nb.logicalNot(decode(a)), nb.logicalAnd(decode(a), decode(b))),
    torch: `torch.logical_or(torch.logical_not(${decodeTorch('a')}), torch.logical_and(${decodeTorch('a')}, ${decodeTorch('b')}))`,
    nondiff: true,
    samples: [{ inputs: [vals([4], special([NaN, -Infinity, 0, NaN])), vals([4], special([0, 1, NaN, NaN]))] }],
  },
  ...(['isnan', 'isinf', 'isfinite'] as const).flatMap((op): OpSpec[] => [
    {
      name: op,
      fn: (a) => nb[op](decode(a)),
      torch: `torch.${op}(${decodeTorch('a')})`,
      nondiff: true,
      samples: [
        { inputs: [vals([6], special([NaN, Infinity, -Infinity, 0, 1.5, -2]))] },
        { label: 'float32', inputs: [vals([4], special([NaN, Infinity, 3e38, -1]), { dtype: F32 })] },
        { label: 'size 0', inputs: [[0]] },
        {
          label: 'non-contiguous',
          inputs: [{ shape: [2, 2], noncontig: true, values: special([NaN, 1, -Infinity, 2]) }],
        },
      ],
    },
    {
      name: `${op}.int32`,
      fn: (a) => nb[op](a),
      torch: `torch.${op}(a)`,
      nondiff: true,
      samples: [{ inputs: [vals([3], [0, 5, -5], { dtype: I32 })] }],
    },
  ]),
];

const selectionRows: OpSpec[] = [
  {
    name: 'where',
    fn: (a, b, c) => nb.where(c, a, b),
    torch: 'torch.where(c, a, b)',
    samples: [
      { inputs: [[2, 3], [2, 3], { shape: [2, 3], dtype: BOOL }] },
      { label: 'broadcast', inputs: [[1, 4], [4], { shape: [3, 1], dtype: BOOL }] },
      { label: '0-d', inputs: [[], [3], { shape: [], dtype: BOOL }] },
      { label: 'float32 with float64', inputs: [{ shape: [3], dtype: F32 }, [3], { shape: [3], dtype: BOOL }] },
      { label: 'size 0', inputs: [[0, 2], [2], { shape: [0, 1], dtype: BOOL }] },
      {
        label: 'non-contiguous',
        inputs: [{ shape: [2, 3], noncontig: true }, [2, 3], { shape: [2, 3], dtype: BOOL, noncontig: true }],
      },
    ],
  },
  {
    name: 'where.scalar',
    fn: (a, b) => nb.where(b, a, 0.5),
    torch: 'torch.where(b, a, 0.5)',
    samples: [{ inputs: [[2, 3], { shape: [3], dtype: BOOL }] }],
  },
  {
    name: 'maskedFill',
    fn: (a, m) => a.maskedFill(m, -1.5),
    torch: 'a.masked_fill(b, -1.5)',
    samples: [
      { inputs: [[3, 4], { shape: [1, 4], dtype: BOOL }] },
      {
        label: 'float32',
        inputs: [
          { shape: [3], dtype: F32 },
          { shape: [3], dtype: BOOL },
        ],
      },
      {
        label: 'int32',
        inputs: [
          { shape: [3], dtype: I32 },
          { shape: [3], dtype: BOOL },
        ],
        noGradcheck: 'integer input',
      },
    ],
  },
  {
    name: 'maskedFill.tensor value',
    fn: (a, m, v) => a.maskedFill(m, v),
    torch: 'a.masked_fill(b, c)',
    samples: [{ inputs: [[2, 3], { shape: [2, 3], dtype: BOOL }, []] }],
  },
];

const clampRows: OpSpec[] = [
  {
    name: 'clamp',
    fn: (a) => a.clamp(-0.5, 0.5),
    torch: 'torch.clamp(a, -0.5, 0.5)',
    samples: [
      ...unarySamples({}),
      {
        label: 'at the bounds (inclusive gradient)',
        inputs: [vals([5], [-0.5, 0.5, 0, 1, -1])],
        noGradcheck: 'kinks at the bounds',
      },
    ],
  },
  {
    name: 'clamp.non-finite',
    fn: (a) => decode(a).clamp(-0.5, 0.5),
    torch: `torch.clamp(${decodeTorch('a')}, -0.5, 0.5)`,
    samples: [{ inputs: [vals([4], special([NaN, Infinity, -Infinity, 0.25]))], noGradcheck: 'not finite' }],
  },
  {
    name: 'clamp.crossed non-finite',
    fn: (a) => decode(a).clamp(1, -1),
    torch: `torch.clamp(${decodeTorch('a')}, 1, -1)`,
    samples: [{ inputs: [vals([4], special([NaN, Infinity, -Infinity, 0.25]))], noGradcheck: 'not finite' }],
  },
  { name: 'clamp.min', fn: (a) => a.clamp(0.2), torch: 'torch.clamp(a, min=0.2)', samples: [{ inputs: [[2, 3]] }] },
  {
    name: 'clamp.max',
    fn: (a) => nb.clamp(a, null, 0.2),
    torch: 'torch.clamp(a, max=0.2)',
    samples: [{ inputs: [[2, 3]] }],
  },
  {
    name: 'clamp.crossed bounds',
    fn: (a) => a.clamp(1, -1),
    torch: 'torch.clamp(a, 1, -1)',
    samples: [{ inputs: [[4]] }],
  },
  {
    name: 'clamp.tensors',
    fn: (a, b, c) => a.clamp(b, c),
    torch: 'torch.clamp(a, b, c)',
    samples: [
      { inputs: [[2, 3], { shape: [3], low: -2, high: -0.2 }, { shape: [2, 1], low: 0.2, high: 2 }] },
      {
        label: 'crossed and equal bounds (PyTorch gives max the gradient)',
        inputs: [
          vals([8], [0, 1, 2, 3, -1, 0, 2, 1]),
          vals([8], [1, 1, 1.5, 2.5, 0, 1, 1, 1]),
          vals([8], [2, 2, 1, 1, -1, 1, 1, 1]),
        ],
        noGradcheck: 'ties with the bounds are kinks',
      },
      {
        label: 'float32 bounds',
        inputs: [[3], { shape: [3], dtype: F32, low: -2, high: -0.2 }, { shape: [3], dtype: F32, low: 0.2, high: 2 }],
      },
    ],
  },
  {
    name: 'clamp.min tensor',
    fn: (a, b) => nb.clamp(a, b),
    torch: 'torch.clamp(a, min=b)',
    samples: [{ inputs: [[2, 3], [3]] }],
  },
  {
    name: 'clamp.max tensor',
    fn: (a, b) => nb.clamp(a, undefined, b),
    torch: 'torch.clamp(a, max=b)',
    samples: [
      {
        inputs: [
          [2, 3],
          [2, 1],
        ],
      },
    ],
  },
  {
    name: 'clamp.int32',
    fn: (a) => a.clamp(-1, 2),
    torch: 'torch.clamp(a, -1, 2)',
    nondiff: true,
    samples: [{ inputs: [{ shape: [6], dtype: I32, low: -4, high: 5 }] }],
  },
  {
    name: 'clamp.int32 with float bound',
    fn: (a) => a.clamp(0.5),
    torch: 'torch.clamp(a, min=0.5)',
    nondiff: true,
    samples: [{ inputs: [{ shape: [4], dtype: I32, low: -2, high: 3 }] }],
  },
  { name: 'clip', fn: (a) => nb.clip(a, -1, 1), torch: 'torch.clip(a, -1, 1)', samples: [{ inputs: [[5]] }] },
  {
    name: 'nanToNum',
    fn: (a) => nb.nanToNum(decode(a)),
    torch: `torch.nan_to_num(${decodeTorch('a')})`,
    samples: [
      { inputs: [vals([5], special([NaN, Infinity, -Infinity, 1.5, -2]))] },
      { label: 'float32', inputs: [vals([4], special([NaN, Infinity, -Infinity, 0.25]), { dtype: F32 })] },
      { label: 'finite', inputs: [[2, 3]] },
      { label: '0-d', inputs: [vals([], special([Infinity]))] },
    ],
  },
  {
    name: 'nanToNum.int32',
    fn: (a) => nb.nanToNum(a),
    torch: 'torch.nan_to_num(a)',
    nondiff: true,
    samples: [{ inputs: [vals([3], [1, -2, 3], { dtype: I32 })] }],
  },
  {
    name: 'nanToNum.options',
    fn: (a) => nb.nanToNum(decode(a), { nan: 1, posinf: 2, neginf: -3 }),
    torch: `torch.nan_to_num(${decodeTorch('a')}, nan=1.0, posinf=2.0, neginf=-3.0)`,
    samples: [{ inputs: [vals([2, 2], special([NaN, Infinity, -Infinity, 0.5]))] }],
  },
];

export const elementwiseSpecs: OpSpec[] = [
  ...unaryRows,
  ...nonFiniteRows,
  ...intUnaryRows,
  ...arithmeticRows,
  ...compareRows,
  ...logicRows,
  ...selectionRows,
  ...clampRows,
];
