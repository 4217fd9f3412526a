// The WebAssembly runtime seam: feature detection, the scratch memories (a plain one for
// single-threaded kernels, a shared one for the worker pool) and compiling generated modules.
// The library's tsconfig has no DOM lib and @types/node does not declare `WebAssembly`, so the
// few members used are typed here and reached through `globalThis`.

import { Code, encodeModule, Func, Simd, V128, withMemoryImport } from './encoder.js';

/** A WebAssembly.Memory. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
/** A compiled WebAssembly module (postable to workers). */
export interface WasmModule {
  readonly __brand?: 'module';
}
interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (m: WasmModule, imports: object) => WasmInstance;
  Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  compile(bytes: Uint8Array): Promise<WasmModule>;
}
interface NodeProcess {
  versions?: { node?: string };
  getBuiltinModule?: (id: string) => unknown;
}

const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
const PAGE = 65536;

function probe(op: (c: Code) => void): Uint8Array {
  const f = new Func('f', [], [V128]);
  f.code.f32x4Const(1).f32x4Const(2).f32x4Const(3);
  op(f.code);
  return encodeModule([f]);
}

let simd: boolean | undefined;

/** Whether this runtime has WebAssembly with 128-bit SIMD (every current browser and Node). */
export function hasSimd(): boolean {
  simd ??= api !== undefined && api.validate(probe((c) => c.simd(Simd.f32x4Mul).simd(Simd.f32x4Add)));
  return simd;
}

// Node 20 (V8 11.3) validates relaxed SIMD only behind a flag; setting it at run time before
// compiling works (measured on Node 20.20: the probe fails, then validates after the call).
// process.getBuiltinModule (Node >= 20.16) reaches node:v8 synchronously without an import
// statement that would break browsers.
function relaxedSupport(): boolean {
  if (!hasSimd() || api === undefined) return false;
  // The probe holds one relaxed instruction, so validation answers exactly "is it there".
  const relaxedProbe = probe((c) => c.simd(Simd.f32x4RelaxedMadd));
  if (api.validate(relaxedProbe)) return true;
  const proc = (globalThis as { process?: NodeProcess }).process;
  if (!proc?.versions?.node || !proc.getBuiltinModule) return false;
  try {
    const v8 = proc.getBuiltinModule('node:v8') as { setFlagsFromString(f: string): void };
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  return api.validate(relaxedProbe);
}

let relaxed: boolean | undefined;
let relaxedAllowed = true;

/** Whether kernels use relaxed-SIMD fused multiply-add (detected once, on first use). */
export function useRelaxed(): boolean {
  if (!relaxedAllowed) return false;
  relaxed ??= relaxedSupport();
  return relaxed;
}

/**
 * Like `useRelaxed`, and on Node releases before 20.16 (no `process.getBuiltinModule`) also
 * reaches `node:v8` through a dynamic import to set the flag.
 */
export async function useRelaxedAsync(): Promise<boolean> {
  if (!relaxedAllowed || useRelaxed() || api === undefined || !hasSimd()) return useRelaxed();
  const proc = (globalThis as { process?: NodeProcess }).process;
  if (!proc?.versions?.node) return false;
  try {
    const id = 'node:v8'; // a variable, so bundlers for browsers leave it alone
    const v8 = (await import(/* webpackIgnore: true */ /* @vite-ignore */ id)) as {
      setFlagsFromString(f: string): void;
    };
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  relaxed = api.validate(probe((c) => c.simd(Simd.f32x4RelaxedMadd)));
  return relaxed;
}

/**
 * Turns the relaxed-SIMD path off (or back on) for kernels built afterwards: for benchmarks and
 * for tests of the plain-SIMD path. Kernels already built keep their form.
 */
export function allowRelaxed(on: boolean): void {
  relaxedAllowed = on;
}

// Shared memories must declare a maximum; V8 reserves address space for it up front (which it
// does for every wasm memory anyway on 64-bit hosts), so the wasm32 limit costs nothing there.
// Smaller maxima are the fallback for hosts that refuse the reservation (32-bit browsers).
const SHARED_MAX_PAGES = [65536, 16384, 4096];

function sharedMemory(): WasmMemory | undefined {
  const g = globalThis as { SharedArrayBuffer?: unknown; Atomics?: unknown };
  if (!api || typeof g.SharedArrayBuffer !== 'function' || typeof g.Atomics !== 'object') return undefined;
  for (const maximum of SHARED_MAX_PAGES) {
    try {
      return new api.Memory({ initial: 16, maximum, shared: true });
    } catch {
      // try a smaller reservation
    }
  }
  return undefined;
}

/**
 * A scratch memory. Operands are packed into it, kernels run on it, results are copied out;
 * tensors never live here. It only grows (WebAssembly memory cannot shrink) and is reused across
 * calls; views must be re-read after `ensure` (growing detaches a plain memory's old buffer and
 * gives a shared one a new, longer one).
 */
export class Scratch {
  readonly memory: WasmMemory;
  f32: Float32Array;
  f64: Float64Array;

  /** A plain memory, or with `memory` a given one (the shared memory of the worker pool). */
  constructor(memory?: WasmMemory) {
    if (!api) throw new Error('wasm backend: WebAssembly is not available in this runtime');
    this.memory = memory ?? new api.Memory({ initial: 16 });
    this.f32 = new Float32Array(this.memory.buffer);
    this.f64 = new Float64Array(this.memory.buffer);
  }

  /** Whether the memory is shared (a `SharedArrayBuffer` underneath), so workers can use it. */
  get shared(): boolean {
    return typeof SharedArrayBuffer === 'function' && this.memory.buffer instanceof SharedArrayBuffer;
  }

  /** Makes the memory at least `bytes` long and refreshes the views. */
  ensure(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE));
    if (this.f32.buffer !== this.memory.buffer) {
      this.f32 = new Float32Array(this.memory.buffer);
      this.f64 = new Float64Array(this.memory.buffer);
    }
  }
}

