// Milliseconds per conv2d forward + backward (input, weight and bias gradients) on the MNIST-
// sized layers of a small CNN, per backend and with the low-memory mode. Not a test:
//   npx tsx tools/bench-conv.ts [--reps 10]
import * as nb from '../src/index.js';
import { wasmBackend } from '../src/backend/wasm/index.js';

const reps = Number(process.argv[process.argv.indexOf('--reps') + 1]) || 10;
const F = nb.nn.functional;
nb.registerBackend(wasmBackend());

const layers = [
  { name: '[64, 1, 28, 28] -> 16 ch, 3x3, pad 1', x: [64, 1, 28, 28], w: [16, 1, 3, 3] },
  { name: '[64, 16, 14, 14] -> 32 ch, 3x3, pad 1', x: [64, 16, 14, 14], w: [32, 16, 3, 3] },
];

function step(x: nb.Tensor, w: nb.Tensor, b: nb.Tensor, lowMemory: boolean): void {
  const y = F.conv2d(x, w, b, { padding: 1, lowMemory });
  y.backward(nb.onesLike(y));
  x.grad = null;
  w.grad = null;
  b.grad = null;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

for (const backend of ['js', 'wasm']) {
  nb.setBackend(backend);
  for (const l of layers) {
    for (const lowMemory of [false, true]) {
      nb.manualSeed(0);
      const x = nb.randn(l.x, { requiresGrad: true });
      const w = nb.randn(l.w, { requiresGrad: true });
      const b = nb.randn([l.w[0]], { requiresGrad: true });
      for (let i = 0; i < 2; i++) step(x, w, b, lowMemory);
      const times: number[] = [];
      for (let i = 0; i < reps; i++) {
        const t0 = performance.now();
        step(x, w, b, lowMemory);
        times.push(performance.now() - t0);
      }
      const label = `${backend.padEnd(4)} ${l.name}${lowMemory ? ' (lowMemory)' : ''}`;
      console.log(`${label.padEnd(62)} ${median(times).toFixed(1)} ms (median of ${reps})`);
    }
  }
}
