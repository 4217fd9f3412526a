// The training loop: learning a small problem, callbacks (early stopping, checkpoints, LR
// scheduling, CSV), resuming from a checkpoint, evaluate/predict, the progress display, and the
// Node file helpers.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import * as nb from '../src/index.js';
import { io, metrics, nn, optim, train, type Tensor } from '../src/index.js';
import { ProgressBar, train as nodeTrain } from '../src/node/index.js';

const F = nn.functional;
const labels = (v: number[]) => nb.tensor(v, { dtype: 'int32' });
const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tmpDir = () => {
  dirs.push(fs.mkdtempSync(path.join(os.tmpdir(), 'nabla-train-')));
  return dirs[dirs.length - 1];
};

/** A loader that reshuffles with its own generator every epoch, as a DataLoader would. */
class ShuffleLoader {
  readonly gen: nb.Generator;
  constructor(
    readonly x: Tensor,
    readonly y: Tensor,
    readonly batchSize: number,
    seed: number,
  ) {
    this.gen = new nb.Generator(seed);
  }
  get length() {
    return Math.ceil(this.x.shape[0] / this.batchSize);
  }
  *[Symbol.iterator](): Iterator<[Tensor, Tensor]> {
    const perm = nb.randperm(this.x.shape[0], { generator: this.gen });
    for (let i = 0; i < this.x.shape[0]; i += this.batchSize) {
      const idx = perm.narrow(0, i, Math.min(this.batchSize, this.x.shape[0] - i));
      yield [this.x.indexSelect(0, idx), this.y.indexSelect(0, idx)];
    }
  }
}

/** Overrides an epoch's logged values with scripted ones (runs before every other callback). */
const feed = (values: number[], key: 'valLoss' | 'trainLoss' = 'valLoss'): train.Callback => ({
  order: -1000,
  onEpochEnd: (entry) => void (entry[key] = values[entry.epoch - 1]),
});

/** A linear model on a tiny regression problem: cheap epochs whose weights change every step. */
function tiny(seed = 0) {
  nb.manualSeed(seed);
  const model = new nn.Linear(2, 1);
  const x = nb.tensor([
    [0, 1],
    [1, 0],
    [1, 1],
    [2, 1],
  ]);
  const y = nb.tensor([[1], [2], [3], [5]]);
  return { model, optimizer: new optim.SGD(model.parameters(), { lr: 0.01 }), loader: [[x, y]] as [Tensor, Tensor][] };
}

const sameState = (a: nn.StateDict, b: nn.StateDict) => {
  assert.deepEqual(Object.keys(a), Object.keys(b));
  for (const k of Object.keys(a)) assert.deepEqual([...a[k].data()], [...b[k].data()], k);
};

