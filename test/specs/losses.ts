// Op-table rows: every loss in nn.functional, each option and reduction. Domains keep away from
// the kinks (|x - y| from 0 for l1, from delta for huber, away from the hinge of each margin
// loss); samples sitting on a kink skip gradcheck and compare with PyTorch's one-sided choice.
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import type { InputSpec, OpSpec, Sample } from '../harness/specs.js';

const F = nb.nn.functional;
const F32 = 'float32' as const;

type Obj = Exclude<InputSpec, number[]>;
const u = (shape: number[], low = -2, high = 2, extra: Partial<Obj> = {}): Obj => ({
  shape,
  low,
  high,
  ...extra,
});
const fixed = (shape: number[], values: number[], grad = true): Obj => ({ shape, values, grad });
const idx = (shape: number[], c: number): Obj => ({ shape, dtype: 'int32', low: 0, high: c, grad: false });
const ints = (shape: number[], values: number[]): Obj => ({ shape, dtype: 'int32', values, grad: false });
const sm = (label: string, inputs: InputSpec[], noGradcheck?: string): Sample => ({ label, inputs, noGradcheck });
const pm1 = (shape: number[], values: number[]): Obj => ({ shape, values, grad: false });

const KINK = "on the kink; PyTorch's one-sided gradient is compared through the fixture";

// The same rows for each reduction: `name` (mean, the default), `name.sum`, `name.none`.
function reductions(
  name: string,
  fn: (reduction: 'mean' | 'sum' | 'none') => (...xs: Tensor[]) => Tensor,
  torch: (r: string) => string,
  samples: Sample[],
  extra: Sample[] = [],
  row: Partial<OpSpec> = {},
): OpSpec[] {
  return [
    { name, fn: fn('mean'), torch: torch(''), samples: [...samples, ...extra], ...row },
    { name: `${name}.sum`, fn: fn('sum'), torch: torch("reduction='sum'"), samples: samples.slice(0, 2), ...row },
    { name: `${name}.none`, fn: fn('none'), torch: torch("reduction='none'"), samples: samples.slice(0, 2), ...row },
  ];
}
const args = (...parts: string[]) => parts.filter((p) => p !== '').join(', ');

// ---- regression -----------------------------------------------------------------------------

// Inputs in [0.3, 2] and targets in [-2, -0.3]: |input - target| >= 0.6, off the |.| kink.
const apart = (shape: number[], extra: Partial<Obj> = {}) => [u(shape, 0.3, 2, extra), u(shape, -2, -0.3, extra)];
const regressionSamples: Sample[] = [
  sm('[3, 4]', apart([3, 4])),
  sm('broadcast target', [u([3, 4], 0.3, 2), u([4], -2, -0.3)]),
  sm('0-d', apart([])),
  sm('size 0', apart([0, 3])),
  sm('non-contiguous', apart([3, 4], { noncontig: true })),
  sm('float32', apart([5], { dtype: F32 })),
];

// Differences spanning both sides of 1 (huber's delta, smoothL1's beta) and of 0.5.
const SPREAD = [-3, -0.8, -0.3, 0.2, 0.7, 1.4, 2.5, -1.7];
const spread = (label = 'both regions'): Sample =>
  sm(label, [fixed([2, 4], SPREAD), fixed([2, 4], new Array(8).fill(0.1))]);
const onDelta = sm('on delta and at 0', [fixed([4], [1, -1, 0.5, 0]), fixed([4], [0, 0, 0, 0])], KINK);

