// jax-js peer: `node peers/jax.mjs --threads 1|N --jsonl FILE --data DIR [--quick]`.
// --threads 1 measures jax-js as shipped (no global Worker in Node, so no thread pool);
// --threads N > 1 installs worker-shim.mjs first, giving jax-js a pool of N worker_threads.
//
// jax-js arrays are reference counted: every function consumes its array arguments, `x.ref`
// adds a reference for a second use, `dispose()` drops one (README "Reference counting"). The
// code below follows that contract so nothing leaks across repetitions. Work is lazy and, with
// a pool, asynchronous: a timed region ends with `await blockUntilReady(...)` on its results.
import {
  args,
  errText,
  firstCallCompiles,
  loadData,
  measure,
  measureW2,
  meta,
  pkgVersion,
  randn,
  record,
  recordError,
  selected,
  SIZES,
  timeAsync,
  transpose2d,
  uniformInit,
  W2,
  w2Batch,
  W6_BYTES,
} from '../lib/common.mjs';

const threads = Math.max(1, Number(args.threads ?? 1));
if (threads > 1) {
  const { installWorkerShim } = await import('./worker-shim.mjs');
  installWorkerShim(threads);
}
const {
  numpy: np,
  nn,
  lax,
  jit,
  valueAndGrad,
  tree,
  blockUntilReady,
  init,
  defaultDevice,
} = await import('@jax-js/jax');
await init('wasm');
defaultDevice('wasm');
firstCallCompiles();
meta({
  library: '@jax-js/jax',
  version: pkgVersion('@jax-js/jax'),
  backend: 'wasm',
  threads,
  detail: threads > 1 ? `${threads} worker_threads via worker-shim.mjs` : 'as shipped (no Worker in Node)',
});

const arr = (data, shape) => np.array(data).reshape(shape);

/** Softmax cross-entropy with mean reduction; consumes `logits` and the one-hot `y`. */
const crossEntropy = (logits, y, batch) =>
  nn
    .logSoftmax(logits, -1)
    .mul(y)
    .sum()
    .mul(-1 / batch);

async function w1() {
  for (const n of SIZES.W1) {
    const a = arr(randn(n * n, 1), [n, n]);
    const b = arr(randn(n * n, 2), [n, n]);
    await blockUntilReady([a, b]);
    const res = await measure(() =>
      timeAsync(async () => {
        const c = np.matmul(a.ref, b.ref);
        await c.blockUntilReady();
        c.dispose();
      }),
    );
    record(`W1.${n}`, (2 * n ** 3) / res.ms / 1e6, 'GFLOP/s', { reps: res.reps, cold: res.cold });
    a.dispose();
    b.dispose();
  }
}

async function w2() {
  const d = loadData();
  const B = W2.batch;
  const shapes = { w1: [784, 256], b1: [256], w2: [256, 128], b2: [128], w3: [128, 10], b3: [10] };
  const init = () => {
    const p = {};
    for (const [k, shape] of Object.entries(shapes)) {
      const src = d.w2[k];
      p[k] = arr(shape.length === 2 ? transpose2d(src.data, src.shape[0], src.shape[1]) : src.data.slice(), shape);
    }
    return p;
  };
  const predict = (p, x) => {
    const h1 = nn.relu(np.matmul(x, p.w1).add(p.b1));
    const h2 = nn.relu(np.matmul(h1, p.w2).add(p.b2));
    return np.matmul(h2, p.w3).add(p.b3);
  };
  const lossFn = (p, x, y) => crossEntropy(predict(p, x), nn.oneHot(y, 10), B);
  // One jitted step: gradient plus Adam (PyTorch's formula with bias correction folded into
  // lrT and epsT, passed as arrays so that the step number does not force a recompile).
  const step = jit((p, m, v, x, y, lrT, epsT) => {
    const [loss, g] = valueAndGrad(lossFn)(tree.ref(p), x, y);
    const np1 = {};
    const nm = {};
    const nv = {};
    for (const k of Object.keys(p)) {
      nm[k] = m[k].mul(W2.beta1).add(g[k].ref.mul(1 - W2.beta1));
      nv[k] = v[k].mul(W2.beta2).add(g[k].ref.mul(g[k]).mul(1 - W2.beta2));
      const upd = nm[k].ref.mul(lrT.ref).div(np.sqrt(nv[k].ref).add(epsT.ref));
      np1[k] = p[k].sub(upd);
    }
    lrT.dispose();
    epsT.dispose();
    return [np1, nm, nv, loss];
  });
  const evalFn = jit((p, x, y) => np.argmax(predict(p, x), 1).equal(y).astype(np.int32).sum());
  const testX = arr(d.testX, [d.nTest, 784]);
  const testY = np.array(d.testY, { dtype: np.int32 });
  const epoch = async (steps) => {
    let p = init();
    let m = tree.map((a) => np.zerosLike(a.ref), p);
    let v = tree.map((a) => np.zerosLike(a.ref), p);
    await blockUntilReady([p, m, v]);
    const ms = await timeAsync(async () => {
      for (let s = 0; s < steps; s++) {
        const t = s + 1;
        const bc1 = 1 - W2.beta1 ** t;
        const bc2 = Math.sqrt(1 - W2.beta2 ** t);
        const { x, y } = w2Batch(d, s);
        const lrT = np.array((W2.lr * bc2) / bc1);
        const epsT = np.array(W2.eps * bc2);
        let loss;
        [p, m, v, loss] = step(p, m, v, arr(x, [B, 784]), np.array(y, { dtype: np.int32 }), lrT, epsT);
        loss.dispose();
        await blockUntilReady(p);
      }
    });
    const correct = (await evalFn(tree.ref(p), testX.ref, testY.ref).data())[0];
    tree.dispose([p, m, v]);
    return { ms, acc: correct / d.nTest };
  };
  await measureW2(epoch);
  testX.dispose();
  testY.dispose();
  step.dispose();
  evalFn.dispose();
}

