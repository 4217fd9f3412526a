// The autograd engine: accumulation, freed graphs, version counters, hooks, functional grad,
// higher-order derivatives and custom functions. Expected values are derived by hand from the
// formula in each comment.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';

const f64 = (v: nb.TensorData, requiresGrad = true) => nb.tensor(v, { dtype: 'float64', requiresGrad });

describe('backward', () => {
  test('accumulates into .grad across calls', () => {
    const x = f64([1, 2, 3]);
    const y = x.mul(x).sum(); // dy/dx = 2x
    y.backward(null, { retainGraph: true });
    assert.deepEqual(x.grad!.tolist(), [2, 4, 6]);
    y.backward();
    assert.deepEqual(x.grad!.tolist(), [4, 8, 12]);
  });

  test('a second backward through freed values says to pass retainGraph', () => {
    const x = f64([1, 2]);
    const y = x.exp().sum();
    y.backward();
    assert.throws(
      () => y.backward(),
      (e: unknown) => e instanceof nb.BackwardNotSupportedError && /retainGraph: true/.test(e.message),
    );
  });

  test('a saved tensor modified in place is refused with its version', () => {
    const x = f64([1, 2]);
    const h = x.mul(2);
    const y = h.exp(); // saves its output y
    nb.noGrad(() => y.add_(1));
    assert.throws(
      () => y.sum().backward(),
      (e: unknown) =>
        e instanceof nb.BackwardNotSupportedError &&
        /modified by an in-place operation/.test(e.message) &&
        /version 1/.test(e.message),
    );
  });

  test('in-place ops on a leaf that requires grad are refused outside noGrad', () => {
    const w = f64([1, 2]);
    assert.throws(
      () => w.add_(1),
      (e: unknown) => e instanceof nb.ValueError && /leaf tensor that requires grad/.test(e.message),
    );
    const v0 = w.storage.version;
    nb.noGrad(() => w.sub_(f64([1, 1], false), { alpha: 0.5 }));
    assert.deepEqual(w.tolist(), [0.5, 1.5]);
    assert.equal(w.storage.version, v0 + 1);
  });

  test('in-place ops on non-leaf tensors are recorded', () => {
    const x = f64([1, 2]);
    const y = x.mul(2);
    const z = y.mul(y); // saves y's current values (2x)
    y.add_(1).mul_(3); // y = 3(2x + 1)
    y.sum().add(z.sum()).backward(); // d/dx = 6 + 8x
    assert.deepEqual(y.tolist(), [9, 15]);
    assert.deepEqual(x.grad!.tolist(), [14, 22]);
  });

  test('in-place ops on views under autograd are refused with a clear message', () => {
    const x = f64([1, 2, 3, 4]);
    const v = x.mul(1).reshape([2, 2]);
    assert.throws(
      () => v.add_(1),
      (e: unknown) =>
        e instanceof nb.UnsupportedOpError &&
        /add_: in-place operation on a tensor that shares its storage/.test(e.message),
    );
  });

  test('in-place results must keep the shape', () => {
    const a = nb.zeros([2]);
    assert.throws(
      () => a.add_(nb.ones([3, 2])),
      (e: unknown) => e instanceof nb.ShapeError && /add_: .*\[2\].*\[3, 2\]/.test(e.message),
    );
    a.copy_(nb.tensor([[5, 6]]).squeeze(0));
    assert.deepEqual(a.tolist(), [5, 6]);
  });

  test('overlapping in-place copies read the old values', () => {
    const a = nb.tensor([1, 2, 3, 4]);
    a.narrow(0, 1, 3).copy_(a.narrow(0, 0, 3));
    assert.deepEqual(a.tolist(), [1, 1, 2, 3]);
  });

  test('a non-scalar root needs its gradient', () => {
    const x = f64([1, 2]);
    const y = x.mul(3);
    assert.throws(
      () => y.backward(),
      /grad can be implicitly created only for scalar outputs, got an output of shape \[2\]/,
    );
    y.backward(f64([1, 10], false));
    assert.deepEqual(x.grad!.tolist(), [3, 30]);
  });

  test('a root that does not require grad is refused', () => {
    assert.throws(() => nb.tensor([1]).sum().backward(), /does not require grad/);
  });

  test('reused subexpressions and broadcasting sum their gradients', () => {
    const x = f64([[1], [2]]); // [2, 1]
    const b = f64([1, 2, 3]); // [3]
    const y = x.mul(b).add(x); // [2, 3]: dy/dx = sum_j (b_j + 1) = 9, dy/db_j = sum_i x_i = 3
    y.sum().backward();
    assert.deepEqual(x.grad!.tolist(), [[9], [9]]);
    assert.deepEqual(b.grad!.tolist(), [3, 3, 3]);
  });

  test('gradients of many slices of one tensor add up (the in-place slice path)', () => {
    const x = f64([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    const z = x.mul(1);
    // z.sum() hands a broadcast (shared) gradient to z first; the slices must not write into it.
    let loss = z.sum();
    for (let t = 0; t < 3; t++)
      loss = loss.add(
        z
          .select(0, t)
          .mul(t + 1)
          .sum(),
      );
    loss = loss.add(z.narrow(1, 1, 2).sum().mul(10));
    loss.backward();
    // d/dx[i][j] = 1 + (i + 1) + (j >= 1 ? 10 : 0)
    assert.deepEqual(x.grad!.tolist(), [
      [2, 12, 12],
      [3, 13, 13],
      [4, 14, 14],
    ]);
    // The same sums through createGraph (the recorded path) agree and stay differentiable.
    const z2 = x.mul(1);
    const [g] = nb.grad(z2.select(0, 2).square().sum().add(z2.select(0, 2).sum()), [x], { createGraph: true });
    assert.deepEqual(g.tolist(), [
      [0, 0, 0],
      [0, 0, 0],
      [15, 17, 19],
    ]);
    assert.equal(g.requiresGrad, true);
  });

  test('a graph 20,000 ops deep does not overflow the stack', () => {
    const x = f64([0.5]);
    let y = x;
    for (let i = 0; i < 20000; i++) y = y.mul(1);
    y.sum().backward();
    assert.deepEqual(x.grad!.tolist(), [1]);
  });

  test('leaves and non-leaves, requiresGrad rules', () => {
    const x = f64([1]);
    const y = x.mul(2);
    assert.equal(x.isLeaf, true);
    assert.equal(y.isLeaf, false);
    assert.equal(y.requiresGrad, true);
    assert.throws(() => y.requiresGrad_(false), /only change requiresGrad flags of leaf tensors/);
    assert.throws(() => nb.tensor([1], { dtype: 'int32', requiresGrad: true }), nb.DTypeError);
    const d = y.detach();
    assert.equal(d.requiresGrad, false);
    assert.equal(d.storage, y.storage);
  });
});

describe('grad mode', () => {
  test('noGrad and enableGrad nest and restore after a throw', () => {
    const x = f64([1]);
    assert.equal(nb.noGrad(() => x.mul(2)).requiresGrad, false);
    assert.equal(nb.noGrad(() => nb.enableGrad(() => x.mul(2))).requiresGrad, true);
    assert.throws(() =>
      nb.noGrad(() => {
        throw new Error('boom');
      }),
    );
    assert.equal(nb.isGradEnabled(), true);
  });
});

describe('hooks and retainGrad', () => {
  test('a leaf hook can replace the gradient, and be removed', () => {
    const x = f64([1, 2]);
    const h = x.registerHook((g) => g.mul(10));
    x.mul(x).sum().backward(); // 2x * 10
    assert.deepEqual(x.grad!.tolist(), [20, 40]);
    h.remove();
    x.grad = null;
    x.mul(x).sum().backward();
    assert.deepEqual(x.grad!.tolist(), [2, 4]);
  });

  test('an intermediate hook sees the gradient flowing through it', () => {
    const x = f64([1, 2]);
    const h = x.mul(3);
    let seen: number[] = [];
    h.registerHook((g) => {
      seen = g.tolist() as number[];
    });
    h.square().sum().backward(); // d/dh = 2h = [6, 12]
    assert.deepEqual(seen, [6, 12]);
    assert.deepEqual(x.grad!.tolist(), [18, 36]);
  });

  test('retainGrad keeps a non-leaf gradient', () => {
    const x = f64([1, 2]);
    const h = x.mul(3);
    h.retainGrad();
    h.sum().backward();
    assert.deepEqual(h.grad!.tolist(), [1, 1]);
  });
});

describe('functional grad and higher order', () => {
  test('grad returns gradients without touching .grad', () => {
    const x = f64([1, 2]);
    const [g] = nb.grad(x.pow(2).sum(), [x]);
    assert.deepEqual(g.tolist(), [2, 4]);
    assert.equal(x.grad, null);
  });

  test('unused inputs: an error, or null / zeros when allowed', () => {
    const x = f64([1]);
    const z = f64([5]);
    const y = x.mul(2).sum();
    assert.throws(() => nb.grad(y, [x, z], { retainGraph: true }), /not have been used in the graph/);
    const [gx, gz] = nb.grad(y, [x, z], { allowUnused: true, retainGraph: true });
    assert.deepEqual(gx!.tolist(), [2]);
    assert.equal(gz, null);
    const [, gz0] = nb.grad(y, [x, z], { allowUnused: true, materializeGrads: true });
    assert.deepEqual(gz0!.tolist(), [0]);
  });

  test('third derivative of x^4 at 2 is 24x = 48', () => {
    const x = f64([2]);
    const [g1] = nb.grad(x.pow(4).sum(), [x], { createGraph: true }); // 4x^3 = 32
    const [g2] = nb.grad(g1.sum(), [x], { createGraph: true }); // 12x^2 = 48
    const [g3] = nb.grad(g2.sum(), [x]); // 24x = 48
    assert.deepEqual([g1.item(), g2.item(), g3.item()], [32, 48, 48]);
  });

  test('Hessian-vector product of sum(sin(x) * y) matches the closed form', () => {
    const x = f64([0.3, -1.2]);
    const y = f64([2, 0.5]);
    const f = x.sin().mul(y).sum();
    const [gx] = nb.grad(f, [x], { createGraph: true }); // y cos x
    const v = f64([1, -1], false);
    const [hv] = nb.grad(gx.mul(v).sum(), [x, y]); // d/dx: -y sin x * v
    const want = [-2 * Math.sin(0.3) * 1, -0.5 * Math.sin(-1.2) * -1];
    (hv.tolist() as number[]).forEach((a, i) => assert.ok(Math.abs(a - want[i]) < 1e-12));
  });

  test('gradcheck finds a wrong gradient', () => {
    const wrong = nb.customFunction({
      forward(_ctx, x: nb.Tensor) {
        return x.square();
      },
      backward(_ctx, dy) {
        return dy.mul(3); // the true derivative is 2x
      },
    });
    const x = nb.randn([3], { dtype: 'float64', requiresGrad: true });
    assert.equal(
      nb.gradcheck((t) => wrong.apply(t), [x], { raiseException: false }),
      false,
    );
    assert.throws(() => nb.gradcheck((t) => wrong.apply(t), [x]), /Jacobian mismatch/);
  });
});

describe('customFunction', () => {
  const myExp = nb.customFunction({
    name: 'myExp',
    forward(ctx, x: nb.Tensor) {
      const y = x.exp();
      ctx.saveForBackward(y);
      return y;
    },
    backward(ctx, dy) {
      const [y] = ctx.savedTensors;
      return dy.mul(y);
    },
  });

  test('its backward is used, twice differentiably', () => {
    const x = f64([0.5, -1]);
    assert.equal(
      nb.gradcheck((t) => myExp.apply(t), [x]),
      true,
    );
    const [g] = nb.grad(myExp.apply(x).sum(), [x], { createGraph: true });
    const [h] = nb.grad(g.sum(), [x]);
    (h.tolist() as number[]).forEach((v, i) => assert.ok(Math.abs(v - Math.exp([0.5, -1][i])) < 1e-12));
    assert.equal(myExp.apply(x).gradFn!.name, 'myExp');
  });

  test('non-tensor arguments and several inputs', () => {
    const scaleAdd = nb.customFunction({
      forward(ctx, a: nb.Tensor, b: nb.Tensor, k: number) {
        ctx.values.k = k;
        return a.mul(k).add(b);
      },
      backward(ctx, dy) {
        return [dy.mul(ctx.values.k as number), ctx.needsInputGrad[1] ? dy : null];
      },
    });
    const a = f64([1, 2]);
    const b = f64([3, 4], false);
    scaleAdd.apply(a, b, 5).sum().backward();
    assert.deepEqual(a.grad!.tolist(), [5, 5]);
  });

  test('wrong gradient count or shape is reported', () => {
    const bad = nb.customFunction({
      name: 'bad',
      forward(_ctx, a: nb.Tensor) {
        return a.sum();
      },
      backward(_ctx, dy) {
        return dy; // shape [] instead of [2]
      },
    });
    assert.throws(
      () => bad.apply(f64([1, 2])).backward(),
      (e: unknown) =>
        e instanceof nb.ShapeError &&
        /bad: expected the gradient of input 0 to have shape \[2\], got \[\]/.test(e.message),
    );
  });
});
