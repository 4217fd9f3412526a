// nn.init: gains and fans, the distributions of the random initializers (bounds and standard
// deviations tight enough that a wrong fan fails), orthogonality, the exact initializers, and
// in-place behaviour on parameters.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';

const { nn } = nb;
const { init } = nn;

function stats(t: nb.Tensor): { mean: number; std: number; min: number; max: number } {
  const d = t.data();
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of d) {
    s += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = s / d.length;
  let ss = 0;
  for (const v of d) ss += (v - mean) ** 2;
  return { mean, std: Math.sqrt(ss / d.length), min, max };
}

const near = (got: number, want: number, rel: number, what: string) =>
  assert.ok(Math.abs(got - want) <= rel * Math.abs(want), `${what}: expected ${want} (±${rel * 100}%), got ${got}`);

const g = (seed: number) => ({ generator: new nb.Generator(seed) });

describe('nn.init gains and fans', () => {
  test('calculateGain matches PyTorch', () => {
    // PyTorch 1.13: torch.nn.init.calculate_gain(name, param)
    assert.equal(init.calculateGain('linear'), 1);
    assert.equal(init.calculateGain('conv_transpose2d'), 1);
    assert.equal(init.calculateGain('convTranspose2d'), 1);
    assert.equal(init.calculateGain('sigmoid'), 1);
    assert.equal(init.calculateGain('tanh'), 1.6666666666666667);
    assert.equal(init.calculateGain('relu'), 1.4142135623730951);
    assert.equal(init.calculateGain('leaky_relu'), 1.4141428569978354);
    assert.equal(init.calculateGain('leakyRelu', 0.2), 1.3867504905630728);
    assert.equal(init.calculateGain('selu'), 0.75);
    assert.throws(
      () => init.calculateGain('swish' as never),
      (e: unknown) => e instanceof nb.ValueError && /Unsupported nonlinearity swish/.test(e.message),
    );
  });

  test('fans use the receptive field, as PyTorch', () => {
    // PyTorch 1.13: init._calculate_fan_in_and_fan_out(torch.empty(16, 3, 5, 5)) == (75, 400)
    assert.deepEqual(init.calculateFanInAndFanOut(nb.empty([16, 3, 5, 5])), [75, 400]);
    assert.deepEqual(init.calculateFanInAndFanOut(nb.empty([4, 3])), [3, 4]);
    assert.throws(
      () => init.calculateFanInAndFanOut(nb.empty([5])),
      (e: unknown) =>
        e instanceof nb.ValueError && /fewer than 2 dimensions/.test(e.message) && /\[5\]/.test(e.message),
    );
  });
});

