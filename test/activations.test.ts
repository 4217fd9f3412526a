// Activations beyond the op table: numerical stability at |x| = 1000, PyTorch's gradients at
// the kinks spelled out, parameter forms, method forms, second derivatives and errors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import type { DType, Tensor } from '../src/index.js';
import { DTypeError, ValueError } from '../src/index.js';

function valueAndGrad(fn: (x: Tensor) => Tensor, xs: number[], dtype: DType = 'float64') {
  const x = nb.tensor(xs, { dtype, requiresGrad: true });
  const y = fn(x);
  y.sum().backward();
  return { y: y.tolist() as number[], g: x.grad!.tolist() as number[] };
}

const ACTIVATIONS: [string, (x: Tensor) => Tensor][] = [
  ['sigmoid', nb.sigmoid],
  ['logsigmoid', nb.logsigmoid],
  ['softplus', nb.softplus],
  ['softplus(beta=2, threshold=1e9)', (x) => nb.softplus(x, 2, 1e9)],
  ['relu', nb.relu],
  ['relu6', nb.relu6],
  ['leakyRelu', nb.leakyRelu],
  ['elu', nb.elu],
  ['selu', nb.selu],
  ['celu', nb.celu],
  ['gelu', nb.gelu],
  ['gelu tanh', (x) => nb.gelu(x, { approximate: 'tanh' })],
  ['silu', nb.silu],
  ['mish', nb.mish],
  ['softsign', nb.softsign],
  ['hardtanh', nb.hardtanh],
  ['hardsigmoid', nb.hardsigmoid],
  ['hardswish', nb.hardswish],
];

describe('numerical stability at |x| = 1000', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    test(`sigmoid, logsigmoid and softplus reach their limits (${dtype})`, () => {
      const xs = [-1000, 1000];
      // Limits: sigmoid -> 0, 1 (slope 0); logsigmoid -> x, 0 (slope 1, 0); softplus -> 0, x
      // (slope 0, 1). PyTorch 1.13 prints the same: F.logsigmoid([-1000., 1000.]) is
      // [-1000., 0.] with gradient [1., 0.].
      const s = valueAndGrad(nb.sigmoid, xs, dtype);
      assert.deepEqual(s.y, [0, 1]);
      assert.deepEqual(s.g, [0, 0]);
      const ls = valueAndGrad(nb.logsigmoid, xs, dtype);
      assert.deepEqual(
        ls.y.map((v) => v + 0),
        [-1000, 0],
      );
      assert.deepEqual(ls.g, [1, 0]);
      const sp = valueAndGrad(nb.softplus, xs, dtype);
      assert.deepEqual(sp.y, [0, 1000]);
      assert.deepEqual(sp.g, [0, 1]);
    });
    test(`every activation has finite values and gradients at ±1000 (${dtype})`, () => {
      for (const [name, fn] of ACTIVATIONS) {
        const { y, g } = valueAndGrad(fn, [-1000, -100, 100, 1000], dtype);
        for (const v of [...y, ...g]) assert.ok(Number.isFinite(v), `${name}: ${y} / ${g}`);
      }
    });
  }
  test('logsigmoid and softplus keep the tail (Python: -30 - log1p(exp(-30)), -log1p(exp(-40)))', () => {
    // Python 3: -30 - math.log1p(math.exp(-30)) = -30.000000000000092;
    // -math.log1p(math.exp(-40)) = -4.248354255291589e-18.
    const ls = nb.logsigmoid(nb.tensor([-30, 40], { dtype: 'float64' })).tolist() as number[];
    assert.equal(ls[0], -30.000000000000092);
    assert.ok(Math.abs(ls[1] + 4.248354255291589e-18) < 1e-30);
    const sp = nb.softplus(nb.tensor([-40], { dtype: 'float64' })).item() as number;
    assert.ok(Math.abs(sp - 4.248354255291589e-18) < 1e-30);
  });
  test('exact gelu stays accurate far in the negative tail', () => {
    // x * Phi(x) at x = -10: -10 * 0.5 * erfc(10 / sqrt 2) = -7.61985302416047e-23
    // (Python 3: -10 * 0.5 * math.erfc(10 / math.sqrt(2))).
    const v = nb.gelu(nb.tensor([-10], { dtype: 'float64' })).item() as number;
    assert.ok(Math.abs(v + 7.61985302416047e-23) < 1e-36);
  });
});

describe("gradients at the kinks are PyTorch's", () => {
  // Values printed by PyTorch 1.13 (torch.autograd on float64 inputs), e.g.
  // F.hardswish(torch.tensor([-3., 3.], requires_grad=True)).sum().backward() -> [-0.5, 1.5].
  const CASES: [string, (x: Tensor) => Tensor, number[], number[]][] = [
    ['relu at 0', nb.relu, [0], [0]],
    ['relu6 at 0 and 6', nb.relu6, [0, 6, 3], [0, 0, 1]],
    ['hardtanh at -1 and 1', nb.hardtanh, [-1, 1, 0], [0, 0, 1]],
    ['leakyRelu at 0', nb.leakyRelu, [0], [0.01]],
    ['elu(alpha=2) at 0', (x) => nb.elu(x, 2), [0], [2]],
    ['celu(alpha=2) at 0', (x) => nb.celu(x, 2), [0], [1]],
    ['selu at 0', nb.selu, [0], [1.7580993408473766]],
    ['hardsigmoid at -3 and 3', nb.hardsigmoid, [-3, 3, 0], [0, 0, 1 / 6]],
    ['hardswish at -3 and 3', nb.hardswish, [-3, 3, -4, 4, 0], [-0.5, 1.5, 0, 1, 0.5]],
    ['softplus at 0', nb.softplus, [0], [0.5]],
    ['logsigmoid at 0', nb.logsigmoid, [0], [0.5]],
    ['mish at 0', nb.mish, [0], [0.6]],
    ['gelu at 0', nb.gelu, [0], [0.5]],
  ];
  for (const [what, fn, xs, want] of CASES) {
    test(what, () => {
      const { g } = valueAndGrad(fn, xs);
      g.forEach((v, k) => assert.ok(Math.abs(v - want[k]) < 1e-7, `${what}: gradient ${g}, PyTorch ${want}`));
    });
  }
});

