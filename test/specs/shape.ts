// Op-table rows: shape (views, joining and splitting, rearranging) and linear algebra.
import * as nb from '../../src/index.js';
import type { InputSpec, OpSpec } from '../harness/specs.js';

const nc = (shape: number[]): InputSpec => ({ shape, noncontig: true });
const f32 = (shape: number[]): InputSpec => ({ shape, dtype: 'float32' });
const noGrad = (shape: number[]): InputSpec => ({ shape, grad: false });

const views: OpSpec[] = [
  {
    name: 'reshape',
    fn: (a) => a.reshape([-1, 2]),
    torch: 'a.reshape(-1, 2)',
    samples: [
      { inputs: [[3, 4]] },
      { label: 'non-contiguous (copies)', inputs: [nc([3, 4])] },
      { label: 'size 0', inputs: [[2, 0, 3]] },
      { label: 'float32', inputs: [f32([2, 2])] },
    ],
  },
  {
    name: 'reshape.fromScalar',
    fn: (a) => a.reshape([1, 1]),
    torch: 'a.reshape(1, 1)',
    samples: [{ label: '0-d', inputs: [[]] }],
  },
  {
    name: 'reshape.toScalar',
    fn: (a) => a.reshape([]),
    torch: 'a.reshape(())',
    samples: [{ inputs: [[1, 1]] }],
  },
  {
    name: 'view',
    fn: (a) => a.view([3, 2, -1]),
    torch: 'a.view(3, 2, -1)',
    samples: [
      { inputs: [[3, 4]] },
      { label: 'non-contiguous, compatible strides', inputs: [nc([3, 4])] },
      { label: 'size 0', inputs: [[3, 2, 0]] },
    ],
  },
  {
    name: 'flatten',
    fn: (a) => a.flatten(1),
    torch: 'a.flatten(1)',
    samples: [{ inputs: [[2, 3, 4]] }, { label: 'non-contiguous', inputs: [nc([2, 3, 4])] }],
  },
  {
    name: 'flatten.all',
    fn: (a) => a.flatten(),
    torch: 'a.flatten()',
    samples: [{ inputs: [[2, 3]] }, { label: '0-d', inputs: [[]] }, { label: 'size 0', inputs: [[0, 3]] }],
  },
  {
    name: 'unflatten',
    fn: (a) => a.unflatten(1, [2, -1]),
    torch: 'a.unflatten(1, (2, -1))',
    samples: [{ inputs: [[3, 4]] }, { label: 'non-contiguous', inputs: [nc([3, 4])] }, { inputs: [[3, 0]] }],
  },
  {
    name: 'squeeze',
    fn: (a) => a.squeeze(),
    torch: 'a.squeeze()',
    samples: [{ inputs: [[1, 3, 1]] }, { label: '0-d', inputs: [[]] }, { label: 'size 0', inputs: [[1, 0]] }],
  },
  {
    name: 'squeeze.dim',
    fn: (a) => a.squeeze(1),
    torch: 'a.squeeze(1)',
    samples: [{ inputs: [[2, 1, 3]] }, { label: 'not size 1: unchanged', inputs: [[2, 3, 1]] }],
  },
  {
    name: 'squeeze.dims',
    fn: (a) => a.squeeze([0, 2]),
    torch: 'a.squeeze(2).squeeze(0)',
    samples: [{ inputs: [[1, 3, 1]] }, { label: 'non-contiguous', inputs: [nc([1, 3, 1])] }],
  },
  {
    name: 'unsqueeze',
    fn: (a) => a.unsqueeze(-1),
    torch: 'a.unsqueeze(-1)',
    samples: [{ inputs: [[2, 3]] }, { label: '0-d', inputs: [[]] }, { label: 'non-contiguous', inputs: [nc([2, 3])] }],
  },
  {
    name: 'unsqueeze.front',
    fn: (a) => a.unsqueeze(1),
    torch: 'a.unsqueeze(1)',
    samples: [{ inputs: [[2, 3]] }, { label: 'size 0', inputs: [[0]] }],
  },
  {
    name: 'permute',
    fn: (a) => a.permute([2, 0, 1]),
    torch: 'a.permute(2, 0, 1)',
    samples: [
      { inputs: [[2, 3, 4]] },
      { label: 'non-contiguous', inputs: [nc([2, 3, 4])] },
      { label: 'size 0', inputs: [[2, 0, 3]] },
    ],
  },
  {
    name: 'transpose',
    fn: (a) => a.transpose(0, -1),
    torch: 'a.transpose(0, -1)',
    samples: [
      { inputs: [[2, 3, 4]] },
      { label: 'non-contiguous', inputs: [nc([3, 2])] },
      { label: '0-d', inputs: [[]] },
    ],
  },
  {
    name: 't',
    fn: (a) => a.t(),
    torch: 'a.t()',
    samples: [{ inputs: [[2, 3]] }, { label: '1-D', inputs: [[3]] }, { label: '0-d', inputs: [[]] }],
  },
  {
    name: 'mT',
    fn: (a) => a.mT,
    torch: 'a.mT',
    samples: [{ inputs: [[2, 3, 4]] }, { label: 'non-contiguous', inputs: [nc([2, 3])] }],
  },
  {
    name: 'expand',
    fn: (a) => a.expand([2, 3, 4]),
    torch: 'a.expand(2, 3, 4)',
    samples: [
      { inputs: [[3, 1]] },
      { inputs: [[1, 1, 4]] },
      { label: '0-d', inputs: [[]] },
      { label: 'non-contiguous', inputs: [nc([3, 1])] },
    ],
  },
  {
    name: 'expand.keep',
    fn: (a) => a.expand([2, -1, -1]),
    torch: 'a.expand(2, -1, -1)',
    samples: [{ inputs: [[1, 3, 2]] }, { label: 'size 0', inputs: [[1, 0, 2]] }],
  },
  {
    name: 'expandAs',
    fn: (a, b) => a.expandAs(b),
    torch: 'a.expand_as(b)',
    samples: [{ inputs: [[2, 1], noGrad([3, 2, 4])] }],
  },
  {
    name: 'broadcastTo',
    fn: (a) => a.broadcastTo([3, 2, 4]),
    torch: 'torch.broadcast_to(a, (3, 2, 4))',
    samples: [{ inputs: [[4]] }, { inputs: [[2, 1]] }],
  },
  {
    name: 'narrow',
    fn: (a) => a.narrow(1, 1, 2),
    torch: 'a.narrow(1, 1, 2)',
    samples: [{ inputs: [[2, 4]] }, { label: 'non-contiguous', inputs: [nc([3, 4])] }],
  },
  {
    name: 'narrow.negative',
    fn: (a) => a.narrow(-1, -2, 2),
    torch: 'a.narrow(-1, -2, 2)',
    samples: [{ inputs: [[2, 3]] }],
  },
  {
    name: 'narrow.empty',
    fn: (a) => a.narrow(0, 1, 0),
    torch: 'a.narrow(0, 1, 0)',
    samples: [{ inputs: [[3, 2]] }],
  },
  {
    name: 'select',
    fn: (a) => a.select(1, -1),
    torch: 'a.select(1, -1)',
    samples: [{ inputs: [[2, 3]] }, { label: 'non-contiguous', inputs: [nc([2, 3])] }],
  },
  {
    name: 'select.to0d',
    fn: (a) => a.select(0, 2),
    torch: 'a.select(0, 2)',
    samples: [{ inputs: [[4]] }],
  },
  {
    name: 'slice.step',
    fn: (a) => a.slice(1, 1, null, 2),
    torch: 'a[:, 1::2]',
    samples: [{ inputs: [[3, 5]] }, { label: 'non-contiguous', inputs: [nc([3, 5])] }],
  },
  {
    name: 'slice.negative',
    fn: (a) => a.slice(0, -3, -1),
    torch: 'a[-3:-1]',
    samples: [{ inputs: [[5, 2]] }],
  },
  {
    name: 'slice.clamped',
    fn: (a) => a.slice(0, -10, 10, 3),
    torch: 'a[-10:10:3]',
    samples: [{ inputs: [[7]] }, { label: 'non-contiguous', inputs: [nc([7])] }],
  },
  {
    name: 'slice.empty',
    fn: (a) => a.slice(0, 3, 1),
    torch: 'a[3:1]',
    samples: [{ inputs: [[4, 2]] }],
  },
  {
    name: 'contiguous',
    fn: (a) => a.contiguous(),
    torch: 'a.contiguous()',
    samples: [{ inputs: [nc([3, 4])] }, { inputs: [[2]] }],
  },
  {
    name: 'clone',
    fn: (a) => a.clone(),
    torch: 'a.clone()',
    samples: [{ inputs: [nc([3, 4])] }, { label: '0-d', inputs: [[]] }],
  },
];

