// Packed sequences (nn.utils.rnn): layouts against PyTorch 1.13, round trips, messages,
// gradients, and RNN / LSTM / GRU on packed batches against the padded batch with lengths.
// test/modspecs/rnn.ts compares packed recurrent runs with PyTorch's, gradients included.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import type { Tensor } from '../src/index.js';

const { nn } = nb;
const R = nn.utils.rnn;

const maxDiff = (a: Tensor, b: Tensor) => {
  assert.deepEqual(a.shape, b.shape);
  return a.numel() === 0 ? 0 : (a.sub(b).abs().max().item() as number);
};
const f64 = (shape: number[], seed: number) => {
  nb.manualSeed(seed);
  return nb.randn(shape, { dtype: 'float64' });
};
const throwsWith = (fn: () => unknown, cls: new (...a: never[]) => Error, ...parts: string[]) =>
  assert.throws(fn, (e: Error) => e instanceof cls && parts.every((p) => e.message.includes(p)));

describe('layouts (PyTorch 1.13)', () => {
  // x[t, b] = 5 t + b: T = 4 steps of B = 5 sequences.
  const x = nb.arange(20, { dtype: 'float32' }).reshape([4, 5]);

  test('packPaddedSequence with enforceSorted false: stable sort by decreasing length', () => {
    // PyTorch 1.13: pack_padded_sequence(x, [2, 3, 3, 1, 3], enforce_sorted=False)
    const p = R.packPaddedSequence(x, [2, 3, 3, 1, 3], { enforceSorted: false });
    assert.deepEqual(p.data.tolist(), [1, 2, 4, 0, 3, 6, 7, 9, 5, 11, 12, 14]);
    assert.deepEqual(p.batchSizes.tolist(), [5, 4, 3]);
    assert.deepEqual(p.sortedIndices!.tolist(), [1, 2, 4, 0, 3]);
    assert.deepEqual(p.unsortedIndices!.tolist(), [3, 0, 1, 4, 2]);
    assert.equal(p.batchSizes.dtype, 'int32');
    assert.deepEqual(Array.from(p.lengths()), [2, 3, 3, 1, 3]);
    // PyTorch 1.13: pack_padded_sequence(x, [1, 2, 1, 2, 1], enforce_sorted=False).sorted_indices
    assert.deepEqual(
      R.packPaddedSequence(x, [1, 2, 1, 2, 1], { enforceSorted: false }).sortedIndices!.tolist(),
      [1, 3, 0, 2, 4],
    );
  });

  test('packPaddedSequence sorted, batchFirst, trailing feature dims', () => {
    // PyTorch 1.13: pack_padded_sequence(x, [2, 1, 1, 1, 1]) -> data [0..5], batch_sizes [5, 1], indices None
    const p = R.packPaddedSequence(x, [2, 1, 1, 1, 1]);
    assert.deepEqual(p.data.tolist(), [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(p.batchSizes.tolist(), [5, 1]);
    assert.equal(p.sortedIndices, null);
    assert.equal(p.unsortedIndices, null);
    const xb = x.t().unsqueeze(-1).expand([5, 4, 2]); // [B, T, 2], non-contiguous
    const q = R.packPaddedSequence(xb, [3, 3, 2, 2, 1], { batchFirst: true });
    assert.deepEqual(q.data.shape, [11, 2]);
    assert.deepEqual(q.data.select(1, 1).tolist(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11]);
  });

  test('padPackedSequence: original order, paddingValue, batchFirst, totalLength', () => {
    const p = R.packPaddedSequence(x, [2, 3, 3, 1, 3], { enforceSorted: false });
    // PyTorch 1.13: pad_packed_sequence(p, batch_first=True, padding_value=-1)
    const [padded, lengths] = R.padPackedSequence(p, { batchFirst: true, paddingValue: -1 });
    assert.deepEqual(padded.tolist(), [
      [0, 5, -1],
      [1, 6, 11],
      [2, 7, 12],
      [3, -1, -1],
      [4, 9, 14],
    ]);
    assert.deepEqual(lengths.tolist(), [2, 3, 3, 1, 3]);
    const [long] = R.padPackedSequence(p, { totalLength: 5 });
    assert.deepEqual(long.shape, [5, 5]);
    assert.deepEqual(long.select(0, 4).tolist(), [0, 0, 0, 0, 0]);
  });

  test('padSequence: right and left padding, batchFirst, paddingValue, a stacked tensor', () => {
    const seqs = [nb.tensor([1, 2]), nb.tensor([], { dtype: 'float32' }), nb.tensor([3, 4, 5])];
    // PyTorch 1.13: pad_sequence([ones(2), ones(0), ones(3)]) has this zero pattern (values here differ)
    assert.deepEqual(R.padSequence(seqs).tolist(), [
      [1, 0, 3],
      [2, 0, 4],
      [0, 0, 5],
    ]);
    // PyTorch 2.6's padding_side='left' (by its definition: the padding goes before the sequence)
    assert.deepEqual(R.padSequence(seqs, { batchFirst: true, paddingValue: 9, paddingSide: 'left' }).tolist(), [
      [9, 1, 2],
      [9, 9, 9],
      [3, 4, 5],
    ]);
    const feats = R.padSequence([nb.ones([1, 2]), nb.ones([2, 2])], { batchFirst: true });
    assert.deepEqual(feats.shape, [2, 2, 2]);
    assert.deepEqual(R.padSequence(nb.ones([3, 2])).shape, [2, 3]);
  });

  test('packSequence and unpackSequence, unpadSequence', () => {
    const a = nb.tensor([[1], [2]]);
    const b = nb.tensor([[3], [4], [5]]);
    const c = nb.tensor([[6]]);
    // PyTorch 1.13: pack_sequence([a, b, c], enforce_sorted=False)
    const p = R.packSequence([a, b, c], { enforceSorted: false });
    assert.deepEqual(p.data.tolist(), [[3], [1], [6], [4], [2], [5]]);
    assert.deepEqual(p.batchSizes.tolist(), [3, 2, 1]);
    assert.deepEqual(p.sortedIndices!.tolist(), [1, 0, 2]);
    const back = R.unpackSequence(p);
    assert.deepEqual(
      back.map((t) => t.tolist()),
      [a, b, c].map((t) => t.tolist()),
    );
    const padded = R.padSequence([a, b, c], { batchFirst: true });
    assert.deepEqual(
      R.unpadSequence(padded, [2, 3, 1], { batchFirst: true }).map((t) => t.tolist()),
      [a, b, c].map((t) => t.tolist()),
    );
  });
});

describe('messages (PyTorch wording where it has one)', () => {
  const x = nb.zeros([4, 3, 2]);
  test('packing, padding and PackedSequence errors', () => {
    throwsWith(
      () => R.packPaddedSequence(x, [1, 2, 1]),
      nb.ValueError,
      'packPaddedSequence',
      '`lengths` array must be sorted in decreasing order when `enforce_sorted` is True',
      '[1, 2, 1]',
    );
    throwsWith(
      () => R.packPaddedSequence(x, [2, 1]),
      nb.ValueError,
      'Expected `len(lengths)` to be equal to batch_size, but got 2 (batch_size=3)',
    );
    throwsWith(() => R.packPaddedSequence(x, [2, 0, 1]), nb.ValueError, 'Length of all samples', 'got 0');
    throwsWith(() => R.packPaddedSequence(x, [5, 1, 1]), nb.ValueError, 'expected every length in [1, 4]', 'got 5');
    throwsWith(() => R.packPaddedSequence(x, [2.5, 1, 1]), nb.ValueError, 'expected lengths to hold integers');
    throwsWith(() => R.packPaddedSequence(nb.zeros([3]), [1]), nb.ShapeError, 'at least 2 dims', '[3]');
    const p = R.packPaddedSequence(x, [3, 2, 2]);
    throwsWith(
      () => R.padPackedSequence(p, { totalLength: 2 }),
      nb.ValueError,
      'Expected total_length to be at least the length of the longest sequence in input, but got total_length=2 and max sequence length being 3',
    );
    throwsWith(() => R.padSequence([]), nb.ValueError, 'received an empty list of sequences');
    throwsWith(() => R.padSequence([nb.zeros([2, 3]), nb.zeros([3, 4])]), nb.ShapeError, 'padSequence', '[3, 4]');
    throwsWith(() => R.padSequence([nb.zeros([2])], { paddingSide: 'top' as 'left' }), nb.ValueError, 'got top');
    throwsWith(() => new R.PackedSequence(nb.zeros([4]), [2, 3]), nb.ValueError, 'non-increasing batchSizes');
    throwsWith(() => new R.PackedSequence(nb.zeros([4]), [2, 1]), nb.ShapeError, 'expected data of 3 rows');
    throwsWith(() => new R.PackedSequence(nb.zeros([3]), [2, 1], [0, 0]), nb.ValueError, 'permutation of 0..1');
    throwsWith(
      () => new R.PackedSequence(nb.zeros([3]), [2, 1], [1, 0], [0, 1]),
      nb.ValueError,
      'invert sortedIndices',
    );
  });

  test('recurrent modules: packed data of the wrong size, packed input with lengths', () => {
    const lstm = new nn.LSTM(2, 3);
    const p = R.packPaddedSequence(x, [3, 2, 2]);
    throwsWith(() => lstm.call(p, null, { lengths: [3, 2, 2] }), nb.ValueError, 'LSTM', 'got both');
    const bad = R.packPaddedSequence(nb.zeros([4, 3, 5]), [3, 2, 2]);
    throwsWith(() => lstm.call(bad), nb.ShapeError, 'LSTM', 'Expected 2, got 5');
    throwsWith(() => lstm.call(p.withData(nb.zeros([7]))), nb.ShapeError, 'expected packed data of shape [N, 2]');
  });
});

describe('gradients', () => {
  test('pack then pad: gradcheck in float64; padding positions get no gradient', () => {
    const x = f64([4, 3, 2], 1).requiresGrad_(true);
    const fn = (t: Tensor) =>
      R.padPackedSequence(R.packPaddedSequence(t, [2, 4, 3], { enforceSorted: false }), { paddingValue: 7 })[0];
    assert.equal(nb.gradcheck(fn, [x]), true);
    const [g] = nb.grad(fn(x).sum(), [x]);
    assert.deepEqual(g.select(1, 0).tolist(), [
      [1, 1],
      [1, 1],
      [0, 0],
      [0, 0],
    ]);
    const seqs = [f64([2, 3], 2), f64([3, 3], 3)].map((s) => s.requiresGrad_(true));
    assert.equal(
      nb.gradcheck((a, b) => R.packSequence([a, b], { enforceSorted: false }).data, seqs),
      true,
    );
    assert.equal(
      nb.gradcheck((a, b) => R.padSequence([a, b], { paddingSide: 'left', paddingValue: 2 }), seqs),
      true,
    );
  });
});

describe('RNN, LSTM and GRU on packed batches', () => {
  type AnyRec = { call(x: unknown, hx?: unknown, o?: unknown): [unknown, unknown] };
  const makers: [string, () => AnyRec][] = [
    ['RNN', () => new nn.RNN(3, 4, { numLayers: 2, dtype: 'float64' })],
    ['LSTM', () => new nn.LSTM(3, 4, { bidirectional: true, projSize: 2, dtype: 'float64' })],
    ['GRU batchFirst', () => new nn.GRU(3, 4, { bidirectional: true, batchFirst: true, dtype: 'float64' })],
  ];
  const states = (s: unknown) => (Array.isArray(s) ? (s as Tensor[]) : [s as Tensor]);
  for (const [name, make] of makers) {
    test(`${name}: equals the padded batch with lengths (values, states from h0, gradients)`, () => {
      nb.manualSeed(4);
      const m = make();
      const bf = name.includes('batchFirst');
      const lengths = [3, 5, 1, 3];
      const x = f64(bf ? [4, 5, 3] : [5, 4, 3], 5).requiresGrad_(true);
      const lstm = name === 'LSTM';
      const D = 2; // 2 layers (RNN) or 2 directions
      const h0 = f64([D, 4, lstm ? 2 : 4], 6).requiresGrad_(true);
      const hx = lstm ? [h0, f64([D, 4, 4], 7)] : h0;
      const [outL, sL] = m.call(x, hx, { lengths });
      const packed = R.packPaddedSequence(x, lengths, { batchFirst: bf, enforceSorted: false });
      const [outP, sP] = m.call(packed, hx);
      assert.ok(outP instanceof R.PackedSequence);
      assert.deepEqual(outP.batchSizes.tolist(), packed.batchSizes.tolist());
      assert.deepEqual(outP.sortedIndices!.tolist(), packed.sortedIndices!.tolist());
      const [padded, lens] = R.padPackedSequence(outP, { batchFirst: bf, totalLength: 5 });
      assert.deepEqual(lens.tolist(), lengths);
      assert.ok(maxDiff(padded, outL as Tensor) < 1e-14);
      states(sL).forEach((s, i) => assert.ok(maxDiff(s, states(sP)[i]) < 1e-14, `state ${i}`));
      const w = (t: Tensor) => t.mul(nb.arange(t.numel(), { dtype: 'float64' }).reshape(t.shape).cos());
      const lossL = w(outL as Tensor)
        .sum()
        .add(w(states(sL)[0]).sum());
      const lossP = w(padded)
        .sum()
        .add(w(states(sP)[0]).sum());
      const gL = nb.grad(lossL, [x, h0]);
      const gP = nb.grad(lossP, [x, h0]);
      gL.forEach((g, i) => assert.ok(maxDiff(g!, gP[i]!) < 1e-13, `gradient ${i}`));
    });
  }

  test('sorted packing, a packed sequence straight from packSequence, gradcheck through the module', () => {
    nb.manualSeed(8);
    const gru = new nn.GRU(2, 3, { dtype: 'float64' });
    const seqs = [f64([4, 2], 9), f64([2, 2], 10), f64([1, 2], 11)].map((s) => s.requiresGrad_(true));
    const [out, hN] = gru.call(R.packSequence(seqs));
    assert.equal(out.sortedIndices, null);
    // Each sequence alone gives its slice of the packed output and its final state.
    R.unpackSequence(out).forEach((o, b) => {
      const [alone, h] = gru.call(seqs[b].unsqueeze(1));
      assert.ok(maxDiff(o, alone.squeeze(1)) < 1e-14);
      assert.ok(maxDiff(hN.select(1, b), h.select(1, 0)) < 1e-14);
    });
    assert.equal(
      nb.gradcheck((a, b, c) => gru.call(R.packSequence([a, b, c]))[0].data, seqs),
      true,
    );
  });
});
