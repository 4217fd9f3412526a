// The linear-attention family: the chunked forward against a naive per-step reference written
// here from nbml's equations (plain loops over Float64Arrays), chunked == recurrent (step) ==
// other chunk sizes, masks, gradchecks of inputs and parameters, the transformer blocks, and
// nbml's learning tasks (associative recall with GLA, delayed copy with a GLA transformer).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import type { Tensor } from '../src/index.js';

const { nn } = nb;
type Mixer = nb.nn.LinearAttentionBase;

const f64 = (shape: number[], seed: number) => {
  nb.manualSeed(seed);
  return nb.randn(shape, { dtype: 'float64' });
};
const maxDiff = (a: Tensor, b: Tensor) => {
  assert.deepEqual(a.shape, b.shape);
  return a.numel() === 0 ? 0 : (a.sub(b).abs().max().item() as number);
};
// Every parameter redrawn from N(0, 0.5^2) so biases and gates are not at their special inits.
function randomize(m: nb.nn.Module<never[], unknown>, seed: number): void {
  nb.manualSeed(seed);
  nb.noGrad(() => m.parameters().forEach((p) => nn.init.normal_(p, 0, 0.5)));
}

// ---- naive reference: nbml's equations, one time step at a time ----------------------------

const arr = (t: Tensor) => Float64Array.from(t.detach().data());
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
// y[r, o] = sum_i x[r, i] W[o, i] + b[o] (W in PyTorch's [out, in] layout).
function affine(x: Float64Array, rows: number, inF: number, l: InstanceType<typeof nn.Linear>): Float64Array {
  const w = arr(l.weight);
  const b = l.bias ? arr(l.bias) : null;
  const outF = l.outFeatures;
  const y = new Float64Array(rows * outF);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outF; o++) {
      let s = b ? b[o] : 0;
      for (let i = 0; i < inF; i++) s += x[r * inF + i] * w[o * inF + i];
      y[r * outF + o] = s;
    }
  }
  return y;
}
const unit = (v: number[]) => {
  const n = Math.max(Math.hypot(...v), 1e-6);
  return v.map((e) => e / n);
};

type Kind = 'la' | 'gla' | 'delta' | 'gdn';
function reference(kind: Kind, m: Mixer, x: Tensor): Float64Array {
  const [B, S, dIn] = x.shape;
  const H = m.numHeads;
  const d = m.dHead;
  const xs = arr(x);
  const qkv = affine(xs, B * S, dIn, m.qkv);
  const mm = m as unknown as Record<string, InstanceType<typeof nn.Linear>>;
  const gates =
    kind === 'gla'
      ? affine(xs, B * S, dIn, mm.forget)
      : kind === 'delta'
        ? affine(xs, B * S, dIn, mm.beta)
        : kind === 'gdn'
          ? affine(xs, B * S, dIn, mm.ab)
          : null;
  const o = new Float64Array(B * S * H * d);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const St = Array.from({ length: d }, () => new Float64Array(d)); // S[i][j]: key i, value j
      for (let t = 0; t < S; t++) {
        const row = (b * S + t) * 3 * H * d;
        const vec = (part: number) => Array.from({ length: d }, (_, i) => qkv[row + part * H * d + h * d + i]);
        let [q, k] = [vec(0), vec(1)];
        const v = vec(2);
        const gr = (b * S + t) * (kind === 'gla' ? 2 * H * d : kind === 'delta' ? H : 2 * H);
        if (kind === 'la') {
          for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) St[i][j] += k[i] * v[j];
        } else if (kind === 'gla') {
          const al = (i: number) => sigmoid(gates![gr + h * d + i]);
          const be = (j: number) => sigmoid(gates![gr + H * d + h * d + j]);
          for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) St[i][j] = al(i) * be(j) * St[i][j] + k[i] * v[j];
        } else {
          [q, k] = [unit(q), unit(k)];
          const beta = sigmoid(kind === 'delta' ? gates![gr + h] : gates![gr + H + h]);
          const alpha = kind === 'gdn' ? sigmoid(gates![gr + h]) : 1;
          const r = Array.from({ length: d }, (_, j) => k.reduce((s, ki, i) => s + St[i][j] * ki, 0));
          for (let i = 0; i < d; i++)
            for (let j = 0; j < d; j++) St[i][j] = alpha * St[i][j] + beta * k[i] * (v[j] - r[j]);
        }
        for (let j = 0; j < d; j++) {
          let s = 0;
          for (let i = 0; i < d; i++) s += q[i] * St[i][j];
          o[((b * S + t) * H + h) * d + j] = s;
        }
      }
    }
  }
  return affine(o, B * S, H * d, m.out);
}