const joining: OpSpec[] = [
  {
    name: 'cat',
    fn: (a, b) => nb.cat([a, b], 1),
    torch: 'torch.cat([a, b], 1)',
    samples: [
      {
        inputs: [
          [2, 3],
          [2, 2],
        ],
      },
      { label: 'non-contiguous', inputs: [nc([2, 3]), nc([2, 2])] },
      {
        label: 'size 0',
        inputs: [
          [2, 0],
          [2, 3],
        ],
      },
      { label: 'float32', inputs: [f32([1, 2]), f32([1, 3])] },
      { label: 'promotes float32 + float64', inputs: [f32([2, 1]), [2, 2]] },
    ],
  },
  {
    name: 'cat.skipsEmpty1d',
    fn: (a, b) => nb.cat([a, b]),
    torch: 'torch.cat([a, b])',
    // The skipped tensor is not part of the graph, so it gets no (empty) gradient.
    samples: [{ inputs: [{ shape: [0], grad: false }, [2, 3]] }],
  },
  {
    name: 'stack',
    fn: (a, b) => nb.stack([a, b], -1),
    torch: 'torch.stack([a, b], -1)',
    samples: [
      {
        inputs: [
          [2, 3],
          [2, 3],
        ],
      },
      { label: '0-d', inputs: [[], []] },
      { label: 'float32', inputs: [f32([2]), f32([2])] },
    ],
  },
  {
    name: 'hstack',
    fn: (a, b) => nb.hstack([a, b]),
    torch: 'torch.hstack([a, b])',
    samples: [
      {
        inputs: [
          [2, 1],
          [2, 3],
        ],
      },
      { label: '1-D and 0-d', inputs: [[2], []] },
    ],
  },
  {
    name: 'vstack',
    fn: (a, b) => nb.vstack([a, b]),
    torch: 'torch.vstack([a, b])',
    samples: [{ inputs: [[3], [2, 3]] }],
  },
  {
    name: 'split.piece1',
    fn: (a) => nb.split(a, 2, 1)[1],
    torch: 'torch.split(a, 2, 1)[1]',
    samples: [{ inputs: [[2, 5]] }, { label: 'non-contiguous', inputs: [nc([2, 5])] }],
  },
  {
    name: 'split.last',
    fn: (a) => nb.split(a, 2, 1)[2],
    torch: 'torch.split(a, 2, 1)[2]',
    samples: [{ label: 'shorter last piece', inputs: [[2, 5]] }],
  },
  {
    name: 'split.sizes',
    fn: (a) => nb.split(a, [1, 3], 0)[1],
    torch: 'torch.split(a, [1, 3], 0)[1]',
    samples: [{ inputs: [[4, 2]] }],
  },
  {
    name: 'chunk.last',
    fn: (a) => nb.chunk(a, 3, 0)[2],
    torch: 'torch.chunk(a, 3, 0)[2]',
    samples: [
      { label: 'sizes 2, 2, 1', inputs: [[5, 2]] },
      { label: 'sizes 3, 3, 1', inputs: [[7]] },
    ],
  },
  {
    name: 'chunk.first',
    fn: (a) => a.chunk(4, -1)[0],
    torch: 'a.chunk(4, -1)[0]',
    samples: [{ label: '6 into 3 chunks of 2', inputs: [[2, 6]] }],
  },
  {
    name: 'unbind',
    fn: (a) => nb.unbind(a, 1)[2],
    torch: 'torch.unbind(a, 1)[2]',
    samples: [{ inputs: [[2, 3]] }, { label: 'non-contiguous', inputs: [nc([2, 3])] }],
  },
];

