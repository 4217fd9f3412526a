// Generated suites from the op table: float64 gradcheck of every differentiable sample, and
// comparison with PyTorch's forward values and gradients from the committed fixtures.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import type { DType, Tensor } from '../src/index.js';
import { readSafetensors, type RawTensor } from './harness/safetensors.js';
import { buildInputs, inputValues, normInput, type OpSpec } from './harness/specs.js';
import { allSpecs } from './specs/index.js';

const FIXTURES = new URL('./fixtures/ops.safetensors', import.meta.url);
const fixtures = existsSync(FIXTURES) ? readSafetensors(FIXTURES.pathname) : new Map<string, RawTensor>();
const meta = existsSync(new URL('./fixtures/ops.json', import.meta.url))
  ? (JSON.parse(readFileSync(new URL('./fixtures/ops.json', import.meta.url), 'utf8')) as {
      cases: Record<string, { expr: string }>;
    })
  : { cases: {} };

const DT: Record<RawTensor['dtype'], DType> = { F64: 'float64', F32: 'float32', I32: 'int32', BOOL: 'bool' };

function close(op: string, what: string, got: Tensor, want: RawTensor, atol: number, rtol: number): void {
  assert.deepEqual(got.shape, want.shape, `${op}: ${what} shape`);
  const g = got.data();
  for (let i = 0; i < want.data.length; i++) {
    const a = Number(g[i]);
    const b = Number(want.data[i]);
    if (Number.isNaN(b)) {
      assert.ok(Number.isNaN(a), `${op}: ${what}[${i}] expected NaN, got ${a}`);
      continue;
    }
    if (a === b) continue;
    assert.ok(
      Math.abs(a - b) <= atol + rtol * Math.abs(b),
      `${op}: ${what}[${i}] expected ${b}, got ${a} (atol ${atol}, rtol ${rtol})`,
    );
  }
}

function sampleName(spec: OpSpec, i: number): string {
  const s = spec.samples[i];
  return `${spec.name}#${i}${s.label ? ` (${s.label})` : ''}`;
}

describe('op table: every differentiable op passes a float64 gradcheck', () => {
  for (const spec of allSpecs) {
    if (spec.nondiff) continue;
    spec.samples.forEach((sample, si) => {
      if (sample.noGradcheck) return;
      test(sampleName(spec, si), () => {
        const values = sample.inputs.map((_, i) => inputValues(spec, si, i));
        const dtypes = sample.inputs.map((raw) => {
          const d = normInput(raw).dtype;
          return d === 'float32' ? 'float64' : d;
        });
        const inputs = buildInputs(spec, si, values, dtypes);
        assert.ok(
          inputs.some((t) => t.requiresGrad),
          `${spec.name}: no input requires grad`,
        );
        assert.equal(nb.gradcheck(spec.fn, inputs, spec.gradcheck ?? {}), true);
      });
    });
  }
});

describe('op table: second derivatives pass gradgradcheck (first checkable sample)', () => {
  for (const spec of allSpecs) {
    if (spec.nondiff || spec.noGradgrad) continue;
    const si = spec.samples.findIndex((s) => !s.noGradcheck);
    if (si < 0) continue;
    test(sampleName(spec, si), () => {
      const sample = spec.samples[si];
      const values = sample.inputs.map((_, i) => inputValues(spec, si, i));
      const dtypes = sample.inputs.map((raw) => {
        const d = normInput(raw).dtype;
        return d === 'float32' ? 'float64' : d;
      });
      const inputs = buildInputs(spec, si, values, dtypes);
      assert.equal(nb.gradgradcheck(spec.fn, inputs, spec.gradcheck ?? {}), true);
    });
  }
});

describe('op table: forward values and gradients equal PyTorch fixtures', () => {
  for (const spec of allSpecs) {
    if (!spec.torch) {
      test(`${spec.name} has a reason for no fixture`, () => assert.ok(spec.noTorch && spec.noTorch.length > 10));
      continue;
    }
    spec.samples.forEach((sample, si) => {
      const id = `${spec.name}/${si}`;
      test(sampleName(spec, si), () => {
        const m = meta.cases[id];
        assert.ok(m !== undefined, `${id}: no fixture; run \`npm run fixtures\` (needs python3-torch)`);
        assert.equal(m.expr, spec.torch, `${id}: fixture is stale (expression changed); run \`npm run fixtures\``);
        const raw = sample.inputs.map((_, i) => fixtures.get(`${id}/in${i}`)!);
        const inputs = buildInputs(
          spec,
          si,
          raw.map((r) => r.data),
          raw.map((r) => DT[r.dtype]),
        );
        const out = spec.fn(...inputs);
        const want = fixtures.get(`${id}/out`)!;
        const f32 = want.dtype === 'F32';
        const atol = spec.atol ?? (f32 ? 1e-5 : 1e-9);
        const rtol = spec.rtol ?? (f32 ? 1e-4 : 1e-7);
        assert.equal(out.dtype, DT[want.dtype], `${id}: output dtype`);
        close(id, 'output', out, want, atol, rtol);
        const cot = fixtures.get(`${id}/cot`);
        if (!cot || !out.requiresGrad) return;
        out.backward(nb.tensor(cot.data, { dtype: DT[cot.dtype] }).reshape(cot.shape));
        inputs.forEach((x, i) => {
          const g = fixtures.get(`${id}/grad${i}`);
          if (!g || !x.requiresGrad) return;
          assert.ok(x.grad !== null, `${id}: input ${i} got no gradient`);
          close(id, `grad of input ${i}`, x.grad, g, atol, rtol);
        });
      });
    });
  }
});