const regression: OpSpec[] = [
  ...reductions(
    'mseLoss',
    (reduction) => (a, b) => F.mseLoss(a, b, { reduction }),
    (r) => `F.mse_loss(${args('a, b', r)})`,
    regressionSamples,
  ),
  ...reductions(
    'l1Loss',
    (reduction) => (a, b) => F.l1Loss(a, b, { reduction }),
    (r) => `F.l1_loss(${args('a, b', r)})`,
    regressionSamples,
    [sm('zero difference', [fixed([3], [1, 2, 3]), fixed([3], [1, 0, 3])], KINK)],
  ),
  ...reductions(
    'rmse',
    (reduction) => (a, b) => F.rmse(a, b, { reduction }),
    (r) =>
      r === ''
        ? 'torch.sqrt(F.mse_loss(a, b))'
        : r.includes('sum')
          ? "torch.sqrt(F.mse_loss(a, b, reduction='sum'))"
          : "torch.sqrt(F.mse_loss(a, b, reduction='none'))",
    regressionSamples.filter((s) => s.label !== 'size 0'),
  ),
  {
    name: 'absoluteError',
    fn: (a, b) => F.absoluteError(a, b),
    torch: "F.l1_loss(a, b, reduction='sum')",
    samples: regressionSamples,
  },
  {
    name: 'absoluteError.mean',
    fn: (a, b) => F.absoluteError(a, b, { reduction: 'mean' }),
    torch: 'F.l1_loss(a, b)',
    samples: regressionSamples.slice(0, 1),
  },
  ...reductions(
    'huberLoss',
    (reduction) => (a, b) => F.huberLoss(a, b, { reduction }),
    (r) => `F.huber_loss(${args('a, b', r)})`,
    [spread(), sm('broadcast target', [u([3, 4], -3, 3), u([4], -0.2, 0.2)]), ...regressionSamples.slice(2)],
    [onDelta],
  ),
  {
    name: 'huberLoss.delta',
    fn: (a, b) => F.huberLoss(a, b, { delta: 0.5 }),
    torch: 'F.huber_loss(a, b, delta=0.5)',
    samples: [spread(), sm('float32', [u([5], -2, 2, { dtype: F32 }), u([5], -0.1, 0.1, { dtype: F32 })])],
  },
  ...reductions(
    'smoothL1Loss',
    (reduction) => (a, b) => F.smoothL1Loss(a, b, { reduction }),
    (r) => `F.smooth_l1_loss(${args('a, b', r)})`,
    [spread(), ...regressionSamples.slice(2)],
    [onDelta],
  ),
  {
    name: 'smoothL1Loss.beta',
    fn: (a, b) => F.smoothL1Loss(a, b, { beta: 0.5 }),
    torch: 'F.smooth_l1_loss(a, b, beta=0.5)',
    samples: [spread(), sm('float32', [u([5], -2, 2, { dtype: F32 }), u([5], -0.1, 0.1, { dtype: F32 })])],
  },
  {
    name: 'smoothL1Loss.beta0',
    fn: (a, b) => F.smoothL1Loss(a, b, { beta: 0 }),
    torch: 'F.smooth_l1_loss(a, b, beta=0.0)',
    samples: [sm('[3, 4]', apart([3, 4]))],
  },
  ...reductions(
    'poissonNllLoss',
    (reduction) => (a, b) => F.poissonNllLoss(a, b, { reduction }),
    (r) => `F.poisson_nll_loss(${args('a, b', r)})`,
    [
      sm('[3, 4]', [u([3, 4]), u([3, 4], 0, 4)]),
      sm('broadcast target', [u([3, 4]), u([4], 0, 4)]),
      sm('0-d', [u([]), u([], 0, 4)]),
      sm('non-contiguous', [u([3, 4], -2, 2, { noncontig: true }), u([3, 4], 0, 4)]),
      sm('float32', [u([5], -2, 2, { dtype: F32 }), u([5], 0, 4, { dtype: F32 })]),
    ],
  ),
  {
    name: 'poissonNllLoss.rate',
    fn: (a, b) => F.poissonNllLoss(a, b, { logInput: false }),
    torch: 'F.poisson_nll_loss(a, b, log_input=False)',
    samples: [sm('[3, 4]', [u([3, 4], 0.2, 3), u([3, 4], 0, 4)])],
  },
  {
    name: 'poissonNllLoss.full',
    fn: (a, b) => F.poissonNllLoss(a, b, { full: true, reduction: 'none' }),
    torch: "F.poisson_nll_loss(a, b, full=True, reduction='none')",
    // Targets on both sides of 1, where the Stirling term switches on.
    samples: [sm('targets around 1', [u([2, 4]), fixed([2, 4], [0.5, 1.5, 3, 0.2, 2.2, 0.9, 4, 1.2])])],
  },
  {
    name: 'poissonNllLoss.rateFullEps',
    fn: (a, b) => F.poissonNllLoss(a, b, { logInput: false, full: true, eps: 0.1 }),
    torch: 'F.poisson_nll_loss(a, b, log_input=False, full=True, eps=0.1)',
    samples: [sm('[2, 4]', [u([2, 4], 0.2, 3), fixed([2, 4], [0.5, 1.5, 3, 0.2, 2.2, 0.9, 4, 1.2])])],
  },
  ...reductions(
    'gaussianNllLoss',
    (reduction) => (a, b, c) => F.gaussianNllLoss(a, b, c, { reduction }),
    (r) => `F.gaussian_nll_loss(${args('a, b, c', r)})`,
    [
      sm('same shape', [u([3, 4]), u([3, 4]), u([3, 4], 0.2, 2)]),
      sm('one variance per sample [3]', [u([3, 4]), u([3, 4]), u([3], 0.2, 2)]),
      sm('one variance per sample [3, 1]', [u([3, 4]), u([3, 4]), u([3, 1], 0.2, 2)]),
      sm('broadcast target', [u([3, 4]), u([4]), u([3, 4], 0.2, 2)]),
      sm('float32', [u([5], -2, 2, { dtype: F32 }), u([5], -2, 2, { dtype: F32 }), u([5], 0.2, 2, { dtype: F32 })]),
      sm(
        'variance below eps (clamped in value, not in gradient)',
        [u([3]), u([3]), fixed([3], [1e-8, 0.5, 1e-9])],
        'the clamp keeps the gradient of the unclamped variance (PyTorch), which finite differences do not see',
      ),
    ],
  ),
  {
    name: 'gaussianNllLoss.fullEps',
    fn: (a, b, c) => F.gaussianNllLoss(a, b, c, { full: true, eps: 0.1 }),
    torch: 'F.gaussian_nll_loss(a, b, c, full=True, eps=0.1)',
    samples: [sm('[3, 4]', [u([3, 4]), u([3, 4]), u([3, 4], 0.2, 2)])],
  },
];