const rearranging: OpSpec[] = [
  {
    name: 'flip',
    fn: (a) => a.flip([0, -1]),
    torch: 'torch.flip(a, (0, -1))',
    samples: [
      { inputs: [[2, 3, 4]] },
      { label: 'non-contiguous', inputs: [nc([3, 4])] },
      { label: 'size 0', inputs: [[0, 3]] },
      { label: 'float32', inputs: [f32([2, 2])] },
    ],
  },
  {
    name: 'flip.one',
    fn: (a) => a.flip(0),
    torch: 'torch.flip(a, (0,))',
    samples: [{ inputs: [[4]] }, { label: '0-d', inputs: [[]] }],
  },
  {
    name: 'roll',
    fn: (a) => a.roll([1, -2], [0, 1]),
    torch: 'torch.roll(a, (1, -2), (0, 1))',
    samples: [
      { inputs: [[3, 4]] },
      { label: 'non-contiguous', inputs: [nc([3, 4])] },
      { label: 'size 0', inputs: [[3, 0]] },
    ],
  },
  {
    name: 'roll.flat',
    fn: (a) => a.roll(4),
    torch: 'torch.roll(a, 4)',
    samples: [{ inputs: [[2, 3]] }, { label: '0-d', inputs: [[]] }, { label: 'non-contiguous', inputs: [nc([2, 3])] }],
  },
  {
    name: 'repeat',
    fn: (a) => a.repeat([2, 1, 3]),
    torch: 'a.repeat(2, 1, 3)',
    samples: [
      { inputs: [[2, 3]] },
      { label: 'new leading dims', inputs: [[2]] },
      { label: '0-d', inputs: [[]] },
      { label: 'non-contiguous', inputs: [nc([2, 3])] },
      { label: 'size 0', inputs: [[0, 2]] },
    ],
  },
  {
    name: 'repeat.zero',
    fn: (a) => a.repeat([2, 0]),
    torch: 'a.repeat(2, 0)',
    samples: [{ inputs: [[3]] }],
  },
  {
    name: 'tile',
    fn: (a) => a.tile([2]),
    torch: 'a.tile((2,))',
    samples: [{ inputs: [[2, 3]] }, { inputs: [[3]] }],
  },
  {
    name: 'movedim',
    fn: (a) => nb.movedim(a, [0, 1], [2, 0]),
    torch: 'torch.movedim(a, (0, 1), (2, 0))',
    samples: [{ inputs: [[2, 3, 4]] }],
  },
  {
    name: 'movedim.one',
    fn: (a) => a.movedim(0, -1),
    torch: 'torch.movedim(a, 0, -1)',
    samples: [{ inputs: [[2, 3, 4]] }, { label: 'non-contiguous', inputs: [nc([2, 3])] }],
  },
  {
    name: 'swapaxes',
    fn: (a) => a.swapaxes(0, 2),
    torch: 'a.swapaxes(0, 2)',
    samples: [{ inputs: [[2, 3, 4]] }],
  },
];

