// nabla's side of the benchmark: `tsx bench/nabla.ts --backend js|wasm --threads N --jsonl FILE
// --data DIR [--quick]` (run.mjs starts it from the repository root with the root's tsx).
//
// Until nn and optim land, the models are written with raw tensor ops and a hand-written Adam
// or SGD update inside nb.noGrad. Ops that other work is still adding (conv2d, maxPool2d, a
// thread-count setting, the wasm backend) are looked up at run time: a missing one turns the
// cell into `n/a: <what is missing>` instead of failing the whole run.
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

let setupNote = 'raw ops';

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

const param = (data: Float32Array, shape: number[]): T => nb.tensor(data).reshape(shape).requiresGrad_();
const constant = (data: Float32Array, shape: number[]): T => nb.tensor(data).reshape(shape);
const linear = (x: T, w: T, b: T): T => x.matmul(w.t()).add(b);
const zeroGrads = (ps: T[]): void => {
  for (const p of ps) p.grad = null;
};

/** One-hot float32 `[n, classes]` from integer labels (built in JS, like a data loader would). */
function oneHot(labels: ArrayLike<number>, classes: number): T {
  const out = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) out[i * classes + labels[i]] = 1;
  return constant(out, [labels.length, classes]);
}

/** Mean softmax cross-entropy of logits `[n, c]` against one-hot targets. */
const crossEntropy = (logits: T, target: T): T => nb.logSoftmax(logits, 1).mul(target).sum().div(-logits.shape[0]);

async function w1(): Promise<void> {
  for (const n of SIZES.W1) {
    const a = constant(randn(n * n, 1), [n, n]);
    const b = constant(randn(n * n, 2), [n, n]);
    const res = await measure(() => time(() => nb.matmul(a, b)));
    record(`W1.${n}`, (2 * n ** 3) / res.ms / 1e6, 'GFLOP/s', { reps: res.reps, cold: res.cold });
  }
}

async function w2(): Promise<void> {
  const d = loadData();
  const B = W2.batch;
  const testX = constant(d.testX, [d.nTest, 784]);
  const testY = nb.tensor(d.testY, { dtype: 'int32' });
  const forward = (p: T[], x: T): T => {
    const h1 = linear(x, p[0], p[1]).relu();
    const h2 = linear(h1, p[2], p[3]).relu();
    return linear(h2, p[4], p[5]);
  };
  const epoch = (steps: number): { ms: number; acc: number } => {
    const names = ['w1', 'b1', 'w2', 'b2', 'w3', 'b3'];
    const p = names.map((k) => param(d.w2[k].data.slice(), d.w2[k].shape));
    const m = p.map((t) => nb.zerosLike(t));
    const v = p.map((t) => nb.zerosLike(t));
    const ms = time(() => {
      for (let s = 0; s < steps; s++) {
        const { x, y } = w2Batch(d, s);
        zeroGrads(p);
        crossEntropy(forward(p, constant(x, [B, 784])), oneHot(y, 10)).backward();
        // Adam, PyTorch's formula: p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps).
        const t = s + 1;
        const bc1 = 1 - W2.beta1 ** t;
        const bc2 = Math.sqrt(1 - W2.beta2 ** t);
        nb.noGrad(() => {
          p.forEach((w, i) => {
            const g = w.grad as T;
            m[i].mul_(W2.beta1).add_(g, { alpha: 1 - W2.beta1 });
            v[i].mul_(W2.beta2).add_(g.mul(g), { alpha: 1 - W2.beta2 });
            w.sub_(m[i].div(v[i].sqrt().add(W2.eps * bc2)), { alpha: (W2.lr * bc2) / bc1 });
          });
        });
      }
    });
    const correct = nb.noGrad(() => forward(p, testX).argmax(1).eq(testY).sum().item());
    return { ms, acc: Number(correct) / d.nTest };
  };
  await measureW2(epoch);
}

async function w3(): Promise<void> {
  const conv2d = optional('conv2d');
  const maxPool2d = optional('maxPool2d');
  if (!conv2d) throw new Missing('n/a: missing conv2d');
  if (!maxPool2d) throw new Missing('n/a: missing maxPool2d');
  const d = loadData();
  const B = SIZES.W3.batch;
  const x = constant(d.trainX.slice(0, B * 784), [B, 1, 28, 28]);
  const y = oneHot(d.trainY.subarray(0, B), 10);
  const p = [
    param(uniformInit(16 * 9, 9, 31), [16, 1, 3, 3]),
    param(uniformInit(16, 9, 32), [16]),
    param(uniformInit(32 * 144, 144, 33), [32, 16, 3, 3]),
    param(uniformInit(32, 144, 34), [32]),
    param(uniformInit(10 * 1568, 1568, 35), [10, 1568]),
    param(uniformInit(10, 1568, 36), [10]),
  ];
  // PyTorch's F.conv2d(input, weight, bias, stride, padding) and F.max_pool2d(input, k).
  const conv = (h: T, w: T, b: T): T => conv2d(h, w, b, { padding: 1 }) as T;
  const pool = (h: T): T => maxPool2d(h, 2) as T;
  const step = (): void => {
    zeroGrads(p);
    let h = pool(conv(x, p[0], p[1]).relu());
    h = pool(conv(h, p[2], p[3]).relu());
    crossEntropy(linear(h.reshape([B, 1568]), p[4], p[5]), y).backward();
    nb.noGrad(() => {
      for (const w of p) w.sub_(w.grad as T, { alpha: SIZES.W3.lr });
    });
  };
  const res = await measure(() => time(step));
  record('W3', res.ms, 'ms/step', { reps: res.reps, cold: res.cold });
}