// ---- class indices: nllLoss and crossEntropy ---------------------------------------------------

// Targets with two ignored entries (-100 by default, 1 for the custom ignoreIndex rows).
const IGN = [2, -100, 0, 4, -100, 1];
const IGN1 = [2, 1, 0, 4, 1, 3];
const W5: InputSpec = u([5], 0.2, 2, { grad: false });

function indexSamples(): Sample[] {
  return [
    sm('[6, 5]', [u([6, 5]), idx([6], 5)]),
    sm('K-dim [2, 5, 4]', [u([2, 5, 4]), idx([2, 4], 5)]),
    sm('K-dim [2, 5, 2, 2]', [u([2, 5, 2, 2]), idx([2, 2, 2], 5)]),
    sm('unbatched [5]', [u([5]), ints([], [3])]),
    sm('size 0', [u([0, 5]), idx([0], 5)]),
    sm('non-contiguous', [u([6, 5], -2, 2, { noncontig: true }), idx([6], 5)]),
    sm('float32', [u([4, 5], -2, 2, { dtype: F32 }), idx([4], 5)]),
  ];
}

const classIndex: OpSpec[] = [
  ...reductions(
    'nllLoss',
    (reduction) => (a, b) => F.nllLoss(a, b, { reduction }),
    (r) => `F.nll_loss(${args('a, b', r)})`,
    indexSamples(),
  ),
  ...reductions(
    'nllLoss.weight',
    (reduction) => (a, b, c) => F.nllLoss(a, b, { weight: c, reduction }),
    (r) => `F.nll_loss(${args('a, b, weight=c', r)})`,
    [sm('[6, 5]', [u([6, 5]), idx([6], 5), W5]), sm('K-dim [2, 5, 4]', [u([2, 5, 4]), idx([2, 4], 5), W5])],
  ),
  ...reductions(
    'nllLoss.ignoreIndex',
    (reduction) => (a, b, c) => F.nllLoss(a, b, { weight: c, ignoreIndex: 1, reduction }),
    (r) => `F.nll_loss(${args('a, b, weight=c, ignore_index=1', r)})`,
    [
      sm('[6, 5]', [u([6, 5]), ints([6], IGN1), W5]),
      sm(
        'unbatched, ignored',
        [u([5]), ints([], [1]), W5],
        'the mean of no targets is NaN; the zero gradient is compared with PyTorch',
      ),
    ],
  ),
  ...reductions(
    'crossEntropy',
    (reduction) => (a, b) => F.crossEntropy(a, b, { reduction }),
    (r) => `F.cross_entropy(${args('a, b', r)})`,
    indexSamples(),
  ),
  ...reductions(
    'crossEntropy.weight',
    (reduction) => (a, b, c) => F.crossEntropy(a, b, { weight: c, reduction }),
    (r) => `F.cross_entropy(${args('a, b, weight=c', r)})`,
    [sm('[6, 5]', [u([6, 5]), idx([6], 5), W5]), sm('K-dim [2, 5, 2, 2]', [u([2, 5, 2, 2]), idx([2, 2, 2], 5), W5])],
  ),
  ...reductions(
    'crossEntropy.ignore',
    (reduction) => (a, b, c) => F.crossEntropy(a, b, { weight: c, reduction }),
    (r) => `F.cross_entropy(${args('a, b, weight=c', r)})`,
    [sm('-100 targets', [u([6, 5]), ints([6], IGN), W5]), sm('K-dim', [u([2, 5, 3]), ints([2, 3], IGN), W5])],
  ),
  {
    name: 'crossEntropy.ignoreIndex',
    fn: (a, b) => F.crossEntropy(a, b, { ignoreIndex: 1 }),
    torch: 'F.cross_entropy(a, b, ignore_index=1)',
    samples: [sm('[6, 5]', [u([6, 5]), ints([6], IGN1)])],
  },
  ...reductions(
    'crossEntropy.smoothing',
    (reduction) => (a, b) => F.crossEntropy(a, b, { labelSmoothing: 0.2, reduction }),
    (r) => `F.cross_entropy(${args('a, b, label_smoothing=0.2', r)})`,
    [
      sm('-100 targets', [u([6, 5]), ints([6], IGN)]),
      sm('K-dim [2, 5, 4]', [u([2, 5, 4]), idx([2, 4], 5)]),
      sm('unbatched [5]', [u([5]), ints([], [3])]),
      sm('float32', [u([4, 5], -2, 2, { dtype: F32 }), idx([4], 5)]),
    ],
  ),
  ...reductions(
    'crossEntropy.smoothingWeightIgnore',
    (reduction) => (a, b, c) => F.crossEntropy(a, b, { weight: c, ignoreIndex: 1, labelSmoothing: 0.3, reduction }),
    (r) => `F.cross_entropy(${args('a, b, weight=c, ignore_index=1, label_smoothing=0.3', r)})`,
    [sm('[6, 5]', [u([6, 5]), ints([6], IGN1), W5]), sm('K-dim', [u([2, 5, 3]), ints([2, 3], IGN1), W5])],
  ),
];

