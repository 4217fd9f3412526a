// Module-table rows: Identity, Linear, Bilinear, Flatten, Unflatten, every activation module,
// dropout and embeddings.
import * as nb from '../../src/index.js';
import type { AnyModule } from '../../src/nn/index.js';
import type { InputSpec } from '../harness/specs.js';
import type { ModuleSpec } from '../harness/modules.js';

const { nn } = nb;

const RANDOM = 'the forward draws a random mask; mask statistics are tested in test/nn-layers.test.ts';
const RENORM =
  'maxNorm rescales the weight in place under noGrad on every forward, so finite differences of the weight see the rescaling';

const PADDING = 'the padding row reaches the output but gets a zero gradient by design';

const idx = (shape: number[], high: number, values?: number[]): InputSpec => ({
  shape,
  dtype: 'int32',
  low: 0,
  high,
  grad: false,
  values,
});

// Activations are run on a non-leaf copy of the input so that the inplace variants may write it.
const viaCopy = (m: AnyModule, x: nb.Tensor) => m.call(x.mul(1)) as nb.Tensor;

const linear: ModuleSpec[] = [
  { name: 'Identity', make: () => new nn.Identity(), torch: 'nn.Identity()', inputs: [[2, 3]] },
  { name: 'Linear', make: () => new nn.Linear(4, 3), torch: 'nn.Linear(4, 3)', inputs: [[2, 4]] },
  {
    name: 'Linear.nobias',
    make: () => new nn.Linear(4, 3, { bias: false }),
    torch: 'nn.Linear(4, 3, bias=False)',
    inputs: [[5, 4]],
  },
  { name: 'Linear.3d', make: () => new nn.Linear(4, 2), torch: 'nn.Linear(4, 2)', inputs: [[2, 3, 4]] },
  { name: 'Linear.1d', make: () => new nn.Linear(3, 2), torch: 'nn.Linear(3, 2)', inputs: [[3]] },
  { name: 'Linear.empty', make: () => new nn.Linear(3, 2), torch: 'nn.Linear(3, 2)', inputs: [[0, 3]] },
  {
    name: 'Linear.noncontig',
    make: () => new nn.Linear(3, 4),
    torch: 'nn.Linear(3, 4)',
    inputs: [{ shape: [5, 3], noncontig: true }],
  },
  {
    name: 'Bilinear',
    make: () => new nn.Bilinear(3, 5, 2),
    torch: 'nn.Bilinear(3, 5, 2)',
    inputs: [
      [4, 3],
      [4, 5],
    ],
  },
  {
    name: 'Bilinear.nobias.3d',
    make: () => new nn.Bilinear(2, 3, 4, { bias: false }),
    torch: 'nn.Bilinear(2, 3, 4, bias=False)',
    inputs: [
      [2, 3, 2],
      [2, 3, 3],
    ],
  },
  { name: 'Flatten', make: () => new nn.Flatten(), torch: 'nn.Flatten()', inputs: [[2, 3, 4]] },
  { name: 'Flatten.0_-1', make: () => new nn.Flatten(0, -1), torch: 'nn.Flatten(0, -1)', inputs: [[2, 3]] },
  {
    name: 'Flatten.1_2',
    make: () => new nn.Flatten({ startDim: 1, endDim: 2 }),
    torch: 'nn.Flatten(1, 2)',
    inputs: [[2, 3, 2, 2]],
  },
  {
    name: 'Unflatten',
    make: () => new nn.Unflatten(1, [2, 3]),
    torch: 'nn.Unflatten(1, (2, 3))',
    inputs: [[2, 6]],
  },
  {
    name: 'Unflatten.-1',
    make: () => new nn.Unflatten(-1, [2, -1]),
    torch: 'nn.Unflatten(-1, (2, -1))',
    inputs: [[3, 4]],
  },
];

