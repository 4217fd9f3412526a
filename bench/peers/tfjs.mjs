// TensorFlow.js peer: `node peers/tfjs.mjs --backend cpu|wasm --jsonl FILE --data DIR [--quick]`.
// Kernels of the cpu and wasm backends run synchronously inside each op call, so a timed region
// ends when its last op returns; every step runs inside tf.tidy (or an optimizer's minimize,
// which tidies) and disposes what it created, so memory stays flat across repetitions.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  args,
  errText,
  loadData,
  measure,
  meta,
  pkgVersion,
  randn,
  record,
  recordError,
  measureW2,
  selected,
  SIZES,
  time,
  transpose2d,
  uniformInit,
  W2,
  w2Batch,
  W6_BYTES,
} from '../lib/common.mjs';

const backend = args.backend === 'wasm' ? 'wasm' : 'cpu';
await tf.setBackend(backend);
await tf.ready();
const simd = backend === 'wasm' ? await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') : false;
const threaded = backend === 'wasm' ? await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') : false;
meta({
  library: '@tensorflow/tfjs',
  version: tf.version.tfjs,
  backend: backend === 'wasm' ? `wasm ${pkgVersion('@tensorflow/tfjs-backend-wasm')}` : 'cpu',
  threads: 1,
  detail: backend === 'wasm' ? `SIMD ${simd}, multithread ${threaded}` : 'plain JS kernels',
});

const param = (data, shape) => tf.variable(tf.tensor(data, shape, 'float32'));

async function w1() {
  for (const n of SIZES.W1) {
    const a = tf.tensor(randn(n * n, 1), [n, n]);
    const b = tf.tensor(randn(n * n, 2), [n, n]);
    const res = await measure(() =>
      time(() => {
        tf.matMul(a, b).dispose();
      }),
    );
    record(`W1.${n}`, (2 * n ** 3) / res.ms / 1e6, 'GFLOP/s', { reps: res.reps, cold: res.cold });
    a.dispose();
    b.dispose();
  }
}

async function w2() {
  const d = loadData();
  // tfjs dense kernels are [in, out]: transpose PyTorch's [out, in] once, outside the timing.
  const init = () => ({
    w1: param(transpose2d(d.w2.w1.data, 256, 784), [784, 256]),
    b1: param(d.w2.b1.data, [256]),
    w2: param(transpose2d(d.w2.w2.data, 128, 256), [256, 128]),
    b2: param(d.w2.b2.data, [128]),
    w3: param(transpose2d(d.w2.w3.data, 10, 128), [128, 10]),
    b3: param(d.w2.b3.data, [10]),
  });
  const model = (p, x) =>
    tf
      .relu(tf.relu(x.matMul(p.w1).add(p.b1)).matMul(p.w2).add(p.b2))
      .matMul(p.w3)
      .add(p.b3);
  const epoch = (steps) => {
    const p = init();
    const opt = tf.train.adam(W2.lr, W2.beta1, W2.beta2, W2.eps);
    const ms = time(() => {
      for (let s = 0; s < steps; s++) {
        const { x, y } = w2Batch(d, s);
        const xs = tf.tensor2d(x, [W2.batch, 784]);
        const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(y, 'int32'), 10));
        opt.minimize(() => tf.losses.softmaxCrossEntropy(ys, model(p, xs)), false, Object.values(p));
        xs.dispose();
        ys.dispose();
      }
    });
    const acc = tf.tidy(() => {
      const logits = model(p, tf.tensor2d(d.testX, [d.nTest, 784]));
      return logits.argMax(1).equal(tf.tensor1d(d.testY, 'int32')).sum().dataSync()[0] / d.nTest;
    });
    opt.dispose();
    for (const v of Object.values(p)) v.dispose();
    return { ms, acc };
  };
  await measureW2(epoch);
}