async function w4(): Promise<void> {
  const { batch: B, seq: S, input: I, hidden: H } = SIZES.W4;
  const x = constant(randn(S * B * I, 41), [S * B, I]);
  // PyTorch's nn.LSTM layout: weight_ih [4H, I], weight_hh [4H, H], gates i, f, g, o.
  const p = [
    param(uniformInit(4 * H * I, H, 42), [4 * H, I]),
    param(uniformInit(4 * H * H, H, 43), [4 * H, H]),
    param(uniformInit(4 * H, H, 44), [4 * H]),
    param(uniformInit(4 * H, H, 45), [4 * H]),
  ];
  const step = (): void => {
    zeroGrads(p);
    const [wih, whh, bih, bhh] = p;
    const xw = linear(x, wih, bih.add(bhh)).reshape([S, B, 4 * H]);
    const whhT = whh.t();
    let h = nb.zeros([B, H]);
    let c = nb.zeros([B, H]);
    const hs: T[] = [];
    for (let t = 0; t < S; t++) {
      const g = xw.select(0, t).add(h.matmul(whhT));
      const i = g.narrow(1, 0, H).sigmoid();
      const f = g.narrow(1, H, H).sigmoid();
      const gg = g.narrow(1, 2 * H, H).tanh();
      const o = g.narrow(1, 3 * H, H).sigmoid();
      c = f.mul(c).add(i.mul(gg));
      h = o.mul(c.tanh());
      hs.push(h);
    }
    nb.stack(hs).sum().backward();
  };
  const res = await measure(() => time(step));
  record('W4', res.ms, 'ms/step', { reps: res.reps, cold: res.cold });
}

async function w5(): Promise<void> {
  const { batch: B, seq: S, dModel: D, heads: NH, ffn: F, eps } = SIZES.W5;
  const dh = D / NH;
  const x = constant(randn(B * S * D, 51), [B * S, D]);
  const ones = (n: number): Float32Array => new Float32Array(n).fill(1);
  // PyTorch's layouts: in_proj [3D, D], out_proj [D, D], linear1 [F, D], linear2 [D, F].
  const p = {
    wqkv: param(uniformInit(3 * D * D, D, 52), [3 * D, D]),
    bqkv: param(new Float32Array(3 * D), [3 * D]),
    wo: param(uniformInit(D * D, D, 53), [D, D]),
    bo: param(new Float32Array(D), [D]),
    g1: param(ones(D), [D]),
    be1: param(new Float32Array(D), [D]),
    w1: param(uniformInit(F * D, D, 54), [F, D]),
    b1: param(uniformInit(F, D, 55), [F]),
    w2: param(uniformInit(D * F, F, 56), [D, F]),
    b2: param(uniformInit(D, F, 57), [D]),
    g2: param(ones(D), [D]),
    be2: param(new Float32Array(D), [D]),
  };
  const ps = Object.values(p);
  const layerNorm = (z: T, g: T, b: T): T => {
    const zc = z.sub(z.mean(-1, { keepdim: true }));
    const variance = zc.mul(zc).mean(-1, { keepdim: true });
    return zc.mul(variance.add(eps).rsqrt()).mul(g).add(b);
  };
  // Post-LN encoder layer (PyTorch's default norm_first=False), ReLU FFN, no dropout.
  const step = (): void => {
    zeroGrads(ps);
    const qkv = linear(x, p.wqkv, p.bqkv).reshape([B, S, 3, NH, dh]).permute([2, 0, 3, 1, 4]);
    const [q, k, v] = [qkv.select(0, 0), qkv.select(0, 1), qkv.select(0, 2)];
    const att = nb.softmax(q.matmul(k.transpose(-2, -1)).mul(1 / Math.sqrt(dh)), -1);
    const a = att
      .matmul(v)
      .permute([0, 2, 1, 3])
      .reshape([B * S, D]);
    const h1 = layerNorm(x.add(linear(a, p.wo, p.bo)), p.g1, p.be1);
    const f = linear(linear(h1, p.w1, p.b1).relu(), p.w2, p.b2);
    layerNorm(h1.add(f), p.g2, p.be2).sum().backward();
  };
  const res = await measure(() => time(step));
  record('W5', res.ms, 'ms/step', { reps: res.reps, cold: res.cold, note: 'post-LN' });
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