// [name, nabla module, PyTorch constructor, input range]
const acts: [string, () => AnyModule, string, [number, number]?][] = [
  ['ReLU', () => new nn.ReLU(), 'nn.ReLU()'],
  ['ReLU.inplace', () => new nn.ReLU(true), 'nn.ReLU(inplace=True)'],
  ['ReLU6', () => new nn.ReLU6(), 'nn.ReLU6()', [-2, 8]],
  ['LeakyReLU', () => new nn.LeakyReLU(), 'nn.LeakyReLU()'],
  ['LeakyReLU.0.2.inplace', () => new nn.LeakyReLU(0.2, { inplace: true }), 'nn.LeakyReLU(0.2, inplace=True)'],
  ['ELU', () => new nn.ELU(), 'nn.ELU()'],
  ['ELU.alpha', () => new nn.ELU({ alpha: 0.5 }), 'nn.ELU(alpha=0.5)'],
  ['SELU', () => new nn.SELU(), 'nn.SELU()'],
  ['CELU', () => new nn.CELU(2), 'nn.CELU(2.0)'],
  ['GELU', () => new nn.GELU(), 'nn.GELU()'],
  ['GELU.tanh', () => new nn.GELU({ approximate: 'tanh' }), "nn.GELU(approximate='tanh')"],
  ['SiLU', () => new nn.SiLU(), 'nn.SiLU()'],
  ['Mish', () => new nn.Mish(), 'nn.Mish()'],
  ['Softplus', () => new nn.Softplus(), 'nn.Softplus()'],
  ['Softplus.beta_threshold', () => new nn.Softplus({ beta: 2, threshold: 1 }), 'nn.Softplus(beta=2, threshold=1)'],
  ['Softsign', () => new nn.Softsign(), 'nn.Softsign()'],
  ['Hardtanh', () => new nn.Hardtanh(), 'nn.Hardtanh()'],
  ['Hardtanh.range', () => new nn.Hardtanh(-0.5, 1.5), 'nn.Hardtanh(-0.5, 1.5)'],
  ['Hardsigmoid', () => new nn.Hardsigmoid(), 'nn.Hardsigmoid()', [-4, 4]],
  ['Hardswish', () => new nn.Hardswish(), 'nn.Hardswish()', [-4, 4]],
  ['LogSigmoid', () => new nn.LogSigmoid(), 'nn.LogSigmoid()'],
  ['Sigmoid', () => new nn.Sigmoid(), 'nn.Sigmoid()'],
  ['Tanh', () => new nn.Tanh(), 'nn.Tanh()'],
];

const activations: ModuleSpec[] = [
  ...acts.map(([name, make, torch, range]): ModuleSpec => ({
    name,
    make,
    torch,
    inputs: [{ shape: [3, 4], low: range?.[0] ?? -2, high: range?.[1] ?? 2 }],
    call: viaCopy,
    torchCall: 'm(a * 1)',
  })),
  { name: 'Softmax', make: () => new nn.Softmax(1), torch: 'nn.Softmax(dim=1)', inputs: [[3, 4]] },
  { name: 'Softmax.-1.3d', make: () => new nn.Softmax({ dim: -1 }), torch: 'nn.Softmax(-1)', inputs: [[2, 3, 4]] },
  // PyTorch's deprecated implicit dim: 0 for a 3-D input.
  { name: 'Softmax.implicit', make: () => new nn.Softmax(), torch: 'nn.Softmax()', inputs: [[2, 3, 4]] },
  { name: 'LogSoftmax', make: () => new nn.LogSoftmax(1), torch: 'nn.LogSoftmax(dim=1)', inputs: [[3, 4]] },
  { name: 'Softmin', make: () => new nn.Softmin(0), torch: 'nn.Softmin(dim=0)', inputs: [[3, 4]] },
];

