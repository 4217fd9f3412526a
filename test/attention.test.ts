// Attention, transformers and positional encodings beyond the op and module tables: the blocked
// kernel against the composite on long sequences, KV-cached decoding against the full causal
// forward, RoPE's relative-position property, float64 gradchecks of the nbml modules, masks,
// module cloning, errors, and an associative-recall learning task.
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

const f64 = (shape: number[]) => nb.randn(shape, { dtype: 'float64', requiresGrad: true });

describe('scaledDotProductAttention: blocked kernel equals the composite', () => {
  // 300 queries and keys: three 128-tiles, the last partial; both kernels see the same inputs.
  const cases: [string, (q: Tensor, k: Tensor) => Parameters<typeof F.scaledDotProductAttention>[3]][] = [
    ['no mask', () => ({})],
    ['causal', () => ({ isCausal: true })],
    ['bool mask', (q, k) => ({ attnMask: nb.rand([q.shape[2], k.shape[2]]).gt(0.2) })],
    [
      'float mask per batch',
      (q, k) => ({ attnMask: nb.randn([q.shape[0], 1, q.shape[2], k.shape[2]], { dtype: q.dtype }) }),
    ],
    ['dropout 0.25', () => ({ dropoutP: 0.25 })],
    ['scale 0.1', () => ({ scale: 0.1 })],
  ];
  for (const [label, opts] of cases) {
    test(`${label}: values and gradients, float64, 300 x 280`, () => {
      nb.manualSeed(11);
      const q = f64([1, 2, 300, 8]);
      const k = f64([1, 2, 280, 8]);
      const v = f64([1, 2, 280, 6]);
      const o = opts(q, k);
      const g = nb.randn([1, 2, 300, 6], { dtype: 'float64' });
      const run = (kernel: 'math' | 'blocked') => {
        nb.manualSeed(3); // the dropout seed is drawn from the global generator
        const y = F.scaledDotProductAttention(q, k, v, { ...o, kernel, blockSize: 128 });
        return [y, ...nb.grad(y, [q, k, v], { gradOutputs: g })];
      };
      const [a, b] = [run('math'), run('blocked')];
      a.forEach((t, i) => assert.ok(maxDiff(t, b[i]) < 1e-10, `${label}: tensor ${i} differs by ${maxDiff(t, b[i])}`));
    });
  }

  test('auto picks the blocked kernel past MATH_MAX_LEN and matches it in float32', () => {
    nb.manualSeed(5);
    const n = F.MATH_MAX_LEN + 72;
    const q = nb.randn([1, 3, n, 16]);
    const k = nb.randn([1, 3, n, 16]);
    const v = nb.randn([1, 3, n, 16]);
    const auto = F.scaledDotProductAttention(q, k, v, { isCausal: true });
    const math = F.scaledDotProductAttention(q, k, v, { isCausal: true, kernel: 'math' });
    assert.equal(auto.dtype, 'float32');
    assert.ok(maxDiff(auto, math) < 1e-5);
  });

  test('the float-mask gradient of the blocked kernel equals the composite one', () => {
    nb.manualSeed(2);
    const q = f64([1, 2, 40, 4]);
    const k = f64([1, 2, 33, 4]);
    const v = f64([1, 2, 33, 4]);
    const m = f64([40, 33]);
    const grads = (['math', 'blocked'] as const).map(
      (kernel) => nb.grad(F.scaledDotProductAttention(q, k, v, { attnMask: m, kernel, blockSize: 16 }).sum(), [m])[0],
    );
    assert.ok(maxDiff(grads[0], grads[1]) < 1e-12);
  });

  // Deliberate deviation from PyTorch 1.13 (NaN for such a row): output 0, as PyTorch 2.5+'s
  // math path; test/attention-mask.test.ts covers gradients and padded transformer stacks.
  test('a query that sees no key gives 0 in both kernels (PyTorch 2.5+; 1.13 gives NaN)', () => {
    const q = nb.randn([1, 3, 4]);
    const mask = nb
      .tensor(
        [
          [true, true, true],
          [false, false, false],
        ],
        { dtype: 'bool' },
      )
      .reshape([2, 3]);
    for (const kernel of ['math', 'blocked'] as const) {
      const y = F.scaledDotProductAttention(q.narrow(1, 0, 2), q, q, { attnMask: mask, kernel });
      const d = Array.from(y.data(), Number);
      assert.ok(
        d.slice(0, 4).every((x) => Number.isFinite(x) && x !== 0),
        kernel,
      );
      assert.deepEqual(d.slice(4), [0, 0, 0, 0], kernel);
    }
  });

  test('dropout: the kept fraction is about 1 - p and kept weights are scaled by 1 / (1 - p)', () => {
    nb.manualSeed(9);
    // Identity values and a zero query: every weight is 1/S, so each output element is a weight.
    const S = 200;
    const q = nb.zeros([1, S, 4]);
    const y = F.scaledDotProductAttention(q, q, nb.eye(S).reshape([1, S, S]), { dropoutP: 0.3, kernel: 'blocked' });
    const vals = Array.from(y.data(), Number);
    const kept = vals.filter((x) => x !== 0);
    assert.ok(Math.abs(kept.length / vals.length - 0.7) < 0.01, `kept ${kept.length / vals.length}`);
    for (const x of kept) assert.ok(Math.abs(x - 1 / S / 0.7) < 1e-6);
  });
});