const variants: [Kind, (o?: { chunkSize?: number; numHeads?: number }) => Mixer][] = [
  ['la', (o) => new nn.LinearAttention(5, 3, { numHeads: 2, dtype: 'float64', ...o })],
  ['gla', (o) => new nn.GatedLinearAttention(5, 3, { numHeads: 2, dtype: 'float64', ...o })],
  ['delta', (o) => new nn.DeltaNet(5, 3, { numHeads: 2, dtype: 'float64', ...o })],
  ['gdn', (o) => new nn.GatedDeltaNet(5, 3, { numHeads: 2, dOut: 4, dtype: 'float64', ...o })],
];

describe('linear attention variants', () => {
  for (const [kind, make] of variants) {
    test(`${kind}: the chunked forward equals a naive per-step reference of nbml's equations`, () => {
      for (const chunkSize of [4, 16]) {
        const m = make({ chunkSize });
        randomize(m, 1);
        const x = f64([2, 11, 5], 2);
        const want = reference(kind, m, x);
        const got = arr(m.call(x));
        assert.equal(got.length, want.length);
        const err = got.reduce((e, g, i) => Math.max(e, Math.abs(g - want[i])), 0);
        assert.ok(err < 1e-10, `${kind} chunk ${chunkSize}: max error ${err}`);
      }
    });

    test(`${kind}: step() == forward, chunk sizes agree, and scan continues from a state`, () => {
      const m = make({ chunkSize: 4 });
      randomize(m, 3);
      const x = f64([2, 9, 5], 4);
      const y = m.call(x);
      let state: Tensor | null = null;
      const ys: Tensor[] = [];
      for (let t = 0; t < 9; t++) {
        const [yt, s] = m.step(x.select(1, t), state);
        ys.push(yt);
        state = s;
      }
      assert.ok(maxDiff(nb.stack(ys, 1), y) < 1e-12);
      for (const c of [1, 2, 8, 16]) {
        const m2 = make({ chunkSize: c });
        m2.loadStateDict(m.stateDict());
        assert.ok(maxDiff(m2.call(x), y) < 1e-12, `chunk ${c}`);
      }
      const [yA, sA] = m.scan(x.narrow(1, 0, 5));
      const [yB, sB] = m.scan(x.narrow(1, 5, 4), { state: sA });
      assert.ok(maxDiff(nb.cat([yA, yB], 1), y) < 1e-12);
      assert.ok(maxDiff(sB, state!) < 1e-12);
    });

    test(`${kind}: masked steps leave the state untouched (left padding == no padding)`, () => {
      const m = make({ chunkSize: 4 });
      randomize(m, 5);
      const x = f64([1, 6, 5], 6);
      const padded = nb.cat([f64([1, 3, 5], 7), x], 1);
      const mask = nb.tensor([[0, 0, 0, 1, 1, 1, 1, 1, 1]]).ne(0);
      const [y, s] = m.scan(x);
      const [yp, sp] = m.scan(padded, { mask });
      assert.ok(maxDiff(yp.narrow(1, 3, 6), y) < 1e-12);
      assert.ok(maxDiff(sp, s) < 1e-12);
      // and the same through step()
      let st: Tensor | null = null;
      for (let t = 0; t < 9; t++) [, st] = m.step(padded.select(1, t), st, { mask: mask.select(1, t) });
      assert.ok(maxDiff(st!, s) < 1e-12);
    });

    test(`${kind}: float64 gradcheck of input and parameters (several chunks)`, () => {
      const m = make({ chunkSize: 2 });
      randomize(m, 8);
      const x = f64([2, 5, 5], 9).requiresGrad_(true);
      const mask = nb
        .tensor([
          [1, 1, 1, 1, 1],
          [0, 1, 1, 0, 1],
        ])
        .ne(0);
      assert.ok(nb.gradcheck((xi) => m.call(xi, { mask }), [x, ...m.parameters()], { fast: true }));
    });
  }

  test('GLA stays finite with gates near zero (every decay exponent is <= 0)', () => {
    const m = new nn.GatedLinearAttention(4, 3, { chunkSize: 8 });
    nb.noGrad(() => m.forget.bias!.fill_(-40)); // sigmoid(-40) ~ 4e-18: products underflow
    const x = nb.randn([2, 16, 4], { requiresGrad: true });
    const y = m.call(x);
    y.sum().backward();
    assert.ok(y.isfinite().all().item());
    assert.ok(x.grad!.isfinite().all().item());
    assert.ok(m.forget.weight.grad!.isfinite().all().item());
  });

  test('float32 chunked delta rule matches float64 on a long sequence', () => {
    nb.manualSeed(11);
    const m = new nn.GatedDeltaNet(8, 8, { numHeads: 2, chunkSize: 16 });
    const x = nb.randn([1, 96, 8]);
    const y32 = m.call(x);
    const y64 = m.double().call(x.double());
    assert.ok(maxDiff(y32.double(), y64) < 1e-4);
  });

  test('feature maps and the normalized (Katharopoulos) form', () => {
    const m = new nn.LinearAttention(4, 3, { featureMap: 'elu+1', normalize: true, dtype: 'float64', chunkSize: 2 });
    const x = f64([1, 5, 4], 12).requiresGrad_(true);
    // Reference: o_t = sum_s phi(q_t).phi(k_s) v_s / sum_s phi(q_t).phi(k_s), causal.
    const [q, k, v] = m.qkv.call(x).chunk(3, -1);
    const phi = (t: Tensor) => nb.elu(t).add(1);
    const w = phi(q).matmul(phi(k).mT).tril();
    const o = w.matmul(v).div(w.sum(-1, { keepdim: true }).add(1e-6));
    assert.ok(maxDiff(m.call(x), m.out.call(o)) < 1e-12);
    assert.ok(nb.gradcheck((xi) => m.call(xi), [x, ...m.parameters()], { fast: true }));
    const custom = new nn.LinearAttention(4, 3, { featureMap: (t) => t.relu(), dtype: 'float64' });
    const relu = new nn.LinearAttention(4, 3, { featureMap: 'relu', dtype: 'float64' });
    relu.loadStateDict(custom.stateDict());
    assert.ok(maxDiff(custom.call(x), relu.call(x)) < 1e-15);
  });

  test('parameters, names and messages', () => {
    const gla = new nn.GatedLinearAttention(8, 4, { numHeads: 2 });
    assert.deepEqual(Object.keys(gla.stateDict()), [
      'qkv.weight',
      'qkv.bias',
      'forget.weight',
      'forget.bias',
      'out.weight',
      'out.bias',
    ]);
    assert.deepEqual(gla.qkv.weight.shape, [24, 8]);
    assert.equal(gla.forget.bias!.min().item(), 4); // nbml: slow forgetting at init
    assert.deepEqual(Object.keys(new nn.GatedDeltaNet(8, 4).stateDict()).slice(2, 4), ['ab.weight', 'ab.bias']);
    assert.throws(
      () => gla.call(nb.randn([2, 3, 7])),
      (e: Error) => e instanceof nb.ShapeError && /GatedLinearAttention.*\[B, S, 8\].*\[2, 3, 7\]/.test(e.message),
    );
    assert.throws(
      () => gla.step(nb.randn([2, 8]), nb.zeros([2, 2, 4, 5])),
      (e: Error) => e instanceof nb.ShapeError && /state of shape \[2, 2, 4, 4\]/.test(e.message),
    );
    assert.throws(
      () => new nn.DeltaNet(8, 4, { chunkSize: 12 }),
      (e: Error) => e instanceof nb.ValueError && /power of two, got 12/.test(e.message),
    );
    assert.throws(
      () => gla.call(nb.randn([2, 3, 8]), { mask: nb.ones([2, 4]) }),
      (e: Error) => e instanceof nb.ShapeError && /keep-mask of shape \[2, 3\], got \[2, 4\]/.test(e.message),
    );
    assert.throws(() => new nn.LinearAttention(4, 2, { featureMap: 'softmax' as never }), nb.ValueError);
  });
});

