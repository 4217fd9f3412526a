// The basic and normalization layers beyond the PyTorch-parity table (test/modspecs): default
// initializations, registration names, printing, running statistics by hand, dropout masks,
// embedding lookups, and error messages.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';

const { nn } = nb;
const F = nn.functional;

const maxAbs = (t: nb.Tensor) => t.abs().amax().item() as number;
const closeTo = (a: nb.Tensor, b: nb.Tensor, tol: number) => {
  const d = maxAbs(a.sub(b));
  assert.ok(d <= tol, `max deviation ${d} > ${tol}`);
};
const int = (v: number[] | number[][]) => nb.tensor(v, { dtype: 'int32' });

function std(t: nb.Tensor): number {
  const d = Array.from(t.data());
  const m = d.reduce((a, b) => a + b, 0) / d.length;
  return Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / d.length);
}

describe('default initialization (PyTorch reset_parameters)', () => {
  test('Linear: weight and bias U(-1/sqrt(in), 1/sqrt(in)), weight [out, in]', () => {
    const fc = new nn.Linear(400, 300);
    assert.deepEqual(fc.weight.shape, [300, 400]);
    const k = 1 / 20;
    for (const t of [fc.weight, fc.bias!]) {
      assert.ok(maxAbs(t) <= k && maxAbs(t) > 0.98 * k);
    }
    assert.ok(Math.abs(std(fc.weight) - k / Math.sqrt(3)) < 0.02 * k);
    assert.equal(new nn.Linear(3, 2, { bias: false }).bias, null);
    assert.equal(new nn.Linear(3, 2, { dtype: 'float64' }).weight.dtype, 'float64');
  });

  test('Bilinear: U(-1/sqrt(in1), 1/sqrt(in1)) for weight [out, in1, in2] and bias', () => {
    const b = new nn.Bilinear(100, 7, 30);
    assert.deepEqual(b.weight.shape, [30, 100, 7]);
    assert.ok(maxAbs(b.weight) <= 0.1 && maxAbs(b.weight) > 0.098 && maxAbs(b.bias!) <= 0.1);
  });

  test('Embedding N(0, 1) with the padding row zeroed; norms weight 1 and bias 0', () => {
    const e = new nn.Embedding(300, 100, { paddingIdx: 3 });
    assert.ok(Math.abs(std(e.weight) - 1) < 0.02);
    assert.deepEqual(e.weight.select(0, 3).tolist(), new Array(100).fill(0));
    for (const m of [new nn.LayerNorm([2, 3]), new nn.GroupNorm(1, 3), new nn.BatchNorm2d(3), new nn.RMSNorm(3)]) {
      for (const [n, p] of m.namedParameters()) {
        assert.ok(
          p.data().every((v) => v === (n === 'weight' ? 1 : 0)),
          `${m.constructor.name}.${n}`,
        );
      }
    }
    const bn = new nn.BatchNorm1d(2);
    assert.deepEqual(bn.running_mean!.tolist(), [0, 0]);
    assert.deepEqual(bn.running_var!.tolist(), [1, 1]);
    assert.equal(bn.num_batches_tracked!.dtype, 'int32');
  });
});

