// The backward pass hands a gradient's memory to a leaf's `.grad` without copying only when
// nobody else can see it. Each case checks that `.grad` never aliases another tensor: writing
// into it in place must leave everything else unchanged.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../src/index.js';

const vals = (t: nb.Tensor) => Array.from(t.data() as Float32Array);

function bump(t: nb.Tensor): void {
  nb.noGrad(() => t.add_(100));
}

test('one gradient handed to two leaves: each .grad is its own memory', () => {
  const a = nb.tensor([1, 2, 3]).requiresGrad_();
  const b = nb.tensor([4, 5, 6]).requiresGrad_();
  a.add(b).sum().backward();
  bump(a.grad!);
  assert.deepEqual(vals(b.grad!), [1, 1, 1]);
});

test('a leaf used twice: the two contributions are summed, not aliased', () => {
  const a = nb.tensor([1, 2]).requiresGrad_();
  a.mul(3).add(a).sum().backward();
  assert.deepEqual(vals(a.grad!), [4, 4]);
});

test('a gradient seen by a hook is copied', () => {
  const x = nb.tensor([1, 2]).requiresGrad_();
  let seen: nb.Tensor | null = null;
  const y = x.mul(2);
  y.registerHook((g) => {
    seen = g;
  });
  y.sum().backward();
  bump(x.grad!);
  assert.deepEqual(vals(seen!), [1, 1]);
});

test('a gradient passed to backward is copied', () => {
  const x = nb.tensor([1, 2]).requiresGrad_();
  const g = nb.tensor([5, 7]);
  x.reshape([2, 1]).reshape([2]).backward(g);
  bump(x.grad!);
  assert.deepEqual(vals(g), [5, 7]);
});

test('a retained non-leaf gradient and the leaf gradient are separate', () => {
  const x = nb.tensor([1, 2]).requiresGrad_();
  const y = x.mul(3);
  y.retainGrad();
  y.reshape([2]).sum().backward();
  bump(x.grad!);
  assert.deepEqual(vals(y.grad!), [1, 1]);
  assert.deepEqual(vals(x.grad!), [103, 103]);
});

test('a weight gradient taken as is has the right values, and later passes add into it', () => {
  nb.manualSeed(3);
  const x = nb.randn([5, 4]);
  const w = nb.randn([3, 4]).requiresGrad_();
  x.matmul(w.t()).sum().backward();
  const first = vals(w.grad!);
  // d sum(x W^T) / dW = column sums of x, repeated for every output row.
  const colSums = [0, 1, 2, 3].map((j) => vals(x).reduce((s, v, i) => (i % 4 === j ? s + v : s), 0));
  first.forEach((v, i) => assert.ok(Math.abs(v - colSums[i % 4]) < 1e-5));
  assert.ok(w.grad!.isContiguous());
  x.matmul(w.t()).sum().backward();
  vals(w.grad!).forEach((v, i) => assert.ok(Math.abs(v - 2 * first[i]) < 1e-5));
});

test('the same gradient reaching a leaf and an earlier output is not shared', () => {
  const x = nb.tensor([1, 2]).requiresGrad_();
  const y = nb.tensor([3, 4]).requiresGrad_();
  // add hands the same dy to x and to y's reshape chain.
  x.add(y.reshape([2, 1]).reshape([2]))
    .sum()
    .backward();
  bump(y.grad!);
  assert.deepEqual(vals(x.grad!), [1, 1]);
});

test('lent memory: a gradient handed to several nodes stays intact (large tensors, which are lent)', () => {
  // 2^17 elements: above the size from which consumed gradients are lent to later allocations.
  const n = 1 << 17;
  const x = nb.ones([n]).requiresGrad_();
  const p = x.mul(2);
  const q = x.mul(3);
  // The backward pass reaches p + q last: p's node already holds an engine-owned sum of two
  // gradients when add's rule hands one tensor to p (summed in place) and to q (kept pending
  // while more allocations of the same size follow).
  const out = p
    .add(q)
    .add(p.mul(5).add(p.mul(7)))
    .mul(1.5);
  out.sum().backward();
  const g = x.grad!.data();
  assert.equal(g.length, n);
  assert.ok(g.every((v) => v === 1.5 * (2 * 5 + 2 * 7 + 2 + 3)));
});

test('lent memory: results of a second pass equal the first', () => {
  const n = 1 << 17;
  const w = nb.randn([n]).requiresGrad_();
  const f = () => w.mul(w).mul(3).add(w.exp()).sum();
  f().backward();
  const first = w.grad!.data();
  w.grad = null;
  f().backward();
  assert.deepEqual(w.grad!.data(), first);
});

test('lent memory: tensors a custom function keeps stay intact', () => {
  const n = 1 << 17;
  let kept: nb.Tensor | null = null;
  const f = nb.customFunction({
    forward: (_ctx, x: nb.Tensor) => x.mul(1),
    backward: (_ctx, dy) => {
      kept = dy.mul(2);
      return kept;
    },
  });
  const x = nb.ones([n]).requiresGrad_();
  const w = nb.ones([n]).requiresGrad_();
  // The custom function's result reaches x through mul's rule, then w's branch allocates more
  // gradients of the same size: none may land in the tensor the function kept.
  w.mul(5)
    .add(f.apply(x.mul(3)).mul(4))
    .mul(w.mul(7).add(1))
    .sum()
    .backward();
  assert.ok(kept!.data().every((v) => v === 2 * 4 * 8)); // its rule doubles dy = 4 (w * 7 + 1)
  assert.ok(x.grad!.data().every((v) => v === 3 * 64));
});
