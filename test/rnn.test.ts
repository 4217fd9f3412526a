// Recurrent layers beyond the module table: the fused layer primitive against the cell formulas,
// second derivatives, variable lengths against per-sequence runs, step() against forward(),
// PyTorch's parameter names and messages, and a learning task per layer type.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { setRnnFusion } from '../src/nn/rnn.js';

const { nn } = nb;
type Rec = InstanceType<typeof nn.RNN> | InstanceType<typeof nn.LSTM> | InstanceType<typeof nn.GRU>;

const f64 = (shape: number[], seed: number) => {
  nb.manualSeed(seed);
  return nb.randn(shape, { dtype: 'float64' });
};
const maxDiff = (a: Tensor, b: Tensor) => {
  assert.deepEqual(a.shape, b.shape);
  return a.numel() === 0 ? 0 : (a.sub(b).abs().max().item() as number);
};
// The output and final states of any recurrent module as one flat list of tensors.
function run(m: Rec, x: Tensor, hx?: unknown, opts?: { lengths?: number[] }): Tensor[] {
  const [out, s] = (m as InstanceType<typeof nn.LSTM>).call(x, hx as [Tensor, Tensor], opts);
  return [out, ...(Array.isArray(s) ? s : [s as unknown as Tensor])];
}
// Loss with distinct weights per element, so every output and state matters.
const lossOf = (ts: Tensor[]) =>
  ts.reduce(
    (acc, t, i) => acc.add(t.mul(nb.arange(t.numel(), { dtype: t.dtype }).reshape(t.shape).sin().add(i)).sum()),
    nb.zeros([], { dtype: ts[0].dtype }),
  );

const builders: [string, () => Rec][] = [
  ['RNN tanh', () => new nn.RNN(3, 4, { numLayers: 2, bidirectional: true, dtype: 'float64' })],
  ['RNN relu', () => new nn.RNN(3, 4, { nonlinearity: 'relu', bidirectional: true, dtype: 'float64' })],
  ['LSTM', () => new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true, dtype: 'float64' })],
  ['LSTM proj', () => new nn.LSTM(3, 4, { projSize: 2, numLayers: 2, bidirectional: true, dtype: 'float64' })],
  ['GRU', () => new nn.GRU(3, 4, { numLayers: 2, bidirectional: true, dtype: 'float64' })],
];