describe('registration names and state dicts', () => {
  test('BatchNorm2d registers PyTorch names; options remove them as PyTorch does', () => {
    assert.deepEqual(Object.keys(new nn.BatchNorm2d(8).stateDict()), [
      'weight',
      'bias',
      'running_mean',
      'running_var',
      'num_batches_tracked',
    ]);
    assert.deepEqual(Object.keys(new nn.BatchNorm2d(8, { affine: false }).stateDict()), [
      'running_mean',
      'running_var',
      'num_batches_tracked',
    ]);
    assert.deepEqual(Object.keys(new nn.BatchNorm1d(8, { trackRunningStats: false }).stateDict()), ['weight', 'bias']);
    assert.deepEqual(Object.keys(new nn.InstanceNorm2d(3).stateDict()), []);
    assert.deepEqual(Object.keys(new nn.InstanceNorm2d(3, { affine: true, trackRunningStats: true }).stateDict()), [
      'weight',
      'bias',
      'running_mean',
      'running_var',
      'num_batches_tracked',
    ]);
    assert.deepEqual(Object.keys(new nn.LayerNorm(4, { bias: false }).stateDict()), ['weight']);
    assert.deepEqual(Object.keys(new nn.RMSNorm(4, { elementwiseAffine: false }).stateDict()), []);
  });

  test('a Sequential of layers keys its state dict by position; to(float64) keeps the int32 counter', () => {
    const net = new nn.Sequential(
      new nn.Linear(4, 6),
      new nn.BatchNorm1d(6),
      new nn.ReLU(),
      new nn.Dropout(0.1),
      new nn.Flatten(),
      new nn.Linear(6, 2),
    );
    assert.deepEqual(Object.keys(net.stateDict()), [
      '0.weight',
      '0.bias',
      '1.weight',
      '1.bias',
      '1.running_mean',
      '1.running_var',
      '1.num_batches_tracked',
      '5.weight',
      '5.bias',
    ]);
    net.double();
    const sd = net.stateDict();
    assert.equal(sd['1.running_var'].dtype, 'float64');
    assert.equal(sd['1.num_batches_tracked'].dtype, 'int32');
    assert.deepEqual(net.call(nb.randn([3, 4], { dtype: 'float64' })).shape, [3, 2]);
    assert.equal(sd['1.num_batches_tracked'].item(), 1);
    const copy = new nn.Sequential(
      new nn.Linear(4, 6),
      new nn.BatchNorm1d(6),
      new nn.ReLU(),
      new nn.Dropout(0.1),
      new nn.Flatten(),
      new nn.Linear(6, 2),
    ).double();
    copy.loadStateDict(net.stateDict());
    net.eval();
    copy.eval();
    const x = nb.randn([3, 4], { dtype: 'float64' });
    assert.deepEqual(copy.call(x).tolist(), net.call(x).tolist());
  });
});

describe('the issue’s acceptance example', () => {
  test('Conv2d + BatchNorm2d + ReLU + MaxPool2d + Flatten + Linear', () => {
    const net = new nn.Sequential(
      new nn.Conv2d(1, 8, 3, { padding: 1 }),
      new nn.BatchNorm2d(8),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Flatten(),
      new nn.Linear(8 * 14 * 14, 10),
    );
    const y = net.call(nb.randn([4, 1, 28, 28]));
    assert.deepEqual(y.shape, [4, 10]);
    assert.deepEqual(Object.keys(net.stateDict()), [
      '0.weight',
      '0.bias',
      '1.weight',
      '1.bias',
      '1.running_mean',
      '1.running_var',
      '1.num_batches_tracked',
      '5.weight',
      '5.bias',
    ]);
    // 8*1*3*3 + 8 (conv) + 8 + 8 (batch norm) + 1568*10 + 10 (linear) = 15,786
    assert.match(String(net), /Total params: 15,786 \(trainable: 15,786\)$/);
    assert.match(
      String(net),
      /\(1\): BatchNorm2d\(8, eps=1e-05, momentum=0\.1, affine=True, track_running_stats=True\) {2}-> \[4, 8, 28, 28\]/,
    );
    y.sum().backward();
    assert.ok(net.parameters().every((p) => p.grad !== null));
  });
});

