// Indexing ops: values, gradients, and the errors for bad indices (dtype, range, shape).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';

const i32 = (v: number | number[] | number[][]) => nb.tensor(v, { dtype: 'int32' });
/** [[0, 1, 2], [3, 4, 5]] as float32 (`torch.arange(6.).reshape(2, 3)`). */
const grid = () =>
  nb.tensor([
    [0, 1, 2],
    [3, 4, 5],
  ]);

describe('index dtype and range errors', () => {
  test('float indices are a DTypeError naming the op', () => {
    const f = nb.tensor([[0]]);
    assert.throws(() => grid().gather(1, f), { name: 'DTypeError', message: /^gather: .*int32.*float32/ });
    assert.throws(() => grid().scatter(1, f, 1), { name: 'DTypeError', message: /^scatter: / });
    assert.throws(() => grid().indexSelect(0, nb.tensor([0])), { name: 'DTypeError', message: /^indexSelect: / });
    assert.throws(() => grid().take(nb.tensor([0])), { name: 'DTypeError', message: /^take: / });
    assert.throws(() => nb.oneHot(nb.tensor([0])), { name: 'DTypeError', message: /^oneHot: / });
  });
  test("out-of-range indices give PyTorch's message with the index and the size", () => {
    assert.throws(() => grid().gather(1, i32([[3]])), {
      name: 'IndexError',
      message: 'gather: index 3 is out of bounds for dimension 1 with size 3',
    });
    assert.throws(() => grid().gather(0, i32([[-1]])), {
      name: 'IndexError',
      message: 'gather: index -1 is out of bounds for dimension 0 with size 2',
    });
    assert.throws(() => grid().scatter(0, i32([[5]]), 1), {
      name: 'IndexError',
      message: 'scatter: index 5 is out of bounds for dimension 0 with size 2',
    });
    assert.throws(() => grid().scatterAdd(1, i32([[0, -1]]), nb.ones([1, 2])), {
      name: 'IndexError',
      message: 'scatterAdd: index -1 is out of bounds for dimension 1 with size 3',
    });
    // torch.index_select refuses negative indices too (1.13).
    assert.throws(() => grid().indexSelect(1, i32([-1])), {
      name: 'IndexError',
      message: 'indexSelect: index -1 is out of bounds for dimension 1 with size 3',
    });
    assert.throws(() => nb.zeros([3]).indexAdd(0, i32([0, 5]), nb.ones([2])), {
      name: 'IndexError',
      message: 'indexAdd: index 5 is out of bounds for dimension 0 with size 3',
    });
    // PyTorch 1.13: torch.take(x, torch.tensor([6])) on 6 elements.
    assert.throws(() => grid().take(i32([6])), {
      name: 'IndexError',
      message: 'take: out of range: tried to access index 6 on a tensor of 6 elements.',
    });
    assert.throws(() => grid().take(i32([-7])), { name: 'IndexError', message: /index -7 on a tensor of 6 elements/ });
  });
  test('shape errors', () => {
    assert.throws(() => grid().gather(1, i32([0])), {
      name: 'ShapeError',
      message: /gather: .*same number of dimensions/,
    });
    assert.throws(() => grid().gather(0, i32([[0, 0, 0, 0]])), {
      name: 'ShapeError',
      message:
        /gather: size does not match at dimension 1: expected index \[1, 4\] to be smaller than self \[2, 3\] apart from dimension 0/,
    });
    assert.throws(() => grid().scatter(1, i32([[0, 1]]), nb.ones([1, 1])), {
      name: 'ShapeError',
      message:
        /scatter: expected index \[1, 2\] to be smaller than self \[2, 3\] apart from dimension 1 and to be smaller size than src \[1, 1\]/,
    });
    assert.throws(() => grid().scatter(1, i32([[0]]), nb.ones([1, 1], { dtype: 'float64' })), {
      name: 'DTypeError',
      message: /scatter: expected self.dtype to be equal to src.dtype, got float32 and float64/,
    });
    assert.throws(() => grid().indexSelect(1, i32([[1]])), { name: 'IndexError', message: /indexSelect: .*vector/ });
    assert.throws(() => grid().indexAdd(1, i32([0, 1]), nb.ones([2, 3])), {
      name: 'ShapeError',
      message: /indexAdd: number of indices \(2\) should be equal to source.size\(dim\): \(3\), for dim: 1/,
    });
    assert.throws(() => grid().maskedSelect(nb.tensor([1, 0, 1])), {
      name: 'DTypeError',
      message: /maskedSelect: expected BoolTensor for mask, got float32/,
    });
  });
});