describe('fused layer primitive', () => {
  for (const [name, make] of builders) {
    test(`${name}: equals the cell formulas as ordinary ops (values and gradients, with lengths)`, () => {
      for (const lengths of [undefined, [5, 2, 4]]) {
        nb.manualSeed(3);
        const m = make();
        const x = f64([5, 3, 3], 4).requiresGrad_(true);
        const passes = [true, false].map((fused) => {
          const prev = setRnnFusion(fused);
          try {
            m.zeroGrad();
            x.grad = null;
            const ys = run(m, x, null, { lengths });
            lossOf(ys).backward();
            return { ys, gx: x.grad!, gp: m.parameters().map((p) => p.grad!) };
          } finally {
            setRnnFusion(prev);
          }
        });
        const [a, b] = passes;
        a.ys.forEach((y, i) => assert.ok(maxDiff(y, b.ys[i]) < 1e-12, `${name}: output ${i}`));
        assert.ok(maxDiff(a.gx, b.gx) < 1e-12, `${name}: input gradient`);
        a.gp.forEach((g, i) => assert.ok(maxDiff(g, b.gp[i]) < 1e-12, `${name}: parameter ${i} gradient`));
      }
    });
  }

  test('gradcheck and gradgradcheck of the fused cells (lstmCellStep, gruCellStep)', () => {
    const w = (s: number[], seed: number) => f64(s, seed).mul(0.7).requiresGrad_(true);
    const [x, h, c] = [w([2, 3], 1), w([2, 2], 2), w([2, 2], 3)];
    const lstm = [w([8, 3], 4), w([8, 2], 5), w([8], 6), w([8], 7)];
    const fl = (...a: Tensor[]) => nb.cat(nn.lstmCellStep(a[0], a[1], a[2], a[3], a[4], a[5], a[6]), 1);
    assert.ok(nb.gradcheck(fl, [x, h, c, ...lstm]));
    assert.ok(nb.gradgradcheck(fl, [x, h, c, ...lstm]));
    const gru = [w([6, 3], 8), w([6, 2], 9), w([6], 10), w([6], 11)];
    const fg = (...a: Tensor[]) => nn.gruCellStep(a[0], a[1], a[2], a[3], a[4], a[5]);
    assert.ok(nb.gradcheck(fg, [x, h, ...gru]));
    assert.ok(nb.gradgradcheck(fg, [x, h, ...gru]));
  });

  for (const [name, make] of [
    ['LSTM', () => new nn.LSTM(1, 1, { dtype: 'float64' })],
    ['GRU', () => new nn.GRU(1, 1, { bidirectional: true, dtype: 'float64' })],
    ['RNN', () => new nn.RNN(1, 1, { dtype: 'float64' })],
  ] as [string, () => Rec][]) {
    test(`${name}: gradgradcheck through the layer primitive (createGraph falls back to the formulas)`, () => {
      nb.manualSeed(5);
      const m = make();
      const x = f64([3, 1, 1], 6).requiresGrad_(true);
      const h0 = f64([m.bidirectional ? 2 : 1, 1, 1], 7).requiresGrad_(true);
      // h0 doubles as c0 for the LSTM: one tensor feeding two inputs of the primitive.
      const fn = (a: Tensor, b: Tensor) => run(m, a, name === 'LSTM' ? [b, b] : b, { lengths: [2] })[0];
      assert.ok(nb.gradcheck(fn, [x, h0]));
      assert.ok(nb.gradgradcheck(fn, [x, h0]));
    });
  }

  test('second derivatives reach the parameters (gradient penalty)', () => {
    nb.manualSeed(2);
    const m = new nn.LSTM(2, 3, { dtype: 'float64' });
    const x = f64([4, 2, 2], 3).requiresGrad_(true);
    const [gx] = nb.grad(m.call(x)[0].square().sum(), [x], { createGraph: true });
    gx.square().sum().backward();
    for (const [n, p] of m.namedParameters())
      assert.ok((p.grad!.abs().sum().item() as number) > 0, `${n} has a second-order gradient`);
    // Same with the unfused path: the two agree.
    const fused = m.parameters().map((p) => p.grad!.clone());
    m.zeroGrad();
    const prev = setRnnFusion(false);
    try {
      const [gx2] = nb.grad(m.call(x)[0].square().sum(), [x], { createGraph: true });
      gx2.square().sum().backward();
    } finally {
      setRnnFusion(prev);
    }
    m.parameters().forEach((p, i) => assert.ok(maxDiff(p.grad!, fused[i]) < 1e-10));
  });
});

describe('variable lengths', () => {
  for (const [name, make] of builders) {
    test(`${name}: each padded sequence gives what it gives alone; padding outputs are zero`, () => {
      nb.manualSeed(11);
      const m = make();
      const lengths = [2, 5, 3];
      const x = f64([5, 3, 3], 12);
      const [out, ...states] = run(m, x, null, { lengths });
      lengths.forEach((len, b) => {
        const alone = run(m, x.narrow(1, b, 1).narrow(0, 0, len));
        assert.ok(maxDiff(out.narrow(1, b, 1).narrow(0, 0, len), alone[0]) < 1e-12, `${name}: outputs of row ${b}`);
        if (len < 5)
          assert.equal(
            out
              .narrow(1, b, 1)
              .narrow(0, len, 5 - len)
              .abs()
              .sum()
              .item(),
            0,
          );
        states.forEach((s, i) =>
          assert.ok(maxDiff(s.narrow(1, b, 1), alone[1 + i]) < 1e-12, `${name}: state ${i} of row ${b}`),
        );
      });
    });
  }

  test('lengths as an int32 tensor, with batchFirst; invalid lengths are refused', () => {
    const m = new nn.GRU(3, 4, { batchFirst: true, dtype: 'float64' });
    const x = f64([3, 5, 3], 1);
    const a = run(m, x, null, { lengths: nb.tensor([5, 1, 3], { dtype: 'int32' }) as unknown as number[] });
    const b = run(m, x, null, { lengths: [5, 1, 3] });
    a.forEach((t, i) => assert.equal(maxDiff(t, b[i]), 0));
    assert.throws(
      () => run(m, x, null, { lengths: [5, 0, 3] }),
      (e: Error) => e instanceof nb.ValueError && /GRU/.test(e.message) && /got 0/.test(e.message),
    );
    assert.throws(
      () => run(m, x, null, { lengths: [6, 1, 3] }),
      (e: Error) => e instanceof nb.ValueError && /got 6/.test(e.message),
    );
    assert.throws(
      () => run(m, x, null, { lengths: [5, 1] }),
      (e: Error) => e instanceof nb.ShapeError && /expected 3 lengths/.test(e.message),
    );
  });
});