describe('linear transformer blocks', () => {
  const blocks: [string, () => nb.nn.LinearTransformerBase][] = [
    ['LinearTransformer', () => new nn.LinearTransformer(4, 2, { numHeads: 2, dtype: 'float64', chunkSize: 2 })],
    ['GlaTransformer', () => new nn.GlaTransformer(4, 2, { numHeads: 2, dtype: 'float64', chunkSize: 2 })],
    ['DeltaNetTransformer', () => new nn.DeltaNetTransformer(4, 2, { numHeads: 2, dtype: 'float64', chunkSize: 2 })],
    // dHead != dIn: nbml's GdnTransformer would fail the residual add here (SEEDS C.1 #4).
    ['GatedDeltaNetTransformer', () => new nn.GatedDeltaNetTransformer(4, 3, { dtype: 'float64', chunkSize: 2 })],
  ];
  for (const [name, make] of blocks) {
    test(`${name}: step() == forward and gradcheck`, () => {
      const m = make();
      randomize(m, 13);
      const x = f64([2, 5, 4], 14).requiresGrad_(true);
      const y = m.call(x);
      assert.deepEqual(y.shape, [2, 5, 4]);
      let s: Tensor | null = null;
      const ys: Tensor[] = [];
      for (let t = 0; t < 5; t++) {
        const [yt, st] = m.step(x.select(1, t), s);
        ys.push(yt);
        s = st;
      }
      assert.ok(maxDiff(nb.stack(ys, 1), y) < 1e-12);
      assert.ok(nb.gradcheck((xi) => m.call(xi), [x, ...m.parameters()], { fast: true }));
    });
  }
  test('block layout: pre-LN, FFN hidden 4 * dIn', () => {
    const m = new nn.GlaTransformer(8, 4, { numHeads: 2 });
    assert.deepEqual(m.ff1.weight.shape, [32, 8]);
    const x = nb.randn([1, 3, 8]);
    const h = x.add(m.attn.call(m.ln1.call(x)));
    const want = h.add(m.ff2.call(m.ff1.call(m.ln2.call(h)).relu()));
    assert.ok(maxDiff(m.call(x), want) < 1e-6);
  });
});

