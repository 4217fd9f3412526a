// Optimizers: parameter trajectories, final state dicts and param groups against PyTorch 1.13
// (fixtures from tools/torch_optim_fixtures.py), state-dict resume, validation messages,
// penalties and the Optimizer base-class behaviour.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import type { DType, Tensor } from '../src/index.js';
import { readSafetensors } from './harness/safetensors.js';

const { optim, nn } = nb;
const fx = readSafetensors(new URL('./fixtures/optim.safetensors', import.meta.url).pathname);

interface Case {
  optimizer: string;
  kwargs: Record<string, unknown>;
  groups: ({ params: number[] } & Record<string, unknown>)[] | null;
  dtype: DType;
  state_scalars: Record<string, Record<string, unknown>>;
  param_groups: Record<string, unknown>[];
  sensitivity: number;
}
const meta = JSON.parse(readFileSync(new URL('./fixtures/optim.json', import.meta.url), 'utf8')) as {
  steps: number;
  cases: Record<string, Case>;
};

const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const camelOpts = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [camel(k), v]));

function fixtureTensor(name: string, dtype: DType = 'float64'): Tensor {
  const r = fx.get(name);
  assert.ok(r, `missing fixture tensor ${name}`);
  return nb
    .tensor(r.data as Float64Array, { dtype: r.dtype === 'F32' ? 'float32' : 'float64' })
    .reshape(r.shape)
    .to(dtype);
}

/** The fixture problem: 2-layer tanh MLP on 16 fixed samples, mean squared error. */
function problem(dtype: DType) {
  const x = fixtureTensor('problem/x', dtype);
  const y = fixtureTensor('problem/y', dtype);
  const params = [0, 1, 2, 3].map((i) => new nn.Parameter(fixtureTensor(`problem/p${i}`, dtype)));
  const lossOf = (ps: Tensor[]) => {
    const [w1, b1, w2, b2] = ps;
    const d = x.matmul(w1.t()).add(b1).tanh().matmul(w2.t()).add(b2).sub(y);
    return d.mul(d).mean();
  };
  return { params, lossOf };
}

type AnyOpt = nb.optim.Optimizer<nb.optim.BaseOptions>;
const ctor = (name: string) => (optim as unknown as Record<string, new (p: unknown, o: unknown) => AnyOpt>)[name];

function build(c: Case, params: Tensor[]): AnyOpt {
  const spec = c.groups ? c.groups.map((g) => ({ ...camelOpts(g), params: g.params.map((i) => params[i]) })) : params;
  return new (ctor(c.optimizer))(spec, camelOpts(c.kwargs));
}

/** One training step as the fixture script takes it; returns the loss before the step. */
function trainStep(opt: AnyOpt, params: Tensor[], lossOf: (ps: Tensor[]) => Tensor, lbfgs: boolean): number {
  const closure = () => {
    opt.zeroGrad();
    const l = lossOf(params);
    l.backward();
    return l;
  };
  if (lbfgs) return Number((opt.step(closure) as Tensor).item());
  const l = closure();
  opt.step();
  return Number(l.item());
}

const flat = (ps: Tensor[]) => ps.flatMap((p) => Array.from(p.data() as Float64Array));

// Tolerances: |a - b| <= tol * max(1, |b|). float32 runs: 1e-6 (the issue's bar), float64: 1e-10.
// LBFGS in float32 is the written exception: on this problem PyTorch's own float32 run moves by
// `sensitivity` (up to 5e-4, measured by the generator) when its start changes by one ulp, so
// no reimplementation can match it to 1e-6; those runs are held to 2 x sensitivity, and LBFGS's
// arithmetic is checked by the float64 runs (sensitivity <= 1e-12) at 1e-10.
function tolerance(id: string, c: Case): number {
  if (c.dtype === 'float64') return 1e-10;
  if (c.optimizer === 'LBFGS') return Math.max(1e-6, 2 * c.sensitivity);
  return 1e-6;
}