describe('KV-cached decoding equals the full causal forward', () => {
  test('SelfAttention: token by token and in uneven chunks', () => {
    nb.manualSeed(1);
    const sa = new nn.SelfAttention(12, 4, 3).double();
    const x = nb.randn([2, 7, 12], { dtype: 'float64' });
    const full = sa.call(x, { isCausal: true });
    for (const chunks of [[1, 1, 1, 1, 1, 1, 1], [3, 1, 3], [7]]) {
      const cache = new nn.KVCache();
      let t = 0;
      const outs = chunks.map((n) => {
        const y = sa.forwardCached(x.narrow(1, t, n), cache);
        t += n;
        return y;
      });
      assert.equal(cache.length, 7);
      assert.ok(maxDiff(nb.cat(outs, 1), full) < 1e-12, `chunks ${chunks}`);
    }
  });

  test('SelfAttention with rotary positions: cached positions continue where the cache ends', () => {
    nb.manualSeed(4);
    const sa = new nn.SelfAttention(8, 4, 2, { rotary: true }).double();
    const x = nb.randn([1, 5, 8], { dtype: 'float64' });
    const full = sa.call(x, { isCausal: true });
    const cache = new nn.KVCache();
    const parts = [sa.forwardCached(x.narrow(1, 0, 2), cache), sa.forwardCached(x.narrow(1, 2, 3), cache)];
    assert.ok(maxDiff(nb.cat(parts, 1), full) < 1e-12);
    const plain = new nn.SelfAttention(8, 4, 2).double();
    plain.loadStateDict(sa.stateDict());
    assert.ok(maxDiff(plain.call(x, { isCausal: true }), full) > 1e-3, 'the rotation changes the output');
  });

  for (const rotary of [false, true]) {
    test(`TransformerBlock decoder with a padding mask${rotary ? ' and rotary positions' : ''}`, () => {
      nb.manualSeed(2);
      const block = nn.TransformerBlock.decoder(8, 4, 2, { rotary }).double();
      const x = nb.randn([2, 6, 8], { dtype: 'float64' });
      const pad = nn.paddingMask([6, 4], 6); // second sequence right-padded after 4 tokens
      const full = block.call(x, { pad });
      const cache = new nn.KVCache();
      const steps = [0, 1, 2, 3, 4, 5].map((t) =>
        block.forwardCached(x.narrow(1, t, 1), cache, { pad: pad.narrow(1, t, 1) }),
      );
      assert.ok(maxDiff(nb.cat(steps, 1), full) < 1e-12);
    });
  }

  test('TransformerBlock: encoder refuses cached decoding', () => {
    const block = nn.TransformerBlock.encoder(8, 4, 2);
    assert.throws(
      () => block.forwardCached(nb.randn([1, 1, 8]), new nn.KVCache()),
      /TransformerBlock: expected a decoder block/,
    );
  });

  test('CrossAttention: the cached memory gives the uncached output', () => {
    nb.manualSeed(3);
    const ca = new nn.CrossAttention(6, 3, 2, { dKv: 5 }).double();
    const xq = nb.randn([2, 4, 6], { dtype: 'float64' });
    const mem = nb.randn([2, 9, 5], { dtype: 'float64' });
    const full = ca.call(xq, mem);
    const cache = new nn.KVCache();
    const first = ca.forwardCached(xq.narrow(1, 0, 2), mem, cache);
    const rest = ca.forwardCached(xq.narrow(1, 2, 2), null, cache);
    assert.ok(maxDiff(nb.cat([first, rest], 1), full) < 1e-12);
  });
});