// ---- class probabilities --------------------------------------------------------------------

const prob = (shape: number[], extra: Partial<Obj> = {}) => u(shape, 0, 1, extra);
const probabilities: OpSpec[] = [
  ...reductions(
    'crossEntropy.probs',
    (reduction) => (a, b) => F.crossEntropy(a, b, { reduction }),
    (r) => `F.cross_entropy(${args('a, b', r)})`,
    [
      sm('[4, 5]', [u([4, 5]), prob([4, 5])]),
      sm('K-dim [2, 5, 3]', [u([2, 5, 3]), prob([2, 5, 3])]),
      sm('unbatched [5]', [u([5]), prob([5])]),
      sm('size 0', [u([0, 5]), prob([0, 5])]),
      sm('non-contiguous', [u([4, 5], -2, 2, { noncontig: true }), prob([4, 5], { noncontig: true })]),
      sm('float32', [u([3, 5], -2, 2, { dtype: F32 }), prob([3, 5], { dtype: F32 })]),
    ],
  ),
  ...reductions(
    'crossEntropy.probsWeightSmoothing',
    (reduction) => (a, b, c) => F.crossEntropy(a, b, { weight: c, labelSmoothing: 0.1, reduction }),
    (r) => `F.cross_entropy(${args('a, b, weight=c, label_smoothing=0.1', r)})`,
    [sm('[4, 5]', [u([4, 5]), prob([4, 5]), W5]), sm('K-dim [2, 5, 3]', [u([2, 5, 3]), prob([2, 5, 3]), W5])],
  ),
];

