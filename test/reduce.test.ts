// Reductions beyond the op table: error messages, NaN handling, numerical stability, and the
// gradients at the points where a plain formula would divide by zero.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import type { Tensor } from '../src/index.js';

const f64 = (v: number[]) => nb.tensor(v, { dtype: 'float64' });
const leaf = (v: number[]) => nb.tensor(v, { dtype: 'float64', requiresGrad: true });

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

describe('reductions: error messages name the op and the offending value', () => {
  const x = nb.zeros([2, 3]);

  test('a dim out of range', () => {
    throwsWith(() => nb.sum(x, 2), nb.IndexError, 'sum', '[-2, 1]', '2');
    throwsWith(() => nb.prod(x, -3), nb.IndexError, 'prod', '-3');
    throwsWith(() => nb.max(x, 5), nb.IndexError, 'max', '5');
    throwsWith(() => nb.argmax(x, -3), nb.IndexError, 'argmax', '-3');
    throwsWith(() => nb.sort(x, { dim: 4 }), nb.IndexError, 'sort', '4');
    throwsWith(() => nb.cumsum(x, 2), nb.IndexError, 'cumsum', '2');
    throwsWith(() => nb.softmax(x, 2), nb.IndexError, 'softmax', '2');
    throwsWith(() => nb.var(x, 7), nb.IndexError, 'var', '7');
    throwsWith(() => nb.norm(x, 2, 3), nb.IndexError, 'norm', '3');
  });

  test('a repeated dim', () => {
    throwsWith(() => nb.sum(x, [0, 0]), nb.IndexError, 'sum', 'dim 0');
    throwsWith(() => nb.amax(x, [1, -1]), nb.IndexError, 'amax', 'dim 1');
    throwsWith(() => nb.logsumexp(x, [0, -2]), nb.IndexError, 'logsumexp', 'dim 0');
  });

  test('max, amax, argmax and median of an empty reduction (PyTorch 1.13 wording)', () => {
    // PyTorch 1.13: torch.zeros(2, 0).max(1) -> "max(): Expected reduction dim 1 to have non-zero size."
    const e = nb.zeros([2, 0]);
    throwsWith(() => nb.max(e, 1), nb.ValueError, 'max', 'Expected reduction dim 1 to have non-zero size', '[2, 0]');
    throwsWith(() => nb.amax(e, 1), nb.ValueError, 'amax', 'Expected reduction dim 1 to have non-zero size');
    throwsWith(() => nb.amin(e, [0, 1]), nb.ValueError, 'amin', 'Expected reduction dim 1 to have non-zero size');
    throwsWith(() => nb.argmax(e, 1), nb.ValueError, 'argmax', 'Expected reduction dim 1 to have non-zero size');
    throwsWith(() => nb.median(e, -1), nb.ValueError, 'median', 'Expected reduction dim 1 to have non-zero size');
    // PyTorch 1.13: torch.zeros(0).max() -> "max(): Expected reduction dim to be specified for input.numel() == 0. ..."
    throwsWith(() => nb.max(nb.zeros([0])), nb.ValueError, 'max', 'Expected reduction dim to be specified');
    throwsWith(() => nb.amax(e), nb.ValueError, 'amax', 'Expected reduction dim to be specified');
    throwsWith(() => nb.argmin(e), nb.ValueError, 'argmin', 'Expected reduction dim to be specified');
  });

  test('floating-point-only reductions refuse integers', () => {
    const i = nb.tensor([1, 2, 3], { dtype: 'int32' });
    throwsWith(() => nb.mean(i), nb.DTypeError, 'mean', 'int32');
    throwsWith(() => nb.var(i), nb.DTypeError, 'var', 'int32');
    throwsWith(() => nb.std(i, 0), nb.DTypeError, 'std', 'int32');
    throwsWith(() => nb.softmax(i, 0), nb.DTypeError, 'softmax', 'int32');
    throwsWith(() => nb.logSoftmax(i, 0), nb.DTypeError, 'logSoftmax', 'int32');
    throwsWith(() => nb.norm(i), nb.DTypeError, 'norm', 'int32');
    throwsWith(() => nb.nanmean(i), nb.DTypeError, 'nanmean', 'int32');
    // ...unless a float dtype is asked for.
    near(nb.softmax(i, 0, { dtype: 'float64' }).sum(), [1]);
    assert.equal(nb.mean(i, 0, { dtype: 'float64' }).item(), 2);
  });

  test('topk with k out of range, and unsupported norms', () => {
    throwsWith(() => nb.topk(nb.zeros([3]), 4), nb.IndexError, 'topk', 'k out of range', '4');
    throwsWith(() => nb.topk(nb.zeros([3]), -1), nb.IndexError, 'topk', '-1');
    throwsWith(() => nb.norm(x, 'nuc' as never), nb.UnsupportedOpError, 'norm', 'nuc');
    throwsWith(() => nb.norm(x, 'abc' as never), nb.ValueError, 'norm', 'abc');
  });
});

