// Linear algebra: matmul's PyTorch error texts, einsum against explicit products, triangles
// and diagonals.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import type { Tensor } from '../src/index.js';

const ones = (...shape: number[]) => nb.ones(shape);

function close(a: Tensor, b: Tensor, tol = 1e-5): void {
  assert.deepEqual(a.shape, b.shape);
  const x = a.data();
  const y = b.data();
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i] - y[i]) <= tol, `element ${i}: ${x[i]} vs ${y[i]}`);
}

describe('matmul family: PyTorch error text for mismatched shapes', () => {
  // Each message is what PyTorch 1.13 raises for the same shapes, after the op name.
  const cases: [string, () => unknown, string][] = [
    [
      '2-D @ 2-D',
      () => nb.matmul(ones(2, 3), ones(4, 5)),
      'matmul: mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)',
    ],
    [
      '1-D @ 2-D',
      () => nb.matmul(ones(3), ones(4, 5)),
      'matmul: mat1 and mat2 shapes cannot be multiplied (1x3 and 4x5)',
    ],
    [
      '3-D @ 2-D',
      () => nb.matmul(ones(7, 2, 3), ones(4, 5)),
      'matmul: mat1 and mat2 shapes cannot be multiplied (14x3 and 4x5)',
    ],
    ['2-D @ 1-D', () => nb.matmul(ones(2, 3), ones(4)), 'matmul: size mismatch, got 2, 2x3,4'],
    [
      '1-D @ 1-D',
      () => nb.matmul(ones(3), ones(4)),
      'matmul: inconsistent tensor size, expected tensor [3] and src [4] to have the same number of elements, but got 3 and 4 elements respectively',
    ],
    [
      '3-D @ 3-D',
      () => nb.matmul(ones(7, 2, 3), ones(7, 4, 5)),
      'matmul: Expected size for first two dimensions of batch2 tensor to be: [7, 3] but got: [7, 4].',
    ],
    [
      '0-d',
      () => nb.matmul(ones(2, 3), nb.tensor(1)),
      'matmul: both arguments to matmul need to be at least 1D, but they are 2D and 0D',
    ],
    ['mm', () => nb.mm(ones(2, 3), ones(4, 5)), 'mm: mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)'],
    [
      'bmm',
      () => nb.bmm(ones(7, 2, 3), ones(6, 3, 5)),
      'bmm: Expected size for first two dimensions of batch2 tensor to be: [7, 3] but got: [6, 3].',
    ],
    ['mv', () => nb.mv(ones(2, 3), ones(4)), 'mv: size mismatch, got 2, 2x3,4'],
    ['dot rank', () => nb.dot(ones(2, 3), ones(4)), 'dot: 1D tensors expected, but got 2D and 1D tensors'],
  ];
  for (const [name, fn, message] of cases) {
    // nabla's message starts with the op, keeps PyTorch's wording, and names both shapes.
    const [op, torchText] = [message.slice(0, message.indexOf(': ')), message.slice(message.indexOf(': ') + 2)];
    test(name, () =>
      assert.throws(
        fn,
        (e: Error) =>
          e instanceof nb.ShapeError &&
          e.message.startsWith(`${op}: `) &&
          e.message.includes(torchText) &&
          /\[[\d, ]*\].*and \[[\d, ]*\]/.test(e.message),
      ),
    );
  }
  test('batch dims that do not broadcast', () => {
    assert.throws(() => nb.matmul(ones(2, 2, 3), ones(3, 3, 1)), {
      name: 'ShapeError',
      message: /matmul: .*\[2\] and \[3\]/,
    });
  });
});

describe('matmul shapes', () => {
  test('folded N-d @ 2-D equals the batched product', () => {
    const a = nb.randn([2, 3, 4]);
    const b = nb.randn([4, 5]);
    close(nb.matmul(a, b), nb.bmm(a, b.unsqueeze(0).expand([2, 4, 5])));
  });
  test('int32 operands stay int32', () => {
    const y = nb.matmul(nb.tensor([[1, 2]], { dtype: 'int32' }), nb.tensor([[3], [4]], { dtype: 'int32' }));
    assert.equal(y.dtype, 'int32');
    assert.deepEqual(y.tolist(), [[11]]);
  });
});