// ---- binary cross entropy ---------------------------------------------------------------------

const p01 = (shape: number[], extra: Partial<Obj> = {}) => u(shape, 0.05, 0.95, extra);
const binary: OpSpec[] = [
  ...reductions(
    'binaryCrossEntropy',
    (reduction) => (a, b) => F.binaryCrossEntropy(a, b, { reduction }),
    (r) => `F.binary_cross_entropy(${args('a, b', r)})`,
    [
      sm('[3, 4]', [p01([3, 4]), prob([3, 4])]),
      sm('0-d', [p01([]), prob([])]),
      sm('size 0', [p01([0, 4]), prob([0, 4])]),
      sm('non-contiguous', [p01([3, 4], { noncontig: true }), prob([3, 4])]),
      sm('float32', [p01([5], { dtype: F32 }), prob([5], { dtype: F32 })]),
    ],
    [
      sm(
        'inputs 0 and 1 (logs clamped at -100)',
        [fixed([5], [0, 1, 0, 1, 0.5]), fixed([5], [1, 0, 0, 1, 0.5], false)],
        'at 0 and 1 the gradient is (x - y) / max(x (1 - x), 1e-12), a clamp finite differences do not see',
      ),
    ],
  ),
  {
    name: 'binaryCrossEntropy.weight',
    fn: (a, b, c) => F.binaryCrossEntropy(a, b, { weight: c }),
    torch: 'F.binary_cross_entropy(a, b, weight=c)',
    samples: [sm('weight [4] broadcast', [p01([3, 4]), prob([3, 4]), u([4], 0.2, 2, { grad: false })])],
  },
  ...reductions(
    'bceWithLogits',
    (reduction) => (a, b) => F.binaryCrossEntropyWithLogits(a, b, { reduction }),
    (r) => `F.binary_cross_entropy_with_logits(${args('a, b', r)})`,
    [
      sm('[3, 4]', [u([3, 4], -4, 4), prob([3, 4])]),
      sm('0-d', [u([]), prob([])]),
      sm('size 0', [u([0, 4]), prob([0, 4])]),
      sm('non-contiguous', [u([3, 4], -4, 4, { noncontig: true }), prob([3, 4])]),
      sm('float32', [u([5], -4, 4, { dtype: F32 }), prob([5], { dtype: F32 })]),
      sm('|x| up to 1000', [fixed([6], [-1000, -100, -30, 30, 100, 1000]), fixed([6], [0, 1, 0.5, 0.2, 1, 0])]),
    ],
    [sm('x = 0 (ties in max and |x| split the gradient)', [fixed([3], [0, 0, 0]), fixed([3], [0, 1, 0.5])])],
  ),
  ...reductions(
    'bceWithLogits.weights',
    (reduction) => (a, b, c, d) => F.binaryCrossEntropyWithLogits(a, b, { weight: c, posWeight: d, reduction }),
    (r) => `F.binary_cross_entropy_with_logits(${args('a, b, weight=c, pos_weight=d', r)})`,
    [
      sm('weight [3, 1], posWeight [4]', [
        u([3, 4], -4, 4),
        prob([3, 4]),
        u([3, 1], 0.2, 2, { grad: false }),
        u([4], 0.2, 3, { grad: false }),
      ]),
      sm('float32', [
        u([2, 3], -4, 4, { dtype: F32 }),
        prob([2, 3], { dtype: F32 }),
        u([3], 0.2, 2, { dtype: F32, grad: false }),
        u([3], 0.2, 3, { dtype: F32, grad: false }),
      ]),
    ],
  ),
  {
    name: 'bceWithLogits.posWeight',
    fn: (a, b, c) => F.binaryCrossEntropyWithLogits(a, b, { posWeight: c }),
    torch: 'F.binary_cross_entropy_with_logits(a, b, pos_weight=c)',
    samples: [sm('posWeight [4]', [u([3, 4], -4, 4), prob([3, 4]), u([4], 0.2, 3, { grad: false })])],
  },
];