describe('extraRepr prints as PyTorch', () => {
  test('every layer', () => {
    // PyTorch 1.13: repr(module) for the same constructor calls (floats print as Python floats;
    // Softplus prints beta=1.0, threshold=20.0 as PyTorch >= 2.1 does).
    const cases: [nb.nn.Module<never[], unknown>, string][] = [
      [new nn.Linear(4, 2), 'Linear(in_features=4, out_features=2, bias=True)'],
      [
        new nn.Bilinear(2, 3, 4, { bias: false }),
        'Bilinear(in1_features=2, in2_features=3, out_features=4, bias=False)',
      ],
      [new nn.Flatten(), 'Flatten(start_dim=1, end_dim=-1)'],
      [new nn.Unflatten(1, [2, 5]), 'Unflatten(dim=1, unflattened_size=(2, 5))'],
      [new nn.Identity(), 'Identity()'],
      [new nn.ReLU(), 'ReLU()'],
      [new nn.ReLU(true), 'ReLU(inplace=True)'],
      [new nn.ReLU6(), 'ReLU6()'],
      [new nn.LeakyReLU(), 'LeakyReLU(negative_slope=0.01)'],
      [new nn.LeakyReLU(0.2, true), 'LeakyReLU(negative_slope=0.2, inplace=True)'],
      [new nn.ELU(), 'ELU(alpha=1.0)'],
      [new nn.ELU({ inplace: true }), 'ELU(alpha=1.0, inplace=True)'],
      [new nn.CELU(), 'CELU(alpha=1.0)'],
      [new nn.SELU(), 'SELU()'],
      [new nn.GELU(), "GELU(approximate='none')"],
      [new nn.GELU('tanh'), "GELU(approximate='tanh')"],
      [new nn.SiLU(true), 'SiLU(inplace=True)'],
      [new nn.Mish(), 'Mish()'],
      [new nn.Softplus(), 'Softplus(beta=1.0, threshold=20.0)'],
      [new nn.Softsign(), 'Softsign()'],
      [new nn.Hardtanh(), 'Hardtanh(min_val=-1.0, max_val=1.0)'],
      [new nn.Hardsigmoid(), 'Hardsigmoid()'],
      [new nn.Hardswish(), 'Hardswish()'],
      [new nn.LogSigmoid(), 'LogSigmoid()'],
      [new nn.Sigmoid(), 'Sigmoid()'],
      [new nn.Tanh(), 'Tanh()'],
      [new nn.Softmax(1), 'Softmax(dim=1)'],
      [new nn.Softmax(), 'Softmax(dim=None)'],
      [new nn.LogSoftmax(-1), 'LogSoftmax(dim=-1)'],
      [new nn.Softmin(0), 'Softmin(dim=0)'],
      [new nn.Dropout(), 'Dropout(p=0.5, inplace=False)'],
      [new nn.Dropout1d(0.2), 'Dropout1d(p=0.2, inplace=False)'],
      [new nn.Dropout2d(), 'Dropout2d(p=0.5, inplace=False)'],
      [new nn.AlphaDropout(0.1), 'AlphaDropout(p=0.1, inplace=False)'],
      [new nn.Embedding(10, 3), 'Embedding(10, 3)'],
      [
        new nn.Embedding(10, 3, { paddingIdx: -1, maxNorm: 1, normType: 1 }),
        'Embedding(10, 3, padding_idx=9, max_norm=1.0, norm_type=1.0)',
      ],
      [new nn.EmbeddingBag(10, 3), 'EmbeddingBag(10, 3, mode=mean)'],
      [
        new nn.EmbeddingBag(10, 3, { mode: 'max', paddingIdx: 2, maxNorm: 2 }),
        'EmbeddingBag(10, 3, max_norm=2.0, mode=max, padding_idx=2)',
      ],
      [new nn.LayerNorm(10), 'LayerNorm((10,), eps=1e-05, elementwise_affine=True)'],
      [
        new nn.LayerNorm([2, 3], { elementwiseAffine: false, eps: 1e-6 }),
        'LayerNorm((2, 3), eps=1e-06, elementwise_affine=False)',
      ],
      [new nn.GroupNorm(2, 4), 'GroupNorm(2, 4, eps=1e-05, affine=True)'],
      [new nn.BatchNorm1d(3), 'BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)'],
      [
        new nn.BatchNorm2d(8, { momentum: null, affine: false }),
        'BatchNorm2d(8, eps=1e-05, momentum=None, affine=False, track_running_stats=True)',
      ],
      [new nn.InstanceNorm2d(3), 'InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)'],
      // PyTorch 2.4: repr(nn.RMSNorm([4]))
      [new nn.RMSNorm([4]), 'RMSNorm((4,), eps=None, elementwise_affine=True)'],
      [new nn.L2Norm(), 'L2Norm(dim=-1, eps=1e-06)'],
    ];
    for (const [m, want] of cases) assert.equal(String(m).split('\n')[0], want);
  });
});

