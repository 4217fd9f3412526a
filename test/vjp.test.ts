// nb.vjp: each function's output equals the op's, and its input gradients equal both autograd's
// (whose rule gradcheck verifies on the same inputs) and an independent finite-difference
// vector-Jacobian product, dy . (f(x + h e_j) - f(x - h e_j)) / 2h, in float64.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import type { Tensor } from '../src/index.js';

const F = nb.nn.functional;
const g = new nb.Generator(11);
const rnd = (shape: number[], low = -1, high = 1) =>
  nb
    .rand(shape, { dtype: 'float64', generator: g })
    .mul(high - low)
    .add(low);
const pos = (shape: number[]) => rnd(shape, 0.5, 2);

interface Case {
  name: string;
  /** The op, over all inputs (as autograd and finite differences see it). */
  f: (...xs: Tensor[]) => Tensor;
  /** The vjp form, given the inputs and dy. */
  v: (xs: Tensor[], dy: Tensor) => nb.vjp.VjpResult<readonly (Tensor | null)[]>;
  inputs: () => Tensor[];
}

const cases: Case[] = [
  ...(['exp', 'log', 'tanh', 'sigmoid', 'relu', 'neg', 'sqrt'] as const).map((op): Case => ({
    name: op,
    f: (x) => nb[op](x),
    v: ([x], dy) => nb.vjp[op](x, dy),
    // Away from relu's kink and log/sqrt's singularity.
    inputs: () => [op === 'log' || op === 'sqrt' ? pos([3, 4]) : rnd([3, 4]).add(rnd([3, 4]).sign().mul(0.1))],
  })),
  ...(['add', 'sub', 'mul', 'div'] as const).map((op): Case => ({
    name: `${op} (broadcast)`,
    f: (a, b) => nb[op](a, b),
    v: ([a, b], dy) => nb.vjp[op](a, b, dy),
    inputs: () => [rnd([2, 3]), op === 'div' ? pos([3]) : rnd([3])],
  })),
  {
    name: 'matmul',
    f: (a, b) => a.matmul(b),
    v: ([a, b], dy) => nb.vjp.matmul(a, b, dy),
    inputs: () => [rnd([2, 3]), rnd([3, 4])],
  },
  {
    name: 'matmul (batched, broadcast)',
    f: (a, b) => a.matmul(b),
    v: ([a, b], dy) => nb.vjp.matmul(a, b, dy),
    inputs: () => [rnd([2, 2, 3]), rnd([3, 2])],
  },
  {
    name: 'pow (tensor exponent)',
    f: (a, b) => a.pow(b),
    v: ([a, b], dy) => nb.vjp.pow(a, b, dy),
    inputs: () => [pos([4]), rnd([4])],
  },
  { name: 'pow (number exponent)', f: (a) => a.pow(3), v: ([a], dy) => nb.vjp.pow(a, 3, dy), inputs: () => [rnd([4])] },
  { name: 'sum (all)', f: (x) => x.sum(), v: ([x], dy) => nb.vjp.sum(x, dy), inputs: () => [rnd([2, 3])] },
  {
    name: 'sum (dim, keepdim)',
    f: (x) => x.sum(1, { keepdim: true }),
    v: ([x], dy) => nb.vjp.sum(x, dy, 1, { keepdim: true }),
    inputs: () => [rnd([2, 3])],
  },
  {
    name: 'mean (dims)',
    f: (x) => x.mean([0, 2]),
    v: ([x], dy) => nb.vjp.mean(x, dy, [0, 2]),
    inputs: () => [rnd([2, 3, 2])],
  },
  {
    name: 'softmax',
    f: (x) => nb.softmax(x, -1),
    v: ([x], dy) => nb.vjp.softmax(x, dy, -1),
    inputs: () => [rnd([2, 4])],
  },
  {
    name: 'logSoftmax',
    f: (x) => nb.logSoftmax(x, 0),
    v: ([x], dy) => nb.vjp.logSoftmax(x, dy, 0),
    inputs: () => [rnd([3, 2])],
  },
  {
    name: 'linear',
    f: (x, w, b) => F.linear(x, w, b),
    v: ([x, w, b], dy) => nb.vjp.linear(x, w, b, dy),
    inputs: () => [rnd([2, 3]), rnd([4, 3]), rnd([4])],
  },
  {
    name: 'conv2d (padding, stride)',
    f: (x, w, b) => F.conv2d(x, w, b, { padding: 1, stride: 2 }),
    v: ([x, w, b], dy) => nb.vjp.conv2d(x, w, b, dy, { padding: 1, stride: 2 }),
    inputs: () => [rnd([1, 2, 5, 4]), rnd([3, 2, 3, 3]), rnd([3])],
  },
  {
    name: 'layerNorm',
    f: (x, w, b) => F.layerNorm(x, [4], { weight: w, bias: b }),
    v: ([x, w, b], dy) => nb.vjp.layerNorm(x, w, b, dy),
    inputs: () => [rnd([3, 4]), rnd([4]), rnd([4])],
  },
  {
    name: 'maxPool2d',
    f: (x) => F.maxPool2d(x, 2),
    v: ([x], dy) => nb.vjp.maxPool2d(x, dy, 2),
    // Distinct values, so every window has a unique maximum (no ties, no kink).
    inputs: () => [nb.randperm(16, { generator: g }).to('float64').mul(0.1).reshape([1, 1, 4, 4])],
  },
  {
    name: 'crossEntropy (probabilities)',
    f: (x, t) => F.crossEntropy(x, t),
    v: ([x, t], dy) => nb.vjp.crossEntropy(x, t, dy),
    inputs: () => [rnd([3, 4]), nb.softmax(rnd([3, 4]), -1)],
  },
  {
    name: 'mseLoss (sum)',
    f: (a, b) => F.mseLoss(a, b, { reduction: 'sum' }),
    v: ([a, b], dy) => nb.vjp.mseLoss(a, b, dy, { reduction: 'sum' }),
    inputs: () => [rnd([2, 3]), rnd([2, 3])],
  },
  {
    name: 'of(swish)',
    f: (x) => x.mul(x.sigmoid()),
    v: ([x], dy) => nb.vjp.of((t: Tensor) => t.mul(t.sigmoid()))(x, dy),
    inputs: () => [rnd([5])],
  },
];

