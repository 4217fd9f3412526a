// `npm run bench`: runs every configuration (nabla and its peers) in its own child process, one
// after the other, collects their JSON lines and writes bench/RESULTS.md (and results.json).
//
//   node bench/run.mjs [--quick] [--configs REGEX] [--only REGEX] [--out FILE] [--timeout S]
//   node bench/run.mjs --render bench/RESULTS.json   (rewrite RESULTS.md from saved results)
//
// --configs picks configurations by id (e.g. 'jax|nabla'), --only picks workloads (e.g. 'W1|W6').
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { parseArgs, POLICY, W2 } from './lib/common.mjs';
import { prepareData } from './lib/data.mjs';
import { renderResults } from './lib/report.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const opts = parseArgs();
const QUICK = Boolean(opts.quick);
const CONFIG_RE = typeof opts.configs === 'string' ? new RegExp(opts.configs) : null;
const OUT = typeof opts.out === 'string' ? opts.out : join(BENCH, 'RESULTS.md');
// Per-child limit: generous in full mode; in quick mode it bounds the whole run (< 2 minutes).
const TIMEOUT_S = Number(opts.timeout ?? (QUICK ? 40 : 1800));

// The peers are bench/'s own dependencies (never the library's): install them from the lockfile
// the first time.
if (!existsSync(join(BENCH, 'node_modules', '@tensorflow', 'tfjs'))) {
  process.stderr.write('bench: installing the peers (npm ci in bench/)\n');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: BENCH, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('bench: `npm ci` in bench/ failed; install the peers with `npm --prefix bench install`.');
    process.exit(1);
  }
}

const node = process.execPath;
const nablaArgs = (backend, threads) => [
  '--import',
  'tsx',
  'bench/nabla.ts',
  '--backend',
  backend,
  '--threads',
  `${threads}`,
];
/** Every column of the table, in order. `group` decides which ratio a column feeds. */
export const CONFIGS = [
  {
    id: 'tfjs-cpu',
    label: 'tfjs cpu',
    group: 'js',
    cmd: node,
    args: ['peers/tfjs.mjs', '--backend', 'cpu'],
    cwd: BENCH,
  },
  {
    id: 'tfjs-wasm',
    label: 'tfjs wasm 1T',
    group: 'js',
    cmd: node,
    args: ['peers/tfjs.mjs', '--backend', 'wasm'],
    cwd: BENCH,
  },
  {
    id: 'jax-1',
    label: 'jax-js wasm 1T',
    group: 'js',
    cmd: node,
    args: ['peers/jax.mjs', '--threads', '1'],
    cwd: BENCH,
  },
  {
    id: 'jax-2',
    label: 'jax-js wasm 2T (shim)',
    group: 'js',
    cmd: node,
    args: ['peers/jax.mjs', '--threads', '2'],
    cwd: BENCH,
  },
  {
    id: 'torch-1',
    label: 'PyTorch 1T',
    group: 'torch',
    cmd: '/usr/bin/python3',
    args: ['torch_bench.py', '--threads', '1'],
    cwd: BENCH,
    torch: true,
  },
  {
    id: 'torch-2',
    label: 'PyTorch 2T',
    group: 'torch',
    cmd: '/usr/bin/python3',
    args: ['torch_bench.py', '--threads', '2'],
    cwd: BENCH,
    torch: true,
  },
  { id: 'nabla-js', label: 'nabla js', group: 'nabla', cmd: node, args: nablaArgs('js', 1), cwd: ROOT },
  { id: 'nabla-wasm-1', label: 'nabla wasm 1T', group: 'nabla', cmd: node, args: nablaArgs('wasm', 1), cwd: ROOT },
  { id: 'nabla-wasm-2', label: 'nabla wasm 2T', group: 'nabla', cmd: node, args: nablaArgs('wasm', 2), cwd: ROOT },
];

function hasTorch() {
  if (!existsSync('/usr/bin/python3')) return false;
  return spawnSync('/usr/bin/python3', ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;
}

function readLines(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l)];
      } catch {
        return [];
      }
    });
}

