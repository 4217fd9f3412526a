// nn.utils: gradient clipping by total norm and by value, and flattening parameters. Expected
// figures come from PyTorch 1.13 (torch.nn.utils) on the same gradients, as labelled.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import type { Tensor } from '../src/index.js';

const { clipGradNorm_, clipGradValue_, parametersToVector, vectorToParameters } = nb.nn.utils;

// Three parameters; the third has no gradient and must be skipped.
function params(): Tensor[] {
  const a = nb.zeros([2, 2]).requiresGrad_();
  const b = nb.zeros([3]).requiresGrad_();
  const c = nb.zeros([2]).requiresGrad_();
  a.grad = nb.tensor([
    [1, -2],
    [3, 0.5],
  ]);
  b.grad = nb.tensor([4, -1, 0.25]);
  return [a, b, c];
}

function near(got: Tensor, want: number[], tol = 1e-6): void {
  const g = Array.from(got.data(), Number);
  assert.equal(g.length, want.length);
  g.forEach((v, i) => {
    if (Number.isNaN(want[i])) assert.ok(Number.isNaN(v), `[${i}]: expected NaN, got ${v}`);
    else if (!Number.isFinite(want[i])) assert.equal(v, want[i], `[${i}]`);
    else assert.ok(Math.abs(v - want[i]) <= tol * Math.max(1, Math.abs(want[i])), `[${i}]: got ${v}, want ${want[i]}`);
  });
}

const grads = (ps: Tensor[]) => ps.slice(0, 2).map((p) => Array.from(p.grad!.data(), Number));

describe('clipGradNorm_', () => {
  test('2-norm: returns the total norm and scales by maxNorm / (total + 1e-6)', () => {
    const ps = params();
    const total = clipGradNorm_(ps, 1.0);
    assert.deepEqual(total.shape, []);
    assert.equal(total.dtype, 'float32');
    // PyTorch 1.13: clip_grad_norm_(ps, 1.0) -> 5.595757007598877
    near(total, [5.595757007598877]);
    // PyTorch 1.13: the clipped gradients
    near(ps[0].grad!, [0.178706795, -0.35741359, 0.5361204147, 0.0893533975]);
    near(ps[1].grad!, [0.7148271799, -0.178706795, 0.0446766987]);
    assert.equal(ps[2].grad, null);
    // The clipped gradients' joint norm is maxNorm (up to the 1e-6 in the denominator).
    near(nb.norm(nb.cat(ps.slice(0, 2).map((p) => p.grad!.reshape([-1])))), [1], 1e-5);
  });

  test('infinity norm (normType Infinity or "inf")', () => {
    for (const normType of [Infinity, 'inf'] as const) {
      const ps = params();
      // PyTorch 1.13: clip_grad_norm_(ps, 2.0, norm_type=inf) -> 4.0
      near(clipGradNorm_(ps, 2.0, { normType }), [4]);
      near(ps[0].grad!, [0.4999998808, -0.9999997616, 1.4999996424, 0.2499999404]);
      near(ps[1].grad!, [1.9999995232, -0.4999998808, 0.1249999702]);
    }
  });

  test('1-norm', () => {
    const ps = params();
    // PyTorch 1.13: clip_grad_norm_(ps, 3.0, norm_type=1) -> 11.75
    near(clipGradNorm_(ps, 3.0, { normType: 1 }), [11.75]);
    near(ps[0].grad!, [0.2553191185, -0.510638237, 0.7659573555, 0.1276595592]);
  });

  test('no scaling when the norm is already below maxNorm: gradients unchanged bit for bit', () => {
    const ps = params();
    const before = grads(ps);
    near(clipGradNorm_(ps, 100), [5.595757007598877]);
    assert.deepEqual(grads(ps), before);
  });

  test("a non-finite norm: PyTorch's error with errorIfNonfinite, else scaling by it", () => {
    const ps = params();
    ps[1].grad = nb.tensor([Infinity, -1, 0.25]);
    assert.throws(
      () => clipGradNorm_(ps, 1.0, { errorIfNonfinite: true }),
      (e: unknown) =>
        e instanceof nb.ValueError &&
        e.message.includes('clipGradNorm_') &&
        e.message.includes('The total norm of order 2.0 for gradients from `parameters` is non-finite'),
    );
    // Nothing was scaled before the error.
    assert.deepEqual(grads(ps)[0], [1, -2, 3, 0.5]);
    // PyTorch 1.13: total inf; gradients times 1 / inf -> 0, and inf * 0 -> NaN.
    near(clipGradNorm_(ps, 1.0), [Infinity]);
    near(ps[0].grad!, [0, -0, 0, 0]);
    near(ps[1].grad!, [NaN, -0, 0]);
  });

  test('no gradients at all gives a 0 norm; one tensor may be passed alone', () => {
    // PyTorch 1.13: clip_grad_norm_([p_without_grad], 1.0) -> tensor(0.)
    near(clipGradNorm_([nb.zeros([2]).requiresGrad_()], 1.0), [0]);
    const p = nb.zeros([2]).requiresGrad_();
    p.grad = nb.tensor([3, 4]);
    near(clipGradNorm_(p, 1.0), [5]);
    near(p.grad, [0.6 / (1 + 0.2e-6), 0.8 / (1 + 0.2e-6)]);
  });

  test('clipping after backward, with the graph untouched', () => {
    const w = nb.tensor([3, 4], { requiresGrad: true });
    w.mul(w).sum().backward(); // grad [6, 8], norm 10
    near(clipGradNorm_([w], 5), [10]);
    near(w.grad!, [3, 4], 1e-5);
    assert.equal(w.grad!.requiresGrad, false);
  });

  test('argument errors name the function', () => {
    assert.throws(() => clipGradNorm_(params(), NaN), /clipGradNorm_: expected maxNorm/);
    assert.throws(() => clipGradNorm_(42 as never, 1), /clipGradNorm_: expected a Tensor or an iterable/);
  });
});