describe('positional encodings', () => {
  test('RoPE: rotated dot products depend only on the position offset', () => {
    nb.manualSeed(4);
    const rope = new nn.RotaryEmbedding(8);
    const q = nb.randn([1, 8], { dtype: 'float64' });
    const k = nb.randn([1, 8], { dtype: 'float64' });
    const dotAt = (m: number, n: number) => Number(rope.rotate(q, m).mul(rope.rotate(k, n)).sum().item());
    for (const [m, n] of [
      [5, 2],
      [13, 10],
      [103, 100],
    ]) {
      assert.ok(Math.abs(dotAt(m, n) - dotAt(3, 0)) < 1e-9, `offset 3 at ${m}, ${n}`);
    }
    assert.ok(Math.abs(dotAt(7, 7) - Number(q.mul(k).sum().item())) < 1e-9, 'offset 0 is the plain dot product');
    assert.ok(Math.abs(dotAt(4, 0) - dotAt(3, 0)) > 1e-6, 'a different offset changes it');
  });

  test('RoPE: half-split pairs (i, i + dim/2), norms kept, features past dim untouched', () => {
    const rope = new nn.RotaryEmbedding(4, { base: 100 });
    // Position 1, pair 0 rotates by 1 rad, pair 1 by 100^(-1/2) = 0.1 rad: x = e_0 -> (cos 1, 0, sin 1, 0).
    const x = nb.tensor(
      [
        [0, 0, 0, 0, 7],
        [1, 0, 0, 0, 7],
      ],
      { dtype: 'float64' },
    );
    const y = rope.rotate(x).data();
    const want = [0, 0, 0, 0, 7, Math.cos(1), 0, Math.sin(1), 0, 7];
    want.forEach((w, i) => assert.ok(Math.abs(Number(y[i]) - w) < 1e-12, `element ${i}`));
    const z = nb.randn([3, 5, 4], { dtype: 'float64' });
    assert.ok(maxDiff(rope.rotate(z, 9).square().sum(-1), z.square().sum(-1)) < 1e-12);
  });

  test('sinusoidal table values and module offsets', () => {
    const pe = nn.sinusoidalEncoding(3, 4, { dtype: 'float64' }).data();
    // pe[t, 2i] = sin(t / 10000^(2i/4)), pe[t, 2i+1] = cos(...): row 2, pair 1 uses 2 / 100.
    assert.ok(
      Math.abs(Number(pe[8 + 2]) - Math.sin(0.02)) < 1e-15 && Math.abs(Number(pe[8 + 3]) - Math.cos(0.02)) < 1e-15,
    );
    const m = new nn.SinusoidalPositionalEncoding(4, { maxLen: 10 });
    const x = nb.zeros([2, 3, 4]);
    assert.ok(maxDiff(m.call(x, 5).select(0, 1), nn.sinusoidalEncoding(3, 4, { offset: 5 })) < 1e-6);
    assert.equal(Object.keys(m.stateDict()).length, 0, 'the table is a non-persistent buffer');
    assert.throws(
      () => m.call(nb.zeros([1, 6, 4]), 5),
      (e: Error) => e instanceof nb.IndexError && /positions within \[0, 10\)/.test(e.message),
    );
  });

  test('seq-first inputs broadcast the table over the batch', () => {
    const m = new nn.LearnedPositionalEmbedding(6, 3, { batchFirst: false });
    const y = m.call(nb.zeros([4, 2, 3]), 1);
    assert.ok(maxDiff(y.select(1, 0), m.weight.narrow(0, 1, 4)) === 0 && maxDiff(y.select(1, 1), y.select(1, 0)) === 0);
  });
});

