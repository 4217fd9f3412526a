// Character-level name generation: a model reads ".emma." one character at a time and learns to
// predict the next one; sampling from it invents new names. Two models on the same data:
// an LSTM (--model lstm) and a small decoder-only transformer (--model transformer).
//
//   node examples/names.js --model lstm|transformer [--steps 1500] [--seed 0]
import * as nb from 'nabla';
import { cliOptions, fmtTime, isMain, stopwatch, useFastestBackend } from './common.js';

const { nn, optim, data } = nb;

const PAD = '<pad>';
const BOUNDARY = '.';

/** Embedding, one LSTM layer and a linear head over the vocabulary. */
class CharLSTM extends nn.Module {
  constructor(vocabSize, dEmbed = 32, dHidden = 128) {
    super();
    this.embedding = new nn.Embedding(vocabSize, dEmbed);
    this.lstm = new nn.LSTM(dEmbed, dHidden, { batchFirst: true });
    this.head = new nn.Linear(dHidden, vocabSize);
  }

  /** Logits `[B, S, V]` for tokens `[B, S]`, and the final `[h, c]` state. */
  forward(tokens, state = null) {
    const [out, next] = this.lstm.call(this.embedding.call(tokens), state);
    return [this.head.call(out), next];
  }

  /** Draws names one character at a time, feeding each state to the next step. */
  sample(n, start, end, opts) {
    return nb.noGrad(() => {
      let tok = nb.full([n, 1], start, { dtype: 'int32' });
      let state = null;
      const rows = Array.from({ length: n }, () => []);
      const done = new Array(n).fill(false);
      for (let t = 0; t < opts.maxLen && !done.every(Boolean); t++) {
        const [logits, next] = this.forward(tok, state);
        state = next;
        const ids = nn.functional.sampleLogits(logits.select(1, 0), opts).tolist();
        ids.forEach((id, b) => {
          if (id === end) done[b] = true;
          if (!done[b]) rows[b].push(id);
        });
        tok = nb.tensor(ids, { dtype: 'int32' }).unsqueeze(1);
      }
      return rows;
    });
  }
}

/** Next-character cross entropy over the real (unpadded) positions. */
function lstmLoss(model, tokens, pad) {
  const S = tokens.shape[1];
  const [logits] = model.call(tokens.narrow(1, 0, S - 1));
  return nn.functional.crossEntropy(logits.transpose(1, 2), tokens.narrow(1, 1, S - 1), { ignoreIndex: pad });
}

/**
 * Trains one model on 90% of the names and reports validation loss (nats per character) and
 * samples.
 * @param {{ model?: 'lstm' | 'transformer', steps?: number, batchSize?: number, seed?: number,
 *   samples?: number, limit?: number, quiet?: boolean, backend?: string }} [opts]
 */
