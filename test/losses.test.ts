// Losses beyond the op table: each nn module against its functional form, constructor and
// argument validation (PyTorch's messages), the gradient clamp option, identities between the
// losses, and numerical stability at extreme inputs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import type { Tensor } from '../src/index.js';

const { nn } = nb;
const F = nn.functional;

const f64 = (v: unknown, grad = false) => nb.tensor(v as number[], { dtype: 'float64', requiresGrad: grad });
const i32 = (v: unknown) => nb.tensor(v as number[], { dtype: 'int32' });

/** Asserts `fn` throws an instance of `cls` whose message contains every string of `parts`. */
function throwsWith(fn: () => unknown, cls: new (...a: never[]) => Error, ...parts: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${String(e)}`);
    for (const p of parts) assert.ok(e.message.includes(p), `message "${e.message}" should contain "${p}"`);
    return true;
  });
}

function near(got: Tensor | number[], want: number[], tol = 1e-12): void {
  const g = Array.isArray(got) ? got : Array.from(got.data(), Number);
  assert.equal(g.length, want.length, `length: got [${g.join(', ')}], want [${want.join(', ')}]`);
  g.forEach((v, i) => {
    if (Number.isNaN(want[i])) assert.ok(Number.isNaN(v), `[${i}]: expected NaN, got ${v}`);
    else if (!Number.isFinite(want[i])) assert.equal(v, want[i], `[${i}]`);
    else assert.ok(Math.abs(v - want[i]) <= tol * Math.max(1, Math.abs(want[i])), `[${i}]: got ${v}, want ${want[i]}`);
  });
}

const data = (t: Tensor) => Array.from(t.data(), Number);

// Fresh inputs for every call, so module and functional forms get their own gradients.
const X = () =>
  f64(
    [
      [0.2, -1.1, 0.7],
      [1.5, 0.3, -0.4],
    ],
    true,
  );
const Y = () =>
  f64([
    [0.5, 0.4, -0.3],
    [1, -1, 0.9],
  ]);
const P = () =>
  f64(
    [
      [0.2, 0.7, 0.45],
      [0.9, 0.1, 0.6],
    ],
    true,
  );
const B = () =>
  f64([
    [0, 1, 1],
    [1, 0, 0.5],
  ]);
const POS = () =>
  f64([
    [0.5, 1.2, 2],
    [0.8, 0.3, 1.1],
  ]);
const LABELS = () => i32([2, 0]);
const PM = () => f64([1, -1]);

type Case = [string, nb.nn.Loss<Tensor[]>, (...xs: Tensor[]) => Tensor, () => Tensor[]];
const cases: Case[] = [
  ['MSELoss', new nn.MSELoss({ reduction: 'sum' }), (a, b) => F.mseLoss(a, b, { reduction: 'sum' }), () => [X(), Y()]],
  ['L1Loss', new nn.L1Loss(), (a, b) => F.l1Loss(a, b), () => [X(), Y()]],
  ['RMSELoss', new nn.RMSELoss(), (a, b) => F.rmse(a, b), () => [X(), Y()]],
  ['AbsoluteErrorLoss', new nn.AbsoluteErrorLoss(), (a, b) => F.absoluteError(a, b), () => [X(), Y()]],
  ['HuberLoss', new nn.HuberLoss({ delta: 0.5 }), (a, b) => F.huberLoss(a, b, { delta: 0.5 }), () => [X(), Y()]],
  ['SmoothL1Loss', new nn.SmoothL1Loss({ beta: 0.5 }), (a, b) => F.smoothL1Loss(a, b, { beta: 0.5 }), () => [X(), Y()]],
  [
    'CrossEntropyLoss',
    new nn.CrossEntropyLoss({ weight: f64([1, 2, 0.5]), ignoreIndex: 0, labelSmoothing: 0.1 }),
    (a, b) => F.crossEntropy(a, b, { weight: f64([1, 2, 0.5]), ignoreIndex: 0, labelSmoothing: 0.1 }),
    () => [X(), i32([2, 1])],
  ],
  [
    'NLLLoss',
    new nn.NLLLoss({ weight: f64([1, 2, 0.5]), reduction: 'none' }),
    (a, b) => F.nllLoss(a, b, { weight: f64([1, 2, 0.5]), reduction: 'none' }),
    () => [X(), LABELS()],
  ],
  [
    'BCELoss',
    new nn.BCELoss({ weight: f64([1, 2, 3]) }),
    (a, b) => F.binaryCrossEntropy(a, b, { weight: f64([1, 2, 3]) }),
    () => [P(), B()],
  ],
  [
    'BCEWithLogitsLoss',
    new nn.BCEWithLogitsLoss({ posWeight: f64([2, 1, 0.5]) }),
    (a, b) => F.binaryCrossEntropyWithLogits(a, b, { posWeight: f64([2, 1, 0.5]) }),
    () => [X(), B()],
  ],
  [
    'KLDivLoss',
    new nn.KLDivLoss({ reduction: 'batchmean', logTarget: true }),
    (a, b) => F.klDiv(a, b, { reduction: 'batchmean', logTarget: true }),
    () => [X(), Y()],
  ],
  [
    'CosineEmbeddingLoss',
    new nn.CosineEmbeddingLoss({ margin: 0.1 }),
    (a, b, c) => F.cosineEmbeddingLoss(a, b, c, { margin: 0.1 }),
    () => [X(), Y(), PM()],
  ],
  [
    'MarginRankingLoss',
    new nn.MarginRankingLoss({ margin: 0.3 }),
    (a, b, c) => F.marginRankingLoss(a, b, c, { margin: 0.3 }),
    () => [
      X(),
      Y(),
      f64([
        [1, -1, 1],
        [-1, 1, -1],
      ]),
    ],
  ],
  [
    'HingeEmbeddingLoss',
    new nn.HingeEmbeddingLoss({ margin: 2 }),
    (a, b) => F.hingeEmbeddingLoss(a, b, { margin: 2 }),
    () => [
      X(),
      f64([
        [1, -1, 1],
        [-1, 1, -1],
      ]),
    ],
  ],
  [
    'TripletMarginLoss',
    new nn.TripletMarginLoss({ margin: 2, p: 1, swap: true }),
    (a, b, c) => F.tripletMarginLoss(a, b, c, { margin: 2, p: 1, swap: true }),
    () => [X(), Y(), POS()],
  ],
  [
    'PoissonNLLLoss',
    new nn.PoissonNLLLoss({ logInput: false, full: true }),
    (a, b) => F.poissonNllLoss(a, b, { logInput: false, full: true }),
    () => [
      POS().requiresGrad_(),
      f64([
        [0, 2, 3],
        [1, 5, 0.5],
      ]),
    ],
  ],
  [
    'GaussianNLLLoss',
    new nn.GaussianNLLLoss({ full: true, eps: 0.4 }),
    (a, b, c) => F.gaussianNllLoss(a, b, c, { full: true, eps: 0.4 }),
    () => [X(), Y(), POS().requiresGrad_()],
  ],
];

describe('loss modules equal their functional forms (values and gradients)', () => {
  for (const [name, mod, fn, inputs] of cases) {
    test(name, () => {
      const xs1 = inputs();
      const xs2 = inputs();
      const a = mod.call(...xs1);
      const b = fn(...xs2);
      near(a, data(b));
      a.sum().backward();
      b.sum().backward();
      xs1.forEach((x, i) => {
        if (x.requiresGrad) near(x.grad!, data(xs2[i].grad!));
      });
    });
  }

  test('CTCLoss', () => {
    const lp = nb.logSoftmax(nb.randn([5, 2, 4], { dtype: 'float64' }), 2);
    const t = i32([
      [1, 2],
      [3, 3],
    ]);
    const m = new nn.CTCLoss({ blank: 0, reduction: 'sum', zeroInfinity: true });
    near(
      m.call(lp, t, [5, 4], i32([2, 2])),
      data(F.ctcLoss(lp, t, [5, 4], [2, 2], { reduction: 'sum', zeroInfinity: true })),
    );
  });

  test('reductions default to mean, except AbsoluteErrorLoss (sum)', () => {
    assert.equal(new nn.MSELoss().reduction, 'mean');
    assert.equal(new nn.CrossEntropyLoss().reduction, 'mean');
    assert.equal(new nn.AbsoluteErrorLoss().reduction, 'sum');
    assert.equal(new nn.AbsoluteErrorLoss({ reduction: 'mean' }).reduction, 'mean');
  });
});

describe('loss module constructors validate their options', () => {
  test('reduction', () => {
    throwsWith(
      () => new nn.MSELoss({ reduction: 'avg' as never }),
      nb.ValueError,
      'MSELoss',
      'avg is not a valid value for reduction',
    );
    throwsWith(
      () => new nn.CrossEntropyLoss({ reduction: 'batchmean' as never }),
      nb.ValueError,
      'CrossEntropyLoss',
      'batchmean',
    );
    assert.equal(new nn.KLDivLoss({ reduction: 'batchmean' }).reduction, 'batchmean');
    throwsWith(() => new nn.KLDivLoss({ reduction: 'bm' as never }), nb.ValueError, 'KLDivLoss', "'batchmean'");
  });

  test('numeric and tensor options', () => {
    throwsWith(() => new nn.HuberLoss({ delta: 0 }), nb.ValueError, 'HuberLoss', 'non-positive values for delta');
    throwsWith(() => new nn.SmoothL1Loss({ beta: -1 }), nb.ValueError, 'SmoothL1Loss', 'negative values for beta');
    throwsWith(
      () => new nn.CrossEntropyLoss({ labelSmoothing: 1.5 }),
      nb.ValueError,
      'label_smoothing must be between 0.0 and 1.0. Got: 1.5',
    );
    throwsWith(() => new nn.CrossEntropyLoss({ weight: [1, 2] as never }), nb.DTypeError, 'CrossEntropyLoss', 'weight');
    throwsWith(() => new nn.TripletMarginLoss({ p: '2' as never }), nb.DTypeError, 'TripletMarginLoss', 'p');
    throwsWith(() => new nn.PoissonNLLLoss({ full: 1 as never }), nb.DTypeError, 'PoissonNLLLoss', 'full');
    throwsWith(() => new nn.CTCLoss({ blank: -1 }), nb.ValueError, 'CTCLoss', 'blank');
  });

  test('clamp', () => {
    throwsWith(() => new nn.MSELoss({ clamp: { min: 1, max: -1 } }), nb.ValueError, 'MSELoss', 'min 1 and max -1');
    throwsWith(() => new nn.MSELoss({ clamp: {} }), nb.ValueError, 'MSELoss', 'neither');
    throwsWith(() => new nn.MSELoss({ clamp: 3 as never }), nb.DTypeError, 'MSELoss', 'clamp');
  });

  test("class weights are buffers with PyTorch's state-dict names", () => {
    assert.deepEqual(Object.keys(new nn.CrossEntropyLoss().stateDict()), []);
    assert.deepEqual(Object.keys(new nn.CrossEntropyLoss({ weight: nb.ones([3]) }).stateDict()), ['weight']);
    const m = new nn.BCEWithLogitsLoss({ weight: nb.ones([3]), posWeight: nb.tensor([2, 1, 1]) });
    assert.deepEqual(Object.keys(m.stateDict()), ['weight', 'pos_weight']);
    assert.deepEqual(data(m.posWeight!), [2, 1, 1]);
    assert.deepEqual(m.parameters(), []);
  });
});

describe("the clamp option limits the gradient a loss sends back (neurons' objective clamp)", () => {
  test('MSELoss: same value, gradient clamped to [min, max]', () => {
    const x1 = X();
    const x2 = X();
    const plain = new nn.MSELoss({ reduction: 'sum' }).call(x1, Y());
    const clamped = new nn.MSELoss({ reduction: 'sum', clamp: { min: -0.5, max: 0.5 } }).call(x2, Y());
    near(clamped, data(plain));
    plain.backward();
    clamped.backward();
    near(
      x2.grad!,
      data(x1.grad!).map((g) => Math.min(0.5, Math.max(-0.5, g))),
    );
    assert.ok(
      data(x1.grad!).some((g) => Math.abs(g) > 0.5),
      'the example must have something to clamp',
    );
  });

  test('one-sided bounds, and gradients reaching the network through the clamp', () => {
    const w = f64([2, -3], true);
    const loss = new nn.L1Loss({ reduction: 'sum', clamp: { max: 0.25 } });
    loss.call(w.mul(2), f64([0, 0])).backward();
    // d/dx |x| = sign(x) = [1, -1], clamped above at 0.25, then times 2 through w * 2.
    near(w.grad!, [0.5, -2]);
  });

  test('targets that do not require grad are left alone, and no-grad inputs work', () => {
    const out = new nn.MSELoss({ clamp: { min: -1, max: 1 } }).call(Y(), Y());
    near(out, [0]);
    assert.equal(out.requiresGrad, false);
  });
});

describe('loss argument errors name the op and the offending values', () => {
  const logits = () => nb.randn([3, 5]);

  test('class index out of range', () => {
    throwsWith(
      () => F.crossEntropy(logits(), i32([0, 5, 1])),
      nb.IndexError,
      'crossEntropy',
      'Target 5 is out of bounds.',
    );
    throwsWith(() => F.nllLoss(logits(), i32([0, -2, 1])), nb.IndexError, 'nllLoss', 'Target -2 is out of bounds.');
    // The ignored value may be anything, even out of range.
    assert.ok(Number.isFinite(F.crossEntropy(logits(), i32([0, 7, 1]), { ignoreIndex: 7 }).item()));
  });

  test('target shapes and dtypes', () => {
    throwsWith(() => F.crossEntropy(logits(), nb.randn([3])), nb.ShapeError, 'crossEntropy', '[3, 5]', '[3]', 'int32');
    throwsWith(
      () => F.crossEntropy(logits(), i32([1, 2])),
      nb.ShapeError,
      'Expected input batch_size (3) to match target batch_size (2).',
    );
    throwsWith(
      () =>
        F.crossEntropy(
          nb.randn([3, 5, 2]),
          i32([
            [1, 2, 1],
            [0, 0, 0],
            [1, 1, 1],
          ]),
        ),
      nb.ShapeError,
      'Expected target size [3, 2], got [3, 3]',
    );
    throwsWith(
      () => F.nllLoss(nb.randn([5]), i32([1, 2])),
      nb.ShapeError,
      'nllLoss',
      'size mismatch (got input: [5], target: [2])',
    );
    throwsWith(() => F.nllLoss(logits(), i32([[1], [2], [3]])), nb.ShapeError, 'multi-target not supported');
    throwsWith(() => F.nllLoss(logits(), nb.randn([3])), nb.DTypeError, 'nllLoss', 'int32', 'float32');
    throwsWith(() => F.crossEntropy(i32([1, 2]), i32(1)), nb.DTypeError, 'crossEntropy', 'floating point', 'int32');
    throwsWith(() => F.crossEntropy(nb.tensor(1), i32(0)), nb.ShapeError, 'Expected 1 or more dimensions (got 0)');
  });

  test('weights and options', () => {
    throwsWith(
      () => F.crossEntropy(logits(), i32([0, 1, 2]), { weight: nb.ones([3]) }),
      nb.ShapeError,
      'weight tensor should be defined either for all 5 classes or no classes but got weight tensor of shape: [3]',
    );
    throwsWith(() => F.crossEntropy(logits(), i32([0, 1, 2]), { labelSmoothing: -0.1 }), nb.ValueError, 'Got: -0.1');
    throwsWith(
      () => F.crossEntropy(logits(), nb.rand([3, 5]), { ignoreIndex: 1 }),
      nb.ValueError,
      'ignore_index is not supported for floating point target',
    );
    throwsWith(
      () => F.mseLoss(nb.ones([2]), nb.ones([2]), { reduction: 'avg' as never }),
      nb.ValueError,
      'mseLoss',
      'avg is not a valid value for reduction',
    );
    throwsWith(() => F.klDiv(nb.ones([2]), nb.ones([2]), { reduction: 'avg' as never }), nb.ValueError, 'klDiv', 'avg');
    throwsWith(() => F.huberLoss(nb.ones([2]), nb.ones([2]), { delta: -1 }), nb.ValueError, 'huberLoss', 'delta');
    throwsWith(
      () => F.binaryCrossEntropy(nb.tensor([0.5, 0.5]), nb.tensor([1, 0]), { weight: nb.ones([2, 2]) }),
      nb.ShapeError,
      'binaryCrossEntropy',
      '[2, 2]',
    );
  });

  test('regression shapes and dtypes', () => {
    throwsWith(() => F.mseLoss(nb.ones([3, 2]), nb.ones([3, 3])), nb.ShapeError, 'mseLoss', '[3, 2]', '[3, 3]');
    throwsWith(() => F.l1Loss(i32([1, 2]), i32([1, 2])), nb.DTypeError, 'l1Loss', 'int32');
    throwsWith(
      () => F.gaussianNllLoss(nb.ones([3, 2]), nb.ones([3, 2]), nb.ones([2, 2])),
      nb.ValueError,
      'var is of incorrect size',
      '[2, 2]',
    );
    throwsWith(
      () => F.gaussianNllLoss(nb.ones([2]), nb.ones([2]), nb.tensor([1, -1])),
      nb.ValueError,
      'var has negative entry/entries',
    );
  });

  test('binary cross entropy', () => {
    throwsWith(
      () => F.binaryCrossEntropy(nb.tensor([1.5]), nb.tensor([0])),
      nb.ValueError,
      'all elements of input should be between 0 and 1',
      '1.5',
    );
    throwsWith(
      () => F.binaryCrossEntropy(nb.tensor([0.5, 0.5, 0.5]), nb.tensor([1, 0])),
      nb.ShapeError,
      'Using a target size ([2]) that is different to the input size ([3])',
    );
    throwsWith(
      () => F.binaryCrossEntropyWithLogits(nb.ones([3]), nb.ones([2])),
      nb.ShapeError,
      'Target size ([2]) must be the same as input size ([3])',
    );
  });

  test('margin and embedding losses', () => {
    throwsWith(
      () => F.cosineEmbeddingLoss(nb.ones([3, 2]), nb.ones([3, 2]), nb.ones([])),
      nb.ShapeError,
      '0D target tensor expects 1D input tensors, but found inputs with sizes [3, 2] and [3, 2].',
    );
    throwsWith(
      () => F.cosineEmbeddingLoss(nb.ones([3, 2]), nb.ones([3, 2]), nb.ones([3, 1])),
      nb.ShapeError,
      'multi-target not supported',
    );
    throwsWith(
      () => F.marginRankingLoss(nb.ones([3]), nb.ones([3, 1]), nb.ones([3])),
      nb.ShapeError,
      'input1: [3], input2: [3, 1], target: [3]',
    );
    throwsWith(
      () => F.tripletMarginLoss(nb.ones([3, 2]), nb.ones([3, 2]), nb.ones([2])),
      nb.ShapeError,
      'got 2D, 2D and 1D inputs',
    );
    throwsWith(
      () => F.tripletMarginLoss(nb.ones([3, 2]), nb.ones([3, 2]), nb.ones([4, 2])),
      nb.ShapeError,
      'tripletMarginLoss',
      '[4, 2]',
    );
  });

  test('ctcLoss', () => {
    const lp = nb.logSoftmax(nb.randn([5, 2, 4]), 2);
    const t = i32([
      [1, 2],
      [3, 3],
    ]);
    throwsWith(
      () => F.ctcLoss(lp, t, [6, 4], [2, 2]),
      nb.ValueError,
      'Expected input_lengths to have value at most 5, but got value 6',
    );
    throwsWith(
      () => F.ctcLoss(lp, t, [5, 4], [3, 2]),
      nb.ShapeError,
      "Expected tensor to have size at least 3 at dimension 1, but got size 2 for argument #2 'targets'",
    );
    throwsWith(
      () => F.ctcLoss(lp, i32([1, 2, 3]), [5, 4], [2, 2]),
      nb.ShapeError,
      'Expected tensor to have size 4 at dimension 0, but got size 3',
    );
    throwsWith(() => F.ctcLoss(lp, t, [5, 4], [2, 2], { blank: 4 }), nb.ValueError, 'blank must be in label range');
    throwsWith(
      () =>
        F.ctcLoss(
          lp,
          i32([
            [1, 0],
            [3, 3],
          ]),
          [5, 4],
          [2, 2],
        ),
      nb.IndexError,
      'ctcLoss',
      'blank 0',
      'got 0',
    );
    throwsWith(
      () =>
        F.ctcLoss(
          lp,
          i32([
            [1, 4],
            [3, 3],
          ]),
          [5, 4],
          [2, 2],
        ),
      nb.IndexError,
      'got 4',
    );
    throwsWith(() => F.ctcLoss(lp, t, [5], [2, 2]), nb.ShapeError, 'inputLengths', '2 entries');
    throwsWith(() => F.ctcLoss(lp, t, [5, 4], [2, -1]), nb.ValueError, 'targetLengths', '-1');
  });
});

describe('loss semantics', () => {
  test("rmse has the true gradient (x - y) / (n rmse), not neurons' sign / n", () => {
    const x = f64([1, 2, 4], true);
    const y = f64([0, 0, 0]);
    const r = F.rmse(x, y);
    const want = Math.sqrt(21 / 3);
    near(r, [want]);
    r.backward();
    near(
      x.grad!,
      [1, 2, 4].map((d) => d / (3 * want)),
    );
    // A zero error has the subgradient 0, not NaN.
    const z = f64([1, 1], true);
    F.rmse(z, f64([1, 1])).backward();
    near(z.grad!, [0, 0]);
  });

  test("l1Loss 'mean' divides its gradient by n (neurons' MAE does not); absoluteError sums", () => {
    const x = f64([1, -2, 3, 0.5], true);
    F.l1Loss(x, f64([0, 0, 0, 0])).backward();
    near(x.grad!, [0.25, -0.25, 0.25, 0.25]);
    near(F.absoluteError(f64([1, -2]), f64([0, 0])), [3]);
  });

  test('crossEntropy with one-hot probabilities equals crossEntropy with indices (also smoothed)', () => {
    const x = nb.randn([4, 3], { dtype: 'float64' });
    const t = i32([2, 0, 1, 1]);
    const probs = nb.oneHot(t, 3).to('float64');
    for (const labelSmoothing of [0, 0.25]) {
      near(F.crossEntropy(x, probs, { labelSmoothing }), data(F.crossEntropy(x, t, { labelSmoothing })), 1e-12);
    }
  });

  test("nllLoss 'mean' divides by the summed weights of the kept targets", () => {
    const lp = f64([
      [-1, -2, -3],
      [-4, -5, -6],
      [-7, -8, -9],
    ]);
    const w = f64([1, 2, 3]);
    // targets 2, 0 and an ignored one: (3*3 + 1*4) / (3 + 1)
    near(F.nllLoss(lp, i32([2, 0, -100]), { weight: w }), [13 / 4]);
    near(F.nllLoss(lp, i32([2, 0, -100]), { weight: w, reduction: 'none' }), [9, 4, 0]);
  });

  test('ctcLoss equals PyTorch; mean divides by target lengths; frames past the input length are ignored', () => {
    const logits = f64([
      [
        [0.1, 0.5, -0.3, 1],
        [0.2, 0.1, 0, -1],
      ],
      [
        [1, 2, 3, 4],
        [0, 0, 0, 0],
      ],
      [
        [0.3, 0.2, 0.1, 0],
        [1, -1, 1, -1],
      ],
      [
        [0, 1, 0, 1],
        [2, 0, 0, 0],
      ],
      [
        [0.5, 0.5, 0.1, 0.1],
        [0, 0, 1, 1],
      ],
    ]);
    const lp = nb.logSoftmax(logits, 2);
    const t = i32([
      [1, 2],
      [3, 3],
    ]);
    // PyTorch 1.13: F.ctc_loss(lp, t, [5, 4], [2, 2], reduction='none')
    near(F.ctcLoss(lp, t, [5, 4], [2, 2], { reduction: 'none' }), [4.981005692343406, 4.989029966975964], 1e-12);
    // PyTorch 1.13: F.ctc_loss(lp, t, [5, 4], [2, 2]) and with target lengths [2, 1]
    near(F.ctcLoss(lp, t, [5, 4], [2, 2]), [2.4925089148298425], 1e-12);
    near(F.ctcLoss(lp, t, [5, 4], [2, 1]), [2.703334971200365], 1e-12);
    // Concatenated targets give the same losses.
    near(
      F.ctcLoss(lp, i32([1, 2, 3, 3]), i32([5, 4]), i32([2, 2]), { reduction: 'none' }),
      [4.981005692343406, 4.989029966975964],
      1e-12,
    );
    // Changing frame 4 of the second sample (length 4) changes nothing.
    const lp2 = lp.clone();
    nb.noGrad(() => lp2.select(0, 4).select(0, 1).fill_(-50));
    near(F.ctcLoss(lp2, t, [5, 4], [2, 2], { reduction: 'none' }).select(0, 1), [4.989029966975964], 1e-12);
  });

  test('ctcLoss: no frames give 0 for an empty target; too few frames give infinity (zeroInfinity: 0, gradient 0)', () => {
    // PyTorch 1.13 returns garbage for a zero input length (e.g. -1.28e161); nabla gives the math.
    const lp = nb.logSoftmax(nb.randn([3, 2, 3], { dtype: 'float64' }), 2);
    const x = lp.detach().requiresGrad_();
    const loss = F.ctcLoss(
      x,
      i32([
        [1, 1],
        [2, 1],
      ]),
      [0, 1],
      [0, 2],
      { reduction: 'none' },
    );
    near(loss, [0, Infinity]);
    const z = F.ctcLoss(
      x,
      i32([
        [1, 1],
        [2, 1],
      ]),
      [0, 1],
      [0, 2],
      { reduction: 'sum', zeroInfinity: true },
    );
    near(z, [0]);
    z.backward();
    near(x.grad!, new Array(18).fill(0));
  });
});

describe('losses stay finite at extreme inputs', () => {
  test('binaryCrossEntropyWithLogits at |x| = 1000', () => {
    const x = f64([[1000, -1000, 0.5]], true);
    const l = F.binaryCrossEntropyWithLogits(x, f64([[0, 0, 1]]), { reduction: 'none' });
    // PyTorch 1.13 (float32): [1000, 0, 0.4740769863128662]
    near(l, [1000, 0, Math.log1p(Math.exp(-0.5))]);
    l.sum().backward();
    near(x.grad!, [1, 0, 1 / (1 + Math.exp(-0.5)) - 1]);
  });

  test('crossEntropy with logits of 1e4', () => {
    // PyTorch 1.13: F.cross_entropy([[1e4, 0, -1e4]], [2]) -> 20000
    const x = f64([[1e4, 0, -1e4]], true);
    const l = F.crossEntropy(x, i32([2]));
    near(l, [20000]);
    l.backward();
    near(x.grad!, [1, 0, -1]);
  });

  test("binaryCrossEntropy clamps its logs at -100 and keeps PyTorch's gradient at 0 and 1", () => {
    const x = f64([0, 1, 0.5], true);
    const y = f64([1, 0, 0], true);
    const l = F.binaryCrossEntropy(x, y, { reduction: 'sum' });
    // PyTorch 1.13: 200.6931, x.grad [-1e12, 1e12, 2], y.grad [inf, -inf, 0]
    near(l, [200 + Math.LN2]);
    l.backward();
    near(x.grad!, [-1e12, 1e12, 2]);
    near(y.grad!, [Infinity, -Infinity, 0]);
  });
});