describe('nn.init random initializers', () => {
  test('uniform_ and normal_ draw the requested distribution, reproducibly', () => {
    const u = init.uniform_(nb.empty([20000]), -0.5, 1.5, g(1));
    const su = stats(u);
    assert.ok(su.min >= -0.5 && su.max < 1.5 && su.min < -0.49 && su.max > 1.49);
    near(su.std, 2 / Math.sqrt(12), 0.03, 'uniform std');
    assert.deepEqual(
      init.uniform_(nb.empty([5]), 0, 1, g(7)).tolist(),
      init.uniform_(nb.empty([5]), 0, 1, g(7)).tolist(),
    );
    const n = stats(init.normal_(nb.empty([20000], { dtype: 'float64' }), 3, 0.5, g(2)));
    near(n.mean, 3, 0.01, 'normal mean');
    near(n.std, 0.5, 0.03, 'normal std');
  });

  test('constant_, ones_, zeros_', () => {
    assert.deepEqual(init.constant_(nb.empty([2]), 0.25).tolist(), [0.25, 0.25]);
    assert.deepEqual(init.ones_(nb.empty([2])).tolist(), [1, 1]);
    assert.deepEqual(init.zeros_(nb.empty([2], { dtype: 'int32' })).tolist(), [0, 0]);
  });

  test('xavierUniform_ / xavierNormal_ use (fanIn + fanOut) with the receptive field', () => {
    // Conv weight [80, 40, 3, 3]: fanIn 360, fanOut 720. Leaving out the receptive field (40 and
    // 80) or using one fan alone would move the bound by 20% or more.
    const w = nb.empty([80, 40, 3, 3]);
    const bound = 2 * Math.sqrt(6 / (360 + 720));
    const s = stats(init.xavierUniform_(w, { gain: 2, generator: new nb.Generator(3) }));
    assert.ok(s.max <= bound && s.min >= -bound, 'inside the bound');
    assert.ok(s.max > 0.99 * bound && s.min < -0.99 * bound, 'reaches the bound');
    near(s.std, bound / Math.sqrt(3), 0.02, 'xavier uniform std');
    const sn = stats(init.xavierNormal_(nb.empty([300, 200]), 1, g(4)));
    near(sn.std, Math.sqrt(2 / 500), 0.02, 'xavier normal std');
  });

  test('kaimingUniform_ / kaimingNormal_: gain / sqrt(fan) for each mode and nonlinearity', () => {
    // [64, 100, 3]: fanIn 300, fanOut 192.
    const shape = [64, 100, 3];
    const def = stats(init.kaimingUniform_(nb.empty(shape), undefined, g(5)));
    const b = Math.sqrt(6 / 300); // gain sqrt(2), bound sqrt(3) * gain / sqrt(fanIn)
    assert.ok(def.max <= b && def.max > 0.99 * b && def.min >= -b);
    const out = stats(init.kaimingUniform_(nb.empty(shape), { mode: 'fanOut', generator: new nb.Generator(6) }));
    const bo = Math.sqrt(6 / 192);
    assert.ok(out.max <= bo && out.max > 0.99 * bo);
    // Linear's default: a = sqrt(5) gives bound 1 / sqrt(fanIn).
    const lin = stats(init.kaimingUniform_(nb.empty([50, 400]), { a: Math.sqrt(5), generator: new nb.Generator(7) }));
    assert.ok(lin.max <= 1 / 20 && lin.max > 0.99 / 20);
    const kn = stats(
      init.kaimingNormal_(nb.empty(shape), { nonlinearity: 'relu', mode: 'fan_out', generator: new nb.Generator(8) }),
    );
    near(kn.std, Math.SQRT2 / Math.sqrt(192), 0.02, 'kaiming normal std');
    const tanh = stats(init.kaimingNormal_(nb.empty(shape), { nonlinearity: 'tanh', generator: new nb.Generator(9) }));
    near(tanh.std, 5 / 3 / Math.sqrt(300), 0.02, 'kaiming normal (tanh) std');
    // A zero-element tensor is left alone, as in PyTorch (even a 1-D one).
    assert.equal(init.kaimingUniform_(nb.empty([0])).numel(), 0);
    assert.throws(() => init.kaimingUniform_(nb.empty([2, 2]), { mode: 'fan' as never }), nb.ValueError);
  });

  test('truncNormal_ stays in [a, b] with the truncated distribution’s moments', () => {
    // Moments of N(0, 1) truncated to [a, b], from the closed-form formulas (Python math.erf):
    // [-2, 2]: mean 0, std 0.8796256610342398; [1, 3]: mean 1.510049513243984, std 0.4164767759721087.
    const t = stats(init.truncNormal_(nb.empty([40000], { dtype: 'float64' }), 0, 1, -2, 2, g(10)));
    assert.ok(t.min >= -2 && t.max <= 2);
    assert.ok(Math.abs(t.mean) < 0.015);
    near(t.std, 0.8796256610342398, 0.02, 'trunc std');
    const tail = stats(init.truncNormal_(nb.empty([40000], { dtype: 'float64' }), 5, 2, 7, 11, g(11)));
    assert.ok(tail.min >= 7 && tail.max <= 11);
    near(tail.mean, 5 + 2 * 1.510049513243984, 0.005, 'one-sided trunc mean');
    near(tail.std, 2 * 0.4164767759721087, 0.02, 'one-sided trunc std');
    // Far in the tail the inverse CDF still works (no NaN, inside the range).
    const far = stats(init.truncNormal_(nb.empty([1000], { dtype: 'float64' }), 0, 1, 8, 9, g(12)));
    assert.ok(far.min >= 8 && far.max <= 9 && far.mean > 8 && far.mean < 8.2);
  });

  test('orthogonal_ gives orthonormal rows or columns, times gain', () => {
    const eye = (n: number) => nb.eye(n, { dtype: 'float64' });
    const closeTo = (a: nb.Tensor, b: nb.Tensor, tol: number) => {
      const d = a.sub(b).abs().amax().item() as number;
      assert.ok(d < tol, `max deviation ${d}`);
    };
    const wide = init.orthogonal_(nb.empty([5, 8], { dtype: 'float64' }), 1, g(13));
    closeTo(wide.matmul(wide.t()), eye(5), 1e-12);
    const tall = init.orthogonal_(nb.empty([8, 5], { dtype: 'float64' }), 1, g(14));
    closeTo(tall.t().matmul(tall), eye(5), 1e-12);
    const sq = init.orthogonal_(nb.empty([6, 6]), { gain: 2, generator: new nb.Generator(15) });
    closeTo(sq.matmul(sq.t()).to('float64'), eye(6).mul(4), 1e-5);
    // A conv weight is viewed as [out, in * k * k].
    const conv = init.orthogonal_(nb.empty([6, 2, 2, 2], { dtype: 'float64' }), 1, g(16)).reshape([6, 8]);
    closeTo(conv.matmul(conv.t()), eye(6), 1e-12);
    assert.throws(() => init.orthogonal_(nb.empty([3])), nb.ValueError);
  });
});

