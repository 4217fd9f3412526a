// Query rows that see no key (every score masked): output 0 and gradient 0 in every attention
// path (composite, blocked kernel, MultiheadAttention, the nbml modules), as PyTorch 2.5+'s math
// path; PyTorch 1.13 gives NaN, which spreads through stacked layers with left padding. Also
// checks that left-padded batches through two stacked blocks equal the unpadded runs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import type { Tensor } from '../src/index.js';

const { nn } = nb;
const F = nn.functional;

function maxDiff(a: Tensor, b: Tensor): number {
  assert.deepEqual(a.shape, b.shape);
  const x = a.data();
  const y = b.data();
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(Number(x[i]) - Number(y[i]));
    if (Number.isNaN(d)) return Infinity;
    m = Math.max(m, d);
  }
  return m;
}

const allFinite = (t: Tensor) => Array.from(t.data(), Number).every(Number.isFinite);
const f64 = (shape: number[]) => nb.randn(shape, { dtype: 'float64', requiresGrad: true });
const kernels = ['math', 'blocked'] as const;

// [4 queries, 5 keys] keep-mask: rows 1 and 3 see nothing.
const KEEP = nb
  .tensor([
    [1, 0, 1, 1, 0],
    [0, 0, 0, 0, 0],
    [0, 1, 0, 0, 1],
    [0, 0, 0, 0, 0],
  ])
  .ne(0);

describe('scaledDotProductAttention: fully masked query rows', () => {
  for (const kernel of kernels) {
    test(`${kernel}: output 0 and gradient 0 for hidden rows; the other rows as attention on them alone`, () => {
      nb.manualSeed(1);
      const [q, k, v] = [f64([2, 4, 3]), f64([2, 5, 3]), f64([2, 5, 2])];
      const y = F.scaledDotProductAttention(q, k, v, { attnMask: KEEP, kernel, blockSize: 2 });
      const [dq, dk, dv] = nb.grad(y.sum(), [q, k, v]);
      for (const r of [1, 3]) {
        assert.deepEqual(y.select(1, r).tolist(), [
          [0, 0],
          [0, 0],
        ]);
        assert.deepEqual(Array.from(dq.select(1, r).data(), Number), [0, 0, 0, 0, 0, 0]);
      }
      assert.ok([dk, dv].every(allFinite));
      // Rows 0 and 2 alone, with their own mask rows, give the same values and k, v gradients.
      const rows = nb.tensor([0, 2], { dtype: 'int32' });
      const q2 = q.detach().indexSelect(1, rows).requiresGrad_(true);
      const y2 = F.scaledDotProductAttention(q2, k, v, { attnMask: KEEP.indexSelect(0, rows), kernel: 'math' });
      assert.ok(maxDiff(y.indexSelect(1, rows), y2) < 1e-12);
      const [dk2, dv2] = nb.grad(y2.sum(), [k, v]);
      assert.ok(maxDiff(dk, dk2) < 1e-12 && maxDiff(dv, dv2) < 1e-12);
    });

    test(`${kernel}: a float mask of -inf hides rows too; gradcheck in float64 with hidden rows`, () => {
      nb.manualSeed(2);
      const fmask = nb.zeros([4, 5], { dtype: 'float64' }).maskedFill(KEEP.logicalNot(), -Infinity);
      const [q, k, v] = [f64([2, 4, 3]), f64([2, 5, 3]), f64([2, 5, 2])];
      const run = (a: Tensor, b: Tensor, c: Tensor) =>
        F.scaledDotProductAttention(a, b, c, { attnMask: fmask, kernel, blockSize: 2 });
      const byBool = F.scaledDotProductAttention(q, k, v, { attnMask: KEEP, kernel, blockSize: 2 });
      assert.ok(maxDiff(run(q, k, v), byBool) < 1e-12);
      assert.equal(nb.gradcheck(run, [q, k, v]), true);
      assert.equal(nb.gradgradcheck(run, [q, k, v]), true);
    });
  }

  test('long sequences (blocked by auto): left padding with a causal mask, math and blocked agree', () => {
    nb.manualSeed(3);
    const S = F.MATH_MAX_LEN + 20;
    const [q, k, v] = [f64([2, 2, S, 4]), f64([2, 2, S, 4]), f64([2, 2, S, 4])];
    // Batch 0 left-padded by 30 positions: its first 30 queries see no key.
    const pad = nn.padAttentionMask(nb.cat([nn.paddingMask([S - 30], S).flip([1]), nn.paddingMask([S], S)]), {
      causal: true,
    });
    const g = nb.randn([2, 2, S, 4], { dtype: 'float64' });
    const run = (kernel: 'math' | 'auto') => {
      const y = F.scaledDotProductAttention(q, k, v, { attnMask: pad.unsqueeze(1), kernel, blockSize: 32 });
      return [y, ...nb.grad(y, [q, k, v], { gradOutputs: g })];
    };
    const [a, b] = [run('math'), run('auto')];
    a.forEach((t, i) => assert.ok(maxDiff(t, b[i]) < 1e-10, `tensor ${i}: ${maxDiff(t, b[i])}`));
    assert.ok(maxDiff(a[0].select(0, 0).narrow(1, 0, 30), nb.zeros([2, 30, 4], { dtype: 'float64' })) === 0);
  });

  test('float32: both kernels zero the hidden rows and agree on the others', () => {
    nb.manualSeed(9);
    const [q, k, v] = [
      [2, 4, 3],
      [2, 5, 3],
      [2, 5, 2],
    ].map((s) => nb.randn(s, { requiresGrad: true }));
    // Row 0 sees nothing in the first 2-key tile, then keys 2 and 4 (the running max starts at
    // -inf there: a finite stand-in for it would round to -inf in float32 and give NaN).
    const keep = nb
      .tensor([
        [0, 0, 1, 0, 1],
        [0, 0, 0, 0, 0],
        [1, 1, 0, 0, 0],
        [0, 0, 0, 0, 0],
      ])
      .ne(0);
    const [a, b] = kernels.map((kernel) => {
      const y = F.scaledDotProductAttention(q, k, v, { attnMask: keep, kernel, blockSize: 2 });
      return [y, ...nb.grad(y.sum(), [q, k, v])];
    });
    a.forEach((t, i) => assert.ok(maxDiff(t, b[i]!) < 1e-5, `tensor ${i}`));
    assert.deepEqual(Array.from(b[0]!.select(1, 3).data(), Number), [0, 0, 0, 0]);
  });

  test('NaN inputs still give NaN (only all -inf rows are zeroed)', () => {
    const q = nb.tensor([[[NaN, 1]]]);
    const k = nb.ones([1, 2, 2]);
    const y = F.scaledDotProductAttention(q, k, k, { attnMask: nb.tensor([[true, false]]) });
    assert.ok(Array.from(y.data(), Number).every(Number.isNaN));
  });
});

