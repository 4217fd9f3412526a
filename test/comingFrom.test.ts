// The "coming from X" pages run: every ```js block of docs/coming-from/*.md is written to a
// temporary module (its `nabla` and `nabla/node` imports pointed at the sources) and imported.
// A `console.log(...)` line ending in `// prints: <text>` must print exactly <text>, in order.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';

const DOCS = fileURLToPath(new URL('../docs/coming-from/', import.meta.url));
const TARGETS: Record<string, string> = {
  nabla: new URL('../src/index.ts', import.meta.url).href,
  'nabla/node': new URL('../src/node/index.ts', import.meta.url).href,
};
const PAGES = ['nbml', 'neurons', 'tiny-ml', 'rcmlrs', 'neuronika'];

interface Block {
  code: string;
  line: number;
}

function jsBlocks(md: string): Block[] {
  const out: Block[] = [];
  const lines = md.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```js') continue;
    const start = i + 1;
    let j = start;
    while (j < lines.length && lines[j].trim() !== '```') j++;
    out.push({ code: lines.slice(start, j).join('\n'), line: start + 1 });
    i = j;
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'nabla-docs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('every page exists and has runnable blocks', () => {
  const files = readdirSync(DOCS).filter((f) => f.endsWith('.md'));
  assert.deepEqual(files.sort(), PAGES.map((p) => `${p}.md`).sort());
  for (const p of PAGES) assert.ok(jsBlocks(readFileSync(join(DOCS, `${p}.md`), 'utf8')).length >= 2, p);
});

for (const page of PAGES) {
  describe(`docs/coming-from/${page}.md`, () => {
    const blocks = jsBlocks(readFileSync(join(DOCS, `${page}.md`), 'utf8'));
    blocks.forEach((b, k) => {
      test(`block ${k + 1} (line ${b.line})`, async () => {
        const code = b.code.replace(/from\s+(['"])(nabla(?:\/node)?)\1/g, (m, _q, name: string) =>
          TARGETS[name] ? `from '${TARGETS[name]}'` : m,
        );
        assert.ok(!/from\s+['"]nabla/.test(code), 'only nabla and nabla/node are importable');
        const expected = b.code
          .split('\n')
          .map((l) => /\/\/ prints: (.*)$/.exec(l)?.[1])
          .filter((x): x is string => x !== undefined);
        const file = join(dir, `${page}-${k + 1}.mjs`);
        writeFileSync(file, code);
        const printed: string[] = [];
        const log = console.log;
        console.log = (...args: unknown[]) => void printed.push(...format(...args).split('\n'));
        try {
          await import(pathToFileURL(file).href);
        } finally {
          console.log = log;
        }
        // Each `// prints:` text appears in the output, in order (other lines may come between).
        let at = 0;
        for (const want of expected) {
          while (at < printed.length && printed[at] !== want) at++;
          assert.ok(
            at < printed.length,
            `expected the output line ${JSON.stringify(want)}; printed:\n${printed.join('\n')}`,
          );
          at++;
        }
      });
    });
  });
}