describe('reductions: empty inputs and dtypes', () => {
  test('sum gives 0, prod 1, mean NaN, var NaN, all true, any false over a size-0 dim', () => {
    const e = nb.zeros([2, 0], { dtype: 'float64' });
    near(nb.sum(e, 1), [0, 0]);
    near(nb.prod(e, 1), [1, 1]);
    near(nb.mean(e, 1), [NaN, NaN]);
    near(nb.var(e, 1), [NaN, NaN]);
    near(nb.logsumexp(e, 1), [-Infinity, -Infinity]);
    assert.deepEqual(nb.all(e, 1).tolist(), [true, true]);
    assert.deepEqual(nb.any(e, 1).tolist(), [false, false]);
    // PyTorch 1.13: torch.median(torch.zeros(0)) -> tensor(nan)
    assert.ok(Number.isNaN(nb.median(nb.zeros([0])).item()));
  });

  test('integer sums and products stay int32; max and argmax work on int32', () => {
    const i = nb.tensor(
      [
        [3, -1, 4],
        [1, 5, -9],
      ],
      { dtype: 'int32' },
    );
    assert.equal(nb.sum(i).dtype, 'int32');
    assert.equal(nb.sum(i).item(), 3);
    assert.equal(nb.prod(i, 1).dtype, 'int32');
    assert.deepEqual(nb.prod(i, 1).tolist(), [-12, -45]);
    assert.deepEqual(nb.cumsum(i, 1).tolist(), [
      [3, 2, 6],
      [1, 6, -3],
    ]);
    const m = nb.max(i, 1);
    assert.equal(m.values.dtype, 'int32');
    assert.deepEqual(m.values.tolist(), [4, 5]);
    assert.deepEqual(m.indices.tolist(), [2, 1]);
    assert.equal(nb.argmax(i).item(), 4);
    assert.equal(nb.min(i).item(), -9);
    assert.equal(nb.sum(nb.tensor([true, true, false])).item(), 2);
  });

  test('max with a tensor is the elementwise maximum', () => {
    assert.deepEqual(nb.max(nb.tensor([1, 5]), nb.tensor([3, 2])).tolist(), [3, 5]);
    assert.deepEqual(
      nb
        .tensor([1, 5])
        .min(nb.tensor([3, 2]))
        .tolist(),
      [1, 2],
    );
  });
});

