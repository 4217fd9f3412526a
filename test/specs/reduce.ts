// Op-table rows: reductions, scans, sorting and selection, softmax.
import * as nb from '../../src/index.js';
import type { InputSpec, OpSpec, Sample } from '../harness/specs.js';

const pos = (shape: number[]): InputSpec => ({ shape, low: 0.5, high: 2 });
const vals = (shape: number[], values: number[]): InputSpec => ({ shape, values });
const int = (shape: number[]): InputSpec => ({ shape, dtype: 'int32', low: -4, high: 5 });
const bool = (shape: number[]): InputSpec => ({ shape, dtype: 'bool' });
const f32 = (shape: number[]): InputSpec => ({ shape, dtype: 'float32' });
const nc = (shape: number[]): InputSpec => ({ shape, noncontig: true });
const one = (input: InputSpec, label?: string, noGradcheck?: string): Sample => ({
  inputs: [input],
  label,
  noGradcheck,
});

const INT = 'int32 input: nothing to differentiate';
const TIES = 'ties are a kink; finite differences see one side only';
const KINK = 'the input sits on a kink (zero or equal elements); finite differences see a cusp';

// Rows with one zero in the first row and two in the second: the gradient must stay exact.
const ZEROS_3x4 = [2, 0, -1.5, 0.5, 0, 1.25, 0, -2, 1.5, -0.5, 2, 0.75];

// ---- sums, means, products ------------------------------------------------------------------

const sums: OpSpec[] = [
  {
    name: 'sum.dim',
    fn: (a) => a.sum(-1, { keepdim: true }),
    torch: 'a.sum(-1, keepdim=True)',
    samples: [one([3, 4]), one([], '0-d'), one([2, 0], 'size 0'), one(f32([5]), 'float32')],
  },
  {
    name: 'sum.int32',
    fn: (a) => a.sum(1),
    torch: 'a.sum(1)',
    nondiff: true,
    samples: [one(int([3, 4]), 'int32'), one(bool([3, 4]), 'bool')],
  },
  {
    name: 'mean.dims',
    fn: (a) => a.mean([0, 2], { keepdim: true }),
    torch: 'a.mean((0, 2), keepdim=True)',
    samples: [one([2, 3, 4]), one(nc([2, 3, 4]), 'non-contiguous'), one(f32([2, 2, 2]), 'float32')],
  },
  {
    name: 'mean.all',
    fn: (a) => a.mean(),
    torch: 'a.mean()',
    samples: [one([3, 4]), one([], '0-d'), one([0, 3], 'size 0 gives NaN')],
  },
  {
    name: 'nansum.dim',
    fn: (a) => nb.nansum(a, 1),
    torch: 'torch.nansum(a, 1)',
    samples: [one([3, 4]), one(int([2, 3]), 'int32', INT)],
  },
  {
    name: 'nanmean.all',
    fn: (a) => nb.nanmean(a),
    torch: 'torch.nanmean(a)',
    samples: [one([3, 4])],
  },
  {
    name: 'prod.all',
    fn: (a) => a.prod(),
    torch: 'a.prod()',
    samples: [
      one([3, 4]),
      one(vals([3, 4], ZEROS_3x4), 'three zeros'),
      one(vals([2, 2], [1.5, 0, -2, 0.5]), 'one zero'),
      one([], '0-d'),
      one([0], 'size 0 gives 1'),
      one(nc([3, 3]), 'non-contiguous'),
      one(f32([2, 3]), 'float32'),
    ],
  },
  {
    name: 'prod.dim',
    fn: (a) => a.prod(1),
    torch: 'a.prod(1)',
    samples: [
      one(vals([3, 4], ZEROS_3x4), 'zeros (first sample: second derivatives are checked here)'),
      one([3, 4]),
      one([2, 0], 'size 0 gives 1'),
      one(nc([3, 4]), 'non-contiguous'),
    ],
  },
  {
    name: 'prod.negdim.keepdim',
    fn: (a) => a.prod(-2, { keepdim: true }),
    torch: 'a.prod(-2, keepdim=True)',
    samples: [one([4, 3]), one(vals([4, 3], ZEROS_3x4), 'zeros')],
  },
  {
    name: 'prod.dims',
    fn: (a) => a.prod([0, 2], { keepdim: true }),
    torch: 'a.prod(2, keepdim=True).prod(0, keepdim=True)',
    samples: [one([2, 3, 2]), one(vals([2, 3, 2], ZEROS_3x4), 'zeros')],
  },
  {
    name: 'prod.int32',
    fn: (a) => a.prod(1),
    torch: 'a.prod(1)',
    nondiff: true,
    samples: [one(int([3, 4]), 'int32')],
  },
];

