// Views, copies and error messages of the shape ops (reshape, view, permute, cat, split, ...).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import type { Tensor } from '../src/index.js';

/** [[0, 1, 2], [3, 4, 5]] as float32 (`arange(6).reshape(2, 3)` in PyTorch). */
const grid = () =>
  nb.tensor([
    [0, 1, 2],
    [3, 4, 5],
  ]);

/** Writes `value` through the view with `copy_` and returns the base's values afterwards. */
function writeThrough(base: Tensor, view: (x: Tensor) => Tensor, value = 9): unknown {
  nb.noGrad(() => view(base).copy_(nb.tensor(value)));
  return base.tolist();
}

describe('views share storage with their base', () => {
  const cases: [string, (x: Tensor) => Tensor, unknown][] = [
    // Expected values: the same write in PyTorch 1.13 (x = torch.arange(6.).reshape(2, 3)).
    [
      'view',
      (x) => x.view([3, 2]).select(0, 0),
      [
        [9, 9, 2],
        [3, 4, 5],
      ],
    ],
    [
      'reshape of contiguous',
      (x) => x.reshape([-1]).narrow(0, 4, 2),
      [
        [0, 1, 2],
        [3, 9, 9],
      ],
    ],
    [
      'transpose',
      (x) => x.t().select(0, 1),
      [
        [0, 9, 2],
        [3, 9, 5],
      ],
    ],
    [
      'permute',
      (x) => x.permute([1, 0]).narrow(0, 2, 1),
      [
        [0, 1, 9],
        [3, 4, 9],
      ],
    ],
    [
      'slice with step',
      (x) => x.slice(1, 0, null, 2),
      [
        [9, 1, 9],
        [9, 4, 9],
      ],
    ],
    [
      'negative slice',
      (x) => x.slice(1, -1),
      [
        [0, 1, 9],
        [3, 4, 9],
      ],
    ],
    [
      'select',
      (x) => x.select(0, -1),
      [
        [0, 1, 2],
        [9, 9, 9],
      ],
    ],
    [
      'unsqueeze/squeeze',
      (x) => x.unsqueeze(0).squeeze(0).select(1, 0),
      [
        [9, 1, 2],
        [9, 4, 5],
      ],
    ],
    [
      'flatten',
      (x) => x.flatten().narrow(0, 0, 1),
      [
        [9, 1, 2],
        [3, 4, 5],
      ],
    ],
    [
      'split piece',
      (x) => nb.split(x, 2, 1)[1],
      [
        [0, 1, 9],
        [3, 4, 9],
      ],
    ],
    [
      'chunk piece',
      (x) => x.chunk(2, 0)[1],
      [
        [0, 1, 2],
        [9, 9, 9],
      ],
    ],
    [
      'unbind piece',
      (x) => nb.unbind(x, 1)[1],
      [
        [0, 9, 2],
        [3, 9, 5],
      ],
    ],
    [
      'movedim',
      (x) => x.movedim(0, 1).select(0, 2),
      [
        [0, 1, 9],
        [3, 4, 9],
      ],
    ],
    [
      'diagonal',
      (x) => x.diagonal(1),
      [
        [0, 9, 2],
        [3, 4, 9],
      ],
    ],
  ];
  for (const [name, view, expected] of cases) {
    test(name, () => {
      const x = grid();
      assert.equal(view(x).storage, x.storage);
      assert.deepEqual(writeThrough(x, view), expected);
    });
  }

  test('expand is a stride-0 view', () => {
    const x = nb.tensor([[1], [2]]);
    const e = x.expand([2, 3]);
    assert.equal(e.storage, x.storage);
    assert.deepEqual(e.strides, [1, 0]);
    nb.noGrad(() => x.fill_(7));
    assert.deepEqual(e.tolist(), [
      [7, 7, 7],
      [7, 7, 7],
    ]);
  });
});

