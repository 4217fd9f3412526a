// Op-table rows: activations. Each row has random samples (kept off the kinks for gradcheck)
// and, where PyTorch defines a gradient at a kink, a sample sitting exactly on it, compared with
// PyTorch's value through the fixtures (no gradcheck there: finite differences see one side).
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import type { InputSpec, OpSpec, Sample } from '../harness/specs.js';
import { decode, decodeTorch, special } from './elementwise.js';

const F32 = 'float32' as const;
const vals = (values: number[], dtype?: 'float32'): InputSpec => ({ shape: [values.length], values, dtype });

function samples(low = -3, high = 3): Sample[] {
  return [
    { inputs: [{ shape: [2, 3], low, high }] },
    { label: '0-d', inputs: [{ shape: [], low, high }] },
    { label: 'size 0', inputs: [[0, 3]] },
    { label: 'non-contiguous', inputs: [{ shape: [3, 2], noncontig: true, low, high }] },
    { label: 'float32', inputs: [{ shape: [4], dtype: F32, low, high }] },
  ];
}

const kinks = (values: number[]): Sample => ({
  label: `kinks ${values.join(', ')}`,
  inputs: [vals(values)],
  noGradcheck: "on the kinks; PyTorch's one-sided choice is checked against the fixture",
});

// |x| up to 1000 must give finite values and gradients with the right limits.
const extremes: Sample[] = [
  { label: '|x| up to 1000', inputs: [vals([-1000, -100, -30, 0.5, 30, 100, 1000])] },
  { label: '|x| up to 1000, float32', inputs: [vals([-1000, -100, 0.5, 100, 1000], F32)] },
];

function row(name: string, fn: (x: Tensor) => Tensor, torch: string, extra: Sample[] = [], low = -3, high = 3): OpSpec {
  return { name, fn: (a) => fn(a), torch, samples: [...samples(low, high), ...extra] };
}

// NaN and ±Infinity through every activation (sentinel-encoded; see elementwise.ts).
const NON_FINITE: [string, (x: Tensor) => Tensor, string][] = [
  ['relu', nb.relu, 'torch.relu'],
  ['relu6', nb.relu6, 'F.relu6'],
  ['leakyRelu', nb.leakyRelu, 'F.leaky_relu'],
  ['elu', nb.elu, 'F.elu'],
  ['selu', nb.selu, 'F.selu'],
  ['celu', nb.celu, 'F.celu'],
  ['gelu', nb.gelu, 'F.gelu'],
  ['silu', nb.silu, 'F.silu'],
  ['mish', nb.mish, 'F.mish'],
  ['softplus', nb.softplus, 'F.softplus'],
  ['softsign', nb.softsign, 'F.softsign'],
  ['hardtanh', nb.hardtanh, 'F.hardtanh'],
  ['hardsigmoid', nb.hardsigmoid, 'F.hardsigmoid'],
  ['hardswish', nb.hardswish, 'F.hardswish'],
  ['logsigmoid', nb.logsigmoid, 'F.logsigmoid'],
];
const nonFiniteRows: OpSpec[] = NON_FINITE.map(([name, fn, t]) => ({
  name: `${name}.non-finite`,
  fn: (a) => fn(decode(a)),
  torch: `${t}(${decodeTorch('a')})`,
  samples: [{ inputs: [vals(special([NaN, Infinity, -Infinity, 0.5]))], noGradcheck: 'not finite' }],
}));

export const activationsSpecs: OpSpec[] = [
  ...nonFiniteRows,
  row('relu', nb.relu, 'torch.relu(a)', [kinks([0, -1, 2])]),
  {
    name: 'relu.int32',
    fn: (a) => nb.relu(a),
    torch: 'torch.relu(a)',
    nondiff: true,
    samples: [{ inputs: [{ shape: [5], dtype: 'int32', low: -3, high: 3 }] }],
  },
  row('relu6', nb.relu6, 'F.relu6(a)', [kinks([0, 6, -1, 7, 3])], -2, 8),
  row('leakyRelu', nb.leakyRelu, 'F.leaky_relu(a)', [kinks([0, -1, 1]), ...extremes]),
  row('leakyRelu.slope', (x) => nb.leakyRelu(x, 0.2), 'F.leaky_relu(a, 0.2)', [kinks([0])]),
  row('leakyRelu.options', (x) => x.leakyRelu({ negativeSlope: 0.2 }), 'F.leaky_relu(a, negative_slope=0.2)'),
  row('elu', nb.elu, 'F.elu(a)', [kinks([0]), ...extremes]),
  row('elu.alpha', (x) => nb.elu(x, 2), 'F.elu(a, alpha=2.0)', [kinks([0])]),
  row('selu', nb.selu, 'F.selu(a)', [kinks([0]), ...extremes]),
  row('celu', nb.celu, 'F.celu(a)', [kinks([0]), ...extremes]),
  row('celu.alpha', (x) => x.celu({ alpha: 2 }), 'F.celu(a, alpha=2.0)', [kinks([0])]),
  row('gelu', nb.gelu, 'F.gelu(a)', [...extremes, { label: 'tail', inputs: [vals([-10, -6, 6, 10])] }], -4, 4),
  row('gelu.tanh', (x) => nb.gelu(x, { approximate: 'tanh' }), "F.gelu(a, approximate='tanh')", extremes, -4, 4),
  row('silu', nb.silu, 'F.silu(a)', extremes, -4, 4),
  row('mish', nb.mish, 'F.mish(a)', extremes, -4, 4),
  row('softplus', nb.softplus, 'F.softplus(a)', [
    ...extremes,
    {
      label: 'threshold edge',
      inputs: [vals([19.5, 20, 20.5, 0])],
      noGradcheck: 'the linear region starts with a jump of 2e-9 at the threshold',
    },
  ]),
  row('softplus.beta', (x) => nb.softplus(x, 2, 5), 'F.softplus(a, beta=2.0, threshold=5.0)', [
    { label: 'both regions', inputs: [vals([-4, 1, 2.4, 2.6, 4])] },
  ]),
  row('softplus.options', (x) => x.softplus({ beta: 0.5 }), 'F.softplus(a, beta=0.5)'),
  row('softsign', nb.softsign, 'F.softsign(a)', [kinks([0]), ...extremes]),
  row('hardtanh', nb.hardtanh, 'F.hardtanh(a)', [kinks([-1, 1, 0, -2, 2])]),
  row('hardtanh.range', (x) => nb.hardtanh(x, -0.5, 2), 'F.hardtanh(a, -0.5, 2.0)', [kinks([-0.5, 2])]),
  row('hardtanh.options', (x) => x.hardtanh({ minVal: -0.5, maxVal: 2 }), 'F.hardtanh(a, min_val=-0.5, max_val=2.0)'),
  row('hardsigmoid', nb.hardsigmoid, 'F.hardsigmoid(a)', [kinks([-3, 3, 0, -4, 4])], -5, 5),
  row('hardswish', nb.hardswish, 'F.hardswish(a)', [kinks([-3, 3, 0, -4, 4])], -5, 5),
  row('logsigmoid', nb.logsigmoid, 'F.logsigmoid(a)', [kinks([0]), ...extremes]),
];
