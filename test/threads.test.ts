// The worker pool and threaded GEMM: parity with the single-threaded path (bit for bit) and with
// the js kernel (to rounding) on random shapes, layouts, batches and dtypes; thread-count
// validation; and a child process that uses two threads and must exit by itself.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as nb from '../src/index.js';
import { jsBackend } from '../src/backend/js/index.js';
import type { View } from '../src/backend/types.js';
import { matmul, threading } from '../src/backend/wasm/matmul.js';
import {
  getNumThreads,
  lastJob,
  setNumThreads,
  threadsAvailable,
  workersReady,
} from '../src/backend/wasm/thread-pool.js';

// mulberry32, so failures reproduce.
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(2024);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

// A [B, R, C] view over fresh random storage: row-major or transposed (`t`), optionally every
// element `spread` apart, with a stride-0 batch when `bcast`, after a random offset.
function view(B: number, R: number, C: number, ctor: Ctor, o: { t?: boolean; bcast?: boolean; spread?: number }): View {
  const sp = o.spread ?? 1;
  const [sr, sc] = o.t ? [sp, R * sp] : [C * sp, sp];
  const offset = Math.floor(rand() * 4);
  const items = o.bcast ? 1 : B;
  const data = new ctor(offset + items * R * C * sp);
  for (let i = 0; i < data.length; i++) data[i] = rand() * 4 - 2;
  return { data, shape: [B, R, C], strides: [o.bcast ? 0 : R * C * sp, sr, sc], offset };
}

function at(v: View, b: number, r: number, c: number): number {
  return v.data[v.offset + b * v.strides[0] + r * v.strides[1] + c * v.strides[2]];
}

// |got - js| <= (K + 2) eps sum_k |a_ik b_kj|: the classic bound for a K-term dot product in
// precision eps (Higham, Accuracy and Stability of Numerical Algorithms, section 3.1).
function checkClose(a: View, b: View, got: ArrayLike<number>, want: ArrayLike<number>, eps: number, label: string) {
  const [B, M, K] = a.shape;
  const N = b.shape[2];
  for (let bi = 0; bi < B; bi++)
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let mag = 0;
        for (let k = 0; k < K; k++) mag += Math.abs(at(a, bi, i, k) * at(b, bi, k, j));
        const o = (bi * M + i) * N + j;
        const tol = (K + 2) * eps * mag + 1e-30;
        if (!(Math.abs(got[o] - want[o]) <= tol))
          assert.fail(`${label}: out[${bi}, ${i}, ${j}] = ${got[o]}, js ${want[o]}`);
      }
}

function product(a: View, b: View, ctor: Ctor, threads: number): Float32Array | Float64Array {
  setNumThreads(threads);
  const out = new ctor(a.shape[0] * a.shape[1] * b.shape[2]).fill(NaN);
  matmul(a, b, out);
  return out;
}

const SIZES = [1, 2, 3, 5, 7, 8, 9, 13, 16, 17, 31, 64, 65, 100, 129];