describe('BatchNorm running statistics', () => {
  test('train mode: batch stats, momentum update with unbiased variance, counter; eval uses running stats', () => {
    const bn = new nn.BatchNorm1d(2, { affine: false });
    const x = nb.tensor([
      [1, 10],
      [3, 20],
      [8, 60],
    ]);
    const y = bn.call(x);
    // Column 0: mean 4, biased var 26/3, unbiased var 13.
    closeTo(y.select(1, 0), nb.tensor([-3, -1, 4]).div(Math.sqrt(26 / 3 + 1e-5)), 1e-6);
    closeTo(bn.running_mean!, nb.tensor([0.4, 3]), 1e-6);
    closeTo(bn.running_var!, nb.tensor([0.9 + 0.1 * 13, 0.9 + 0.1 * 700]), 1e-4);
    assert.equal(bn.numBatchesTracked!.item(), 1);
    bn.eval();
    const z = bn.call(x);
    assert.equal(bn.numBatchesTracked!.item(), 1, 'eval does not count');
    closeTo(z, x.sub(bn.running_mean!).div(bn.running_var!.add(1e-5).sqrt()), 1e-5);
  });

  test('momentum null keeps the cumulative average of the batch statistics', () => {
    const bn = new nn.BatchNorm1d(3, { momentum: null });
    const batches = [nb.randn([4, 3]), nb.randn([4, 3]), nb.randn([4, 3])];
    for (const b of batches) bn.call(b);
    const avg = nb.stack(batches.map((b) => b.mean(0))).mean(0);
    closeTo(bn.runningMean!, avg, 1e-6);
    assert.equal(bn.numBatchesTracked!.item(), 3);
  });

  test('trackRunningStats false uses batch statistics in eval mode too', () => {
    const bn = new nn.BatchNorm2d(2, { trackRunningStats: false }).eval();
    const y = bn.call(nb.randn([3, 2, 2, 2]));
    closeTo(y.mean([0, 2, 3]), nb.zeros([2]), 1e-6);
  });

  test('input checks use PyTorch wording', () => {
    assert.throws(
      () => new nn.BatchNorm2d(3).call(nb.zeros([2, 3, 4])),
      (e: unknown) => e instanceof nb.ValueError && /expected 4D input \(got 3D input\)/.test(e.message),
    );
    assert.throws(
      () => new nn.BatchNorm1d(3).call(nb.zeros([2, 3, 4, 5])),
      (e: unknown) => e instanceof nb.ValueError && /expected 2D or 3D input \(got 4D input\)/.test(e.message),
    );
    assert.throws(
      () => new nn.BatchNorm1d(3).call(nb.zeros([1, 3])),
      (e: unknown) =>
        e instanceof nb.ValueError &&
        /more than 1 value per channel when training/.test(e.message) &&
        /\[1, 3\]/.test(e.message),
    );
    assert.throws(() => new nn.BatchNorm1d(3).call(nb.zeros([2, 4])), nb.ShapeError);
    assert.throws(
      () => new nn.GroupNorm(4, 6),
      (e: unknown) => e instanceof nb.ValueError && /num_channels must be divisible by num_groups/.test(e.message),
    );
    assert.throws(
      () => new nn.LayerNorm([4]).call(nb.zeros([2, 3])),
      (e: unknown) =>
        e instanceof nb.ShapeError && /normalized_shape=\[4\]/.test(e.message) && /\[2, 3\]/.test(e.message),
    );
  });
});

