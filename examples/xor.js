// Trains a 2-8-1 network on XOR with nabla's tensors and autograd, then prints the fit.
// Run with `npm run demo` (builds the package first; `nabla` resolves to it by self-reference).
import * as nb from 'nabla';

nb.manualSeed(0);
const x = nb.tensor([
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
]);
const y = nb.tensor([[0], [1], [1], [0]]);

// Xavier-style scaling keeps tanh out of saturation at the start.
const w1 = nb
  .randn([2, 8])
  .mul(Math.sqrt(1 / 2))
  .requiresGrad_();
const b1 = nb.zeros([8], { requiresGrad: true });
const w2 = nb
  .randn([8, 1])
  .mul(Math.sqrt(1 / 8))
  .requiresGrad_();
const b2 = nb.zeros([1], { requiresGrad: true });
const params = [w1, b1, w2, b2];

const forward = (inp) => inp.matmul(w1).add(b1).tanh().matmul(w2).add(b2).sigmoid();
// Binary cross-entropy, with probabilities clamped away from 0 and 1 by construction of sigmoid.
const bce = (p, t) =>
  t
    .mul(p.log())
    .add(t.neg().add(1).mul(p.neg().add(1).log()))
    .mean()
    .neg();

const lr = 0.5;
const t0 = performance.now();
for (let step = 1; step <= 2000; step++) {
  const loss = bce(forward(x), y);
  for (const p of params) p.grad = null;
  loss.backward();
  nb.noGrad(() => {
    for (const p of params) p.sub_(p.grad, { alpha: lr });
  });
  if (step % 400 === 0) console.log(`step ${String(step).padStart(4)}  loss ${Number(loss.item()).toFixed(5)}`);
}
const ms = performance.now() - t0;

const p = nb.noGrad(() => forward(x));
console.log('\ninput   target  prediction');
const probs = p.tolist();
x.tolist().forEach((row, i) => console.log(`${row.join(' ')}     ${y.tolist()[i][0]}       ${probs[i][0].toFixed(4)}`));
const correct = probs.filter((q, i) => (q[0] > 0.5 ? 1 : 0) === y.tolist()[i][0]).length;
console.log(`\n${correct}/4 correct after 2000 steps (${ms.toFixed(0)} ms)`);
if (correct !== 4) process.exitCode = 1;