describe('values', () => {
  // Expected values from PyTorch 1.13 on x = torch.arange(6.).reshape(2, 3).
  test('gather, scatter, scatterAdd', () => {
    assert.deepEqual(
      grid()
        .gather(
          1,
          i32([
            [2, 0],
            [1, 1],
          ]),
        )
        .tolist(),
      [
        [2, 0],
        [4, 4],
      ],
    );
    assert.deepEqual(
      grid()
        .scatter(1, i32([[0, 1]]), 7)
        .tolist(),
      [
        [7, 7, 2],
        [3, 4, 5],
      ],
    );
    assert.deepEqual(
      nb
        .zeros([3])
        .scatterAdd(0, i32([0, 0, 2]), nb.ones([3]))
        .tolist(),
      [2, 0, 1],
    );
  });
  test('indexSelect, indexAdd, take', () => {
    assert.deepEqual(
      grid()
        .indexSelect(1, i32([2, 0, 2]))
        .tolist(),
      [
        [2, 0, 2],
        [5, 3, 5],
      ],
    );
    assert.deepEqual(
      nb
        .zeros([3, 2])
        .indexAdd(0, i32([0, 2, 0]), nb.ones([3, 2]), { alpha: 2 })
        .tolist(),
      [
        [4, 4],
        [0, 0],
        [2, 2],
      ],
    );
    assert.deepEqual(
      grid()
        .take(i32([-1, 0]))
        .tolist(),
      [5, 0],
    );
  });
  test('maskedSelect, nonzero, argwhere', () => {
    assert.deepEqual(
      grid()
        .maskedSelect(nb.tensor([true, false, true]))
        .tolist(),
      [0, 2, 3, 5],
    );
    const nz = nb.nonzero(
      nb.tensor([
        [0, 1],
        [1, 0],
      ]),
    );
    assert.equal(nz.dtype, 'int32');
    assert.deepEqual(nz.tolist(), [
      [0, 1],
      [1, 0],
    ]);
    assert.deepEqual(nb.nonzero(nb.tensor(3)).shape, [1, 0]); // PyTorch: torch.nonzero(torch.tensor(3.)).shape
    assert.deepEqual(nb.argwhere(nb.tensor(0)).shape, [0, 0]);
  });
  test('oneHot', () => {
    const y = nb.oneHot(i32([0, 2]));
    assert.equal(y.dtype, 'int32');
    assert.deepEqual(y.tolist(), [
      [1, 0, 0],
      [0, 0, 1],
    ]);
    assert.deepEqual(nb.oneHot(i32([]), 3).shape, [0, 3]);
    assert.throws(() => nb.oneHot(i32([0, 2]), 2), {
      name: 'IndexError',
      message: /oneHot: class values must be smaller than num_classes, got 2/,
    });
    assert.throws(() => nb.oneHot(i32([0, -1]), 3), {
      name: 'IndexError',
      message: /oneHot: class values must be non-negative, got -1/,
    });
    assert.throws(() => nb.oneHot(i32([])), {
      name: 'ValueError',
      message: /oneHot: can not infer total number of classes/,
    });
  });
});

describe('gradients of indexing ops', () => {
  test('gather accumulates repeated indices; indexSelect and take too', () => {
    const x = nb.tensor([1, 2, 3], { requiresGrad: true });
    x.gather(0, i32([2, 2, 0]))
      .sum()
      .backward();
    assert.deepEqual(x.grad!.tolist(), [1, 0, 2]);
    const y = nb.tensor([1, 2, 3], { requiresGrad: true });
    y.indexSelect(0, i32([1, 1]))
      .sum()
      .add(y.take(i32([-1])).sum())
      .backward();
    assert.deepEqual(y.grad!.tolist(), [0, 2, 1]);
  });
  test('scatter: the overwritten positions of x get no gradient; src gets dy gathered', () => {
    const x = nb.zeros([3], { requiresGrad: true });
    const src = nb.zeros([2], { requiresGrad: true });
    x.scatter(0, i32([2, 0]), src)
      .mul(nb.tensor([10, 20, 30]))
      .sum()
      .backward();
    assert.deepEqual(x.grad!.tolist(), [0, 20, 0]);
    assert.deepEqual(src.grad!.tolist(), [30, 10]);
  });
  test('maskedSelect of a broadcast input sums the gradient', () => {
    const x = nb.tensor([1, 2], { requiresGrad: true });
    nb.maskedSelect(
      x,
      nb.tensor([
        [true, true],
        [false, true],
      ]),
    )
      .sum()
      .backward();
    assert.deepEqual(x.grad!.tolist(), [1, 2]);
  });
});

