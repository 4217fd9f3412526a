// Helpers shared by the examples: backend choice, "run as a script" detection, timing, and
// character tables. Not part of the library; each example stays readable on its own.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as nb from 'nabla';

/**
 * Prepares the backend: the package already starts on the WebAssembly SIMD one where it exists
 * (or on `NABLA_BACKEND`); this compiles its kernels ahead of the first step. Returns the
 * backend's name so the example can print it.
 * @param {string} [prefer] 'wasm' or 'js'; defaults to the package's choice
 * @returns {Promise<string>}
 */
export async function useFastestBackend(prefer) {
  if (prefer) nb.setBackend(prefer);
  if (nb.getBackend() === 'wasm') await nb.initWasm();
  return nb.getBackend();
}

/**
 * True when `metaUrl` (an example's `import.meta.url`) is the script node was started with.
 * @param {string} metaUrl
 */
export function isMain(metaUrl) {
  return process.argv[1] !== undefined && metaUrl === pathToFileURL(path.resolve(process.argv[1])).href;
}

/** A stopwatch for wall-clock and CPU seconds (CPU = user + system of this process). */
export function stopwatch() {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  return {
    /** @returns {{ wall: number, cpu: number }} seconds since the stopwatch started */
    read() {
      const c = process.cpuUsage(c0);
      return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
    },
  };
}

/** Formats a stopwatch reading, e.g. `wall 231.4 s, CPU 228.0 s`. */
export function fmtTime({ wall, cpu }) {
  return `wall ${wall.toFixed(1)} s, CPU ${cpu.toFixed(1)} s`;
}

/** Numeric command-line options: `--epochs 3 --steps 10` becomes `{ epochs: 3, steps: 10 }`. */
export function cliOptions(argv = process.argv.slice(2)) {
  /** @type {Record<string, number | string>} */
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-zA-Z][\w-]*)(?:=(.*))?$/.exec(argv[i]);
    if (!m) continue;
    const key = m[1].replace(/-(\w)/g, (_, c) => c.toUpperCase());
    const raw = m[2] ?? argv[++i];
    out[key] = raw !== undefined && raw !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
  }
  return out;
}
