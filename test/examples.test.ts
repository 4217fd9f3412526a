// Short versions of every example in examples/ (a few steps each), so they never rot. The
// examples run from the built package (`nabla` resolves to dist/ by self-reference), as
// `npm run demo` does; `npm test` builds first.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';

// The examples are plain ESM JavaScript without type declarations, and they use the built
// package; computed specifiers keep the type checker from asking for either (so type-checking
// does not depend on dist/ existing).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const example = (name: string): Promise<any> => import(new URL(`../examples/${name}.js`, import.meta.url).href);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const built = (specifier: string): Promise<any> => import(specifier);

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tmpDir = () => {
  dirs.push(fs.mkdtempSync(path.join(os.tmpdir(), 'nabla-examples-')));
  return dirs[dirs.length - 1];
};

const isFiniteIn = (v: unknown, lo: number, hi: number) =>
  typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi;

describe('examples (short runs)', () => {
  test('mnist (the demo): trains, writes the three files, and the weights load back', async () => {
    const { run, buildModel } = await example('mnist');
    const out = tmpDir();
    const r = await run({ epochs: 1, trainLimit: 128, testLimit: 64, batchSize: 32, out, progress: 'silent' });
    assert.ok(isFiniteIn(r.accuracy, 0, 1), `accuracy ${r.accuracy}`);
    assert.ok(Number.isFinite(r.testLoss));
    assert.equal(r.history.epochs.length, 1);
    for (const f of ['model.safetensors', 'curves.svg', 'samples.svg']) {
      assert.ok(fs.statSync(path.join(out, f)).size > 0, `${f} written`);
    }
    const curves = fs.readFileSync(path.join(out, 'curves.svg'), 'utf8');
    assert.match(curves, /^<svg[\s\S]*<\/svg>\s*$/);
    assert.match(curves, /valid/i);
    const samples = fs.readFileSync(path.join(out, 'samples.svg'), 'utf8');
    assert.ok((samples.match(/<image /g) ?? []).length >= 48, 'at least 48 digits in the grid');

    // The saved weights load into a fresh model of the same architecture and give the same logits.
    const { io } = await built('nabla/node');
    const nb = await built('nabla');
    const fresh = buildModel();
    const loaded = io.load(path.join(out, 'model.safetensors'));
    fresh.loadStateDict(loaded);
    fresh.eval();
    r.model.eval();
    const x = nb.randn([4, 1, 28, 28]);
    const a = nb.noGrad(() => fresh.call(x)).tolist();
    const b = nb.noGrad(() => r.model.call(x)).tolist();
    assert.deepEqual(a, b);
  });

  test('xor: tensors, modules and scalar autograd', async () => {
    const { run } = await example('xor');
    const r = run({ steps: 300, quiet: true });
    assert.ok(Number.isFinite(r.raw.loss) && Number.isFinite(r.modules.loss) && Number.isFinite(r.scalar.loss));
    assert.ok(r.scalar.correct >= 0 && r.scalar.correct <= 4);
    // 300 steps are enough for Adam (lr 0.05) on four points; seed 0 as in the example.
    assert.equal(r.modules.correct, 4);
  });

  test('iris', async () => {
    const { run } = await example('iris');
    const r = await run({ epochs: 3, quiet: true });
    assert.ok(isFiniteIn(r.accuracy, 0, 1));
    assert.equal(
      r.confusion.flat().reduce((s: number, v: number) => s + v, 0),
      30,
    );
  });

  test('mnist-mlp', async () => {
    const { run } = await example('mnist-mlp');
    const r = await run({ epochs: 1, trainLimit: 256, testLimit: 100, quiet: true });
    assert.ok(isFiniteIn(r.accuracy, 0, 1));
  });

  for (const model of ['lstm', 'transformer']) {
    test(`names (${model})`, async () => {
      const { run } = await example('names');
      const r = await run({ model, steps: 3, limit: 300, samples: 3, quiet: true });
      assert.ok(isFiniteIn(r.valLoss, 0, 10), `validation loss ${r.valLoss}`);
      assert.equal(r.samples.length, 3);
      for (const s of r.samples) assert.match(s, /^[^.]*$/, 'samples hold no boundary token');
    });
  }

  test('spam (GLA transformer + sequence pooling)', async () => {
    const { run } = await example('spam');
    const r = await run({ epochs: 1, limit: 64, maxLen: 16, batchSize: 16, vocab: 500, quiet: true });
    assert.ok(isFiniteIn(r.accuracy, 0, 1));
    assert.ok(isFiniteIn(r.f1, 0, 1));
  });

  test('esn (Mackey-Glass)', async () => {
    const { run } = await example('esn');
    const out = tmpDir();
    const r = await run({ hidden: 50, trainSteps: 300, testSteps: 100, horizon: 20, out, quiet: true });
    assert.ok(isFiniteIn(r.oneStepNrmse, 0, 1), `one-step NRMSE ${r.oneStepNrmse}`);
    assert.ok(Number.isFinite(r.freeNrmse));
    assert.ok(fs.statSync(path.join(out, 'forecast.svg')).size > 0);
  });

  test('g2p (CMUdict, nn.Transformer)', async () => {
    const { run } = await example('g2p');
    const r = await run({ steps: 3, testWords: 8, quiet: true });
    assert.ok(Number.isFinite(r.per) && r.per >= 0, `PER ${r.per}`);
    assert.ok(isFiniteIn(r.wordAccuracy, 0, 1));
  });
});