async function w3() {
  const d = loadData();
  const B = SIZES.W3.batch;
  const lr = SIZES.W3.lr;
  const x = arr(d.trainX.slice(0, B * 784), [B, 1, 28, 28]);
  const y = nn.oneHot(np.array(d.trainY.slice(0, B), { dtype: np.int32 }), 10);
  let p = {
    k1: arr(uniformInit(16 * 9, 9, 31), [16, 1, 3, 3]),
    c1: arr(uniformInit(16, 9, 32), [16, 1, 1]),
    k2: arr(uniformInit(32 * 144, 144, 33), [32, 16, 3, 3]),
    c2: arr(uniformInit(32, 144, 34), [32, 1, 1]),
    wd: arr(uniformInit(1568 * 10, 1568, 35), [1568, 10]),
    bd: arr(uniformInit(10, 1568, 36), [10]),
  };
  const pad = [
    [1, 1],
    [1, 1],
  ];
  const pool = (h) => lax.reduceWindow(h, np.max, [2, 2], [2, 2]);
  const lossFn = (p, x, y) => {
    let h = pool(nn.relu(lax.convGeneralDilated(x, p.k1, [1, 1], pad).add(p.c1)));
    h = pool(nn.relu(lax.convGeneralDilated(h, p.k2, [1, 1], pad).add(p.c2)));
    return crossEntropy(np.matmul(h.reshape([B, 1568]), p.wd).add(p.bd), y, B);
  };
  const step = jit((p, x, y) => {
    const [loss, g] = valueAndGrad(lossFn)(tree.ref(p), x, y);
    return [tree.map((w, gw) => w.sub(gw.mul(lr)), p, g), loss];
  });
  const res = await measure(() =>
    timeAsync(async () => {
      let loss;
      [p, loss] = step(p, x.ref, y.ref);
      loss.dispose();
      await blockUntilReady(p);
    }),
  );
  record('W3', res.ms, 'ms/step', { reps: res.reps, cold: res.cold });
  tree.dispose([p, x, y]);
  step.dispose();
}

async function w4() {
  const { batch: B, seq: T, input: I, hidden: H } = SIZES.W4;
  const x = arr(randn(T * B * I, 41), [T * B, I]);
  const p = {
    wih: arr(uniformInit(I * 4 * H, H, 42), [I, 4 * H]),
    whh: arr(uniformInit(H * 4 * H, H, 43), [H, 4 * H]),
    bih: arr(uniformInit(4 * H, H, 44), [4 * H]),
    bhh: arr(uniformInit(4 * H, H, 45), [4 * H]),
  };
  // Input projection of all steps in one matmul, then the recurrence (gates i, f, g, o),
  // unrolled inside jit: jax-js has no scan, and tracing unrolls a JS loop anyway.
  const lossFn = (p, x) => {
    const xw = np
      .matmul(x, p.wih)
      .add(p.bih.add(p.bhh))
      .reshape([T, B, 4 * H]);
    let h = np.zeros([B, H]);
    let c = np.zeros([B, H]);
    let total = null;
    for (let t = 0; t < T; t++) {
      const g = xw.ref.slice(t).add(np.matmul(h, p.whh.ref));
      const i = nn.sigmoid(g.ref.slice([], [0, H]));
      const f = nn.sigmoid(g.ref.slice([], [H, 2 * H]));
      const gg = np.tanh(g.ref.slice([], [2 * H, 3 * H]));
      const o = nn.sigmoid(g.slice([], [3 * H, 4 * H]));
      c = f.mul(c).add(i.mul(gg));
      h = o.mul(np.tanh(c.ref));
      const s = h.ref.sum();
      total = total === null ? s : total.add(s);
    }
    xw.dispose();
    p.whh.dispose();
    h.dispose();
    c.dispose();
    return total;
  };
  const step = jit((p, x) => valueAndGrad(lossFn)(p, x));
  const res = await measure(() =>
    timeAsync(async () => {
      const [loss, g] = step(tree.ref(p), x.ref);
      await blockUntilReady(g);
      tree.dispose([loss, g]);
    }),
  );
  record('W4', res.ms, 'ms/step', { reps: res.reps, cold: res.cold });
  tree.dispose([p, x]);
  step.dispose();
}