describe('reductions: NaN counts as the largest value (PyTorch 1.13)', () => {
  const x = () => f64([1, NaN, 3, NaN]);

  test('max, amax and min propagate NaN; with a dim the index of the first NaN', () => {
    // PyTorch 1.13: torch.max(torch.tensor([1., nan, 3, nan]), 0) -> values=nan, indices=1
    assert.ok(Number.isNaN(nb.max(x()).item()));
    assert.ok(Number.isNaN(nb.amax(x()).item()));
    assert.ok(Number.isNaN(nb.amin(x()).item()));
    const m = nb.max(x(), 0);
    assert.ok(Number.isNaN(m.values.item()));
    assert.equal(m.indices.item(), 1);
    // PyTorch 1.13: torch.min(torch.tensor([1., nan, 3, nan]), 0) -> values=nan, indices=1
    assert.equal(nb.min(x(), 0).indices.item(), 1);
  });

  test('argmax and argmin pick the first NaN', () => {
    // PyTorch 1.13: torch.argmax / torch.argmin of [1., nan, 3, nan] -> 1 and 1
    assert.equal(nb.argmax(x()).item(), 1);
    assert.equal(nb.argmin(x()).item(), 1);
    assert.deepEqual(nb.argmax(f64([1, 2, 3, 4, NaN, 0]).reshape([2, 3]), 1).tolist(), [2, 1]);
  });

  test('sort and topk put NaN last ascending, first descending', () => {
    const y = f64([1, NaN, 3, -Infinity]);
    // PyTorch 1.13: torch.sort(y) -> values [-inf, 1, 3, nan], indices [3, 0, 2, 1]
    const up = nb.sort(y);
    near(up.values, [-Infinity, 1, 3, NaN]);
    assert.deepEqual(up.indices.tolist(), [3, 0, 2, 1]);
    // PyTorch 1.13: torch.sort(y, descending=True) -> values [nan, 3, 1, -inf], indices [1, 2, 0, 3]
    const down = nb.sort(y, { descending: true });
    near(down.values, [NaN, 3, 1, -Infinity]);
    assert.deepEqual(down.indices.tolist(), [1, 2, 0, 3]);
    // PyTorch 1.13: torch.topk(y, 2) -> values [nan, 3], indices [1, 2]
    const top = nb.topk(y, 2);
    near(top.values, [NaN, 3]);
    assert.deepEqual(top.indices.tolist(), [1, 2]);
    // PyTorch 1.13: torch.topk(y, 2, largest=False) -> values [-inf, 1], indices [3, 0]
    const bottom = nb.topk(y, 2, { largest: false });
    near(bottom.values, [-Infinity, 1]);
    assert.deepEqual(bottom.indices.tolist(), [3, 0]);
  });

  test('median returns NaN (and the first NaN position) when a slice holds one', () => {
    // PyTorch 1.13: torch.median(torch.tensor([1., nan, 3, nan]), 0) -> values=nan, indices=1
    const m = nb.median(x(), 0);
    assert.ok(Number.isNaN(m.values.item()));
    assert.equal(m.indices.item(), 1);
    assert.ok(Number.isNaN(nb.median(x()).item()));
  });

  test('nansum and nanmean skip NaN, and give it no gradient', () => {
    const y = leaf([1, NaN, 2]);
    const s = nb.nansum(y);
    assert.equal(s.item(), 3);
    s.backward();
    near(y.grad!, [1, 0, 1]);
    assert.equal(nb.nanmean(f64([1, NaN, 2])).item(), 1.5);
    assert.equal(nb.countNonzero(f64([NaN, 0, 2])).item(), 2);
  });
});

