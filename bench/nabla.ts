// nabla's side of the benchmark: `tsx bench/nabla.ts --backend js|wasm --threads N --jsonl FILE
// --data DIR [--quick]` (run.mjs starts it from the repository root with the root's tsx).
//
// The models use the library's modules and optimizers. A missing export (e.g. a thread-count
// setting) turns the affected cells into `n/a: <what is missing>` instead of failing the run.
import * as nb from '../src/index.js';
import {
  args,
  errText,
  loadData,
  measure,
  measureW2,
  meta,
  randn,
  record,
  recordError,
  selected,
  SIZES,
  time,
  uniformInit,
  W2,
  w2Batch,
  W6_BYTES,
} from './lib/common.mjs';

type T = nb.Tensor;
type AnyFn = (...a: unknown[]) => unknown;

/** An export of nabla that may not exist yet (looked up by name, also under nn.functional). */
function optional(name: string): AnyFn | undefined {
  const lib = nb as unknown as Record<string, unknown>;
  const nn = lib.nn as { functional?: Record<string, unknown> } | undefined;
  const f = lib[name] ?? nn?.functional?.[name];
  return typeof f === 'function' ? (f as AnyFn) : undefined;
}

/** Thrown to turn a cell into `n/a: ...`. */
class Missing extends Error {}

const backend = typeof args.backend === 'string' ? args.backend : 'js';
const threads = Math.max(1, Number(args.threads ?? 1));

/**
 * Makes `name` selectable if it is not registered yet: through the public `<name>Backend()`
 * export, else (while the backend is not exported yet) from its module in src/backend/<name>.
 * Returns a note saying how, or null when it was already registered.
 */
async function register(name: string): Promise<string | null> {
  try {
    nb.setBackend(name);
    return null;
  } catch {
    // not registered yet: fall through
  }
  let mod: Record<string, unknown> = nb as unknown as Record<string, unknown>;
  let note = `registered with nb.${name}Backend()`;
  if (typeof mod[`${name}Backend`] !== 'function') {
    mod = (await import(`../src/backend/${name}/index.js`)) as Record<string, unknown>;
    note = `registered from src/backend/${name} (not exported from the package yet)`;
  }
  const make = mod[`${name}Backend`] as () => Parameters<typeof nb.registerBackend>[0];
  const init = mod[`init${name[0].toUpperCase()}${name.slice(1)}`];
  nb.registerBackend(make());
  if (typeof init === 'function') {
    const info: unknown = await (init as () => Promise<unknown>)();
    if (info && typeof info === 'object') note += ` ${JSON.stringify(info)}`;
  }
  return note;
}

let setupNote = 'nn modules + optim';

/** Selects the backend and thread count; returns why it cannot (an n/a text), or null. */
async function setup(): Promise<string | null> {
  try {
    const how = await register(backend);
    if (how) setupNote += `; ${how}`;
    nb.setBackend(backend);
  } catch (e) {
    process.stderr.write(`nabla: backend '${backend}': ${errText(e)}\n`);
    return `n/a: no ${backend} backend yet`;
  }
  const setThreads = optional('setNumThreads');
  if (setThreads) {
    const r = setThreads(threads);
    if (r instanceof Promise) await r;
  } else if (threads > 1) {
    return 'n/a: no nb.setNumThreads yet';
  }
  return null;
}

const { nn, optim } = nb;
const constant = (data: Float32Array, shape: number[]): T => nb.tensor(data).reshape(shape);
/** A float32 tensor of `shape` filled from a seeded generator (for loading into modules). */
const filled = (data: Float32Array, shape: number[]): T => nb.tensor(data).reshape(shape);

/** Loads every parameter of `m` with seeded PyTorch-default-style uniform values. */
function seedParams(
  m: {
    namedParameters(): Iterable<[string, T]>;
    loadStateDict(sd: Record<string, T>, o?: { strict?: boolean }): unknown;
  },
  seed: number,
): void {
  const sd: Record<string, T> = {};
  for (const [name, p] of m.namedParameters()) {
    const fanIn = p.ndim > 1 ? p.numel() / p.shape[0] : p.shape[0];
    sd[name] = filled(uniformInit(p.numel(), fanIn, seed++), [...p.shape]);
  }
  m.loadStateDict(sd, { strict: false });
}

async function w1(): Promise<void> {
  for (const n of SIZES.W1) {
    const a = constant(randn(n * n, 1), [n, n]);
    const b = constant(randn(n * n, 2), [n, n]);
    const res = await measure(() => time(() => nb.matmul(a, b)));
    record(`W1.${n}`, (2 * n ** 3) / res.ms / 1e6, 'GFLOP/s', { reps: res.reps, cold: res.cold });
  }
}