describe('parameters and method forms', () => {
  const x = nb.tensor([-2, -0.5, 0.5, 2], { dtype: 'float64' });
  const same = (a: Tensor, b: Tensor) => assert.deepEqual(a.tolist(), b.tolist());
  test('positional and named parameters give the same result', () => {
    same(nb.leakyRelu(x, 0.2), nb.leakyRelu(x, { negativeSlope: 0.2 }));
    same(nb.elu(x, 2), nb.elu(x, { alpha: 2 }));
    same(nb.celu(x, 2), nb.celu(x, { alpha: 2 }));
    same(nb.softplus(x, 2, 1), nb.softplus(x, { beta: 2, threshold: 1 }));
    same(nb.hardtanh(x, -0.5, 1), nb.hardtanh(x, { minVal: -0.5, maxVal: 1 }));
    assert.deepEqual(nb.leakyRelu(x, 0.2).tolist(), [-0.4, -0.1, 0.5, 2]);
    assert.deepEqual(nb.hardtanh(x, -0.5, 1).tolist(), [-0.5, -0.5, 0.5, 1]);
  });
  test('softplus switches to x above threshold / beta (PyTorch: F.softplus(x, 2, 1) at 0.5 is 0.5)', () => {
    // beta * x = 1 is not above the threshold 1, so 0.5 uses the log form: ln(1 + e) / 2.
    const y = nb.softplus(nb.tensor([0.5, 0.6], { dtype: 'float64' }), 2, 1).tolist() as number[];
    assert.ok(Math.abs(y[0] - Math.log1p(Math.E) / 2) < 1e-15);
    assert.equal(y[1], 0.6);
  });
  test('every method form equals its function', () => {
    same(x.relu6(), nb.relu6(x));
    same(x.leakyRelu(0.3), nb.leakyRelu(x, 0.3));
    same(x.elu(), nb.elu(x));
    same(x.selu(), nb.selu(x));
    same(x.celu(), nb.celu(x));
    same(x.gelu({ approximate: 'tanh' }), nb.gelu(x, { approximate: 'tanh' }));
    same(x.silu(), nb.silu(x));
    same(x.mish(), nb.mish(x));
    same(x.softplus(), nb.softplus(x));
    same(x.softsign(), nb.softsign(x));
    same(x.hardtanh(), nb.hardtanh(x));
    same(x.hardsigmoid(), nb.hardsigmoid(x));
    same(x.hardswish(), nb.hardswish(x));
    same(x.logsigmoid(), nb.logsigmoid(x));
  });
  test('dtypes: float32 stays float32, integers become float32, relu keeps int32', () => {
    assert.equal(nb.gelu(nb.tensor([1, 2], { dtype: 'float32' })).dtype, 'float32');
    assert.equal(nb.silu(nb.tensor([1, 2], { dtype: 'int32' })).dtype, 'float32');
    const r = nb.relu(nb.tensor([-1, 2], { dtype: 'int32' }));
    assert.equal(r.dtype, 'int32');
    assert.deepEqual(r.tolist(), [0, 2]);
  });
});

describe('second derivatives through the composites', () => {
  test("gelu'' = phi(x) (2 - x^2) and softplus'' = s(x) (1 - s(x))", () => {
    const xs = [-1.3, 0.2, 2.1];
    const phi = (v: number) => Math.exp((-v * v) / 2) / Math.sqrt(2 * Math.PI);
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    for (const [fn, second] of [
      [nb.gelu, (v: number) => phi(v) * (2 - v * v)],
      [nb.softplus, (v: number) => sig(v) * (1 - sig(v))],
    ] as const) {
      const x = nb.tensor(xs, { dtype: 'float64', requiresGrad: true });
      const [g] = nb.grad(fn(x).sum(), x, { createGraph: true });
      const [h] = nb.grad(g.sum(), x);
      (h.tolist() as number[]).forEach((v, k) => assert.ok(Math.abs(v - second(xs[k])) < 1e-12, `${v}`));
    }
  });
});

describe('errors', () => {
  const x = nb.zeros([2]);
  test('bad arguments name the op and the value', () => {
    assert.throws(
      () => nb.relu('x' as never),
      (e: Error) => e instanceof DTypeError && /relu: .*string/.test(e.message),
    );
    assert.throws(
      () => nb.leakyRelu(x, 'big' as never),
      (e: Error) =>
        e instanceof DTypeError && /leakyRelu: expected negativeSlope to be a number, got string/.test(e.message),
    );
    assert.throws(
      () => nb.hardtanh(x, 2, 1),
      (e: Error) => e instanceof ValueError && /hardtanh: .*minVal 2 and maxVal 1/.test(e.message),
    );
    assert.throws(
      () => nb.gelu(x, { approximate: 'fast' as never }),
      (e: Error) => e instanceof ValueError && /gelu: .*'fast'/.test(e.message),
    );
    assert.throws(
      () => nb.celu(x, 0),
      (e: Error) => e instanceof ValueError && /celu: .*alpha cannot be 0/.test(e.message),
    );
  });
});