describe('reshape copies only when the strides require it', () => {
  test('contiguous input: a view', () => {
    const x = grid();
    assert.equal(x.reshape([3, 2]).storage, x.storage);
    assert.equal(x.reshape([6]).storage, x.storage);
  });
  test('transposed input merged into one dim: a copy with the right order', () => {
    const x = grid().t();
    const r = x.reshape([6]);
    assert.notEqual(r.storage, x.storage);
    assert.deepEqual(r.tolist(), [0, 3, 1, 4, 2, 5]); // PyTorch: x.t().reshape(6)
  });
  test('transposed input with a dim split: still a view', () => {
    const x = nb.zeros([4, 2]).t(); // shape [2, 4], strides [1, 2]
    const r = x.reshape([2, 2, 2]);
    assert.equal(r.storage, x.storage);
    assert.deepEqual(r.strides, [1, 4, 2]);
  });
  test('expanded input: splitting a broadcast dim stays a view, merging it copies', () => {
    const e = nb.ones([3, 1]).expand([3, 4]);
    assert.equal(e.reshape([3, 2, 2]).storage, e.storage);
    assert.notEqual(e.reshape([12]).storage, e.storage);
  });
  test('sliced input: a copy, values in row-major order', () => {
    const x = grid().slice(1, 0, null, 2); // [[0, 2], [3, 5]]
    const r = x.reshape([4]);
    assert.notEqual(r.storage, x.storage);
    assert.deepEqual(r.tolist(), [0, 2, 3, 5]);
  });
  test('copies never keep negative strides (flip)', () => {
    const f = grid().flip([0, 1]);
    assert.ok(f.strides.every((s) => s > 0));
    assert.ok(f.isContiguous());
    assert.deepEqual(f.tolist(), [
      [5, 4, 3],
      [2, 1, 0],
    ]);
  });
  test('roll, repeat and clone return new storage even when nothing moves', () => {
    const x = grid();
    assert.notEqual(x.roll(0).storage, x.storage);
    assert.notEqual(x.roll(3, 1).storage, x.storage);
    assert.notEqual(x.repeat([1, 1]).storage, x.storage);
    assert.notEqual(x.clone().storage, x.storage);
  });
});

describe('split, chunk and unbind sizes follow PyTorch', () => {
  const sizes = (ts: Tensor[]) => ts.map((t) => t.shape[0]);
  test('split by size and by sections', () => {
    const x = nb.zeros([5]);
    assert.deepEqual(sizes(nb.split(x, 2)), [2, 2, 1]); // PyTorch: torch.split(torch.arange(5), 2)
    assert.deepEqual(sizes(nb.split(x, [1, 4])), [1, 4]);
    assert.deepEqual(sizes(nb.split(nb.zeros([0]), 2)), [0]); // PyTorch: one empty piece
  });
  test('chunk', () => {
    // PyTorch 1.13: torch.chunk(torch.arange(6), 4) gives 3 chunks of 2; arange(5), 3 gives 2, 2, 1.
    assert.deepEqual(sizes(nb.chunk(nb.zeros([6]), 4)), [2, 2, 2]);
    assert.deepEqual(sizes(nb.chunk(nb.zeros([5]), 3)), [2, 2, 1]);
    assert.deepEqual(sizes(nb.chunk(nb.zeros([0]), 3)), [0, 0, 0]);
  });
  test('unbind', () => {
    const parts = nb.unbind(grid(), 1);
    assert.equal(parts.length, 3);
    assert.deepEqual(parts[2].tolist(), [2, 5]);
  });
  test('errors use PyTorch wording', () => {
    assert.throws(() => nb.split(nb.zeros([5]), [2, 2]), {
      name: 'ValueError',
      message: /split_sizes to sum exactly to 5 .*split_sizes=\[2, 2\]/,
    });
    assert.throws(() => nb.split(nb.zeros([5]), 0), { name: 'ValueError', message: /split: .*dimension size of 5/ });
    assert.throws(() => nb.chunk(nb.zeros([5]), 0), { name: 'ValueError', message: /chunk: .*got: 0/ });
  });
});