const linalg: OpSpec[] = [
  {
    name: 'mm',
    fn: (a, b) => nb.mm(a, b),
    torch: 'torch.mm(a, b)',
    samples: [
      {
        inputs: [
          [2, 3],
          [3, 4],
        ],
      },
      { label: 'non-contiguous', inputs: [nc([3, 3]), nc([3, 2])] },
      {
        label: 'size 0',
        inputs: [
          [2, 0],
          [0, 3],
        ],
      },
      { label: 'float32', inputs: [f32([2, 3]), f32([3, 2])] },
    ],
  },
  {
    name: 'bmm',
    fn: (a, b) => nb.bmm(a, b),
    torch: 'torch.bmm(a, b)',
    samples: [
      {
        inputs: [
          [2, 2, 3],
          [2, 3, 4],
        ],
      },
      { label: 'non-contiguous', inputs: [nc([2, 3, 3]), [2, 3, 2]] },
      {
        label: 'size 0 batch',
        inputs: [
          [0, 2, 3],
          [0, 3, 1],
        ],
      },
    ],
  },
  {
    name: 'mv',
    fn: (a, b) => nb.mv(a, b),
    torch: 'torch.mv(a, b)',
    samples: [{ inputs: [[2, 3], [3]] }, { label: 'non-contiguous', inputs: [nc([3, 3]), nc([3])] }],
  },
  {
    name: 'dot',
    fn: (a, b) => nb.dot(a, b),
    torch: 'torch.dot(a, b)',
    samples: [
      { inputs: [[4], [4]] },
      { label: 'size 0', inputs: [[0], [0]] },
      { label: 'float32', inputs: [f32([3]), f32([3])] },
    ],
  },
  {
    name: 'outer',
    fn: (a, b) => nb.outer(a, b),
    torch: 'torch.outer(a, b)',
    samples: [{ inputs: [[3], [2]] }, { label: 'non-contiguous', inputs: [nc([3]), [2]] }],
  },
  {
    name: 'matmul.batchedLeft',
    fn: (a, b) => nb.matmul(a, b),
    torch: 'torch.matmul(a, b)',
    samples: [
      {
        label: '3-D @ 2-D (folded)',
        inputs: [
          [2, 3, 4],
          [4, 2],
        ],
      },
      { label: '3-D @ 1-D', inputs: [[2, 3, 4], [4]] },
      {
        label: '2-D @ 3-D',
        inputs: [
          [3, 4],
          [2, 4, 2],
        ],
      },
      { label: '1-D @ 2-D', inputs: [[3], [3, 2]] },
      { label: 'non-contiguous 3-D @ 2-D', inputs: [nc([2, 3, 3]), nc([3, 2])] },
    ],
  },
  {
    name: 'matmul.int',
    fn: (a, b) => nb.matmul(a, b),
    torch: 'torch.matmul(a, b)',
    nondiff: true,
    samples: [
      {
        inputs: [
          { shape: [2, 3], dtype: 'int32', low: -5, high: 5 },
          { shape: [3, 2], dtype: 'int32', low: -5, high: 5 },
        ],
      },
    ],
  },
  {
    name: 'triu',
    fn: (a) => nb.triu(a, 1),
    torch: 'torch.triu(a, 1)',
    samples: [
      { inputs: [[3, 4]] },
      { label: 'batched', inputs: [[2, 3, 3]] },
      { label: 'non-contiguous', inputs: [nc([4, 3])] },
      { label: 'size 0', inputs: [[0, 3]] },
    ],
  },
  {
    name: 'triu.int',
    fn: (a) => a.triu(-1),
    torch: 'torch.triu(a, -1)',
    nondiff: true,
    samples: [{ inputs: [{ shape: [3, 3], dtype: 'int32', low: 1, high: 9 }] }],
  },
  {
    name: 'tril',
    fn: (a) => a.tril(-1),
    torch: 'torch.tril(a, -1)',
    samples: [{ inputs: [[4, 3]] }, { label: 'non-contiguous', inputs: [nc([2, 3, 3])] }],
  },
  {
    name: 'diag',
    fn: (a) => nb.diag(a, 1),
    torch: 'torch.diag(a, 1)',
    samples: [
      { label: '1-D to matrix', inputs: [[3]] },
      { label: 'matrix to 1-D', inputs: [[3, 4]] },
      { label: 'non-contiguous matrix', inputs: [nc([3, 4])] },
      { label: 'non-contiguous vector', inputs: [nc([2])] },
      { label: 'size 0 vector', inputs: [[0]] },
    ],
  },
  {
    name: 'diag.negative',
    fn: (a) => a.diag(-2),
    torch: 'torch.diag(a, -2)',
    samples: [
      { label: '1-D to matrix', inputs: [[2]] },
      { label: 'matrix to 1-D', inputs: [[4, 3]] },
    ],
  },
  {
    name: 'diagonal',
    fn: (a) => nb.diagonal(a, 1, 0, 2),
    torch: 'torch.diagonal(a, 1, 0, 2)',
    samples: [
      { inputs: [[3, 2, 4]] },
      { label: 'non-contiguous', inputs: [nc([3, 2, 4])] },
      { label: 'offset past the end', inputs: [[1, 2, 1]] },
    ],
  },
  {
    name: 'diagonal.negative',
    fn: (a) => a.diagonal(-1, -1, -2),
    torch: 'torch.diagonal(a, -1, -1, -2)',
    samples: [{ inputs: [[2, 3, 3]] }, { label: 'float32', inputs: [f32([3, 4])] }],
  },
  {
    name: 'diagonalScatter',
    fn: (a, b) => nb.diagonalScatter(a, b, 1),
    torch: 'torch.diagonal_scatter(a, b, 1)',
    samples: [{ inputs: [[3, 4], [3]] }],
  },
  {
    name: 'trace',
    fn: (a) => nb.trace(a),
    torch: 'torch.trace(a)',
    samples: [
      { inputs: [[3, 4]] },
      { label: 'non-contiguous', inputs: [nc([3, 3])] },
      { label: 'size 0', inputs: [[0, 2]] },
    ],
  },
];

