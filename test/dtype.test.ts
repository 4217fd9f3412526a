// Type promotion and machine limits against PyTorch 1.13. PyTorch's int64 (its default integer
// type) stands for nabla's int32 throughout.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import type { DType } from '../src/index.js';

// ['t', dtype] is a 1-D tensor, ['z', dtype] a 0-d tensor, and a bare value a JS scalar.
type Operand = ['t' | 'z', DType] | number | boolean;

function make(o: Operand): nb.Tensor | number | boolean {
  if (!Array.isArray(o)) return o;
  return nb.zeros(o[0] === 't' ? [2] : [], { dtype: o[1] });
}

function show(o: Operand): string {
  return Array.isArray(o) ? `${o[0] === 't' ? '1-D' : '0-d'} ${o[1]}` : String(o);
}

// PyTorch 1.13: torch.result_type(a, b) for every pair of operands that includes a tensor.
const pairs: [Operand, Operand, DType][] = [
  [['t', 'bool'], ['t', 'bool'], 'bool'],
  [['t', 'bool'], ['t', 'int32'], 'int32'],
  [['t', 'bool'], ['t', 'float32'], 'float32'],
  [['t', 'bool'], ['t', 'float64'], 'float64'],
  [['t', 'bool'], ['z', 'bool'], 'bool'],
  [['t', 'bool'], ['z', 'int32'], 'int32'],
  [['t', 'bool'], ['z', 'float32'], 'float32'],
  [['t', 'bool'], ['z', 'float64'], 'float64'],
  [['t', 'bool'], true, 'bool'],
  [['t', 'bool'], 2, 'int32'],
  [['t', 'bool'], 2.5, 'float32'],
  [['t', 'int32'], ['t', 'bool'], 'int32'],
  [['t', 'int32'], ['t', 'int32'], 'int32'],
  [['t', 'int32'], ['t', 'float32'], 'float32'],
  [['t', 'int32'], ['t', 'float64'], 'float64'],
  [['t', 'int32'], ['z', 'bool'], 'int32'],
  [['t', 'int32'], ['z', 'int32'], 'int32'],
  [['t', 'int32'], ['z', 'float32'], 'float32'],
  [['t', 'int32'], ['z', 'float64'], 'float64'],
  [['t', 'int32'], true, 'int32'],
  [['t', 'int32'], 2, 'int32'],
  [['t', 'int32'], 2.5, 'float32'],
  [['t', 'float32'], ['t', 'bool'], 'float32'],
  [['t', 'float32'], ['t', 'int32'], 'float32'],
  [['t', 'float32'], ['t', 'float32'], 'float32'],
  [['t', 'float32'], ['t', 'float64'], 'float64'],
  [['t', 'float32'], ['z', 'bool'], 'float32'],
  [['t', 'float32'], ['z', 'int32'], 'float32'],
  [['t', 'float32'], ['z', 'float32'], 'float32'],
  [['t', 'float32'], ['z', 'float64'], 'float32'],
  [['t', 'float32'], true, 'float32'],
  [['t', 'float32'], 2, 'float32'],
  [['t', 'float32'], 2.5, 'float32'],
  [['t', 'float64'], ['t', 'bool'], 'float64'],
  [['t', 'float64'], ['t', 'int32'], 'float64'],
  [['t', 'float64'], ['t', 'float32'], 'float64'],
  [['t', 'float64'], ['t', 'float64'], 'float64'],
  [['t', 'float64'], ['z', 'bool'], 'float64'],
  [['t', 'float64'], ['z', 'int32'], 'float64'],
  [['t', 'float64'], ['z', 'float32'], 'float64'],
  [['t', 'float64'], ['z', 'float64'], 'float64'],
  [['t', 'float64'], true, 'float64'],
  [['t', 'float64'], 2, 'float64'],
  [['t', 'float64'], 2.5, 'float64'],
  [['z', 'bool'], ['t', 'bool'], 'bool'],
  [['z', 'bool'], ['t', 'int32'], 'int32'],
  [['z', 'bool'], ['t', 'float32'], 'float32'],
  [['z', 'bool'], ['t', 'float64'], 'float64'],
  [['z', 'bool'], ['z', 'bool'], 'bool'],
  [['z', 'bool'], ['z', 'int32'], 'int32'],
  [['z', 'bool'], ['z', 'float32'], 'float32'],
  [['z', 'bool'], ['z', 'float64'], 'float64'],
  [['z', 'bool'], true, 'bool'],
  [['z', 'bool'], 2, 'int32'],
  [['z', 'bool'], 2.5, 'float32'],
  [['z', 'int32'], ['t', 'bool'], 'int32'],
  [['z', 'int32'], ['t', 'int32'], 'int32'],
  [['z', 'int32'], ['t', 'float32'], 'float32'],
  [['z', 'int32'], ['t', 'float64'], 'float64'],
  [['z', 'int32'], ['z', 'bool'], 'int32'],
  [['z', 'int32'], ['z', 'int32'], 'int32'],
  [['z', 'int32'], ['z', 'float32'], 'float32'],
  [['z', 'int32'], ['z', 'float64'], 'float64'],
  [['z', 'int32'], true, 'int32'],
  [['z', 'int32'], 2, 'int32'],
  [['z', 'int32'], 2.5, 'float32'],
  [['z', 'float32'], ['t', 'bool'], 'float32'],
  [['z', 'float32'], ['t', 'int32'], 'float32'],
  [['z', 'float32'], ['t', 'float32'], 'float32'],
  [['z', 'float32'], ['t', 'float64'], 'float64'],
  [['z', 'float32'], ['z', 'bool'], 'float32'],
  [['z', 'float32'], ['z', 'int32'], 'float32'],
  [['z', 'float32'], ['z', 'float32'], 'float32'],
  [['z', 'float32'], ['z', 'float64'], 'float64'],
  [['z', 'float32'], true, 'float32'],
  [['z', 'float32'], 2, 'float32'],
  [['z', 'float32'], 2.5, 'float32'],
  [['z', 'float64'], ['t', 'bool'], 'float64'],
  [['z', 'float64'], ['t', 'int32'], 'float64'],
  [['z', 'float64'], ['t', 'float32'], 'float32'],
  [['z', 'float64'], ['t', 'float64'], 'float64'],
  [['z', 'float64'], ['z', 'bool'], 'float64'],
  [['z', 'float64'], ['z', 'int32'], 'float64'],
  [['z', 'float64'], ['z', 'float32'], 'float64'],
  [['z', 'float64'], ['z', 'float64'], 'float64'],
  [['z', 'float64'], true, 'float64'],
  [['z', 'float64'], 2, 'float64'],
  [['z', 'float64'], 2.5, 'float64'],
  [true, ['t', 'bool'], 'bool'],
  [true, ['t', 'int32'], 'int32'],
  [true, ['t', 'float32'], 'float32'],
  [true, ['t', 'float64'], 'float64'],
  [true, ['z', 'bool'], 'bool'],
  [true, ['z', 'int32'], 'int32'],
  [true, ['z', 'float32'], 'float32'],
  [true, ['z', 'float64'], 'float64'],
  [2, ['t', 'bool'], 'int32'],
  [2, ['t', 'int32'], 'int32'],
  [2, ['t', 'float32'], 'float32'],
  [2, ['t', 'float64'], 'float64'],
  [2, ['z', 'bool'], 'int32'],
  [2, ['z', 'int32'], 'int32'],
  [2, ['z', 'float32'], 'float32'],
  [2, ['z', 'float64'], 'float64'],
  [2.5, ['t', 'bool'], 'float32'],
  [2.5, ['t', 'int32'], 'float32'],
  [2.5, ['t', 'float32'], 'float32'],
  [2.5, ['t', 'float64'], 'float64'],
  [2.5, ['z', 'bool'], 'float32'],
  [2.5, ['z', 'int32'], 'float32'],
  [2.5, ['z', 'float32'], 'float32'],
  [2.5, ['z', 'float64'], 'float64'],
];