const dropout: ModuleSpec[] = [
  {
    name: 'Dropout.train',
    make: () => new nn.Dropout(),
    torch: 'nn.Dropout()',
    inputs: [[4, 5]],
    noTorchValues: RANDOM,
  },
  { name: 'Dropout.eval', make: () => new nn.Dropout(0.3), torch: 'nn.Dropout(0.3)', inputs: [[4, 5]], mode: 'eval' },
  {
    name: 'Dropout1d.train',
    make: () => new nn.Dropout1d(0.4),
    torch: 'nn.Dropout1d(0.4)',
    inputs: [[2, 3, 4]],
    noTorchValues: RANDOM,
  },
  {
    name: 'Dropout1d.eval',
    make: () => new nn.Dropout1d(0.4),
    torch: 'nn.Dropout1d(0.4)',
    inputs: [[3, 4]],
    mode: 'eval',
  },
  {
    name: 'Dropout2d.train',
    make: () => new nn.Dropout2d({ p: 0.25 }),
    torch: 'nn.Dropout2d(p=0.25)',
    inputs: [[2, 3, 2, 2]],
    noTorchValues: RANDOM,
  },
  {
    name: 'Dropout2d.eval',
    make: () => new nn.Dropout2d(),
    torch: 'nn.Dropout2d()',
    inputs: [[2, 3, 2, 2]],
    mode: 'eval',
  },
  {
    name: 'Dropout3d.train',
    make: () => new nn.Dropout3d(0.5),
    torch: 'nn.Dropout3d(0.5)',
    inputs: [[2, 3, 2, 1, 2]],
    noTorchValues: RANDOM,
  },
  {
    name: 'Dropout3d.eval.unbatched',
    make: () => new nn.Dropout3d(0.5),
    torch: 'nn.Dropout3d(0.5)',
    inputs: [[3, 2, 1, 2]],
    mode: 'eval',
  },
  {
    name: 'FeatureAlphaDropout.train',
    make: () => new nn.FeatureAlphaDropout(0.3),
    torch: 'nn.FeatureAlphaDropout(0.3)',
    inputs: [[2, 3, 4]],
    noTorchValues: RANDOM,
  },
  {
    name: 'FeatureAlphaDropout.eval',
    make: () => new nn.FeatureAlphaDropout(0.3),
    torch: 'nn.FeatureAlphaDropout(0.3)',
    inputs: [[2, 3, 4]],
    mode: 'eval',
  },
  {
    name: 'AlphaDropout.train',
    make: () => new nn.AlphaDropout(0.2),
    torch: 'nn.AlphaDropout(0.2)',
    inputs: [[4, 5]],
    noTorchValues: RANDOM,
  },
  {
    name: 'AlphaDropout.eval',
    make: () => new nn.AlphaDropout(0.2),
    torch: 'nn.AlphaDropout(0.2)',
    inputs: [[4, 5]],
    mode: 'eval',
  },
];