describe('clipGradValue_', () => {
  test('clamps every gradient to [-clipValue, clipValue]', () => {
    const ps = params();
    clipGradValue_(ps, 0.75);
    // PyTorch 1.13: clip_grad_value_(ps, 0.75)
    assert.deepEqual(grads(ps), [
      [0.75, -0.75, 0.75, 0.5],
      [0.75, -0.75, 0.25],
    ]);
    assert.equal(ps[2].grad, null);
  });
});

describe('parametersToVector / vectorToParameters', () => {
  test('round trip, in order', () => {
    const a = nb.tensor([
      [1, 2],
      [3, 4],
    ]);
    const b = nb.tensor([5, 6, 7]);
    const v = parametersToVector([a, b]);
    assert.deepEqual(Array.from(v.data()), [1, 2, 3, 4, 5, 6, 7]);
    vectorToParameters(nb.arange(7).to('float32').mul(-1), [a, b]);
    assert.deepEqual(Array.from(a.data()), [-0, -1, -2, -3]);
    assert.deepEqual(Array.from(b.data()), [-4, -5, -6]);
  });

  test('parametersToVector is differentiable; vectorToParameters writes leaves outside the graph', () => {
    const a = nb.tensor([1, 2], { requiresGrad: true });
    const b = nb.tensor([[3]], { requiresGrad: true });
    parametersToVector([a, b])
      .mul(nb.tensor([1, 2, 3]))
      .sum()
      .backward();
    assert.deepEqual(Array.from(a.grad!.data()), [1, 2]);
    assert.deepEqual(Array.from(b.grad!.data()), [3]);
    vectorToParameters(nb.tensor([9, 8, 7]), [a, b]);
    assert.deepEqual(Array.from(b.data()), [7]);
    assert.equal(a.requiresGrad, true);
    assert.equal(a.isLeaf, true);
  });

  test('a vector of the wrong size is an error naming both sizes', () => {
    assert.throws(
      () => vectorToParameters(nb.zeros([5]), [nb.zeros([2, 2]), nb.zeros([3])]),
      (e: unknown) =>
        e instanceof nb.ShapeError && /vectorToParameters: expected a 1-D vector of 7 elements.*\[5\]/.test(e.message),
    );
  });
});