describe('modules with fully masked rows', () => {
  test('MultiheadAttention: a hidden row gives weights 0 and the output bias; gradients finite', () => {
    nb.manualSeed(4);
    const mha = new nn.MultiheadAttention(4, 2, { batchFirst: true }).double();
    nb.noGrad(() => mha.out_proj.bias!.copy_(nb.tensor([1, 2, 3, 4], { dtype: 'float64' })));
    const x = f64([2, 4, 4]);
    const attnMask = KEEP.narrow(1, 0, 4).logicalNot(); // MultiheadAttention: true = ignore
    const [y, w] = mha.call(x, x, x, { attnMask });
    assert.deepEqual(w!.select(1, 1).tolist(), [
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    assert.deepEqual(y.select(1, 3).tolist(), [
      [1, 2, 3, 4],
      [1, 2, 3, 4],
    ]);
    y.sum().backward();
    assert.ok([x.grad!, ...mha.parameters().map((p) => p.grad!)].every(allFinite));
  });

  test('CrossAttention: a memory that is all padding gives 0 attention, finite gradients', () => {
    nb.manualSeed(5);
    const ca = new nn.CrossAttention(6, 3, 2).double();
    const xq = f64([2, 3, 6]);
    const mem = f64([2, 4, 6]);
    const keep = nb
      .tensor([
        [1, 1, 0, 0],
        [0, 0, 0, 0],
      ])
      .ne(0)
      .unsqueeze(1); // batch 1: no memory at all
    const y = ca.call(xq, mem, { mask: keep });
    // No attention: the output projection of 0, its bias (zero-initialized).
    assert.ok(maxDiff(y.select(0, 1), ca.out.bias!.expand([3, 6])) === 0);
    y.sum().backward();
    assert.ok([xq.grad!, mem.grad!, ...ca.parameters().map((p) => p.grad!)].every(allFinite));
    assert.deepEqual(Array.from(mem.grad!.select(0, 1).data(), Number), new Array(24).fill(0));
  });
});

describe('left-padded batches through stacked layers equal the unpadded runs', () => {
  const lens = [3, 6, 1];
  const S = 6;
  // Sequence b is x_b [lens[b], d]; the batch holds it left-padded (junk in the padding).
  function batch(d: number) {
    const seqs = lens.map((n) => nb.randn([n, d], { dtype: 'float64' }));
    const x = nb.stack(seqs.map((s, b) => nb.cat([nb.randn([S - lens[b], d], { dtype: 'float64' }), s])));
    const keep = nb.cat(lens.map((n) => nn.paddingMask([n], S).flip([1])));
    return { seqs, x: x.requiresGrad_(true), keep };
  }

  for (const causal of [true, false]) {
    test(`2 TransformerBlocks (${causal ? 'decoder' : 'encoder'}): values, input and parameter gradients`, () => {
      nb.manualSeed(6);
      const blocks = [0, 1].map(() => new nn.TransformerBlock(8, 4, 2, { causal }).double());
      const run = (x: Tensor, pad?: Tensor) => blocks.reduce((h, blk) => blk.call(h, { pad }), x);
      const { seqs, x, keep } = batch(8);
      const params = blocks.flatMap((b) => b.parameters());
      const y = run(x, keep);
      // The loss reads real positions only; padded positions must neither leak nor turn NaN.
      const w = keep.unsqueeze(-1).to('float64');
      const [dx, ...dp] = nb.grad(y.mul(w).sum(), [x, ...params]);
      assert.ok(allFinite(y) && allFinite(dx) && dp.every(allFinite));
      const sum = params.map((p) => nb.zerosLike(p));
      seqs.forEach((s, b) => {
        const n = lens[b];
        const sr = s.requiresGrad_(true);
        const yb = run(sr.unsqueeze(0)).squeeze(0);
        assert.ok(maxDiff(y.select(0, b).narrow(0, S - n, n), yb) < 1e-12, `sequence ${b} values`);
        const [ds, ...g] = nb.grad(yb.sum(), [sr, ...params]);
        assert.ok(maxDiff(dx.select(0, b).narrow(0, S - n, n), ds) < 1e-12, `sequence ${b} input gradient`);
        const zeros = nb.zeros([S - n, 8], { dtype: 'float64' });
        assert.ok(maxDiff(dx.select(0, b).narrow(0, 0, S - n), zeros) === 0, 'padding gets no gradient');
        g.forEach((t, i) => (sum[i] = sum[i].add(t)));
      });
      sum.forEach((t, i) => assert.ok(maxDiff(dp[i], t) < 1e-11, `parameter ${i}`));
    });
  }

  test('nn.TransformerEncoder (2 layers) with srcKeyPaddingMask and a causal mask', () => {
    nb.manualSeed(7);
    const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, batchFirst: true });
    const enc = new nn.TransformerEncoder(layer, 2).double();
    const { seqs, x, keep } = batch(8);
    const mask = nn.generateSquareSubsequentMask(S, { dtype: 'float64' });
    const y = enc.call(x, { mask, srcKeyPaddingMask: keep.logicalNot(), isCausal: true });
    const [dx, ...dp] = nb.grad(y.mul(keep.unsqueeze(-1).to('float64')).sum(), [x, ...enc.parameters()]);
    assert.ok(allFinite(y) && allFinite(dx) && dp.every(allFinite));
    seqs.forEach((s, b) => {
      const n = lens[b];
      const yb = enc.call(s.unsqueeze(0), { mask: nn.generateSquareSubsequentMask(n, { dtype: 'float64' }) });
      assert.ok(maxDiff(y.select(0, b).narrow(0, S - n, n), yb.squeeze(0)) < 1e-12, `sequence ${b}`);
    });
    // Without the causal mask no row is hidden (the padded queries see the real keys): also finite.
    const open = enc.call(x, { srcKeyPaddingMask: keep.logicalNot() });
    assert.ok(allFinite(open));
  });
});