// dy . dF/dx_i by central differences, element by element (float64).
function numericVjp(f: (...xs: Tensor[]) => Tensor, xs: Tensor[], i: number, dy: Tensor, h = 1e-6): Tensor {
  const base = xs[i].contiguous().data() as Float64Array;
  const out = new Float64Array(base.length);
  const at = (j: number, d: number) => {
    const v = Float64Array.from(base);
    v[j] += d;
    const args = xs.slice();
    args[i] = nb.tensor(Array.from(v), { dtype: 'float64' }).reshape(xs[i].shape);
    return nb.noGrad(() => f(...args));
  };
  for (let j = 0; j < base.length; j++) {
    out[j] = (at(j, h).sub(at(j, -h)).mul(dy).sum().item() as number) / (2 * h);
  }
  return nb.tensor(Array.from(out), { dtype: 'float64' }).reshape(xs[i].shape);
}

function close(got: Tensor, want: Tensor, tol: number, what: string): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  const a = got.contiguous().data();
  const b = want.contiguous().data();
  for (let i = 0; i < b.length; i++) {
    assert.ok(
      Math.abs(Number(a[i]) - Number(b[i])) <= tol * (1 + Math.abs(Number(b[i]))),
      `${what}[${i}]: ${a[i]} vs ${b[i]}`,
    );
  }
}

describe('vjp functions against autograd and finite differences (float64)', () => {
  for (const c of cases) {
    test(c.name, () => {
      const xs = c.inputs();
      const leaves = xs.map((x) => x.detach().requiresGrad_());
      assert.equal(nb.gradcheck(c.f, leaves), true, 'gradcheck of the op');
      const y = c.f(...leaves);
      const dy = rnd([...y.shape]);
      y.backward(dy);
      const [out, grads] = c.v(xs, dy);
      close(out, y.detach(), 0, 'output');
      assert.equal(out.requiresGrad, false);
      // Extra entries stand for non-tensor arguments (pow's number exponent): no gradient.
      assert.ok(grads.slice(xs.length).every((gi) => gi === null));
      grads.slice(0, xs.length).forEach((gi, i) => {
        assert.ok(gi !== null, `grad ${i} is null`);
        assert.equal(gi.requiresGrad, false);
        close(gi, leaves[i].grad!, 1e-12, `grad ${i} vs autograd`);
        close(gi, numericVjp(c.f, xs, i, dy), 1e-6, `grad ${i} vs finite differences`);
      });
      for (const x of xs) assert.equal(x.grad, null, 'inputs are not touched');
    });
  }
});