describe('float64 gradcheck of the nbml modules', () => {
  const check = (m: nb.nn.AnyModule, fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[]) =>
    assert.equal(nb.gradcheck(fn, [...inputs, ...m.parameters()], { fast: true }), true);

  test('SelfAttention with a keep-mask', () => {
    nb.manualSeed(6);
    const m = new nn.SelfAttention(4, 3, 2).double();
    const mask = nb.tensor(
      [
        [1, 0, 1],
        [1, 1, 0],
        [0, 1, 1],
      ],
      { dtype: 'bool' },
    );
    check(m, (x) => m.call(x, { mask }), [f64([2, 3, 4])]);
  });

  test('CrossAttention, causal', () => {
    nb.manualSeed(7);
    const m = new nn.CrossAttention(4, 2, 2, { dKv: 3 }).double();
    check(m, (a, b) => m.call(a, b, { isCausal: true }), [f64([2, 3, 4]), f64([2, 4, 3])]);
  });

  test('TransformerBlock encoder and decoder with padding', () => {
    nb.manualSeed(8);
    const pad = nn.paddingMask([3, 2]);
    for (const m of [
      nn.TransformerBlock.encoder(4, 2, 2, { dtype: 'float64' }),
      nn.TransformerBlock.decoder(4, 2, 2, { dtype: 'float64' }),
    ]) {
      check(m, (x) => m.call(x, { pad }), [f64([2, 3, 4])]);
    }
  });

  test('positional modules and RoPE', () => {
    nb.manualSeed(9);
    const learned = new nn.LearnedPositionalEmbedding(5, 4, { dtype: 'float64' });
    check(learned, (x) => learned.call(x, 1), [f64([2, 3, 4])]);
    const sin = new nn.SinusoidalPositionalEncoding(4, { maxLen: 8 }).double();
    check(sin, (x) => sin.call(x), [f64([2, 3, 4])]);
    const rope = new nn.RotaryEmbedding(4);
    check(rope, (q, k) => nb.cat(rope.call(q, k, 3), -1), [f64([2, 3, 6]), f64([2, 3, 4])]);
  });
});

describe('masks', () => {
  test('causal, padding and nbml attention masks', () => {
    assert.deepEqual(nn.causalMask(2, { keys: 3, offset: 1 }).tolist(), [
      [true, true, false],
      [true, true, true],
    ]);
    assert.deepEqual(nn.paddingMask([2, 0, 3], 3).tolist(), [
      [true, true, false],
      [false, false, false],
      [true, true, true],
    ]);
    const m = nn.padAttentionMask(nb.tensor([[1, 1, 0]]), { causal: true });
    assert.deepEqual(m.tolist(), [
      [
        [true, false, false],
        [true, true, false],
        [true, true, false],
      ],
    ]);
    // PyTorch 1.13: nn.Transformer.generate_square_subsequent_mask(3)
    assert.deepEqual(nn.Transformer.generateSquareSubsequentMask(3).tolist(), [
      [0, -Infinity, -Infinity],
      [0, 0, -Infinity],
      [0, 0, 0],
    ]);
  });

  test('MultiheadAttention: isCausal without a mask equals the subsequent mask', () => {
    nb.manualSeed(10);
    const m = new nn.MultiheadAttention(8, 2).double();
    const x = nb.randn([5, 2, 8], { dtype: 'float64' });
    const [a] = m.call(x, x, x, { isCausal: true, needWeights: false });
    const [b] = m.call(x, x, x, { attnMask: nn.generateSquareSubsequentMask(5, { dtype: 'float64' }) });
    const [c] = m.call(x, x, x, { attnMask: nn.causalMask(5).logicalNot() });
    assert.ok(maxDiff(a, b) < 1e-12 && maxDiff(a, c) < 1e-12);
  });
});