describe('fit', () => {
  test('learns XOR with a 2-layer MLP from a plain array of batches (100% accuracy)', async () => {
    nb.manualSeed(0);
    const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 2));
    const x = nb.tensor([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    const y = labels([0, 1, 1, 0]);
    const history = await train.fit(model, {
      loss: F.crossEntropy,
      optimizer: new optim.Adam(model.parameters(), { lr: 0.05 }),
      trainLoader: [[x, y]],
      epochs: 150,
      metrics: ['accuracy'],
    });
    assert.equal(history.epochs.length, 150);
    const last = history.epochs.at(-1)!;
    assert.equal(last.metrics.accuracy, 1);
    assert.ok(last.trainLoss < 0.05, `final loss ${last.trainLoss}`);
    assert.ok(last.trainLoss < history.epochs[0].trainLoss / 10);
    assert.equal(metrics.accuracy(train.predict(model, x), y), 1);
  });

  test('separable blobs with shuffled minibatches, validation, metrics and a loss module (>= 95%)', async () => {
    nb.manualSeed(3);
    const n = 96;
    const raw = nb.randn([n, 2]);
    const y = raw.select(1, 0).add(raw.select(1, 1)).gt(0).int(); // label: x0 + x1 > 0
    // Push each class 0.4 away from the line x0 + x1 = 0, leaving a margin: linearly separable.
    const x = raw.add(y.mul(2).sub(1).float().mul(0.4).unsqueeze(1));
    const trainLoader = new ShuffleLoader(x.narrow(0, 0, 64), y.narrow(0, 0, 64), 16, 1);
    const valLoader = [[x.narrow(0, 64, 32), y.narrow(0, 64, 32)]];
    const model = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 2));
    const h = await train.fit(model, {
      loss: new nn.CrossEntropyLoss(),
      optimizer: new optim.Adam(model.parameters(), { lr: 0.03 }),
      trainLoader,
      valLoader,
      epochs: 25,
      metrics: ['accuracy', 'f1'],
    });
    const last = h.epochs.at(-1)!;
    assert.deepEqual(Object.keys(last.metrics), ['accuracy', 'f1', 'valAccuracy', 'valF1']);
    assert.ok(last.metrics.valAccuracy >= 0.95, `val accuracy ${last.metrics.valAccuracy}`);
    assert.ok(last.valLoss! < h.epochs[0].valLoss!);
    assert.ok(h.epochs.every((e) => e.seconds >= 0 && e.lr === 0.03));
    assert.equal(model.training, true); // the mode before fit is restored
  });

  test('train loss is the per-sample mean over uneven batches; evaluate agrees with the full-batch loss', async () => {
    const { model } = tiny();
    const x = nb.randn([5, 2]);
    const y = nb.randn([5, 1]);
    const batches = [
      [x.narrow(0, 0, 3), y.narrow(0, 0, 3)],
      [x.narrow(0, 3, 2), y.narrow(0, 3, 2)],
    ];
    const full = nb.noGrad(() => F.mseLoss(model.call(x), y).item() as number);
    const ev = await train.evaluate(model, batches, { loss: F.mseLoss, metrics: ['mse', 'r2'] });
    assert.ok(Math.abs(ev.loss! - full) < 1e-6);
    assert.ok(Math.abs(ev.metrics.mse - full) < 1e-6);
    const direct = nb.noGrad(() => metrics.r2(model.call(x), y));
    assert.ok(Math.abs(ev.metrics.r2 - direct) < 1e-9);
    // With lr 0 the weights never move, so the train loss equals the same full-data mean.
    const h = await train.fit(model, {
      loss: F.mseLoss,
      optimizer: new optim.SGD(model.parameters(), { lr: 0 }),
      trainLoader: batches,
    });
    assert.ok(Math.abs(h.epochs[0].trainLoss - full) < 1e-6);
  });

  test('batches as { x, y }, custom prepareBatch, multi-input models and async loaders', async () => {
    const { model, optimizer } = tiny();
    const x = nb.randn([4, 2]);
    const y = nb.randn([4, 1]);
    const h1 = await train.fit(model, { loss: F.mseLoss, optimizer, trainLoader: [{ x, y }] });
    assert.equal(h1.epochs.length, 1);
    async function* gen() {
      yield { input: [x.narrow(1, 0, 1), x.narrow(1, 1, 1)], target: y };
    }
    class TwoInputs extends nn.Module<[Tensor, Tensor]> {
      fc = new nn.Linear(2, 1);
      forward(a: Tensor, b: Tensor) {
        return this.fc.call(nb.cat([a, b], 1));
      }
    }
    const two = new TwoInputs();
    const h2 = await train.fit(two, {
      loss: F.mseLoss,
      optimizer: new optim.SGD(two.parameters(), { lr: 0.1 }),
      trainLoader: { [Symbol.asyncIterator]: gen },
      prepareBatch: (b) => {
        const { input, target } = b as { input: Tensor[]; target: Tensor };
        return [input, target];
      },
      epochs: 2,
    });
    assert.equal(h2.epochs.length, 2);
    assert.ok(h2.epochs[1].trainLoss < h2.epochs[0].trainLoss);
  });

  test('callbacks run in order with the documented arguments; stopTraining ends after that batch', async () => {
    const { model, optimizer, loader } = tiny();
    const events: string[] = [];
    const cb: train.Callback = {
      onTrainBegin: (s) => void events.push(`trainBegin ${s.initialEpoch}/${s.epochs} steps=${s.stepsPerEpoch}`),
      onEpochBegin: (e) => void events.push(`epochBegin ${e}`),
      onBatchBegin: (i) => void events.push(`batchBegin ${i}`),
      onBatchEnd: (l, s) => {
        events.push(`batchEnd ${l.epoch}.${l.step}/${l.steps}`);
        if (l.epoch === 2 && l.step === 1) s.stopTraining = true;
      },
      onEpochEnd: (e) => void events.push(`epochEnd ${e.epoch}`),
      onTrainEnd: (h) => void events.push(`trainEnd ${h.epochs.length}`),
    };
    const two = [...loader, ...loader];
    const h = await train.fit(model, { loss: F.mseLoss, optimizer, trainLoader: two, epochs: 5, callbacks: [cb] });
    assert.deepEqual(events, [
      'trainBegin 0/5 steps=2',
      'epochBegin 1',
      'batchBegin 1',
      'batchEnd 1.1/2',
      'batchBegin 2',
      'batchEnd 1.2/2',
      'epochEnd 1',
      'epochBegin 2',
      'batchBegin 1',
      'batchEnd 2.1/2',
      'epochEnd 2',
      'trainEnd 2',
    ]);
    assert.equal(h.epochs.length, 2);
  });

  test('gradClip by value bounds every SGD step; by norm the global norm', async () => {
    const { model, loader } = tiny();
    const before = train.predict(model, nb.eye(2)).data();
    const w0 = model.weight.data();
    await train.fit(model, {
      loss: (o: Tensor, t: Tensor) => F.mseLoss(o, t).mul(1000), // huge gradients
      optimizer: new optim.SGD(model.parameters(), { lr: 1 }),
      trainLoader: loader,
      gradClip: { value: 0.01 },
    });
    const w1 = model.weight.data();
    for (let i = 0; i < w0.length; i++) assert.ok(Math.abs(w1[i] - w0[i]) <= 0.01 + 1e-7);
    assert.notDeepEqual([...train.predict(model, nb.eye(2)).data()], [...before]);
    const seen: number[] = [];
    const m2 = tiny().model;
    await train.fit(m2, {
      loss: (o: Tensor, t: Tensor) => F.mseLoss(o, t).mul(1000),
      optimizer: new optim.SGD(m2.parameters(), { lr: 0 }),
      trainLoader: loader,
      gradClip: 0.5,
      callbacks: [
        { onBatchEnd: () => void seen.push(nn.utils.clipGradNorm_(m2.parameters(), Infinity).item() as number) },
      ],
    });
    assert.ok(Math.abs(seen[0] - 0.5) < 1e-4, `norm after clipping ${seen[0]}`);
  });

  test('refuses a non-finite loss, bad batches and bad options with clear errors', async () => {
    const { model, optimizer, loader } = tiny();
    await assert.rejects(
      train.fit(model, { loss: () => nb.tensor(NaN, { requiresGrad: true }).mul(1), optimizer, trainLoader: loader }),
      (e: unknown) => e instanceof nb.ValueError && /finite loss/.test(e.message) && /epoch 1, batch 1/.test(e.message),
    );
    await assert.rejects(
      train.fit(model, { loss: F.mseLoss, optimizer, trainLoader: [nb.zeros([2])] }),
      (e: unknown) =>
        e instanceof nb.ValueError &&
        /\[inputs, targets\] or \{ x, y \}/.test(e.message) &&
        /prepareBatch/.test(e.message),
    );
    await assert.rejects(
      train.fit(model, { loss: F.mseLoss, optimizer, trainLoader: 5 as never }),
      (e: unknown) => e instanceof nb.DTypeError && /trainLoader/.test(e.message),
    );
    await assert.rejects(
      train.fit(model, { loss: F.mseLoss, optimizer, trainLoader: loader, epochs: 2, initialEpoch: 3 }),
      (e: unknown) => e instanceof nb.ValueError && /epochs/.test(e.message) && /got 2/.test(e.message),
    );
    await assert.rejects(
      train.fit(model, { loss: F.mseLoss, optimizer, trainLoader: [] }),
      (e: unknown) => e instanceof nb.ValueError && /no/.test(e.message),
    );
  });

  test('LBFGS: the closure runs several times per step and the first loss is reported', async () => {
    nb.manualSeed(0);
    const model = new nn.Linear(2, 1);
    const x = nb.randn([20, 2]);
    const y = x.matmul(nb.tensor([[2], [-1]])).add(0.5);
    let calls = 0;
    const counted = (o: Tensor, t: Tensor) => (calls++, F.mseLoss(o, t));
    const first = nb.noGrad(() => F.mseLoss(model.call(x), y).item() as number);
    const h = await train.fit(model, {
      loss: counted,
      optimizer: new optim.LBFGS(model.parameters(), { lr: 1 }),
      trainLoader: [[x, y]],
      epochs: 2,
    });
    assert.ok(calls > 2, `${calls} loss evaluations`);
    assert.ok(Math.abs(h.epochs[0].trainLoss - first) < 1e-6);
    assert.ok(h.epochs[1].trainLoss < 1e-6); // an exact linear fit
  });

  test('a one-shot generator is refused in its second epoch with a hint', async () => {
    const { model, optimizer, loader } = tiny();
    const once = (function* () {
      yield* loader;
    })();
    await assert.rejects(
      train.fit(model, { loss: F.mseLoss, optimizer, trainLoader: once, epochs: 2 }),
      (e: unknown) => e instanceof nb.ValueError && /epoch 2/.test(e.message) && /one-shot/.test(e.message),
    );
  });

  test('predict: a tensor at once or in chunks, a loader concatenated; eval mode and no graph', async () => {
    nb.manualSeed(2);
    const model = new nn.Sequential(new nn.Linear(3, 4), new nn.Dropout(0.5), new nn.Linear(4, 2));
    const x = nb.randn([10, 3]);
    const a = train.predict(model, x);
    const b = train.predict(model, x, { batchSize: 3 });
    assert.equal(a.requiresGrad, false);
    assert.deepEqual([...a.data()], [...b.data()]); // dropout is off in eval mode
    const c = await train.predict(model, [[x.narrow(0, 0, 4), null], [x.narrow(0, 4, 6)], { x: nb.zeros([1, 3]) }]);
    assert.deepEqual(c.shape, [11, 2]);
    assert.deepEqual([...c.narrow(0, 0, 10).data()], [...a.data()]);
    assert.equal(model.training, true);
  });
});

