import { ValueError } from '../errors.js';
import { jsBackend } from './js/index.js';
import { hasSimd, wasmBackend } from './wasm/index.js';
import type { Backend, KernelTable } from './types.js';

// Both ship with the package. `wasm` is the default wherever WebAssembly SIMD exists; `js` is
// the fallback and the oracle every wasm kernel is tested against.
const registry = new Map<string, Backend>([
  ['js', jsBackend],
  ['wasm', wasmBackend()],
]);

// NABLA_BACKEND (Node) picks the starting backend, e.g. to run a whole program on the
// reference kernels; an unknown name is refused at import rather than silently ignored.
function initialBackend(): Backend {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const name = env?.NABLA_BACKEND;
  if (name !== undefined && name !== '') {
    const b = registry.get(name);
    if (!b) throw new ValueError('NABLA_BACKEND', `expected one of ${[...registry.keys()].join(', ')}, got ${name}`);
    return b;
  }
  return (hasSimd() && registry.get('wasm')) || jsBackend;
}
let current: Backend = initialBackend();

/** The kernels of the active backend. Ops call this, never a backend directly. */
export function kernels(): KernelTable {
  return current.kernels;
}

/**
 * Selects the backend that runs kernels.
 * @example nb.setBackend('js')
 */
export function setBackend(name: string): void {
  const b = registry.get(name);
  if (!b) throw new ValueError('setBackend', `expected one of ${[...registry.keys()].join(', ')}, got ${name}`);
  current = b;
}

/** The name of the active backend. */
export function getBackend(): string {
  return current.name;
}

/** Makes a backend selectable by name (fast backends register themselves when loaded). */
export function registerBackend(b: Backend): void {
  registry.set(b.name, b);
}

export type { Backend, KernelTable, View } from './types.js';
