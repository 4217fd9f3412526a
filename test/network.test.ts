// neurons' network builder (nn.Network): shape inference and its errors, exact gradients through
// skips, loopbacks and feedback blocks (gradcheck and hand-unrolled references), objectives and
// the gradient clamp, learn() (curves, batch-mean gradients, per-batch optimizer steps, early
// stopping), printing, and the Iris and MNIST runs from neurons' examples.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import { IndexError, ShapeError, ValueError, nn, optim, type Tensor } from '../src/index.js';

const F = nn.functional;
const f64 = { dtype: 'float64' as const };
const labels = (v: number[]) => nb.tensor(v, { dtype: 'int32' });
const vals = (t: Tensor) => Array.from(t.data() as ArrayLike<number>);
const close = (a: Tensor, b: Tensor, tol = 1e-9) => {
  assert.deepEqual(a.shape, b.shape);
  const [x, y] = [vals(a), vals(b)];
  x.forEach((v, i) => assert.ok(Math.abs(v - y[i]) <= tol * (1 + Math.abs(y[i])), `element ${i}: ${v} vs ${y[i]}`));
};
// A dense layer's affine map alone (its forward also applies the activation).
const affine = (l: nn.NetworkLayer, v: Tensor) =>
  F.linear(v, (l as unknown as nn.Linear).weight, (l as unknown as nn.Linear).bias);
