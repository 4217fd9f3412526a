// Writes the module table (constructor expressions and generated inputs) to
// tools/module-cases.json, the input of tools/torch_module_fixtures.py (`npm run fixtures`).
import { writeFileSync } from 'node:fs';
import { normInput } from '../test/harness/specs.js';
import { allModuleSpecs } from '../test/modspecs/index.js';
import { moduleInputValues } from '../test/harness/moduleInputs.js';

const cases = allModuleSpecs.map((spec) => ({
  id: spec.name,
  ctor: spec.torch,
  call: spec.torchCall ?? `m(${spec.inputs.map((_, i) => 'abcdefgh'[i]).join(', ')})`,
  mode: spec.mode ?? 'train',
  warmup: spec.warmup ?? 0,
  inputs: spec.inputs.map((raw, i) => {
    const inp = normInput(raw);
    const dtype = Array.isArray(raw) || !raw.dtype ? 'float32' : inp.dtype;
    return { shape: inp.shape, dtype, grad: inp.grad, values: moduleInputValues(spec, i) };
  }),
}));
writeFileSync(new URL('./module-cases.json', import.meta.url), JSON.stringify({ cases }));
console.log(`wrote ${cases.length} module cases`);