describe('RMSNorm and L2Norm', () => {
  test('RMSNorm eps defaults to the dtype epsilon (PyTorch 2.4)', () => {
    const x = nb.tensor([[1e-4, -2e-4, 3e-4]]);
    const ms = (1e-8 + 4e-8 + 9e-8) / 3;
    const want = (eps: number) => nb.tensor([[1e-4, -2e-4, 3e-4]], { dtype: 'float64' }).div(Math.sqrt(ms + eps));
    // The two eps give results up to 0.44 apart: eps dominates the mean square here.
    closeTo(new nn.RMSNorm(3).call(x).to('float64'), want(nb.finfo('float32').eps), 1e-5);
    closeTo(new nn.RMSNorm(3, { eps: 1e-6 }).call(x).to('float64'), want(1e-6), 1e-5);
    const x64 = nb.tensor([[1e-4, -2e-4, 3e-4]], { dtype: 'float64' });
    closeTo(new nn.RMSNorm(3, { dtype: 'float64' }).call(x64), want(2.220446049250313e-16), 1e-12);
  });

  test('L2Norm: unit rows, and a zero row stays zero', () => {
    const y = new nn.L2Norm().call(
      nb.tensor([
        [3, 4],
        [0, 0],
      ]),
    );
    assert.deepEqual(y.tolist(), [
      [0.6000000238418579, 0.800000011920929],
      [0, 0],
    ]);
    closeTo(F.normalize(nb.tensor([[3, 4]]), { dim: 1 }), nb.tensor([[0.6, 0.8]]), 1e-7);
  });
});

describe('dropout', () => {
  test('train: a fraction p zeroed, the rest scaled by 1/(1-p); the gradient only through kept units', () => {
    nb.manualSeed(1);
    const x = nb.ones([200, 500], { requiresGrad: true });
    const y = new nn.Dropout(0.3).call(x);
    const v = y.data();
    const scale = Math.fround(1 / Math.fround(0.7));
    let zeros = 0;
    for (const e of v) {
      if (e === 0) zeros++;
      else assert.equal(e, scale);
    }
    assert.ok(Math.abs(zeros / v.length - 0.3) < 0.01, `dropped fraction ${zeros / v.length}`);
    y.sum().backward();
    assert.deepEqual(Array.from(x.grad!.data()), Array.from(v));
  });

  test('eval is the identity; p 0 and 1; masks reproducible with manualSeed', () => {
    const x = nb.randn([3, 4]);
    const d = new nn.Dropout(0.5);
    d.eval();
    assert.equal(d.call(x), x);
    d.train();
    nb.manualSeed(7);
    const a = d.call(x).tolist();
    nb.manualSeed(7);
    assert.deepEqual(d.call(x).tolist(), a);
    assert.ok(
      F.dropout(x, 1)
        .data()
        .every((v) => v === 0),
    );
    assert.equal(F.dropout(x, { p: 0 }), x);
    assert.equal(F.dropout(x, { p: 0.5, training: false }), x);
  });

  test('channel dropout zeroes whole channels', () => {
    nb.manualSeed(3);
    const x = nb.ones([20, 30, 2, 3]);
    const y = new nn.Dropout2d(0.4).call(x).reshape([600, 6]);
    let dropped = 0;
    for (const row of y.tolist() as number[][]) {
      const z = row.filter((e) => e === 0).length;
      assert.ok(z === 0 || z === 6, 'all or nothing per channel');
      if (z === 6) dropped++;
      else assert.ok(row.every((e) => Math.abs(e - 1 / 0.6) < 1e-6));
    }
    assert.ok(Math.abs(dropped / 600 - 0.4) < 0.06);
    // Unbatched [C, L] for dropout1d.
    const u = new nn.Dropout1d(0.5).call(nb.ones([40, 3])).tolist() as number[][];
    assert.ok(u.every((r) => r.every((e) => e === r[0])));
  });

  test('alpha dropout keeps zero mean and unit variance', () => {
    nb.manualSeed(5);
    const x = nb.randn([100000], { dtype: 'float64' });
    const y = new nn.AlphaDropout(0.2).call(x);
    assert.ok(Math.abs(y.mean().item() as number) < 0.02);
    assert.ok(Math.abs(std(y) - 1) < 0.02);
    // Dropped units all take one value: SELU's saturation value after the affine fix-up.
    const a = 1 / Math.sqrt((1.7580993408473766 ** 2 * 0.2 + 1) * 0.8);
    const dropped = -1.7580993408473766 * a * 0.8;
    const count = Array.from(y.data()).filter((v) => Math.abs(v - dropped) < 1e-12).length;
    assert.ok(Math.abs(count / 100000 - 0.2) < 0.01);
  });

  test('p is validated with PyTorch’s message', () => {
    for (const make of [
      () => new nn.Dropout(1.5),
      () => F.dropout(nb.ones([2]), 1.5),
      () => F.dropout2d(nb.ones([2, 2]), { p: 1.5 }),
    ]) {
      assert.throws(
        make,
        (e: unknown) =>
          e instanceof nb.ValueError &&
          e.message.includes('dropout probability has to be between 0 and 1, but got 1.5'),
      );
    }
    assert.throws(() => F.dropout1d(nb.ones([2, 2, 2, 2])), nb.ShapeError);
  });
});