describe('nn.init exact initializers', () => {
  test('eye_', () => {
    assert.deepEqual(init.eye_(nb.empty([2, 3])).tolist(), [
      [1, 0, 0],
      [0, 1, 0],
    ]);
    assert.throws(
      () => init.eye_(nb.empty([2, 2, 2])),
      (e: unknown) => e instanceof nb.ValueError && /Only tensors with 2 dimensions are supported/.test(e.message),
    );
  });

  test('dirac_ puts ones at the kernel centre per group', () => {
    // PyTorch 1.13: w = torch.empty(4, 2, 3); init.dirac_(w, 2); w.flatten().tolist()
    const want = new Array(24).fill(0);
    for (const i of [1, 10, 13, 22]) want[i] = 1;
    assert.deepEqual(Array.from(init.dirac_(nb.empty([4, 2, 3]), 2).data()), want);
    // PyTorch 1.13: init.dirac_(torch.empty(2, 3, 3, 3)).nonzero() == [[0, 0, 1, 1], [1, 1, 1, 1]]
    const w = init.dirac_(nb.full([2, 3, 3, 3], 5));
    assert.deepEqual(w.nonzero().tolist(), [
      [0, 0, 1, 1],
      [1, 1, 1, 1],
    ]);
    assert.equal(w.sum().item(), 2);
    assert.throws(() => init.dirac_(nb.empty([3, 3])), nb.ValueError);
    assert.throws(
      () => init.dirac_(nb.empty([3, 2, 3]), 2),
      (e: unknown) => e instanceof nb.ValueError && /divisible by groups/.test(e.message),
    );
  });
});

describe('nn.init on parameters', () => {
  test('works in place on a parameter that requires grad, outside noGrad, and bumps its version', () => {
    const p = new nn.Parameter(nb.zeros([3, 4]));
    const v0 = p.storage.version;
    const r = init.xavierUniform_(p);
    assert.equal(r, p);
    assert.ok(p.requiresGrad && p.isLeaf && p.gradFn === null);
    assert.ok(p.storage.version > v0);
    assert.ok((p.abs().sum().item() as number) > 0);
    init.orthogonal_(p);
    init.truncNormal_(p);
    init.eye_(p);
    init.constant_(p, 2);
    assert.deepEqual((p.tolist() as number[][])[0], [2, 2, 2, 2]);
  });

  test('writes through a non-contiguous view', () => {
    const w = nb.zeros([3, 4]);
    init.ones_(w.t().slice(0, 1, 3));
    assert.deepEqual(w.tolist(), [
      [0, 1, 1, 0],
      [0, 1, 1, 0],
      [0, 1, 1, 0],
    ]);
  });

  test('the global generator makes initialization reproducible', () => {
    nb.manualSeed(42);
    const a = init.kaimingNormal_(nb.empty([4, 4])).tolist();
    nb.manualSeed(42);
    assert.deepEqual(init.kaimingNormal_(nb.empty([4, 4])).tolist(), a);
  });
});