describe('EarlyStopping', () => {
  test('stops after `patience` epochs without improvement and restores the best weights', async () => {
    const { model, optimizer, loader } = tiny();
    // Best 0.70 at epoch 4; epochs 5, 6, 7 do not improve -> with patience 3, stop after epoch 7.
    const script = [1.0, 0.8, 0.85, 0.7, 0.75, 0.72, 0.71, 0.5, 0.4, 0.3];
    const snaps: nn.StateDict[] = [];
    const snap: train.Callback = { onEpochEnd: (_e, s) => void snaps.push(snapshot(s.model.stateDict())) };
    const stop = new train.EarlyStopping({ patience: 3, restoreBestWeights: true });
    const h = await train.fit(model, {
      loss: F.mseLoss,
      optimizer,
      trainLoader: loader,
      epochs: 10,
      callbacks: [feed(script), snap, stop],
    });
    assert.equal(h.epochs.length, 7);
    assert.equal(stop.stoppedEpoch, 7);
    assert.equal(stop.monitor.bestEpoch, 4);
    assert.equal(stop.restoredEpoch, 4);
    sameState(model.stateDict(), snaps[3]);
    assert.notDeepEqual([...snaps[3].weight.data()], [...snaps[6].weight.data()]);
  });

  test('minDelta, patience 0, max mode and a missing monitored value', async () => {
    const run = async (
      script: number[],
      opts: train.EarlyStoppingOptions,
      key: 'valLoss' | 'trainLoss' = 'valLoss',
    ) => {
      const { model, optimizer, loader } = tiny();
      const stop = new train.EarlyStopping(opts);
      const h = await train.fit(model, {
        loss: F.mseLoss,
        optimizer,
        trainLoader: loader,
        epochs: 8,
        callbacks: [feed(script, key), stop],
      });
      return h.epochs.length;
    };
    // 0.97 and 0.96 improve on 1.0 by less than 0.05: two bad epochs -> stop after epoch 3.
    assert.equal(await run([1.0, 0.97, 0.96, 0.5, 0.4], { patience: 2, minDelta: 0.05 }), 3);
    assert.equal(await run([1.0, 0.97, 0.96, 0.5, 0.4, 0.3, 0.2, 0.1], { patience: 2 }), 8);
    assert.equal(await run([1.0, 0.9, 0.9, 0.5], { patience: 0 }), 3); // first non-improvement
    // 'max' mode: rising values improve.
    assert.equal(
      await run([0.1, 0.2, 0.3, 0.25, 0.2, 0.9], { monitor: 'trainLoss', mode: 'max', patience: 2 }, 'trainLoss'),
      5,
    );
    const { model, optimizer, loader } = tiny();
    await assert.rejects(
      train.fit(model, { loss: F.mseLoss, optimizer, trainLoader: loader, callbacks: [new train.EarlyStopping()] }),
      (e: unknown) =>
        e instanceof nb.ValueError &&
        /"valLoss"/.test(e.message) &&
        /trainLoss/.test(e.message) &&
        /valLoader/.test(e.message),
    );
    assert.equal(new train.EarlyStopping({ monitor: 'valAccuracy' }).monitor.mode, 'max');
  });
});