describe('embeddings', () => {
  test('paddingIdx rows read their values but get no gradient', () => {
    const e = new nn.Embedding(4, 2, { paddingIdx: 1 });
    nb.noGrad(() =>
      e.weight.copy_(
        nb.tensor([
          [1, 2],
          [3, 4],
          [5, 6],
          [7, 8],
        ]),
      ),
    );
    const y = e.call(int([[1, 2, 1]]));
    assert.deepEqual(y.tolist(), [
      [
        [3, 4],
        [5, 6],
        [3, 4],
      ],
    ]);
    y.sum().backward();
    assert.deepEqual(e.weight.grad!.tolist(), [
      [0, 0],
      [0, 0],
      [1, 1],
      [0, 0],
    ]);
  });

  test('maxNorm renormalizes the looked-up rows in place, and only those', () => {
    const e = new nn.Embedding(3, 2, { maxNorm: 1 });
    nb.noGrad(() =>
      e.weight.copy_(
        nb.tensor([
          [3, 4],
          [0.3, 0.4],
          [6, 8],
        ]),
      ),
    );
    const y = e.call(int([0, 1]));
    // Row 0 had norm 5: scaled by 1 / (5 + 1e-7), PyTorch's guard.
    const s = 1 / (5 + 1e-7);
    closeTo(
      e.weight,
      nb.tensor([
        [3 * s, 4 * s],
        [0.3, 0.4],
        [6, 8],
      ]),
      1e-7,
    );
    closeTo(
      y,
      nb.tensor([
        [3 * s, 4 * s],
        [0.3, 0.4],
      ]),
      1e-7,
    );
  });

  test('fromPretrained copies and freezes', () => {
    const w = nb.tensor([
      [1, 2],
      [3, 4],
    ]);
    const e = nn.Embedding.fromPretrained(w);
    assert.equal(e.weight.requiresGrad, false);
    assert.deepEqual(e.call(int([1])).tolist(), [[3, 4]]);
    assert.equal(nn.Embedding.fromPretrained(w, { freeze: false }).weight.requiresGrad, true);
    assert.deepEqual(
      nn.EmbeddingBag.fromPretrained(w, { mode: 'sum' })
        .call(int([[0, 1]]))
        .tolist(),
      [[4, 6]],
    );
  });

  test('EmbeddingBag sums, averages and maxes bags (empty bags give zeros)', () => {
    const w = nb.tensor([
      [1, 0],
      [0, 2],
      [4, 4],
      [-1, 5],
    ]);
    const idx = int([0, 1, 2, 3, 3]);
    const offsets = int([0, 2, 2]);
    const bag = (mode: 'sum' | 'mean' | 'max') => F.embeddingBag(idx, w, offsets, { mode }).tolist();
    assert.deepEqual(bag('sum'), [
      [1, 2],
      [0, 0],
      [2, 14],
    ]);
    assert.deepEqual(bag('mean'), [[0.5, 1], [0, 0], [2 / 3, 14 / 3].map(Math.fround)]);
    assert.deepEqual(bag('max'), [
      [1, 2],
      [0, 0],
      [4, 5],
    ]);
    const psw = nb.tensor([1, 2, 0.5, 1, 1]);
    assert.deepEqual(F.embeddingBag(idx, w, { offsets, mode: 'sum', perSampleWeights: psw }).tolist(), [
      [1, 4],
      [0, 0],
      [0, 12],
    ]);
  });

  test('errors name the problem', () => {
    const e = new nn.Embedding(3, 2);
    assert.throws(() => e.call(nb.tensor([0, 1])), nb.DTypeError);
    assert.throws(
      () => e.call(int([0, 3])),
      (err: unknown) => err instanceof nb.IndexError && /index out of range/.test(err.message) && /3/.test(err.message),
    );
    assert.throws(() => new nn.Embedding(3, 2, { paddingIdx: 3 }), nb.ValueError);
    const w = nb.randn([4, 2]);
    assert.throws(() => F.embeddingBag(int([[0, 1]]), w, int([0])), nb.ValueError);
    assert.throws(() => F.embeddingBag(int([0, 1]), w), nb.ValueError);
    assert.throws(() => F.embeddingBag(int([0, 1]), w, int([1])), /offsets\[0\] == 0/);
    assert.throws(
      () => F.embeddingBag(int([0, 1]), w, int([0]), { mode: 'mean', perSampleWeights: nb.ones([2]) }),
      (err: unknown) => err instanceof nb.UnsupportedOpError && /only supported for mode='sum'/.test(err.message),
    );
  });
});

