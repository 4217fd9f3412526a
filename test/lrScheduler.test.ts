// LR schedulers: the lr (and cycled momentum) of every group after construction and after each of
// 100 steps, against PyTorch 1.13 (fixtures from tools/torch_optim_fixtures.py; each builder
// below mirrors the same-named entry of SCHEDULERS there), state dicts, resume, validation.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';

const { optim, nn } = nb;
const S = optim.lrScheduler;
type Opt = nb.optim.Optimizer<nb.optim.BaseOptions>;
type Sched = nb.optim.lrScheduler.LRScheduler | nb.optim.lrScheduler.ReduceLROnPlateau;

const meta = JSON.parse(readFileSync(new URL('./fixtures/optim.json', import.meta.url), 'utf8')) as {
  plateau_metrics: number[];
  schedulers: Record<string, { lrs: number[][]; momenta: number[][]; state_keys: string[] }>;
};

const param = (n = 1) => new nn.Parameter(nb.zeros([n]));
function sgd(lrs = [0.1], momentum = 0.9): Opt {
  return new optim.SGD(
    lrs.map((lr, i) => ({ params: [param(i ? 1 : 2)], lr })),
    { lr: lrs[0], momentum },
  );
}
function adam(lrs = [0.1]): Opt {
  return new optim.Adam(
    lrs.map((lr) => ({ params: [param()], lr })),
    { lr: lrs[0] },
  );
}

const BUILDERS: Record<string, [() => Opt, (o: Opt) => Sched]> = {
  lambda: [() => sgd([0.1, 0.05]), (o) => new S.LambdaLR(o, [(e) => 0.95 ** e, (e) => 1 / (e + 1)])],
  multiplicative: [() => sgd(), (o) => new S.MultiplicativeLR(o, () => 0.97)],
  step: [() => sgd(), (o) => new S.StepLR(o, 7, { gamma: 0.5 })],
  step_default: [() => sgd([0.1, 0.2]), (o) => new S.StepLR(o, 30)],
  multistep: [() => sgd(), (o) => new S.MultiStepLR(o, [10, 25, 25, 60], { gamma: 0.3 })],
  constant: [() => sgd(), (o) => new S.ConstantLR(o, { factor: 0.25, totalIters: 8 })],
  constant_default: [() => sgd(), (o) => new S.ConstantLR(o)],
  linear: [() => sgd(), (o) => new S.LinearLR(o, { startFactor: 0.2, endFactor: 0.9, totalIters: 12 })],
  linear_default: [() => sgd(), (o) => new S.LinearLR(o)],
  exponential: [() => sgd([0.1, 0.3]), (o) => new S.ExponentialLR(o, 0.96)],
  polynomial: [() => sgd(), (o) => new S.PolynomialLR(o, { totalIters: 40, power: 2 })],
  polynomial_default: [() => sgd(), (o) => new S.PolynomialLR(o)],
  cosine: [() => sgd(), (o) => new S.CosineAnnealingLR(o, 20, { etaMin: 0.001 })],
  cosine_zero_min: [() => sgd([0.1, 0.02]), (o) => new S.CosineAnnealingLR(o, 33)],
  warm_restarts: [() => sgd(), (o) => new S.CosineAnnealingWarmRestarts(o, 7, { TMult: 2, etaMin: 1e-3 })],
  warm_restarts_constant: [() => sgd(), (o) => new S.CosineAnnealingWarmRestarts(o, 10)],
  cyclic_triangular: [
    () => sgd([0.1, 0.2]),
    (o) => new S.CyclicLR(o, 0.01, [0.1, 0.3], { stepSizeUp: 6, stepSizeDown: 9 }),
  ],
  cyclic_triangular2: [
    () => sgd(),
    (o) => new S.CyclicLR(o, 0.01, 0.1, { stepSizeUp: 5, mode: 'triangular2', baseMomentum: 0.7, maxMomentum: 0.95 }),
  ],
  cyclic_exp_range: [
    () => sgd(),
    (o) => new S.CyclicLR(o, 0.01, 0.1, { stepSizeUp: 8, mode: 'exp_range', gamma: 0.98 }),
  ],
  cyclic_no_momentum: [() => adam(), (o) => new S.CyclicLR(o, 0.001, 0.01, { stepSizeUp: 4, cycleMomentum: false })],
  onecycle_cos: [() => sgd(), (o) => new S.OneCycleLR(o, 0.1, { totalSteps: 100 })],
  onecycle_linear_three_phase: [
    () => adam([0.1, 0.2]),
    (o) =>
      new S.OneCycleLR(o, [0.1, 0.2], { totalSteps: 120, pctStart: 0.25, annealStrategy: 'linear', threePhase: true }),
  ],
  onecycle_epochs: [
    () => sgd(),
    (o) =>
      new S.OneCycleLR(o, 0.05, {
        epochs: 10,
        stepsPerEpoch: 11,
        divFactor: 10,
        finalDivFactor: 100,
        baseMomentum: 0.8,
        maxMomentum: 0.9,
      }),
  ],
  sequential: [
    () => sgd(),
    (o) =>
      new S.SequentialLR(o, [new S.LinearLR(o, { startFactor: 0.1, totalIters: 5 }), new S.ExponentialLR(o, 0.9)], [5]),
  ],
  sequential_three: [
    () => sgd([0.1, 0.05]),
    (o) =>
      new S.SequentialLR(
        o,
        [
          new S.ConstantLR(o, { factor: 0.5, totalIters: 3 }),
          new S.CosineAnnealingLR(o, 10),
          new S.StepLR(o, 5, { gamma: 0.5 }),
        ],
        [6, 30],
      ),
  ],
  chained: [
    () => sgd(),
    (o) => new S.ChainedScheduler([new S.ConstantLR(o, { factor: 0.5, totalIters: 4 }), new S.ExponentialLR(o, 0.9)]),
  ],
  chained_cosine_step: [
    () => sgd(),
    (o) =>
      new S.ChainedScheduler([new S.CosineAnnealingLR(o, 15, { etaMin: 0.01 }), new S.StepLR(o, 20, { gamma: 0.5 })]),
  ],
  plateau_min_rel: [() => sgd(), (o) => new S.ReduceLROnPlateau(o, { patience: 3, factor: 0.5 })],
  plateau_max_abs_cooldown: [
    () => sgd([0.1, 0.05]),
    (o) =>
      new S.ReduceLROnPlateau(o, {
        mode: 'max',
        thresholdMode: 'abs',
        threshold: 0.01,
        cooldown: 2,
        patience: 2,
        factor: 0.3,
        minLr: [0.01, 0.001],
      }),
  ],
  plateau_min_abs_eps: [
    () => sgd(),
    (o) =>
      new S.ReduceLROnPlateau(o, {
        thresholdMode: 'abs',
        threshold: 0.005,
        patience: 1,
        factor: 0.2,
        minLr: 1e-3,
        eps: 1e-4,
      }),
  ],
  plateau_max_rel: [() => sgd(), (o) => new S.ReduceLROnPlateau(o, { mode: 'max', patience: 4, cooldown: 1 })],
};