function snapshot(sd: nn.StateDict): nn.StateDict {
  return Object.fromEntries(Object.entries(sd).map(([k, t]) => [k, t.clone()]));
}

describe('ModelCheckpoint and resuming', () => {
  test('saves the best epochs and the last one through an injected saver', async () => {
    const { model, optimizer, loader } = tiny();
    const store = new Map<string, { bytes: Uint8Array; info: train.SaveInfo }>();
    const snaps: nn.StateDict[] = [];
    const ckpt = new train.ModelCheckpoint({
      path: 'runs/best.safetensors',
      saver: (p, bytes, info) => void store.set(p, { bytes, info }),
      saveBestOnly: true,
      saveLast: true,
    });
    await train.fit(model, {
      loss: F.mseLoss,
      optimizer,
      trainLoader: loader,
      epochs: 4,
      callbacks: [
        feed([1.0, 0.6, 0.8, 0.7]),
        { onEpochEnd: (_e, s) => void snaps.push(snapshot(s.model.stateDict())) },
        ckpt,
      ],
    });
    assert.deepEqual(
      ckpt.saved.map((s) => `${s.path} ${s.info.kind} ${s.info.epoch}`),
      [
        'runs/best.safetensors best 1',
        'runs/last.safetensors last 1',
        'runs/best.safetensors best 2',
        'runs/last.safetensors last 2',
        'runs/last.safetensors last 3',
        'runs/last.safetensors last 4',
      ],
    );
    assert.equal(ckpt.best, 0.6);
    const best = store.get('runs/best.safetensors')!;
    assert.deepEqual(best.info, { epoch: 2, kind: 'best', value: 0.6 });
    const probe = tiny(9);
    const info = io.decodeCheckpoint(best.bytes, { model: probe.model, optimizer: probe.optimizer });
    assert.equal(info.epoch, 2);
    sameState(probe.model.stateDict(), snaps[1]);
    assert.equal(io.decodeCheckpoint(store.get('runs/last.safetensors')!.bytes, { model: probe.model }).epoch, 4);
    sameState(probe.model.stateDict(), snaps[3]);
  });

  test('path templates and weights-only files', async () => {
    const { model, optimizer, loader } = tiny();
    const store = new Map<string, Uint8Array>();
    await train.fit(model, {
      loss: F.mseLoss,
      optimizer,
      trainLoader: loader,
      epochs: 2,
      callbacks: [
        feed([0.5, 0.25]),
        new train.ModelCheckpoint({
          path: 'w-{epoch:03d}-{valLoss:.2f}.safetensors',
          saver: (p, b) => void store.set(p, b),
          weightsOnly: true,
        }),
      ],
    });
    assert.deepEqual([...store.keys()], ['w-001-0.50.safetensors', 'w-002-0.25.safetensors']);
    const { tensors, metadata } = io.decode(store.get('w-002-0.25.safetensors')!);
    assert.deepEqual(Object.keys(tensors).sort(), ['bias', 'weight']);
    assert.equal(metadata.epoch, '2');
  });

  test('a run resumed from a checkpoint continues exactly as the uninterrupted run', async () => {
    // Shuffled minibatches (loader generator), dropout (global generator), Adam and StepLR.
    const setup = (seed: number) => {
      nb.manualSeed(seed);
      const model = new nn.Sequential(new nn.Linear(3, 8), new nn.ReLU(), new nn.Dropout(0.3), new nn.Linear(8, 1));
      const optimizer = new optim.Adam(model.parameters(), { lr: 0.02 });
      const scheduler = new optim.lrScheduler.StepLR(optimizer, 2, { gamma: 0.5 });
      const data = new nb.Generator(42);
      const x = nb.randn([20, 3], { generator: data });
      const y = x.sum(1, { keepdim: true }).sin();
      const loader = new ShuffleLoader(x, y, 6, seed + 100);
      const valLoader = [[x.narrow(0, 0, 8), y.narrow(0, 0, 8)]];
      return { model, optimizer, scheduler, loader, valLoader };
    };
    const opts = (s: ReturnType<typeof setup>) => ({
      loss: F.mseLoss,
      optimizer: s.optimizer,
      scheduler: s.scheduler,
      trainLoader: s.loader,
      valLoader: s.valLoader,
      metrics: ['r2'],
    });
    const straight = setup(1);
    const want = await train.fit(straight.model, { ...opts(straight), epochs: 6 });

    const first = setup(1);
    const store = new Map<string, Uint8Array>();
    const ckpt = new train.ModelCheckpoint({
      path: 'last.safetensors',
      saver: (p, b) => void store.set(p, b),
      rng: { shuffle: first.loader.gen },
    });
    await train.fit(first.model, { ...opts(first), epochs: 3, callbacks: [ckpt] });

    const resumed = setup(7); // other weights, generators and data order
    nb.randn([5]);
    const resume = train.resumeFrom(store.get('last.safetensors')!, {
      model: resumed.model,
      optimizer: resumed.optimizer,
      scheduler: resumed.scheduler,
      rng: { shuffle: resumed.loader.gen },
    });
    assert.equal(resume.initialEpoch, 3);
    assert.equal(resume.history.epochs.length, 3);
    const got = await train.fit(resumed.model, { ...opts(resumed), ...resume, epochs: 6 });

    const pick = (h: train.History) => h.epochs.map((e) => [e.epoch, e.trainLoss, e.valLoss, e.lr, e.metrics.r2]);
    assert.deepEqual(pick(got), pick(want));
    assert.deepEqual(
      got.epochs.map((e) => e.lr),
      [0.02, 0.02, 0.01, 0.01, 0.005, 0.005],
    ); // StepLR(2, 0.5)
    sameState(resumed.model.stateDict(), straight.model.stateDict());
  });
});