describe('linear layers and activations', () => {
  test('Linear refuses a wrong input width with PyTorch’s wording', () => {
    assert.throws(
      () => new nn.Linear(4, 5).call(nb.zeros([2, 3])),
      (e: unknown) =>
        e instanceof nb.ShapeError && e.message.includes('mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)'),
    );
  });

  test('inplace activations overwrite a non-leaf input and keep the gradient right', () => {
    const x = nb.tensor([-1, 2, -3], { requiresGrad: true });
    const h = x.mul(2);
    const y = new nn.LeakyReLU(0.5, true).call(h);
    assert.equal(y, h);
    assert.deepEqual(h.tolist(), [-1, 4, -3]);
    y.sum().backward();
    assert.deepEqual(x.grad!.tolist(), [1, 2, 1]);
    assert.throws(() => new nn.ReLU(true).call(nb.ones([2], { requiresGrad: true })), nb.ValueError);
  });

  test('activation modules equal their functions', () => {
    const x = nb.randn([3, 4]);
    const pairs: [nb.nn.Module, nb.Tensor][] = [
      [new nn.ReLU(), F.relu(x)],
      [new nn.LeakyReLU(0.3), F.leakyRelu(x, 0.3)],
      [new nn.ELU(0.7), F.elu(x, 0.7)],
      [new nn.GELU('tanh'), F.gelu(x, { approximate: 'tanh' })],
      [new nn.Softplus(2, 5), F.softplus(x, 2, 5)],
      [new nn.Hardtanh(-0.5, 0.5), F.hardtanh(x, -0.5, 0.5)],
      [new nn.Softmax(0), F.softmax(x, 0)],
      [new nn.Softmin(1), F.softmin(x, 1)],
      [new nn.LogSoftmax(1), F.logSoftmax(x, 1)],
      [new nn.Sigmoid(), F.sigmoid(x)],
      [new nn.Tanh(), F.tanh(x)],
    ];
    for (const [m, want] of pairs) assert.deepEqual(m.call(x).tolist(), want.tolist(), m.constructor.name);
    assert.throws(() => new nn.Hardtanh(1, -1), nb.ValueError);
  });

  test('Flatten and Unflatten invert each other', () => {
    const x = nb.randn([2, 3, 4]);
    const y = new nn.Unflatten(1, [3, 4]).call(new nn.Flatten().call(x));
    assert.deepEqual(y.tolist(), x.tolist());
  });
});