// einsum rows: a name per pattern, since the equation is part of the function.
const einsumCases: [string, string, InputSpec[]][] = [
  [
    'mm',
    'ij,jk->ik',
    [
      [2, 3],
      [3, 4],
    ],
  ],
  [
    'bmm',
    'bij,bjk->bik',
    [
      [2, 2, 3],
      [2, 3, 2],
    ],
  ],
  [
    'attention',
    'bhqd,bhkd->bhqk',
    [
      [1, 2, 3, 2],
      [1, 2, 4, 2],
    ],
  ],
  ['transpose', 'ij->ji', [nc([2, 3])]],
  ['diagonal', 'ii->i', [[3, 3]]],
  ['trace', 'ii', [[3, 3]]],
  ['sumAll', 'ij->', [[2, 3]]],
  ['rowSum', 'ij->i', [[2, 3]]],
  ['outer', 'i,j->ij', [[3], [2]]],
  [
    'implicit',
    'ij,jk',
    [
      [2, 3],
      [3, 2],
    ],
  ],
  [
    'implicitOrder',
    'ba,ca',
    [
      [2, 3],
      [4, 3],
    ],
  ],
  ['dot', 'i,i', [[4], [4]]],
  [
    'hadamard',
    'ij,ij->ij',
    [
      [2, 3],
      [2, 3],
    ],
  ],
  [
    'ellipsis',
    '...ij,...jk->...ik',
    [
      [2, 1, 2, 3],
      [3, 3, 2],
    ],
  ],
  ['ellipsisSum', '...i->i', [[2, 3, 2]]],
  [
    'chain',
    'ij,jk,kl->il',
    [
      [2, 3],
      [3, 2],
      [2, 2],
    ],
  ],
  [
    'bilinear',
    'bn,anm,bm->ba',
    [
      [2, 3],
      [2, 3, 2],
      [2, 2],
    ],
  ],
  ['batchDiagonal', 'bii->bi', [[2, 3, 3]]],
  ['broadcastSize1', 'i,i->i', [[1], [3]]],
  ['scalar', ',i->i', [[], [3]]],
  ['float32', 'ij,kj->ik', [f32([2, 3]), f32([2, 3])]],
];

const einsum: OpSpec[] = einsumCases.map(([name, eq, inputs]) => ({
  name: `einsum.${name}`,
  fn: (...xs) => nb.einsum(eq, ...xs),
  torch: `torch.einsum('${eq}', ${inputs.map((_, i) => 'abcd'[i]).join(', ')})`,
  samples: [{ label: eq, inputs }],
}));

export const shapeSpecs: OpSpec[] = [...views, ...joining, ...rearranging, ...linalg, ...einsum];
