// Type promotion of elementwise ops, case by case against PyTorch 1.13. Every expected dtype and
// value below was printed by /usr/bin/python3 with torch 1.13 (PyTorch's int64 is nabla's
// int32; its default float dtype is float32, as nabla's).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import type { DType, Tensor } from '../src/index.js';

const i = () => nb.tensor([1, 2], { dtype: 'int32' });
const f = () => nb.tensor([1, 2], { dtype: 'float32' });
const d = () => nb.tensor([1, 2], { dtype: 'float64' });
const b = () => nb.tensor([true, false]);
const b2 = () => nb.tensor([true, true]);
const f64 = (v: number) => nb.tensor(v, { dtype: 'float64' });
const f32 = (v: number) => nb.tensor(v, { dtype: 'float32' });

// [description, computation, expected dtype, expected values] — the PyTorch expression is in
// the description.
const CASES: [string, () => Tensor, DType, unknown][] = [
  ['int + 2.5 (torch: float32)', () => i().add(2.5), 'float32', [3.5, 4.5]],
  ['int + 2 (torch: int64)', () => i().add(2), 'int32', [3, 4]],
  ['int + true (torch: int64)', () => i().add(true), 'int32', [2, 3]],
  ['int * 0.5 (torch: float32)', () => i().mul(0.5), 'float32', [0.5, 1]],
  ['int + 0-d float64 (torch: float64)', () => i().add(f64(1.5)), 'float64', [2.5, 3.5]],
  ['int + 0-d float32 (torch: float32)', () => i().add(f32(1.5)), 'float32', [2.5, 3.5]],
  ['0-d float32 + int (torch: float32)', () => f32(1.5).add(i()), 'float32', [2.5, 3.5]],
  ['0-d int + float32 (torch: float32)', () => nb.tensor(1, { dtype: 'int32' }).add(f()), 'float32', [2, 3]],
  ['0-d int + 2.5 (torch: float32)', () => nb.tensor(1, { dtype: 'int32' }).add(2.5), 'float32', 3.5],
  ['float32 + float64 (torch: float64)', () => f().add(d()), 'float64', [2, 4]],
  ['float32 + 0-d float64 (torch: float32)', () => f().add(f64(1.5)), 'float32', [2.5, 3.5]],
  ['0-d float64 * float32 (torch: float32)', () => f64(2).mul(f()), 'float32', [2, 4]],
  ['0-d float32 + 0-d float64 (torch: float64)', () => f32(1).add(f64(1)), 'float64', 2],
  ['float32 + 1e300 (torch: float32, inf)', () => nb.tensor([1]).add(1e300), 'float32', [Infinity]],
  ['bool + bool (torch: bool, logical or)', () => b().add(b2()), 'bool', [true, true]],
  ['bool * bool (torch: bool, logical and)', () => b().mul(b2()), 'bool', [true, false]],
  ['bool + true (torch: bool)', () => b().add(true), 'bool', [true, true]],
  ['bool + int (torch: int64)', () => b().add(i()), 'int32', [2, 2]],
  ['bool + 1 (torch: int64)', () => b().add(1), 'int32', [2, 1]],
  ['bool + 1.5 (torch: float32)', () => b().add(1.5), 'float32', [2.5, 1.5]],
  ['0-d int + bool (torch: int64)', () => nb.tensor(3, { dtype: 'int32' }).add(b()), 'int32', [4, 3]],
  ['0-d bool + int (torch: int64)', () => nb.tensor(true).add(i()), 'int32', [2, 3]],
  ['bool / bool (torch: float32)', () => b().div(b2()), 'float32', [1, 0]],
  ['int / int (torch: float32)', () => i().div(i()), 'float32', [1, 1]],
  ['int / 0-d float64 (torch: float64)', () => i().div(f64(2)), 'float64', [0.5, 1]],
  [
    'int floor_divide int (torch: int64)',
    () => i().floorDivide(nb.tensor([2, 2], { dtype: 'int32' })),
    'int32',
    [0, 1],
  ],
  ['int ** 0.5 (torch: float32)', () => i().pow(0.5), 'float32', [1, Math.fround(Math.SQRT2)]],
  ['int ** 2 (torch: int64)', () => i().pow(2), 'int32', [1, 4]],
  ['maximum(int, float32) (torch: float32)', () => nb.maximum(i(), f()), 'float32', [1, 2]],
  [
    'atan2(int, int) (torch: float32)',
    () => nb.atan2(i(), i()),
    'float32',
    [Math.fround(Math.PI / 4), Math.fround(Math.PI / 4)],
  ],
  [
    'sigmoid(int) (torch: float32)',
    () => i().sigmoid(),
    'float32',
    [Math.fround(0.7310585786300049), Math.fround(0.8807970779778823)],
  ],
  ['abs(int) (torch: int64)', () => i().abs(), 'int32', [1, 2]],
  ['where(bool, int, 0-d float64) (torch: float64)', () => nb.where(b(), i(), f64(0.5)), 'float64', [1, 0.5]],
  ['clamp(int, min=0.5) (torch: float32)', () => nb.clamp(i(), 0.5), 'float32', [1, 2]],
  ['clamp(int, 0-d float64) (torch: float64)', () => nb.clamp(i(), f64(1.5)), 'float64', [1.5, 2]],
];