let scratch: Scratch | undefined;

/**
 * The process-wide scratch memory of single-threaded kernels, created on first use. It is a
 * plain memory: JavaScript copies into a shared one cost 7-29% more (V8 copies shared buffers
 * with relaxed atomic word moves; measured on a 2^20-element add and exp), which streaming
 * kernels would pay on every call for nothing.
 */
export function getScratch(): Scratch {
  scratch ??= new Scratch();
  return scratch;
}

let shared: Scratch | null | undefined;

/**
 * The shared scratch memory that the worker pool's threads run kernels on, created on first
 * use; null where shared WebAssembly memory is unavailable (no SharedArrayBuffer, as in browser
 * pages that are not cross-origin isolated).
 */
export function getSharedScratch(): Scratch | null {
  if (shared === undefined) {
    const mem = sharedMemory();
    shared = mem ? new Scratch(mem) : null;
  }
  return shared;
}

function link(m: WasmModule, on: Scratch): Record<string, unknown> {
  return new (api as WasmApi).Instance(m, { env: { mem: on.memory } }).exports;
}

// Generators encode whichever memory import they like; the memory decides the form.
const linkable = (bytes: Uint8Array, on: Scratch): Uint8Array => withMemoryImport(bytes, { shared: on.shared });

/**
 * Compiles generated bytes and instantiates them against a scratch memory (by default the
 * process-wide one), synchronously, keeping the module, which can be sent to workers.
 */
export function compile(
  bytes: Uint8Array,
  on: Scratch = getScratch(),
): { module: WasmModule; exports: Record<string, unknown> } {
  if (!api) throw new Error('wasm backend: WebAssembly is not available in this runtime');
  const module = new api.Module(linkable(bytes, on));
  return { module, exports: link(module, on) };
}

/** Compiles and instantiates generated bytes against the scratch memory, synchronously. */
export function instantiate(bytes: Uint8Array): Record<string, unknown> {
  return compile(bytes).exports;
}

/**
 * Compiles generated bytes off the main thread; browsers refuse synchronous compilation of
 * modules over 4 KB on the main thread, so `initWasm` warms the kernel cache with this first.
 */
export async function instantiateAsync(bytes: Uint8Array): Promise<Record<string, unknown>> {
  return (await compileAsync(bytes)).exports;
}

/** `compile`, with the compilation off the calling thread. */
export async function compileAsync(
  bytes: Uint8Array,
  on: Scratch = getScratch(),
): Promise<{ module: WasmModule; exports: Record<string, unknown> }> {
  if (!api) throw new Error('wasm backend: WebAssembly is not available in this runtime');
  const module = await api.compile(linkable(bytes, on));
  return { module, exports: link(module, on) };
}