describe('module cloning and stacks', () => {
  test('TransformerEncoder layers start equal and share no memory', () => {
    nb.manualSeed(12);
    const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    const enc = new nn.TransformerEncoder(layer, 3);
    const keys = Object.keys(enc.stateDict());
    assert.ok(keys.includes('layers.2.self_attn.in_proj_weight') && keys.includes('layers.0.norm2.bias'));
    const w = enc.layers.map((l) => l.linear1.weight);
    assert.ok(maxDiff(w[0], layer.linear1.weight) === 0 && maxDiff(w[2], w[1]) === 0);
    nb.noGrad(() => w[1].add_(1));
    assert.ok(maxDiff(w[0], layer.linear1.weight) === 0 && maxDiff(w[1], w[0]) > 0.5);
    assert.equal(enc.parameters().length, 3 * layer.parameters().length);
  });

  test('cloneModule keeps dtype, eval mode and frozen parameters; factories are used as built', () => {
    const layer = new nn.TransformerDecoderLayer(4, 2, { dimFeedforward: 8 }).double().eval();
    layer.norm1.weight!.requiresGrad_(false);
    const copy = nn.cloneModule(layer);
    assert.equal(copy.linear2.weight.dtype, 'float64');
    assert.equal(copy.training, false);
    assert.equal(copy.dropout.training, false);
    assert.equal(copy.norm1.weight!.requiresGrad, false);
    assert.ok(maxDiff(copy.multihead_attn.in_proj_weight!, layer.multihead_attn.in_proj_weight!) === 0);
    const made = new nn.TransformerEncoderLayer(4, 2);
    assert.equal(
      nn.cloneModule(() => made),
      made,
    );
    assert.throws(
      () => nn.cloneModule(new nn.Linear(2, 2) as never),
      /cloneModule: expected a module with a rebuild\(\) method/,
    );
  });

  test('Transformer re-initializes every matrix xavier-uniform and keeps PyTorch keys', () => {
    nb.manualSeed(13);
    const t = new nn.Transformer({
      dModel: 16,
      nhead: 4,
      numEncoderLayers: 2,
      numDecoderLayers: 1,
      dimFeedforward: 32,
    });
    const sd = t.stateDict();
    for (const k of [
      'encoder.layers.1.linear2.weight',
      'encoder.norm.weight',
      'decoder.layers.0.multihead_attn.out_proj.bias',
      'decoder.norm.bias',
    ]) {
      assert.ok(k in sd, k);
    }
    // xavier-uniform bound for linear1 [32, 16]: sqrt(6 / 48)
    const w = Array.from(sd['encoder.layers.0.linear1.weight'].data(), Number);
    assert.ok(Math.max(...w.map(Math.abs)) <= Math.sqrt(6 / 48) + 1e-7);
    assert.ok(maxDiff(sd['encoder.layers.0.linear1.weight'], sd['encoder.layers.1.linear1.weight']) > 0.1);
  });
});