const momentumOf = (g: nb.optim.ParamGroup) => ('momentum' in g ? (g.momentum as number) : (g.betas as number[])[0]);

function stepOnce(opt: Opt, s: Sched, t: number): void {
  opt.step();
  if (s instanceof S.ReduceLROnPlateau) s.step(meta.plateau_metrics[t]);
  else s.step();
}

function close(a: number, b: number, what: string): void {
  assert.ok(Math.abs(a - b) <= 1e-12 * Math.abs(b) || a === b, `${what}: expected ${b}, got ${a}`);
}

describe('scheduler lr sequences match PyTorch 1.13 (100 steps, 1e-12 relative)', () => {
  test('every fixture scheduler has a builder and vice versa', () => {
    assert.deepEqual(Object.keys(BUILDERS).sort(), Object.keys(meta.schedulers).sort());
  });
  for (const [id, [makeOpt, makeSched]] of Object.entries(BUILDERS)) {
    test(id, () => {
      const want = meta.schedulers[id];
      const opt = makeOpt();
      const s = makeSched(opt);
      const check = (t: number) => {
        s.getLastLr().forEach((lr, i) => close(lr, want.lrs[t][i], `${id} lr[${i}] at step ${t}`));
        opt.paramGroups.forEach((g, i) =>
          close(momentumOf(g), want.momenta[t][i], `${id} momentum[${i}] at step ${t}`),
        );
      };
      check(0);
      for (let t = 0; t < 100; t++) {
        stepOnce(opt, s, t);
        check(t + 1);
      }
    });
  }
});