describe('vjp details', () => {
  test('matmul by hand: da = dy b^T, db = a^T dy', () => {
    const a = nb.tensor([
      [1, 2],
      [3, 4],
    ]);
    const b = nb.tensor([
      [5, 6],
      [7, 8],
    ]);
    const dy = nb.tensor([
      [1, 0],
      [0, 1],
    ]);
    const [y, [da, db]] = nb.vjp.matmul(a, b, dy);
    assert.deepEqual(y.tolist(), [
      [19, 22],
      [43, 50],
    ]);
    assert.deepEqual(da.tolist(), [
      [5, 7],
      [6, 8],
    ]); // b^T
    assert.deepEqual(db.tolist(), [
      [1, 3],
      [2, 4],
    ]); // a^T
  });

  test('null for a missing bias, integer targets and number exponents', () => {
    const x = rnd([2, 3]);
    const w = rnd([4, 3]);
    const [, [dx, dw, db]] = nb.vjp.linear(x, w, null, rnd([2, 4]));
    assert.deepEqual([dx.shape, dw.shape, db], [[2, 3], [4, 3], null]);
    const [loss, [dl, dt]] = nb.vjp.crossEntropy(
      rnd([3, 4]),
      nb.tensor([0, 3, 1], { dtype: 'int32' }),
      nb.tensor(1, { dtype: 'float64' }),
    );
    assert.deepEqual([loss.shape, dl.shape, dt], [[], [3, 4], null]);
    assert.equal(nb.vjp.pow(x, 2, rnd([2, 3]))[1][1], null);
  });

  test('an input the output does not depend on gets zeros', () => {
    const f = nb.vjp.of((a: Tensor, _b: Tensor) => a.mul(2));
    const [, [da, db]] = f(rnd([2]), rnd([3]), nb.tensor([1, -1], { dtype: 'float64' }));
    assert.deepEqual(da!.tolist(), [2, -2]);
    assert.deepEqual(db!.tolist(), [0, 0, 0]);
  });

  test('errors name the vjp function and the shapes', () => {
    assert.throws(
      () => nb.vjp.tanh(rnd([2, 3]), rnd([3, 2])),
      (e: unknown) => e instanceof nb.ShapeError && /vjp\.tanh/.test(e.message) && /\[2, 3\].*\[3, 2\]/.test(e.message),
    );
    assert.throws(
      () => nb.vjp.add(rnd([2]), [1, 2] as unknown as Tensor, rnd([2])),
      (e: unknown) => e instanceof nb.DTypeError && /vjp\.add/.test(e.message) && /input 1/.test(e.message),
    );
    assert.throws(
      () => nb.vjp.exp(rnd([2]), undefined as unknown as Tensor),
      (e: unknown) => e instanceof nb.DTypeError && /vjp\.exp/.test(e.message) && /dy/.test(e.message),
    );
    assert.throws(
      () => nb.vjp.layerNorm(rnd([2, 3]), null, null, rnd([2, 3])),
      (e: unknown) => e instanceof nb.ValueError && /normalizedShape/.test(e.message),
    );
  });

  test('works inside noGrad and inside a custom function backward', () => {
    const x = rnd([3]);
    const dy = rnd([3]);
    const [, [dx]] = nb.noGrad(() => nb.vjp.tanh(x, dy));
    close(dx, dy.mul(x.tanh().square().neg().add(1)), 1e-15, 'dx');
    // A hand-written backward that defers to vjp.tanh.
    const myTanh = nb.customFunction({
      forward: (ctx, t: Tensor) => {
        ctx.saveForBackward(t);
        return t.tanh();
      },
      backward: (ctx, gOut) => nb.vjp.tanh(ctx.savedTensors[0], gOut)[1][0],
    });
    const xl = x.detach().requiresGrad_();
    myTanh.apply(xl).backward(dy);
    close(xl.grad!, dx, 1e-15, 'custom function');
  });
});