// PyTorch 1.13: (a * 0 + b * 0 + c * 0).dtype, which equals the three-way result type here.
const triples: [Operand, Operand, Operand, DType][] = [
  [['t', 'bool'], ['z', 'float64'], 2, 'float64'],
  [['t', 'int32'], ['z', 'bool'], 2.5, 'float32'],
  [['t', 'bool'], ['z', 'bool'], 2, 'int32'],
  [['t', 'float32'], ['z', 'float64'], 2.5, 'float32'],
  [['t', 'int32'], ['z', 'int32'], 2.5, 'float32'],
  [['t', 'bool'], ['z', 'int32'], 2.5, 'float32'],
];

describe('resultType follows torch.result_type', () => {
  for (const [a, b, want] of pairs) {
    test(`${show(a)} with ${show(b)} -> ${want}`, () => {
      assert.equal(nb.resultType(make(a), make(b)), want);
    });
  }
  for (const [a, b, c, want] of triples) {
    test(`${show(a)} with ${show(b)} and ${show(c)} -> ${want}`, () => {
      assert.equal(nb.resultType(make(a), make(b), make(c)), want);
    });
  }
  test('ops use it: int32 tensor + fractional scalar gives float32, + 0-d float64 gives float64', () => {
    const i = nb.tensor([1, 2], { dtype: 'int32' });
    assert.equal(i.add(0.5).dtype, 'float32');
    assert.equal(i.add(nb.tensor(1, { dtype: 'float64' })).dtype, 'float64');
    assert.equal(nb.tensor([1, 2]).add(nb.tensor(1, { dtype: 'float64' })).dtype, 'float32');
  });
  test('scalars alone give their default dtype', () => {
    assert.equal(nb.resultType(2), 'int32');
    assert.equal(nb.resultType(2.5, true), 'float32');
    assert.equal(nb.resultType(true), 'bool');
  });
});