describe('learning tasks (nbml A1.9)', () => {
  test('GLA associative recall (nbml: 3 key-value pairs, query, loss < 0.1)', () => {
    // nbml's gla_associative_recall: keys and values U(0, 10) in d = 5, sequence
    // k1 v1 k2 v2 k3 v3 <ones> k_q; the target is v_q at the last position and zero elsewhere,
    // loss = mean squared error over the whole [B, S, d] output with non-final positions zeroed.
    nb.manualSeed(0);
    const B = 10;
    const d = 5;
    const pairs = 3;
    const S = 2 * pairs + 2;
    const x = nb.zeros([B, S, d]);
    const y = nb.zeros([B, d]);
    nb.noGrad(() => {
      for (let b = 0; b < B; b++) {
        const keys = nb.rand([pairs, d]).mul(10);
        const vals = nb.rand([pairs, d]).mul(10);
        for (let i = 0; i < pairs; i++) {
          x.select(0, b)
            .select(0, 2 * i)
            .copy_(keys.select(0, i));
          x.select(0, b)
            .select(0, 2 * i + 1)
            .copy_(vals.select(0, i));
        }
        x.select(0, b)
          .select(0, 2 * pairs)
          .fill_(1);
        const qi = b % pairs;
        x.select(0, b)
          .select(0, S - 1)
          .copy_(keys.select(0, qi));
        y.select(0, b).copy_(vals.select(0, qi));
      }
    });
    const m = new nn.GatedLinearAttention(d, d, { numHeads: 4 });
    const opt = new nb.optim.Adam(m.parameters(), { lr: 1e-2 });
    let loss = Infinity;
    for (let epoch = 0; epoch < 400 && loss >= 0.05; epoch++) {
      opt.zeroGrad();
      const last = m.call(x).select(1, S - 1);
      const l = last
        .sub(y)
        .square()
        .sum()
        .div(B * S * d);
      l.backward();
      opt.step();
      loss = l.item() as number;
    }
    assert.ok(loss < 0.1, `associative recall loss ${loss}`);
  });

  test('GLA transformer memorizes a delayed copy (nbml: loss < 0.001)', () => {
    // nbml's memorize_one_delayed_copy: five fixed vectors U(0, 1) in d = 16 followed by five
    // zero vectors, plus sinusoidal positions; positions 5..9 must reproduce positions 0..4.
    nb.manualSeed(1);
    const d = 16;
    const vecs = nb.rand([1, 5, d]);
    const x = nb.cat([vecs, nb.zeros([1, 5, d])], 1).add(nn.sinusoidalEncoding(10, d).unsqueeze(0));
    const m = new nn.GlaTransformer(d, 8, { numHeads: 2 });
    const opt = new nb.optim.Adam(m.parameters(), { lr: 3e-3 });
    let loss = Infinity;
    for (let epoch = 0; epoch < 600 && loss >= 5e-4; epoch++) {
      opt.zeroGrad();
      const l = m.call(x).narrow(1, 5, 5).sub(vecs).square().mean();
      l.backward();
      opt.step();
      loss = l.item() as number;
    }
    assert.ok(loss < 0.001, `delayed copy loss ${loss}`);
  });
});