describe('step() equals forward()', () => {
  const cases: [string, () => Rec, boolean][] = [
    ['RNN tanh, 2 layers', () => new nn.RNN(3, 4, { numLayers: 2, dtype: 'float64' }), false],
    [
      'RNN relu, batchFirst',
      () => new nn.RNN(3, 4, { nonlinearity: 'relu', batchFirst: true, dtype: 'float64' }),
      false,
    ],
    ['LSTM, 2 layers, projection', () => new nn.LSTM(3, 4, { numLayers: 2, projSize: 2, dtype: 'float64' }), true],
    ['GRU, 2 layers, batchFirst', () => new nn.GRU(3, 4, { numLayers: 2, batchFirst: true, dtype: 'float64' }), false],
  ];
  for (const [name, make, lstm] of cases) {
    test(`${name}: outputs, final states and gradients`, () => {
      nb.manualSeed(21);
      const m = make();
      const x = f64([6, 2, 3], 22).requiresGrad_(true); // [T, B, F]
      const h0 = f64([m.numLayers, 2, m.outputSize], 23);
      const c0 = f64([m.numLayers, 2, 4], 24);
      const start = lstm ? [h0, c0] : h0;
      const seq = m.batchFirst ? x.transpose(0, 1) : x;
      const full = run(m, seq, start);
      lossOf(full).backward();
      const want = { gx: x.grad!.clone(), gp: m.parameters().map((p) => p.grad!.clone()) };
      m.zeroGrad();
      x.grad = null;
      let state: unknown = start;
      const ys: Tensor[] = [];
      for (let t = 0; t < 6; t++) {
        const [y, s] = (m as InstanceType<typeof nn.LSTM>).step(x.select(0, t), state as [Tensor, Tensor]);
        ys.push(y);
        state = s;
      }
      const stepped = [nb.stack(ys, m.batchFirst ? 1 : 0), ...(Array.isArray(state) ? state : [state as Tensor])];
      stepped.forEach((t, i) => assert.ok(maxDiff(t, full[i]) < 1e-12, `${name}: result ${i}`));
      lossOf(stepped).backward();
      assert.ok(maxDiff(x.grad!, want.gx) < 1e-12);
      m.parameters().forEach((p, i) => assert.ok(maxDiff(p.grad!, want.gp[i]) < 1e-12));
    });
  }

  test('unbatched steps; bidirectional modules refuse to step', () => {
    nb.manualSeed(1);
    const m = new nn.LSTM(3, 4, { dtype: 'float64' });
    const x = f64([5, 3], 2);
    const [out, [h, c]] = m.call(x);
    let state: [Tensor, Tensor] | null = null;
    for (let t = 0; t < 5; t++) {
      const [y, s] = m.step(x.select(0, t), state);
      assert.ok(maxDiff(y, out.select(0, t)) < 1e-12);
      state = s;
    }
    assert.ok(maxDiff(state![0], h) < 1e-12 && maxDiff(state![1], c) < 1e-12);
    const bi = new nn.GRU(3, 4, { bidirectional: true });
    assert.throws(
      () => bi.step(nb.zeros([2, 3])),
      (e: Error) => e instanceof nb.ValueError && /GRU\.step/.test(e.message) && /bidirectional/.test(e.message),
    );
  });
});