function assertClose(a: number, b: number, tol: number, what: string): void {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return;
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: expected ${b}, got ${a}`);
}

// State tensors (moment averages of tiny gradients, ...) are compared relative to their own scale.
function assertTensorClose(got: unknown, name: string, tol: number, what: string): void {
  assert.ok(got instanceof nb.Tensor, `${what}: expected a tensor`);
  const want = fx.get(name)!;
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  const g = got.data();
  let scale = 0;
  for (const v of want.data) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < want.data.length; i++) {
    const a = g[i];
    const b = want.data[i];
    assert.ok(
      Math.abs(a - b) <= tol * Math.max(Math.abs(b), 1e-3 * scale, 1e-30),
      `${what}[${i}]: expected ${b}, got ${a}`,
    );
  }
}

// Options PyTorch 1.13 keeps in its groups that nabla has no use for (no foreach/fused kernels,
// no CUDA graphs, no differentiable optimizers).
const IGNORED_TORCH_KEYS = new Set(['foreach', 'capturable', 'differentiable', 'fused']);
// nabla gives every optimizer `maximize` (PyTorch 2 added it to NAdam and RAdam; its LBFGS has none).
const EXTRA_KEYS: Record<string, string[]> = { NAdam: ['maximize'], RAdam: ['maximize'], LBFGS: ['maximize'] };

describe('optimizer trajectories match PyTorch 1.13', () => {
  for (const [id, c] of Object.entries(meta.cases)) {
    test(id, () => {
      const { params, lossOf } = problem(c.dtype);
      const opt = build(c, params);
      const lbfgs = c.optimizer === 'LBFGS';
      const tol = tolerance(id, c);
      const traj = fx.get(`${id}/traj`)!;
      const losses = fx.get(`${id}/loss`)!;
      const n = traj.shape[1];
      for (let s = 0; s < meta.steps; s++) {
        const loss = trainStep(opt, params, lossOf, lbfgs);
        assertClose(loss, losses.data[s], tol, `${id} loss before step ${s + 1}`);
        const got = flat(params);
        for (let j = 0; j < n; j++) assertClose(got[j], traj.data[s * n + j], tol, `${id} step ${s + 1} param[${j}]`);
      }

      // Final state dict: tensors, scalars and the groups, laid out as PyTorch's. State tensors
      // are built from float32 gradients, which carry the forward/backward rounding differences
      // amplified by cancellation (up to ~5e-4 relative with float32-accumulating GEMM, as the
      // wasm backend and PyTorch both do, in different orders), so float32 state is held to 1e-3
      // and the float64 runs check the state arithmetic to 1e-8. LBFGS float32 history vectors
      // are only checked for shape (see `tolerance`).
      const sd = opt.stateDict();
      const stateTol = c.dtype === 'float64' ? 1e-8 : 1e-3;
      for (const [i, scalars] of Object.entries(c.state_scalars)) {
        const st = sd.state[Number(i)];
        assert.ok(st, `${id}: state for parameter ${i}`);
        for (const [k, v] of Object.entries(scalars)) {
          const got = st[k];
          if (v !== null && typeof v === 'object' && 'list' in v) {
            const list = got as Tensor[];
            assert.equal(list.length, (v as { list: number }).list, `${id}: length of state ${i}.${k}`);
            if (!lbfgs || c.dtype === 'float64') {
              list.forEach((t, j) =>
                assertTensorClose(t, `${id}/state/${i}/${k}/${j}`, stateTol, `${id} ${i}.${k}[${j}]`),
              );
            }
          } else if (Array.isArray(v)) {
            const arr = got as number[];
            assert.equal(arr.length, v.length, `${id}: length of state ${i}.${k}`);
            if (!lbfgs || c.dtype === 'float64')
              arr.forEach((x, j) => assertClose(x, v[j] as number, stateTol, `${id} ${i}.${k}[${j}]`));
          } else if (typeof v === 'number') {
            const x = got instanceof nb.Tensor ? Number(got.item()) : (got as number);
            if (['step', 'func_evals', 'n_iter', 'mu_product'].includes(k))
              assert.equal(x, v, `${id}: state ${i}.${k}`);
            else if (!lbfgs || c.dtype === 'float64') assertClose(x, v, stateTol, `${id}: state ${i}.${k}`);
          } else assert.equal(got, v, `${id}: state ${i}.${k}`);
        }
        const prefix = `${id}/state/${i}/`;
        for (const name of fx.keys()) {
          if (name.startsWith(prefix))
            assert.ok(name.slice(prefix.length).split('/')[0] in st, `${id}: missing state ${name}`);
        }
        for (const k of Object.keys(st)) {
          const isTensorKey = fx.has(`${id}/state/${i}/${k}`);
          assert.ok(k in scalars || isTensorKey, `${id}: state ${i}.${k} is not in PyTorch's state`);
          if (isTensorKey && (!lbfgs || c.dtype === 'float64'))
            assertTensorClose(st[k], `${id}/state/${i}/${k}`, stateTol, `${id} ${i}.${k}`);
        }
      }
      assert.equal(Object.keys(sd.state).length, Object.keys(c.state_scalars).length, `${id}: number of states`);
      assert.equal(sd.param_groups.length, c.param_groups.length);
      c.param_groups.forEach((want, gi) => {
        const got = sd.param_groups[gi];
        for (const [k, v] of Object.entries(want)) {
          if (IGNORED_TORCH_KEYS.has(k)) continue;
          assert.deepEqual(got[k], v, `${id}: param_groups[${gi}].${k}`);
        }
        for (const k of Object.keys(got)) {
          if (EXTRA_KEYS[c.optimizer]?.includes(k)) continue;
          assert.ok(k in want, `${id}: param_groups[${gi}] has extra key ${k}`);
        }
      });
    });
  }
});