describe('promoteTypes', () => {
  // PyTorch 1.13: torch.promote_types(a, b) (int64 for int32).
  const cases: [DType, DType, DType][] = [
    ['bool', 'int32', 'int32'],
    ['int32', 'float32', 'float32'],
    ['float32', 'float64', 'float64'],
    ['bool', 'bool', 'bool'],
    ['float64', 'int32', 'float64'],
  ];
  for (const [a, b, want] of cases) test(`${a} + ${b} -> ${want}`, () => assert.equal(nb.promoteTypes(a, b), want));
});

describe('finfo and iinfo', () => {
  test('float32 limits (PyTorch 1.13: torch.finfo(torch.float32))', () => {
    const f = nb.finfo('float32');
    assert.equal(f.eps, 1.1920928955078125e-7);
    assert.equal(f.max, 3.4028234663852886e38);
    assert.equal(f.min, -3.4028234663852886e38);
    assert.equal(f.tiny, 1.1754943508222875e-38);
    assert.equal(f.smallestNormal, f.tiny);
    assert.equal(f.resolution, 1e-6);
    assert.equal(f.bits, 32);
    // the limits are float32 values: rounding does not move them
    assert.equal(Math.fround(f.max), f.max);
    assert.equal(Math.fround(1 + f.eps), 1 + f.eps);
    assert.equal(Math.fround(1 + f.eps / 2), 1);
  });
  test('float64 limits (PyTorch 1.13: torch.finfo(torch.float64))', () => {
    const f = nb.finfo('float64');
    assert.equal(f.eps, 2.220446049250313e-16);
    assert.equal(f.max, 1.7976931348623157e308);
    assert.equal(f.tiny, 2.2250738585072014e-308);
    assert.equal(f.resolution, 1e-15);
    assert.equal(nb.finfo().dtype, 'float32');
  });
  test('int32 limits (PyTorch 1.13: torch.iinfo(torch.int32))', () => {
    assert.deepEqual(nb.iinfo('int32'), { dtype: 'int32', bits: 32, max: 2147483647, min: -2147483648 });
  });
  test('wrong kinds are refused with DTypeError, as in PyTorch', () => {
    // PyTorch 1.13: torch.finfo(torch.int32) and torch.iinfo(torch.float32) raise TypeError;
    // torch.iinfo(torch.bool) raises "torch.bool is not supported by torch.iinfo".
    assert.throws(
      () => nb.finfo('int32'),
      (e: unknown) => e instanceof nb.DTypeError && /^finfo: .*int32/.test(e.message),
    );
    assert.throws(
      () => nb.iinfo('float32'),
      (e: unknown) => e instanceof nb.DTypeError && /^iinfo: .*float32/.test(e.message),
    );
    assert.throws(() => nb.iinfo('bool'), nb.DTypeError);
    assert.throws(
      () => nb.finfo('float16' as DType),
      (e: unknown) => e instanceof nb.DTypeError && /float16/.test(e.message),
    );
  });
});
