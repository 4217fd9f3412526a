// data: datasets, DataLoader, samplers, splits, sequence padding, scalers, CSV and IDX.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, describe, test } from 'node:test';
import * as nb from '../src/index.js';
import { data, type Tensor } from '../src/index.js';
import { data as nodeData } from '../src/node/index.js';

const dirs: string[] = [];
const tmpFile = (name: string, contents: string | Uint8Array) => {
  dirs.push(fs.mkdtempSync(path.join(os.tmpdir(), 'nabla-data-')));
  const file = path.join(dirs[dirs.length - 1], name);
  fs.writeFileSync(file, contents);
  return file;
};
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** Asserts an error of class `cls` whose message matches every pattern. */
function throwsWith(fn: () => unknown, cls: new (...a: never[]) => Error, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${String(e)}`);
    for (const p of patterns) assert.match((e as Error).message, p);
    return true;
  });
}

function close(actual: ArrayLike<number>, expected: readonly number[], tol = 1e-6): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

const ids = (t: Tensor) => Array.from(t.data(), Number);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** A dataset whose sample i is [x_i = [i, 10 i], y_i = i] (int32 labels). */
const numbered = (n: number) =>
  new data.TensorDataset(nb.tensor(range(n).map((i) => [i, 10 * i])), nb.tensor(range(n), { dtype: 'int32' }));

describe('datasets', () => {
  test('TensorDataset: views of each tensor, negative indices, size check', () => {
    const ds = numbered(5);
    assert.equal(ds.length, 5);
    const [x, y] = ds.getItem(-1);
    assert.deepEqual(x.tolist(), [4, 40]);
    assert.equal(y.item(), 4);
    throwsWith(() => ds.getItem(5), nb.IndexError, /TensorDataset\.getItem/, /\[-5, 4\]/, /got 5/);
    throwsWith(
      () => new data.TensorDataset(nb.zeros([3, 2]), nb.zeros([4])),
      nb.ShapeError,
      /size 3 in dim 0/,
      /\[4\]/,
    );
  });

  test('Subset and ConcatDataset index into their sources', () => {
    const sub = new data.Subset(['a', 'b', 'c', 'd'], [3, 1]);
    assert.deepEqual([sub.length, sub.getItem(0), sub.getItem(1)], [2, 'd', 'b']);
    const cat = new data.ConcatDataset<string>([['a', 'b'], sub, ['z']]);
    assert.deepEqual(cat.cumulativeSizes, [2, 4, 5]);
    assert.deepEqual(
      range(5).map((i) => cat.getItem(i)),
      ['a', 'b', 'd', 'b', 'z'],
    );
    assert.equal(cat.getItem(-1), 'z');
    throwsWith(() => new data.Subset(['a'], [1]), nb.IndexError, /Subset/, /got 1/);
  });
});

describe('DataLoader', () => {
  test('sequential order, last partial batch, dropLast and length', () => {
    const ds = numbered(7);
    const loader = new data.DataLoader(ds, { batchSize: 3 });
    assert.equal(loader.length, 3);
    const batches = [...loader];
    assert.deepEqual(
      batches.map(([, y]) => ids(y)),
      [[0, 1, 2], [3, 4, 5], [6]],
    );
    assert.deepEqual([...batches[0][0].shape], [3, 2]);
    assert.equal(batches[0][1].dtype, 'int32');
    const dropped = new data.DataLoader(ds, { batchSize: 3, dropLast: true });
    assert.equal(dropped.length, 2);
    assert.deepEqual(
      [...dropped].map(([, y]) => ids(y)),
      [
        [0, 1, 2],
        [3, 4, 5],
      ],
    );
    assert.equal(new data.DataLoader(ds).length, 7); // PyTorch's default batch_size=1
  });

  test('seeded shuffle: reproducible runs, a new order every epoch, each a permutation', () => {
    const ds = numbered(20);
    const epochs = (seed: number) => {
      const loader = new data.DataLoader(ds, { batchSize: 6, shuffle: true, generator: new nb.Generator(seed) });
      return [0, 1, 2].map(() => [...loader].flatMap(([, y]) => ids(y)));
    };
    const a = epochs(7);
    assert.deepEqual(epochs(7), a);
    assert.notDeepEqual(epochs(8), a);
    assert.notDeepEqual(a[0], a[1]);
    assert.notDeepEqual(a[0], range(20));
    for (const e of a)
      assert.deepEqual(
        [...e].sort((p, q) => p - q),
        range(20),
      );
    // Without a generator, the global one (manualSeed) drives the order.
    const global = () => {
      nb.manualSeed(3);
      return [...new data.DataLoader(ds, { batchSize: 20, shuffle: true })].flatMap(([, y]) => ids(y));
    };
    assert.deepEqual(global(), global());
  });

  test('custom collate, object and tuple samples, strings and numbers', () => {
    const samples = range(5).map((i) => ({
      image: nb.full([2, 2], i),
      meta: { label: i % 2, name: `s${i}` },
      pair: [i, true],
    }));
    const [b0] = new data.DataLoader(samples, { batchSize: 4 });
    assert.deepEqual([...b0.image.shape], [4, 2, 2]);
    assert.deepEqual(b0.meta.label.tolist(), [0, 1, 0, 1]);
    assert.equal(b0.meta.label.dtype, 'float32'); // JS numbers collate to float32 (see collate.ts)
    assert.deepEqual(b0.meta.name, ['s0', 's1', 's2', 's3']);
    assert.deepEqual(b0.pair[0].tolist(), [0, 1, 2, 3]);
    assert.equal(b0.pair[1].dtype, 'bool');
    const sums = new data.DataLoader(numbered(5), {
      batchSize: 2,
      collateFn: (items) => items.reduce((s, [, y]) => s + Number(y.item()), 0),
    });
    assert.deepEqual([...sums], [1, 5, 4]);
    throwsWith(() => data.defaultCollate([[1, 2], [3]]), nb.ShapeError, /equal size/, /sample 1/);
    throwsWith(() => data.defaultCollate([{ a: 1 }, { a: 'x' }]), nb.DTypeError, /sample 1/, /\.a/);
    throwsWith(() => data.defaultCollate([null]), nb.DTypeError, /defaultCollate/, /got null/);
    const typed = data.defaultCollate([Int32Array.of(1, 2), Int32Array.of(3, 4)]);
    assert.deepEqual(
      [typed.dtype, typed.tolist()],
      [
        'int32',
        [
          [1, 2],
          [3, 4],
        ],
      ],
    );
  });

  test('for await iterates async datasets; sync iteration refuses them', async () => {
    class Slow extends data.Dataset<Promise<{ x: number }>> {
      get length() {
        return 5;
      }
      async getItem(i: number) {
        await new Promise((r) => setTimeout(r, 1));
        return { x: i * i };
      }
    }
    const loader = new data.DataLoader(new Slow(), { batchSize: 2 });
    const got: unknown[] = [];
    for await (const b of loader) got.push(b.x.tolist());
    assert.deepEqual(got, [[0, 1], [4, 9], [16]]);
    throwsWith(() => [...loader], nb.DTypeError, /for await/);
    const sync: unknown[] = [];
    for await (const [, y] of new data.DataLoader(numbered(3), { batchSize: 2 })) sync.push(ids(y));
    assert.deepEqual(sync, [[0, 1], [2]]);
  });

  test('sampler and batchSampler options, and their exclusions', () => {
    const ds = numbered(6);
    const rev = {
      length: 6,
      *[Symbol.iterator]() {
        for (let i = 5; i >= 0; i--) yield i;
      },
    };
    assert.deepEqual(
      [...new data.DataLoader(ds, { batchSize: 4, sampler: rev })].map(([, y]) => ids(y)),
      [
        [5, 4, 3, 2],
        [1, 0],
      ],
    );
    const pairs = [[0, 5], [1], [2, 3, 4]];
    const byBatch = new data.DataLoader(ds, { batchSampler: Object.assign(pairs, { length: 3 }) });
    assert.equal(byBatch.length, 3);
    assert.deepEqual(
      [...byBatch].map(([, y]) => ids(y)),
      pairs,
    );
    throwsWith(
      () => new data.DataLoader(ds, { sampler: rev, shuffle: true }),
      nb.ValueError,
      /mutually exclusive with shuffle/,
    );
    throwsWith(
      () => new data.DataLoader(ds, { batchSampler: pairs, batchSize: 2 }),
      nb.ValueError,
      /batch_sampler option is mutually exclusive/,
    );
    throwsWith(() => new data.DataLoader(ds, { batchSize: 0 }), nb.ValueError, /batchSize/, /got batchSize=0/);
  });
});

describe('samplers', () => {
  test('SequentialSampler, BatchSampler, SubsetRandomSampler', () => {
    assert.deepEqual([...new data.SequentialSampler(3)], [0, 1, 2]);
    const bs = new data.BatchSampler(new data.SequentialSampler(5), 2, false);
    assert.deepEqual([...bs], [[0, 1], [2, 3], [4]]);
    assert.equal(new data.BatchSampler(new data.SequentialSampler(5), 2, true).length, 2);
    const sub = new data.SubsetRandomSampler([10, 20, 30, 40], { generator: new nb.Generator(1) });
    const e1 = [...sub];
    assert.deepEqual([...e1].sort(), [10, 20, 30, 40]);
    assert.notDeepEqual([...sub, ...sub, ...sub], [...e1, ...e1, ...e1]); // epochs differ
  });

  test('RandomSampler: permutations chained past n; uniform draws with replacement', () => {
    const g = new nb.Generator(0);
    const chained = [...new data.RandomSampler(3, { numSamples: 7, generator: g })];
    assert.equal(chained.length, 7);
    assert.deepEqual(chained.slice(0, 3).sort(), [0, 1, 2]);
    assert.deepEqual(chained.slice(3, 6).sort(), [0, 1, 2]);
    const counts = [0, 0, 0, 0];
    for (const i of new data.RandomSampler(4, { replacement: true, numSamples: 40000, generator: g })) counts[i]++;
    // Binomial(40000, 1/4): sd ~ 87, so 5 sd ~ 433.
    for (const c of counts) assert.ok(Math.abs(c - 10000) < 450, `count ${c}`);
    throwsWith(() => new data.RandomSampler(3, { numSamples: 0 }), nb.ValueError, /numSamples/);
  });

  test('WeightedRandomSampler: frequencies follow the weights, with and without replacement', () => {
    const g = new nb.Generator(42);
    const w = [1, 2, 7, 0];
    const counts = [0, 0, 0, 0];
    const n = 40000;
    for (const i of new data.WeightedRandomSampler(w, n, { generator: g })) counts[i]++;
    // Expected frequencies w / sum(w) = [0.1, 0.2, 0.7, 0]; sd <= sqrt(0.25 / n) = 0.0025.
    close(
      counts.map((c) => c / n),
      [0.1, 0.2, 0.7, 0],
      0.0125,
    );
    // Without replacement: distinct indices, never a zero weight; the second draw follows
    // P(second = 0) = P(first=1)·1/8 + P(first=2)·1/3 = 0.2/8 + 0.7/3 = 0.25833 (by hand).
    const sampler = new data.WeightedRandomSampler(nb.tensor(w), 3, { replacement: false, generator: g });
    let second0 = 0;
    const epochs = 20000;
    for (let e = 0; e < epochs; e++) {
      const draw = [...sampler];
      assert.deepEqual([...draw].sort(), [0, 1, 2]);
      if (draw[1] === 0) second0++;
    }
    assert.ok(Math.abs(second0 / epochs - 0.25833) < 0.016, `P(second = 0) = ${second0 / epochs}`);
    throwsWith(() => new data.WeightedRandomSampler(w, 4, { replacement: false }), nb.ValueError, /numSamples <= 3/);
    throwsWith(() => new data.WeightedRandomSampler([1, -1], 2), nb.ValueError, /non-negative/, /-1 at index 1/);
    throwsWith(() => new data.WeightedRandomSampler(nb.ones([2, 2]), 2), nb.ShapeError, /1-D/, /\[2, 2\]/);
  });
});

describe('splits', () => {
  test('randomSplit: sizes from lengths or fractions, disjoint, covering, seeded', () => {
    const ds = range(10);
    const split = (lengths: number[], seed = 0) => data.randomSplit(ds, lengths, { generator: new nb.Generator(seed) });
    assert.deepEqual(
      split([7, 3]).map((s) => s.length),
      [7, 3],
    );
    // PyTorch: floor(10 * 0.33) = 3 each, remainder 1 goes to the first split.
    const parts = split([0.33, 0.33, 0.34]);
    assert.deepEqual(
      parts.map((s) => s.length),
      [4, 3, 3],
    );
    const all = parts.flatMap((s) => range(s.length).map((i) => s.getItem(i)));
    assert.deepEqual(
      all.sort((a, b) => a - b),
      range(10),
    );
    assert.deepEqual(
      split([5, 5], 1).map((s) => s.indices),
      split([5, 5], 1).map((s) => s.indices),
    );
    assert.notDeepEqual(split([5, 5], 1)[0].indices, split([5, 5], 2)[0].indices);
    throwsWith(() => split([5, 4]), nb.ValueError, /randomSplit/, /Sum of input lengths/, /\[5, 4\]/);
  });

  test('kFold: every index validated exactly once; train is the complement', () => {
    for (const shuffle of [false, true]) {
      const folds = data.kFold(10, 3, { shuffle, generator: new nb.Generator(5) });
      assert.deepEqual(
        folds.map((f) => f.val.length),
        [4, 3, 3],
      ); // scikit-learn: first n % k folds get one more
      const seen = folds.flatMap((f) => f.val).sort((a, b) => a - b);
      assert.deepEqual(seen, range(10));
      for (const f of folds) {
        assert.deepEqual(
          [...f.train, ...f.val].sort((a, b) => a - b),
          range(10),
        );
        assert.deepEqual(
          f.train,
          [...f.train].sort((a, b) => a - b),
        );
      }
      if (!shuffle) assert.deepEqual(folds[1].val, [4, 5, 6]);
      else
        assert.notDeepEqual(
          folds.flatMap((f) => f.val),
          range(10),
        );
    }
    throwsWith(() => data.kFold(10, 1), nb.ValueError, /k >= 2/);
    throwsWith(() => data.kFold(2, 3), nb.ValueError, /k=3 and n=2/);
  });
});

describe('sequences', () => {
  test('padSequence: [T, B, *] or batchFirst, left padding, value, gradients', () => {
    const a = nb.ones([3, 2], { requiresGrad: true });
    const b = nb.full([1, 2], 2, { requiresGrad: true });
    const tb = data.padSequence([a, b]);
    assert.deepEqual([...tb.shape], [3, 2, 2]);
    const bf = data.padSequence([a, b], { batchFirst: true, paddingValue: -1 });
    assert.deepEqual(bf.tolist(), [
      [
        [1, 1],
        [1, 1],
        [1, 1],
      ],
      [
        [2, 2],
        [-1, -1],
        [-1, -1],
      ],
    ]);
    const left = data.padSequence([a, b], { batchFirst: true, paddingSide: 'left' });
    assert.deepEqual(left.select(0, 1).tolist(), [
      [0, 0],
      [0, 0],
      [2, 2],
    ]);
    bf.sum().backward();
    assert.deepEqual(b.grad?.tolist(), [[1, 1]]);
    throwsWith(() => data.padSequence([nb.ones([2, 3]), nb.ones([2, 4])]), nb.ShapeError, /\[2, 4\]/, /sequence 1/);
    throwsWith(() => data.padSequence([]), nb.ValueError, /empty list of sequences/);
  });

  test('batchWithMask: padded batch, keep-mask (1 = real), lengths', () => {
    const { batch, mask, lengths } = data.batchWithMask([nb.ones([2, 3]), nb.ones([4, 3]), nb.ones([1, 3])]);
    assert.deepEqual([...batch.shape], [3, 4, 3]);
    assert.deepEqual(lengths, [2, 4, 1]);
    assert.equal(mask.dtype, 'float32');
    assert.deepEqual(mask.tolist(), [
      [1, 1, 0, 0],
      [1, 1, 1, 1],
      [1, 0, 0, 0],
    ]);
    assert.deepEqual(batch.sum([2]).tolist(), [
      [3, 3, 0, 0],
      [3, 3, 3, 3],
      [3, 0, 0, 0],
    ]);
    const tok = data.batchWithMask([[5, 6, 7], [8]], { dtype: 'int32', maskDtype: 'bool', paddingSide: 'left' });
    assert.deepEqual(
      [tok.batch.dtype, tok.batch.tolist()],
      [
        'int32',
        [
          [5, 6, 7],
          [0, 0, 8],
        ],
      ],
    );
    assert.deepEqual(tok.mask.tolist(), [
      [true, true, true],
      [false, false, true],
    ]);
  });
});

describe('scalers', () => {
  // Column 0: 1, 2, 4; column 1: 10, 20, 30; column 2 is constant.
  const x = nb.tensor(
    [
      [1, 10, 5],
      [2, 20, 5],
      [4, 30, 5],
    ],
    { dtype: 'float64' },
  );

  test('MinMaxScaler: scikit-learn values, constant feature, range, inverse', () => {
    const s = new data.MinMaxScaler().fit(x);
    // By hand: (x - min) / (max - min); the constant column's range 0 counts as 1, so it maps to 0.
    close(s.transform(x).data(), [0, 0, 0, 1 / 3, 0.5, 0, 1, 1, 0], 1e-12);
    close(s.min, [-1 / 3, -0.5, -5], 1e-12);
    const r = new data.MinMaxScaler({ featureRange: [-1, 1] }).fit(x);
    close(r.transform(nb.tensor([[2.5, 0, 5]], { dtype: 'float64' })).data(), [0, -2, -1], 1e-12); // out of range is allowed
    close(r.inverseTransform(r.transform(x)).data(), Array.from(x.data()), 1e-12);
    const clipped = new data.MinMaxScaler({ clip: true })
      .fit(x)
      .transform(nb.tensor([[10, 0, 5]], { dtype: 'float64' }));
    close(clipped.data(), [1, 0, 0]);
    throwsWith(() => new data.MinMaxScaler({ featureRange: [1, 0] }), nb.ValueError, /featureRange low < high/);
  });

  test('StandardScaler: population std, constant feature scale 1, NaNs ignored, round trip', () => {
    const s = new data.StandardScaler().fit(x);
    // By hand: mean 7/3, var (16 + 1 + 25) / 27 = 14/9; column 1 var 200/3; column 2 constant.
    close(s.mean, [7 / 3, 20, 5], 1e-12);
    close(s.var, [14 / 9, 200 / 3, 0], 1e-12);
    close(s.scale, [Math.sqrt(14) / 3, Math.sqrt(200 / 3), 1], 1e-12);
    close(s.transform(x).select(0, 0).data(), [-4 / Math.sqrt(14), -10 / Math.sqrt(200 / 3), 0], 1e-12);
    close(s.inverseTransform(s.fitTransform(x)).data(), Array.from(x.data()), 1e-12);
    // A "constant" column whose float64 mean picks up rounding error still gets scale 1.
    const c = new data.StandardScaler().fit(nb.tensor([[0.1], [0.1], [0.1]], { dtype: 'float64' }));
    assert.equal(c.scale[0], 1);
    const withNaN = new data.StandardScaler().fit(
      nb.tensor(
        [
          [1, NaN],
          [3, 4],
          [NaN, 6],
        ],
        { dtype: 'float64' },
      ),
    );
    close(withNaN.mean, [2, 5]);
    assert.ok(Number.isNaN(withNaN.transform(nb.tensor([[NaN, 5]])).data()[0]));
    const noMean = new data.StandardScaler({ withMean: false }).fit(x);
    close(noMean.transform(x).select(0, 0).data(), [3 / Math.sqrt(14), 10 / Math.sqrt(200 / 3), 5], 1e-12);
  });

  test('partialFit equals fit on all rows; float32 input keeps float32; stateDict round trip', () => {
    const full = nb.randn([50, 3], { generator: new nb.Generator(0), dtype: 'float64' });
    const once = new data.StandardScaler().fit(full);
    const inParts = new data.StandardScaler().partialFit(full.narrow(0, 0, 20)).partialFit(full.narrow(0, 20, 30));
    close(inParts.mean, Array.from(once.mean), 1e-12);
    close(inParts.var, Array.from(once.var), 1e-12);
    const mm = new data.MinMaxScaler().partialFit(full.narrow(0, 0, 25)).partialFit(full.narrow(0, 25, 25));
    close(mm.dataMax, Array.from(full.amax(0).data()));
    assert.equal(once.transform(full.float()).dtype, 'float32');
    for (const s of [once, mm]) {
      const state = s.stateDict();
      const again = s instanceof data.StandardScaler ? new data.StandardScaler() : new data.MinMaxScaler();
      const restored = again.loadStateDict(nb.io.decode(nb.io.encode(state)).tensors);
      close(restored.transform(full).data(), Array.from(s.transform(full).data()), 1e-12);
    }
    assert.deepEqual(Object.keys(mm.stateDict()).sort(), [
      'data_max_',
      'data_min_',
      'data_range_',
      'feature_range',
      'min_',
      'n_samples_seen_',
      'scale_',
    ]);
  });

  test('errors: unfitted, wrong feature count, missing state keys', () => {
    throwsWith(
      () => new data.StandardScaler().transform(x),
      nb.ValueError,
      /StandardScaler\.transform/,
      /not fitted yet/,
    );
    const s = new data.StandardScaler().fit(x);
    throwsWith(
      () => s.transform(nb.zeros([2, 4])),
      nb.ShapeError,
      /X has 4 features, but StandardScaler is expecting 3/,
      /\[2, 4\]/,
    );
    throwsWith(() => new data.MinMaxScaler().loadStateDict({}), nb.ValueError, /data_min_/);
    throwsWith(() => new data.MinMaxScaler().fit(nb.zeros([0, 2])), nb.ValueError, /0 sample/);
  });
});

describe('CSV', () => {
  test('quoted fields with delimiters, quotes and newlines; header; label and categorical columns', () => {
    const text = [
      'name,height,weight,species',
      '"Smith, J.",1.5,60,cat',
      '"says ""hi""\nacross lines",2,70.25,dog',
      '',
      'plain,3,80,cat',
    ].join('\r\n');
    const r = data.parseCsv(text, {
      columns: ['height', 'weight'],
      labelColumns: ['species'],
      categorical: ['species', 'name'],
    });
    assert.deepEqual(r.header, ['name', 'height', 'weight', 'species']);
    assert.deepEqual([...r.features.shape], [3, 2]);
    assert.deepEqual(r.features.tolist(), [
      [1.5, 60],
      [2, 70.25],
      [3, 80],
    ]);
    assert.deepEqual([r.labels?.dtype, r.labels?.tolist()], ['int32', [0, 1, 0]]);
    assert.deepEqual(r.categories.species, ['cat', 'dog']);
    assert.deepEqual(
      r.categories.name,
      ['"says ""hi""\nacross lines"'.slice(1, -1).replace(/""/g, '"'), 'Smith, J.', 'plain'].sort(),
    );
    assert.deepEqual([r.featureNames, r.labelNames], [['height', 'weight'], ['species']]);
  });

  test('no header, other delimiters, indices, several labels, typed columns, missing values', () => {
    const r = data.parseCsv('1;2;0;1\n3;;1;0\n', {
      header: false,
      delimiter: ';',
      labelColumns: [2, -1],
      labelDtype: 'int32',
    });
    assert.equal(r.header, null);
    assert.deepEqual(
      [r.featureNames, r.labelNames],
      [
        ['0', '1'],
        ['2', '3'],
      ],
    );
    assert.deepEqual([...(r.labels?.shape ?? [])], [2, 2]);
    assert.ok(Number.isNaN(r.features.data()[3])); // empty field in a float column: NaN, as pandas
    const named = data.parseCsv('1\t2\n', {
      header: false,
      names: ['a', 'b'],
      delimiter: '\t',
      columns: ['b'],
      dtype: 'float64',
    });
    assert.deepEqual([named.features.dtype, named.features.tolist()], ['float64', [[2]]]);
    const typed = data.parseCsv('n,ok\n7,true\n-2,0\n', {
      columns: ['n'],
      labelColumns: ['ok'],
      dtype: 'int32',
      labelDtype: 'bool',
    });
    assert.deepEqual(
      [typed.features.tolist(), typed.labels?.tolist()],
      [
        [[7], [-2]],
        [true, false],
      ],
    );
    const conv = data.parseCsv('size\nS\nL\n', { converters: { size: (s) => ({ S: 1, M: 2, L: 3 })[s] ?? NaN } });
    assert.deepEqual(conv.features.tolist(), [[1], [3]]);
    const commented = data.parseCsv('\ufeffa,b\n# note\n1,2\n', { comment: '#' });
    assert.deepEqual([commented.header, commented.features.tolist()], [['a', 'b'], [[1, 2]]]); // BOM dropped
    throwsWith(() => data.parseCsv('a,b\n# note\n1,2\n3,x\n', { comment: '#' }), nb.ValueError, /column 'b'/, /line 4/);
    const empty = data.parseCsv('a,b\n');
    assert.deepEqual([...empty.features.shape], [0, 2]);
  });

  test('malformed rows are refused with their line number', () => {
    const multi = 'a,b,c\n1,"x\ny",3\n4,5,6\n7,8\n';
    // Line 5 (the quoted newline makes the second record span lines 2-3).
    throwsWith(
      () => data.parseCsv(multi, { categorical: ['b'] }),
      nb.ValueError,
      /parseCsv/,
      /expected 3 fields/,
      /got 2 on line 5/,
    );
    throwsWith(() => data.parseCsv('a,b\n1,2\n3,abc\n'), nb.ValueError, /a number in column 'b'/, /"abc"/, /line 3/);
    throwsWith(
      () => data.parseCsv('a\n1.5\n', { dtype: 'int32' }),
      nb.ValueError,
      /int32 integer in column 'a'/,
      /"1.5"/,
      /line 2/,
    );
    throwsWith(() => data.parseCsv('a,b\n1,"2\n3,4\n'), nb.ValueError, /well-formed CSV/, /Quote Not Closed/, /line 3/);
    throwsWith(
      () => data.parseCsv('a,b\n1,2\n', { labelColumns: ['c'] }),
      nb.ValueError,
      /column named 'c'/,
      /columns: a, b/,
    );
  });

  test('readCsv names the file in errors', () => {
    const file = tmpFile('bad.csv', 'x,y\n1,2\n3,oops\n');
    throwsWith(() => nodeData.readCsv(file), nb.ValueError, /readCsv/, /line 3 of bad\.csv/);
    const ok = nodeData.readCsv(tmpFile('ok.csv', 'x,y\n1,2\n'), { labelColumns: ['y'] });
    assert.deepEqual([ok.features.tolist(), ok.labels?.tolist()], [[[1]], [2]]);
  });
});

describe('IDX', () => {
  /** An IDX file written byte by byte (big-endian), independently of encodeIdx. */
  function idxBytes(
    code: number,
    shape: number[],
    values: number[],
    size: number,
    write: (v: DataView, at: number, x: number) => void,
  ) {
    const start = 4 + 4 * shape.length;
    const bytes = new Uint8Array(start + values.length * size);
    const v = new DataView(bytes.buffer);
    bytes.set([0, 0, code, shape.length]);
    shape.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
    values.forEach((x, i) => write(v, start + i * size, x));
    return bytes;
  }
  const ubyte = idxBytes(
    0x08,
    [2, 2, 3],
    range(12).map((i) => i * 20),
    1,
    (v, a, x) => v.setUint8(a, x),
  );

  test('decodes ubyte, short and float files; encodeIdx round trips', () => {
    const t = data.parseIdx(ubyte);
    assert.deepEqual([t.dtype, [...t.shape]], ['int32', [2, 2, 3]]);
    assert.deepEqual(
      ids(t),
      range(12).map((i) => i * 20),
    );
    assert.equal(data.parseIdx(ubyte.buffer as ArrayBuffer, { dtype: 'float32' }).dtype, 'float32');
    const short = idxBytes(0x0b, [3], [-300, 0, 1000], 2, (v, a, x) => v.setInt16(a, x, false));
    assert.deepEqual(ids(data.parseIdx(short)), [-300, 0, 1000]);
    const float = idxBytes(0x0d, [2], [0.5, -1.25], 4, (v, a, x) => v.setFloat32(a, x, false));
    assert.deepEqual([data.parseIdx(float).dtype, ids(data.parseIdx(float))], ['float32', [0.5, -1.25]]);
    assert.deepEqual(data.encodeIdx(data.parseIdx(ubyte), { type: 'ubyte' }), ubyte);
    const d = nb.tensor(
      [
        [1.5, -2],
        [3, 1e-300],
      ],
      { dtype: 'float64' },
    );
    assert.deepEqual(data.parseIdx(data.encodeIdx(d)).tolist(), d.tolist());
    throwsWith(
      () => data.encodeIdx(nb.tensor([256], { dtype: 'int32' }), { type: 'ubyte' }),
      nb.ValueError,
      /\[0, 255\]/,
      /got 256/,
    );
  });

  test('gzip input: parseIdxAsync (DecompressionStream) and readIdx (zlib)', async () => {
    const gz = new Uint8Array(zlib.gzipSync(ubyte));
    assert.ok(data.isGzip(gz));
    assert.deepEqual(ids(await data.parseIdxAsync(gz)), ids(data.parseIdx(ubyte)));
    assert.deepEqual(ids(await data.parseIdxAsync(ubyte)), ids(data.parseIdx(ubyte)));
    throwsWith(() => data.parseIdx(gz), nb.ValueError, /gzip-compressed/, /parseIdxAsync/);
    assert.deepEqual(ids(nodeData.readIdx(tmpFile('t.idx.gz', gz))), ids(data.parseIdx(ubyte)));
    assert.deepEqual(ids(nodeData.readIdx(tmpFile('t.idx', ubyte))), ids(data.parseIdx(ubyte)));
    await assert.rejects(data.parseIdxAsync(gz.subarray(0, gz.length - 6)), /parseIdxAsync/);
  });

  test('refuses bad magic, unknown type codes, truncated and oversized files', () => {
    throwsWith(() => data.parseIdx(Uint8Array.of(1, 0, 8, 1)), nb.ValueError, /two zero bytes/, /0x01 0x00/);
    throwsWith(() => data.parseIdx(Uint8Array.of(0, 0, 7, 1, 0, 0, 0, 0)), nb.ValueError, /type code/, /0x07/);
    throwsWith(() => data.parseIdx(ubyte.subarray(0, 10)), nb.ValueError, /header bytes/);
    throwsWith(
      () => data.parseIdx(ubyte.subarray(0, ubyte.length - 1)),
      nb.ValueError,
      /expected 28 bytes/,
      /got 27/,
      /truncated/,
    );
    throwsWith(() => data.parseIdx(Uint8Array.of(...ubyte, 0)), nb.ValueError, /got 29/, /extra bytes/);
    throwsWith(
      () => nodeData.readIdx(tmpFile('short.idx', ubyte.subarray(0, 20))),
      nb.ValueError,
      /readIdx/,
      /short\.idx/,
    );
  });
});