export async function run(opts = {}) {
  const kind = opts.model ?? 'lstm';
  if (kind !== 'lstm' && kind !== 'transformer') throw new Error(`--model must be lstm or transformer, got ${kind}`);
  const steps = opts.steps ?? 1500;
  const batchSize = opts.batchSize ?? 64;
  const seed = opts.seed ?? 0;
  const log = opts.quiet ? () => {} : console.log;
  const backend = await useFastestBackend(opts.backend);
  nb.manualSeed(seed);

  let list = [...new Set((await data.datasets.names()).map((s) => s.toLowerCase()))];
  if (opts.limit) list = list.filter((_, i) => i % Math.ceil(list.length / opts.limit) === 0); // tests
  const vocab = data.datasets.CharVocab.fromTexts(list, { specials: [PAD, BOUNDARY] });
  const pad = vocab.indexOf(PAD);
  const boundary = vocab.indexOf(BOUNDARY);
  const encoded = list.map((s) => [boundary, ...vocab.encode(s), boundary]);
  const order = nb.randperm(encoded.length).tolist();
  const nVal = Math.round(0.1 * encoded.length);
  const val = order.slice(0, nVal).map((i) => encoded[i]);
  const trainSet = order.slice(nVal).map((i) => encoded[i]);
  const maxLen = Math.max(...encoded.map((e) => e.length));
  log(
    `${list.length} names (${trainSet.length} train / ${val.length} validation), ${vocab.size} tokens, longest ${maxLen - 2} letters; backend ${backend}`,
  );

  let model;
  let lossOf;
  if (kind === 'lstm') {
    model = new CharLSTM(vocab.size);
    lossOf = (b) => lstmLoss(model, b.batch, pad);
  } else {
    const d = 64;
    model = new nn.CausalLM(
      vocab.size,
      d,
      [nn.TransformerBlock.decoder(d, 16, 4), nn.TransformerBlock.decoder(d, 16, 4)],
      {
        positional: 'learned',
        maxLen,
        finalNorm: true,
      },
    );
    lossOf = (b) => model.nextTokenLoss(b.batch, { mask: b.mask });
  }
  const nParams = model.parameters().reduce((a, p) => a + p.numel(), 0);
  log(`${kind}: ${nParams} parameters, ${steps} steps of ${batchSize} names`);

  const toBatch = (rows) => data.batchWithMask(rows, { dtype: 'int32', paddingValue: pad });
  const valBatch = toBatch(val);
  const valLoss = () => {
    model.eval();
    const l = nb.noGrad(() => lossOf(valBatch).item());
    model.train();
    return l;
  };

  const optimizer = new optim.AdamW(model.parameters(), { lr: 3e-3, weightDecay: 0.01 });
  const scheduler = new optim.lrScheduler.OneCycleLR(optimizer, 3e-3, { totalSteps: steps, pctStart: 0.1 });
  const clock = stopwatch();
  const g = new nb.Generator(seed);
  let perm = [];
  let running = NaN;
  for (let step = 1; step <= steps; step++) {
    if (perm.length < batchSize) perm = nb.randperm(trainSet.length, { generator: g }).tolist();
    const batch = toBatch(perm.splice(0, batchSize).map((i) => trainSet[i]));
    optimizer.zeroGrad();
    const loss = lossOf(batch);
    loss.backward();
    nn.utils.clipGradNorm_(model.parameters(), 1.0);
    optimizer.step();
    scheduler.step();
    const v = loss.item();
    running = Number.isNaN(running) ? v : 0.95 * running + 0.05 * v;
    if (step % Math.max(1, Math.floor(steps / 5)) === 0 || step === steps) {
      log(
        `step ${String(step).padStart(5)}  train loss ${running.toFixed(4)}  validation loss ${valLoss().toFixed(4)}  (${fmtTime(clock.read())})`,
      );
    }
  }
  const finalVal = valLoss();

  model.eval();
  const n = opts.samples ?? 12;
  const sampleOpts = { temperature: 0.8, generator: new nb.Generator(seed + 1), maxLen };
  let rows;
  if (kind === 'lstm') rows = model.sample(n, boundary, boundary, sampleOpts);
  else {
    const prompt = nb.full([n, 1], boundary, { dtype: 'int32' });
    const out = model.generate(prompt, { ...sampleOpts, maxNewTokens: maxLen - 1, eosTokenId: boundary });
    rows = out.tolist().map((r) => {
      const body = r.slice(1);
      const end = body.indexOf(boundary);
      return end < 0 ? body : body.slice(0, end);
    });
  }
  const names = rows.map((r) => vocab.decode(r, { skipSpecials: true }));
  const known = new Set(list);
  log(
    `\nsamples (temperature 0.8; * = a new name, not in the data set): ${names.map((s) => (known.has(s) ? s : `${s}*`)).join(', ')}`,
  );
  log(`final validation loss ${finalVal.toFixed(4)} nats/char (${kind}, ${fmtTime(clock.read())})`);
  return { valLoss: finalVal, samples: names, parameters: nParams };
}

if (isMain(import.meta.url)) await run(cliOptions());