// Every model below is built from the library's own modules and optimizers (nn.Linear,
// nn.Conv2d, nn.LSTM, nn.TransformerEncoderLayer, optim.Adam/SGD), as a user would write it.
async function w2(): Promise<void> {
  const d = loadData();
  const B = W2.batch;
  const testX = constant(d.testX, [d.nTest, 784]);
  const testY = nb.tensor(d.testY, { dtype: 'int32' });
  const epoch = (steps: number): { ms: number; acc: number } => {
    const model = new nn.Sequential(
      new nn.Linear(784, 256),
      new nn.ReLU(),
      new nn.Linear(256, 128),
      new nn.ReLU(),
      new nn.Linear(128, 10),
    );
    // The shared initial weights (PyTorch's default Linear init, [out, in] layout).
    const sd: Record<string, T> = {};
    ['w1', 'b1', 'w2', 'b2', 'w3', 'b3'].forEach((k, i) => {
      const key = `${2 * Math.floor(i / 2)}.${k[0] === 'w' ? 'weight' : 'bias'}`;
      sd[key] = filled(d.w2[k].data.slice(), d.w2[k].shape);
    });
    model.loadStateDict(sd);
    const opt = new optim.Adam(model.parameters(), { lr: W2.lr, betas: [W2.beta1, W2.beta2], eps: W2.eps });
    const ms = time(() => {
      for (let s = 0; s < steps; s++) {
        const { x, y } = w2Batch(d, s);
        opt.zeroGrad();
        nn.functional.crossEntropy(model.forward(constant(x, [B, 784])), nb.tensor(y, { dtype: 'int32' })).backward();
        opt.step();
      }
    });
    const correct = nb.noGrad(() => model.forward(testX).argmax(1).eq(testY).sum().item());
    return { ms, acc: Number(correct) / d.nTest };
  };
  await measureW2(epoch);
}

async function w3(): Promise<void> {
  const d = loadData();
  const B = SIZES.W3.batch;
  const x = constant(d.trainX.slice(0, B * 784), [B, 1, 28, 28]);
  const y = nb.tensor(d.trainY.slice(0, B), { dtype: 'int32' });
  const model = new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(1568, 10),
  );
  seedParams(model, 31);
  const opt = new optim.SGD(model.parameters(), { lr: SIZES.W3.lr });
  const step = (): void => {
    opt.zeroGrad();
    nn.functional.crossEntropy(model.forward(x), y).backward();
    opt.step();
  };
  const res = await measure(() => time(step));
  record('W3', res.ms, 'ms/step', { reps: res.reps, cold: res.cold });
}

async function w4(): Promise<void> {
  const { batch: B, seq: S, input: I, hidden: H } = SIZES.W4;
  const x = constant(randn(S * B * I, 41), [S, B, I]);
  const lstm = new nn.LSTM(I, H);
  seedParams(lstm, 42);
  const params = lstm.parameters();
  const step = (): void => {
    for (const p of params) p.grad = null;
    lstm.forward(x)[0].sum().backward();
  };
  const res = await measure(() => time(step));
  record('W4', res.ms, 'ms/step', { reps: res.reps, cold: res.cold, note: 'nn.LSTM' });
}

async function w5(): Promise<void> {
  const { batch: B, seq: S, dModel: D, heads: NH, ffn: F, eps } = SIZES.W5;
  const x = constant(randn(B * S * D, 51), [B, S, D]);
  // Post-LN (PyTorch's default normFirst false), ReLU FFN, no dropout.
  const layer = new nn.TransformerEncoderLayer(D, NH, {
    dimFeedforward: F,
    dropout: 0,
    batchFirst: true,
    layerNormEps: eps,
  });
  seedParams(layer, 52);
  const params = layer.parameters();
  const step = (): void => {
    for (const p of params) p.grad = null;
    layer.forward(x).sum().backward();
  };
  const res = await measure(() => time(step));
  record('W5', res.ms, 'ms/step', { reps: res.reps, cold: res.cold, note: 'post-LN, nn.TransformerEncoderLayer' });
}

async function w6(): Promise<void> {
  const n = SIZES.W6.n;
  const a = constant(randn(n, 61), [n]);
  const b = constant(randn(n, 62), [n]);
  const ops: Record<string, () => T> = { add: () => nb.add(a, b), exp: () => nb.exp(a), relu: () => nb.relu(a) };
  for (const [name, op] of Object.entries(ops)) {
    const res = await measure(() => time(op));
    record(`W6.${name}`, W6_BYTES[name as keyof typeof W6_BYTES] / res.ms / 1e6, 'GB/s', {
      reps: res.reps,
      cold: res.cold,
    });
  }
}

const keys: Record<string, string[]> = {
  W1: SIZES.W1.map((n) => `W1.${n}`),
  W2: ['W2.ms', 'W2.sps', 'W2.acc'],
  W3: ['W3'],
  W4: ['W4'],
  W5: ['W5'],
  W6: ['W6.add', 'W6.exp', 'W6.relu'],
};
const workloads: Record<string, () => Promise<void>> = { W1: w1, W2: w2, W3: w3, W4: w4, W5: w5, W6: w6 };

const unavailable = await setup();
meta({ library: 'nabla', version: '0.1.0 (working tree)', backend, threads, detail: unavailable ?? setupNote });
for (const [name, fn] of Object.entries(workloads)) {
  if (!selected(name)) continue;
  process.stderr.write(`nabla-${backend} ${threads}T ${name}\n`);
  if (unavailable) {
    for (const k of keys[name]) recordError(k, unavailable);
    continue;
  }
  try {
    await fn();
  } catch (e) {
    const text = e instanceof Missing ? e.message : `fails: ${errText(e)}`;
    for (const k of keys[name]) recordError(k, text);
  }
}