// ---- variance, norms, logsumexp --------------------------------------------------------------

const stats: OpSpec[] = [
  {
    name: 'var.all',
    fn: (a) => nb.var(a),
    torch: 'torch.var(a)',
    samples: [one([3, 4]), one(nc([3, 4]), 'non-contiguous'), one(f32([6]), 'float32')],
  },
  {
    name: 'var.dim',
    fn: (a) => a.var(1),
    torch: 'torch.var(a, 1)',
    samples: [one([3, 4]), one([0, 3], 'size 0'), one([2, 1], 'one element gives NaN', 'NaN output (0/0)')],
  },
  {
    name: 'var.dims.keepdim',
    fn: (a) => a.var([0, 2], { keepdim: true }),
    torch: 'torch.var(a, (0, 2), keepdim=True)',
    samples: [one([2, 3, 4])],
  },
  {
    name: 'var.correction0',
    fn: (a) => a.var(-1, { correction: 0 }),
    torch: 'torch.var(a, -1, correction=0)',
    samples: [one([3, 4]), one([], '0-d')],
  },
  {
    name: 'var.correction2',
    fn: (a) => a.var(1, { correction: 2 }),
    torch: 'torch.var(a, 1, correction=2)',
    samples: [one([2, 5])],
  },
  {
    name: 'std.dim',
    fn: (a) => a.std(1),
    torch: 'torch.std(a, 1)',
    samples: [
      one([3, 4]),
      one(f32([2, 3]), 'float32'),
      one(vals([2, 3], [1, 1, 1, 0.5, 1, 2]), 'constant row: gradient 0', KINK),
    ],
  },
  {
    name: 'std.all.correction0',
    fn: (a) => a.std(undefined, { correction: 0 }),
    torch: 'torch.std(a, (0, 1), correction=0)',
    samples: [one([3, 4])],
  },
  {
    name: 'varMean.var',
    fn: (a) => nb.varMean(a, 1)[0],
    torch: 'torch.var_mean(a, 1)[0]',
    samples: [one([3, 4])],
  },
  {
    name: 'varMean.mean',
    fn: (a) => nb.varMean(a, 1, { keepdim: true })[1],
    torch: 'torch.var_mean(a, 1, keepdim=True)[1]',
    samples: [one([3, 4])],
  },
  {
    name: 'stdMean.std',
    fn: (a) => nb.stdMean(a, [0, 1])[0],
    torch: 'torch.std_mean(a, (0, 1))[0]',
    samples: [one([3, 4])],
  },
  {
    name: 'logsumexp.dim',
    fn: (a) => a.logsumexp(1),
    torch: 'torch.logsumexp(a, 1)',
    samples: [
      one([3, 4]),
      one(vals([2, 3], [1000, 999, -1000, -1000, -999, -1001]), 'large magnitudes'),
      one([2, 0], 'size 0 gives -inf'),
      one(nc([3, 4]), 'non-contiguous'),
      one(f32([2, 5]), 'float32'),
    ],
  },
  {
    name: 'logsumexp.all',
    fn: (a) => a.logsumexp(),
    torch: 'torch.logsumexp(a, (0, 1))',
    samples: [one([3, 4])],
  },
  {
    name: 'logsumexp.negdim.keepdim',
    fn: (a) => a.logsumexp(-1, { keepdim: true }),
    torch: 'torch.logsumexp(a, -1, keepdim=True)',
    samples: [one([2, 3, 4]), one([], '0-d')],
  },
  {
    name: 'logsumexp.int32',
    fn: (a) => a.logsumexp(0),
    torch: 'torch.logsumexp(a, 0)',
    samples: [one(int([4]), 'int32', INT)],
  },
  {
    name: 'norm.2',
    fn: (a) => a.norm(),
    torch: 'torch.norm(a)',
    samples: [
      one([3, 4]),
      one(vals([3], [0, 0, 0]), 'zero vector: gradient 0', KINK),
      one([], '0-d'),
      one(f32([5]), 'float32'),
      one(nc([3, 4]), 'non-contiguous'),
    ],
  },
  {
    name: 'norm.fro.dim',
    fn: (a) => a.norm('fro', 1),
    torch: "torch.norm(a, 'fro', 1)",
    samples: [one([3, 4]), one(vals([2, 2], [0, 0, 1, 2]), 'a zero row', KINK)],
  },
  {
    name: 'norm.1',
    fn: (a) => a.norm(1, 1),
    torch: 'torch.norm(a, 1, 1)',
    samples: [one([3, 4])],
  },
  {
    name: 'norm.inf',
    fn: (a) => a.norm(Infinity, -1),
    torch: "torch.norm(a, float('inf'), -1)",
    samples: [one([3, 4]), one(vals([2, 2], [1, -1, 2, 0.5]), 'ties in |x|', TIES)],
  },
  {
    name: 'norm.-inf',
    fn: (a) => a.norm(-Infinity),
    torch: "torch.norm(a, float('-inf'))",
    samples: [one([3, 4])],
  },
  {
    name: 'norm.3.dims.keepdim',
    fn: (a) => a.norm(3, [0, 1], { keepdim: true }),
    torch: 'torch.norm(a, 3, (0, 1), keepdim=True)',
    samples: [one([3, 4]), one(vals([2, 2], [0, 0, 0, 0]), 'zero matrix: gradient 0', KINK)],
  },
  {
    name: 'norm.0.5',
    fn: (a) => a.norm(0.5, 1),
    torch: 'torch.norm(a, 0.5, 1)',
    samples: [one(pos([2, 3]))],
  },
  {
    name: 'norm.0',
    fn: (a) => a.norm(0, 1),
    torch: 'torch.norm(a, 0, 1)',
    samples: [one(vals([2, 3], [1, 0, 2, 0, 0, 3]))],
  },
];