// ---- resume from a state dict ------------------------------------------------------------

/** A checkpoint-like copy: tensors cloned, everything else through JSON. */
function snapshot<T>(v: T): T {
  if (v instanceof nb.Tensor) return v.clone() as T;
  if (Array.isArray(v)) return v.map(snapshot) as T;
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, snapshot(x)])) as T;
  }
  return JSON.parse(JSON.stringify(v ?? null)) as T;
}

describe('stateDict / loadStateDict resume the same trajectory', () => {
  const ids = [
    'sgd_nesterov',
    'sgd_groups',
    'adam_amsgrad_wd',
    'adam_groups',
    'adamw',
    'adamax',
    'nadam',
    'radam',
    'adagrad_decay',
    'adadelta',
    'rmsprop_centered_momentum_wd',
    'rprop_etas',
    'lion_wd',
    'lbfgs_history',
    'lbfgs_wolfe_history_f64',
  ];
  for (const id of ids) {
    test(id, () => {
      const c = meta.cases[id];
      const lbfgs = c.optimizer === 'LBFGS';
      const a = problem(c.dtype);
      const optA = build(c, a.params);
      for (let s = 0; s < meta.steps; s++) trainStep(optA, a.params, a.lossOf, lbfgs);

      const b = problem(c.dtype);
      const optB = build(c, b.params);
      for (let s = 0; s < 12; s++) trainStep(optB, b.params, b.lossOf, lbfgs);
      const saved = snapshot(optB.stateDict());
      const weights = b.params.map((p) => p.detach().clone());
      for (let s = 0; s < 3; s++) trainStep(optB, b.params, b.lossOf, lbfgs); // must not leak into `saved`

      const r = problem(c.dtype);
      nb.noGrad(() => r.params.forEach((p, i) => p.copy_(weights[i])));
      // Different hyper-parameters on purpose: loading restores the saved ones, as in PyTorch.
      const optR = build({ ...c, kwargs: { ...c.kwargs, lr: 123 } }, r.params);
      optR.loadStateDict(saved);
      assert.equal(optR.paramGroups[0].lr, optA.paramGroups[0].lr);
      for (let s = 12; s < meta.steps; s++) trainStep(optR, r.params, r.lossOf, lbfgs);
      assert.deepEqual(flat(r.params), flat(a.params), `${id}: resumed run differs from the uninterrupted one`);
    });
  }

  test('optimizer + scheduler state resume bit for bit', () => {
    const run = (resumeAt: number | null) => {
      let { params, lossOf } = problem('float32');
      let opt: AnyOpt = new optim.Adam(params, { lr: 0.01 });
      let sched = new optim.lrScheduler.OneCycleLR(opt, 0.05, { totalSteps: 30 });
      for (let s = 0; s < 30; s++) {
        if (s === resumeAt) {
          const saved = { opt: snapshot(opt.stateDict()), sched: snapshot(sched.stateDict()) };
          const w = params.map((p) => p.detach().clone());
          ({ params, lossOf } = problem('float32'));
          nb.noGrad(() => params.forEach((p, i) => p.copy_(w[i])));
          opt = new optim.Adam(params, { lr: 0.5 });
          sched = new optim.lrScheduler.OneCycleLR(opt, 0.05, { totalSteps: 30 });
          opt.loadStateDict(saved.opt);
          sched.loadStateDict(saved.sched);
        }
        trainStep(opt, params, lossOf, false);
        sched.step();
      }
      return { w: flat(params), lr: sched.getLastLr(), betas: opt.paramGroups[0].betas };
    };
    assert.deepEqual(run(13), run(null));
  });

  test('loadStateDict copies tensors and casts them to the parameter dtype (not step)', () => {
    const p64 = new nn.Parameter(nb.tensor([1, -2, 3], { dtype: 'float64' }));
    const src = new optim.Adam([p64], { lr: 0.1 });
    p64.grad = nb.tensor([0.5, 0.5, -1], { dtype: 'float64' });
    src.step();
    const sd = src.stateDict();
    const p32 = new nn.Parameter(nb.tensor([1, -2, 3]));
    const dst = new optim.Adam([p32], { lr: 0.1 });
    dst.loadStateDict(sd);
    const st = dst.state.get(p32)!;
    assert.equal((st.exp_avg as Tensor).dtype, 'float32');
    assert.equal((st.step as Tensor).dtype, 'float32');
    nb.noGrad(() => (sd.state[0].exp_avg as Tensor).fill_(7));
    assert.notEqual((st.exp_avg as Tensor).data()[0], 7, 'loaded state must not alias the source');
  });

  test('loadStateDict validates groups with PyTorch messages', () => {
    const ps = [new nn.Parameter(nb.zeros([2])), new nn.Parameter(nb.zeros([3]))];
    const sd = new optim.SGD(ps, { lr: 0.1 }).stateDict();
    const two = new optim.SGD([{ params: [ps[0]] }, { params: [ps[1]] }], { lr: 0.1 });
    assert.throws(
      () => two.loadStateDict(sd),
      (e: Error) =>
        e instanceof nb.ValueError && /loaded state dict has a different number of parameter groups/.test(e.message),
    );
    const one = new optim.SGD([ps[0]], { lr: 0.1 });
    assert.throws(
      () => one.loadStateDict(sd),
      (e: Error) =>
        e instanceof nb.ValueError &&
        e.message.includes(
          "loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
        ),
    );
  });
});

