import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import * as nb from '../src/index.js';

// What backend a fresh process starts on, given NABLA_BACKEND. Runs the package's source in a
// child so the choice made at import time is observed, not this process's.
function startingBackend(env: string | undefined): { status: number | null; out: string; err: string } {
  const vars = { ...process.env };
  delete vars.NABLA_BACKEND;
  if (env !== undefined) vars.NABLA_BACKEND = env;
  const src = new URL('../src/index.ts', import.meta.url).href;
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `const nb = await import(${JSON.stringify(src)}); console.log(nb.getBackend());`,
    ],
    { env: vars, encoding: 'utf8' },
  );
  return { status: r.status, out: r.stdout.trim(), err: r.stderr };
}

test('the default backend is wasm where WebAssembly SIMD exists', () => {
  assert.equal(nb.hasSimd(), true, 'Node 20 has WebAssembly SIMD');
  const r = startingBackend(undefined);
  assert.equal(r.status, 0, r.err);
  assert.equal(r.out, 'wasm');
});

test('NABLA_BACKEND selects the starting backend', () => {
  const r = startingBackend('js');
  assert.equal(r.status, 0, r.err);
  assert.equal(r.out, 'js');
});

test('an unknown NABLA_BACKEND is refused at import with the known names', () => {
  const r = startingBackend('gpu');
  assert.notEqual(r.status, 0);
  assert.match(r.err, /NABLA_BACKEND: expected one of js, wasm, got gpu/);
});
