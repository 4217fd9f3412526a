// Runs many forward/backward/update steps of a small MLP and prints the heap growth after a
// forced GC. Spawned by test/memory.test.ts with --expose-gc.
import * as nb from '../../src/index.js';

const steps = Number(process.argv[2] ?? 20000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

nb.manualSeed(0);
const x = nb.randn([8, 8]);
const y = nb.randn([8, 1]);
const w1 = nb.randn([8, 16]).mul(0.3).requiresGrad_();
const b1 = nb.zeros([16], { requiresGrad: true });
const w2 = nb.randn([16, 1]).mul(0.3).requiresGrad_();
const params = [w1, b1, w2];

function step(): number {
  const h = x.matmul(w1).add(b1).relu();
  const loss = h.matmul(w2).sub(y).square().mean();
  for (const p of params) p.grad = null;
  loss.backward();
  nb.noGrad(() => {
    for (const p of params) p.sub_(p.grad!, { alpha: 0.01 });
  });
  return loss.item() as number;
}

for (let i = 0; i < 500; i++) step();
gc();
const before = process.memoryUsage().heapUsed;
const t0 = performance.now();
let first = NaN;
let last = NaN;
for (let i = 0; i < steps; i++) {
  last = step();
  if (i === 0) first = last;
}
const ms = performance.now() - t0;
gc();
const after = process.memoryUsage().heapUsed;
console.log(JSON.stringify({ steps, growthBytes: after - before, first, last, ms }));