describe('reductions: numerical stability', () => {
  test('logsumexp of large and very negative inputs', () => {
    // exact: log(2 e^1000) = 1000 + ln 2
    near(nb.logsumexp(f64([1000, 1000]), 0), [1000 + Math.LN2]);
    near(nb.logsumexp(f64([-1000, -1000]), 0), [-1000 + Math.LN2]);
    near(nb.logsumexp(nb.tensor([1000, 1000]), 0), [1000 + Math.LN2], 1e-6);
    // PyTorch 1.13: all -inf gives -inf; a +inf element gives inf
    near(nb.logsumexp(f64([-Infinity, -Infinity]), 0), [-Infinity]);
    near(nb.logsumexp(f64([Infinity, 1]), 0), [Infinity]);
    const y = leaf([1000, 1000, -1000]);
    nb.logsumexp(y, 0).backward();
    near(y.grad!, [0.5, 0.5, 0]);
  });

  test('softmax and logSoftmax of large and very negative inputs', () => {
    near(nb.softmax(f64([1000, 1000]), 0), [0.5, 0.5]);
    near(nb.softmax(f64([1000, 0, -1000]), 0), [1, 0, 0]);
    near(nb.softmax(f64([-1000, -1000]), 0), [0.5, 0.5]);
    near(nb.softmax(nb.tensor([1000, 1000]), 0), [0.5, 0.5], 1e-7);
    // exact: log(e^0 / (e^0 + e^-1000)) = 0 to double precision, and -1000 for the other
    near(nb.logSoftmax(f64([1000, 0]), 0), [0, -1000]);
    near(nb.logSoftmax(f64([-1000, -2000]), 0), [0, -1000]);
    const y = leaf([1000, 1000]);
    nb.softmax(y, 0)
      .mul(f64([1, 0]))
      .sum()
      .backward();
    // d softmax_0 / d y = s0 (delta - s) = [0.25, -0.25]
    near(y.grad!, [0.25, -0.25]);
  });

  test('var subtracts the mean first (no cancellation around a large mean)', () => {
    // exact: var([1e9 + 1, 1e9 + 2, 1e9 + 3]) = 1
    near(nb.var(f64([1e9 + 1, 1e9 + 2, 1e9 + 3])), [1]);
  });
});

describe('reductions: gradients where a plain formula would divide by zero', () => {
  test('norm at the zero vector has gradient 0, not NaN (PyTorch 1.13)', () => {
    for (const p of [2, 'fro', 3, 0.5] as const) {
      const z = leaf([0, 0, 0]);
      nb.norm(z, p).backward();
      near(z.grad!, [0, 0, 0]);
    }
    // A zero row next to a non-zero one: only the zero row's gradient is masked.
    const m = nb.tensor(
      [
        [0, 0],
        [3, 4],
      ],
      { dtype: 'float64', requiresGrad: true },
    );
    nb.norm(m, 2, 1).sum().backward();
    near(m.grad!, [0, 0, 0.6, 0.8]);
  });

  test('std of a constant slice has gradient 0 (PyTorch 1.13)', () => {
    const c = leaf([2, 2, 2]);
    nb.std(c).backward();
    near(c.grad!, [0, 0, 0]);
  });

  test('prod with one and several zeros: exact products of the other elements', () => {
    // by hand: d prod / d x_i = prod_{j != i} x_j
    const a = leaf([2, 0, 3]);
    nb.prod(a).backward();
    near(a.grad!, [0, 6, 0]);
    const b = leaf([0, 0, 3]);
    nb.prod(b).backward();
    near(b.grad!, [0, 0, 0]);
    // second derivatives: d^2 prod / dx_i dx_j = prod_{k != i, j} x_k, summed over i
    const c = leaf([2, 0, 3]);
    const [g] = nb.grad([nb.prod(c)], [c], { createGraph: true });
    const [h] = nb.grad([g.sum()], [c]);
    near(h, [3, 5, 2]);
  });

  test('cumprod with zeros: exact, no division by x', () => {
    // by hand: dx_k = sum_{i >= k} g_i prod_{j <= i, j != k} x_j with g = [1, 2, 3, 4, 5]
    const x = leaf([2, 0, 3, 0, 5]);
    nb.cumprod(x, 0).backward(f64([1, 2, 3, 4, 5]));
    near(x.grad!, [1, 22, 0, 0, 0]);
  });

  test('max with a dim sends the gradient to the first maximum; max() shares it among ties', () => {
    const x = leaf([1, 3, 3]);
    nb.max(x, 0).values.backward();
    near(x.grad!, [0, 1, 0]);
    const y = leaf([1, 3, 3]);
    nb.max(y).backward();
    // PyTorch 1.13: torch.max(x).backward() on [1., 3, 3] -> grad [0, 0.5, 0.5]
    near(y.grad!, [0, 0.5, 0.5]);
    const z = leaf([2, 1, 2]);
    nb.median(z).backward();
    // PyTorch 1.13: torch.median(x).backward() on [2., 1, 2] -> grad [0.5, 0, 0.5]
    near(z.grad!, [0.5, 0, 0.5]);
  });
});