describe('shape errors name the op and the offending values', () => {
  test('view on incompatible strides says to use reshape', () => {
    const x = grid().t();
    assert.throws(
      () => x.view([6]),
      (e: Error) => {
        assert.ok(e instanceof nb.ShapeError);
        assert.match(e.message, /^view: /);
        assert.match(e.message, /reshape\(\)/);
        assert.match(e.message, /\[6\]/);
        assert.match(e.message, /\[3, 2\]/);
        return true;
      },
    );
  });
  test('view and reshape to a wrong element count', () => {
    assert.throws(() => grid().view([4, -1]), {
      name: 'ShapeError',
      message: /view: shape \[4, -1\] is invalid for input of size 6/,
    });
    assert.throws(() => grid().reshape([5]), { name: 'ShapeError', message: /reshape: .*\[5\].*size 6/ });
  });
  test('bad permutations', () => {
    assert.throws(() => grid().permute([0]), {
      name: 'ShapeError',
      message: /permute: expected 2 dims .*\[2, 3\].*got \[0\]/,
    });
    assert.throws(() => grid().permute([0, 0]), { name: 'IndexError', message: /permute: .*duplicate.*\[0, 0\]/ });
    assert.throws(() => grid().permute([0, 2]), { name: 'IndexError', message: /permute: .*got 2/ });
  });
  test('cat of mismatched shapes names the shapes', () => {
    assert.throws(
      () => nb.cat([nb.zeros([2, 3]), nb.zeros([3, 3])], 1),
      (e: Error) => {
        assert.ok(e instanceof nb.ShapeError);
        assert.match(
          e.message,
          /^cat: expected sizes of tensors to match except in dimension 1, got \[2, 3\] and \[3, 3\]/,
        );
        return true;
      },
    );
    assert.throws(() => nb.cat([nb.zeros([2, 3]), nb.zeros([3])], 0), {
      name: 'ShapeError',
      message: /cat: expected tensors with the same number of dimensions, got \[2, 3\] and \[3\]/,
    });
    assert.throws(() => nb.cat([nb.zeros([])]), { name: 'ShapeError', message: /zero-dimensional/ });
    assert.throws(() => nb.stack([nb.zeros([2]), nb.zeros([3])]), {
      name: 'ShapeError',
      message: /stack: .*\[2\] and \[3\]/,
    });
  });
  test('cat skips 1-D empty tensors and promotes dtypes', () => {
    const y = nb.cat([nb.zeros([0]), nb.ones([2, 2], { dtype: 'int32' }), nb.ones([1, 2], { dtype: 'float64' })]);
    assert.deepEqual(y.shape, [3, 2]);
    assert.equal(y.dtype, 'float64');
  });
  test('expand, repeat, flip, roll and movedim errors', () => {
    assert.throws(() => nb.zeros([2, 3]).expand([4, 3]), { name: 'ShapeError', message: /expand: .*size 2 at dim 0/ });
    assert.throws(() => grid().repeat([2]), {
      name: 'ShapeError',
      message: /repeat: number of dimensions of repeat dims/,
    });
    assert.throws(() => grid().flip([0, -2]), { name: 'IndexError', message: /flip: dim 0 appears multiple times/ });
    assert.throws(() => grid().roll([1, 2]), { name: 'ValueError', message: /roll: shifts and dimensions must align/ });
    assert.throws(() => grid().movedim([0, 0], [1, 0]), {
      name: 'IndexError',
      message: /movedim: repeated dim in `source` \(\[0, 0\]\)/,
    });
    assert.throws(() => grid().movedim([0, 1], [1]), { name: 'ValueError', message: /movedim: .*same number of dims/ });
  });
  test('out-of-range dims and indices in views', () => {
    assert.throws(() => grid().select(1, 3), {
      name: 'IndexError',
      message: /select: index 3 is out of bounds for dimension 1 with size 3/,
    });
    assert.throws(() => grid().narrow(1, 2, 2), { name: 'IndexError', message: /narrow: .*start 2 and length 2/ });
    assert.throws(() => grid().transpose(0, 2), {
      name: 'IndexError',
      message: /transpose: expected dim in range \[-2, 1\], got 2/,
    });
    assert.throws(() => nb.tensor(1).select(0, 0), { name: 'IndexError', message: /select: .*0-dim/ });
    assert.throws(() => grid().slice(1, 0, 3, 0), {
      name: 'ValueError',
      message: /slice: expected a positive integer step, got 0/,
    });
  });
});

describe('gradients of rearranging ops', () => {
  test('repeat sums the gradient over the copies', () => {
    const x = nb.tensor([1, 2], { requiresGrad: true });
    x.repeat([3, 2]).sum().backward();
    assert.deepEqual(x.grad!.tolist(), [6, 6]); // PyTorch: each element appears 3 * 2 times
  });
  test('roll routes the gradient back to the source positions', () => {
    const x = nb.tensor([1, 2, 3], { requiresGrad: true });
    x.roll(1)
      .mul(nb.tensor([1, 10, 100]))
      .sum()
      .backward();
    assert.deepEqual(x.grad!.tolist(), [10, 100, 1]); // roll(1) puts x[2] first
  });
});