describe('PyTorch layout, initialization and messages', () => {
  test('parameter names, order and shapes (PyTorch 1.13 named_parameters of LSTM(3, 4, proj_size=2, num_layers=2, bidirectional=True))', () => {
    const m = new nn.LSTM(3, 4, { projSize: 2, numLayers: 2, bidirectional: true });
    const names = m.namedParameters().map(([n]) => n);
    const layer = (l: number, s: string) =>
      ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh', 'weight_hr'].map((w) => `${w}_l${l}${s}`);
    assert.deepEqual(names, [...layer(0, ''), ...layer(0, '_reverse'), ...layer(1, ''), ...layer(1, '_reverse')]);
    const shape = (n: string) => m.namedParameters().find(([k]) => k === n)![1].shape;
    assert.deepEqual(shape('weight_ih_l0'), [16, 3]);
    assert.deepEqual(shape('weight_hh_l0'), [16, 2]);
    assert.deepEqual(shape('weight_hr_l0_reverse'), [2, 4]);
    assert.deepEqual(shape('weight_ih_l1'), [16, 4]);
    const gru = new nn.GRU(5, 6, { bias: false });
    assert.deepEqual(
      gru.namedParameters().map(([n, p]) => [n, p.shape]),
      [
        ['weight_ih_l0', [18, 5]],
        ['weight_hh_l0', [18, 6]],
      ],
    );
    assert.deepEqual(Object.keys(new nn.GRUCell(2, 3).stateDict()), ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']);
  });

  test('every parameter starts U(-1/sqrt(H), 1/sqrt(H))', () => {
    for (const m of [new nn.LSTM(8, 16, { numLayers: 2 }), new nn.RNNCell(8, 16)]) {
      const all = m.parameters().flatMap((p) => Array.from(p.data(), Number));
      const k = 1 / Math.sqrt(16);
      assert.ok(all.every((v) => Math.abs(v) <= k));
      assert.ok(Math.max(...all) > 0.9 * k && Math.min(...all) < -0.9 * k);
    }
  });

  test('repr as PyTorch prints it', () => {
    const m = new nn.LSTM(3, 4, {
      projSize: 2,
      numLayers: 2,
      bias: false,
      batchFirst: true,
      dropout: 0.5,
      bidirectional: true,
    });
    // PyTorch 1.13: print(nn.LSTM(3, 4, proj_size=2, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True))
    assert.equal(
      m.toString().split('\n')[0],
      'LSTM(3, 4, proj_size=2, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True)',
    );
    assert.equal(
      new nn.RNN(3, 4, { nonlinearity: 'relu', numLayers: 2 }).toString().split('\n')[0],
      'RNN(3, 4, num_layers=2)',
    );
    // PyTorch 1.13: print(nn.RNNCell(3, 4, nonlinearity='relu', bias=False))
    assert.equal(
      new nn.RNNCell(3, 4, { nonlinearity: 'relu', bias: false }).toString().split('\n')[0],
      'RNNCell(3, 4, bias=False, nonlinearity=relu)',
    );
  });

  test('constructor errors', () => {
    const is =
      (cls: new (...a: never[]) => Error, ...parts: RegExp[]) =>
      (e: Error) =>
        e instanceof cls && parts.every((p) => p.test(e.message));
    assert.throws(
      () => new nn.LSTM(3, 4, { projSize: 4 }),
      is(nb.ValueError, /^LSTM:/, /proj_size has to be smaller than hidden_size/, /got 4/),
    );
    assert.throws(
      () => new nn.LSTM(3, 4, { projSize: -1 }),
      is(nb.ValueError, /proj_size should be a positive integer or zero/),
    );
    assert.throws(
      () => new nn.GRU(3, 4, { dropout: 2 }),
      is(nb.ValueError, /^GRU:/, /dropout should be a number in range \[0, 1\]/, /got 2/),
    );
    assert.throws(
      () => new nn.RNN(3, 4, { nonlinearity: 'gelu' as 'tanh' }),
      is(nb.ValueError, /^RNN:/, /Unknown nonlinearity 'gelu'/),
    );
    assert.throws(() => new nn.RNN(3, 0), is(nb.ValueError, /hidden_size must be greater than zero/, /got 0/));
    assert.throws(() => new nn.LSTM(3, 4, { numLayers: 0 }), is(nb.ValueError, /num_layers must be greater than zero/));
  });

  test('forward errors', () => {
    const is =
      (cls: new (...a: never[]) => Error, ...parts: RegExp[]) =>
      (e: Error) =>
        e instanceof cls && parts.every((p) => p.test(e.message));
    const lstm = new nn.LSTM(3, 4);
    assert.throws(() => lstm.call(nb.zeros([2, 3, 5])), is(nb.ShapeError, /^LSTM:/, /Expected 3, got 5/));
    assert.throws(
      () => lstm.call(nb.zeros([2, 3, 3, 3])),
      is(nb.ShapeError, /Expected input to be 2-D or 3-D but received 4-D tensor/),
    );
    // PyTorch 1.13: "Expected hidden[0] size (1, 3, 4), got [1, 3, 5]"
    assert.throws(
      () => lstm.call(nb.zeros([2, 3, 3]), [nb.zeros([1, 3, 5]), nb.zeros([1, 3, 4])]),
      is(nb.ShapeError, /Expected hidden\[0\] size \(1, 3, 4\), got \[1, 3, 5\]/),
    );
    const gru = new nn.GRU(3, 4);
    assert.throws(
      () => gru.call(nb.zeros([2, 3, 3]), nb.zeros([1, 2, 4])),
      is(nb.ShapeError, /Expected hidden size \(1, 3, 4\), got \[1, 2, 4\]/),
    );
    assert.throws(
      () => gru.call(nb.zeros([2, 3, 3]), nb.zeros([1, 4])),
      is(nb.ShapeError, /For batched 3-D input, hx should also be 3-D but got 2-D tensor/),
    );
    assert.throws(
      () => gru.call(nb.zeros([2, 3, 3], { dtype: 'float64' })),
      is(nb.DTypeError, /expected input of dtype float32/, /got float64/),
    );
    const cell = new nn.GRUCell(3, 4);
    assert.throws(
      () => cell.call(nb.zeros([2, 5])),
      is(nb.ShapeError, /input has inconsistent input_size: got 5 expected 3/),
    );
    assert.throws(
      () => cell.call(nb.zeros([2, 3]), nb.zeros([3, 4])),
      is(nb.ShapeError, /Input batch size 2 doesn't match hidden0 batch size 3/),
    );
    assert.throws(
      () => cell.call(nb.zeros([2, 3]), nb.zeros([2, 5])),
      is(nb.ShapeError, /hidden0 has inconsistent hidden_size: got 5, expected 4/),
    );
  });

  test('inter-layer dropout: random in train mode, off in eval mode', () => {
    const m = new nn.LSTM(3, 4, { numLayers: 2, dropout: 0.5 });
    const x = nb.randn([4, 2, 3]);
    nb.manualSeed(1);
    const a = m.call(x)[0];
    nb.manualSeed(2);
    const b = m.call(x)[0];
    assert.ok(maxDiff(a, b) > 0);
    m.eval();
    const [c, d] = [m.call(x)[0], m.call(x)[0]];
    assert.equal(maxDiff(c, d), 0);
    const noDrop = new nn.LSTM(3, 4, { numLayers: 2 });
    noDrop.loadStateDict(m.stateDict());
    assert.equal(maxDiff(c, noDrop.call(x)[0]), 0);
  });
});

// nbml's LSTM keeps its gates as f, i, g, o (PyTorch: i, f, g, o) and starts the forget bias at 1.
describe("nbml's gate order and forget bias", () => {
  // PyTorch-ordered state dict -> nbml-ordered one: swap the first two row blocks of every gate tensor.
  const swapIF = (sd: Record<string, Tensor>, H: number) =>
    Object.fromEntries(
      Object.entries(sd).map(([k, v]) => [
        k,
        /^(weight_ih|weight_hh|bias_ih|bias_hh)/.test(k)
          ? nb.cat([v.narrow(0, H, H), v.narrow(0, 0, H), v.narrow(0, 2 * H, 2 * H)])
          : v,
      ]),
    );
  const configs: [string, Record<string, unknown>][] = [
    ['2 layers, bidirectional, lengths', { numLayers: 2, bidirectional: true }],
    ['projection, batchFirst', { projSize: 2, batchFirst: true }],
  ];
  for (const [label, o] of configs) {
    for (const fused of [true, false]) {
      test(`LSTM ${label}${fused ? '' : ' (unfused)'}: figo equals ifgo after permuting the row blocks`, () => {
        const prev = setRnnFusion(fused);
        try {
          nb.manualSeed(5);
          const torchOrder = new nn.LSTM(3, 4, { ...o, dtype: 'float64' });
          const nbml = new nn.LSTM(3, 4, { ...o, gateOrder: 'figo', dtype: 'float64' });
          const res = nbml.loadStateDict(swapIF(torchOrder.stateDict() as Record<string, Tensor>, 4));
          assert.deepEqual([res.missingKeys, res.unexpectedKeys], [[], []]);
          const x = f64([5, 3, 3], 6);
          const opts = label.includes('lengths') ? { lengths: [5, 2, 4] } : undefined;
          const a = run(torchOrder, x, null, opts);
          const b = run(nbml, x, null, opts);
          a.forEach((t, i) => assert.ok(maxDiff(t, b[i]) < 1e-13, `tensor ${i}`));
          const ga = nb.grad(lossOf(a), torchOrder.parameters());
          const gb = nb.grad(lossOf(b), nbml.parameters());
          const names = [...torchOrder.namedParameters()].map(([n]) => n);
          const permuted = swapIF(Object.fromEntries(names.map((n, i) => [n, ga[i]])), 4);
          names.forEach((n, i) => assert.ok(maxDiff(permuted[n], gb[i]) < 1e-12, `grad of ${n}`));
        } finally {
          setRnnFusion(prev);
        }
      });
    }
  }

  test("nbml's math: z = x W_i + h W_r + b split as [f, i, g, o] (SEEDS A1.4), forward, step and LSTMCell", () => {
    nb.manualSeed(7);
    const H = 3;
    const m = new nn.LSTM(H, H, { gateOrder: 'figo', forgetBias: 1, bias: true, dtype: 'float64' });
    const p = Object.fromEntries(m.namedParameters());
    const x = f64([4, 2, H], 8);
    // nbml's single bias b = b_ih + b_hh; its W_i, W_r are [D, 4D], i.e. PyTorch's weights transposed.
    const [Wi, Wr] = [p.weight_ih_l0, p.weight_hh_l0].map((w) => w.t());
    const b = p.bias_ih_l0.add(p.bias_hh_l0);
    let h = nb.zeros([2, H], { dtype: 'float64' });
    let c = nb.zeros([2, H], { dtype: 'float64' });
    const hs: Tensor[] = [];
    for (let t = 0; t < 4; t++) {
      const z = x.select(0, t).matmul(Wi).add(h.matmul(Wr)).add(b);
      const [f, i, g, o] = z.chunk(4, -1);
      c = f.sigmoid().mul(c).add(i.sigmoid().mul(g.tanh()));
      h = o.sigmoid().mul(c.tanh());
      hs.push(h);
    }
    const [out, [hN, cN]] = m.call(x);
    assert.ok(maxDiff(out, nb.stack(hs)) < 1e-13);
    assert.ok(maxDiff(hN.squeeze(0), h) < 1e-13 && maxDiff(cN.squeeze(0), c) < 1e-13);
    let state: [Tensor, Tensor] | null = null;
    for (let t = 0; t < 4; t++) state = m.step(x.select(0, t), state)[1];
    assert.ok(maxDiff(state![0].squeeze(0), h) < 1e-13);
    const cell = new nn.LSTMCell(H, H, { gateOrder: 'figo', dtype: 'float64' });
    cell.loadStateDict({
      weight_ih: p.weight_ih_l0,
      weight_hh: p.weight_hh_l0,
      bias_ih: p.bias_ih_l0,
      bias_hh: p.bias_hh_l0,
    });
    let hc: [Tensor, Tensor] | null = null;
    for (let t = 0; t < 4; t++) hc = cell.call(x.select(0, t), hc);
    assert.ok(maxDiff(hc![0], h) < 1e-13 && maxDiff(hc![1], c) < 1e-13);
  });

  test('forgetBias: the forget block of bias_ih starts at the value and that of bias_hh at 0, in either order', () => {
    for (const gateOrder of ['ifgo', 'figo'] as const) {
      const at = gateOrder === 'ifgo' ? 4 : 0;
      const m = new nn.LSTM(3, 4, { gateOrder, forgetBias: 1, numLayers: 2, bidirectional: true });
      for (const [name, p] of m.namedParameters()) {
        if (!name.startsWith('bias')) continue;
        const v = Array.from(p.data(), Number);
        const want = name.startsWith('bias_ih') ? 1 : 0;
        assert.deepEqual(v.slice(at, at + 4), [want, want, want, want], `${gateOrder} ${name}`);
        assert.ok(v.filter((_, i) => i < at || i >= at + 4).every((u) => Math.abs(u) <= 0.5 && u !== want));
      }
      const cell = new nn.LSTMCell(3, 4, { gateOrder, forgetBias: 2 });
      assert.deepEqual(Array.from(cell.bias_ih!.data(), Number).slice(at, at + 4), [2, 2, 2, 2]);
      assert.deepEqual(Array.from(cell.bias_hh!.data(), Number).slice(at, at + 4), [0, 0, 0, 0]);
      cell.resetParameters();
      assert.deepEqual(Array.from(cell.bias_ih!.data(), Number).slice(at, at + 4), [2, 2, 2, 2]);
    }
    const m = new nn.LSTM(3, 4, { gateOrder: 'figo', forgetBias: 1 });
    assert.equal(m.gateOrder, 'figo');
    assert.equal(m.forgetBias, 1);
    assert.match(String(m), /LSTM\(3, 4, gate_order='figo', forget_bias=1\.0\)/);
    assert.throws(
      () => new nn.LSTM(3, 4, { gateOrder: 'fgio' as 'figo' }),
      (e: Error) => e instanceof nb.ValueError && /LSTM: expected gateOrder 'ifgo' or 'figo', got fgio/.test(e.message),
    );
    assert.throws(
      () => new nn.LSTMCell(3, 4, { forgetBias: 1, bias: false }),
      (e: Error) => e instanceof nb.ValueError && /LSTMCell: expected bias: true with forgetBias/.test(e.message),
    );
  });
});

// The seed library's task (nbml tests): predict y_t = 0.5 y_{t-1} + x_{t-1} from x_0..x_t.
describe('learning a linear recurrence', () => {
  function data(T: number, B: number, seed: number) {
    nb.manualSeed(seed);
    const x = nb.rand([T, B, 1]).mul(2).sub(1);
    const xs = x.data();
    const y = new Array<number>(T * B).fill(0);
    for (let t = 1; t < T; t++)
      for (let b = 0; b < B; b++) y[t * B + b] = 0.5 * y[(t - 1) * B + b] + xs[(t - 1) * B + b];
    return { x, y: nb.tensor(y).reshape([T, B, 1]) };
  }
  // A minimal Adam (betas 0.9, 0.999) inside noGrad, so the test depends only on autograd.
  function adam(params: Tensor[], lr: number): () => void {
    const m = params.map((p) => nb.zerosLike(p));
    const v = params.map((p) => nb.zerosLike(p));
    let t = 0;
    return () =>
      nb.noGrad(() => {
        t++;
        params.forEach((p, i) => {
          const g = p.grad!;
          m[i].mul_(0.9).add_(g.mul(0.1));
          v[i].mul_(0.999).add_(g.square().mul(0.001));
          p.sub_(
            m[i]
              .div(1 - 0.9 ** t)
              .div(
                v[i]
                  .div(1 - 0.999 ** t)
                  .sqrt()
                  .add(1e-8),
              )
              .mul(lr),
          );
        });
      });
  }
  for (const kind of ['RNN', 'LSTM', 'GRU'] as const) {
    test(`${kind} reaches a held-out MSE below 0.01`, () => {
      nb.manualSeed(0);
      const rnn = new nn[kind](1, 16);
      const head = new nn.Linear(16, 1);
      const params = [...rnn.parameters(), ...head.parameters()];
      const update = adam(params, 0.02);
      const train = data(20, 32, 1);
      const mse = (d: { x: Tensor; y: Tensor }) => head.call(run(rnn, d.x)[0]).sub(d.y).square().mean();
      for (let it = 0; it < 300; it++) {
        for (const p of params) p.grad = null;
        const loss = mse(train);
        loss.backward();
        update();
        if ((loss.item() as number) < 0.003) break;
      }
      const test = nb.noGrad(() => mse(data(20, 64, 7)).item() as number);
      assert.ok(test < 0.01, `${kind}: held-out MSE ${test}`);
    });
  }
});