const embedding: ModuleSpec[] = [
  { name: 'Embedding', make: () => new nn.Embedding(10, 3), torch: 'nn.Embedding(10, 3)', inputs: [idx([2, 4], 10)] },
  {
    name: 'Embedding.paddingIdx',
    make: () => new nn.Embedding(6, 3, { paddingIdx: 2 }),
    torch: 'nn.Embedding(6, 3, padding_idx=2)',
    inputs: [idx([2, 3], 6, [2, 0, 2, 5, 1, 2])],
    noGradcheck: PADDING,
  },
  {
    // A loaded state dict can hold a non-zero padding row: lookups return it, its gradient is 0.
    name: 'Embedding.paddingIdx.nonzero',
    make: () => new nn.Embedding(6, 3, { paddingIdx: -1 }),
    torch: 'randomized(nn.Embedding(6, 3, padding_idx=-1))',
    inputs: [idx([5], 6, [5, 1, 5, 0, 3])],
    noGradcheck: PADDING,
  },
  {
    name: 'Embedding.maxNorm',
    make: () => new nn.Embedding(8, 3, { maxNorm: 1 }),
    torch: 'nn.Embedding(8, 3, max_norm=1.0)',
    inputs: [idx([2, 3], 8, [0, 3, 3, 7, 1, 0])],
    noGradcheck: RENORM,
  },
  {
    name: 'Embedding.maxNorm.p1',
    make: () => new nn.Embedding(8, 4, { maxNorm: 1.5, normType: 1 }),
    torch: 'nn.Embedding(8, 4, max_norm=1.5, norm_type=1.0)',
    inputs: [idx([4], 8, [6, 2, 2, 4])],
    noGradcheck: RENORM,
  },
  {
    name: 'Embedding.scaleGradByFreq',
    make: () => new nn.Embedding(5, 2, { scaleGradByFreq: true }),
    torch: 'nn.Embedding(5, 2, scale_grad_by_freq=True)',
    inputs: [idx([6], 5, [1, 1, 1, 3, 4, 4])],
    noGradcheck: 'the gradient is rescaled on purpose, so it is not the derivative of the output',
  },
  {
    name: 'EmbeddingBag.mean.2d',
    make: () => new nn.EmbeddingBag(10, 3),
    torch: 'nn.EmbeddingBag(10, 3)',
    inputs: [idx([3, 4], 10)],
  },
  {
    name: 'EmbeddingBag.sum.offsets',
    make: () => new nn.EmbeddingBag(10, 3, { mode: 'sum' }),
    torch: "nn.EmbeddingBag(10, 3, mode='sum')",
    inputs: [idx([7], 10, [1, 2, 4, 5, 4, 3, 9]), idx([4], 7, [0, 2, 2, 5])],
  },
  {
    name: 'EmbeddingBag.max.offsets',
    make: () => new nn.EmbeddingBag(10, 3, { mode: 'max' }),
    torch: "nn.EmbeddingBag(10, 3, mode='max')",
    inputs: [idx([7], 10, [1, 2, 4, 5, 4, 3, 9]), idx([4], 7, [0, 2, 2, 5])],
  },
  {
    name: 'EmbeddingBag.max.2d',
    make: () => new nn.EmbeddingBag(6, 4, { mode: 'max' }),
    torch: "nn.EmbeddingBag(6, 4, mode='max')",
    inputs: [idx([2, 3], 6)],
  },
  {
    name: 'EmbeddingBag.sum.perSampleWeights',
    make: () => new nn.EmbeddingBag(10, 3, { mode: 'sum' }),
    torch: "nn.EmbeddingBag(10, 3, mode='sum')",
    inputs: [idx([6], 10, [0, 8, 8, 2, 5, 1]), idx([3], 6, [0, 1, 4]), [6]],
  },
  {
    name: 'EmbeddingBag.mean.paddingIdx',
    make: () => new nn.EmbeddingBag(6, 3, { paddingIdx: 0 }),
    torch: 'randomized(nn.EmbeddingBag(6, 3, padding_idx=0))',
    inputs: [idx([3, 3], 6, [0, 1, 2, 0, 0, 0, 3, 0, 3])],
  },
  {
    name: 'EmbeddingBag.sum.includeLastOffset',
    make: () => new nn.EmbeddingBag(5, 2, { mode: 'sum', includeLastOffset: true }),
    torch: "nn.EmbeddingBag(5, 2, mode='sum', include_last_offset=True)",
    inputs: [idx([5], 5, [4, 0, 1, 1, 3]), idx([3], 5, [0, 3, 5])],
  },
  {
    name: 'EmbeddingBag.maxNorm',
    make: () => new nn.EmbeddingBag(6, 3, { maxNorm: 1, mode: 'sum' }),
    torch: "nn.EmbeddingBag(6, 3, max_norm=1.0, mode='sum')",
    inputs: [idx([2, 2], 6, [0, 5, 5, 2])],
    noGradcheck: RENORM,
  },
];

export const basicModuleSpecs: ModuleSpec[] = [...linear, ...activations, ...dropout, ...embedding];
