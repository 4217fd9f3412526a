// Generated suites from the module table: PyTorch parity in float32 (state dict loaded from the
// fixture; outputs, input and parameter gradients, buffers) and a float64 gradcheck of inputs
// and parameters.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import type { DType, Tensor } from '../src/index.js';
import type { AnyModule } from '../src/nn/index.js';
import type { ModuleSpec } from './harness/modules.js';
import { moduleInputValues } from './harness/moduleInputs.js';
import { readSafetensors, type RawTensor } from './harness/safetensors.js';
import { normInput } from './harness/specs.js';
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

function inputsFor(spec: ModuleSpec, dtypeOverride?: DType): Tensor[] {
  return spec.inputs.map((raw, i) => {
    const inp = normInput(raw);
    const declared = Array.isArray(raw) || !raw.dtype ? 'float32' : inp.dtype;
    const isFloat = declared === 'float32' || declared === 'float64';
    const dtype = isFloat && dtypeOverride ? dtypeOverride : declared;
    const t = nb.tensor(moduleInputValues(spec, i), { dtype }).reshape(inp.shape);
    if (isFloat && inp.grad) t.requiresGrad_(true);
    return t;
  });
}

describe('module table: PyTorch parity (float32)', () => {
  for (const spec of allModuleSpecs) {
    test(spec.name, () => {
      const m0 = meta.cases[spec.name];
      assert.ok(m0 !== undefined, `${spec.name}: no fixture; run \`npm run fixtures\` (needs python3-torch)`);
      assert.equal(m0.ctor, spec.torch, `${spec.name}: fixture is stale; run \`npm run fixtures\``);
      const m = spec.make();
      const state: Record<string, Tensor> = {};
      const prefix = `${spec.name}/state/`;
      for (const [k, v] of fixtures) if (k.startsWith(prefix)) state[k.slice(prefix.length)] = toTensor(v);
      m.loadStateDict(state);
      m.train((spec.mode ?? 'train') === 'train');
      const raw = spec.inputs.map((_, i) => fixtures.get(`${spec.name}/in${i}`)!);
      const inputs = raw.map((r, i) => {
        const t = toTensor(r);
        return normInput(spec.inputs[i]).grad && (r.dtype === 'F32' || r.dtype === 'F64') ? t.requiresGrad_(true) : t;
      });
      const call = callOf(spec);
      for (let w = 0; w < (spec.warmup ?? 0); w++) nb.noGrad(() => call(m, ...inputs));
      const out = call(m, ...inputs);
      const atol = spec.atol ?? 1e-5;
      const rtol = spec.rtol ?? 1e-4;
      if (!spec.noTorchValues) close(spec.name, 'output', out, fixtures.get(`${spec.name}/out`)!, atol, rtol);
      const cot = fixtures.get(`${spec.name}/cot`);
      if (cot && out.requiresGrad && !spec.noTorchValues) {
        out.backward(toTensor(cot));
        inputs.forEach((x, i) => {
          const g = fixtures.get(`${spec.name}/grad_in${i}`);
          if (g) close(spec.name, `grad of input ${i}`, x.grad!, g, atol, rtol);
        });
        for (const [n, p] of m.namedParameters()) {
          const g = fixtures.get(`${spec.name}/pgrad/${n}`);
          assert.ok(g !== undefined, `${spec.name}: PyTorch has no parameter ${n}`);
          assert.ok(p.grad !== null, `${spec.name}: ${n} got no gradient`);
          close(spec.name, `grad of ${n}`, p.grad, g, atol, rtol);
        }
      }
      for (const [n, b] of m.namedBuffers()) {
        const want = fixtures.get(`${spec.name}/buf/${n}`);
        if (want) close(spec.name, `buffer ${n}`, b, want, atol, rtol);
      }
    });
  }
});

describe('module table: float64 gradcheck of inputs and parameters', () => {
  for (const spec of allModuleSpecs) {
    if (spec.noGradcheck) continue;
    test(spec.name, () => {
      const m = spec.make().double();
      m.train((spec.mode ?? 'train') === 'train');
      const inputs = inputsFor(spec, 'float64');
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