// ---- KL divergence ------------------------------------------------------------------------------

const klSamples = (): Sample[] => [
  sm('[3, 4]', [u([3, 4]), u([3, 4], 0.05, 1)]),
  sm('broadcast target', [u([3, 4]), u([4], 0.05, 1)]),
  sm('0-d', [u([]), u([], 0.05, 1)]),
  sm('non-contiguous', [u([3, 4], -2, 2, { noncontig: true }), u([3, 4], 0.05, 1)]),
  sm('float32', [u([5], -2, 2, { dtype: F32 }), u([5], 0.05, 1, { dtype: F32 })]),
];
const kl: OpSpec[] = [
  ...reductions(
    'klDiv',
    (reduction) => (a, b) => F.klDiv(a, b, { reduction }),
    (r) => `F.kl_div(${args('a, b', r)})`,
    klSamples(),
    [
      // PyTorch's target gradient is NaN at t = 0 (xlogy); nabla's is 0, so only the input's is compared.
      sm('zero targets', [u([4]), fixed([4], [0, 0.5, 0, 0.25], false)]),
    ],
  ),
  {
    name: 'klDiv.batchmean',
    fn: (a, b) => F.klDiv(a, b, { reduction: 'batchmean' }),
    torch: "F.kl_div(a, b, reduction='batchmean')",
    samples: klSamples(),
  },
  ...reductions(
    'klDiv.logTarget',
    (reduction) => (a, b) => F.klDiv(a, b, { reduction, logTarget: true }),
    (r) => `F.kl_div(${args('a, b', r, 'log_target=True')})`,
    [
      sm('[3, 4]', [u([3, 4]), u([3, 4], -3, 0)]),
      sm('float32', [u([5], -2, 2, { dtype: F32 }), u([5], -3, 0, { dtype: F32 })]),
    ],
  ),
];

// ---- margin and embedding losses ----------------------------------------------------------------