describe('LRSchedulerCallback', () => {
  test('epoch and batch intervals change the lr as the scheduler says', async () => {
    const { model, optimizer, loader } = tiny();
    const sched = new optim.lrScheduler.StepLR(optimizer, 2, { gamma: 0.5 });
    const h = await train.fit(model, {
      loss: F.mseLoss,
      optimizer,
      trainLoader: loader,
      epochs: 5,
      callbacks: [new train.LRSchedulerCallback(sched)],
    });
    // StepLR(stepSize 2, gamma 0.5) from 0.01: epochs 1-2 0.01, 3-4 0.005, 5 0.0025 (PyTorch semantics).
    assert.deepEqual(
      h.epochs.map((e) => e.lr),
      [0.01, 0.01, 0.005, 0.005, 0.0025],
    );

    const t = tiny();
    const perBatch = new optim.lrScheduler.StepLR(t.optimizer, 3, { gamma: 0.1 });
    const three = [...t.loader, ...t.loader, ...t.loader];
    const seen: number[] = [];
    const h2 = await train.fit(t.model, {
      loss: F.mseLoss,
      optimizer: t.optimizer,
      trainLoader: three,
      epochs: 3,
      callbacks: [
        new train.LRSchedulerCallback(perBatch, { interval: 'batch' }),
        { onBatchBegin: (_i, s) => void seen.push(s.optimizer.paramGroups[0].lr) },
      ],
    });
    // One decay every 3 optimizer steps = every epoch here.
    h2.epochs.forEach((e, i) => assert.ok(Math.abs(e.lr - 0.01 * 0.1 ** i) < 1e-15));
    assert.equal(seen.length, 9);
    assert.equal(perBatch.lastEpoch, 9);
  });

  test("ReduceLROnPlateau through fit's scheduler option gets the validation loss", async () => {
    const { model, optimizer, loader } = tiny();
    const plateau = new optim.lrScheduler.ReduceLROnPlateau(optimizer, { patience: 1, factor: 0.5 });
    const h = await train.fit(model, {
      loss: F.mseLoss,
      optimizer,
      scheduler: plateau,
      trainLoader: loader,
      valLoader: loader,
      epochs: 6,
      callbacks: [feed([1, 1, 1, 1, 1, 1])],
    });
    // PyTorch semantics, by hand: bad epochs 0, 1, 2 -> reduce after epoch 3 (counter reset),
    // 1, 2 -> reduce after epoch 5. lr at each epoch's start:
    assert.deepEqual(
      h.epochs.map((e) => e.lr),
      [0.01, 0.01, 0.01, 0.005, 0.005, 0.0025],
    );
    assert.throws(() => new train.LRSchedulerCallback(plateau, { interval: 'batch' }), nb.ValueError);
  });
});