describe('errors', () => {
  test('scaledDotProductAttention validates its inputs', () => {
    const q = nb.randn([2, 3, 4]);
    assert.throws(
      () => F.scaledDotProductAttention(q, q.double(), q),
      (e: Error) =>
        e instanceof nb.DTypeError && /scaledDotProductAttention: .*float32, float64 and float32/.test(e.message),
    );
    assert.throws(
      () => F.scaledDotProductAttention(q, nb.randn([2, 5, 3]), nb.randn([2, 5, 2])),
      (e: Error) => e instanceof nb.ShapeError && /\[2, 5, 3\]/.test(e.message),
    );
    assert.throws(
      () => F.scaledDotProductAttention(q, q, q, { isCausal: true, attnMask: nn.causalMask(3) }),
      /Explicit attn_mask should not be set when is_causal=True/,
    );
    assert.throws(
      () => F.scaledDotProductAttention(q, q, q, { attnMask: nb.zeros([4, 3]) }),
      (e: Error) => e instanceof nb.ShapeError && /broadcastable to \[2, 3, 3\], got \[4, 3\]/.test(e.message),
    );
    assert.throws(() => F.scaledDotProductAttention(q, q, q, { dropoutP: 1.5 }), /between 0 and 1, but got 1.5/);
  });

  test('MultiheadAttention validates sizes and masks', () => {
    assert.throws(
      () => new nn.MultiheadAttention(10, 3),
      (e: Error) => e instanceof nb.ValueError && /embed_dim must be divisible by num_heads/.test(e.message),
    );
    const m = new nn.MultiheadAttention(4, 2);
    const x = nb.randn([3, 2, 4]);
    assert.throws(
      () => m.call(x, x, x, { attnMask: nb.zeros([3, 4]) }),
      (e: Error) => e instanceof nb.ShapeError && /2-D attnMask of shape \[3, 3\], got \[3, 4\]/.test(e.message),
    );
    assert.throws(
      () => m.call(x, x, x, { keyPaddingMask: nb.zeros([3, 2], { dtype: 'bool' }) }),
      /keyPaddingMask of shape \[2, 3\], got \[3, 2\]/,
    );
    assert.throws(() => m.call(x, x, x, { attnMask: nb.zeros([3, 3], { dtype: 'int32' }) }), nb.DTypeError);
  });
});

describe('learning: associative recall with softmax attention (nbml A1.9: loss < 0.1)', () => {
  test('one attention layer learns to return the value stored under the query key', () => {
    // Each sequence holds 4 (key, value) pairs as tokens [onehot(key) | onehot(value)] over 8 keys
    // and 8 values; the query token is [onehot(key) | 0]. The target is the value of that key.
    nb.manualSeed(0);
    const K = 8;
    const P = 4;
    const B = 64;
    function batch(): [Tensor, Tensor, Tensor] {
      const pairs = new Float32Array(B * P * 2 * K);
      const query = new Float32Array(B * 2 * K);
      const target: number[] = [];
      for (let b = 0; b < B; b++) {
        const keys = Array.from(nb.randperm(K).data(), Number).slice(0, P);
        const vals = keys.map(() => Math.floor(Math.random() * K));
        keys.forEach((k, i) => {
          pairs[(b * P + i) * 2 * K + k] = 1;
          pairs[(b * P + i) * 2 * K + K + vals[i]] = 1;
        });
        const pick = Math.floor(Math.random() * P);
        query[b * 2 * K + keys[pick]] = 1;
        target.push(vals[pick]);
      }
      return [
        nb.tensor(Array.from(query)).reshape([B, 1, 2 * K]),
        nb.tensor(Array.from(pairs)).reshape([B, P, 2 * K]),
        nb.tensor(target, { dtype: 'int32' }),
      ];
    }
    const attn = new nn.CrossAttention(2 * K, 16, 1);
    const head = new nn.Linear(2 * K, K);
    const opt = new nb.optim.Adam([...attn.parameters(), ...head.parameters()], { lr: 0.02 });
    const start = performance.now();
    let loss = Infinity;
    for (let step = 0; step < 400 && loss >= 0.05; step++) {
      const [q, kv, y] = batch();
      const logits = head.call(attn.call(q, kv).squeeze(1));
      const l = F.crossEntropy(logits, y);
      opt.zeroGrad();
      l.backward();
      opt.step();
      loss = Number(l.item());
    }
    const [q, kv, y] = batch();
    const evalLoss = nb.noGrad(() => Number(F.crossEntropy(head.call(attn.call(q, kv).squeeze(1)), y).item()));
    assert.ok(evalLoss < 0.1, `held-out loss ${evalLoss}`);
    assert.ok(performance.now() - start < 20000, 'within the test budget');
  });
});