const LABELS4 = [1, -1, 1, -1];
const embedding: OpSpec[] = [
  ...reductions(
    'cosineEmbeddingLoss',
    (reduction) => (a, b, c) => F.cosineEmbeddingLoss(a, b, c, { reduction }),
    (r) => `F.cosine_embedding_loss(${args('a, b, c', r)})`,
    [
      sm('[4, 3]', [u([4, 3]), u([4, 3]), pm1([4], LABELS4)]),
      sm('unbatched [3]', [u([3]), u([3]), pm1([], [-1])]),
      sm('int32 labels', [u([4, 3]), u([4, 3]), ints([4], LABELS4)]),
      sm('non-contiguous', [u([4, 3], -2, 2, { noncontig: true }), u([4, 3]), pm1([4], LABELS4)]),
      sm('float32', [
        u([4, 3], -2, 2, { dtype: F32 }),
        u([4, 3], -2, 2, { dtype: F32 }),
        { ...pm1([4], LABELS4), dtype: F32 },
      ]),
    ],
  ),
  {
    name: 'cosineEmbeddingLoss.margin',
    fn: (a, b, c) => F.cosineEmbeddingLoss(a, b, c, { margin: -0.5 }),
    torch: 'F.cosine_embedding_loss(a, b, c, margin=-0.5)',
    samples: [sm('[4, 3]', [u([4, 3]), u([4, 3]), pm1([4], LABELS4)])],
  },
  ...reductions(
    'marginRankingLoss',
    (reduction) => (a, b, c) => F.marginRankingLoss(a, b, c, { margin: 0.5, reduction }),
    (r) => `F.margin_ranking_loss(${args('a, b, c, margin=0.5', r)})`,
    [
      sm('[6]', [u([6]), u([6]), pm1([6], [1, -1, 1, -1, -1, 1])]),
      sm('broadcast [2, 3] with [1, 3]', [u([2, 3]), u([1, 3]), pm1([2, 3], [1, -1, 1, -1, -1, 1])]),
      sm('float32', [
        u([4], -2, 2, { dtype: F32 }),
        u([4], -2, 2, { dtype: F32 }),
        { ...pm1([4], LABELS4), dtype: F32 },
      ]),
    ],
  ),
  {
    name: 'marginRankingLoss.default',
    fn: (a, b, c) => F.marginRankingLoss(a, b, c),
    torch: 'F.margin_ranking_loss(a, b, c)',
    samples: [sm('[6]', [u([6]), u([6]), pm1([6], [1, -1, 1, -1, -1, 1])])],
  },
  ...reductions(
    'hingeEmbeddingLoss',
    (reduction) => (a, b) => F.hingeEmbeddingLoss(a, b, { reduction }),
    (r) => `F.hinge_embedding_loss(${args('a, b', r)})`,
    [
      sm('[2, 3]', [u([2, 3], -2, 3), pm1([2, 3], [1, -1, 1, -1, -1, 1])]),
      sm('0-d', [u([], -2, 3), pm1([], [-1])]),
      sm('float32', [u([4], -2, 3, { dtype: F32 }), { ...pm1([4], LABELS4), dtype: F32 }]),
    ],
  ),
  {
    name: 'hingeEmbeddingLoss.margin',
    fn: (a, b) => F.hingeEmbeddingLoss(a, b, { margin: 2 }),
    torch: 'F.hinge_embedding_loss(a, b, margin=2.0)',
    samples: [sm('[2, 3]', [u([2, 3], -2, 3), pm1([2, 3], [1, -1, 1, -1, -1, 1])])],
  },
  ...reductions(
    'tripletMarginLoss',
    (reduction) => (a, b, c) => F.tripletMarginLoss(a, b, c, { reduction }),
    (r) => `F.triplet_margin_loss(${args('a, b, c', r)})`,
    [
      sm('[4, 3]', [u([4, 3]), u([4, 3]), u([4, 3])]),
      sm('unbatched [3]', [u([3]), u([3]), u([3])]),
      sm('non-contiguous', [u([4, 3], -2, 2, { noncontig: true }), u([4, 3]), u([4, 3])]),
      sm('float32', [
        u([4, 3], -2, 2, { dtype: F32 }),
        u([4, 3], -2, 2, { dtype: F32 }),
        u([4, 3], -2, 2, { dtype: F32 }),
      ]),
    ],
  ),
  {
    name: 'tripletMarginLoss.options',
    fn: (a, b, c) => F.tripletMarginLoss(a, b, c, { margin: 2, p: 1, eps: 1e-3 }),
    torch: 'F.triplet_margin_loss(a, b, c, margin=2.0, p=1, eps=1e-3)',
    samples: [sm('[4, 3]', [u([4, 3]), u([4, 3]), u([4, 3])])],
  },
  {
    name: 'tripletMarginLoss.swap',
    fn: (a, b, c) => F.tripletMarginLoss(a, b, c, { margin: 3, p: 3, swap: true, reduction: 'none' }),
    torch: "F.triplet_margin_loss(a, b, c, margin=3.0, p=3, swap=True, reduction='none')",
    samples: [sm('[5, 3]', [u([5, 3]), u([5, 3]), u([5, 3])])],
  },
];

// ---- CTC ------------------------------------------------------------------------------------------