// Keys PyTorch 1.13 stores that hold functions (nabla saves none of them) or that nabla adds
// (`use_beta1`, and OneCycleLR's `_anneal_func_type`, as PyTorch 2 does).
const FUNCTION_KEYS = new Set(['_scale_fn_ref', '_scale_fn_custom', 'anneal_func', 'lr_lambdas']);
const EXTRA_KEYS = new Set(['use_beta1', '_anneal_func_type']);

describe('scheduler state dicts', () => {
  for (const [id, [makeOpt, makeSched]] of Object.entries(BUILDERS)) {
    test(`${id}: PyTorch's keys, and resuming gives the same lrs`, () => {
      const opt = makeOpt();
      const s = makeSched(opt);
      const keys = Object.keys(s.stateDict());
      for (const k of meta.schedulers[id].state_keys) {
        if (!FUNCTION_KEYS.has(k) || k === 'lr_lambdas') assert.ok(keys.includes(k), `${id}: missing state key ${k}`);
      }
      for (const k of keys)
        assert.ok(meta.schedulers[id].state_keys.includes(k) || EXTRA_KEYS.has(k), `${id}: extra state key ${k}`);

      // Save at step 37, rebuild everything, load optimizer and scheduler state, continue.
      for (let t = 0; t < 37; t++) stepOnce(opt, s, t);
      const saved = JSON.parse(
        JSON.stringify({ o: opt.stateDict(), s: s.stateDict() }, (_, v) =>
          v === Infinity ? 'inf' : v === -Infinity ? '-inf' : v,
        ),
        (_, v) => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v),
      );
      const opt2 = makeOpt();
      const s2 = makeSched(opt2);
      opt2.loadStateDict(saved.o);
      s2.loadStateDict(saved.s);
      for (let t = 37; t < 100; t++) {
        stepOnce(opt, s, t);
        stepOnce(opt2, s2, t);
        assert.deepEqual(s2.getLastLr(), s.getLastLr(), `${id}: lr after resume at step ${t + 1}`);
        assert.deepEqual(opt2.paramGroups.map(momentumOf), opt.paramGroups.map(momentumOf));
      }
    });
  }
});