describe('pad', () => {
  const x = () => grid().unsqueeze(0); // [1, 2, 3]
  test('modes match PyTorch', () => {
    // PyTorch 1.13: F.pad(torch.arange(6.).reshape(1, 2, 3), ..., mode=...)
    assert.deepEqual(nb.pad(x(), [2, 2], { mode: 'reflect' }).tolist(), [
      [
        [2, 1, 0, 1, 2, 1, 0],
        [5, 4, 3, 4, 5, 4, 3],
      ],
    ]);
    assert.deepEqual(nb.pad(x(), [1, 2], { mode: 'replicate' }).tolist(), [
      [
        [0, 0, 1, 2, 2, 2],
        [3, 3, 4, 5, 5, 5],
      ],
    ]);
    assert.deepEqual(nb.pad(x(), [1, 2], { mode: 'circular' }).tolist(), [
      [
        [2, 0, 1, 2, 0, 1],
        [5, 3, 4, 5, 3, 4],
      ],
    ]);
    assert.deepEqual(nb.pad(x(), [-1, 2], { mode: 'circular' }).tolist(), [
      [
        [1, 2, 1, 2],
        [4, 5, 4, 5],
      ],
    ]);
    assert.deepEqual(nb.pad(x(), [-1, 2], { mode: 'reflect' }).tolist(), [
      [
        [1, 2, 1, 0],
        [4, 5, 4, 3],
      ],
    ]);
    assert.deepEqual(nb.pad(x(), [-1, 2], { value: 9 }).tolist(), [
      [
        [1, 2, 9, 9],
        [4, 5, 9, 9],
      ],
    ]);
    assert.deepEqual(nb.pad(x(), [1, 1, 1, 1], { mode: 'reflect' }).tolist(), [
      [
        [4, 3, 4, 5, 4],
        [1, 0, 1, 2, 1],
        [4, 3, 4, 5, 4],
        [1, 0, 1, 2, 1],
      ],
    ]);
  });
  test('the result is a new tensor even with zero padding', () => {
    const t = x();
    assert.notEqual(nb.pad(t, [0, 0]).storage, t.storage);
  });
  test('errors use PyTorch wording', () => {
    assert.throws(() => nb.pad(x(), [1]), {
      name: 'ValueError',
      message: /pad: padding length must be divisible by 2/,
    });
    assert.throws(() => nb.pad(x(), [1, 1, 1, 1, 1, 1, 1, 1]), {
      name: 'ValueError',
      message: /pad: padding length too large/,
    });
    assert.throws(() => nb.pad(x(), [3, 0], { mode: 'reflect' }), {
      name: 'ValueError',
      message:
        'pad: padding size should be less than the corresponding input dimension, but got: padding (3, 0) at dimension 2 of input [1, 2, 3]',
    });
    assert.throws(() => nb.pad(x(), [4, 0], { mode: 'circular' }), {
      name: 'ValueError',
      message: /wrapping around more than once/,
    });
    assert.throws(() => nb.pad(x(), [1, 1], { mode: 'reflect', value: 3 }), {
      name: 'ValueError',
      message: /padding mode "reflect" doesn't take in value argument/,
    });
    assert.throws(() => nb.pad(x(), [-2, -2]), { name: 'ShapeError', message: /negative output size.*dimension 2/ });
    assert.throws(() => nb.pad(nb.zeros([1, 0]), [1, 1], { mode: 'replicate' }), {
      name: 'ValueError',
      message: /non-empty/,
    });
    // @ts-expect-error an unknown mode
    assert.throws(() => nb.pad(x(), [1, 1], { mode: 'foo' }), { name: 'UnsupportedOpError', message: /got foo/ });
  });
});