describe('CSVLogger', () => {
  test('one row per epoch with the fixed columns and the metrics; continuing existing text', async () => {
    const { model, optimizer, loader } = tiny();
    const writes: string[] = [];
    const log = new train.CSVLogger({ onWrite: (t) => void writes.push(t) });
    await train.fit(model, {
      loss: F.mseLoss,
      optimizer,
      trainLoader: loader,
      epochs: 2,
      metrics: ['mae'],
      callbacks: [log],
    });
    const lines = log.text.trimEnd().split('\n');
    assert.equal(lines[0], 'epoch,trainLoss,valLoss,lr,seconds,mae');
    assert.equal(lines.length, 3);
    const row = lines[2].split(',');
    assert.equal(row[0], '2');
    assert.equal(row[2], ''); // no validation loss
    assert.equal(row[3], '0.01');
    assert.ok(Number.isFinite(Number(row[1])) && Number.isFinite(Number(row[5])));
    assert.equal(writes.length, 2);
    assert.equal(writes[1], log.text);

    const more = new train.CSVLogger({ existing: log.text });
    await train.fit(model, {
      loss: F.mseLoss,
      optimizer,
      trainLoader: loader,
      epochs: 3,
      initialEpoch: 2,
      callbacks: [more],
    });
    const all = more.text.trimEnd().split('\n');
    assert.equal(all.length, 4);
    assert.equal(all[3].split(',')[0], '3');
    assert.equal(all[3].split(',').length, 6); // the existing header's columns (mae empty)
  });
});

