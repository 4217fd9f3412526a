// The package as users import it: `nabla` resolves through the package's self-reference to the
// built dist/ (npm test builds first). These lines are the foundation's acceptance snippet.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from 'nabla';

test('the acceptance snippet works exactly as written', () => {
  const x = nb.tensor(
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    { requiresGrad: true },
  );
  const w = nb.randn([3, 4], { requiresGrad: true });
  x.matmul(w).relu().sum().backward();
  assert.deepEqual(x.grad?.shape, [2, 3]);
  assert.deepEqual(w.grad?.shape, [3, 4]);
  // relu'(xw) masks w's rows: x.grad[i][k] = sum_j [xw > 0]_ij w_kj
  const xw = (nb.noGrad(() => x.matmul(w)).tolist() as number[][]).map((r) => r.map((v) => (v > 0 ? 1 : 0)));
  const wl = w.tolist() as number[][];
  const gx = x.grad!.tolist() as number[][];
  for (let i = 0; i < 2; i++) {
    for (let k = 0; k < 3; k++) {
      const want = xw[i].reduce((s: number, m, j) => s + m * wl[k][j], 0);
      assert.ok(Math.abs(gx[i][k] - want) < 1e-5);
    }
  }
  assert.deepEqual(
    nb
      .tensor([1, 2, 3])
      .add(nb.tensor([[1], [2]]))
      .tolist(),
    [
      [2, 3, 4],
      [3, 4, 5],
    ],
  );
  const a = nb.tensor([2], { dtype: 'float64', requiresGrad: true });
  const [g] = nb.grad(a.pow(3).sum(), [a], { createGraph: true });
  assert.deepEqual(g.tolist(), [12]); // 3a^2 at a = 2
  const [h] = nb.grad(g.sum(), [a]);
  assert.deepEqual(h.tolist(), [12]); // 6a at a = 2
  assert.equal(
    nb.gradcheck((t) => t.sigmoid().mul(t).sum(), [nb.randn([3, 3], { dtype: 'float64', requiresGrad: true })]),
    true,
  );
  assert.throws(
    () => nb.randn([2, 3]).matmul(nb.randn([4, 5])),
    (e: unknown) => e instanceof nb.ShapeError && /\[2, 3\]/.test(e.message) && /\[4, 5\]/.test(e.message),
  );
  assert.equal(nb.noGrad(() => x.mul(2)).requiresGrad, false);
});
