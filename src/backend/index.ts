import { ValueError } from '../errors.js';
import { jsBackend } from './js/index.js';
import { wasmBackend } from './wasm/index.js';
import type { Backend, KernelTable } from './types.js';

// Both ship with the package; `js` stays the default until the wasm backend covers the hot
// kernels and beats it everywhere (see src/backend/wasm/README.md).
const registry = new Map<string, Backend>([
  ['js', jsBackend],
  ['wasm', wasmBackend()],
]);
let current: Backend = jsBackend;

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
