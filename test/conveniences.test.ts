// RCMLRS and neuronika conveniences: minMaxNorm, zScoreNorm, normalize, findMin/findMax, mmT,
// vm, vv (values worked out by hand in the comments), their gradients (gradcheck), and tensor
// lists saved as JSON and as binary files.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import * as nb from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { io } from '../src/node/index.js';

const f64 = (v: nb.TensorData, requiresGrad = false) => nb.tensor(v, { dtype: 'float64', requiresGrad });

function close(got: Tensor, want: number[] | number[][], tol = 1e-12): void {
  const g = (got.tolist() as number[] | number[][]).flat();
  const w = want.flat();
  assert.equal(g.length, w.length);
  g.forEach((x, i) => assert.ok(Math.abs(x - w[i]) <= tol, `[${i}]: ${x} vs ${w[i]}`));
}

describe('minMaxNorm and zScoreNorm', () => {
  test('minMaxNorm over all elements and along a dim; a constant slice maps to 0', () => {
    close(nb.minMaxNorm(f64([2, 4, 6])), [0, 0.5, 1]); // (x - 2) / 4
    close(
      nb.minMaxNorm(
        f64([
          [1, 3],
          [5, 5],
        ]),
        1,
      ),
      [
        [0, 1],
        [0, 0],
      ],
    );
    close(
      nb.minMaxNorm(
        f64([
          [1, 3],
          [5, 7],
        ]),
      ),
      [
        [0, 1 / 3],
        [2 / 3, 1],
      ],
    ); // (x - 1) / 6
    assert.equal(nb.minMaxNorm(nb.tensor([1, 2])).dtype, 'float32');
    assert.deepEqual(nb.minMaxNorm(nb.zeros([0, 3])).shape, [0, 3]);
  });

  test('zScoreNorm with the sample std by default, and with correction 0', () => {
    close(nb.zScoreNorm(f64([1, 2, 3])), [-1, 0, 1]); // mean 2, sample std 1
    // Columns [1, 3] and [2, 6]: means 2 and 4, sample stds sqrt(2) and sqrt(8).
    const s = Math.SQRT1_2;
    close(
      nb.zScoreNorm(
        f64([
          [1, 2],
          [3, 6],
        ]),
        0,
      ),
      [
        [-s, -s],
        [s, s],
      ],
    );
    const r = Math.sqrt(3 / 2); // population std of [1, 2, 3] is sqrt(2/3)
    close(nb.zScoreNorm(f64([1, 2, 3]), undefined, { correction: 0 }), [-r, 0, r]);
    close(nb.zScoreNorm(f64([4, 4, 4])), [0, 0, 0]);
  });

  test('gradients: gradcheck, and finite (zero) gradients through a constant slice', () => {
    const x = nb.randn([3, 4], { dtype: 'float64', requiresGrad: true, generator: new nb.Generator(2) });
    assert.equal(
      nb.gradcheck((t) => nb.minMaxNorm(t, 1), [x]),
      true,
    );
    assert.equal(
      nb.gradcheck((t) => nb.zScoreNorm(t, [0, 1]), [x]),
      true,
    );
    const c = f64([2, 2, 2], true);
    nb.minMaxNorm(c).add(nb.zScoreNorm(c)).sum().backward();
    assert.deepEqual(c.grad!.tolist(), [0, 0, 0]);
  });

  test('integer input is refused, naming the op and dtype', () => {
    assert.throws(
      () => nb.zScoreNorm(nb.tensor([1, 2], { dtype: 'int32' })),
      (e: unknown) => e instanceof nb.DTypeError && /zScoreNorm/.test(e.message) && /int32/.test(e.message),
    );
  });

  test('normalize is F.normalize: x / max(||x||_2, eps) along dim 1', () => {
    close(nb.normalize(f64([[3, 4]])), [[0.6, 0.8]]);
    assert.equal(nb.normalize, nb.nn.functional.normalize);
  });
});

describe('findMin and findMax', () => {
  test('value and flat row-major index, first on ties', () => {
    const x = nb.tensor([
      [3, 1],
      [2, 1],
    ]);
    assert.deepEqual(nb.findMin(x), { value: 1, index: 1 });
    assert.deepEqual(
      nb.findMax(
        nb.tensor([
          [3, 5],
          [5, 1],
        ]),
      ),
      { value: 5, index: 1 },
    );
    // All negative: RCMLRS's search, which starts at 0, would answer 0 here.
    assert.deepEqual(nb.findMax(nb.tensor([-3, -1, -2])), { value: -1, index: 1 });
    assert.deepEqual(nb.findMin(nb.tensor([4, 7, 5])), { value: 4, index: 0 });
    // Non-contiguous: the transpose of [[1, 9], [0, 5]] is [[1, 0], [9, 5]], min 0 at flat 1.
    assert.deepEqual(
      nb.findMin(
        nb
          .tensor([
            [1, 9],
            [0, 5],
          ])
          .t(),
      ),
      { value: 0, index: 1 },
    );
    const n = nb.findMin(nb.tensor([2, NaN, 1]));
    assert.equal(n.index, 1); // NaN counts as smallest, as argmin
    assert.ok(Number.isNaN(n.value));
  });

  test('an empty tensor is refused', () => {
    assert.throws(
      () => nb.findMax(nb.zeros([0])),
      (e: unknown) => e instanceof nb.ValueError && /findMax/.test(e.message) && /\[0\]/.test(e.message),
    );
  });
});