/** Runs one configuration; resolves with its parsed lines and how it ended. */
function runChild(cfg, dataDir, tmp) {
  const out = join(tmp, `${cfg.id}.jsonl`);
  rmSync(out, { force: true });
  const childArgs = [...cfg.args, '--jsonl', out, '--data', dataDir];
  if (QUICK) childArgs.push('--quick');
  if (typeof opts.only === 'string') childArgs.push('--only', opts.only);
  const load = os.loadavg()[0];
  const t0 = performance.now();
  process.stderr.write(`\n== ${cfg.id}: ${[cfg.cmd === node ? 'node' : cfg.cmd, ...childArgs].join(' ')}\n`);
  return new Promise((resolve) => {
    // Own process group, so a timeout ends the child and any threads or workers it started.
    const child = spawn(cfg.cmd, childArgs, {
      cwd: cfg.cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NABLA_NUM_THREADS: cfg.args.includes('--threads') ? cfg.args[cfg.args.indexOf('--threads') + 1] : '1',
      },
    });
    const tail = [];
    const keep = (chunk) => {
      process.stderr.write(chunk);
      tail.push(chunk.toString());
      if (tail.length > 40) tail.shift();
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, TIMEOUT_S * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const lines = readLines(out);
      const ended = timedOut ? `timeout after ${TIMEOUT_S} s` : code === 0 ? 'ok' : `exit ${code ?? signal}`;
      const lastErr = tail
        .join('')
        .trim()
        .split('\n')
        .filter((l) => /error/i.test(l))
        .pop();
      resolve({ lines, ended, lastErr, wallS: (performance.now() - t0) / 1000, loadAtStart: load });
    });
  });
}

function cpuModel() {
  try {
    const m = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m);
    if (m) return m[1].trim();
  } catch {
    // not Linux: fall back to what Node reports
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

function cpuFlags() {
  try {
    const m = readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:\s*(.+)$/m);
    const flags = new Set(m ? m[1].split(/\s+/) : []);
    return ['avx2', 'avx512f', 'amx_tile'].filter((f) => flags.has(f));
  } catch {
    return [];
  }
}

function gitHead() {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) return 'unknown';
  return r.stdout.trim() + (dirty.stdout.trim() ? ' + uncommitted src/ changes' : '');
}

function torchBlas() {
  // Debian's torch calls whatever libblas.so.3 the alternatives system points at.
  const r = spawnSync('readlink', ['-f', '/usr/lib/x86_64-linux-gnu/libblas.so.3'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

/** Formats the written files with the repository's prettier (so `npm run lint` stays clean), if present. */
function prettify(files) {
  const bin = join(ROOT, 'node_modules', '.bin', 'prettier');
  if (existsSync(bin)) spawnSync(bin, ['--write', '--log-level', 'warn', ...files], { cwd: ROOT, stdio: 'inherit' });
}

/** `--render FILE.json`: rewrites the report from a saved results file, without running anything. */
function rerender(file) {
  const { info, results } = JSON.parse(readFileSync(file, 'utf8'));
  writeFileSync(OUT, renderResults(info, results));
  prettify([OUT]);
  process.stderr.write(`wrote ${OUT} from ${file}\n`);
}

async function main() {
  const started = Date.now();
  const tmp = join(os.tmpdir(), 'nabla-bench');
  mkdirSync(tmp, { recursive: true });
  const dataDir = join(tmp, 'data');
  const dataMeta = prepareData(dataDir);
  const torch = hasTorch();
  const results = [];
  for (const cfg of CONFIGS) {
    if (CONFIG_RE && !CONFIG_RE.test(cfg.id)) continue;
    if (cfg.torch && !torch) continue; // optional column: skipped quietly
    const r = await runChild(cfg, dataDir, tmp);
    const cells = {};
    let meta = null;
    let usage = null;
    for (const l of r.lines) {
      if (l.meta) meta = l.meta;
      else if (l.usage) usage = l.usage;
      else if (l.key) cells[l.key] = l.reps ? { ...l, reps: l.reps.map((x) => Number(x.toPrecision(4))) } : l;
    }
    const { id, label, group, args } = cfg;
    results.push({
      id,
      label,
      group,
      args,
      cells,
      meta,
      usage,
      ended: r.ended,
      lastErr: r.lastErr,
      wallS: r.wallS,
      loadAtStart: r.loadAtStart,
    });
  }
  const info = {
    date: new Date().toISOString(),
    quick: QUICK,
    only: typeof opts.only === 'string' ? opts.only : null,
    cpu: cpuModel(),
    cpuFlags: cpuFlags(),
    cores: os.cpus().length,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    mnist: dataMeta.mnist,
    nabla: gitHead(),
    torchBlas: torch ? torchBlas() : null,
    timeoutS: TIMEOUT_S,
    policy: POLICY,
    w2: W2,
    totalS: (Date.now() - started) / 1000,
    loadEnd: os.loadavg()[0],
  };
  const json = OUT.replace(/\.md$/, '') + '.json';
  writeFileSync(OUT, renderResults(info, results));
  writeFileSync(json, JSON.stringify({ info, results }, null, 1) + '\n');
  prettify([OUT, json]);
  process.stderr.write(`\nwrote ${OUT} in ${info.totalS.toFixed(0)} s\n`);
}

if (typeof opts.render === 'string') rerender(opts.render);
else await main();