const gradsOf = (net: nn.Module) => net.parameters().map((p) => p.grad!.clone());
const throwsLike = (fn: () => unknown, cls: new (...a: never[]) => Error, ...parts: string[]) =>
  assert.throws(fn, (e: Error) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e.constructor.name}: ${e.message}`);
    for (const p of parts) assert.ok(e.message.includes(p), `message lacks '${p}': ${e.message}`);
    return true;
  });
const gradcheck = (net: nn.Network, x: Tensor, fn: (x: Tensor) => Tensor = (xx) => net.call(xx)) =>
  nb.gradcheck(fn, [x, ...net.parameters()], { fast: true });

describe('Network: shapes', () => {
  test('the issue example builds; dense layers chain their sizes', () => {
    const net = new nn.Network([4]).dense(50, { activation: 'relu' }).dense(3, { activation: 'softmax' });
    assert.ok(net instanceof nn.Module);
    assert.deepEqual(net.outputShape, [3]);
    assert.deepEqual(net.layers[1].inShape, [50]);
    assert.deepEqual(net.call(nb.randn([5, 4])).shape, [5, 3]);
  });

  test('conv -> maxpool -> dense flattens; deconvolution sizes; conv after a square dense', () => {
    const net = new nn.Network([1, 6, 6]).convolution(2, 3).maxpool(2).dense(5);
    assert.deepEqual(
      net.layers.map((l) => [l.inShape, l.outShape]),
      [
        [
          [1, 6, 6],
          [2, 4, 4],
        ],
        [
          [2, 4, 4],
          [2, 2, 2],
        ],
        [[8], [5]],
      ],
    );
    assert.deepEqual(net.call(nb.randn([3, 1, 6, 6])).shape, [3, 5]);
    // A flat [N, 36] batch is read as the [1, 6, 6] samples it holds.
    assert.deepEqual(net.call(nb.randn([3, 36])).shape, [3, 5]);
    // (in - 1) * stride - 2 * padding + kernel: (4 - 1) * 2 - 2 + 4 = 8.
    const up = new nn.Network([2, 4, 4]).deconvolution(1, 4, { stride: 2, padding: 1 });
    assert.deepEqual(up.outputShape, [1, 8, 8]);
    const sq = new nn.Network([4]).dense(16).convolution(2, 3, { padding: 1, stride: 2 });
    assert.deepEqual(
      [sq.layers[1].inShape, sq.outputShape],
      [
        [1, 4, 4],
        [2, 2, 2],
      ],
    );
    const explicit = new nn.Network([4]).dense(12).convolution(2, 1, { inputShape: [3, 2, 2] });
    assert.deepEqual(explicit.outputShape, [2, 2, 2]);
  });

  test('errors name the op and the shapes', () => {
    throwsLike(() => new nn.Network([2, 3]), ShapeError, 'Network', '[2, 3]', '[channels, height, width]');
    throwsLike(
      () => new nn.Network([4]).dense(12).convolution(2, 3),
      ShapeError,
      'Network.convolution',
      '[12]',
      'perfect square',
      'inputShape',
    );
    throwsLike(
      () => new nn.Network([4]).dense(12).maxpool(2, 2, { inputShape: [2, 2, 2] }),
      ShapeError,
      'Network.maxpool',
      '[2, 2, 2]',
      '12 values',
    );
    throwsLike(
      () => new nn.Network([1, 2, 2]).convolution(1, 3),
      ShapeError,
      'Network.convolution',
      '[1, 2, 2]',
      '3x3',
    );
    throwsLike(() => new nn.Network([4]).dense(0), ValueError, 'Network.dense', 'units', '0');
    throwsLike(() => new nn.Network([4]).dense(3, { activation: 'swish' }), ValueError, 'Network.dense', "'swish'");
    throwsLike(() => new nn.Network([4]).dense(3, { dropout: 2 }), ValueError, 'dropout probability', '2');
    const net = new nn.Network([4]).dense(3).dense(2);
    throwsLike(() => net.call(nb.randn([2, 5])), ShapeError, 'Network.forward', '[N, 4]', '[2, 5]');
    throwsLike(() => net.connect(0, 1), ShapeError, 'Network.connect', '[4]', '[3]');
    throwsLike(() => net.connect(1, 2), IndexError, 'Network.connect', 'into', '2');
    throwsLike(() => net.loopback(1, 0, 1), ShapeError, 'Network.loopback', '[2]', '[4]');
    throwsLike(() => net.loopback(1, 1, 0), ValueError, 'iterations', '0');
    throwsLike(() => new nn.Network([4]).forward(nb.randn([1, 4])), ValueError, 'at least one layer');
    const looped = new nn.Network([3]).dense(3).dense(3).loopback(1, 0, 1);
    throwsLike(() => looped.loopback(1, 1, 1), ValueError, 'overlap', '0..1');
    throwsLike(
      () => new nn.Network([4]).feedback([{ dense: 3 }], 2),
      ShapeError,
      'Network.feedback',
      'shape of its input [4]',
      '[3]',
    );
    throwsLike(() => new nn.Network([4]).feedback([], 2), ValueError, 'non-empty');
    throwsLike(() => new nn.Network([4]).setObjective('hinge'), ValueError, "'hinge'");
    throwsLike(() => new nn.Network([4]).setOptimizer({ name: 'Nope' }), ValueError, "'Nope'");
    throwsLike(() => new nn.Network([4]).setAccumulation({ skips: 'max' as 'add' }), ValueError, 'accumulation', 'max');
  });
});

describe('Network: exact gradients', () => {
  test('gradcheck through a skip connection, and the skip adds the input of layer `from`', () => {
    nb.manualSeed(0);
    const net = new nn.Network([4])
      .dense(4, { activation: 'tanh' })
      .dense(4, { activation: 'tanh' })
      .dense(3)
      .connect(0, 2)
      .double();
    const x = nb.randn([3, 4], { ...f64, requiresGrad: true });
    assert.ok(gradcheck(net, x));
    const [l0, l1, l2] = net.layers;
    const h = affine(l1, affine(l0, x).tanh()).tanh();
    close(net.call(x), affine(l2, h.add(x)));
  });

  test('gradcheck through a loopback; passes merged by the loop accumulation', () => {
    nb.manualSeed(1);
    const net = new nn.Network([4])
      .dense(4, { activation: 'tanh' })
      .dense(4, { activation: 'tanh' })
      .dense(2)
      .loopback(1, 0, 2, { inskips: true })
      .double();
    const x = nb.randn([3, 4], { ...f64, requiresGrad: true });
    assert.ok(gradcheck(net, x));
    // By hand: three passes of layers 0..1, extra passes fed the last output plus the first input.
    const [l0, l1, l2] = net.layers;
    const block = (v: Tensor) => affine(l1, affine(l0, v).tanh()).tanh();
    const p1 = block(x);
    const p2 = block(p1.add(x));
    const p3 = block(p2.add(x));
    close(net.call(x), affine(l2, p1.add(p2).add(p3).div(3)));
    net.setAccumulation({ loops: 'overwrite' });
    close(net.call(x), affine(l2, p3));
  });

  test('gradcheck through feedback blocks in every accumulation mode', () => {
    for (const accumulation of ['add', 'subtract', 'multiply', 'overwrite', 'mean'] as const) {
      nb.manualSeed(2);
      const net = new nn.Network([1, 2, 2])
        .convolution(2, 3, { padding: 1, activation: 'tanh' })
        .feedback(
          [
            { convolution: 2, kernel: 3, padding: 1, activation: 'tanh' },
            { dense: 8, activation: 'tanh' },
          ],
          2,
          { inskips: true, outskips: true, accumulation },
        )
        .dense(3, { activation: 'softmax' })
        .double();
      const x = nb.randn([2, 1, 2, 2], { ...f64, requiresGrad: true });
      assert.ok(gradcheck(net, x), accumulation);
    }
  });

  test('feedback weights are coupled: one copy of the parameters, gradient summed over the unrolls', () => {
    nb.manualSeed(3);
    const net = new nn.Network([3]).feedback([{ dense: 3, activation: 'tanh' }], 3).double();
    assert.deepEqual(Object.keys(net.stateDict()), ['layers.0.layers.0.weight', 'layers.0.layers.0.bias']);
    const x = nb.randn([2, 3], f64);
    net.call(x).sum().backward();
    const [w, b] = net.parameters();
    const wr = w.detach().requiresGrad_();
    const br = b.detach().requiresGrad_();
    const step = (v: Tensor) => F.linear(v, wr, br).tanh();
    step(step(step(x)))
      .sum()
      .backward();
    close(w.grad!, wr.grad!);
    close(b.grad!, br.grad!);
    // scale(loops) multiplies the coupled gradient: neurons' averaging of the copies.
    const avg = new nn.Network([3]).feedback([{ dense: 3, activation: 'tanh' }], 3, { scale: (n) => 1 / n }).double();
    avg.loadStateDict(net.stateDict());
    avg.call(x).sum().backward();
    close(avg.parameters()[0].grad!, wr.grad!.div(3));
  });

  test('a loopback scale multiplies only the looped layers’ gradients', () => {
    nb.manualSeed(4);
    const build = (scale?: (n: number) => number) =>
      new nn.Network([3])
        .dense(3, { activation: 'tanh' })
        .dense(3, { activation: 'tanh' })
        .dense(2)
        .loopback(1, 1, 1, { scale })
        .double();
    const exact = build();
    const scaled = build((n) => 1 / n);
    scaled.loadStateDict(exact.stateDict());
    const x = nb.randn([4, 3], f64);
    exact.call(x).sum().backward();
    scaled.call(x).sum().backward();
    const [g, s] = [gradsOf(exact), gradsOf(scaled)];
    // Parameters 0-1 (layer 0) and 4-5 (layer 2) are outside the loop; 2-3 are in it (2 passes).
    [0, 1, 4, 5].forEach((i) => close(s[i], g[i]));
    [2, 3].forEach((i) => close(s[i], g[i].div(2)));
  });
});

describe('Network: objectives', () => {
  test('softmax + CE: loss from the logits, gradient (p - y) / N, also for 2 classes', () => {
    nb.manualSeed(5);
    const net = new nn.Network([4]).dense(2, { activation: 'softmax' }).setObjective('CE').double();
    const x = nb.randn([3, 4], { ...f64, requiresGrad: true });
    const y = labels([1, 0, 1]);
    assert.ok(gradcheck(net, x, (xx) => net.loss(xx, y)));
    const p = net.call(x);
    const onehot = nb.oneHot(y, 2).to('float64');
    const loss = net.loss(x, y);
    close(loss, p.log().mul(onehot).sum().neg().div(3));
    loss.backward();
    const bias = (net.layers[0] as unknown as nn.Linear).bias!;
    close(bias.grad!, p.detach().sub(onehot).mean(0));
    assert.ok(
      vals(bias.grad!).some((v) => Math.abs(v) > 1e-3),
      'a 2-class softmax gets a gradient',
    );
    // One-hot float targets give the same loss as class indices.
    close(net.loss(x, onehot), loss);
  });

  test('clamp bounds each sample’s gradient (neurons’ objective clamp), the loss is unchanged', () => {
    nb.manualSeed(6);
    const x = nb.randn([4, 3], f64);
    const y = labels([0, 1, 2, 1]);
    const plain = new nn.Network([3]).dense(3, { activation: 'softmax' }).setObjective('CE').double();
    const clamped = new nn.Network([3])
      .dense(3, { activation: 'softmax' })
      .setObjective('CE', { clamp: [-0.1, 0.1] })
      .double();
    clamped.loadStateDict(plain.stateDict());
    const l = clamped.loss(x, y);
    close(l, plain.loss(x, y));
    l.backward();
    const p = clamped.predict(x);
    const expected = p.sub(nb.oneHot(y, 3).to('float64')).clamp(-0.1, 0.1).mean(0);
    close((clamped.layers[0] as nn.Linear).bias!.grad!, expected);
  });

  test('regression objectives: batch mean of each sample’s loss', () => {
    const net = new nn.Network([2]).dense(2).double();
    const lin = net.layers[0] as nn.Linear;
    nb.noGrad(() => {
      lin.weight.copy_(nb.eye(2, f64));
      lin.bias!.zero_();
    });
    const x = nb.tensor(
      [
        [1, 2],
        [3, 5],
      ],
      f64,
    );
    const y = nb.tensor(
      [
        [0, 0],
        [3, 1],
      ],
      f64,
    );
    // Errors by hand: sample 0 (1, 2), sample 1 (0, 4).
    const expect: Record<string, number> = {
      MSE: (1 + 4 + 0 + 16) / 4,
      MAE: (1 + 2 + 0 + 4) / 4,
      AE: (3 + 4) / 2,
      RMSE: (Math.sqrt(5 / 2) + Math.sqrt(16 / 2)) / 2,
    };
    for (const [name, v] of Object.entries(expect)) {
      assert.ok(Math.abs(Number(net.setObjective(name).loss(x, y).item()) - v) < 1e-12, name);
    }
    // A loss module or a function works too.
    assert.equal(
      Number(
        net
          .setObjective(new nn.MSELoss({ reduction: 'sum' }))
          .loss(x, y)
          .item(),
      ),
      21,
    );
    assert.equal(
      Number(
        net
          .setObjective((o, t) => o.sub(t).abs().max())
          .loss(x, y)
          .item(),
      ),
      4,
    );
  });

  test('BCE with a sigmoid head and KLD with a softmax head match their formulas', () => {
    nb.manualSeed(7);
    const x = nb.randn([3, 2], f64);
    const bin = new nn.Network([2]).dense(1, { activation: 'sigmoid' }).setObjective('BCE').double();
    const t = nb.tensor([[1], [0], [1]], f64);
    const p = bin.predict(x);
    const bce = t
      .mul(p.log())
      .add(t.neg().add(1).mul(p.neg().add(1).log()))
      .mean()
      .neg();
    close(bin.loss(x, t), bce);
    const kl = new nn.Network([2]).dense(3, { activation: 'softmax' }).setObjective('KLD').double();
    const q = nb.tensor(
      [
        [0.2, 0.3, 0.5],
        [0.1, 0.1, 0.8],
        [0.6, 0.2, 0.2],
      ],
      f64,
    );
    const pk = kl.predict(x);
    close(kl.loss(x, q), q.mul(q.log().sub(pk.log())).sum().div(3));
  });
});

describe('Network: learn', () => {
  const data = () => {
    nb.manualSeed(8);
    const x = nb.randn([40, 3]);
    const y = x.sum(1).gt(0).to('int32');
    return { x, y };
  };

  test('curves have one entry per epoch; validation by fraction; print every n epochs', () => {
    const { x, y } = data();
    const lines: string[] = [];
    const net = new nn.Network([3]).dense(8, { activation: 'relu' }).dense(2, { activation: 'softmax' });
    net.setObjective('CE').setOptimizer({ name: 'Adam', lr: 0.02 });
    const h = net.learn(x, y, {
      epochs: 6,
      batchSize: 8,
      validation: 0.25,
      print: 2,
      log: (l) => lines.push(l),
      seed: 1,
    });
    assert.deepEqual(
      [h.trainLoss.length, h.valLoss.length, h.trainAccuracy.length, h.valAccuracy.length],
      [6, 6, 6, 6],
    );
    assert.ok(h.trainLoss[5] < h.trainLoss[0], `loss falls: ${h.trainLoss}`);
    assert.ok(h.valAccuracy.every((a) => a >= 0 && a <= 1));
    assert.equal(lines.length, 3);
    assert.match(lines[2], /^epoch 6\/6: loss [\d.]+, accuracy [\d.]+%, val loss [\d.]+, val accuracy [\d.]+%$/);
    const none = net.learn(x, y, { epochs: 2 });
    assert.deepEqual([none.trainLoss.length, none.valLoss.length, none.valAccuracy.length], [2, 0, 0]);
  });

  test('patience stops when the validation loss stops improving', () => {
    const { x, y } = data();
    // lr 0 keeps the weights, so the validation loss never improves after epoch 1.
    const net = new nn.Network([3])
      .dense(2, { activation: 'softmax' })
      .setObjective('CE')
      .setOptimizer({ name: 'SGD', lr: 0 });
    const h = net.learn(x, y, { epochs: 10, validation: [x, y], patience: 2 });
    assert.equal(h.trainLoss.length, 3);
    assert.equal(h.stoppedEarly, true);
    throwsLike(() => net.learn(x, y, { patience: 2 }), ValueError, 'patience');
  });

  test('one optimizer step per batch; batch gradients are averaged', () => {
    const { x, y } = data();
    const net = new nn.Network([3])
      .dense(2, { activation: 'softmax' })
      .setObjective('CE')
      .setOptimizer({ name: 'Adam', lr: 1e-3 });
    net.learn(x, y, { epochs: 3, batchSize: 16 });
    const state = net.optimizer.state.get(net.parameters()[0])!;
    // 40 samples in batches of 16: 3 steps per epoch.
    assert.equal(Number((state.step as Tensor).item()), 9);
    // The loss of a batch of copies of one sample has that sample's gradient.
    const one = x.narrow(0, 0, 1);
    net.zeroGrad();
    net.loss(one, y.narrow(0, 0, 1)).backward();
    const g1 = gradsOf(net);
    net.zeroGrad();
    net.loss(one.expand([5, 3]), y.narrow(0, 0, 1).expand([5])).backward();
    gradsOf(net).forEach((g, i) => close(g, g1[i], 1e-6));
  });

  test('optimizer descriptions use neurons’ names; an instance must hold every parameter', () => {
    const net = new nn.Network([3]).dense(2);
    net.setOptimizer({ name: 'SGDM', lr: 0.05, decay: 0.01 });
    const g = net.optimizer.paramGroups[0];
    assert.deepEqual([net.optimizer.constructor.name, g.lr, g.momentum, g.weightDecay], ['SGD', 0.05, 0.9, 0.01]);
    net.setOptimizer({ name: 'Adam', beta1: 0.8, epsilon: 1e-6 });
    assert.deepEqual([net.optimizer.paramGroups[0].betas, net.optimizer.paramGroups[0].eps], [[0.8, 0.999], 1e-6]);
    const partial = new optim.SGD(net.parameters().slice(0, 1), { lr: 0.1 });
    throwsLike(() => net.setOptimizer(partial).optimizer, ValueError, 'all 2 parameter tensors', '1 missing');
  });

  test('predict: one sample or a batch, eval mode (no dropout), training mode restored', () => {
    nb.manualSeed(9);
    const net = new nn.Network([4]).dense(16, { activation: 'relu', dropout: 0.5 }).dense(3, { activation: 'softmax' });
    const x = nb.randn([5, 4]);
    assert.deepEqual(net.predict(x.select(0, 0)).shape, [3]);
    close(net.predict(x), net.predict(x));
    close(net.predict(x.select(0, 1)), net.predict(x).select(0, 1), 1e-6);
    assert.equal(net.training, true);
    assert.notDeepEqual(vals(net.call(x)), vals(net.call(x)));
  });
});

describe('Network: printing', () => {
  test('toString lists layers with shapes, connections, loops, objective, optimizer, parameters', () => {
    const net = new nn.Network([1, 4, 4])
      .convolution(2, 3, { padding: 1, activation: 'relu' })
      .feedback([{ convolution: 2, kernel: 3, padding: 1, activation: 'relu' }], 2, { inskips: true })
      .maxpool(2)
      .dense(4, { activation: 'relu' })
      .dense(4, { activation: 'tanh' })
      .dense(3, { activation: 'softmax', dropout: 0.1 })
      .connect(1, 2)
      .loopback(4, 4, 2, { scale: (n) => 1 / n })
      .setObjective('CE', { clamp: [-1, 1] })
      .setOptimizer({ name: 'Adam', lr: 0.001 });
    const s = String(net);
    // Parameters by hand: conv 2*1*9+2 = 20, block conv 2*2*9+2 = 38 (once), dense 8*4+4 = 36,
    // 4*4+4 = 20, 4*3+3 = 15.
    assert.equal(
      net.parameters().reduce((a, p) => a + p.numel(), 0),
      129,
    );
    for (const part of [
      'input: [1, 4, 4]',
      '0: Convolution([1, 4, 4] -> [2, 4, 4], kernel=[3, 3]',
      '1: Feedback([2, 4, 4] -> [2, 4, 4], loops=2, accumulation=mean, inskips, coupled params=38',
      '2: Maxpool([2, 4, 4] -> [2, 2, 2], kernel=[2, 2], stride=[2, 2])',
      '3: Dense([8] -> [4], activation=relu, params=36)',
      '4: Dense([4] -> [4], activation=tanh, params=20)',
      '5: Dense([4] -> [3], activation=softmax, dropout=0.1, params=15)',
      'connections: (accumulation=add',
      '1.input -> 2.input',
      'loops: (accumulation=mean',
      '4.output -> 4.input, iterations=2, gradient scale=0.3333',
      'objective: CE (gradient clamp [-1, 1])',
      'optimizer: Adam(lr=0.001)',
      'parameters: 129',
    ]) {
      assert.ok(s.includes(part), `missing '${part}' in\n${s}`);
    }
  });
});

describe('Network: neurons examples', () => {
  test('Iris 4 -> 50 -> 50 -> 3 (softmax, CE clamped) reaches >= 95% test accuracy', () => {
    const {
      train: [xTr, yTr],
      test: [xTe, yTe],
    } = nb.data.datasets.iris({ testFraction: 0.2, seed: 1 });
    assert.deepEqual(
      [xTr.shape, xTe.shape],
      [
        [120, 4],
        [30, 4],
      ],
    );
    nb.manualSeed(1);
    const net = new nn.Network([4])
      .dense(50, { activation: 'relu' })
      .dense(50, { activation: 'relu' })
      .dense(3, { activation: 'softmax' })
      .setObjective('CE', { clamp: [-1, 1] })
      .setOptimizer({ name: 'Adam', lr: 0.02 });
    const h = net.learn(xTr, yTr, { epochs: 50, batchSize: 40, seed: 1 });
    assert.ok(h.trainLoss[49] < h.trainLoss[0] / 4, `loss falls: ${h.trainLoss[0]} -> ${h.trainLoss[49]}`);
    const { accuracy } = net.evaluate(xTe, yTe);
    assert.ok(accuracy >= 0.95, `test accuracy ${accuracy}`);
  });

  test('MNIST (14 x 14) with a feedback block trains: the loss falls', async () => {
    const { train } = await nb.data.datasets.mnist();
    // neurons shrinks the digits to 14 x 14 by averaging 2 x 2 blocks.
    const x = F.avgPool2d(train.images.narrow(0, 0, 256), 2);
    const y = train.labels.narrow(0, 0, 256);
    nb.manualSeed(3);
    const net = new nn.Network([1, 14, 14])
      .convolution(4, 3, { activation: 'relu' })
      .feedback([{ convolution: 4, kernel: 3, padding: 1, activation: 'relu' }], 2, { inskips: true })
      .maxpool(2)
      .dense(10, { activation: 'softmax' })
      .setObjective('CE')
      .setOptimizer({ name: 'Adam', lr: 0.01 });
    const before = net.evaluate(x, y).loss;
    const h = net.learn(x, y, { epochs: 3, batchSize: 32, seed: 0 });
    const after = net.evaluate(x, y).loss;
    assert.ok(h.trainLoss[2] < h.trainLoss[0], `${h.trainLoss}`);
    assert.ok(after < 0.9 * before, `loss ${before} -> ${after}`);
  });
});
