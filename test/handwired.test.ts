// Hand-wired mode (nbml): forward(x, { grad: true }) / backward(dy) on every module of the
// module table against plain autograd, stash/apply for interleaved and weight-tied calls,
// zeroGrads, params(), nested hand-wired children, the optimizer builder and the errors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import type { DType, Tensor } from '../src/index.js';
import type { AnyModule } from '../src/nn/index.js';
import type { ModuleSpec } from './harness/modules.js';
import { moduleInputValues } from './harness/moduleInputs.js';
import { nonContiguous, normInput } from './harness/specs.js';
import { allModuleSpecs } from './modspecs/index.js';

const { nn } = nb;

// The JavaScript form `m.forward(...args, { grad: true })`; TypeScript sees each layer's own
// forward signature, which does not list the trailing options.
const fwd = (m: AnyModule, ...args: unknown[]): unknown =>
  (m as unknown as { forward(...a: unknown[]): unknown }).forward(...args);
const f64 = (v: nb.TensorData) => nb.tensor(v, { dtype: 'float64' });

function assertClose(got: Tensor | null, want: Tensor | null, what: string, tol = 1e-12): void {
  assert.ok(got !== null && want !== null, `${what}: missing gradient`);
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  const g = got.data();
  const w = want.data();
  for (let i = 0; i < w.length; i++) {
    const a = Number(g[i]);
    const b = Number(w[i]);
    if (a === b || (Number.isNaN(a) && Number.isNaN(b))) continue;
    assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `${what}[${i}]: ${a} vs ${b}`);
  }
}

// Float64 inputs of a module-table row (int32/bool as declared), with no grad flags.
function rowInputs(spec: ModuleSpec): Tensor[] {
  return spec.inputs.map((raw, i) => {
    const inp = normInput(raw);
    const declared: DType = Array.isArray(raw) || !raw.dtype ? 'float64' : inp.dtype;
    const dtype: DType = declared === 'float32' ? 'float64' : declared;
    const values = moduleInputValues(spec, i);
    return inp.noncontig ? nonContiguous(values, inp.shape, dtype) : nb.tensor(values, { dtype }).reshape(inp.shape);
  });
}

// A module around a row's custom call, so rows that pick one output or pass options run too.
class RowCall extends nn.Module<Tensor[], Tensor> {
  inner: AnyModule;
  readonly #call: (m: AnyModule, ...xs: Tensor[]) => Tensor;
  constructor(inner: AnyModule, call: (m: AnyModule, ...xs: Tensor[]) => Tensor) {
    super();
    this.inner = inner;
    this.#call = call;
  }
  forward(...xs: Tensor[]): Tensor {
    return this.#call(this.inner, ...xs);
  }
}

describe('backward(dy) equals autograd for every module of the table (float64)', () => {
  for (const spec of allModuleSpecs) {
    test(spec.name, () => {
      const inner = spec.make().double();
      // The few big rows exercise the same code paths as small ones, only slower.
      if (inner.parameters().reduce((n, p) => n + p.numel(), 0) > 20_000) return;
      const m: AnyModule = spec.call ? new RowCall(inner, spec.call) : inner;
      const xs = rowInputs(spec);
      m.train(true);
      for (let w = 0; w < (spec.warmup ?? 0); w++) nb.noGrad(() => m.call(...xs));
      m.train((spec.mode ?? 'train') === 'train');
      const params = m.namedParameters().filter(([, p]) => p.requiresGrad);

      // Autograd on leaves that require grad.
      const leaves = xs.map((x) => (x.dtype === 'float64' ? x.detach().requiresGrad_() : x));
      nb.manualSeed(0);
      const ref = m.call(...leaves) as Tensor;
      if (!ref.requiresGrad) return; // nothing to differentiate (e.g. integer output)
      const dy = nb.randn(ref.shape, { dtype: 'float64', generator: new nb.Generator(1) });
      ref.backward(dy);
      const refParam = params.map(([, p]) => p.grad?.clone() ?? null);
      m.zeroGrad();

      // Hand-wired: record, then backward with the same dy.
      nb.manualSeed(0);
      const y = fwd(m, ...xs, { grad: true }) as Tensor;
      assertClose(y.detach(), ref.detach(), `${spec.name} output`);
      const dxs = m.backward(dy, { all: true });
      leaves.forEach((l, i) => {
        if (l.dtype !== 'float64') assert.equal(dxs[i], null, `${spec.name}: input ${i} is not floating point`);
        else assertClose(dxs[i] as Tensor, l.grad ?? nb.zerosLike(l), `${spec.name} grad of input ${i}`);
      });
      params.forEach(([n, p], i) => {
        if (refParam[i] === null) assert.equal(p.grad, null, `${spec.name}: ${n} unused`);
        else assertClose(p.grad, refParam[i], `${spec.name} grad of ${n}`);
      });
      const first = m.backward(dy); // same record again: the first input's gradient once more
      if (leaves[0].dtype === 'float64') assertClose(first, dxs[0] as Tensor, `${spec.name} second backward`);
    });
  }
});

