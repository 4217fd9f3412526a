// Grapheme-to-phoneme conversion on CMUdict: an encoder-decoder nn.Transformer reads a word's
// letters and writes its ARPAbet phonemes (stress digits removed), decoding greedily. Reports
// the phoneme error rate (edit distance / reference length) and the share of words right.
// Needs the optional package cmu-pronouncing-dictionary.
//
//   node examples/g2p.js [--steps 1500] [--batch-size 32] [--seed 0]
import * as nb from 'nabla';
import { cliOptions, fmtTime, isMain, stopwatch, useFastestBackend } from './common.js';

const { nn, optim, data } = nb;

const PAD = 0;
const BOS = 1;
const EOS = 2;

/** Letter and phoneme embeddings, sinusoidal positions, nn.Transformer, a phoneme head. */
class G2P extends nn.Module {
  constructor(nLetters, nPhonemes, { d = 64, heads = 4, layers = 2, ff = 128, dropout = 0, maxLen = 32 } = {}) {
    super();
    this.d = d;
    this.srcEmbed = new nn.Embedding(nLetters, d, { paddingIdx: PAD });
    this.tgtEmbed = new nn.Embedding(nPhonemes, d, { paddingIdx: PAD });
    this.pos = new nn.SinusoidalPositionalEncoding(d, { maxLen, dropout });
    this.transformer = new nn.Transformer({
      dModel: d,
      nhead: heads,
      numEncoderLayers: layers,
      numDecoderLayers: layers,
      dimFeedforward: ff,
      dropout,
      batchFirst: true,
    });
    this.head = new nn.Linear(d, nPhonemes);
  }

  /** Logits `[B, T, nPhonemes]` of the next phoneme after each of `tgtIn` `[B, T]`. */
  forward(src, tgtIn) {
    const scale = Math.sqrt(this.d);
    const s = this.pos.call(this.srcEmbed.call(src).mul(scale));
    const t = this.pos.call(this.tgtEmbed.call(tgtIn).mul(scale));
    const srcPad = src.eq(PAD);
    const y = this.transformer.call(s, t, {
      tgtMask: nn.Transformer.generateSquareSubsequentMask(tgtIn.shape[1]),
      srcKeyPaddingMask: srcPad,
      tgtKeyPaddingMask: tgtIn.eq(PAD),
      memoryKeyPaddingMask: srcPad,
    });
    return this.head.call(y);
  }

  /** Greedy decoding of a batch of words: phoneme ids per word, without BOS/EOS. */
  greedy(src, maxLen) {
    return nb.noGrad(() => {
      const B = src.shape[0];
      let tgt = nb.full([B, 1], BOS, { dtype: 'int32' });
      const done = new Array(B).fill(false);
      for (let t = 0; t < maxLen && !done.every(Boolean); t++) {
        // nn.Transformer has no KV cache: each step re-runs the decoder on the whole prefix.
        const next = this.forward(src, tgt).select(1, -1).argmax(-1).to('int32');
        next.tolist().forEach((id, b) => (done[b] ||= id === EOS));
        tgt = nb.cat([tgt, next.unsqueeze(1)], 1);
      }
      return tgt.tolist().map((row) => {
        const body = row.slice(1);
        const end = body.indexOf(EOS);
        return end < 0 ? body : body.slice(0, end);
      });
    });
  }
}

