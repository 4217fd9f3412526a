// Metrics against hand-computed values (scikit-learn's conventions where they apply), and the
// streaming accumulators against the one-shot functions.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import { metrics } from '../src/index.js';

const close = (a: number, b: number, tol = 1e-12, what = '') =>
  assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b} (tol ${tol})`);
const closeAll = (a: number[], b: number[], tol = 1e-12) => {
  assert.equal(a.length, b.length);
  a.forEach((v, i) => close(v, b[i], tol, `[${i}]`));
};
const labels = (v: number[]) => nb.tensor(v, { dtype: 'int32' });

// A 3-class example used throughout. Hand-computed confusion matrix (rows = true):
//   true 0: predicted [2, 1, 0]; true 1: [0, 1, 1]; true 2: [0, 0, 1]
// tp = [2, 1, 1], predicted totals = [2, 2, 2], support = [3, 2, 1].
const yTrue = labels([0, 0, 0, 1, 1, 2]);
const yPred = labels([0, 0, 1, 1, 2, 2]);

describe('classification metrics', () => {
  test('accuracy from labels, logits, one-hot targets and K-dim scores', () => {
    close(metrics.accuracy(yPred, yTrue), 4 / 6); // hand: 4 of 6 equal
    // Scores [N, C]: argmax per row is [1, 0, 2]; targets [1, 2, 2] -> 2 of 3 (hand).
    const logits = nb.tensor([
      [0.1, 2, -1],
      [3, 0, 0.5],
      [0, 0.2, 0.3],
    ]);
    close(metrics.accuracy(logits, labels([1, 2, 2])), 2 / 3);
    // One-hot float targets of the logits' shape: argmax of both.
    const onehot = nb.tensor([
      [0, 1, 0],
      [0, 0, 1],
      [0, 0, 1],
    ]);
    close(metrics.accuracy(logits, onehot), 2 / 3);
    // Class dim 1 of [N, C, L] against [N, L] (PyTorch's K-dim layout): hand, 3 of 4 correct.
    const seq = nb.tensor([
      [
        [1, 0],
        [0, 1],
      ],
      [
        [0, 0],
        [1, 2],
      ],
    ]); // argmax over dim 1: [[0, 1], [1, 1]]
    close(metrics.accuracy(seq, labels([0, 1, 1, 0]).reshape([2, 2])), 3 / 4);
    // ignoreIndex drops padded positions: only targets 0 and 1 at row 0 count -> 2 of 2.
    close(metrics.accuracy(seq, labels([0, 1, -100, -100]).reshape([2, 2]), { ignoreIndex: -100 }), 1);
  });

  test('binary accuracy with a threshold, and NaN for no samples', () => {
    const p = nb.tensor([0.9, 0.6, 0.4, 0.8, 0.7]);
    const t = labels([1, 0, 1, 1, 0]); // predicted [1, 1, 0, 1, 1] -> 2 of 5 correct (hand)
    close(metrics.accuracy(p, t, { threshold: 0.5 }), 2 / 5);
    // Logits threshold at 0: sign of [2, -1, 0.5] -> [1, 0, 1] vs [1, 1, 1] -> 2 of 3.
    close(metrics.accuracy(nb.tensor([2, -1, 0.5]), labels([1, 1, 1]), { threshold: 0 }), 2 / 3);
    assert.ok(Number.isNaN(metrics.accuracy(labels([]), labels([]))));
    // A BCE model's [N, 1] output against [N] or [N, 1] targets: same 2 of 3 (hand).
    const col = nb.tensor([[2], [-1], [0.5]]);
    close(metrics.accuracy(col, labels([1, 1, 1]), { threshold: 0 }), 2 / 3);
    close(metrics.accuracy(col, nb.tensor([[1], [1], [1]]), { threshold: 0 }), 2 / 3);
    // Without a threshold one score column cannot be argmaxed meaningfully.
    assert.throws(
      () => metrics.accuracy(col, nb.tensor([[1], [0], [1]])),
      (e: unknown) => e instanceof nb.ValueError && /\[3, 1\]/.test(e.message) && /threshold/.test(e.message),
    );
  });

  test('top-k accuracy: a target ranks by the classes scoring higher, ties to the lower index', () => {
    const s = nb.tensor([
      [0.1, 0.5, 0.4], // target 2: one class higher -> rank 1
      [0.3, 0.3, 0.4], // target 1: class 2 higher, class 0 ties with a lower index -> rank 2
      [0.9, 0.05, 0.05], // target 1: class 0 higher, class 2 ties with a higher index -> rank 1
    ]);
    const t = labels([2, 1, 1]);
    close(metrics.accuracy(s, t), 0); // argmax [1, 2, 0]
    close(metrics.accuracy(s, t, { topK: 2 }), 2 / 3);
    close(metrics.accuracy(s, t, { topK: 3 }), 1);
    assert.throws(() => metrics.accuracy(s, t, { topK: 4 }), nb.ValueError);
  });

  test('confusion matrix: int32 [C, C], rows = true class (scikit-learn layout)', () => {
    const cm = metrics.confusionMatrix(yPred, yTrue);
    assert.equal(cm.dtype, 'int32');
    assert.deepEqual(cm.tolist(), [
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    const wide = metrics.confusionMatrix(yPred, yTrue, { numClasses: 4 });
    assert.deepEqual(wide.shape, [4, 4]);
    assert.equal((wide.sum().item() as number) - 6, 0);
    // From scores: C comes from the class dim even when the last class never occurs.
    const fromScores = metrics.confusionMatrix(nb.tensor([[0.2, 0.7, 0.1]]), labels([1]));
    assert.deepEqual(fromScores.tolist(), [
      [0, 0, 0],
      [0, 1, 0],
      [0, 0, 0],
    ]);
  });

  test('precision, recall and F1: macro, micro, weighted, per class (hand, scikit-learn semantics)', () => {
    // Per class: precision tp/pred = [1, 1/2, 1/2]; recall tp/support = [2/3, 1/2, 1];
    // F1 = 2tp/(pred + support) = [4/5, 1/2, 2/3].
    closeAll(metrics.precision(yPred, yTrue, { average: 'none' }), [1, 0.5, 0.5]);
    closeAll(metrics.recall(yPred, yTrue, { average: 'none' }), [2 / 3, 0.5, 1]);
    closeAll(metrics.f1(yPred, yTrue, { average: 'none' }), [0.8, 0.5, 2 / 3]);
    // macro: unweighted means.
    close(metrics.precision(yPred, yTrue), 2 / 3);
    close(metrics.recall(yPred, yTrue), 13 / 18);
    close(metrics.f1(yPred, yTrue), 59 / 90); // (4/5 + 1/2 + 2/3) / 3, not F1 of macro P and R
    // weighted by support [3, 2, 1] / 6.
    close(metrics.precision(yPred, yTrue, { average: 'weighted' }), 0.75);
    close(metrics.recall(yPred, yTrue, { average: 'weighted' }), 2 / 3);
    close(metrics.f1(yPred, yTrue, { average: 'weighted' }), 61 / 90);
    // micro: summed counts; equals accuracy for single-label multiclass data.
    for (const f of [metrics.precision, metrics.recall, metrics.f1])
      close(f(yPred, yTrue, { average: 'micro' }), 4 / 6);
  });

  test('absent classes: averaged over present labels unless numClasses says otherwise; zeroDivision', () => {
    const t = labels([0, 0, 1]);
    const p = labels([0, 0, 0]);
    // Present labels {0, 1}: precision [2/3, 0/0 -> 0] -> macro 1/3 (scikit-learn, zero_division=0).
    close(metrics.precision(p, t), 1 / 3);
    // labels=range(3): class 2 adds another 0 -> 2/9.
    close(metrics.precision(p, t, { numClasses: 3 }), 2 / 9);
    close(metrics.precision(p, t, { zeroDivision: 1 }), (2 / 3 + 1) / 2);
  });

  test('binary average: the positive class only', () => {
    // predicted [1, 1, 0, 1, 1] vs true [1, 0, 1, 1, 0]: tp 2, fp 2, fn 1 (hand).
    const p = nb.tensor([0.9, 0.6, 0.4, 0.8, 0.7]);
    const t = labels([1, 0, 1, 1, 0]);
    const o = { threshold: 0.5, average: 'binary' as const };
    close(metrics.precision(p, t, o), 0.5);
    close(metrics.recall(p, t, o), 2 / 3);
    close(metrics.f1(p, t, o), 4 / 7);
    close(metrics.recall(p, t, { ...o, posLabel: 0 }), 0); // class 0: both true 0s predicted 1
  });

  test('errors name the op and the offending values', () => {
    assert.throws(
      () => metrics.accuracy(nb.zeros([4, 3]), labels([0, 1, 2])),
      (e: unknown) =>
        e instanceof nb.ShapeError &&
        /accuracy/.test(e.message) &&
        /\[4, 3\]/.test(e.message) &&
        /\[3\]/.test(e.message),
    );
    assert.throws(
      () => metrics.accuracy(nb.tensor([0.2, 0.7]), labels([0, 1])),
      (e: unknown) => e instanceof nb.ValueError && /0\.2/.test(e.message) && /threshold/.test(e.message),
    );
    assert.throws(
      () => metrics.confusionMatrix(labels([0, 5]), labels([0, 1]), { numClasses: 3 }),
      (e: unknown) => e instanceof nb.IndexError && /numClasses \(3\)/.test(e.message) && /5/.test(e.message),
    );
    assert.throws(
      () => metrics.f1(yPred, yTrue, { average: 'samples' as never }),
      (e: unknown) => e instanceof nb.ValueError && /samples/.test(e.message),
    );
    assert.throws(() => metrics.accuracy([1, 2] as never, labels([1, 2])), nb.DTypeError);
  });
});

describe('regression metrics', () => {
  // pred [1, 2, 3, 4], target [1.5, 2, 2.5, 5]; errors [-0.5, 0, 0.5, -1] (hand):
  // SSE 1.5, SAE 2; target mean 2.75, Σ(y - ȳ)² = 7.25; Σ(p - p̄)² = 5, Σ(p - p̄)(y - ȳ) = 5.5.
  const p = nb.tensor([1, 2, 3, 4]);
  const t = nb.tensor([1.5, 2, 2.5, 5]);

  test('mse, mae, nmse, r2 and pearson against hand-computed values', () => {
    close(metrics.mse(p, t), 0.375);
    close(metrics.mae(p, t), 0.5);
    close(metrics.nmse(p, t), 6 / 29); // 1.5 / 7.25, nbml's mse / var(target)
    close(metrics.r2(p, t), 23 / 29); // 1 - 1.5 / 7.25
    close(metrics.pearson(p, t), 5.5 / Math.sqrt(5 * 7.25));
    close(metrics.r2(p, t) + metrics.nmse(p, t), 1);
  });

  test('edge cases: perfect fit, constant target, constant prediction, shape mismatch', () => {
    close(metrics.r2(t, t), 1);
    close(metrics.pearson(t, t), 1, 1e-12);
    close(metrics.pearson(t.neg(), t), -1, 1e-12);
    const c = nb.tensor([2, 2, 2]);
    close(metrics.r2(c, c), 1); // scikit-learn: constant target, exact fit -> 1
    close(metrics.r2(nb.tensor([1, 2, 3]), c), 0); // constant target, inexact -> 0
    assert.ok(Number.isNaN(metrics.pearson(c, nb.tensor([1, 2, 3]))));
    assert.equal(metrics.nmse(nb.tensor([1, 2, 3]), c), Infinity);
    assert.throws(
      () => metrics.mse(nb.zeros([4, 1]), nb.zeros([4])),
      (e: unknown) => e instanceof nb.ShapeError && /mse/.test(e.message) && /\[4, 1\]/.test(e.message),
    );
  });

  test('float32 inputs are accumulated in float64', () => {
    const a = nb.tensor([1e4 + 1, 1e4 + 2, 1e4 + 3]);
    const b = nb.tensor([1e4 + 1, 1e4 + 3, 1e4 + 2]);
    // Hand: errors [0, -1, 1], target deviations [-1, 1, 0] -> SSE 2, SST 2 -> r2 0, r 0.5.
    close(metrics.r2(a, b), 0, 1e-9);
    close(metrics.pearson(a, b), 0.5, 1e-9);
  });
});

describe('streaming metrics', () => {
  test('batch-by-batch values equal the one-shot functions', () => {
    nb.manualSeed(1);
    const scores = nb.randn([50, 4]);
    const target = nb.randint(0, 4, [50]);
    const pred = nb.randn([50, 2]);
    const y = pred
      .mul(0.5)
      .add(nb.randn([50, 2]).mul(0.3))
      .add(3);
    const streaming = [
      new metrics.Accuracy(),
      new metrics.Accuracy({ topK: 2 }),
      new metrics.Precision({ average: 'weighted' }),
      new metrics.Recall(),
      new metrics.F1Score({ average: 'micro' }),
    ];
    const regression = [
      new metrics.MeanSquaredError(),
      new metrics.MeanAbsoluteError(),
      new metrics.R2Score(),
      new metrics.PearsonCorrCoef(),
      new metrics.NormalizedMSE(),
    ];
    for (const [a, b] of [
      [0, 7],
      [7, 30],
      [30, 50],
    ]) {
      for (const m of streaming) m.update(scores.narrow(0, a, b - a), target.narrow(0, a, b - a));
      for (const m of regression) m.update(pred.narrow(0, a, b - a), y.narrow(0, a, b - a));
    }
    const want = [
      metrics.accuracy(scores, target),
      metrics.accuracy(scores, target, { topK: 2 }),
      metrics.precision(scores, target, { average: 'weighted' }),
      metrics.recall(scores, target),
      metrics.f1(scores, target, { average: 'micro' }),
      metrics.mse(pred, y),
      metrics.mae(pred, y),
      metrics.r2(pred, y),
      metrics.pearson(pred, y),
      metrics.nmse(pred, y),
    ];
    closeAll(
      [...streaming, ...regression].map((m) => m.compute()),
      want,
      1e-12,
    );
    assert.deepEqual(
      [...streaming, ...regression].map((m) => m.name),
      ['accuracy', 'top2Accuracy', 'precisionWeighted', 'recall', 'f1Micro', 'mse', 'mae', 'r2', 'pearson', 'nmse'],
    );
    for (const m of streaming) m.reset();
    assert.ok(Number.isNaN(streaming[0].compute()));
  });

  test('ConfusionMatrix grows with the labels it sees; createMetric resolves names', () => {
    const cm = new metrics.ConfusionMatrix();
    cm.update(labels([0, 1]), labels([0, 0]));
    cm.update(labels([2]), labels([2]));
    assert.deepEqual(cm.tensor().tolist(), [
      [1, 1, 0],
      [0, 0, 0],
      [0, 0, 1],
    ]);
    assert.equal(metrics.createMetric('top3Accuracy').name, 'top3Accuracy');
    assert.equal(metrics.createMetric((o, t) => metrics.mae(o, t), 'myMae').name, 'myMae');
    assert.throws(
      () => metrics.createMetric('auc'),
      (e: unknown) => e instanceof nb.ValueError && /"auc"/.test(e.message) && /accuracy/.test(e.message),
    );
  });
});