describe('hand-wired mode', () => {
  test('the acceptance snippet: Linear forward(x, { grad: true }), backward(dy)', () => {
    const lin = new nn.Linear(5, 3);
    const x = nb.randn([4, 5]);
    const y = fwd(lin, x, { grad: true }) as Tensor;
    assert.deepEqual(y.shape, [4, 3]);
    const dy = nb.randn([4, 3]);
    const dx = lin.backward(dy);
    // y = x W^T + b: dx = dy W, dW = dy^T x, db = sum_rows dy.
    assertClose(dx, dy.matmul(lin.weight.detach()), 'dx', 1e-6);
    assertClose(lin.weight.grad, dy.t().matmul(x), 'dW', 1e-6);
    assertClose(lin.bias!.grad, dy.sum(0), 'db', 1e-6);
    assert.equal(x.grad, null); // the caller's tensor is not touched
    lin.backward(dy); // accumulates
    assertClose(lin.weight.grad, dy.t().matmul(x).mul(2), 'dW twice', 1e-6);
  });

  test('the typed form handwiredForward / handwiredBackward is the same', () => {
    const lin = new nn.Linear(3, 2).double();
    const x = nb.randn([2, 3], { dtype: 'float64' });
    nn.handwiredForward(lin, x);
    const dx = nn.handwiredBackward(lin, nb.onesLike(nb.zeros([2, 2], { dtype: 'float64' })));
    assertClose(dx, nb.ones([2, 2], { dtype: 'float64' }).matmul(lin.weight.detach()), 'dx');
  });

  test('stash/apply reproduces two interleaved passes (Linear + tanh + LayerNorm, LSTM)', () => {
    const makers: [string, () => AnyModule, () => Tensor][] = [
      [
        'mlp',
        () => new nn.Sequential(new nn.Linear(4, 6), new nn.Tanh(), new nn.LayerNorm(6)).double(),
        () => nb.randn([3, 4], { dtype: 'float64' }),
      ],
      ['lstm', () => new nn.LSTM(3, 4, { batchFirst: true }).double(), () => nb.randn([2, 5, 3], { dtype: 'float64' })],
    ];
    for (const [name, make, input] of makers) {
      const m = make();
      const xa = input();
      const xb = input();
      const out = (y: unknown) => (Array.isArray(y) ? (y[0] as Tensor) : (y as Tensor));
      const ya = out(nb.noGrad(() => m.call(xa)));
      const da = nb.randnLike(ya);
      const db = nb.randnLike(ya);
      // Separate runs.
      fwd(m, xa, { grad: true });
      const dxa = m.backward(da);
      const gA = m.parameters().map((p) => p.grad!.clone());
      m.zeroGrad();
      fwd(m, xb, { grad: true });
      const dxb = m.backward(db);
      const gB = m.parameters().map((p) => p.grad!.clone());
      m.zeroGrad();
      // Interleaved: forward A, stash, forward B, stash, apply A, backward dA, apply B, backward dB.
      fwd(m, xa, { grad: true });
      const sa = m.stashIntermediates();
      fwd(m, xb, { grad: true });
      const sb = m.stashIntermediates();
      assert.ok(sa.size >= 1 && sb.size >= 1);
      m.applyIntermediates(sa);
      assertClose(m.backward(da), dxa, `${name} dxA`);
      m.applyIntermediates(sb);
      assertClose(m.backward(db), dxb, `${name} dxB`);
      m.parameters().forEach((p, i) => assertClose(p.grad, gA[i].add(gB[i]), `${name} param ${i}`));
    }
  });

  test('weight-tied recursion: cell(cell(x)) by stash/apply equals autograd', () => {
    const cell = new nn.RNNCell(3, 3).double();
    const x = nb.randn([2, 3], { dtype: 'float64' });
    const dh2 = nb.randn([2, 3], { dtype: 'float64' });
    // Autograd reference.
    const xl = x.detach().requiresGrad_();
    cell.call(cell.call(xl)).backward(dh2);
    const ref = cell.parameters().map((p) => p.grad!.clone());
    cell.zeroGrad();
    // nbml style.
    const h1 = fwd(cell, x, { grad: true }) as Tensor;
    const s1 = cell.stashIntermediates();
    fwd(cell, h1, { grad: true });
    const dh1 = cell.backward(dh2);
    cell.applyIntermediates(s1);
    const dx = cell.backward(dh1);
    assertClose(dx, xl.grad, 'dx');
    cell.parameters().forEach((p, i) => assertClose(p.grad, ref[i], `param ${i}`));
  });

  test('tuple outputs and inputs: LSTM with (h0, c0), dy for [output, [hN, cN]]', () => {
    const lstm = new nn.LSTM(2, 3).double();
    const x = nb.randn([4, 1, 2], { dtype: 'float64' });
    const h0 = nb.randn([1, 1, 3], { dtype: 'float64' });
    const c0 = nb.randn([1, 1, 3], { dtype: 'float64' });
    const dOut = nb.randn([4, 1, 3], { dtype: 'float64' });
    const dC = nb.randn([1, 1, 3], { dtype: 'float64' });
    const [xl, hl, cl] = [x, h0, c0].map((t) => t.detach().requiresGrad_());
    const [o, [, cN]] = lstm.call(xl, [hl, cl]);
    nb.backward([o, cN], [dOut, dC]);
    const y = fwd(lstm, x, [h0, c0], { grad: true }) as [Tensor, [Tensor, Tensor]];
    assert.equal(y.length, 2);
    const [dx, [dh0, dc0]] = lstm.backward([dOut, [null, dC]], { all: true }) as [Tensor, [Tensor, Tensor]];
    assertClose(dx, xl.grad, 'dx');
    assertClose(dh0, hl.grad, 'dh0');
    assertClose(dc0, cl.grad, 'dc0');
    // A lone tensor is the gradient of the first output.
    lstm.zeroGrad();
    assert.deepEqual(lstm.backward(dOut).shape, [4, 1, 2]);
  });

  test('integer inputs get null; the embedding weight still accumulates', () => {
    const emb = new nn.Embedding(5, 2);
    const ids = nb.tensor([[1, 3, 1]], { dtype: 'int32' });
    fwd(emb, ids, { grad: true });
    assert.equal(emb.backward(nb.ones([1, 3, 2])), null);
    assert.deepEqual(emb.weight.grad!.tolist(), [
      [0, 0],
      [2, 2],
      [0, 0],
      [1, 1],
      [0, 0],
    ]); // rows 1 (twice) and 3
  });

  test('{ grad: false } runs without the graph and keeps the last record', () => {
    const lin = new nn.Linear(2, 2);
    const x = nb.randn([1, 2]);
    fwd(lin, x, { grad: true });
    const y = fwd(lin, nb.randn([3, 2]), { grad: false }) as Tensor;
    assert.equal(y.requiresGrad, false);
    assert.deepEqual(lin.backward(nb.ones([1, 2])).shape, [1, 2]); // still the first call
  });

  test('other keys of the options object reach forward', () => {
    class Scale extends nn.Module<[Tensor, { k?: number }?]> {
      w = new nn.Parameter(nb.tensor([2], { dtype: 'float64' }));
      seen: unknown[] = [];
      forward(x: Tensor, opts?: { k?: number }): Tensor {
        this.seen.push(opts);
        return x.mul(this.w).mul(opts?.k ?? 1);
      }
    }
    const m = new Scale();
    fwd(m, f64([1, 2]), { k: 3, grad: true });
    assert.deepEqual(m.seen, [{ k: 3 }]);
    assert.deepEqual(m.backward(f64([1, 1])).tolist(), [6, 6]); // d(3 w x)/dx = 6
    assert.deepEqual(m.w.grad!.tolist(), [9]); // d/dw = 3 (1 + 2)
    fwd(m, f64([1]), { grad: true });
    assert.deepEqual(m.seen[1], undefined);
  });

  test('zeroGrads allocates zeros; params() pairs each weight with its live gradient', () => {
    const net = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1));
    const entries = net.params();
    assert.deepEqual(
      entries.map((e) => e.name),
      ['0.weight', '0.bias', '2.weight', '2.bias'],
    );
    assert.equal(entries[0].grad, null);
    net.zeroGrads();
    for (const e of entries) assert.deepEqual(e.grad!.shape, e.param.shape);
    assert.ok(entries.every((e) => e.grad!.abs().sum().item() === 0));
    fwd(net, nb.randn([4, 2]), { grad: true });
    net.backward(nb.ones([4, 1]));
    assert.ok((entries[2].grad!.abs().sum().item() as number) > 0); // the getter sees the new gradient
    // A hand-written SGD step through params().
    const before = entries[2].param.clone();
    nb.noGrad(() => {
      for (const { param, grad } of net.params()) if (grad) param.sub_(grad.mul(0.1));
    });
    assertClose(entries[2].param.detach(), before.sub(entries[2].grad!.mul(0.1)), 'sgd', 1e-6);
  });

  test('children recorded inside forward: backward refuses the cut graph; chaining them works', () => {
    class Cut extends nn.Module {
      a = new nn.Linear(2, 2).double();
      b = new nn.Linear(2, 1).double();
      forward(x: Tensor): Tensor {
        return fwd(this.b, fwd(this.a, x, { grad: true }), { grad: true }) as Tensor;
      }
    }
    class Chained extends Cut {
      override backward(dy: nb.nn.OutputGrad): Tensor;
      override backward(dy: nb.nn.OutputGrad, opts: { all: true }): nb.nn.InputGrad[];
      override backward(dy: nb.nn.OutputGrad): Tensor | nb.nn.InputGrad[] {
        return this.a.backward(this.b.backward(dy));
      }
    }
    const x = nb.randn([3, 2], { dtype: 'float64' });
    const cut = new Cut();
    fwd(cut, x, { grad: true });
    assert.throws(
      () => cut.backward(nb.ones([3, 1], { dtype: 'float64' })),
      (e: unknown) =>
        e instanceof nb.BackwardNotSupportedError && /Cut\.backward/.test(e.message) && /cut by 2 call/.test(e.message),
    );
    const ch = new Chained();
    const xl = x.detach().requiresGrad_();
    ch.b.call(ch.a.call(xl)).backward(nb.ones([3, 1], { dtype: 'float64' }));
    const ref = ch.parameters().map((p) => p.grad!.clone());
    ch.zeroGrad();
    fwd(ch, x, { grad: true });
    assertClose(ch.backward(nb.ones([3, 1], { dtype: 'float64' })), xl.grad, 'dx');
    ch.parameters().forEach((p, i) => assertClose(p.grad, ref[i], `param ${i}`));
  });

  test('errors name the module and the offending values', () => {
    const lin = new nn.Linear(3, 2);
    assert.throws(
      () => lin.backward(nb.ones([1, 2])),
      (e: unknown) =>
        e instanceof nb.BackwardNotSupportedError && /Linear\.backward/.test(e.message) && /grad: true/.test(e.message),
    );
    fwd(lin, nb.ones([4, 3]), { grad: true });
    assert.throws(
      () => lin.backward(nb.ones([4, 3])),
      (e: unknown) =>
        e instanceof nb.ShapeError && /Linear\.backward/.test(e.message) && /\[4, 2\].*\[4, 3\]/.test(e.message),
    );
    const other = new nn.Linear(3, 2);
    fwd(other, nb.ones([1, 3]), { grad: true });
    assert.throws(
      () => lin.applyIntermediates(new nn.Sequential(other).stashIntermediates()),
      (e: unknown) => e instanceof nb.ValueError && /Linear\.applyIntermediates/.test(e.message),
    );
    assert.throws(
      () => lin.applyIntermediates({} as nb.nn.IntermediateStash),
      (e: unknown) => e instanceof nb.ValueError && /expected a stash/.test(e.message),
    );
    lin.clearIntermediates();
    assert.throws(() => lin.backward(nb.ones([4, 2])), nb.BackwardNotSupportedError);
  });
});

