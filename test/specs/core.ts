// Op-table rows for the first primitives; each family adds its own file beside this one.
import type { OpSpec } from '../harness/specs.js';

const pos = (shape: number[]) => ({ shape, low: 0.5, high: 2 });

export const coreSpecs: OpSpec[] = [
  {
    name: 'add',
    fn: (a, b) => a.add(b),
    torch: 'torch.add(a, b)',
    samples: [
      {
        inputs: [
          [3, 4],
          [3, 4],
        ],
      },
      { label: 'broadcast', inputs: [[3, 1], [4]] },
      { label: '0-d', inputs: [[], [2, 3]] },
      { label: 'size 0', inputs: [[0, 3], [3]] },
      { label: 'non-contiguous', inputs: [{ shape: [3, 4], noncontig: true }, [4]] },
      {
        label: 'float32',
        inputs: [
          { shape: [5], dtype: 'float32' },
          { shape: [5], dtype: 'float32' },
        ],
      },
    ],
  },
  {
    name: 'mul.alpha',
    fn: (a, b) => a.mul(b).add(a, { alpha: 2 }),
    torch: 'torch.add(a * b, a, alpha=2)',
    samples: [
      {
        inputs: [
          [2, 3],
          [1, 3],
        ],
      },
    ],
  },
  {
    name: 'div',
    fn: (a, b) => a.div(b),
    torch: 'a / b',
    samples: [{ inputs: [[2, 3], pos([2, 3])] }, { label: 'broadcast', inputs: [[4, 1, 3], pos([2, 1])] }],
  },
  {
    name: 'pow',
    fn: (a, b) => a.pow(b),
    torch: 'torch.pow(a, b)',
    samples: [{ inputs: [pos([2, 3]), [2, 3]] }],
  },
  {
    name: 'pow.scalar',
    fn: (a) => a.pow(3),
    torch: 'torch.pow(a, 3)',
    samples: [{ inputs: [[4]] }],
  },
  {
    name: 'exp',
    fn: (a) => a.exp(),
    torch: 'torch.exp(a)',
    samples: [{ inputs: [[2, 3]] }, { label: 'non-contiguous', inputs: [{ shape: [3, 2], noncontig: true }] }],
  },
  {
    name: 'tanh',
    fn: (a) => a.tanh(),
    torch: 'torch.tanh(a)',
    samples: [{ inputs: [[5]] }, { label: '0-d', inputs: [[]] }],
  },
  {
    name: 'sum.all',
    fn: (a) => a.sum(),
    torch: 'a.sum()',
    samples: [{ inputs: [[3, 4]] }, { label: 'size 0', inputs: [[0, 2]] }],
  },
  {
    name: 'sum.dims',
    fn: (a) => a.sum([0, 2], { keepdim: true }),
    torch: 'a.sum((0, 2), keepdim=True)',
    samples: [{ inputs: [[2, 3, 4]] }, { label: 'non-contiguous', inputs: [{ shape: [2, 3, 4], noncontig: true }] }],
  },
  {
    name: 'mean.dim',
    fn: (a) => a.mean(1),
    torch: 'a.mean(1)',
    samples: [{ inputs: [[3, 4]] }],
  },
  {
    name: 'amax.dim',
    fn: (a) => a.amax(-1),
    torch: 'a.amax(-1)',
    samples: [
      { inputs: [[3, 4]] },
      {
        label: 'ties',
        inputs: [{ shape: [2, 3], values: [1, 3, 3, 0, 0, 0] }],
        noGradcheck: 'ties are a kink; finite differences see one side only',
      },
    ],
  },
  {
    name: 'matmul',
    fn: (a, b) => a.matmul(b),
    torch: 'torch.matmul(a, b)',
    samples: [
      {
        label: '2-D',
        inputs: [
          [2, 3],
          [3, 4],
        ],
      },
      { label: '1-D x 1-D', inputs: [[3], [3]] },
      { label: '1-D x 3-D', inputs: [[3], [2, 3, 2]] },
      {
        label: 'batched broadcast',
        inputs: [
          [2, 1, 2, 3],
          [3, 3, 2],
        ],
      },
      { label: 'transposed operand', inputs: [{ shape: [3, 3], noncontig: true }, [3, 2]] },
      {
        label: 'size 0',
        inputs: [
          [2, 0],
          [0, 3],
        ],
      },
    ],
  },
  {
    name: 'reshape.permute.slice',
    fn: (a) => a.reshape([3, 2, 2]).permute([2, 0, 1]).slice(1, 0, null, 2),
    torch: 'a.reshape(3, 2, 2).permute(2, 0, 1)[:, 0::2]',
    samples: [{ inputs: [[3, 4]] }, { inputs: [{ shape: [3, 4], noncontig: true }] }],
  },
];