// ---- extrema and selection -------------------------------------------------------------------

const TIE_ROWS = vals([2, 4], [1, 3, 3, 0, -1, -1, -2, -1]);

const selection: OpSpec[] = [
  {
    name: 'amax.dims',
    fn: (a) => a.amax([0, 2]),
    torch: 'a.amax((0, 2))',
    samples: [one([2, 3, 4]), one(nc([2, 3, 4]), 'non-contiguous')],
  },
  {
    name: 'amin.keepdim',
    fn: (a) => a.amin(-1, { keepdim: true }),
    torch: 'a.amin(-1, keepdim=True)',
    samples: [one([3, 4]), one(TIE_ROWS, 'ties', TIES), one(int([2, 3]), 'int32', INT)],
  },
  {
    name: 'max.all',
    fn: (a) => a.max(),
    torch: 'torch.max(a)',
    samples: [one([3, 4]), one(TIE_ROWS, 'ties share the gradient', TIES), one([], '0-d'), one(f32([5]), 'float32')],
  },
  {
    name: 'min.all',
    fn: (a) => nb.min(a),
    torch: 'torch.min(a)',
    samples: [one([3, 4]), one(int([5]), 'int32', INT)],
  },
  {
    name: 'max.dim.values',
    fn: (a) => a.max(1).values,
    torch: 'torch.max(a, 1).values',
    samples: [
      one([3, 4]),
      one(TIE_ROWS, 'ties: the first index gets the gradient', TIES),
      one(nc([3, 4]), 'non-contiguous'),
      one(f32([2, 3]), 'float32'),
      one([0, 3], 'size 0 (other dim)'),
      one(int([2, 3]), 'int32', INT),
    ],
  },
  {
    name: 'max.dim.indices',
    fn: (a) => a.max(1).indices,
    torch: 'torch.max(a, 1).indices',
    nondiff: true,
    samples: [one([3, 4]), one(TIE_ROWS, 'ties: first index'), one(int([2, 3]), 'int32')],
  },
  {
    name: 'max.negdim.keepdim.values',
    fn: (a) => a.max(-2, { keepdim: true }).values,
    torch: 'torch.max(a, -2, keepdim=True).values',
    samples: [one([2, 3, 4])],
  },
  {
    name: 'max.0d.values',
    fn: (a) => a.max(0).values,
    torch: 'torch.max(a, 0).values',
    samples: [one([], '0-d'), one([4])],
  },
  {
    name: 'max.other',
    fn: (a, b) => a.max(b),
    torch: 'torch.max(a, b)',
    samples: [{ inputs: [[2, 3], [3]] }],
  },
  {
    name: 'min.dim.values',
    fn: (a) => a.min(0).values,
    torch: 'torch.min(a, 0).values',
    samples: [one([3, 4]), one(TIE_ROWS, 'ties', TIES)],
  },
  {
    name: 'min.dim.indices',
    fn: (a) => nb.min(a, -1, { keepdim: true }).indices,
    torch: 'torch.min(a, -1, keepdim=True).indices',
    nondiff: true,
    samples: [one([3, 4]), one(TIE_ROWS, 'ties: first index')],
  },
  {
    name: 'argmax.all',
    fn: (a) => a.argmax(),
    torch: 'torch.argmax(a)',
    nondiff: true,
    samples: [
      one([3, 4]),
      one(TIE_ROWS, 'ties'),
      one([], '0-d'),
      one(int([5]), 'int32'),
      one(nc([3, 4]), 'non-contiguous'),
    ],
  },
  {
    name: 'argmax.all.keepdim',
    fn: (a) => a.argmax(undefined, { keepdim: true }),
    torch: 'torch.argmax(a, keepdim=True)',
    nondiff: true,
    samples: [one([3, 4])],
  },
  {
    name: 'argmax.dim',
    fn: (a) => a.argmax(1),
    torch: 'torch.argmax(a, 1)',
    nondiff: true,
    samples: [one([3, 4]), one([0, 4], 'size 0 (other dim)')],
  },
  {
    name: 'argmin.negdim.keepdim',
    fn: (a) => a.argmin(-2, { keepdim: true }),
    torch: 'torch.argmin(a, -2, keepdim=True)',
    nondiff: true,
    samples: [one([3, 4]), one(int([3, 2]), 'int32')],
  },
  {
    name: 'median.all',
    fn: (a) => a.median(),
    torch: 'torch.median(a)',
    samples: [
      one([3, 4]),
      one([5], 'odd count'),
      one(vals([2, 3], [1, 2, 2, 3, 2, 0]), 'ties share the gradient', TIES),
      one(f32([4]), 'float32'),
      one([], '0-d'),
    ],
  },
  {
    name: 'median.int32',
    fn: (a) => a.median(),
    torch: 'torch.median(a)',
    nondiff: true,
    samples: [one(int([6]), 'int32')],
  },
  {
    name: 'median.dim.values',
    fn: (a) => a.median(1).values,
    torch: 'torch.median(a, 1).values',
    samples: [one([3, 4]), one([2, 5], 'odd'), one(nc([3, 4]), 'non-contiguous')],
  },
  {
    name: 'median.dim.indices',
    fn: (a) => a.median(-1, { keepdim: true }).indices,
    torch: 'torch.median(a, -1, keepdim=True).indices',
    nondiff: true,
    samples: [one([3, 4]), one([], '0-d')],
  },
  {
    name: 'sort.values',
    fn: (a) => a.sort().values,
    torch: 'torch.sort(a).values',
    samples: [
      one([3, 4]),
      one(nc([3, 4]), 'non-contiguous'),
      one(f32([6]), 'float32'),
      one([], '0-d'),
      one([2, 0], 'size 0'),
      one(int([7]), 'int32', INT),
    ],
  },
  {
    name: 'sort.descending.values',
    fn: (a) => a.sort({ dim: 0, descending: true }).values,
    torch: 'torch.sort(a, 0, descending=True).values',
    samples: [one([4, 3]), one(TIE_ROWS, 'ties', TIES)],
  },
  {
    name: 'sort.stable.indices',
    fn: (a) => a.sort({ stable: true }).indices,
    torch: 'torch.sort(a, stable=True).indices',
    nondiff: true,
    samples: [one([3, 4]), one(TIE_ROWS, 'ties keep their order')],
  },
  {
    name: 'sort.descending.stable.indices',
    fn: (a) => a.sort({ dim: -1, descending: true, stable: true }).indices,
    torch: 'torch.sort(a, stable=True, dim=-1, descending=True).indices',
    nondiff: true,
    samples: [one(TIE_ROWS, 'ties keep their order')],
  },
  {
    name: 'argsort',
    fn: (a) => a.argsort({ dim: 1, descending: true }),
    torch: 'torch.argsort(a, 1, descending=True)',
    nondiff: true,
    samples: [one([3, 4]), one(int([2, 3]), 'int32')],
  },
  {
    name: 'topk.values',
    fn: (a) => a.topk(2).values,
    torch: 'torch.topk(a, 2).values',
    samples: [one([3, 4]), one(nc([3, 4]), 'non-contiguous'), one(f32([5]), 'float32')],
  },
  {
    name: 'topk.indices',
    fn: (a) => a.topk(2).indices,
    torch: 'torch.topk(a, 2).indices',
    nondiff: true,
    samples: [one([3, 4])],
  },
  {
    name: 'topk.smallest.dim0.values',
    fn: (a) => nb.topk(a, 3, { dim: 0, largest: false }).values,
    torch: 'torch.topk(a, 3, 0, largest=False).values',
    samples: [one([4, 3]), one([3, 0], 'size 0 (other dim)')],
  },
  {
    name: 'topk.k0',
    fn: (a) => a.topk(0).values,
    torch: 'torch.topk(a, 0).values',
    samples: [one([2, 3])],
  },
];