describe('progress display', () => {
  const run = async (cb: train.Callback, epochs = 3) => {
    const { model, optimizer, loader } = tiny();
    return train.fit(model, {
      loss: F.mseLoss,
      optimizer,
      trainLoader: [...loader, ...loader],
      valLoader: loader,
      epochs,
      metrics: ['mae'],
      callbacks: [cb],
    });
  };

  test('without a TTY: exactly one line per epoch with step, loss, metrics, steps/s and ETA', async () => {
    const out: string[] = [];
    await run(new ProgressBar({ stream: { write: (s: string) => void out.push(s) } }));
    const text = out.join('');
    assert.ok(!text.includes('\r'));
    const lines = text.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    lines.forEach((l, i) => {
      assert.match(
        l,
        new RegExp(`^Epoch ${i + 1}/3 · 2/2 · loss \\S+ · valLoss \\S+ · mae \\S+ · valMae \\S+ · lr \\S+`),
      );
      assert.match(l, /steps\/s/);
      assert.match(l, / · ETA (\d+(\.\d)?s|\d+:\d\d)$/);
    });
  });

  test('on a TTY: the bar redraws in place with \\r; CI forces one line per epoch', async () => {
    const out: string[] = [];
    let t = 0;
    const stream = { isTTY: true, columns: 200, write: (s: string) => void out.push(s) };
    const saved = process.env.CI;
    delete process.env.CI;
    try {
      // A clock advancing 1 s per call makes every batch eligible for a redraw.
      await run(new ProgressBar({ stream, now: () => (t += 1000) }), 2);
    } finally {
      if (saved !== undefined) process.env.CI = saved;
    }
    const text = out.join('');
    assert.ok(out.every((s) => s.startsWith('\r')));
    assert.match(text, /Epoch 1\/2 \[=+>? *\] 1\/2 · loss \S+ · mae \S+ · [\d.]+ steps\/s · ETA \S+/);
    assert.equal(text.split('\n').length - 1, 2); // a newline only when each epoch ends
    assert.ok(out.every((s) => s.replace('\u001b[K', '').trim().length < 200));

    const ci: string[] = [];
    process.env.CI = 'true';
    try {
      await run(new ProgressBar({ stream: { isTTY: true, write: (s: string) => void ci.push(s) } }), 2);
    } finally {
      if (saved === undefined) delete process.env.CI;
      else process.env.CI = saved;
    }
    assert.equal(ci.length, 2);
    assert.ok(ci.every((s) => !s.includes('\r') && s.endsWith('\n')));
  });

  test('durations and values format compactly', () => {
    assert.deepEqual([0.42, 12.4, 187, 3723].map(train.fmtDuration), ['0.4s', '12s', '3:07', '1:02:03']);
    assert.deepEqual([0.123456, 1e-5, 0, 123456].map(train.fmtValue), ['0.1235', '1.00e-5', '0', '1.23e+5']);
  });
});