// Logits [T=6, N=2, C=4] go through logSoftmax first (see ctcLoss: PyTorch's gradient with
// respect to raw logProbs is not the derivative, but it agrees after logSoftmax).
const CTC_T = [
  [2, 1, 3],
  [3, 3, 0],
]; // the second sample repeats a label (needs a blank between)
const ctcPadded = (): InputSpec[] => [u([6, 2, 4]), ints([2, 3], CTC_T.flat()), ints([2], [6, 5]), ints([2], [3, 2])];
const SLOW_GRADGRAD =
  'second derivatives of the same recursion are checked on ctcLoss.unbatched; at this size they take seconds';
const ctc: OpSpec[] = [
  ...reductions(
    'ctcLoss',
    (reduction) => (a, b, c, d) => F.ctcLoss(nb.logSoftmax(a, 2), b, c, d, { reduction }),
    (r) => `F.ctc_loss(${args('a.log_softmax(2), b, c, d', r)})`,
    [
      sm('padded targets', ctcPadded()),
      sm('concatenated targets', [u([6, 2, 4]), ints([5], [2, 1, 3, 3, 3]), ints([2], [6, 5]), ints([2], [3, 2])]),
      sm('empty target', [u([4, 2, 3]), ints([2, 2], [1, 2, 0, 0]), ints([2], [4, 3]), ints([2], [2, 0])]),
      sm('float32', [u([6, 2, 4], -2, 2, { dtype: F32 }), ...ctcPadded().slice(1)]),
    ],
    [],
    { noGradgrad: SLOW_GRADGRAD },
  ),
  {
    name: 'ctcLoss.unbatched',
    fn: (a, b, c, d) => F.ctcLoss(nb.logSoftmax(a, 1), b, c, d),
    torch: 'F.ctc_loss(a.log_softmax(1), b, c, d)',
    samples: [sm('[T=5, C=4]', [u([5, 4]), ints([2], [1, 3]), ints([], [5]), ints([], [2])])],
  },
  {
    name: 'ctcLoss.blank',
    noGradgrad: SLOW_GRADGRAD,
    fn: (a, b, c, d) => F.ctcLoss(nb.logSoftmax(a, 2), b, c, d, { blank: 3, reduction: 'none' }),
    torch: "F.ctc_loss(a.log_softmax(2), b, c, d, blank=3, reduction='none')",
    samples: [sm('blank 3', [u([5, 2, 4]), ints([2, 2], [0, 2, 1, 1]), ints([2], [5, 5]), ints([2], [2, 2])])],
  },
  {
    name: 'ctcLoss.zeroInfinity',
    noGradgrad: SLOW_GRADGRAD,
    fn: (a, b, c, d) => F.ctcLoss(nb.logSoftmax(a, 2), b, c, d, { zeroInfinity: true, reduction: 'none' }),
    torch: "F.ctc_loss(a.log_softmax(2), b, c, d, zero_infinity=True, reduction='none')",
    // The first sample needs 5 frames for [1, 1, 1] (blanks between repeats) but has 4.
    samples: [
      sm('one impossible alignment', [
        u([4, 2, 3]),
        ints([2, 3], [1, 1, 1, 2, 1, 2]),
        ints([2], [4, 4]),
        ints([2], [3, 3]),
      ]),
    ],
  },
  {
    name: 'ctcLoss.logProbs',
    noGradgrad: SLOW_GRADGRAD,
    fn: (a, b, c, d) => F.ctcLoss(a, b, c, d, { reduction: 'sum' }),
    noTorch:
      "PyTorch's native kernel returns exp(logProbs) - posterior as the gradient of raw logProbs, not the derivative (checked here by gradcheck)",
    samples: [
      sm('unnormalised logProbs', [
        u([5, 2, 4], -3, 0),
        ints([2, 2], [1, 2, 3, 3]),
        ints([2], [5, 5]),
        ints([2], [2, 2]),
      ]),
    ],
  },
];

export const lossesSpecs: OpSpec[] = [
  ...regression,
  ...classIndex,
  ...probabilities,
  ...binary,
  ...kl,
  ...embedding,
  ...ctc,
];