describe('einsum', () => {
  const a = nb.randn([2, 3]);
  const b = nb.randn([3, 4]);
  test('matches explicit ops', () => {
    close(nb.einsum('ij,jk->ik', a, b), a.matmul(b));
    close(nb.einsum('ij,jk', a, b), a.matmul(b));
    close(nb.einsum('ij->ji', a), a.t());
    close(nb.einsum('ij->', a), a.sum());
    close(nb.einsum('ij->j', a), a.sum(0));
    close(nb.einsum('i,j->ij', a.select(0, 0), b.select(1, 0)), nb.outer(a.select(0, 0), b.select(1, 0)));
    const q = nb.randn([2, 2, 3, 4]);
    const k = nb.randn([2, 2, 5, 4]);
    close(nb.einsum('bhqd,bhkd->bhqk', q, k), q.matmul(k.transpose(-1, -2)));
    close(nb.einsum('...ij,...jk->...ik', q, k.mT), q.matmul(k.mT));
    close(nb.einsum('ij,jk', [a, b]), a.matmul(b)); // list form, as torch.einsum accepts
  });
  test('implicit output orders upper case before lower case (ASCII), as PyTorch', () => {
    assert.deepEqual(nb.einsum('Ba', nb.zeros([2, 3])).shape, [2, 3]);
    assert.deepEqual(nb.einsum('bA', nb.zeros([2, 3])).shape, [3, 2]);
  });
  test('diagonals and traces; a transpose is a view', () => {
    const m = nb.tensor([
      [0, 1],
      [2, 3],
    ]);
    assert.deepEqual(nb.einsum('ii->i', m).tolist(), [0, 3]);
    assert.equal(nb.einsum('ii', m).item(), 3); // PyTorch: torch.einsum('ii', torch.arange(4.).reshape(2, 2))
    assert.equal(nb.einsum('ij->ji', m).storage, m.storage);
  });
  test('errors use PyTorch wording', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => nb.einsum('ij,jk', a), /fewer operands were provided/],
      [() => nb.einsum('ij', a, b), /more operands were provided/],
      [
        () => nb.einsum('ijk', a),
        /number of subscripts in the equation \(3\) does not match the number of dimensions \(2\) for operand 0/,
      ],
      [() => nb.einsum('i1', a), /invalid subscript given at index 1/],
      [() => nb.einsum('ii->i', a), /subscript i is repeated for operand 0 but the sizes don't match, 3 != 2/],
      [() => nb.einsum('ij->k', a), /output subscript k does not appear/],
      [() => nb.einsum('ij->ii', a), /output subscript i appears more than once/],
      [() => nb.einsum('i.j', a), /not part of any ellipsis/],
    ];
    for (const [fn, re] of cases)
      assert.throws(fn, (e: Error) => e.message.startsWith('einsum: ') && re.test(e.message));
    assert.throws(() => nb.einsum('ij,jk', a, nb.zeros([4, 4])), {
      name: 'ShapeError',
      message: /subscript j has size 4 for operand 1 which does not broadcast with previously seen size 3/,
    });
  });
});

describe('triangles and diagonals', () => {
  const m = () =>
    nb.tensor([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
  test('triu, tril', () => {
    // PyTorch 1.13: torch.triu(m, 1), torch.tril(m, -1)
    assert.deepEqual(m().triu(1).tolist(), [
      [0, 2, 3],
      [0, 0, 6],
      [0, 0, 0],
    ]);
    assert.deepEqual(m().tril(-1).tolist(), [
      [0, 0, 0],
      [4, 0, 0],
      [7, 8, 0],
    ]);
    assert.throws(() => nb.ones([3]).triu(), { name: 'ShapeError', message: /triu: .*at least 2 dims.*\[3\]/ });
  });
  test('diag both ways, diagonal as a view, trace', () => {
    assert.deepEqual(nb.diag(nb.tensor([1, 2]), -1).tolist(), [
      [0, 0, 0],
      [1, 0, 0],
      [0, 2, 0],
    ]);
    assert.deepEqual(m().diag(1).tolist(), [2, 6]);
    const base = m();
    const d = base.diagonal();
    assert.equal(d.storage, base.storage);
    nb.noGrad(() => d.fill_(0));
    assert.deepEqual(base.diag().tolist(), [0, 0, 0]);
    assert.equal(m().trace().item(), 15);
    assert.throws(() => nb.diagonal(nb.ones([2, 2]), 0, 0, 0), {
      name: 'IndexError',
      message: /diagonal dimensions cannot be identical 0, 0/,
    });
    assert.throws(() => nb.trace(nb.ones([2])), {
      name: 'ShapeError',
      message: /trace: expected a matrix, but got tensor with dim 1/,
    });
    assert.throws(() => nb.diag(nb.ones([2, 2, 2])), {
      name: 'ShapeError',
      message: /diag: expected a matrix or a vector/,
    });
  });
  test('the gradient of diagonal lands on the diagonal', () => {
    const x = nb.zeros([2, 3], { requiresGrad: true });
    x.diagonal(1)
      .mul(nb.tensor([2, 3]))
      .sum()
      .backward();
    assert.deepEqual(x.grad!.tolist(), [
      [0, 2, 0],
      [0, 0, 3],
    ]);
  });
});