describe('threaded matmul', { skip: !threadsAvailable() && 'no worker threads or shared memory here' }, () => {
  const saved = { threads: getNumThreads(), ...threading };
  before(async () => {
    threading.minFlops = 0; // every product goes to the pool, however small
    threading.minIntensity = 0;
    setNumThreads(2);
    matmul(view(1, 8, 8, Float32Array, {}), view(1, 8, 8, Float32Array, {}), new Float32Array(64));
    assert.equal(await workersReady(), 1);
  });
  after(() => {
    setNumThreads(saved.threads);
    threading.minFlops = saved.minFlops;
    threading.minIntensity = saved.minIntensity;
  });

  for (const ctor of [Float32Array, Float64Array]) {
    test(`${ctor.name.slice(0, 7)}: 2 threads give the bits of 1 thread, and match js`, () => {
      const shapes = [
        [1, 1, 1, 1],
        [1, 203, 300, 20], // K and M cross the kc and mc blocks
        [1, 64, 784, 40],
        [3, 1, 7, 5],
        [2, 0, 3, 4], // size 0 and K = 0 stay off the pool
        [2, 3, 0, 4],
      ];
      for (let t = 0; t < 24; t++) shapes.push([pick([1, 2, 3]), pick(SIZES), pick(SIZES), pick(SIZES)]);
      for (const [B, M, K, N] of shapes) {
        const bcast = B > 1 ? pick(['', '', 'a', 'b']) : '';
        // Every other element (spread 2) is still staged for the pool; every third is packed by
        // JavaScript, so such a product stays on the calling thread.
        const [sa, sb] = [pick([1, 1, 1, 2, 3]), pick([1, 1, 1, 2, 3])];
        const a = view(B, M, K, ctor, { t: rand() < 0.5, bcast: bcast === 'a', spread: sa });
        const b = view(B, K, N, ctor, { t: rand() < 0.5, bcast: bcast === 'b', spread: sb });
        const label = `[${B}, ${M}, ${K}] @ [${B}, ${K}, ${N}] strides ${a.strides} / ${b.strides}`;
        const one = product(a, b, ctor, 1);
        const jobs = lastJob().jobs;
        const two = product(a, b, ctor, 2);
        if (B * M * N * K === 0) assert.equal(lastJob().jobs, jobs, `${label}: stayed off the pool`);
        else if (Math.max(sa, sb) < 3) assert.equal(lastJob().jobs, jobs + 1, `${label}: ran on the pool`);
        assert.deepEqual(two, one, label);
        const want = new ctor(one.length);
        jsBackend.kernels.matmul(a, b, want);
        checkClose(a, b, two, want, ctor === Float32Array ? 2 ** -23 : 2 ** -52, label);
      }
    });
  }

  test('operands larger than one staging piece (65536 elements), in every layout', () => {
    const shapes = [
      [1, 300, 400, 350],
      [3, 130, 270, 190],
      [1, 70, 1100, 90],
    ];
    for (const [B, M, K, N] of shapes) {
      for (const [ta, tb] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ]) {
        const a = view(B, M, K, Float32Array, { t: ta });
        const b = view(B, K, N, Float32Array, { t: tb });
        const label = `[${B}, ${M}, ${K}] @ [${B}, ${K}, ${N}] strides ${a.strides} / ${b.strides}`;
        const one = product(a, b, Float32Array, 1);
        const jobs = lastJob().jobs;
        const two = product(a, b, Float32Array, 2);
        assert.equal(lastJob().jobs, jobs + 1, `${label}: ran on the pool`);
        assert.deepEqual(two, one, label);
        for (let q = 0; q < 20; q++) {
          // Spot checks against a float64 dot product, with the bound of checkClose.
          const [bi, i, j] = [Math.floor(rand() * B), Math.floor(rand() * M), Math.floor(rand() * N)];
          let [dot, mag] = [0, 0];
          for (let k = 0; k < K; k++) {
            dot += at(a, bi, i, k) * at(b, bi, k, j);
            mag += Math.abs(at(a, bi, i, k) * at(b, bi, k, j));
          }
          const got = two[(bi * M + i) * N + j];
          assert.ok(Math.abs(got - dot) <= (K + 2) * 2 ** -23 * mag, `${label}: out[${bi}, ${i}, ${j}]`);
        }
      }
    }
  });

  test('a weight shared by the batch (x @ W^T) and a shared left operand', () => {
    for (const bcast of ['a', 'b']) {
      const a = view(4, 33, 70, Float32Array, { bcast: bcast === 'a' });
      const b = view(4, 70, 45, Float32Array, { t: true, bcast: bcast === 'b' });
      assert.deepEqual(product(a, b, Float32Array, 2), product(a, b, Float32Array, 1), `broadcast ${bcast}`);
    }
  });

  test('the workers take part, also with a kernel compiled after they started (float64)', async () => {
    for (const ctor of [Float32Array, Float64Array]) {
      const a = view(1, 200, 200, ctor, {});
      const b = view(1, 200, 200, ctor, { t: true });
      let byWorkers = 0;
      // Which thread claims which task depends on scheduling; over many jobs a worker gets some.
      for (let i = 0; i < 400 && byWorkers === 0; i++) {
        product(a, b, ctor, 2);
        byWorkers += lastJob().byWorkers;
        if (i % 20 === 19) await new Promise((r) => setTimeout(r, 5));
      }
      assert.ok(byWorkers > 0, `no ${ctor.name} task ran on a worker`);
    }
  });

  test('through the op layer on the wasm backend', () => {
    const prev = nb.getBackend();
    nb.setBackend('wasm');
    try {
      const x = nb.randn([3, 40, 50], { dtype: 'float64' });
      const w = nb.randn([60, 50], { dtype: 'float64' });
      nb.setNumThreads(2);
      const two = x.matmul(w.t()).toArray();
      nb.setNumThreads(1);
      const one = x.matmul(w.t()).toArray();
      assert.deepEqual(two, one);
    } finally {
      nb.setBackend(prev);
    }
  });
});

describe('setNumThreads', () => {
  test('takes positive integers and reports them', () => {
    const prev = nb.getNumThreads();
    assert.ok(Number.isInteger(prev) && prev >= 1);
    nb.setNumThreads(3);
    assert.equal(nb.getNumThreads(), 3);
    nb.setNumThreads(prev);
  });

  test('refuses anything else, naming the function and the value', () => {
    for (const bad of [0, -2, 1.5, NaN, Infinity, 1000, '2'] as unknown as number[]) {
      const shown = typeof bad === 'string' ? JSON.stringify(bad) : String(bad);
      assert.throws(
        () => nb.setNumThreads(bad),
        (e: Error) =>
          e instanceof nb.ValueError && e.message.startsWith('setNumThreads: ') && e.message.endsWith(`got ${shown}`),
      );
    }
  });
});

test('a process that used 2 threads exits by itself, with code 0', { skip: !threadsAvailable() }, () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'nabla-threads-'));
  const script = join(dir, 'child.mts');
  const src = pathToFileURL(join(root, 'src')).href;
  writeFileSync(
    script,
    `import * as nb from '${src}/index.js';
import { threading } from '${src}/backend/wasm/matmul.js';
import { lastJob, workersReady } from '${src}/backend/wasm/thread-pool.js';
nb.setBackend('wasm');
threading.minFlops = 0;
threading.minIntensity = 0;
const x = nb.randn([64, 96]);
x.matmul(x.t());
const ready = await workersReady();
const y = x.matmul(x.t()).sum().item();
console.log(JSON.stringify({ threads: nb.getNumThreads(), ready, tasks: lastJob().tasks, finite: Number.isFinite(y) }));
`,
  );
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
      cwd: root,
      env: { ...process.env, NABLA_NUM_THREADS: '2' },
      encoding: 'utf8',
      timeout: 60_000, // a hang guard, not a speed check: a hung child is killed and fails here
    });
    assert.equal(r.signal, null, `the child did not exit by itself: ${r.stderr}`);
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    // [64, 96] @ [96, 64] makes at least one packing task and one tile task.
    assert.ok(typeof got.tasks === 'number' && got.tasks >= 2, r.stdout);
    assert.deepEqual({ ...got, tasks: 0 }, { threads: 2, ready: 1, tasks: 0, finite: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
