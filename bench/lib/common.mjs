// Shared pieces of every JavaScript benchmark child: options, timing, results, data.
// Children are started by bench/run.mjs with `--jsonl FILE --data DIR [--quick]`; each finished
// figure is appended to FILE as one JSON line, so a child that dies or is killed half-way still
// leaves the figures it measured.
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Parses `--key value`, `--key=value` and bare `--flag` arguments.
 * @returns {Record<string, string | boolean>}
 */
export function parseArgs(argv = process.argv.slice(2)) {
  /** @type {Record<string, string | boolean>} */
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq > 0) out[a.slice(2, eq)] = a.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out[a.slice(2)] = argv[++i];
    else out[a.slice(2)] = true;
  }
  return out;
}

export const args = parseArgs();
export const QUICK = Boolean(args.quick);
const OUT = typeof args.jsonl === 'string' ? args.jsonl : null;
const ONLY = typeof args.only === 'string' ? new RegExp(args.only) : null;

/** Whether a workload (`W1`, `W3`, ...) was selected by `--only REGEX` (all by default). */
export function selected(workload) {
  return ONLY === null || ONLY.test(workload);
}

function emit(obj) {
  const line = JSON.stringify(obj);
  if (OUT) appendFileSync(OUT, line + '\n');
  else console.log(line);
}

/** Version of a package installed in bench/node_modules (read from its package.json). */
export function pkgVersion(name) {
  const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')).version;
}

/** Records the library, version, backend and thread count of this child. */
export function meta(m) {
  emit({ meta: m });
}

// On exit, CPU time against wall time: a single-threaded child that got less than ~0.9 of a
// core was competing with other processes, and its figures are pessimistic.
if (OUT) {
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  process.on('exit', () => {
    const u = process.cpuUsage(cpu0);
    emit({ usage: { cpuMs: (u.user + u.system) / 1000, wallMs: performance.now() - started } });
  });
}

/** Records one figure: `key` is a row of the table (e.g. `W1.512`), `value` a number. */
export function record(key, value, unit, extra = {}) {
  if (extra.cold) extra = { ...extra, note: [extra.note, 'one call, no warm-up'].filter(Boolean).join(', ') };
  emit({ key, value, unit, ...extra });
  const shown = typeof value === 'number' ? value.toPrecision(4) : value;
  process.stderr.write(`  ${key}: ${shown} ${unit}${extra.note ? ` (${extra.note})` : ''}\n`);
}

/** Records that a cell could not be measured: `fails: ...` (a peer bug) or `n/a: ...` (missing op). */
export function recordError(key, text) {
  emit({ key, error: text });
  process.stderr.write(`  ${key}: ${text}\n`);
}

/** Short one-line message of an error, for a table cell. */
export function errText(e) {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0].slice(0, 160);
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Repetition policy. Full: warm-up calls until >= 300 ms were spent (at least 1, at most 50; fast
 * ops need a few calls before allocation and caches settle), then timed calls until >= 5 and
 * >= 1 s of timed work (at most 200). Quick: warm-up until >= 50 ms (1 to 20 calls), then timed
 * calls until >= 3 and >= 200 ms, stopping once 1.5 s are spent (>= 1 call); there, a first
 * call of >= 3 s is the only sample (its warm-up would double the cost of the slowest cells),
 * except in children whose first call compiles (see firstCallCompiles).
 */
export const POLICY = QUICK
  ? { warmMin: 1, warmMax: 20, warmMs: 50, minReps: 3, minMs: 200, maxReps: 20, budgetMs: 1500, slowMs: 3000 }
  : {
      warmMin: 1,
      warmMax: 50,
      warmMs: 300,
      minReps: 5,
      minMs: 1000,
      maxReps: 200,
      budgetMs: Infinity,
      slowMs: Infinity,
    };

let compiles = false;

/** Declares that this child's first call of a workload compiles (jax-js jit), so it is never timed. */
export function firstCallCompiles() {
  compiles = true;
}

/**
 * Runs `fn` under POLICY and returns the median and all samples. `fn` (sync or async) times its
 * own region and returns milliseconds, so set-up that is not part of the workload stays out.
 */
export async function measure(fn, policy = POLICY) {
  let warmSpent = 0;
  for (let i = 0; i < policy.warmMax; i++) {
    if (i >= policy.warmMin && warmSpent >= policy.warmMs) break;
    const ms = await fn();
    if (i === 0 && ms >= policy.slowMs && !compiles) return { ms, reps: [ms], cold: true };
    warmSpent += ms;
  }
  const reps = [];
  let spent = 0;
  while (reps.length < policy.maxReps) {
    const enough = reps.length >= policy.minReps && spent >= policy.minMs;
    const overBudget = reps.length >= 1 && spent >= policy.budgetMs;
    if (enough || overBudget) break;
    const ms = await fn();
    reps.push(ms);
    spent += ms;
  }
  return { ms: median(reps), reps };
}