describe('scheduler behaviour and validation', () => {
  test('initial_lr is recorded in the optimizer groups and saved as initial_lr', () => {
    const opt = sgd([0.1]);
    new S.StepLR(opt, 3);
    assert.equal(opt.paramGroups[0].initialLr, 0.1);
    assert.equal(opt.stateDict().param_groups[0].initial_lr, 0.1);
  });

  test('StepLR.step(epoch) uses the closed form', () => {
    const opt = sgd([1]);
    const s = new S.StepLR(opt, 10, { gamma: 0.5 });
    s.step(25);
    assert.deepEqual(s.getLastLr(), [0.25]);
  });

  test('CosineAnnealingWarmRestarts accepts fractional epochs', () => {
    const opt = sgd([1]);
    const s = new S.CosineAnnealingWarmRestarts(opt, 10, { TMult: 2 });
    s.step(15); // T_i = 20 after the first restart at 10, T_cur = 5
    close(s.getLastLr()[0], (1 + Math.cos((Math.PI * 5) / 20)) / 2, 'lr');
    s.step(2.5);
    close(s.getLastLr()[0], (1 + Math.cos((Math.PI * 2.5) / 10)) / 2, 'lr');
  });

  test('ReduceLROnPlateau accepts a one-element tensor metric', () => {
    const opt = sgd([1]);
    const s = new S.ReduceLROnPlateau(opt, { patience: 0 });
    s.step(nb.tensor(1));
    s.step(nb.tensor(2));
    assert.deepEqual(s.getLastLr(), [0.1]);
  });

  const bad: [string, () => unknown, RegExp][] = [
    [
      'resume without initial_lr',
      () => new S.StepLR(sgd(), 3, { lastEpoch: 5 }),
      /param 'initial_lr' is not specified in param_groups\[0\] when resuming an optimizer/,
    ],
    [
      'ConstantLR factor',
      () => new S.ConstantLR(sgd(), { factor: 2 }),
      /Constant multiplicative factor expected to be between 0 and 1./,
    ],
    [
      'LinearLR start',
      () => new S.LinearLR(sgd(), { startFactor: -1 }),
      /Starting multiplicative factor expected to be between 0 and 1./,
    ],
    [
      'LinearLR end',
      () => new S.LinearLR(sgd(), { endFactor: 2 }),
      /Ending multiplicative factor expected to be between 0 and 1./,
    ],
    ['LambdaLR count', () => new S.LambdaLR(sgd([0.1, 0.2]), [() => 1]), /Expected 2 lr_lambdas, but got 1/],
    ['WarmRestarts T_0', () => new S.CosineAnnealingWarmRestarts(sgd(), 0), /Expected positive integer T_0, but got 0/],
    [
      'WarmRestarts T_mult',
      () => new S.CosineAnnealingWarmRestarts(sgd(), 5, { TMult: 1.5 }),
      /Expected integer T_mult >= 1, but got 1.5/,
    ],
    [
      'CyclicLR mode',
      () => new S.CyclicLR(sgd(), 0.1, 1, { mode: 'zigzag' as 'triangular' }),
      /mode is invalid and scale_fn is None/,
    ],
    ['CyclicLR values', () => new S.CyclicLR(sgd(), [0.1, 0.2], 1), /expected 1 values for base_lr, got 2/],
    [
      'OneCycleLR total',
      () => new S.OneCycleLR(sgd(), 0.1),
      /You must define either total_steps OR \(epochs AND steps_per_epoch\)/,
    ],
    [
      'OneCycleLR steps',
      () => new S.OneCycleLR(sgd(), 0.1, { totalSteps: 0 }),
      /Expected positive integer total_steps, but got 0/,
    ],
    [
      'OneCycleLR pct',
      () => new S.OneCycleLR(sgd(), 0.1, { totalSteps: 10, pctStart: 1.5 }),
      /Expected float between 0 and 1 pct_start, but got 1.5/,
    ],
    [
      'OneCycleLR strategy',
      () => new S.OneCycleLR(sgd(), 0.1, { totalSteps: 10, annealStrategy: 'exp' as 'cos' }),
      /anneal_strategy must by one of 'cos' or 'linear', instead got exp/,
    ],
    [
      'OneCycleLR overrun',
      () => {
        const s = new S.OneCycleLR(sgd(), 0.1, { totalSteps: 3 });
        for (let i = 0; i < 4; i++) s.step();
      },
      /Tried to step 5 times. The specified number of total steps is 3/,
    ],
    ['Plateau factor', () => new S.ReduceLROnPlateau(sgd(), { factor: 1 }), /Factor should be < 1.0./],
    ['Plateau mode', () => new S.ReduceLROnPlateau(sgd(), { mode: 'up' as 'min' }), /mode up is unknown!/],
    [
      'Plateau threshold mode',
      () => new S.ReduceLROnPlateau(sgd(), { thresholdMode: 'pct' as 'rel' }),
      /threshold mode pct is unknown!/,
    ],
    [
      'SequentialLR milestones',
      () => {
        const o = sgd();
        return new S.SequentialLR(o, [new S.StepLR(o, 2), new S.StepLR(o, 3)], []);
      },
      /expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers 2 and the number of milestones to be equal to 0/,
    ],
    [
      'SequentialLR optimizer',
      () => {
        const o = sgd();
        return new S.SequentialLR(o, [new S.StepLR(o, 2), new S.StepLR(sgd(), 3)], [4]);
      },
      /got schedulers at index 1 to be different than the optimizer passed in/,
    ],
    [
      'ChainedScheduler optimizer',
      () => new S.ChainedScheduler([new S.StepLR(sgd(), 2), new S.StepLR(sgd(), 3)]),
      /got schedulers at index 0 and 1 to be different/,
    ],
    [
      'CyclicLR momentum',
      () => new S.CyclicLR(new optim.Adagrad([param()]), 0.1, 1),
      /optimizer must support momentum with `cycle_momentum` option enabled/,
    ],
  ];
  for (const [name, f, re] of bad) {
    test(name, () => assert.throws(f, (e: Error) => e instanceof nb.ValueError && re.test(e.message)));
  }
  test('a scheduler needs an optimizer', () => {
    assert.throws(
      () => new S.StepLR({} as Opt, 3),
      (e: Error) => e instanceof TypeError && /Object is not an Optimizer/.test(e.message),
    );
  });
});