describe('optim.X.default().with(model)', () => {
  test('AdamW built by the builder steps exactly as one built directly', () => {
    const make = () => {
      const m = new nn.Linear(3, 2).double();
      nb.noGrad(() => {
        m.weight.copy_(
          f64([
            [0.1, -0.2, 0.3],
            [0.4, 0.5, -0.6],
          ]),
        );
        m.bias!.copy_(f64([0.05, -0.05]));
      });
      return m;
    };
    const a = make();
    const b = make();
    const optA = nb.optim.AdamW.default({ lr: 0.01 }).with(a);
    const optB = new nb.optim.AdamW(b.parameters(), { lr: 0.01 });
    assert.ok(optA instanceof nb.optim.AdamW);
    assert.equal(optA.paramGroups[0].weightDecay, 1e-2); // PyTorch's AdamW default fills the rest
    const x = f64([
      [1, 2, 3],
      [-1, 0, 1],
    ]);
    for (let s = 0; s < 3; s++) {
      a.zeroGrads();
      fwd(a, x, { grad: true });
      a.backward(nb.onesLike(nb.zeros([2, 2], { dtype: 'float64' })));
      optA.step(a);
      optB.zeroGrad();
      b.call(x).sum().backward();
      optB.step();
    }
    assertClose(a.weight.detach(), b.weight.detach(), 'weight', 0);
    assertClose(a.bias!.detach(), b.bias!.detach(), 'bias', 0);
  });

  test('builders take options, lists of tensors, and check step(model)', () => {
    const m = new nn.Linear(2, 2);
    const builder = nb.optim.SGD.default({ lr: 0.5 }).set({ momentum: 0.9 });
    assert.deepEqual(builder.options, { lr: 0.5, momentum: 0.9 });
    const opt = builder.with(m.parameters());
    assert.equal(opt.paramGroups[0].momentum, 0.9);
    assert.throws(
      () => opt.step(new nn.Linear(2, 2)),
      (e: unknown) => e instanceof nb.ValueError && /SGD\.step/.test(e.message) && /2 parameter\(s\)/.test(e.message),
    );
    assert.throws(
      () => opt.step(42 as unknown as nb.optim.ParamSource),
      (e: unknown) => e instanceof nb.DTypeError && /SGD\.step/.test(e.message) && /number/.test(e.message),
    );
    assert.throws(
      () => nb.optim.Adam.default().with(3 as unknown as nb.optim.ParamSource),
      (e: unknown) => e instanceof nb.DTypeError && /Adam\.with/.test(e.message),
    );
  });
});