/** Times a synchronous region in milliseconds. */
export function time(fn) {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/** Times an asynchronous region in milliseconds. */
export async function timeAsync(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Deterministic uniform generator in [0, 1) (mulberry32), so every peer sees the same numbers. */
export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` standard-normal float32 values from a seed (Box-Muller). */
export function randn(n, seed) {
  const u = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    const th = 2 * Math.PI * u();
    out[i] = r * Math.cos(th);
    if (i + 1 < n) out[i + 1] = r * Math.sin(th);
  }
  return out;
}

/** PyTorch's default Linear/Conv initialization: U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
export function uniformInit(n, fanIn, seed) {
  const u = rng(seed);
  const b = 1 / Math.sqrt(fanIn);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (2 * u() - 1) * b;
  return out;
}

/** Transposes a row-major `[rows, cols]` matrix (for peers whose dense kernels are `[in, out]`). */
export function transpose2d(a, rows, cols) {
  const out = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
}

/**
 * The shared data prepared by run.mjs (lib/data.mjs): 10,000 MNIST digits in a seeded shuffle,
 * 8,000 train then 2,000 test, and the W2 initial weights in PyTorch's `[out, in]` layout.
 */
export function loadData(dir = args.data) {
  if (typeof dir !== 'string') throw new Error('missing --data DIR (run through bench/run.mjs)');
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
  const f32 = (name) => {
    const b = readFileSync(join(dir, name));
    return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  };
  const i32 = (name) => {
    const b = readFileSync(join(dir, name));
    return new Int32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  };
  const images = f32('images.f32');
  const labels = i32('labels.i32');
  const nTrain = meta.nTrain;
  /** @type {Record<string, { data: Float32Array, shape: number[] }>} */
  const w2 = {};
  for (const [name, shape] of Object.entries(meta.w2)) w2[name] = { data: f32(`w2_${name}.f32`), shape };
  return {
    meta,
    trainX: images.subarray(0, nTrain * 784),
    trainY: labels.subarray(0, nTrain),
    testX: images.subarray(nTrain * 784),
    testY: labels.subarray(nTrain),
    nTrain,
    nTest: labels.length - nTrain,
    w2,
  };
}

/** The W2 schedule: batch 64, 156 steps (quick: 20), cycling through the 8,000 training digits. */
export const W2 = { batch: 64, steps: QUICK ? 20 : 156, fullSteps: 156, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 };

/** Row offset (in samples) of W2's step `s`: consecutive batches of the shuffled train set, wrapping. */
export function w2Batch(d, s) {
  const start = (s * W2.batch) % d.nTrain;
  if (start + W2.batch <= d.nTrain) {
    return {
      x: d.trainX.subarray(start * 784, (start + W2.batch) * 784),
      y: d.trainY.subarray(start, start + W2.batch),
    };
  }
  const x = new Float32Array(W2.batch * 784);
  const y = new Int32Array(W2.batch);
  for (let i = 0; i < W2.batch; i++) {
    const j = (start + i) % d.nTrain;
    x.set(d.trainX.subarray(j * 784, (j + 1) * 784), i * 784);
    y[i] = d.trainY[j];
  }
  return { x, y };
}

/**
 * Measures W2: `epoch(steps)` (sync or async) trains from the shared initial weights for `steps`
 * steps and returns `{ ms, acc }` (time of the training loop only; accuracy on the 2,000 test
 * digits). Warm-up is one short epoch; each repetition starts again from the same weights.
 */
export async function measureW2(epoch) {
  await epoch(QUICK ? 3 : 8);
  let acc = NaN;
  const res = await measure(
    async () => {
      const r = await epoch(W2.steps);
      if (Number.isNaN(acc)) acc = r.acc;
      return r.ms;
    },
    { ...POLICY, warmMin: 0, warmMax: 0 },
  );
  recordW2(res, acc);
}

/** Records W2's three rows from per-epoch times and the accuracy after the first timed epoch. */
export function recordW2(res, acc) {
  const samples = W2.steps * W2.batch;
  const note = QUICK ? `${W2.steps}-step subset, scaled to 156 steps` : undefined;
  record('W2.ms', (res.ms * W2.fullSteps) / W2.steps, 'ms/epoch', { reps: res.reps, note });
  record('W2.sps', (samples / res.ms) * 1000, 'samples/s', { note });
  record('W2.acc', acc, 'accuracy', { note: QUICK ? `after ${W2.steps} steps` : undefined });
}

/** Sizes shared by the workloads (see the workloads in BENCH.md). */
export const SIZES = {
  W1: QUICK ? [128, 512] : [128, 512, 1024],
  W3: { batch: 64, lr: 0.01 },
  W4: { batch: 16, seq: 64, input: 64, hidden: 128 },
  W5: { batch: 8, seq: 128, dModel: 128, heads: 4, ffn: 512, eps: 1e-5 },
  W6: { n: 1 << 20 },
};

/** Bytes moved by W6's ops (read + written, float32). */
export const W6_BYTES = { add: 3 * 4 * SIZES.W6.n, exp: 2 * 4 * SIZES.W6.n, relu: 2 * 4 * SIZES.W6.n };
