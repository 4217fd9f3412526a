// Sequence utilities: masked pooling, last-token pooling (left and right padding), the sampling
// functions (Gumbel-softmax, categorical, Gumbel-max, top-k / top-p) and CausalLM generation
// (incremental decoding == recomputation, padding, reproducibility, a small learning check).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import type { Tensor } from '../src/index.js';

const { nn } = nb;
const F = nn.functional;

const f64 = (shape: number[], seed: number) => {
  nb.manualSeed(seed);
  return nb.randn(shape, { dtype: 'float64' });
};
const maxDiff = (a: Tensor, b: Tensor) => {
  assert.deepEqual(a.shape, b.shape);
  return a.numel() === 0 ? 0 : (a.sub(b).abs().max().item() as number);
};
const ints = (t: Tensor) => Array.from(t.data(), Number);
const counts = (draws: number[], k: number) => draws.reduce((c, d) => (c[d]++, c), new Array<number>(k).fill(0));

describe('pooling', () => {
  test('SequencePooling: masked mean, float weights, empty rows, gradcheck', () => {
    const x = f64([3, 4, 2], 1).requiresGrad_(true);
    const mask = nb
      .tensor([
        [1, 1, 0, 0],
        [0, 1, 1, 1],
        [0, 0, 0, 0],
      ])
      .ne(0);
    const pool = new nn.SequencePooling();
    const y = pool.call(x, mask);
    assert.ok(maxDiff(y.select(0, 0), x.select(0, 0).narrow(0, 0, 2).mean(0)) < 1e-15);
    assert.ok(maxDiff(y.select(0, 1), x.select(0, 1).narrow(0, 1, 3).mean(0)) < 1e-15);
    assert.deepEqual(ints(y.select(0, 2)), [0, 0]);
    assert.ok(maxDiff(pool.call(x), x.mean(1)) < 1e-15);
    const w = nb.tensor([[1, 3, 0, 0]], { dtype: 'float64' });
    const xw = x.narrow(0, 0, 1);
    assert.ok(maxDiff(pool.call(xw, w), xw.select(1, 0).add(xw.select(1, 1).mul(3)).div(4)) < 1e-15);
    assert.ok(nb.gradcheck((xi) => pool.call(xi, mask), [x]));
    assert.throws(
      () => pool.call(x, nb.ones([3, 5])),
      (e: Error) => e instanceof nb.ShapeError && /SequencePooling.*\[3, 4\].*\[3, 5\]/.test(e.message),
    );
  });

  test('LastTokenPooling: right padding, left padding, no mask, empty rows, gradcheck', () => {
    const x = f64([4, 5, 3], 2).requiresGrad_(true);
    const mask = nb.tensor([
      [1, 1, 1, 0, 0], // right padding: token 2
      [0, 0, 1, 1, 1], // left padding: token 4
      [1, 1, 1, 1, 1],
      [0, 0, 0, 0, 0], // nothing: zeros
    ]);
    const pool = new nn.LastTokenPooling();
    const y = pool.call(x, mask);
    assert.ok(maxDiff(y.select(0, 0), x.select(0, 0).select(0, 2)) === 0);
    assert.ok(maxDiff(y.select(0, 1), x.select(0, 1).select(0, 4)) === 0);
    assert.ok(maxDiff(y.select(0, 2), x.select(0, 2).select(0, 4)) === 0);
    assert.deepEqual(ints(y.select(0, 3)), [0, 0, 0]);
    assert.ok(maxDiff(pool.call(x), x.select(1, 4)) === 0);
    assert.ok(nb.gradcheck((xi) => pool.call(xi, mask), [x]));
  });
});

