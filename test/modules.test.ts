// Generated suites from the module table: PyTorch parity in float32 (state dict loaded from the
// fixture; outputs, input and parameter gradients, and the state dict after the passes) and a
// float64 gradcheck of inputs and parameters.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import type { DType, Tensor } from '../src/index.js';
import type { AnyModule } from '../src/nn/index.js';
import type { ModuleSpec } from './harness/modules.js';
import { moduleInputValues } from './harness/moduleInputs.js';
import { readSafetensors, type RawTensor } from './harness/safetensors.js';
import { nonContiguous, normInput } from './harness/specs.js';
import { allModuleSpecs } from './modspecs/index.js';

const FIX = new URL('./fixtures/modules.safetensors', import.meta.url);
const fixtures = existsSync(FIX) ? readSafetensors(FIX.pathname) : new Map<string, RawTensor>();
const META = new URL('./fixtures/modules.json', import.meta.url);
const meta = existsSync(META)
  ? (JSON.parse(readFileSync(META, 'utf8')) as { cases: Record<string, { ctor: string; call: string }> })
  : { cases: {} };
const DT: Record<RawTensor['dtype'], DType> = { F64: 'float64', F32: 'float32', I32: 'int32', BOOL: 'bool' };

const toTensor = (r: RawTensor) => nb.tensor(r.data, { dtype: DT[r.dtype] }).reshape(r.shape);
const callOf = (spec: ModuleSpec) => spec.call ?? ((m: AnyModule, ...xs: Tensor[]) => m.call(...xs) as Tensor);

function close(id: string, what: string, got: Tensor, want: RawTensor, atol: number, rtol: number): void {
  assert.deepEqual(got.shape, want.shape, `${id}: ${what} shape`);
  const g = got.data();
  for (let i = 0; i < want.data.length; i++) {
    const a = Number(g[i]);
    const b = Number(want.data[i]);
    if (a === b || (Number.isNaN(a) && Number.isNaN(b))) continue;
    assert.ok(Math.abs(a - b) <= atol + rtol * Math.abs(b), `${id}: ${what}[${i}] expected ${b}, got ${a}`);
  }
}

// The row's inputs from `values`: float inputs in `floatDType` (declared float64 stays float64
// unless overridden), int32/bool as declared; non-contiguous views where the row asks.
function buildInputs(spec: ModuleSpec, values: (i: number) => ArrayLike<number>, floatDType?: DType): Tensor[] {
  return spec.inputs.map((raw, i) => {
    const inp = normInput(raw);
    const declared = Array.isArray(raw) || !raw.dtype ? 'float32' : inp.dtype;
    const isFloat = declared === 'float32' || declared === 'float64';
    const dtype = isFloat && floatDType ? floatDType : declared;
    const t = inp.noncontig
      ? nonContiguous(values(i), inp.shape, dtype)
      : nb.tensor(Array.from(values(i)), { dtype }).reshape(inp.shape);
    return isFloat && inp.grad ? t.requiresGrad_(true) : t;
  });
}

// Warm-up passes in train mode without grad (they move running statistics), then the row's mode.
function prepare(spec: ModuleSpec, m: AnyModule, inputs: Tensor[]): void {
  const call = callOf(spec);
  m.train(true);
  for (let w = 0; w < (spec.warmup ?? 0); w++) nb.noGrad(() => call(m, ...inputs));
  m.train((spec.mode ?? 'train') === 'train');
}

describe('module table: PyTorch parity (float32)', () => {
  const names = new Set<string>();
  for (const spec of allModuleSpecs) {
    test(spec.name, () => {
      assert.ok(!names.has(spec.name), `${spec.name}: duplicate row name`);
      names.add(spec.name);
      const m0 = meta.cases[spec.name];
      assert.ok(m0 !== undefined, `${spec.name}: no fixture; run \`npm run fixtures\` (needs python3-torch)`);
      assert.equal(m0.ctor, spec.torch, `${spec.name}: fixture is stale; run \`npm run fixtures\``);
      const m = spec.make();
      const state: Record<string, Tensor> = {};
      const prefix = `${spec.name}/state/`;
      for (const [k, v] of fixtures) if (k.startsWith(prefix)) state[k.slice(prefix.length)] = toTensor(v);
      m.loadStateDict(state);
      const inputs = buildInputs(spec, (i) => fixtures.get(`${spec.name}/in${i}`)!.data);
      prepare(spec, m, inputs);
      const out = callOf(spec)(m, ...inputs);
      const want = fixtures.get(`${spec.name}/out`)!;
      if (spec.noTorchValues) {
        assert.deepEqual(out.shape, want.shape, `${spec.name}: output shape`);
        return;
      }
      const atol = spec.atol ?? 1e-5;
      const rtol = spec.rtol ?? 1e-4;
      close(spec.name, 'output', out, want, atol, rtol);
      const cot = fixtures.get(`${spec.name}/cot`);
      assert.equal(out.requiresGrad, cot !== undefined, `${spec.name}: output requires grad only if PyTorch's does`);
      if (cot) {
        out.backward(toTensor(cot));
        inputs.forEach((x, i) => {
          const g = fixtures.get(`${spec.name}/grad_in${i}`);
          if (!g) return;
          assert.ok(x.grad !== null, `${spec.name}: input ${i} got no gradient`);
          close(spec.name, `grad of input ${i}`, x.grad, g, atol, rtol);
        });
        for (const [n, p] of m.namedParameters()) {
          if (!p.requiresGrad) continue;
          const g = fixtures.get(`${spec.name}/pgrad/${n}`);
          assert.ok(g !== undefined, `${spec.name}: PyTorch has no trainable parameter ${n}`);
          assert.ok(p.grad !== null, `${spec.name}: ${n} got no gradient`);
          close(spec.name, `grad of ${n}`, p.grad, g, atol, rtol);
        }
      }
      // Running statistics, num_batches_tracked and weights changed in place by the passes.
      for (const [k, v] of Object.entries(m.stateDict())) {
        const w = fixtures.get(`${spec.name}/after/${k}`);
        assert.ok(w !== undefined, `${spec.name}: PyTorch's state dict after the passes has no ${k}`);
        close(spec.name, `${k} after the passes`, v, w, atol, rtol);
      }
    });
  }
});

describe('module table: float64 gradcheck of inputs and parameters', () => {
  for (const spec of allModuleSpecs) {
    if (spec.noGradcheck) continue;
    test(spec.name, () => {
      const m = spec.make().double();
      const inputs = buildInputs(spec, (i) => moduleInputValues(spec, i), 'float64');
      prepare(spec, m, inputs);
      const params = m.parameters();
      const call = callOf(spec);
      const n = inputs.length;
      const fn = (...xs: Tensor[]) => {
        nb.manualSeed(0); // the same dropout mask on every evaluation
        return call(m, ...xs.slice(0, n));
      };
      assert.equal(nb.gradcheck(fn, [...inputs, ...params], { fast: true }), true);
    });
  }
});
