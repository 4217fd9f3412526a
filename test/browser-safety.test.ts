// The core must run in browsers: no static import of Node built-ins and no bare use of Node
// globals outside the Node-only folders (src/node, src/cli). Dynamic imports guarded by a
// runtime check are allowed (the wasm backend uses one to enable a V8 flag under Node).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src', import.meta.url));
const NODE_ONLY = ['node', 'cli'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('core modules use no Node API', () => {
  const offenders: string[] = [];
  for (const f of files(SRC)) {
    const rel = f.slice(SRC.length + 1);
    if (NODE_ONLY.includes(rel.split('/')[0])) continue;
    const text = readFileSync(f, 'utf8');
    if (/^\s*import[^;]*from\s+['"](node:|fs|path|os|worker_threads|child_process)['"]/m.test(text))
      offenders.push(`${rel}: static Node import`);
    // wasm/worker.ts exports the worker's source as a string, started only by the Node pool
    // inside worker_threads; the module itself touches no Node API, so its string is not code here.
    const code = rel === 'backend/wasm/worker.ts' ? text.replace(/`[^`]*`/g, '``') : text;
    if (/(^|[^.\w])(Buffer|__dirname|require)\s*[.(]/m.test(code)) offenders.push(`${rel}: Node global`);
  }
  assert.deepEqual(offenders, []);
});