describe('mmT, vm, vv', () => {
  test('values by hand', () => {
    const a = f64([
      [1, 2],
      [3, 4],
    ]);
    const b = f64([
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    close(nb.mmT(a, b), [
      [1, 2, 3],
      [3, 4, 7],
    ]); // rows of a dotted with rows of b
    close(
      nb.vm(
        f64([1, 2]),
        f64([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      ),
      [9, 12, 15],
    );
    assert.equal(nb.vv(f64([1, 2, 3]), f64([4, 5, 6])).item(), 32);
  });

  test('gradients (gradcheck)', () => {
    const gen = new nb.Generator(5);
    const r = (s: number[]) => nb.randn(s, { dtype: 'float64', requiresGrad: true, generator: gen });
    assert.equal(nb.gradcheck(nb.mmT, [r([2, 3]), r([4, 3])]), true);
    assert.equal(nb.gradcheck(nb.vm, [r([3]), r([3, 2])]), true);
    assert.equal(nb.gradcheck(nb.vv, [r([4]), r([4])]), true);
  });

  test('shape errors name the op and both shapes', () => {
    const cases: [string, () => unknown, RegExp][] = [
      ['mmT', () => nb.mmT(nb.ones([2, 3]), nb.ones([3, 2])), /\[2, 3\] and \[3, 2\]/],
      ['vm', () => nb.vm(nb.ones([3]), nb.ones([2, 3])), /\[3\] and \[2, 3\]/],
      ['vv', () => nb.vv(nb.ones([3]), nb.ones([2])), /\[3\] and \[2\]/],
    ];
    for (const [op, fn, shapes] of cases) {
      assert.throws(
        fn,
        (e: unknown) => e instanceof nb.ShapeError && e.message.startsWith(`${op}:`) && shapes.test(e.message),
      );
    }
  });

  test('n-ary cat and stack, and median, are the ordinary ops', () => {
    const [a, b, c] = [nb.tensor([1, 2]), nb.tensor([3]), nb.tensor([4, 5])];
    assert.deepEqual(nb.cat([a, b, c]).tolist(), [1, 2, 3, 4, 5]);
    assert.deepEqual(nb.stack([a, c, a]).shape, [3, 2]);
    assert.equal(nb.median(nb.tensor([3, 1, 4, 2])).item(), 2); // lower median
  });
});

describe('tensor lists on disk (io.saveTensorList / io.loadTensorList)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nabla-list-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const list = () => [
    nb.tensor([
      [0.1, -2],
      [3.5, 1e-8],
    ]),
    nb.tensor([1, 2, 3], { dtype: 'float64' }),
    nb.tensor([7, -8], { dtype: 'int32' }),
    nb.tensor([true, false], { dtype: 'bool' }),
    nb.tensor(2.5),
    nb.zeros([0, 3]),
  ];
  const same = (got: Tensor[], want: Tensor[]) => {
    assert.equal(got.length, want.length);
    got.forEach((t, i) => {
      assert.equal(t.dtype, want[i].dtype, `dtype ${i}`);
      assert.deepEqual(t.shape, want[i].shape, `shape ${i}`);
      assert.deepEqual(t.tolist(), want[i].tolist(), `values ${i}`);
    });
  };

  test('JSON and binary round trips keep order, dtypes, shapes and values', () => {
    const want = list();
    io.saveTensorList(want, join(dir, 'w.json'));
    io.saveTensorList(want, join(dir, 'w.bin'));
    io.saveTensorList(want, join(dir, 'w.data'), { format: 'json' });
    assert.equal(readFileSync(join(dir, 'w.json'), 'utf8').trimStart()[0], '[');
    same(io.loadTensorList(join(dir, 'w.json')), want);
    same(io.loadTensorList(join(dir, 'w.bin')), want);
    same(io.loadTensorList(join(dir, 'w.data')), want);
    // 12 tensors, so the keys "10" and "11" sort before "2" in the file.
    const many = Array.from({ length: 12 }, (_, i) => nb.tensor([i]));
    same(io.decodeTensorList(io.encodeTensorList(many)), many);
    // The binary file is a safetensors file keyed by position.
    assert.deepEqual(Object.keys(io.load(join(dir, 'w.bin'))).sort(), ['0', '1', '2', '3', '4', '5']);
  });

  test('a safetensors file that is not a list, and a bad format, are refused', () => {
    const file = join(dir, 'sd.safetensors');
    io.save({ weight: nb.ones([2]) }, file);
    assert.throws(
      () => io.loadTensorList(file),
      (e: unknown) => e instanceof nb.ValueError && /decodeTensorList/.test(e.message) && /"weight"/.test(e.message),
    );
    assert.throws(
      () => io.saveTensorList([nb.ones([1])], join(dir, 'x'), { format: 'yaml' as 'json' }),
      (e: unknown) => e instanceof nb.ValueError && /'json' or 'binary'/.test(e.message),
    );
    writeFileSync(join(dir, 'junk.bin'), 'not json');
    assert.throws(() => io.loadTensorList(join(dir, 'junk.bin')), nb.ValueError);
  });
});
