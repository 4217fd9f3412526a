// Module-table rows: RNN, LSTM, GRU (layers, directions, batchFirst, projections, initial states,
// variable lengths against pack_padded_sequence, packed batches in and out) and the cells. A row
// compares one tensor, so `call`/`torchCall` pick the output, h_n or c_n.
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import type { AnyModule } from '../../src/nn/index.js';
import type { ModuleSpec } from '../harness/modules.js';

const { nn } = nb;

type Rec = { call(x: Tensor, h?: unknown, o?: { lengths?: number[] }): [Tensor, unknown] };
const rec = (m: AnyModule) => m as unknown as Rec;
// Output, h_n, or (LSTM) c_n of a recurrent module.
const out = (m: AnyModule, x: Tensor, h?: unknown) => rec(m).call(x, h)[0];
const hN = (m: AnyModule, x: Tensor, h?: unknown) => {
  const s = rec(m).call(x, h)[1];
  return Array.isArray(s) ? (s[0] as Tensor) : (s as Tensor);
};
const cN = (m: AnyModule, x: Tensor, h?: unknown) => (rec(m).call(x, h)[1] as Tensor[])[1];

// PyTorch's packed-sequence round trip for padded inputs with per-sequence lengths.
const packed = (lengths: number[], T: number, batchFirst = false, pick = '[0]') => {
  const bf = batchFirst ? 'True' : 'False';
  const run = `m(torch.nn.utils.rnn.pack_padded_sequence(a, ${JSON.stringify(lengths)}, batch_first=${bf}, enforce_sorted=False))`;
  return pick === '[0]'
    ? `torch.nn.utils.rnn.pad_packed_sequence(${run}[0], batch_first=${bf}, total_length=${T})[0]`
    : `${run}${pick}`;
};
const withLengths = (lengths: number[], which: 'out' | 'h' | 'c') => (m: AnyModule, x: Tensor) => {
  const [o, s] = rec(m).call(x, null, { lengths });
  if (which === 'out') return o;
  return Array.isArray(s) ? (s[which === 'h' ? 0 : 1] as Tensor) : (s as Tensor);
};

const R = nn.utils.rnn;
const RNN_UTILS = 'torch.nn.utils.rnn';
const lstm = (m: AnyModule) => m as InstanceType<typeof nn.LSTM>;

const BIG = '600k parameters: too many for a numerical gradcheck; the small rows cover the same code';

