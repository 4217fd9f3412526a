// Writes the op table's samples (with their generated input values) to tools/cases.json, the
// input of tools/torch_fixtures.py. Run both with `npm run fixtures`.
import { writeFileSync } from 'node:fs';
import { inputValues, normInput } from '../test/harness/specs.js';
import { allSpecs } from '../test/specs/index.js';

const cases = [];
for (const spec of allSpecs) {
  if (!spec.torch) continue;
  for (let si = 0; si < spec.samples.length; si++) {
    cases.push({
      id: `${spec.name}/${si}`,
      expr: spec.torch,
      nondiff: spec.nondiff ?? false,
      inputs: spec.samples[si].inputs.map((raw, i) => {
        const inp = normInput(raw);
        return { shape: inp.shape, dtype: inp.dtype, grad: inp.grad, values: inputValues(spec, si, i) };
      }),
    });
  }
}
// JSON has no NaN or Infinity; Python's json reads the bare tokens, so write those.
const nonFinite = (_k: string, v: unknown) =>
  typeof v === 'number' && !Number.isFinite(v)
    ? `__${Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'}__`
    : v;
const text = JSON.stringify({ cases }, nonFinite).replace(/"__(NaN|Infinity|-Infinity)__"/g, '$1');
writeFileSync(new URL('./cases.json', import.meta.url), text);
console.log(`wrote ${cases.length} cases`);