// ---- scans, logic, softmax -------------------------------------------------------------------

const scans: OpSpec[] = [
  {
    name: 'cumsum.dim1',
    fn: (a) => a.cumsum(1),
    torch: 'torch.cumsum(a, 1)',
    samples: [one([3, 4]), one(nc([3, 4]), 'non-contiguous'), one(f32([2, 5]), 'float32'), one([2, 0], 'size 0')],
  },
  {
    name: 'cumsum.negdim',
    fn: (a) => nb.cumsum(a, -1),
    torch: 'torch.cumsum(a, -1)',
    samples: [one([6]), one([], '0-d'), one([2, 3, 4])],
  },
  {
    name: 'cumsum.int32',
    fn: (a) => a.cumsum(0),
    torch: 'torch.cumsum(a, 0)',
    nondiff: true,
    samples: [one(int([5]), 'int32'), one(bool([5]), 'bool')],
  },
  {
    name: 'cumprod.dim1',
    fn: (a) => a.cumprod(1),
    torch: 'torch.cumprod(a, 1)',
    samples: [
      one([3, 4]),
      one(vals([3, 4], ZEROS_3x4), 'zeros'),
      one(nc([3, 4]), 'non-contiguous'),
      one(f32([2, 5]), 'float32'),
      one([3, 0], 'size 0'),
    ],
  },
  {
    name: 'cumprod.negdim',
    fn: (a) => nb.cumprod(a, -1),
    torch: 'torch.cumprod(a, -1)',
    samples: [
      one(vals([7], [1.5, 0, 2, -1, 0, 0.5, 3]), 'two zeros (first sample: second derivatives are checked here)'),
      one([7]),
      one(vals([5], [0, 2, 0.5, -1, 1.5]), 'zero first'),
      one(vals([5], [2, 0.5, -1, 1.5, 0]), 'zero last'),
      one([], '0-d'),
    ],
  },
  {
    name: 'cumprod.int32',
    fn: (a) => a.cumprod(0),
    torch: 'torch.cumprod(a, 0)',
    nondiff: true,
    samples: [one(int([5]), 'int32')],
  },
  {
    name: 'all.all',
    fn: (a) => a.all(),
    torch: 'torch.all(a)',
    nondiff: true,
    samples: [one(bool([3, 4]), 'bool'), one(vals([3], [1, 2, 0]), 'float'), one([0], 'size 0 gives true')],
  },
  {
    name: 'all.dim',
    fn: (a) => a.all(1, { keepdim: true }),
    torch: 'torch.all(a, 1, keepdim=True)',
    nondiff: true,
    samples: [one(vals([3, 2], [1, 1, 0, 1, 0, 0])), one([2, 0], 'size 0 gives true')],
  },
  {
    name: 'any.dim',
    fn: (a) => a.any(-1),
    torch: 'torch.any(a, -1)',
    nondiff: true,
    samples: [one(vals([3, 2], [1, 1, 0, 1, 0, 0])), one(bool([4, 3]), 'bool'), one([2, 0], 'size 0 gives false')],
  },
  {
    name: 'any.all',
    fn: (a) => nb.any(a),
    torch: 'torch.any(a)',
    nondiff: true,
    samples: [one(vals([2, 2], [0, 0, 0, 0])), one(int([3]), 'int32')],
  },
  {
    name: 'countNonzero.all',
    fn: (a) => a.countNonzero(),
    torch: 'torch.count_nonzero(a)',
    nondiff: true,
    samples: [one(vals([2, 3], [1, 0, 2, 0, 0, 3])), one(int([3, 4]), 'int32')],
  },
  {
    name: 'countNonzero.dims',
    fn: (a) => a.countNonzero([0, 2]),
    torch: 'torch.count_nonzero(a, (0, 2))',
    nondiff: true,
    samples: [one(int([2, 3, 2]), 'int32')],
  },
  {
    name: 'softmax',
    fn: (a) => a.softmax(1),
    torch: 'torch.softmax(a, 1)',
    samples: [
      one([3, 4]),
      one(vals([2, 3], [1000, 999, -1000, -1000, -999, -1001]), 'large magnitudes'),
      one(nc([3, 4]), 'non-contiguous'),
      one(f32([2, 5]), 'float32'),
      one([2, 0], 'size 0'),
    ],
  },
  {
    name: 'softmax.negdim',
    fn: (a) => nb.softmax(a, -1),
    torch: 'torch.softmax(a, -1)',
    samples: [one([2, 3, 4]), one([], '0-d')],
  },
  {
    name: 'softmax.dtype',
    fn: (a) => a.softmax(0, { dtype: 'float64' }),
    torch: 'torch.softmax(a, 0, dtype=torch.float64)',
    samples: [one(f32([4]), 'float32 in, float64 out')],
  },
  {
    name: 'logSoftmax',
    fn: (a) => a.logSoftmax(1),
    torch: 'torch.log_softmax(a, 1)',
    samples: [
      one([3, 4]),
      one(vals([2, 3], [1000, 999, -1000, -1000, -999, -1001]), 'large magnitudes'),
      one(f32([2, 5]), 'float32'),
      one(nc([3, 4]), 'non-contiguous'),
    ],
  },
  {
    name: 'logSoftmax.negdim',
    fn: (a) => nb.logSoftmax(a, -1),
    torch: 'torch.log_softmax(a, -1)',
    samples: [one([2, 3, 4]), one([], '0-d')],
  },
];

export const reduceSpecs: OpSpec[] = [...sums, ...stats, ...selection, ...scans];