describe('sampling', () => {
  const logits = nb.tensor([[1, 2, 0.5, -1]], { dtype: 'float64' });
  const probs = arrProbs(logits);
  function arrProbs(t: Tensor): number[] {
    return Array.from(t.softmax(-1).data(), Number);
  }

  test('gumbelSoftmax: rows on the simplex, reproducible, dim option', () => {
    const x = f64([5, 4], 3);
    const a = F.gumbelSoftmax(x, { tau: 0.7, generator: new nb.Generator(1) });
    const b = F.gumbelSoftmax(x, { tau: 0.7, generator: new nb.Generator(1) });
    assert.ok(maxDiff(a, b) === 0);
    assert.ok(maxDiff(a.sum(-1), nb.ones([5], { dtype: 'float64' })) < 1e-12);
    assert.ok(
      maxDiff(
        F.gumbelSoftmax(x, { dim: 0, generator: new nb.Generator(2) }).sum(0),
        nb.ones([4], { dtype: 'float64' }),
      ) < 1e-12,
    );
    assert.throws(
      () => F.gumbelSoftmax(x, { tau: 0 }),
      (e: Error) => e instanceof nb.ValueError && /tau > 0, got 0/.test(e.message),
    );
  });

  test('gumbelSoftmax hard: one-hot forward, the soft sample gradient (straight-through)', () => {
    const x = f64([6, 5], 4).requiresGrad_(true);
    const w = f64([6, 5], 5);
    const hard = F.gumbelSoftmax(x, { tau: 0.5, hard: true, generator: new nb.Generator(7) });
    const soft = F.gumbelSoftmax(x, { tau: 0.5, generator: new nb.Generator(7) });
    for (let r = 0; r < 6; r++) {
      const row = Array.from(hard.select(0, r).data(), Number);
      assert.deepEqual(row.slice().sort(), [0, 0, 0, 0, 1]);
      assert.equal(row.indexOf(1), soft.select(0, r).argmax().item());
    }
    const [gHard] = nb.grad([hard.mul(w).sum()], [x]);
    const [gSoft] = nb.grad([soft.mul(w).sum()], [x]);
    assert.ok(maxDiff(gHard, gSoft) < 1e-15);
    assert.ok(nb.gradcheck((xi) => F.gumbelSoftmax(xi, { tau: 0.5, generator: new nb.Generator(9) }), [x]));
  });

  test('Gumbel-softmax argmax, Gumbel-max and categorical draws follow softmax(logits)', () => {
    const n = 4000;
    const g = new nb.Generator(11);
    const rows = logits.expand([n, 4]);
    const fromGumbelMax = counts(ints(F.gumbelMax(rows, { generator: g })), 4);
    const fromCategorical = counts(ints(F.sampleCategorical(rows.softmax(-1), { generator: g })), 4);
    const fromRelaxed = counts(ints(F.gumbelSoftmax(rows, { hard: true, generator: g }).argmax(-1)), 4);
    for (const c of [fromGumbelMax, fromCategorical, fromRelaxed]) {
      c.forEach((k, i) => assert.ok(Math.abs(k / n - probs[i]) < 0.03, `category ${i}: ${k / n} vs ${probs[i]}`));
    }
  });

  test('zero weights and -inf logits are never drawn; reproducible with a generator', () => {
    const p = nb.tensor([[0, 0.5, 0, 0.5]]).expand([500, 4]);
    const draws = ints(F.sampleCategorical(p, { generator: new nb.Generator(1) }));
    assert.ok(draws.every((d) => d === 1 || d === 3));
    assert.deepEqual(ints(F.sampleCategorical(p, { generator: new nb.Generator(1) })), draws);
    const l = nb.tensor([[-Infinity, 0, -Infinity, 1]]).expand([500, 4]);
    assert.ok(ints(F.gumbelMax(l, { generator: new nb.Generator(2) })).every((d) => d === 1 || d === 3));
    assert.throws(
      () => F.sampleCategorical(nb.tensor([[0, -1]])),
      (e: Error) => e instanceof nb.ValueError && /non-negative weights, got -1 in row 0/.test(e.message),
    );
  });

  test('topKFilter and topPFilter keep the right sets; sampleLogits never leaves them', () => {
    // softmax([2, 1, 0, -5]) = [0.6648, 0.2446, 0.0900, 0.0006]
    const l = nb.tensor([[2, 1, 0, -5]]);
    assert.deepEqual(Array.from(F.topKFilter(l, 2).data()), [2, 1, -Infinity, -Infinity]);
    assert.deepEqual(Array.from(F.topKFilter(nb.tensor([1, 3, 3, 2]), 2).data()), [-Infinity, 3, 3, -Infinity]);
    assert.deepEqual(Array.from(F.topPFilter(l, 0.5).data()), [2, -Infinity, -Infinity, -Infinity]);
    assert.deepEqual(Array.from(F.topPFilter(l, 0.9).data()), [2, 1, -Infinity, -Infinity]); // 0.665 + 0.245 >= 0.9
    assert.deepEqual(Array.from(F.topPFilter(l, 0.95).data()), [2, 1, 0, -Infinity]);
    const rows = nb
      .tensor([[0.1, 0.3, 0.2, 0.25, 0.15]])
      .log()
      .expand([800, 5]);
    const g = new nb.Generator(3);
    for (const sampler of ['categorical', 'gumbel'] as const) {
      const k2 = ints(F.sampleLogits(rows, { topK: 2, sampler, generator: g }));
      assert.ok(
        k2.every((d) => d === 1 || d === 3),
        `${sampler} top-k`,
      );
      assert.ok(k2.includes(1) && k2.includes(3));
      const p = ints(F.sampleLogits(rows, { topP: 0.7, sampler, generator: g })); // {1, 3, 2}: 0.3 + 0.25 + 0.2
      assert.ok(
        p.every((d) => d === 1 || d === 3 || d === 2),
        `${sampler} top-p`,
      );
      assert.deepEqual(new Set(p), new Set([1, 2, 3]));
    }
    assert.deepEqual(ints(F.sampleLogits(rows.narrow(0, 0, 3), { greedy: true })), [1, 1, 1]);
    const cold = ints(F.sampleLogits(rows, { temperature: 0.01, generator: g }));
    assert.ok(cold.every((d) => d === 1));
    const a = ints(F.sampleLogits(rows, { topP: 0.9, temperature: 1.5, generator: new nb.Generator(5) }));
    assert.deepEqual(ints(F.sampleLogits(rows, { topP: 0.9, temperature: 1.5, generator: new nb.Generator(5) })), a);
    assert.throws(
      () => F.topPFilter(l, 0),
      (e: Error) => e instanceof nb.ValueError && /p in \(0, 1\], got 0/.test(e.message),
    );
  });
});

