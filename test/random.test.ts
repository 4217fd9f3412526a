// Random numbers: reproducibility under manualSeed and explicit generators, the statistics of
// each sampler (with fixed seeds, so the checks are deterministic), and PyTorch's errors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import type { DType } from '../src/index.js';

function throwsWith(fn: () => unknown, cls: new (...a: never[]) => Error, ...parts: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${String(e)}`);
    for (const p of parts) assert.ok(e.message.includes(p), `message "${e.message}" lacks "${p}"`);
    return true;
  });
}

// A generator whose every 32-bit draw is all ones: the largest value each sampler can see.
class MaxGenerator extends nb.Generator {
  override nextUint32(): number {
    return 0xffffffff;
  }
}

function vals(t: nb.Tensor): number[] {
  return Array.from(t.data(), Number);
}

function meanStd(xs: ArrayLike<number>): [number, number] {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m += xs[i];
  m /= xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i] - m) ** 2;
  return [m, Math.sqrt(v / (xs.length - 1))];
}

// Pearson's chi-square statistic of observed counts against expected probabilities.
function chiSquare(counts: number[], probs: number[]): number {
  const n = counts.reduce((a, b) => a + b, 0);
  return counts.reduce((s, c, i) => s + (c - n * probs[i]) ** 2 / (n * probs[i]), 0);
}

function countsOf(xs: number[], k: number): number[] {
  const c = new Array<number>(k).fill(0);
  for (const x of xs) c[x]++;
  return c;
}

// 99.9% quantiles of the chi-square distribution (scipy.stats.chi2.ppf(0.999, df)).
const CHI2_999: Record<number, number> = { 3: 16.266, 4: 18.467, 9: 27.877 };

// Every random entry point, drawing with the global generator (or the one given).
const draws: [string, (g?: nb.Generator) => nb.Tensor][] = [
  ['rand', (g) => nb.rand([50], { generator: g })],
  ['rand float64', (g) => nb.rand([50], { dtype: 'float64', generator: g })],
  ['randn', (g) => nb.randn([50], { generator: g })],
  ['randint', (g) => nb.randint(-5, 1000, [50], { generator: g })],
  ['randperm', (g) => nb.randperm(50, { generator: g })],
  ['randLike', (g) => nb.randLike(nb.zeros([50]), { generator: g })],
  ['randnLike', (g) => nb.randnLike(nb.zeros([50]), { generator: g })],
  ['randintLike', (g) => nb.randintLike(nb.zeros([50]), 1000, { generator: g })],
  ['bernoulli(probs)', (g) => nb.bernoulli(nb.full([50], 0.5), { generator: g })],
  ['bernoulli(x, p)', (g) => nb.bernoulli(nb.zeros([50]), 0.5, { generator: g })],
  ['multinomial', (g) => nb.multinomial(nb.ones([100]), 50, { generator: g })],
  ['multinomial replacement', (g) => nb.multinomial(nb.ones([100]), 50, { replacement: true, generator: g })],
  ['normal(number, number)', (g) => nb.normal(1, 2, [50], { generator: g })],
  ['normal(tensor, number)', (g) => nb.normal(nb.zeros([50]), 2, { generator: g })],
  ['uniform_', (g) => nb.zeros([50]).uniform_(-1, 1, { generator: g })],
  ['normal_', (g) => nb.zeros([50]).normal_(0, 1, { generator: g })],
  ['bernoulli_', (g) => nb.zeros([50]).bernoulli_(0.5, { generator: g })],
  ['exponential_', (g) => nb.zeros([50]).exponential_(1, { generator: g })],
  ['random_', (g) => nb.zeros([50]).random_(0, 1000, { generator: g })],
];

describe('reproducibility', () => {
  for (const [name, draw] of draws) {
    test(`${name}: manualSeed makes it repeat; another seed changes it`, () => {
      nb.manualSeed(1234);
      const a = vals(draw());
      nb.manualSeed(1234);
      const b = vals(draw());
      nb.manualSeed(1235);
      const c = vals(draw());
      assert.deepEqual(a, b);
      assert.notDeepEqual(a, c);
    });
    test(`${name}: an explicit generator is used instead of the global one`, () => {
      const a = vals(draw(new nb.Generator(7)));
      nb.manualSeed(0);
      const before = nb.defaultGenerator.getState();
      const b = vals(draw(new nb.Generator(7)));
      assert.deepEqual(nb.defaultGenerator.getState(), before, 'the global generator must not move');
      assert.deepEqual(a, b);
    });
  }

  test('generator state round-trips through getState/setState; initialSeed reports the seed', () => {
    const g = new nb.Generator(99);
    assert.equal(g.initialSeed(), 99);
    g.normal(); // leaves a spare Box-Muller value in the state
    const s = g.getState();
    const a = nb.randn([5], { generator: g }).tolist();
    g.setState(s);
    assert.deepEqual(nb.randn([5], { generator: g }).tolist(), a);
    throwsWith(() => g.setState([1, 2]), nb.ValueError, 'setState');
    throwsWith(() => nb.manualSeed(NaN), nb.ValueError, 'manualSeed', 'NaN');
    assert.equal(nb.manualSeed(5), nb.defaultGenerator);
  });

  test('a generator option that is not a Generator is refused', () => {
    throwsWith(() => nb.rand([2], { generator: {} as nb.Generator }), nb.DTypeError, 'rand:', 'Generator');
  });
});

describe('every random creator validates shape and dtype', () => {
  const creators: [string, (shape: never, opts?: nb.RandomOptions) => nb.Tensor][] = [
    ['rand', (s, o) => nb.rand(s, o)],
    ['randn', (s, o) => nb.randn(s, o)],
    ['randint', (s, o) => nb.randint(0, 5, s, o)],
    ['normal', (s, o) => nb.normal(0, 1, s, o)],
  ];
  for (const [op, make] of creators) {
    test(`${op}: 0-d and size-0 shapes, bad shapes, unknown dtypes`, () => {
      assert.deepEqual(make([] as never).shape, []);
      assert.equal(make([] as never).numel(), 1);
      assert.deepEqual(make([0, 2] as never).shape, [0, 2]);
      throwsWith(() => make([3, -1] as never), nb.ValueError, `${op}:`, '[3, -1]');
      throwsWith(() => make([2.5] as never), nb.ValueError, `${op}:`, '[2.5]');
      throwsWith(() => make([2] as never, { dtype: 'complex64' as DType }), nb.DTypeError, `${op}:`, 'complex64');
      const f64 = make([2] as never, { dtype: 'float64', requiresGrad: true });
      assert.equal(f64.dtype, 'float64');
      assert.equal(f64.requiresGrad, true);
      assert.equal(f64.isLeaf, true);
    });
  }
});

describe('rand and randn', () => {
  test('rand lies in [0, 1) with mean 1/2 and variance 1/12', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = nb.rand([100000], { dtype, generator: new nb.Generator(1) }).data();
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of x) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      assert.ok(lo >= 0 && hi < 1, `${dtype}: range [${lo}, ${hi}]`);
      const [m, s] = meanStd(x);
      // standard errors: 0.29 / sqrt(1e5) = 0.0009 for the mean, about 0.0006 for the std
      assert.ok(Math.abs(m - 0.5) < 0.005, `${dtype} mean ${m}`);
      assert.ok(Math.abs(s - Math.sqrt(1 / 12)) < 0.004, `${dtype} std ${s}`);
    }
  });

  test('rand never rounds up to 1, even for the largest draw', () => {
    // 1 - 2^-53 (the largest float64 draw) rounds to 1 in float32, so float32 uses 24 random bits.
    const x = nb.rand([3], { generator: new MaxGenerator() });
    assert.deepEqual(vals(x), [1 - 2 ** -24, 1 - 2 ** -24, 1 - 2 ** -24]);
    assert.equal(nb.rand([1], { dtype: 'float64', generator: new MaxGenerator() }).item(), 1 - 2 ** -53);
  });

  test('randn has mean 0, std 1 and the normal shape', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = nb.randn([100000], { dtype, generator: new nb.Generator(2) }).data();
      const [m, s] = meanStd(x);
      // standard errors: 1 / sqrt(1e5) = 0.0032 for the mean, 0.0022 for the std (about 4 sigma allowed)
      assert.ok(Math.abs(m) < 0.013, `${dtype} mean ${m}`);
      assert.ok(Math.abs(s - 1) < 0.01, `${dtype} std ${s}`);
      // P(|z| < 1) = 0.6827 and P(|z| < 2) = 0.9545; standard errors 0.0015 and 0.0007
      const within = (k: number) => {
        let c = 0;
        for (const v of x) if (Math.abs(v) < k) c++;
        return c / x.length;
      };
      assert.ok(Math.abs(within(1) - 0.6827) < 0.006, `P(|z|<1) = ${within(1)}`);
      assert.ok(Math.abs(within(2) - 0.9545) < 0.003, `P(|z|<2) = ${within(2)}`);
    }
  });

  test('shapes, dtypes, requiresGrad and errors', () => {
    assert.deepEqual(nb.rand([2, 3]).shape, [2, 3]);
    assert.deepEqual(nb.randn(4).shape, [4]);
    assert.deepEqual(nb.rand([]).shape, []);
    assert.deepEqual(nb.randn([0, 3]).shape, [0, 3]);
    assert.equal(nb.randn([2], { requiresGrad: true }).requiresGrad, true);
    assert.equal(nb.randLike(nb.zeros([2], { dtype: 'float64' })).dtype, 'float64');
    // PyTorch 1.13: torch.rand(2, dtype=torch.int64) -> '"check_uniform_bounds" not implemented for 'Long''
    throwsWith(() => nb.rand([2], { dtype: 'int32' }), nb.DTypeError, 'rand:', 'int32');
    throwsWith(() => nb.randn([2], { dtype: 'bool' }), nb.DTypeError, 'randn:', 'bool');
    throwsWith(() => nb.randLike(nb.zeros([2], { dtype: 'int32' })), nb.DTypeError, 'randLike:');
    throwsWith(() => nb.randn([2], { dtype: 'half' as DType }), nb.DTypeError, 'half');
    // PyTorch 1.13: torch.rand(2, -1) -> "Trying to create tensor with negative dimension -1: [2, -1]"
    throwsWith(() => nb.rand([2, -1]), nb.ValueError, 'rand:', '[2, -1]');
    throwsWith(() => nb.randn([0.5]), nb.ValueError, 'randn:', '[0.5]');
  });
});

describe('randint and randperm', () => {
  test('randint stays in [low, high), hits every value, and is uniform', () => {
    const x = vals(nb.randint(3, 13, [50000], { generator: new nb.Generator(3) }));
    assert.ok(x.every((v) => v >= 3 && v < 13 && Number.isInteger(v)));
    const counts = countsOf(
      x.map((v) => v - 3),
      10,
    );
    assert.ok(chiSquare(counts, new Array(10).fill(0.1)) < CHI2_999[9], `counts ${counts}`);
    const y = vals(nb.randint(2, [1000]));
    assert.deepEqual([...new Set(y)].sort(), [0, 1]);
    const wide = vals(nb.randint(-(2 ** 31), 2 ** 31 - 1, [1000]));
    assert.ok(wide.every((v) => v >= -(2 ** 31) && v < 2 ** 31 - 1));
    assert.ok(wide.some((v) => v < 0) && wide.some((v) => v > 0));
  });

  test('randint dtypes, shapes and PyTorch errors', () => {
    assert.equal(nb.randint(5, [2]).dtype, 'int32');
    // PyTorch 1.13: torch.randint(0,10,(3,),dtype=torch.float).dtype -> torch.float32
    assert.equal(nb.randint(0, 10, [3], { dtype: 'float32' }).dtype, 'float32');
    assert.deepEqual(nb.randint(0, 10, 3).shape, [3]);
    assert.deepEqual(nb.randint(10, []).shape, []);
    assert.deepEqual(nb.randint(10, [0]).shape, [0]);
    assert.equal(nb.randint(0, 2, [4], { dtype: 'bool' }).dtype, 'bool');
    // PyTorch 1.13: torch.randint(3,3,(2,)) -> "random_ expects 'from' to be less than 'to', but got from=3 >= to=3"
    throwsWith(() => nb.randint(3, 3, [2]), nb.ValueError, 'randint:', "'from' to be less than 'to'", 'from=3 >= to=3');
    throwsWith(() => nb.randint(5, 2, [2]), nb.ValueError, 'from=5 >= to=2');
    // PyTorch 1.13: torch.randint(0, 3, (3,), dtype=torch.bool) -> "to - 1 is out of bounds for bool"
    throwsWith(() => nb.randint(0, 3, [3], { dtype: 'bool' }), nb.ValueError, 'to - 1 is out of bounds');
    throwsWith(() => nb.randint(-1, 2, [3], { dtype: 'bool' }), nb.ValueError, 'from is out of bounds');
    throwsWith(() => nb.randint(0, 2 ** 32, [3]), nb.ValueError, 'int32', 'to - 1 is out of bounds');
    throwsWith(() => nb.randint(0.5, 3, [3]), nb.ValueError, 'integer bounds');
    // PyTorch 1.13: torch.randint(0,2,(3,),requires_grad=True) -> "Only Tensors of floating point ... can require gradients"
    throwsWith(() => nb.randint(0, 2, [3], { requiresGrad: true }), nb.DTypeError, 'randint:');
    throwsWith(() => nb.randint(0, 2, [-3]), nb.ValueError, 'randint:', '[-3]');
  });

  test('randintLike takes shape and dtype from its argument', () => {
    const x = nb.zeros([2, 3], { dtype: 'float64' });
    const r = nb.randintLike(x, 5);
    assert.deepEqual(r.shape, [2, 3]);
    // PyTorch 1.13: torch.randint_like(torch.zeros(2), 5).dtype -> torch.float32 (the input's dtype)
    assert.equal(r.dtype, 'float64');
    assert.ok(vals(nb.randintLike(x, -3, 3)).every((v) => v >= -3 && v < 3));
  });

  test('randperm is a permutation, uniformly distributed', () => {
    for (const n of [0, 1, 2, 10, 1000]) {
      const p = nb.randperm(n);
      assert.equal(p.dtype, 'int32');
      assert.deepEqual(
        vals(p).sort((a, b) => a - b),
        Array.from({ length: n }, (_, i) => i),
      );
    }
    // All 6 orders of 3 items, 12000 shuffles: chi-square against 1/6 each (5 dof; bound 20.515).
    const g = new nb.Generator(4);
    const seen = new Map<string, number>();
    for (let i = 0; i < 12000; i++) {
      const key = vals(nb.randperm(3, { generator: g })).join('');
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    assert.equal(seen.size, 6);
    assert.ok(chiSquare([...seen.values()], new Array(6).fill(1 / 6)) < 20.515);
    // PyTorch 1.13: torch.randperm(3, dtype=torch.float) works; bool does not
    assert.equal(nb.randperm(3, { dtype: 'float32' }).dtype, 'float32');
    throwsWith(() => nb.randperm(3, { dtype: 'bool' }), nb.DTypeError, 'randperm:', 'bool');
    // PyTorch 1.13: torch.randperm(-1) -> "Trying to create tensor with negative dimension -1: [-1]"
    throwsWith(() => nb.randperm(-1), nb.ValueError, 'randperm:', '-1');
    throwsWith(() => nb.randperm(2.5), nb.ValueError, '2.5');
  });
});

describe('multinomial', () => {
  const weights = [1, 2, 3, 4];
  const probs = weights.map((w) => w / 10);

  test('with replacement, frequencies follow the weights (chi-square at 99.9%)', () => {
    const s = vals(nb.multinomial(nb.tensor(weights), 100000, { replacement: true, generator: new nb.Generator(5) }));
    const chi = chiSquare(countsOf(s, 4), probs);
    assert.ok(chi < CHI2_999[3], `chi-square ${chi}`);
    // The same bound rejects a sampler that ignores the weights (uniform draws).
    const uniform = vals(nb.randint(4, [100000], { generator: new nb.Generator(5) }));
    assert.ok(chiSquare(countsOf(uniform, 4), probs) > CHI2_999[3]);
  });

  test('without replacement: no repeats, zero weights never drawn, draw order follows the weights', () => {
    const g = new nb.Generator(6);
    const first: number[] = [];
    const second: number[] = [];
    for (let i = 0; i < 8000; i++) {
      const s = vals(nb.multinomial(nb.tensor([1, 0, 2, 3, 4]), 4, { generator: g }));
      assert.equal(new Set(s).size, 4);
      assert.ok(!s.includes(1));
      first.push(s[0] === 0 ? 0 : s[0] - 1);
      second.push(s[1] === 0 ? 0 : s[1] - 1);
    }
    assert.ok(chiSquare(countsOf(first, 4), probs) < CHI2_999[3]);
    // P(second = j) = sum over i != j of p_i * p_j / (1 - p_i)
    const p2 = probs.map((pj, j) => probs.reduce((s, pi, i) => (i === j ? s : s + (pi * pj) / (1 - pi)), 0));
    assert.ok(chiSquare(countsOf(second, 4), p2) < CHI2_999[3]);
    // Taking every category returns a permutation.
    assert.deepEqual(vals(nb.multinomial(nb.tensor([5, 1, 1]), 3)).sort(), [0, 1, 2]);
  });

  test('2-D weights sample each row from its own distribution', () => {
    const w = nb.tensor([
      [0, 0, 1],
      [1, 0, 0],
      [1, 1, 1],
    ]);
    const s = nb.multinomial(w, 1);
    assert.deepEqual(s.shape, [3, 1]);
    assert.equal(s.dtype, 'int32');
    const r = nb.multinomial(w, 5, { replacement: true }).tolist() as number[][];
    assert.deepEqual(r[0], [2, 2, 2, 2, 2]);
    assert.deepEqual(r[1], [0, 0, 0, 0, 0]);
    // PyTorch 1.13: torch.multinomial(torch.ones(0, 3), 1) -> tensor([], size=(0, 1), dtype=torch.int64)
    assert.deepEqual(nb.multinomial(nb.ones([0, 3]), 1).shape, [0, 1]);
    // non-contiguous weights are read in logical order
    const t = nb
      .tensor([
        [1, 0],
        [0, 1],
        [0, 0],
      ])
      .t();
    assert.deepEqual(nb.multinomial(t, 1).tolist(), [[0], [1]]);
  });

  test('errors use PyTorch wording', () => {
    // All messages from PyTorch 1.13 torch.multinomial with the same arguments.
    throwsWith(
      () => nb.multinomial(nb.tensor([1, 2]), 3),
      nb.ValueError,
      'multinomial:',
      'cannot sample n_sample > prob_dist.size(-1) samples without replacement',
    );
    throwsWith(
      () => nb.multinomial(nb.tensor([1, 0, 0]), 2),
      nb.ValueError,
      'not enough non-negative category to sample',
      'got 1',
    );
    throwsWith(
      () => nb.multinomial(nb.tensor([1, -1]), 1),
      nb.ValueError,
      'probability tensor contains either `inf`, `nan` or element < 0',
      '-1',
      '[1]',
    );
    throwsWith(() => nb.multinomial(nb.tensor([1, NaN]), 1), nb.ValueError, 'NaN');
    throwsWith(
      () =>
        nb.multinomial(
          nb.tensor([
            [1, 1],
            [Infinity, 1],
          ]),
          1,
        ),
      nb.ValueError,
      'Infinity',
      '[1, 0]',
    );
    throwsWith(
      () => nb.multinomial(nb.tensor([0, 0]), 1, { replacement: true }),
      nb.ValueError,
      'sum of probabilities <= 0',
    );
    throwsWith(
      () => nb.multinomial(nb.tensor([1, 2], { dtype: 'int32' }), 1),
      nb.DTypeError,
      'multinomial only supports floating-point dtypes',
      'int32',
    );
    throwsWith(() => nb.multinomial(nb.ones([2, 2, 2]), 1), nb.ShapeError, 'prob_dist must be 1 or 2 dim', '[2, 2, 2]');
    throwsWith(() => nb.multinomial(nb.tensor(1), 1), nb.ShapeError, '[]');
    throwsWith(() => nb.multinomial(nb.ones([2]), 0), nb.ValueError, 'cannot sample n_sample <= 0 samples');
    throwsWith(() => nb.multinomial(nb.ones([2]), 1.5), nb.ValueError, '1.5');
  });

  test('method form', () => {
    assert.deepEqual(nb.tensor([0, 1]).multinomial(3, { replacement: true }).tolist(), [1, 1, 1]);
  });
});

describe('bernoulli and normal', () => {
  test('bernoulli(probs): same shape and dtype, 0/1 with the given probabilities', () => {
    const p = nb.full([100000], 0.3, { dtype: 'float64' });
    const s = nb.bernoulli(p, { generator: new nb.Generator(8) });
    assert.equal(s.dtype, 'float64');
    assert.deepEqual(s.shape, [100000]);
    const x = vals(s);
    assert.ok(x.every((v) => v === 0 || v === 1));
    // standard error sqrt(0.21 / 1e5) = 0.0014
    assert.ok(Math.abs(meanStd(x)[0] - 0.3) < 0.006);
    assert.deepEqual(
      nb
        .bernoulli(
          nb.tensor([
            [0, 1],
            [1, 0],
          ]),
        )
        .tolist(),
      [
        [0, 1],
        [1, 0],
      ],
    );
    assert.deepEqual(nb.tensor([0, 1]).bernoulli().tolist(), [0, 1]);
  });

  test('bernoulli(x, p): x gives shape and dtype', () => {
    const s = nb.bernoulli(nb.zeros([4, 5], { dtype: 'int32' }), 1);
    assert.equal(s.dtype, 'int32');
    assert.deepEqual(vals(s), new Array(20).fill(1));
    assert.deepEqual(vals(nb.bernoulli(nb.ones([7]), 0)), new Array(7).fill(0));
    assert.equal(nb.bernoulli(nb.zeros([2], { dtype: 'bool' }), 0.5).dtype, 'bool');
  });

  test('bernoulli errors', () => {
    // PyTorch 1.13: torch.bernoulli(torch.tensor([0.5, 2.])) -> "Expected p_in >= 0 && p_in <= 1 to be true"
    throwsWith(() => nb.bernoulli(nb.tensor([0.5, 2])), nb.ValueError, 'bernoulli:', '[0, 1]', '2', 'flat index 1');
    throwsWith(() => nb.bernoulli(nb.tensor([NaN])), nb.ValueError, 'NaN');
    // PyTorch 1.13: torch.bernoulli(torch.tensor([1, 0])) -> '"bernoulli_tensor_cpu_p_" not implemented for 'Long''
    throwsWith(() => nb.bernoulli(nb.tensor([1, 0], { dtype: 'int32' })), nb.DTypeError, 'bernoulli:', 'int32');
    // PyTorch 1.13: torch.bernoulli(torch.tensor([1., 0.]), 1.5) -> "bernoulli_ expects p to be in [0, 1], but got p=1.5"
    throwsWith(() => nb.bernoulli(nb.zeros([2]), 1.5), nb.ValueError, 'p=1.5');
    throwsWith(() => nb.bernoulli([0.5] as never), nb.DTypeError, 'Tensor');
  });

  test('sampling results are outside the autograd graph', () => {
    const p = nb.tensor([0.5, 0.5], { requiresGrad: true });
    assert.equal(nb.bernoulli(p).requiresGrad, false);
    assert.equal(nb.normal(p, 1).requiresGrad, false);
    assert.equal(nb.multinomial(p, 1).requiresGrad, false);
  });

  test('normal(number, number, shape) has the requested moments', () => {
    const x = nb.normal(3, 2, [100000], { generator: new nb.Generator(9) }).data();
    const [m, s] = meanStd(x);
    assert.ok(Math.abs(m - 3) < 0.026, `mean ${m}`);
    assert.ok(Math.abs(s - 2) < 0.02, `std ${s}`);
    assert.equal(nb.normal(0, 1, [2], { dtype: 'float64' }).dtype, 'float64');
    assert.deepEqual(vals(nb.normal(5, 0, [3])), [5, 5, 5]);
  });

  test('normal with tensors broadcasts mean and std', () => {
    const mean = nb.tensor([[0], [100]]);
    const std = nb.tensor([0, 1, 0]);
    const y = nb.normal(mean, std);
    assert.deepEqual(y.shape, [2, 3]);
    const r = y.tolist() as number[][];
    assert.equal(r[0][0], 0);
    assert.equal(r[1][2], 100);
    assert.ok(Math.abs(r[1][1] - 100) < 6);
    assert.equal(nb.normal(nb.zeros([2], { dtype: 'float64' }), 1).dtype, 'float64');
    assert.deepEqual(vals(nb.normal(7, nb.zeros([2]))), [7, 7]);
  });

  test('normal errors', () => {
    // PyTorch 1.13: torch.normal(0., -1., (2,)) -> "normal expects std >= 0.0, but found std -1"
    throwsWith(() => nb.normal(0, -1, [2]), nb.ValueError, 'normal:', 'std >= 0', '-1');
    // PyTorch 1.13: torch.normal(torch.zeros(2), torch.tensor([1., -1.])) -> "normal expects all elements of std >= 0.0"
    throwsWith(() => nb.normal(nb.zeros([2]), nb.tensor([1, -1])), nb.ValueError, 'all elements of std >= 0.0');
    throwsWith(() => nb.normal(0, 1, undefined as never), nb.ValueError, 'normal:', 'shape');
    // PyTorch 1.13: torch.normal(torch.zeros(2, dtype=torch.int64), 1.) -> '"normal_kernel_cpu" not implemented for 'Long''
    throwsWith(() => nb.normal(nb.zeros([2], { dtype: 'int32' }), 1), nb.DTypeError, 'normal:', 'int32');
    throwsWith(() => nb.normal(nb.zeros([2]), nb.ones([3])), nb.ShapeError, 'normal:');
  });
});

describe('in-place initializers', () => {
  test('uniform_ fills [from, to), bumps the version, returns this, works on views', () => {
    const x = nb.zeros([200, 50]);
    const v0 = x.storage.version;
    const r = x.uniform_(-2, 3, { generator: new nb.Generator(10) });
    assert.equal(r, x);
    assert.equal(x.storage.version, v0 + 1);
    const d = x.data();
    assert.ok(d.every((v) => v >= -2 && v < 3));
    const [m, s] = meanStd(d);
    assert.ok(Math.abs(m - 0.5) < 0.04, `mean ${m}`);
    assert.ok(Math.abs(s - 5 / Math.sqrt(12)) < 0.03, `std ${s}`);
    // a transposed view: every element of the underlying storage is written
    const base = nb.full([3, 4], 100);
    base.t().uniform_();
    assert.ok(vals(base).every((v) => v >= 0 && v < 1));
    // PyTorch 1.13: torch.tensor(1.).uniform_(1, 1) -> tensor(1.)
    assert.equal(nb.tensor(1).uniform_(1, 1).item(), 1);
  });

  test('uniform_ stays below `to` even where rounding would reach it', () => {
    for (const [from, to] of [
      [0, 1e-30],
      [1, 1 + 1e-7],
      [-3, 0],
      [1e8, 1e8 + 1],
    ]) {
      for (const dtype of ['float32', 'float64'] as const) {
        const v = nb.zeros([1], { dtype }).uniform_(from, to, { generator: new MaxGenerator() }).item() as number;
        const [lo, hi] = dtype === 'float32' ? [Math.fround(from), Math.fround(to)] : [from, to];
        // float32 cannot tell 1e8 from 1e8 + 1: the only value left is from itself
        if (lo === hi) assert.equal(v, lo);
        else assert.ok(v >= lo && v < hi, `${dtype} [${from}, ${to}): ${v}`);
      }
    }
  });

  test('normal_, exponential_ and bernoulli_ have the right moments', () => {
    const g = new nb.Generator(11);
    const n = nb.zeros([100000], { dtype: 'float64' }).normal_(1, 3, { generator: g }).data();
    const [nm, ns] = meanStd(n);
    assert.ok(Math.abs(nm - 1) < 0.04 && Math.abs(ns - 3) < 0.03, `normal_ ${nm} ${ns}`);
    // Exp(2): mean 1/2, std 1/2
    const e = nb.zeros([100000]).exponential_(2, { generator: g }).data();
    const [em, es] = meanStd(e);
    assert.ok(e.every((v) => v >= 0));
    assert.ok(Math.abs(em - 0.5) < 0.008 && Math.abs(es - 0.5) < 0.01, `exponential_ ${em} ${es}`);
    // PyTorch 1.13: torch.zeros(2).exponential_(0) -> tensor([inf, inf])
    assert.deepEqual(vals(nb.zeros([2]).exponential_(0)), [Infinity, Infinity]);
    const b = nb.zeros([100000], { dtype: 'int32' }).bernoulli_(0.25, { generator: g });
    assert.equal(b.dtype, 'int32');
    assert.ok(Math.abs(meanStd(b.data())[0] - 0.25) < 0.006);
    // PyTorch 1.13: torch.zeros(3, dtype=torch.bool).bernoulli_(0.5) works
    assert.ok(vals(nb.zeros([10], { dtype: 'bool' }).bernoulli_(0.5)).every((v) => v === 0 || v === 1));
  });

  test('bernoulli_ with a tensor of probabilities broadcasts it to the target', () => {
    // PyTorch 1.13: torch.zeros(2, 3).bernoulli_(torch.tensor([0., 1., 1.])) -> [[0., 1., 1.], [0., 1., 1.]]
    assert.deepEqual(
      nb
        .zeros([2, 3])
        .bernoulli_(nb.tensor([0, 1, 1]))
        .tolist(),
      [
        [0, 1, 1],
        [0, 1, 1],
      ],
    );
    // PyTorch 1.13: torch.zeros(2).bernoulli_(torch.tensor([0., 1., 1.])) -> size mismatch
    throwsWith(() => nb.zeros([2]).bernoulli_(nb.tensor([0, 1, 1])), nb.ShapeError, 'bernoulli_:');
    throwsWith(() => nb.zeros([3]).bernoulli_(nb.tensor([[0.5]])), nb.ShapeError, 'bernoulli_:', '[3]', '[1, 1]');
    // PyTorch 1.13: torch.zeros(2).bernoulli_(torch.tensor([0.5, 2.])) -> "Expected p_in >= 0 && p_in <= 1 to be true"
    throwsWith(() => nb.zeros([2]).bernoulli_(nb.tensor([0.5, 2])), nb.ValueError, 'bernoulli_:', '2');
    // PyTorch 1.13: torch.zeros(2).bernoulli_(1.5) -> "bernoulli_ expects p to be in [0, 1], but got p=1.5"
    throwsWith(() => nb.zeros([2]).bernoulli_(1.5), nb.ValueError, 'bernoulli_:', 'p=1.5');
  });

  test('random_ draws integers in the requested or full range', () => {
    const g = new nb.Generator(12);
    // PyTorch 1.13: torch.zeros(3, dtype=torch.int64).random_(2) -> values in {0, 1}
    assert.ok(vals(nb.zeros([100], { dtype: 'int32' }).random_(2, { generator: g })).every((v) => v === 0 || v === 1));
    const r = vals(nb.zeros([1000]).random_(-3, 4, { generator: g }));
    assert.deepEqual(
      [...new Set(r)].sort((a, b) => a - b),
      [-3, -2, -1, 0, 1, 2, 3],
    );
    // no bounds: [0, 2^24] for float32, [0, 2^31 - 1] for int32, {0, 1} for bool
    const f = vals(nb.zeros([1000]).random_({ generator: g }));
    assert.ok(f.every((v) => Number.isInteger(v) && v >= 0 && v <= 2 ** 24));
    assert.ok(Math.max(...f) > 2 ** 22);
    const i = vals(nb.zeros([1000], { dtype: 'int32' }).random_());
    assert.ok(i.every((v) => v >= 0) && Math.max(...i) > 2 ** 29);
    assert.ok(vals(nb.zeros([100], { dtype: 'bool' }).random_()).some((v) => v === 1));
    // PyTorch 1.13: torch.zeros(2).random_(2, 1) -> "random_ expects 'from' to be less than 'to', but got from=2 >= to=1"
    throwsWith(() => nb.zeros([2]).random_(2, 1), nb.ValueError, 'random_:', 'from=2 >= to=1');
    // PyTorch 1.13: torch.zeros(2, dtype=torch.int32).random_(0, 2**32) -> "to - 1 is out of bounds for int"
    throwsWith(() => nb.zeros([2], { dtype: 'int32' }).random_(0, 2 ** 32), nb.ValueError, 'to - 1 is out of bounds');
  });

  test('float-only initializers refuse other dtypes; bad parameters are refused', () => {
    const i = nb.zeros([2], { dtype: 'int32' });
    // PyTorch 1.13: torch.zeros(2, dtype=torch.int64).uniform_() -> '"check_uniform_bounds" not implemented for 'Long''
    throwsWith(() => i.uniform_(), nb.DTypeError, 'uniform_:', 'int32');
    throwsWith(() => i.normal_(), nb.DTypeError, 'normal_:', 'int32');
    throwsWith(() => i.exponential_(), nb.DTypeError, 'exponential_:', 'int32');
    // PyTorch 1.13: torch.zeros(2).uniform_(2, 1) -> "uniform_ expects to return a [from, to) range, but found from=2 > to=1"
    throwsWith(() => nb.zeros([2]).uniform_(2, 1), nb.ValueError, 'uniform_:', 'from=2, to=1');
    // PyTorch 1.13: torch.zeros(2).normal_(0, -1) -> "normal expects std >= 0.0, but found std -1"
    throwsWith(() => nb.zeros([2]).normal_(0, -1), nb.ValueError, 'normal_:', 'std -1');
    // PyTorch 1.13: torch.zeros(2).exponential_(-1) -> "exponential_ expects lambda >= 0.0, but found lambda=-1"
    throwsWith(() => nb.zeros([2]).exponential_(-1), nb.ValueError, 'exponential_:', 'lambda=-1');
  });

  test('leaves that require grad are refused outside noGrad, without using the generator', () => {
    const w = nb.zeros([3], { requiresGrad: true });
    const g = new nb.Generator(13);
    const before = g.getState();
    for (const f of [
      () => w.uniform_(0, 1, { generator: g }),
      () => w.normal_(0, 1, { generator: g }),
      () => w.bernoulli_(0.5, { generator: g }),
      () => w.exponential_(1, { generator: g }),
      () => w.random_(0, 3, { generator: g }),
    ]) {
      throwsWith(f, nb.ValueError, 'leaf tensor that requires grad');
    }
    assert.deepEqual(g.getState(), before);
    nb.noGrad(() => w.uniform_(5, 6));
    assert.ok(vals(w).every((v) => v >= 5 && v < 6));
    assert.equal(w.requiresGrad, true);
  });
});