async function w3() {
  const d = loadData();
  const B = SIZES.W3.batch;
  // tfjs convolutions are NHWC with [kh, kw, in, out] kernels: its native layout.
  const x = tf.tensor4d(d.trainX.subarray(0, B * 784), [B, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(d.trainY.subarray(0, B), 'int32'), 10);
  const p = {
    k1: param(uniformInit(9 * 16, 9, 31), [3, 3, 1, 16]),
    c1: param(uniformInit(16, 9, 32), [16]),
    k2: param(uniformInit(9 * 16 * 32, 144, 33), [3, 3, 16, 32]),
    c2: param(uniformInit(32, 144, 34), [32]),
    wd: param(uniformInit(1568 * 10, 1568, 35), [1568, 10]),
    bd: param(uniformInit(10, 1568, 36), [10]),
  };
  const opt = tf.train.sgd(SIZES.W3.lr);
  const loss = () => {
    let h = tf.relu(tf.conv2d(x, p.k1, 1, 'same').add(p.c1));
    h = tf.maxPool(h, 2, 2, 'valid');
    h = tf.relu(tf.conv2d(h, p.k2, 1, 'same').add(p.c2));
    h = tf.maxPool(h, 2, 2, 'valid');
    return tf.losses.softmaxCrossEntropy(y, h.reshape([B, 1568]).matMul(p.wd).add(p.bd));
  };
  try {
    const res = await measure(() => time(() => opt.minimize(loss, false, Object.values(p))));
    record('W3', res.ms, 'ms/step', { reps: res.reps, cold: res.cold });
  } catch (e) {
    recordError('W3', `fails: ${errText(e)}`);
  } finally {
    opt.dispose();
    tf.dispose([x, y, ...Object.values(p)]);
  }
}

async function w4() {
  const { batch: B, seq: T, input: I, hidden: H } = SIZES.W4;
  const x = tf.tensor(randn(T * B * I, 41), [T * B, I]);
  const p = {
    wih: param(uniformInit(I * 4 * H, H, 42), [I, 4 * H]),
    whh: param(uniformInit(H * 4 * H, H, 43), [H, 4 * H]),
    bih: param(uniformInit(4 * H, H, 44), [4 * H]),
    bhh: param(uniformInit(4 * H, H, 45), [4 * H]),
  };
  // One matmul for the input projection of all steps, then the recurrence; gates i, f, g, o.
  const loss = () => {
    const xw = x
      .matMul(p.wih)
      .add(p.bih.add(p.bhh))
      .reshape([T, B, 4 * H]);
    const steps = tf.unstack(xw);
    let h = tf.zeros([B, H]);
    let c = tf.zeros([B, H]);
    const hs = [];
    for (let t = 0; t < T; t++) {
      const [gi, gf, gg, go] = tf.split(steps[t].add(h.matMul(p.whh)), 4, 1);
      c = tf
        .sigmoid(gf)
        .mul(c)
        .add(tf.sigmoid(gi).mul(tf.tanh(gg)));
      h = tf.sigmoid(go).mul(tf.tanh(c));
      hs.push(h);
    }
    return tf.stack(hs).sum();
  };
  const res = await measure(() =>
    time(() => {
      const { value, grads } = tf.variableGrads(loss, Object.values(p));
      value.dispose();
      for (const g of Object.values(grads)) g.dispose();
    }),
  );
  record('W4', res.ms, 'ms/step', { reps: res.reps, cold: res.cold });
  tf.dispose([x, ...Object.values(p)]);
}

async function w5() {
  const { batch: B, seq: S, dModel: D, heads: NH, ffn: F, eps } = SIZES.W5;
  const dh = D / NH;
  const x = tf.tensor(randn(B * S * D, 51), [B * S, D]);
  const ones = (n) => new Float32Array(n).fill(1);
  const p = {
    wqkv: param(uniformInit(D * 3 * D, D, 52), [D, 3 * D]),
    bqkv: param(new Float32Array(3 * D), [3 * D]),
    wo: param(uniformInit(D * D, D, 53), [D, D]),
    bo: param(new Float32Array(D), [D]),
    g1: param(ones(D), [D]),
    be1: param(new Float32Array(D), [D]),
    w1: param(uniformInit(D * F, D, 54), [D, F]),
    b1: param(uniformInit(F, D, 55), [F]),
    w2: param(uniformInit(F * D, F, 56), [F, D]),
    b2: param(uniformInit(D, F, 57), [D]),
    g2: param(ones(D), [D]),
    be2: param(new Float32Array(D), [D]),
  };
  const layerNorm = (z, g, b) => {
    const { mean, variance } = tf.moments(z, -1, true);
    return z
      .sub(mean)
      .mul(tf.rsqrt(variance.add(eps)))
      .mul(g)
      .add(b);
  };
  // Post-LN encoder layer (PyTorch's default norm_first=False), ReLU FFN, no dropout.
  const loss = () => {
    const qkv = x.matMul(p.wqkv).add(p.bqkv).reshape([B, S, 3, NH, dh]).transpose([2, 0, 3, 1, 4]);
    const [q, k, v] = tf.unstack(qkv);
    const att = tf.softmax(tf.matMul(q, k, false, true).mul(1 / Math.sqrt(dh)));
    const a = tf
      .matMul(att, v)
      .transpose([0, 2, 1, 3])
      .reshape([B * S, D]);
    const h1 = layerNorm(x.add(a.matMul(p.wo).add(p.bo)), p.g1, p.be1);
    const f = tf.relu(h1.matMul(p.w1).add(p.b1)).matMul(p.w2).add(p.b2);
    return layerNorm(h1.add(f), p.g2, p.be2).sum();
  };
  const res = await measure(() =>
    time(() => {
      const { value, grads } = tf.variableGrads(loss, Object.values(p));
      value.dispose();
      for (const g of Object.values(grads)) g.dispose();
    }),
  );
  record('W5', res.ms, 'ms/step', { reps: res.reps, cold: res.cold, note: 'post-LN' });
  tf.dispose([x, ...Object.values(p)]);
}

async function w6() {
  const n = SIZES.W6.n;
  const a = tf.tensor(randn(n, 61), [n]);
  const b = tf.tensor(randn(n, 62), [n]);
  const ops = { add: () => tf.add(a, b), exp: () => tf.exp(a), relu: () => tf.relu(a) };
  for (const [name, op] of Object.entries(ops)) {
    const res = await measure(() => time(() => op().dispose()));
    record(`W6.${name}`, W6_BYTES[name] / res.ms / 1e6, 'GB/s', { reps: res.reps, cold: res.cold });
  }
  tf.dispose([a, b]);
}

const workloads = { W1: w1, W2: w2, W3: w3, W4: w4, W5: w5, W6: w6 };
for (const [name, fn] of Object.entries(workloads)) {
  if (!selected(name)) continue;
  process.stderr.write(`tfjs-${backend} ${name}\n`);
  try {
    await fn();
  } catch (e) {
    recordError(name, `fails: ${errText(e)}`);
  }
  const mem = tf.memory();
  process.stderr.write(`  (tfjs tensors alive: ${mem.numTensors})\n`);
}