async function w5() {
  const { batch: B, seq: S, dModel: D, heads: NH, ffn: F, eps } = SIZES.W5;
  const dh = D / NH;
  const x = arr(randn(B * S * D, 51), [B * S, D]);
  const p = {
    wqkv: arr(uniformInit(D * 3 * D, D, 52), [D, 3 * D]),
    bqkv: np.zeros([3 * D]),
    wo: arr(uniformInit(D * D, D, 53), [D, D]),
    bo: np.zeros([D]),
    g1: np.ones([D]),
    be1: np.zeros([D]),
    w1: arr(uniformInit(D * F, D, 54), [D, F]),
    b1: arr(uniformInit(F, D, 55), [F]),
    w2: arr(uniformInit(F * D, F, 56), [F, D]),
    b2: arr(uniformInit(D, F, 57), [D]),
    g2: np.ones([D]),
    be2: np.zeros([D]),
  };
  const layerNorm = (z, g, b) => {
    const zc = z.sub(z.ref.mean(-1, { keepdims: true }));
    const variance = zc.ref.mul(zc.ref).mean(-1, { keepdims: true });
    return zc
      .mul(np.reciprocal(np.sqrt(variance.add(eps))))
      .mul(g)
      .add(b);
  };
  // Post-LN encoder layer (PyTorch's default norm_first=False), ReLU FFN, no dropout.
  const lossFn = (p, x) => {
    const qkv = np.matmul(x.ref, p.wqkv).add(p.bqkv).reshape([B, S, 3, NH, dh]).transpose([2, 0, 3, 1, 4]);
    const q = qkv.ref.slice(0);
    const k = qkv.ref.slice(1);
    const v = qkv.slice(2);
    const att = nn.softmax(np.matmul(q, k.transpose([0, 1, 3, 2])).mul(1 / Math.sqrt(dh)), -1);
    const a = np
      .matmul(att, v)
      .transpose([0, 2, 1, 3])
      .reshape([B * S, D]);
    const h1 = layerNorm(x.add(np.matmul(a, p.wo).add(p.bo)), p.g1, p.be1);
    const f = np.matmul(nn.relu(np.matmul(h1.ref, p.w1).add(p.b1)), p.w2).add(p.b2);
    return layerNorm(h1.add(f), p.g2, p.be2).sum();
  };
  const step = jit((p, x) => valueAndGrad(lossFn)(p, x));
  const res = await measure(() =>
    timeAsync(async () => {
      const [loss, g] = step(tree.ref(p), x.ref);
      await blockUntilReady(g);
      tree.dispose([loss, g]);
    }),
  );
  record('W5', res.ms, 'ms/step', { reps: res.reps, cold: res.cold, note: 'post-LN' });
  tree.dispose([p, x]);
  step.dispose();
}

async function w6() {
  const n = SIZES.W6.n;
  const a = arr(randn(n, 61), [n]);
  const b = arr(randn(n, 62), [n]);
  await blockUntilReady([a, b]);
  const ops = { add: () => np.add(a.ref, b.ref), exp: () => np.exp(a.ref), relu: () => nn.relu(a.ref) };
  for (const [name, op] of Object.entries(ops)) {
    const res = await measure(() =>
      timeAsync(async () => {
        const c = op();
        await c.blockUntilReady();
        c.dispose();
      }),
    );
    record(`W6.${name}`, W6_BYTES[name] / res.ms / 1e6, 'GB/s', { reps: res.reps, cold: res.cold });
  }
  a.dispose();
  b.dispose();
}

const workloads = { W1: w1, W2: w2, W3: w3, W4: w4, W5: w5, W6: w6 };
for (const [name, fn] of Object.entries(workloads)) {
  if (!selected(name)) continue;
  process.stderr.write(`jax-js ${threads}T ${name}\n`);
  try {
    await fn();
  } catch (e) {
    recordError(name, `fails: ${errText(e)}`);
  }
}
// The worker pool keeps the event loop alive; this child is done.
process.exit(0);