describe('Node file helpers', () => {
  test('checkpoint files, CSV files and plots are written atomically into new directories', async () => {
    const dir = tmpDir();
    const { model, optimizer, loader } = tiny();
    const csvPath = path.join(dir, 'logs', 'log.csv');
    const history = await nodeTrain.fit(model, {
      loss: F.mseLoss,
      optimizer,
      trainLoader: loader,
      epochs: 2,
      callbacks: [
        new nodeTrain.ModelCheckpoint({
          path: path.join(dir, 'ckpt', 'last.safetensors'),
          saver: nodeTrain.fileCheckpointSaver(),
        }),
        nodeTrain.csvLogger(csvPath),
      ],
    });
    assert.equal(fs.readFileSync(csvPath, 'utf8').trimEnd().split('\n').length, 3);
    const probe = tiny(5);
    const resume = nodeTrain.resumeFromFile(path.join(dir, 'ckpt', 'last.safetensors'), probe);
    assert.equal(resume.initialEpoch, 2);
    sameState(probe.model.stateDict(), model.stateDict());
    // Appending continues the same file.
    await nodeTrain.fit(model, {
      loss: F.mseLoss,
      optimizer,
      trainLoader: loader,
      epochs: 3,
      initialEpoch: 2,
      callbacks: [nodeTrain.csvLogger(csvPath, { append: true })],
    });
    assert.equal(fs.readFileSync(csvPath, 'utf8').trimEnd().split('\n').length, 4);
    const svgPath = path.join(dir, 'plots', 'curves.svg');
    nodeTrain.savePlot(nb.plot.trainingCurves(history), svgPath);
    assert.match(fs.readFileSync(svgPath, 'utf8'), /^<svg /);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'plots')), ['curves.svg']); // no temporary left
    assert.throws(() => nodeTrain.savePlot(42 as never, svgPath), nb.DTypeError);
  });
});
