// Long training loops must not grow memory: 20,000 MLP steps in a child process with
// --expose-gc; the heap after a forced GC may grow by less than 20 MB.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

test('20,000 forward/backward steps do not grow the heap', () => {
  const script = fileURLToPath(new URL('./memory/mlp-steps.ts', import.meta.url));
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, '20000'], { encoding: 'utf8' });
  const r = JSON.parse(out.trim().split('\n').pop()!) as {
    steps: number;
    growthBytes: number;
    first: number;
    last: number;
  };
  assert.equal(r.steps, 20000);
  assert.ok(r.growthBytes < 20 * 1024 * 1024, `heap grew by ${(r.growthBytes / 1048576).toFixed(1)} MB`);
  // The loop really trained: the loss fell.
  assert.ok(r.last < r.first, `loss did not fall: ${r.first} -> ${r.last}`);
});
