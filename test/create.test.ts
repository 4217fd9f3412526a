// Creation functions: tensor() parsing, full/zeros/ones/empty/*Like, eye and the ranges. Values
// labelled "PyTorch 1.13" were printed by /usr/bin/python3 with torch 1.13 (int64 standing for
// nabla's int32).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import type { DType } from '../src/index.js';

function throwsWith(fn: () => unknown, cls: new (...a: never[]) => Error, ...parts: (string | RegExp)[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${String(e)}`);
    for (const p of parts) {
      if (typeof p === 'string') assert.ok(e.message.includes(p), `message "${e.message}" lacks "${p}"`);
      else assert.match(e.message, p);
    }
    return true;
  });
}

function values(t: nb.Tensor): number[] {
  return Array.from(t.data(), Number);
}

describe('tensor()', () => {
  test('nested arrays give their shape, float32 by default', () => {
    const t = nb.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(t.shape, [2, 3]);
    assert.equal(t.dtype, 'float32');
    assert.deepEqual(t.tolist(), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const deep = nb.tensor([[[[1]], [[2]]]]);
    assert.deepEqual(deep.shape, [1, 2, 1, 1]);
  });

  test('a number gives a 0-d tensor; a boolean a 0-d bool', () => {
    const t = nb.tensor(3.5);
    assert.deepEqual(t.shape, []);
    assert.equal(t.item(), 3.5);
    assert.equal(nb.tensor(true).dtype, 'bool');
    assert.equal(nb.tensor(true).item(), true);
    assert.equal(nb.tensor(7, { dtype: 'int32' }).item(), 7);
  });

  test('empty arrays: [] is [0], [[]] is [1, 0], [[], []] is [2, 0]', () => {
    // PyTorch 1.13: torch.tensor([]).shape == (0,), torch.tensor([[]]).shape == (1, 0)
    assert.deepEqual(nb.tensor([]).shape, [0]);
    assert.equal(nb.tensor([]).dtype, 'float32');
    assert.deepEqual(nb.tensor([[]]).shape, [1, 0]);
    assert.deepEqual(nb.tensor([[], []]).shape, [2, 0]);
    assert.equal(nb.tensor([[], []]).numel(), 0);
  });

  test('booleans give bool; mixed with numbers give float32', () => {
    const b = nb.tensor([true, false, true]);
    assert.equal(b.dtype, 'bool');
    assert.deepEqual(b.tolist(), [true, false, true]);
    // PyTorch gives int64 for [True, 2]; JS numbers carry no int/float distinction, so float32.
    const m = nb.tensor([true, 2.5]);
    assert.equal(m.dtype, 'float32');
    assert.deepEqual(m.tolist(), [1, 2.5]);
    assert.deepEqual(nb.tensor([0, 2, -1], { dtype: 'bool' }).tolist(), [false, true, true]);
  });

  test('ragged arrays throw ShapeError naming the index path', () => {
    // PyTorch 1.13: torch.tensor([[1,2],[3]]) -> "expected sequence of length 2 at dim 1 (got 1)"
    throwsWith(
      () => nb.tensor([[1, 2], [3]]),
      nb.ShapeError,
      'tensor:',
      'length 2 at dim 1',
      'index [1]',
      'got length 1',
    );
    throwsWith(
      () =>
        nb.tensor([
          [[1], [2]],
          [[3], [4, 5]],
        ]),
      nb.ShapeError,
      'index [1, 1]',
      'length 1 at dim 2',
      'length 2',
    );
    throwsWith(() => nb.tensor([[1, 2], 3] as never), nb.ShapeError, 'index [1]', 'got a scalar');
    throwsWith(() => nb.tensor([1, [2]] as never), nb.ShapeError, 'index [1]', 'nested sequence');
  });

  test('strings and other objects inside throw DTypeError with their position', () => {
    throwsWith(() => nb.tensor([1, 'a'] as never), nb.DTypeError, 'tensor:', 'string "a"', 'index [1]');
    throwsWith(() => nb.tensor([[1], [null]] as never), nb.DTypeError, 'null', 'index [1, 0]');
    throwsWith(() => nb.tensor('abc' as never), nb.DTypeError, 'string');
    throwsWith(() => nb.tensor({ a: 1 } as never), nb.DTypeError, 'tensor:', 'Object');
  });

  test('NaN and Infinity cannot become int32 (ValueError)', () => {
    // PyTorch 1.13: torch.tensor([nan], dtype=torch.int32) -> "value cannot be converted to type int32 without overflow"
    throwsWith(() => nb.tensor([1, NaN], { dtype: 'int32' }), nb.ValueError, 'tensor:', 'NaN', 'flat index 1');
    throwsWith(() => nb.tensor([[Infinity]], { dtype: 'int32' }), nb.ValueError, 'Infinity', 'flat index 0');
    throwsWith(() => nb.tensor([3e9], { dtype: 'int32' }), nb.ValueError, '3000000000');
    throwsWith(() => nb.tensor(new Float64Array([-Infinity]), { dtype: 'int32' }), nb.ValueError, '-Infinity');
  });

  test('int32 conversion truncates toward zero', () => {
    // PyTorch 1.13: torch.tensor([1.7, -1.7], dtype=torch.int32) -> tensor([1, -1], dtype=torch.int32)
    assert.deepEqual(nb.tensor([1.7, -1.7], { dtype: 'int32' }).tolist(), [1, -1]);
    assert.deepEqual(nb.tensor([-2147483648, 2147483647], { dtype: 'int32' }).tolist(), [-2147483648, 2147483647]);
  });

  test('typed arrays of every kind', () => {
    const kinds: [ArrayLike<number> | BigInt64Array | BigUint64Array, DType][] = [
      [new Float32Array([1.5, -2]), 'float32'],
      [new Float64Array([1.5, -2]), 'float64'],
      [new Int32Array([1, -2]), 'int32'],
      [new Int16Array([1, -2]), 'int32'],
      [new Int8Array([1, -2]), 'int32'],
      [new Uint8Array([1, 255]), 'int32'],
      [new Uint8ClampedArray([1, 255]), 'int32'],
      [new Uint16Array([1, 65535]), 'int32'],
      [new Uint32Array([1, 7]), 'int32'],
      [new BigInt64Array([1n, -2n]), 'int32'],
      [new BigUint64Array([1n, 2n]), 'int32'],
    ];
    for (const [arr, dtype] of kinds) {
      const t = nb.tensor(arr);
      assert.equal(t.dtype, dtype, arr.constructor.name);
      assert.deepEqual(t.shape, [2]);
      assert.deepEqual(values(t), Array.from(arr as ArrayLike<number>, Number), arr.constructor.name);
    }
    assert.equal(nb.tensor(new Int8Array([1, 2]), { dtype: 'float64' }).dtype, 'float64');
    // Values that do not fit int32 are refused rather than wrapped.
    throwsWith(() => nb.tensor(new Uint32Array([4294967295])), nb.ValueError, '4294967295');
    throwsWith(() => nb.tensor(new BigInt64Array([1n << 40n])), nb.ValueError, String(1n << 40n));
    assert.deepEqual(nb.tensor(new Uint32Array([4294967295]), { dtype: 'float64' }).tolist(), [4294967295]);
  });

  test('the data is copied', () => {
    const src = new Float32Array([1, 2]);
    const t = nb.tensor(src);
    src[0] = 100;
    assert.deepEqual(t.tolist(), [1, 2]);
    const arr = [1, 2];
    const u = nb.tensor(arr);
    arr[0] = 100;
    assert.deepEqual(u.tolist(), [1, 2]);
  });

  test('nested typed arrays and bigints', () => {
    const t = nb.tensor([new Float32Array([1, 2]), new Float32Array([3, 4])]);
    assert.deepEqual(t.shape, [2, 2]);
    assert.deepEqual(t.tolist(), [
      [1, 2],
      [3, 4],
    ]);
    const b = nb.tensor([1n, 2n]);
    assert.equal(b.dtype, 'int32');
    assert.deepEqual(b.tolist(), [1, 2]);
  });

  test('a tensor argument is copied and detached, optionally cast', () => {
    const x = nb.tensor([1.5, 2.5], { requiresGrad: true });
    const y = nb.tensor(x);
    assert.equal(y.requiresGrad, false);
    assert.notEqual(y.storage, x.storage);
    assert.deepEqual(y.tolist(), [1.5, 2.5]);
    assert.deepEqual(nb.tensor(x, { dtype: 'int32' }).tolist(), [1, 2]);
    const nc = nb.arange(6).reshape([2, 3]).t();
    assert.deepEqual(nb.tensor(nc).tolist(), nc.tolist());
  });

  test('dtype and requiresGrad options are checked', () => {
    throwsWith(() => nb.tensor([1], { dtype: 'int64' as DType }), nb.DTypeError, 'tensor:', 'int64');
    throwsWith(() => nb.tensor([1], { dtype: 'int32', requiresGrad: true }), nb.DTypeError, 'tensor:', 'int32');
    const t = nb.tensor([1], { dtype: 'float64', requiresGrad: true });
    assert.equal(t.requiresGrad, true);
    assert.equal(t.isLeaf, true);
  });
});

describe('full, zeros, ones, empty and the *Like forms', () => {
  const makers: [string, (s: never, o?: nb.CreateOptions) => nb.Tensor][] = [
    ['zeros', (s, o) => nb.zeros(s, o)],
    ['ones', (s, o) => nb.ones(s, o)],
    ['empty', (s, o) => nb.empty(s, o)],
    ['full', (s, o) => nb.full(s, 2, o)],
  ];

  test('values, shapes given as list or number, 0-d and size-0', () => {
    assert.deepEqual(nb.zeros([2, 3]).tolist(), [
      [0, 0, 0],
      [0, 0, 0],
    ]);
    assert.deepEqual(nb.ones(3).tolist(), [1, 1, 1]);
    assert.deepEqual(nb.full([2], 7).tolist(), [7, 7]);
    assert.deepEqual(nb.full([], 7).shape, []);
    assert.equal(nb.full([], 7).item(), 7);
    assert.deepEqual(nb.zeros([0, 4]).shape, [0, 4]);
    assert.equal(nb.ones([3, 0]).numel(), 0);
    assert.equal(nb.full([2], true).dtype, 'bool');
    assert.ok(Array.from(nb.full([2], -0).data()).every((v) => Object.is(v, -0)));
  });

  test('dtypes', () => {
    for (const dtype of ['float32', 'float64', 'int32', 'bool'] as const) {
      assert.equal(nb.zeros([2], { dtype }).dtype, dtype);
      assert.equal(nb.ones([2], { dtype }).data()[1], 1);
    }
    // PyTorch 1.13: torch.full((2,), 1.5, dtype=torch.int32) -> tensor([1, 1], dtype=torch.int32)
    assert.deepEqual(nb.full([2], 1.5, { dtype: 'int32' }).tolist(), [1, 1]);
    assert.deepEqual(nb.full([2], 0.5, { dtype: 'bool' }).tolist(), [true, true]);
  });

  for (const [op, make] of makers) {
    test(`${op}: bad shapes give ValueError naming ${op} and the shape`, () => {
      // PyTorch 1.13: torch.zeros(2, -1) -> "Trying to create tensor with negative dimension -1: [2, -1]"
      throwsWith(() => make([2, -1] as never), nb.ValueError, `${op}:`, '[2, -1]');
      throwsWith(() => make([1.5] as never), nb.ValueError, `${op}:`, '[1.5]');
      throwsWith(() => make(-3 as never), nb.ValueError, `${op}:`, '[-3]');
      throwsWith(() => make('2' as never), nb.ValueError, `${op}:`, 'string');
    });
    test(`${op}: unknown dtype is a DTypeError; requiresGrad only for floats`, () => {
      throwsWith(() => make([2] as never, { dtype: 'float16' as DType }), nb.DTypeError, `${op}:`, 'float16');
      // PyTorch 1.13: torch.zeros(2, requires_grad=True, dtype=torch.int64) -> "Only Tensors of floating point ... can require gradients"
      throwsWith(() => make([2] as never, { dtype: 'int32', requiresGrad: true }), nb.DTypeError, `${op}:`, 'int32');
      assert.equal(make([2] as never, { requiresGrad: true }).requiresGrad, true);
    });
  }

  test('full refuses fill values that cannot be int32', () => {
    // PyTorch 1.13: torch.full((2,), nan, dtype=torch.int32) -> "value cannot be converted to type int without overflow"
    throwsWith(() => nb.full([2], NaN, { dtype: 'int32' }), nb.ValueError, 'full:', 'NaN');
    throwsWith(() => nb.full([2], 2 ** 31, { dtype: 'int32' }), nb.ValueError, 'full:', '2147483648');
  });

  test('*Like copy shape and dtype, and accept overrides', () => {
    const x = nb.tensor([[1, 2, 3]], { dtype: 'float64' });
    for (const t of [nb.zerosLike(x), nb.onesLike(x), nb.fullLike(x, 4), nb.emptyLike(x)]) {
      assert.deepEqual(t.shape, [1, 3]);
      assert.equal(t.dtype, 'float64');
      assert.equal(t.requiresGrad, false);
    }
    assert.deepEqual(nb.fullLike(x, 4).tolist(), [[4, 4, 4]]);
    assert.equal(nb.onesLike(x, { dtype: 'int32' }).dtype, 'int32');
    throwsWith(
      () => nb.zerosLike(nb.tensor([1], { dtype: 'int32' }), { requiresGrad: true }),
      nb.DTypeError,
      'zerosLike:',
    );
    assert.equal(x.zerosLike().dtype, 'float64');
  });
});

describe('eye', () => {
  test('square and rectangular identity matrices', () => {
    assert.deepEqual(nb.eye(2).tolist(), [
      [1, 0],
      [0, 1],
    ]);
    // PyTorch 1.13: torch.eye(2, 3) -> [[1., 0., 0.], [0., 1., 0.]]
    assert.deepEqual(nb.eye(2, 3).tolist(), [
      [1, 0, 0],
      [0, 1, 0],
    ]);
    assert.deepEqual(nb.eye(3, 2).tolist(), [
      [1, 0],
      [0, 1],
      [0, 0],
    ]);
    assert.equal(nb.eye(2).dtype, 'float32');
  });
  test('dtype options in either position, size 0, errors', () => {
    assert.equal(nb.eye(2, { dtype: 'int32' }).dtype, 'int32');
    assert.deepEqual(nb.eye(2, 2, { dtype: 'bool' }).tolist(), [
      [true, false],
      [false, true],
    ]);
    // PyTorch 1.13: torch.eye(0) -> tensor([], size=(0, 0))
    assert.deepEqual(nb.eye(0).shape, [0, 0]);
    assert.deepEqual(nb.eye(2, 0).shape, [2, 0]);
    // PyTorch 1.13: torch.eye(-1) -> "n must be greater or equal to 0, got -1"
    throwsWith(() => nb.eye(-1), nb.ValueError, 'eye:', 'n', '-1');
    throwsWith(() => nb.eye(2, 1.5), nb.ValueError, 'eye:', 'm', '1.5');
    throwsWith(() => nb.eye(2, { dtype: 'int32', requiresGrad: true }), nb.DTypeError, 'eye:');
    assert.equal(nb.eye(2, { requiresGrad: true }).requiresGrad, true);
  });
});

describe('arange', () => {
  test('integer arguments give int32, like PyTorch gives int64', () => {
    // PyTorch 1.13: torch.arange(5) -> tensor([0, 1, 2, 3, 4])
    const a = nb.arange(5);
    assert.equal(a.dtype, 'int32');
    assert.deepEqual(a.tolist(), [0, 1, 2, 3, 4]);
    // PyTorch 1.13: torch.arange(5, 0, -2) -> tensor([5, 3, 1])
    assert.deepEqual(nb.arange(5, 0, -2).tolist(), [5, 3, 1]);
    assert.deepEqual(nb.arange(2, 5).tolist(), [2, 3, 4]);
    // PyTorch 1.13: torch.arange(0, 0) -> tensor([], dtype=torch.int64)
    assert.deepEqual(nb.arange(0, 0).shape, [0]);
    assert.equal(nb.arange(0, 0).dtype, 'int32');
  });

  test('fractional arguments give float32 with PyTorch values bit for bit', () => {
    // PyTorch 1.13: torch.arange(1, 4, 0.5) -> tensor([1.0000, 1.5000, 2.0000, 2.5000, 3.0000, 3.5000])
    assert.deepEqual(nb.arange(1, 4, 0.5).tolist(), [1, 1.5, 2, 2.5, 3, 3.5]);
    // PyTorch 1.13: torch.arange(0, 1, 0.1).tolist()
    const want = [
      0.0, 0.10000000149011612, 0.20000000298023224, 0.30000001192092896, 0.4000000059604645, 0.5, 0.6000000238418579,
      0.699999988079071, 0.800000011920929, 0.8999999761581421,
    ];
    const got = nb.arange(0, 1, 0.1);
    assert.equal(got.dtype, 'float32');
    assert.deepEqual(got.tolist(), want);
    // PyTorch 1.13: torch.arange(-1.3, 2.9, 0.7).tolist() — 7 values: ceil(4.2 / 0.7) rounds up in floating point
    assert.deepEqual(
      nb.arange(-1.3, 2.9, 0.7).tolist(),
      [
        -1.2999999523162842, -0.6000000238418579, 0.10000000149011612, 0.800000011920929, 1.5, 2.200000047683716,
        2.9000000953674316,
      ],
    );
    // PyTorch 1.13: torch.arange(1, 0, -0.3, dtype=torch.float64).tolist(). nabla computes start + i * step
    // in float64; PyTorch's AVX2 kernel fuses it (fma) per SIMD lane, so the last bit may differ.
    const got64 = nb.arange(1, 0, -0.3, { dtype: 'float64' }).tolist() as number[];
    const want64 = [1.0, 0.7, 0.4, 0.10000000000000003];
    assert.equal(got64.length, want64.length);
    got64.forEach((v, i) => assert.ok(Math.abs(v - want64[i]) <= 1e-16, `${v} vs ${want64[i]}`));
    // PyTorch 1.13: torch.arange(0.5, 3) -> tensor([0.5000, 1.5000, 2.5000])
    assert.deepEqual(nb.arange(0.5, 3).tolist(), [0.5, 1.5, 2.5]);
  });

  test('dtype option: int32 truncates the arguments first, as PyTorch does', () => {
    assert.equal(nb.arange(3, { dtype: 'float32' }).dtype, 'float32');
    // PyTorch 1.13: torch.arange(0.5, 5.7, 1.5, dtype=torch.int64) -> tensor([0, 1, 2, 3, 4])
    assert.deepEqual(nb.arange(0.5, 5.7, 1.5, { dtype: 'int32' }).tolist(), [0, 1, 2, 3, 4]);
    // PyTorch 1.13: torch.arange(-2.5, 2, dtype=torch.int64) -> tensor([-2, -1, 0, 1])
    assert.deepEqual(nb.arange(-2.5, 2, { dtype: 'int32' }).tolist(), [-2, -1, 0, 1]);
    // PyTorch 1.13: torch.arange(0, 10, 3, dtype=torch.float64) -> tensor([0., 3., 6., 9.], dtype=torch.float64)
    assert.deepEqual(nb.arange(0, 10, 3, { dtype: 'float64' }).tolist(), [0, 3, 6, 9]);
    assert.equal(nb.arange(3, { dtype: 'float64', requiresGrad: true }).requiresGrad, true);
  });

  test('errors use PyTorch wording', () => {
    // PyTorch 1.13: torch.arange(0, 5, 0) -> "step must be nonzero"
    throwsWith(() => nb.arange(0, 5, 0), nb.ValueError, 'arange:', 'step must be nonzero');
    // PyTorch 1.13: torch.arange(0, 5, 0.5, dtype=torch.int64) -> "step must be nonzero"
    throwsWith(() => nb.arange(0, 5, 0.5, { dtype: 'int32' }), nb.ValueError, 'step must be nonzero');
    // PyTorch 1.13: torch.arange(0, 5, -1) -> "upper bound and larger bound inconsistent with step sign"
    throwsWith(() => nb.arange(0, 5, -1), nb.ValueError, 'arange:', 'inconsistent with step sign', 'step=-1');
    throwsWith(() => nb.arange(3, 1), nb.ValueError, 'inconsistent with step sign');
    throwsWith(() => nb.arange(-1.5), nb.ValueError, 'inconsistent with step sign');
    // PyTorch 1.13: torch.arange(float('nan')) -> "unsupported range: 0 -> nan"
    throwsWith(() => nb.arange(NaN), nb.ValueError, 'arange:', 'unsupported range: 0 -> NaN');
    throwsWith(() => nb.arange(0, Infinity), nb.ValueError, 'unsupported range: 0 -> Infinity');
    // PyTorch 1.13: torch.arange(2, dtype=torch.bool) -> '"arange_cpu" not implemented for 'Bool''
    throwsWith(() => nb.arange(2, { dtype: 'bool' }), nb.DTypeError, 'arange:', 'bool');
    // PyTorch 1.13: torch.arange(0,5,requires_grad=True) -> "Only Tensors of floating point ... can require gradients"
    throwsWith(() => nb.arange(5, { requiresGrad: true }), nb.DTypeError, 'arange:', 'int32');
    throwsWith(() => nb.arange(5, { dtype: 'int8' as DType }), nb.DTypeError, 'int8');
  });
});

describe('linspace, logspace, geomspace', () => {
  test('linspace matches PyTorch float32 values bit for bit', () => {
    // PyTorch 1.13: torch.linspace(0, 1, 5) -> tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    assert.deepEqual(nb.linspace(0, 1, 5).tolist(), [0, 0.25, 0.5, 0.75, 1]);
    // PyTorch 1.13: torch.linspace(-3.3, 7.1, 11).tolist()
    assert.deepEqual(
      nb.linspace(-3.3, 7.1, 11).tolist(),
      [
        -3.299999952316284, -2.259999990463257, -1.2200000286102295, -0.18000006675720215, 0.8599998950958252,
        1.9000000953674316, 2.940000057220459, 3.9800000190734863, 5.019999980926514, 6.059999942779541,
        7.099999904632568,
      ],
    );
    // PyTorch 1.13: torch.linspace(0, 1, 7).tolist()
    assert.deepEqual(
      nb.linspace(0, 1, 7).tolist(),
      [0.0, 0.1666666716337204, 0.3333333432674408, 0.5, 0.6666666269302368, 0.8333333134651184, 1.0],
    );
    // PyTorch 1.13: torch.linspace(0.1, 1e5, 6).tolist()
    assert.deepEqual(
      nb.linspace(0.1, 1e5, 6).tolist(),
      [0.10000000149011612, 20000.080078125, 40000.0625, 60000.0390625, 80000.015625, 100000.0],
    );
    // PyTorch 1.13: torch.linspace(-1, 1, 6, dtype=torch.float64).tolist()
    assert.deepEqual(
      nb.linspace(-1, 1, 6, { dtype: 'float64' }).tolist(),
      [-1.0, -0.6, -0.19999999999999996, 0.19999999999999996, 0.6, 1.0],
    );
  });

  test('linspace edge cases, int32 and errors', () => {
    // PyTorch 1.13: torch.linspace(0,1,1) -> tensor([0.]); torch.linspace(0,1,0) -> tensor([])
    assert.deepEqual(nb.linspace(0, 1, 1).tolist(), [0]);
    assert.deepEqual(nb.linspace(0, 1, 0).shape, [0]);
    // PyTorch 1.13: torch.linspace(0, 10, 4, dtype=torch.int64) -> tensor([ 0,  3,  6, 10])
    assert.deepEqual(nb.linspace(0, 10, 4, { dtype: 'int32' }).tolist(), [0, 3, 6, 10]);
    // PyTorch 1.13: torch.linspace(-1, 1, 7, dtype=torch.int64) -> tensor([-1, 0, 0, 0, 0, 0, 1])
    assert.deepEqual(nb.linspace(-1, 1, 7, { dtype: 'int32' }).tolist(), [-1, 0, 0, 0, 0, 0, 1]);
    // PyTorch 1.13: torch.linspace(2.7, 10, 4, dtype=torch.int64) -> tensor([ 2,  4,  7, 10])
    assert.deepEqual(nb.linspace(2.7, 10, 4, { dtype: 'int32' }).tolist(), [2, 4, 7, 10]);
    // PyTorch 1.13: torch.linspace(0,1,-1) -> "number of steps must be non-negative"
    throwsWith(() => nb.linspace(0, 1, -1), nb.ValueError, 'linspace:', 'number of steps must be non-negative', '-1');
    throwsWith(() => nb.linspace(0, 1, 2.5), nb.ValueError, '2.5');
    throwsWith(() => nb.linspace(NaN, 1, 2), nb.ValueError, 'linspace:', 'start', 'NaN');
    throwsWith(() => nb.linspace(0, 1, 3, { dtype: 'bool' }), nb.DTypeError, 'linspace:');
    assert.equal(nb.linspace(0, 1, 3, { requiresGrad: true }).requiresGrad, true);
  });

  test('logspace', () => {
    // PyTorch 1.13: torch.logspace(0,2,3) -> tensor([  1.,  10., 100.])
    assert.deepEqual(nb.logspace(0, 2, 3).tolist(), [1, 10, 100]);
    // PyTorch 1.13: torch.logspace(0, 1, 4, base=2.).tolist()
    assert.deepEqual(nb.logspace(0, 1, 4, { base: 2 }).tolist(), [1.0, 1.2599210739135742, 1.587401032447815, 2.0]);
    // PyTorch 1.13: torch.logspace(-1.5, 2.3, 5).tolist()
    assert.deepEqual(
      nb.logspace(-1.5, 2.3, 5).tolist(),
      [0.03162277489900589, 0.2818382978439331, 2.5118863582611084, 22.387208938598633, 199.52621459960938],
    );
    // PyTorch 1.13: torch.logspace(0, 2, 3, dtype=torch.int64) -> tensor([  1,  10, 100])
    assert.deepEqual(nb.logspace(0, 2, 3, { dtype: 'int32' }).tolist(), [1, 10, 100]);
    assert.deepEqual(nb.logspace(0, 2, 0).shape, [0]);
    throwsWith(() => nb.logspace(0, 1, -2), nb.ValueError, 'logspace:');
    throwsWith(() => nb.logspace(0, 1, 3, { dtype: 'bool' }), nb.DTypeError, 'logspace:');
  });

  test('geomspace (NumPy semantics; PyTorch 1.13 has none)', () => {
    const f64 = { dtype: 'float64' } as const;
    // NumPy 1.24: np.geomspace(1, 1000, 4).tolist()
    assert.deepEqual(nb.geomspace(1, 1000, 4, f64).tolist(), [1, 10, 100, 1000]);
    // NumPy 1.24: np.geomspace(-1, -1000, 4).tolist()
    assert.deepEqual(nb.geomspace(-1, -1000, 4, f64).tolist(), [-1, -10, -100, -1000]);
    // NumPy 1.24: np.geomspace(0.1, 1000, 5).tolist()
    assert.deepEqual(nb.geomspace(0.1, 1000, 5, f64).tolist(), [0.1, 1, 10, 100, 1000]);
    // NumPy 1.24: np.geomspace(1, 256, 9).tolist() (float64, ends exact, interior within an ulp or two)
    const want256 = [
      1.0, 2.0, 4.0, 7.999999999999999, 16.0, 32.00000000000001, 63.999999999999986, 127.99999999999999, 256.0,
    ];
    const got256 = nb.geomspace(1, 256, 9, f64).tolist() as number[];
    got256.forEach((v, i) => assert.ok(Math.abs(v - want256[i]) <= 4 * Number.EPSILON * want256[i], `${v}`));
    assert.equal(got256[0], 1);
    assert.equal(got256[8], 256);
    // NumPy 1.24: np.geomspace(1, 256, 9).astype(np.float32).tolist() -> exact powers of two
    assert.deepEqual(nb.geomspace(1, 256, 9).tolist(), [1, 2, 4, 8, 16, 32, 64, 128, 256]);
    // NumPy 1.24: np.geomspace(3, 7, 6).tolist()
    const want37 = [3.0, 3.553993357626732, 4.210289595351644, 4.98778041852156, 5.908846158908771, 7.0];
    (nb.geomspace(3, 7, 6, f64).tolist() as number[]).forEach((v, i) =>
      assert.ok(Math.abs(v - want37[i]) <= 4 * Number.EPSILON * want37[i], `${v}`),
    );
    // NumPy 1.24: np.geomspace(-2, -0.5, 5).tolist()
    const wantNeg = [-2.0, -1.4142135623730951, -1.0, -0.7071067811865476, -0.5];
    (nb.geomspace(-2, -0.5, 5, f64).tolist() as number[]).forEach((v, i) =>
      assert.ok(Math.abs(v - wantNeg[i]) <= 4 * Number.EPSILON * Math.abs(wantNeg[i]), `${v}`),
    );
    // NumPy 1.24: np.geomspace(1, 256, 9, dtype=int).tolist() -> [1, 2, 4, 7, 16, 32, 63, 127, 256] (truncation)
    assert.deepEqual(nb.geomspace(1, 256, 9, { dtype: 'int32' }).tolist(), [1, 2, 4, 7, 16, 32, 63, 127, 256]);
    assert.deepEqual(nb.geomspace(2, 2, 3).tolist(), [2, 2, 2]);
    assert.deepEqual(nb.geomspace(1, 10, 1).tolist(), [1]);
    assert.deepEqual(nb.geomspace(1, 10, 0).shape, [0]);
    // NumPy 1.24: np.geomspace(0, 10, 3) -> ValueError "Geometric sequence cannot include zero"
    throwsWith(() => nb.geomspace(0, 10, 3), nb.ValueError, 'geomspace:', 'cannot include zero', 'start=0');
    throwsWith(() => nb.geomspace(1, 0, 3), nb.ValueError, 'end=0');
    throwsWith(() => nb.geomspace(-1, 10, 3), nb.ValueError, 'geomspace:', 'same sign', 'start=-1, end=10');
    throwsWith(() => nb.geomspace(1, 10, 3, { dtype: 'bool' }), nb.DTypeError, 'geomspace:');
  });
});