/** Levenshtein distance between two id arrays. */
function editDistance(a, b) {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/**
 * Trains on CMUdict words of 2-12 plain letters and tests on 500 held-out words.
 * @param {{ steps?: number, batchSize?: number, testWords?: number, seed?: number,
 *   quiet?: boolean, backend?: string }} [opts]
 */
export async function run(opts = {}) {
  const steps = opts.steps ?? 1500;
  const batchSize = opts.batchSize ?? 32;
  const nTest = opts.testWords ?? 500;
  const seed = opts.seed ?? 0;
  const log = opts.quiet ? () => {} : console.log;
  const backend = await useFastestBackend(opts.backend);
  nb.manualSeed(seed);

  const dict = await data.datasets.cmudict({ stress: false });
  const pairs = dict.words.map((w, i) => [w, dict.phonemes[i]]).filter(([w]) => /^[a-z]{2,12}$/.test(w));
  const letters = ['<pad>', ...'abcdefghijklmnopqrstuvwxyz'];
  const phonemes = ['<pad>', '<s>', '</s>', ...dict.symbols];
  const letterId = new Map(letters.map((c, i) => [c, i]));
  const phonemeId = new Map(phonemes.map((p, i) => [p, i]));
  const encoded = pairs.map(([w, ph]) => ({
    word: w,
    src: [...w].map((c) => letterId.get(c)),
    tgt: [BOS, ...ph.map((p) => phonemeId.get(p)), EOS],
  }));
  const order = nb.randperm(encoded.length).tolist();
  const test = order.slice(0, nTest).map((i) => encoded[i]);
  const trainSet = order.slice(nTest).map((i) => encoded[i]);
  const maxTgt = Math.max(...encoded.map((e) => e.tgt.length));
  log(
    `${encoded.length} words (${trainSet.length} train / ${test.length} test), ${phonemes.length - 3} phonemes; backend ${backend}`,
  );

  const model = new G2P(letters.length, phonemes.length, { maxLen: maxTgt + 1, d: opts.d ?? 64, ff: opts.ff ?? 128 });
  const nParams = model.parameters().reduce((a, p) => a + p.numel(), 0);
  log(`nn.Transformer d=${model.d}, 2+2 layers, 4 heads: ${nParams} parameters; ${steps} steps of ${batchSize} words`);
  const optimizer = new optim.AdamW(model.parameters(), { lr: 2e-3, weightDecay: 0.01, betas: [0.9, 0.98] });
  const scheduler = new optim.lrScheduler.OneCycleLR(optimizer, 2e-3, { totalSteps: steps, pctStart: 0.1 });
  const pad = (rows) => data.batchWithMask(rows, { dtype: 'int32', paddingValue: PAD }).batch;

  const clock = stopwatch();
  const g = new nb.Generator(seed);
  let perm = [];
  let running = NaN;
  for (let step = 1; step <= steps; step++) {
    if (perm.length < batchSize) perm = nb.randperm(trainSet.length, { generator: g }).tolist();
    const part = perm.splice(0, batchSize).map((i) => trainSet[i]);
    const src = pad(part.map((e) => e.src));
    const tgt = pad(part.map((e) => e.tgt));
    const T = tgt.shape[1];
    optimizer.zeroGrad();
    const logits = model.call(src, tgt.narrow(1, 0, T - 1));
    const loss = nn.functional.crossEntropy(logits.transpose(1, 2), tgt.narrow(1, 1, T - 1), {
      ignoreIndex: PAD,
      labelSmoothing: 0.1,
    });
    loss.backward();
    nn.utils.clipGradNorm_(model.parameters(), 1.0);
    optimizer.step();
    scheduler.step();
    running = Number.isNaN(running) ? loss.item() : 0.95 * running + 0.05 * loss.item();
    if (step % Math.max(1, Math.floor(steps / 5)) === 0 || step === steps) {
      log(`step ${String(step).padStart(5)}  train loss ${running.toFixed(4)}  (${fmtTime(clock.read())})`);
    }
  }

  model.eval();
  const predicted = model.greedy(pad(test.map((e) => e.src)), maxTgt);
  let errors = 0;
  let length = 0;
  let right = 0;
  test.forEach((e, i) => {
    const ref = e.tgt.slice(1, -1);
    const d = editDistance(predicted[i], ref);
    errors += d;
    length += ref.length;
    if (d === 0) right++;
  });
  const per = errors / length;
  const wordAccuracy = right / test.length;
  const show = (ids) => ids.map((id) => phonemes[id]).join(' ');
  log('\nheld-out examples (predicted | CMUdict):');
  test
    .slice(0, 8)
    .forEach((e, i) => log(`  ${e.word.padEnd(13)} ${show(predicted[i]).padEnd(28)}| ${show(e.tgt.slice(1, -1))}`));
  log(
    `phoneme error rate ${(100 * per).toFixed(1)}%, words exactly right ${(100 * wordAccuracy).toFixed(1)}% on ${test.length} held-out words (${fmtTime(clock.read())})`,
  );
  return { per, wordAccuracy, trainLoss: running };
}

if (isMain(import.meta.url)) await run(cliOptions());