describe('CausalLM', () => {
  // Greedy decoding by recomputing the full forward for every token: the reference.
  function greedyByRecompute(
    lm: InstanceType<typeof nn.CausalLM>,
    prompt: Tensor,
    n: number,
    mask?: Tensor,
  ): number[][] {
    let tokens = prompt;
    let m = mask ?? null;
    for (let i = 0; i < n; i++) {
      const logits = nb.noGrad(() => lm.call(tokens, { mask: m }));
      const next = logits.select(1, -1).argmax(-1, { keepdim: true }).to('int32');
      tokens = nb.cat([tokens, next], 1);
      if (m) m = nb.cat([m, nb.ones([m.shape[0], 1], { dtype: 'bool' })], 1);
    }
    return tokens.tolist() as number[][];
  }
  const prompt = nb.tensor(
    [
      [1, 4, 2],
      [3, 3, 0],
    ],
    { dtype: 'int32' },
  );

  test('incremental decoding (recurrent states, KV caches) == recomputation', () => {
    nb.manualSeed(1);
    const bodies: [string, () => nb.nn.AnyModule[]][] = [
      [
        'linear blocks + SSM',
        () => [
          new nn.GlaTransformer(8, 4, { numHeads: 2 }),
          new nn.GatedDeltaNet(8, 4, { numHeads: 2 }),
          new nn.SelectiveSSM(4, 8),
          new nn.LinearSSM(6, 8, 8),
        ],
      ],
      ['TransformerBlock stack', () => [nn.TransformerBlock.decoder(8, 4, 2), nn.TransformerBlock.decoder(8, 4, 2)]],
      ['a layer without state (recomputes)', () => [new nn.DeltaNetTransformer(8, 4), new nn.Linear(8, 8)]],
    ];
    for (const [name, body] of bodies) {
      const lm = new nn.CausalLM(6, 8, body(), { positional: name.startsWith('Transformer') ? 'sinusoidal' : 'none' });
      nb.noGrad(() => lm.head.weight.mul_(20)); // sharp logits: greedy picks are not near-ties
      const got = lm.generate(prompt, { maxNewTokens: 6, greedy: true });
      assert.deepEqual(got.tolist(), greedyByRecompute(lm, prompt, 6), name);
      assert.deepEqual(lm.call(prompt).shape, [2, 3, 6]);
    }
  });

  test('left-padded prompts decode like unpadded ones (recurrent layers skip masked steps)', () => {
    nb.manualSeed(2);
    const lm = new nn.CausalLM(6, 8, [new nn.GlaTransformer(8, 4), new nn.SelectiveSSM(4, 8)]);
    nb.noGrad(() => lm.head.weight.mul_(20));
    const padded = nb.tensor(
      [
        [0, 0, 5, 1],
        [2, 3, 4, 1],
      ],
      { dtype: 'int32' },
    );
    const mask = nb
      .tensor([
        [0, 0, 1, 1],
        [1, 1, 1, 1],
      ])
      .ne(0);
    const both = lm.generate(padded, { maxNewTokens: 4, greedy: true, mask }).tolist() as number[][];
    const alone = lm
      .generate(nb.tensor([[5, 1]], { dtype: 'int32' }), { maxNewTokens: 4, greedy: true })
      .tolist() as number[][];
    assert.deepEqual(both[0].slice(2), alone[0]);
    assert.deepEqual(both, greedyByRecompute(lm, padded, 4, mask));
  });

  test('left-padded prompts through 2 decoder TransformerBlocks: finite, and decode like unpadded ones', () => {
    // The padded queries see no key under causal + padding masks: their attention is 0, not NaN
    // (PyTorch 1.13 would give NaN and spread it to every position of the next block).
    nb.manualSeed(5);
    const lm = new nn.CausalLM(6, 8, [nn.TransformerBlock.decoder(8, 4, 2), nn.TransformerBlock.decoder(8, 4, 2)]);
    nb.noGrad(() => lm.head.weight.mul_(20));
    const padded = nb.tensor(
      [
        [0, 0, 5, 1],
        [2, 3, 4, 1],
      ],
      { dtype: 'int32' },
    );
    const mask = nb
      .tensor([
        [0, 0, 1, 1],
        [1, 1, 1, 1],
      ])
      .ne(0);
    const loss = lm.nextTokenLoss(padded, { mask });
    loss.backward();
    assert.ok(Number.isFinite(loss.item() as number));
    for (const p of lm.parameters()) assert.ok(Array.from(p.grad!.data(), Number).every(Number.isFinite));
    const both = lm.generate(padded, { maxNewTokens: 4, greedy: true, mask }).tolist() as number[][];
    const alone = lm
      .generate(nb.tensor([[5, 1]], { dtype: 'int32' }), { maxNewTokens: 4, greedy: true })
      .tolist() as number[][];
    assert.deepEqual(both[0].slice(2), alone[0]);
    assert.deepEqual(both, greedyByRecompute(lm, padded, 4, mask));
  });

  test('sampling is reproducible with a generator; eosTokenId stops rows', () => {
    nb.manualSeed(3);
    const lm = new nn.CausalLM(7, 8, [new nn.LinearTransformer(8, 4)]);
    const opts = { maxNewTokens: 8, temperature: 1.3, topK: 5, topP: 0.95 };
    const a = lm.generate(prompt, { ...opts, generator: new nb.Generator(4) });
    const b = lm.generate(prompt, { ...opts, generator: new nb.Generator(4) });
    const c = lm.generate(prompt, { ...opts, sampler: 'gumbel', generator: new nb.Generator(5) });
    assert.deepEqual(a.tolist(), b.tolist());
    assert.deepEqual(a.shape, [2, 11]);
    assert.deepEqual(c.shape, [2, 11]);
    const eos = ints(a.select(0, 0))[3]; // row 0's first generated token
    const stopped = lm
      .generate(prompt, { ...opts, eosTokenId: eos, generator: new nb.Generator(4) })
      .tolist() as number[][];
    assert.deepEqual(stopped[0].slice(3), new Array(stopped[0].length - 3).fill(eos));
    assert.throws(
      () => lm.generate(prompt.to('float32')),
      (e: Error) => e instanceof nb.DTypeError && /int32 tokens/.test(e.message),
    );
    assert.throws(() => new nn.CausalLM(5, 8, [nn.TransformerBlock.encoder(8, 4, 2)]), nb.ValueError);
  });

  test('learns a cyclic sequence and continues it by greedy decoding; nextTokenLoss gradcheck', () => {
    nb.manualSeed(4);
    const lm = new nn.CausalLM(5, 16, [new nn.GlaTransformer(16, 8, { numHeads: 2 })]);
    const seq = nb.tensor(
      [Array.from({ length: 12 }, (_, i) => i % 5), Array.from({ length: 12 }, (_, i) => (i + 2) % 5)],
      { dtype: 'int32' },
    );
    const opt = new nb.optim.Adam(lm.parameters(), { lr: 1e-2 });
    let loss = Infinity;
    for (let e = 0; e < 150 && loss > 0.02; e++) {
      opt.zeroGrad();
      const l = lm.nextTokenLoss(seq);
      l.backward();
      opt.step();
      loss = l.item() as number;
    }
    assert.ok(loss < 0.05, `loss ${loss}`);
    const out = lm.generate(nb.tensor([[3, 4, 0]], { dtype: 'int32' }), { maxNewTokens: 7, greedy: true });
    assert.deepEqual(out.tolist(), [[3, 4, 0, 1, 2, 3, 4, 0, 1, 2]]);

    nb.manualSeed(5);
    const small = new nn.CausalLM(4, 4, [new nn.DeltaNet(4, 2)]).double();
    const toks = nb.tensor([[0, 3, 1, 2]], { dtype: 'int32' });
    const m = nb.tensor([[1, 1, 0, 1]]);
    assert.ok(nb.gradcheck(() => small.nextTokenLoss(toks, { mask: m }), small.parameters(), { fast: true }));
  });
});