// ---- validation ------------------------------------------------------------------------------

describe('hyper-parameter validation (PyTorch messages)', () => {
  const p = () => [new nn.Parameter(nb.zeros([2]))];
  const cases: [string, () => unknown, RegExp][] = [
    ['Adam lr', () => new optim.Adam(p(), { lr: -1 }), /^Adam: Invalid learning rate: -1$/],
    ['SGD lr NaN', () => new optim.SGD(p(), { lr: NaN }), /^SGD: Invalid learning rate: nan$/],
    ['SGD momentum', () => new optim.SGD(p(), { lr: 0.1, momentum: -0.5 }), /^SGD: Invalid momentum value: -0.5$/],
    ['SGD weight decay', () => new optim.SGD(p(), { weightDecay: -1 }), /^SGD: Invalid weight_decay value: -1$/],
    [
      'SGD nesterov without momentum',
      () => new optim.SGD(p(), { nesterov: true }),
      /Nesterov momentum requires a momentum and zero dampening/,
    ],
    [
      'SGD nesterov dampening',
      () => new optim.SGD(p(), { nesterov: true, momentum: 0.9, dampening: 0.1 }),
      /Nesterov momentum requires a momentum and zero dampening/,
    ],
    [
      'Adam beta1',
      () => new optim.Adam(p(), { betas: [1.5, 0.999] }),
      /^Adam: Invalid beta parameter at index 0: 1.5$/,
    ],
    ['AdamW beta2', () => new optim.AdamW(p(), { betas: [0.9, 1] }), /^AdamW: Invalid beta parameter at index 1: 1$/],
    ['Adam eps', () => new optim.Adam(p(), { eps: -1e-8 }), /^Adam: Invalid epsilon value: -1e-08$/],
    ['AdamW weight decay', () => new optim.AdamW(p(), { weightDecay: -1 }), /^AdamW: Invalid weight_decay value: -1$/],
    [
      'Adamax beta',
      () => new optim.Adamax(p(), { betas: [0.9, -0.1] }),
      /^Adamax: Invalid beta parameter at index 1: -0.1$/,
    ],
    [
      'NAdam momentum decay',
      () => new optim.NAdam(p(), { momentumDecay: -1 }),
      /^NAdam: Invalid momentum_decay value: -1$/,
    ],
    ['RAdam eps', () => new optim.RAdam(p(), { eps: -0.001 }), /^RAdam: Invalid epsilon value: -0.001$/],
    ['Adagrad lr decay', () => new optim.Adagrad(p(), { lrDecay: -1 }), /^Adagrad: Invalid lr_decay value: -1$/],
    [
      'Adagrad accumulator',
      () => new optim.Adagrad(p(), { initialAccumulatorValue: -0.1 }),
      /^Adagrad: Invalid initial_accumulator_value value: -0.1$/,
    ],
    ['Adadelta rho', () => new optim.Adadelta(p(), { rho: 1.5 }), /^Adadelta: Invalid rho value: 1.5$/],
    ['RMSprop alpha', () => new optim.RMSprop(p(), { alpha: -0.1 }), /^RMSprop: Invalid alpha value: -0.1$/],
    ['RMSprop momentum', () => new optim.RMSprop(p(), { momentum: -1 }), /^RMSprop: Invalid momentum value: -1$/],
    ['Rprop etas', () => new optim.Rprop(p(), { etas: [1.5, 1.2] }), /^Rprop: Invalid eta values: 1.5, 1.2$/],
    ['Lion lr', () => new optim.Lion(p(), { lr: -1e-5 }), /^Lion: Invalid learning rate: -1e-05$/],
    [
      'LBFGS line search',
      () => new optim.LBFGS(p(), { lineSearchFn: 'armijo' as 'strong_wolfe' }),
      /only 'strong_wolfe' is supported/,
    ],
    [
      'LBFGS groups',
      () => new optim.LBFGS([{ params: p() }, { params: p() }]),
      /LBFGS doesn't support per-parameter options \(parameter groups\)/,
    ],
    ['group option', () => new optim.SGD([{ params: p(), lr: -0.1 }]), /^SGD: Invalid learning rate: -0.1$/],
    ['empty', () => new optim.SGD([], { lr: 0.1 }), /optimizer got an empty parameter list/],
    [
      'duplicate',
      () => {
        const q = p();
        return new optim.SGD([{ params: q }, { params: q }]);
      },
      /some parameters appear in more than one parameter group/,
    ],
    ['non-leaf', () => new optim.SGD([new nn.Parameter(nb.zeros([2])).mul(2)]), /can't optimize a non-leaf Tensor/],
  ];
  for (const [name, f, re] of cases) {
    test(name, () => assert.throws(f, (e: Error) => e instanceof nb.ValueError && re.test(e.message)));
  }
  test('a bare tensor is refused with a TypeError', () => {
    const t = new nn.Parameter(nb.zeros([2]));
    assert.throws(
      () => new optim.SGD(t as unknown as Tensor[]),
      (e: Error) => e instanceof TypeError && /iterable of Tensors or dicts, but got Tensor/.test(e.message),
    );
  });
});

// ---- base-class behaviour -----------------------------------------------------------------

describe('Optimizer behaviour', () => {
  test('zeroGrad drops gradients by default and zeroes them in place with setToNone: false', () => {
    const p = new nn.Parameter(nb.tensor([1, 2]));
    const opt = new optim.SGD([p], { lr: 0.1 });
    p.grad = nb.tensor([3, 4]);
    const g = p.grad;
    opt.zeroGrad({ setToNone: false });
    assert.equal(p.grad, g);
    assert.deepEqual(Array.from(g.data()), [0, 0]);
    opt.zeroGrad();
    assert.equal(p.grad, null);
  });

  test('parameters without a gradient are skipped and get no state (as in PyTorch)', () => {
    const a = new nn.Parameter(nb.tensor([1, 2]));
    const b = new nn.Parameter(nb.tensor([3, 4]));
    const opt = new optim.Adam([a, b], { lr: 0.1 });
    a.grad = nb.tensor([1, -1]);
    opt.step();
    assert.deepEqual(Array.from(b.data()), [3, 4]);
    assert.equal(opt.state.has(b), false);
    assert.deepEqual(Object.keys(opt.stateDict().state), ['0']);
    // Adam's first step moves each element by lr (PyTorch: m̂/√v̂ = ±1 when eps is negligible).
    assertClose(a.data()[0], 0.9, 1e-6, 'a[0]');
    assertClose(a.data()[1], 2.1, 1e-6, 'a[1]');
  });

  test('step(closure) returns the loss and runs the closure with grad enabled', () => {
    const { params, lossOf } = problem('float64');
    const opt = new optim.SGD(params, { lr: 0.1 });
    const loss = nb.noGrad(() =>
      opt.step(() => {
        opt.zeroGrad();
        const l = lossOf(params);
        l.backward();
        return l;
      }),
    ) as Tensor;
    assertClose(Number(loss.item()), fx.get('sgd_f64/loss')!.data[0], 1e-12, 'loss');
    assertClose(
      params[3].data()[0],
      fx.get('sgd_f64/traj')!.data[fx.get('sgd_f64/traj')!.shape[1] - 3],
      1e-12,
      'b2[0]',
    );
  });

  test('addParamGroup fills defaults and the new group is updated', () => {
    const a = new nn.Parameter(nb.tensor([1]));
    const b = new nn.Parameter(nb.tensor([1]));
    const opt = new optim.SGD([a], { lr: 0.1, momentum: 0.9 });
    opt.addParamGroup({ params: [b], lr: 0.5 });
    assert.equal(opt.paramGroups[1].momentum, 0.9);
    a.grad = nb.tensor([1]);
    b.grad = nb.tensor([1]);
    opt.step();
    assertClose(a.data()[0], 0.9, 1e-7, 'a');
    assertClose(b.data()[0], 0.5, 1e-7, 'b');
    assert.deepEqual(
      opt.stateDict().param_groups.map((g) => g.params),
      [[0], [1]],
    );
    assert.throws(() => opt.addParamGroup({ params: [a] }), /some parameters appear in more than one parameter group/);
  });

  test('a strided (transposed) parameter is updated through its view', () => {
    const base = nb.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const view = new nn.Parameter(base.t());
    const dense = new nn.Parameter(base.t().contiguous());
    const g = nb.tensor([
      [0.1, -0.2],
      [0.3, 0.4],
      [-0.5, 0.6],
    ]);
    const o1 = new optim.Adam([view], { lr: 0.1, amsgrad: true });
    const o2 = new optim.Adam([dense], { lr: 0.1, amsgrad: true });
    for (let i = 0; i < 3; i++) {
      view.grad = g.mul(i + 1);
      dense.grad = g.mul(i + 1);
      o1.step();
      o2.step();
    }
    assert.deepEqual(view.tolist(), dense.tolist());
    assert.deepEqual(base.tolist(), dense.t().tolist(), 'the base tensor shares the update');
  });

  test('an expanded (stride-0) gradient is read correctly', () => {
    const p = new nn.Parameter(nb.tensor([1, 2, 3]));
    const opt = new optim.SGD([p], { lr: 0.5 });
    p.grad = nb.tensor([2]).expand([3]);
    opt.step();
    assert.deepEqual(Array.from(p.data()), [0, 1, 2]);
  });

  test('a step bumps the version, so a graph that saved the old values refuses backward', () => {
    const p = new nn.Parameter(nb.tensor([1, 2]));
    const opt = new optim.SGD([p], { lr: 0.1 });
    const y = p.mul(p).sum();
    p.grad = nb.tensor([1, 1]);
    opt.step();
    assert.throws(() => y.backward(), /version/);
  });

  test('Adagrad creates its state at construction, as PyTorch does', () => {
    const p = new nn.Parameter(nb.tensor([1, 2]));
    const opt = new optim.Adagrad([p], { initialAccumulatorValue: 0.25 });
    const st = opt.stateDict().state[0];
    assert.equal(Number((st.step as Tensor).item()), 0);
    assert.deepEqual(Array.from((st.sum as Tensor).data()), [0.25, 0.25]);
  });

  test('SGD without momentum keeps momentum_buffer: null (PyTorch 1.13 layout)', () => {
    const p = new nn.Parameter(nb.tensor([1, 2]));
    const opt = new optim.SGD([p], { lr: 0.1 });
    p.grad = nb.tensor([1, 1]);
    opt.step();
    assert.deepEqual(opt.stateDict().state, { 0: { momentum_buffer: null } });
  });

  test('toString lists the groups as PyTorch does', () => {
    const opt = new optim.SGD([new nn.Parameter(nb.zeros([1]))], { lr: 0.1 });
    assert.equal(
      opt.toString(),
      'SGD (\nParameter Group 0\n    dampening: 0\n    lr: 0.1\n    maximize: false\n    momentum: 0\n    nesterov: false\n    penalty: null\n    weightDecay: 0\n)',
    );
  });

  // PyTorch 1.13's NAdam, RAdam and LBFGS have no `maximize`: check it against minimizing -loss.
  for (const name of ['NAdam', 'RAdam', 'Lion', 'LBFGS', 'LBFGS strong_wolfe']) {
    test(`${name} maximize(f) follows the same path as minimizing -f`, () => {
      const a = problem('float32');
      const b = problem('float32');
      const lbfgs = name.startsWith('LBFGS');
      const opts = lbfgs
        ? { lr: 0.2, maxIter: 2, lineSearchFn: name.endsWith('wolfe') ? 'strong_wolfe' : null }
        : { lr: 0.01 };
      const optA = new (ctor(name.split(' ')[0]))(a.params, { maximize: true, ...opts });
      const optB = new (ctor(name.split(' ')[0]))(b.params, opts);
      const minusLoss = (ps: Tensor[]) => a.lossOf(ps).neg();
      for (let s = 0; s < 10; s++) {
        trainStep(optA, a.params, minusLoss, lbfgs);
        trainStep(optB, b.params, b.lossOf, lbfgs);
      }
      assert.deepEqual(flat(a.params), flat(b.params));
    });
  }

  test('LBFGS needs a closure and stops at once at a stationary point', () => {
    const p = new nn.Parameter(nb.tensor([0, 0], { dtype: 'float64' }));
    const opt = new optim.LBFGS([p]);
    assert.throws(() => opt.step(), /LBFGS needs a closure/);
    const loss = opt.step(() => {
      opt.zeroGrad();
      const l = p.mul(p).sum();
      l.backward();
      return l;
    });
    assert.equal(Number((loss as Tensor).item()), 0);
    assert.equal(opt.stateDict().state[0].func_evals, 1);
  });

  test('LBFGS with strong Wolfe minimizes a quadratic in one step', () => {
    // f(x) = sum((x - c)^2 * w): a diagonal quadratic, exact minimum at c.
    const c = nb.tensor([1, -2, 3], { dtype: 'float64' });
    const w = nb.tensor([1, 10, 100], { dtype: 'float64' });
    const x = new nn.Parameter(nb.zeros([3], { dtype: 'float64' }));
    const opt = new optim.LBFGS([x], { lineSearchFn: 'strong_wolfe', maxIter: 50 });
    opt.step(() => {
      opt.zeroGrad();
      const d = x.sub(c);
      const l = d.mul(d).mul(w).sum();
      l.backward();
      return l;
    });
    x.data().forEach((v, i) => assertClose(v, c.data()[i], 1e-6, `x[${i}]`));
  });
});

// ---- penalties --------------------------------------------------------------------------------

describe('penalties', () => {
  const run = (opts: Record<string, unknown>, extraLoss?: (ps: Tensor[]) => Tensor) => {
    const { params, lossOf } = problem('float32');
    const opt = new optim.SGD(params, { lr: 0.05, momentum: 0.9, ...opts });
    const f = extraLoss ? (ps: Tensor[]) => lossOf(ps).add(extraLoss(ps)) : lossOf;
    for (let s = 0; s < 10; s++) trainStep(opt as AnyOpt, params, f, false);
    return flat(params);
  };

  test('L2(λ) as an option equals weightDecay = 2λ exactly', () => {
    assert.deepEqual(run({ penalty: new optim.penalty.L2(0.01) }), run({ weightDecay: 0.02 }));
  });

  test('ElasticNet with l1Ratio 1 / 0 equals L1 / L2 exactly', () => {
    assert.deepEqual(
      run({ penalty: new optim.penalty.ElasticNet(1, 0.01) }),
      run({ penalty: new optim.penalty.L1(0.01) }),
    );
    assert.deepEqual(
      run({ penalty: new optim.penalty.ElasticNet(0, 0.01) }),
      run({ penalty: new optim.penalty.L2(0.01) }),
    );
  });

  for (const [name, pen] of [
    ['L1', new optim.penalty.L1(0.01)],
    ['L2', new optim.penalty.L2(0.01)],
    ['ElasticNet', new optim.penalty.ElasticNet(0.3, 0.02)],
  ] as const) {
    test(`${name}: the option and the loss term give the same training run`, () => {
      const a = run({ penalty: pen });
      const b = run({}, (ps) => pen.term(ps));
      a.forEach((v, i) => assertClose(v, b[i], 1e-6, `param[${i}]`));
      assert.notDeepEqual(a, run({}), 'the penalty changes the run');
    });
  }

  test('term values follow the documented formulas', () => {
    const w = [nb.tensor([1, -2], { dtype: 'float64' }), nb.tensor([0.5], { dtype: 'float64' })];
    // Σ|w| = 3.5, Σw² = 5.25
    assertClose(Number(new optim.penalty.L1(0.1).term(w).item()), 0.35, 1e-15, 'L1');
    assertClose(Number(new optim.penalty.L2(0.1).term(w).item()), 0.525, 1e-15, 'L2');
    assertClose(
      Number(new optim.penalty.ElasticNet(0.4, 0.1).term(w).item()),
      0.1 * (0.4 * 3.5 + 0.6 * 5.25),
      1e-15,
      'EN',
    );
  });

  test('the penalty is kept in the state dict and restored', () => {
    const p = [new nn.Parameter(nb.zeros([2]))];
    const opt = new optim.Adam(p, { penalty: new optim.penalty.ElasticNet(0.25, 1e-3) });
    const sd = snapshot(opt.stateDict());
    assert.deepEqual(sd.param_groups[0].penalty, { type: 'ElasticNet', lambda: 1e-3, l1_ratio: 0.25 });
    const other = new optim.Adam(p);
    other.loadStateDict(sd);
    assert.ok(other.paramGroups[0].penalty instanceof optim.penalty.ElasticNet);
    assert.equal((other.paramGroups[0].penalty as InstanceType<typeof optim.penalty.ElasticNet>).l1Ratio, 0.25);
  });

  test('bad penalty arguments', () => {
    assert.throws(
      () => new optim.penalty.L1(-1),
      (e: Error) => e instanceof nb.ValueError && /L1: expected lambda >= 0, got -1/.test(e.message),
    );
    assert.throws(() => new optim.penalty.ElasticNet(1.5, 0.1), /ElasticNet: expected l1Ratio in \[0, 1\], got 1.5/);
  });
});