// Comparisons promote first, then compare, and return bool.
const COMPARE: [string, () => Tensor, boolean[]][] = [
  [
    'int < 0.5 compares in float (torch: [True, False])',
    () => nb.tensor([0, 1], { dtype: 'int32' }).lt(0.5),
    [true, false],
  ],
  [
    'float32 0.1 > float64 0.1 compares in float64 (torch: [True])',
    () => nb.tensor([0.1]).gt(nb.tensor([0.1], { dtype: 'float64' })),
    [true],
  ],
  ['float32 0.1 == 0.1 rounds the scalar to float32 (torch: [True])', () => nb.tensor([0.1]).eq(0.1), [true]],
  [
    'float64 0.1 == 0-d float32 0.1 compares in float64 (torch: [False])',
    () => nb.tensor([0.1], { dtype: 'float64' }).eq(f32(0.1)),
    [false],
  ],
  ['int == 0-d float64 (torch: [False, True])', () => nb.tensor([0, 1], { dtype: 'int32' }).eq(f64(1)), [false, true]],
  [
    'int32 max != int32 max - 1 (no rounding through float32)',
    () => nb.tensor([2147483647], { dtype: 'int32' }).ne(2147483646),
    [true],
  ],
];

describe('type promotion matches PyTorch 1.13', () => {
  for (const [what, fn, dtype, values] of CASES) {
    test(what, () => {
      const y = fn();
      assert.equal(y.dtype, dtype);
      // The values confirm the computation dtype; float32 transcendentals may differ from
      // PyTorch's in the last bits (the wasm kernels state their ulp bounds), so those compare
      // to a few float32 ulps and everything else exactly.
      const got = y.tolist() as unknown;
      if (dtype === 'float32' && Array.isArray(got) && Array.isArray(values)) {
        assert.equal(got.length, values.length);
        got.forEach((v, i) => {
          const want = (values as number[])[i];
          const ok = v === want || Math.abs((v as number) - want) <= 2 ** -21 * Math.abs(want);
          assert.ok(ok, `[${i}]: ${String(v)} vs ${want}`);
        });
      } else assert.deepEqual(got, values);
    });
  }
  for (const [what, fn, values] of COMPARE) {
    test(what, () => {
      const y = fn();
      assert.equal(y.dtype, 'bool');
      assert.deepEqual(y.tolist(), values);
    });
  }
  test('resultType agrees with the ops (a sample of the table)', () => {
    // PyTorch 1.13: torch.result_type(torch.tensor([1]), 2.5) is float32, with a 0-d float64
    // tensor float64, and of float32 and float64 tensors float64.
    assert.equal(nb.resultType(i(), 2.5), 'float32');
    assert.equal(nb.resultType(i(), f64(1)), 'float64');
    assert.equal(nb.resultType(f(), d()), 'float64');
    assert.equal(nb.resultType(b(), b2()), 'bool');
  });
});