export const rnnModuleSpecs: ModuleSpec[] = [
  // ---- RNN
  {
    name: 'RNN',
    make: () => new nn.RNN(3, 4),
    torch: 'nn.RNN(3, 4)',
    inputs: [[3, 2, 3]],
    call: out,
    torchCall: 'm(a)[0]',
  },
  {
    name: 'RNN.hN',
    make: () => new nn.RNN(3, 4),
    torch: 'nn.RNN(3, 4)',
    inputs: [[3, 2, 3]],
    call: hN,
    torchCall: 'm(a)[1]',
  },
  {
    name: 'RNN.relu.layers2.bidirectional',
    make: () => new nn.RNN(3, 4, { nonlinearity: 'relu', numLayers: 2, bidirectional: true }),
    torch: "nn.RNN(3, 4, nonlinearity='relu', num_layers=2, bidirectional=True)",
    inputs: [[3, 2, 3]],
    call: out,
    torchCall: 'm(a)[0]',
  },
  {
    name: 'RNN.relu.layers2.bidirectional.hN',
    make: () => new nn.RNN(3, 4, { nonlinearity: 'relu', numLayers: 2, bidirectional: true }),
    torch: "nn.RNN(3, 4, nonlinearity='relu', num_layers=2, bidirectional=True)",
    inputs: [[3, 2, 3]],
    call: hN,
    torchCall: 'm(a)[1]',
  },
  {
    name: 'RNN.batchFirst.h0',
    make: () => new nn.RNN(3, 4, { batchFirst: true }),
    torch: 'nn.RNN(3, 4, batch_first=True)',
    inputs: [
      [2, 3, 3],
      [1, 2, 4],
    ],
    call: (m, x, h) => out(m, x, h),
    torchCall: 'm(a, b)[0]',
  },
  {
    name: 'RNN.unbatched.nobias',
    make: () => new nn.RNN(3, 4, { bias: false, numLayers: 2 }),
    torch: 'nn.RNN(3, 4, bias=False, num_layers=2)',
    inputs: [
      [3, 3],
      [2, 4],
    ],
    call: (m, x, h) => hN(m, x, h),
    torchCall: 'm(a, b)[1]',
  },
  // ---- LSTM
  {
    name: 'LSTM',
    make: () => new nn.LSTM(3, 4),
    torch: 'nn.LSTM(3, 4)',
    inputs: [[3, 2, 3]],
    call: out,
    torchCall: 'm(a)[0]',
  },
  {
    name: 'LSTM.hN',
    make: () => new nn.LSTM(3, 4),
    torch: 'nn.LSTM(3, 4)',
    inputs: [[3, 2, 3]],
    call: hN,
    torchCall: 'm(a)[1][0]',
  },
  {
    name: 'LSTM.cN',
    make: () => new nn.LSTM(3, 4),
    torch: 'nn.LSTM(3, 4)',
    inputs: [[3, 2, 3]],
    call: cN,
    torchCall: 'm(a)[1][1]',
  },
  {
    name: 'LSTM.layers2.bidirectional.batchFirst',
    make: () => new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true }),
    torch: 'nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)',
    inputs: [[2, 3, 3]],
    call: out,
    torchCall: 'm(a)[0]',
  },
  {
    name: 'LSTM.layers2.bidirectional.batchFirst.cN',
    make: () => new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true }),
    torch: 'nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)',
    inputs: [[2, 3, 3]],
    call: cN,
    torchCall: 'm(a)[1][1]',
  },
  {
    name: 'LSTM.proj.layers2',
    make: () => new nn.LSTM(3, 4, { projSize: 2, numLayers: 2 }),
    torch: 'nn.LSTM(3, 4, proj_size=2, num_layers=2)',
    inputs: [[3, 2, 3]],
    call: out,
    torchCall: 'm(a)[0]',
  },
  {
    name: 'LSTM.proj.bidirectional.h0c0.hN',
    make: () => new nn.LSTM(3, 4, { projSize: 2, bidirectional: true }),
    torch: 'nn.LSTM(3, 4, proj_size=2, bidirectional=True)',
    inputs: [
      [3, 2, 3],
      [2, 2, 2],
      [2, 2, 4],
    ],
    call: (m, x, h, c) => hN(m, x, [h, c]),
    torchCall: 'm(a, (b, c))[1][0]',
  },
  {
    name: 'LSTM.h0c0',
    make: () => new nn.LSTM(3, 4, { numLayers: 2 }),
    torch: 'nn.LSTM(3, 4, num_layers=2)',
    inputs: [
      [3, 2, 3],
      [2, 2, 4],
      [2, 2, 4],
    ],
    call: (m, x, h, c) => out(m, x, [h, c]),
    torchCall: 'm(a, (b, c))[0]',
  },
  {
    name: 'LSTM.h0c0.cN',
    make: () => new nn.LSTM(3, 4, { numLayers: 2 }),
    torch: 'nn.LSTM(3, 4, num_layers=2)',
    inputs: [
      [3, 2, 3],
      [2, 2, 4],
      [2, 2, 4],
    ],
    call: (m, x, h, c) => cN(m, x, [h, c]),
    torchCall: 'm(a, (b, c))[1][1]',
  },
  {
    name: 'LSTM.unbatched',
    make: () => new nn.LSTM(3, 4, { bidirectional: true }),
    torch: 'nn.LSTM(3, 4, bidirectional=True)',
    inputs: [[3, 3]],
    call: out,
    torchCall: 'm(a)[0]',
  },
  {
    name: 'LSTM.dropout0',
    make: () => new nn.LSTM(3, 4, { numLayers: 2, dropout: 0 }),
    torch: 'nn.LSTM(3, 4, num_layers=2, dropout=0.0)',
    inputs: [[3, 2, 3]],
    call: out,
    torchCall: 'm(a)[0]',
  },
  {
    name: 'LSTM.dropout.eval',
    make: () => new nn.LSTM(3, 4, { numLayers: 2, dropout: 0.5 }),
    torch: 'nn.LSTM(3, 4, num_layers=2, dropout=0.5)',
    inputs: [[3, 2, 3]],
    mode: 'eval',
    call: out,
    torchCall: 'm(a)[0]',
  },
  {
    name: 'LSTM.dropout.train',
    make: () => new nn.LSTM(3, 4, { numLayers: 2, dropout: 0.5 }),
    torch: 'nn.LSTM(3, 4, num_layers=2, dropout=0.5)',
    inputs: [[3, 2, 3]],
    call: out,
    torchCall: 'm(a)[0]',
    noTorchValues: 'the dropout mask between the layers is random',
  },
  {
    // The acceptance case: PyTorch's state dict in, PyTorch's output and gradients out.
    name: 'LSTM.64x128.layers2.batchFirst.bidirectional',
    make: () => new nn.LSTM(64, 128, { numLayers: 2, batchFirst: true, bidirectional: true }),
    torch: 'nn.LSTM(64, 128, num_layers=2, batch_first=True, bidirectional=True)',
    inputs: [[2, 3, 64]],
    call: out,
    torchCall: 'm(a)[0]',
    noGradcheck: BIG,
  },
  {
    name: 'LSTM.64x128.layers2.batchFirst.bidirectional.hN',
    make: () => new nn.LSTM(64, 128, { numLayers: 2, batchFirst: true, bidirectional: true }),
    torch: 'nn.LSTM(64, 128, num_layers=2, batch_first=True, bidirectional=True)',
    inputs: [[2, 3, 64]],
    call: hN,
    torchCall: 'm(a)[1][0]',
    noGradcheck: BIG,
  },
  // ---- variable lengths (PyTorch: pack_padded_sequence, enforce_sorted=False)
  {
    name: 'LSTM.lengths.layers2.bidirectional',
    make: () => new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true }),
    torch: 'nn.LSTM(3, 4, num_layers=2, bidirectional=True)',
    inputs: [[4, 3, 3]],
    call: withLengths([4, 1, 3], 'out'),
    torchCall: packed([4, 1, 3], 4),
  },
  {
    name: 'LSTM.lengths.layers2.bidirectional.hN',
    make: () => new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true }),
    torch: 'nn.LSTM(3, 4, num_layers=2, bidirectional=True)',
    inputs: [[4, 3, 3]],
    call: withLengths([4, 1, 3], 'h'),
    torchCall: packed([4, 1, 3], 4, false, '[1][0]'),
  },
  {
    name: 'LSTM.lengths.proj.cN',
    make: () => new nn.LSTM(3, 4, { projSize: 3, bidirectional: true }),
    torch: 'nn.LSTM(3, 4, proj_size=3, bidirectional=True)',
    inputs: [[4, 3, 3]],
    call: withLengths([2, 4, 1], 'c'),
    torchCall: packed([2, 4, 1], 4, false, '[1][1]'),
  },
  {
    name: 'GRU.lengths.batchFirst.bidirectional',
    make: () => new nn.GRU(3, 4, { batchFirst: true, bidirectional: true }),
    torch: 'nn.GRU(3, 4, batch_first=True, bidirectional=True)',
    inputs: [[3, 4, 3]],
    call: withLengths([2, 4, 3], 'out'),
    torchCall: packed([2, 4, 3], 4, true),
  },
  {
    name: 'RNN.lengths.hN',
    make: () => new nn.RNN(3, 4, { numLayers: 2, bidirectional: true }),
    torch: 'nn.RNN(3, 4, num_layers=2, bidirectional=True)',
    inputs: [[4, 3, 3]],
    call: withLengths([1, 3, 4], 'h'),
    torchCall: packed([1, 3, 4], 4, false, '[1]'),
  },
  // ---- packed batches (nn.utils.rnn) in and out, against PyTorch's
  {
    name: 'LSTM.packed.bidirectional.data',
    make: () => new nn.LSTM(3, 4, { bidirectional: true }),
    torch: 'nn.LSTM(3, 4, bidirectional=True)',
    inputs: [[4, 3, 3]],
    call: (m, x) => lstm(m).call(R.packPaddedSequence(x, [2, 4, 1], { enforceSorted: false }))[0].data,
    torchCall: `m(${RNN_UTILS}.pack_padded_sequence(a, [2, 4, 1], enforce_sorted=False))[0].data`,
  },
  {
    name: 'GRU.packed.batchFirst.layers2.h0.hN',
    make: () => new nn.GRU(3, 4, { numLayers: 2, batchFirst: true }),
    torch: 'nn.GRU(3, 4, num_layers=2, batch_first=True)',
    inputs: [
      [3, 4, 3],
      [2, 3, 4],
    ],
    call: (m, x, h) =>
      (m as InstanceType<typeof nn.GRU>).call(
        R.packPaddedSequence(x, [2, 4, 3], { batchFirst: true, enforceSorted: false }),
        h,
      )[1],
    torchCall: `m(${RNN_UTILS}.pack_padded_sequence(a, [2, 4, 3], batch_first=True, enforce_sorted=False), b)[1]`,
  },
  {
    name: 'LSTM.proj.packSequence.padPackedSequence',
    make: () => new nn.LSTM(3, 4, { projSize: 2 }),
    torch: 'nn.LSTM(3, 4, proj_size=2)',
    inputs: [
      [2, 3],
      [4, 3],
      [1, 3],
    ],
    call: (m, a, b, c) =>
      R.padPackedSequence(lstm(m).call(R.packSequence([a, b, c], { enforceSorted: false }))[0], {
        batchFirst: true,
        totalLength: 5,
        paddingValue: -1,
      })[0],
    torchCall: `${RNN_UTILS}.pad_packed_sequence(m(${RNN_UTILS}.pack_sequence([a, b, c], enforce_sorted=False))[0], batch_first=True, total_length=5, padding_value=-1)[0]`,
  },
  {
    name: 'LSTM.padSequence.packed.cN',
    make: () => new nn.LSTM(3, 4),
    torch: 'nn.LSTM(3, 4)',
    inputs: [
      [4, 3],
      [3, 3],
      [3, 3],
    ],
    call: (m, a, b, c) => lstm(m).call(R.packPaddedSequence(R.padSequence([a, b, c]), [4, 3, 3]))[1][1],
    torchCall: `m(${RNN_UTILS}.pack_padded_sequence(${RNN_UTILS}.pad_sequence([a, b, c]), [4, 3, 3]))[1][1]`,
  },
  // ---- GRU
  {
    name: 'GRU',
    make: () => new nn.GRU(3, 4),
    torch: 'nn.GRU(3, 4)',
    inputs: [[3, 2, 3]],
    call: out,
    torchCall: 'm(a)[0]',
  },
  {
    name: 'GRU.layers2.bidirectional.hN',
    make: () => new nn.GRU(3, 4, { numLayers: 2, bidirectional: true }),
    torch: 'nn.GRU(3, 4, num_layers=2, bidirectional=True)',
    inputs: [[3, 2, 3]],
    call: hN,
    torchCall: 'm(a)[1]',
  },
  {
    name: 'GRU.batchFirst.h0',
    make: () => new nn.GRU(3, 4, { batchFirst: true, numLayers: 2 }),
    torch: 'nn.GRU(3, 4, batch_first=True, num_layers=2)',
    inputs: [
      [2, 3, 3],
      [2, 2, 4],
    ],
    call: (m, x, h) => out(m, x, h),
    torchCall: 'm(a, b)[0]',
  },
  {
    name: 'GRU.nobias',
    make: () => new nn.GRU(3, 4, { bias: false }),
    torch: 'nn.GRU(3, 4, bias=False)',
    inputs: [[3, 2, 3]],
    call: out,
    torchCall: 'm(a)[0]',
  },
  // ---- cells
  { name: 'RNNCell', make: () => new nn.RNNCell(3, 4), torch: 'nn.RNNCell(3, 4)', inputs: [[2, 3]] },
  {
    name: 'RNNCell.relu.h',
    make: () => new nn.RNNCell(3, 4, { nonlinearity: 'relu' }),
    torch: "nn.RNNCell(3, 4, nonlinearity='relu')",
    inputs: [
      [2, 3],
      [2, 4],
    ],
  },
  {
    name: 'LSTMCell',
    make: () => new nn.LSTMCell(3, 4),
    torch: 'nn.LSTMCell(3, 4)',
    inputs: [[2, 3]],
    call: (m, x) => (m as InstanceType<typeof nn.LSTMCell>).call(x)[0],
    torchCall: 'm(a)[0]',
  },
  {
    name: 'LSTMCell.hc.c',
    make: () => new nn.LSTMCell(3, 4),
    torch: 'nn.LSTMCell(3, 4)',
    inputs: [
      [2, 3],
      [2, 4],
      [2, 4],
    ],
    call: (m, x, h, c) => (m as InstanceType<typeof nn.LSTMCell>).call(x, [h, c])[1],
    torchCall: 'm(a, (b, c))[1]',
  },
  {
    name: 'LSTMCell.nobias.unbatched',
    make: () => new nn.LSTMCell(3, 4, { bias: false }),
    torch: 'nn.LSTMCell(3, 4, bias=False)',
    inputs: [[3], [4], [4]],
    call: (m, x, h, c) => (m as InstanceType<typeof nn.LSTMCell>).call(x, [h, c])[0],
    torchCall: 'm(a, (b, c))[0]',
  },
  {
    name: 'GRUCell',
    make: () => new nn.GRUCell(3, 4),
    torch: 'nn.GRUCell(3, 4)',
    inputs: [
      [2, 3],
      [2, 4],
    ],
  },
  { name: 'GRUCell.unbatched', make: () => new nn.GRUCell(3, 4), torch: 'nn.GRUCell(3, 4)', inputs: [[3]] },
];
