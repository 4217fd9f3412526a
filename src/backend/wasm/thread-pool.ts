// The worker pool: threads that run wasm kernels on one shared WebAssembly memory.
//
// Ops are synchronous, so the calling thread dispatches a job and takes part in it. A job is a
// list of tasks, each a short list of wasm calls, grouped into steps separated by barriers
// (GEMM packs every panel in step 1, then multiplies tiles in step 2). Tasks are claimed with an
// atomic counter, so a busy or still-booting worker just claims fewer of them: nothing waits on
// a particular worker, which matters on machines shared with other jobs. Dispatch writes the
// job into the control block and bumps a generation word with Atomics.notify; workers sleep in
// Atomics.wait between jobs (a wake-up measured 6-10 us round trip here, postMessage per call
// would be far slower and needs the event loop). Node only for now: Web Workers would take the
// same source from a Blob URL, but a page's main thread may not Atomics.wait (see README).

import { ValueError } from '../../errors.js';
import { getSharedScratch, type Scratch, type WasmModule } from './runtime.js';
import { CMD_WORDS, CTRL, CTRL_WORDS, MAX_STEPS, SPIN, WORKER_SOURCE } from './worker.js';

interface NodeProcess {
  env?: Record<string, string | undefined>;
  versions?: { node?: string };
  getBuiltinModule?: (id: string) => unknown;
  emitWarning?: (msg: string) => void;
}
interface NodeWorker {
  unref(): void;
  on(event: 'error' | 'exit', fn: (e: unknown) => void): void;
}
interface NodePort {
  postMessage(m: unknown): void;
  unref?(): void;
}
interface WorkerThreads {
  Worker: new (src: string, opts: object) => NodeWorker;
  MessageChannel: new () => { port1: NodePort; port2: NodePort };
}

const proc = (globalThis as { process?: NodeProcess }).process;
const MAX_THREADS = 256;

let threads: number | undefined;

function fromEnvironment(): number {
  const env = proc?.env?.NABLA_NUM_THREADS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (Number.isInteger(n) && n >= 1 && n <= MAX_THREADS) return n;
    proc?.emitWarning?.(`NABLA_NUM_THREADS: expected an integer in [1, ${MAX_THREADS}], got ${env}; ignored`);
  }
  try {
    const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
    if (os?.availableParallelism) return Math.min(MAX_THREADS, os.availableParallelism());
  } catch {
    // not Node
  }
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return Math.max(1, Math.min(MAX_THREADS, cores ?? 1));
}

/**
 * Sets how many threads (the calling one included) large wasm kernels may use. The default is
 * the number of cores (`os.availableParallelism()`), or `NABLA_NUM_THREADS` in Node. Results do
 * not depend on the thread count.
 * @example nb.setNumThreads(2);
 */
export function setNumThreads(n: number): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    const got = typeof n === 'string' ? JSON.stringify(n) : String(n);
    throw new ValueError('setNumThreads', `expected an integer number of threads in [1, ${MAX_THREADS}], got ${got}`);
  }
  threads = n;
}

/**
 * The number of threads large wasm kernels may use (see `setNumThreads`).
 * @example nb.getNumThreads(); // 2 on a two-core machine
 */
export function getNumThreads(): number {
  threads ??= fromEnvironment();
  return threads;
}

/** A list of wasm calls grouped into tasks and steps, built by a kernel before `runTasks`. */
export class TaskList {
  /** The commands, `CMD_WORDS` words each. */
  words = new Int32Array(CMD_WORDS * 256);
  /** Command index where each task starts, then one past the last command (`tasks + 1` used). */
  starts = new Int32Array(64);
  /** The input level (`runTasks` stages) each task needs. */
  levels = new Int32Array(64);
  /** Tasks per step. */
  steps: number[] = [];
  /** Tasks closed so far (the index of the task being built). */
  tasks = 0;
  #cmds = 0;
  #stepStart = 0;
  #weight = 0;
  #need = 0;

  /** Empties the list for reuse. */
  reset(): void {
    this.steps = [];
    this.tasks = 0;
    this.#cmds = 0;
    this.#stepStart = 0;
    this.#weight = 0;
    this.#need = 0;
  }

  /** Appends a call of export `fn` of module `slot` with up to eight i32 arguments. */
  call(slot: number, fn: number, a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0): void {
    if ((this.#cmds + 1) * CMD_WORDS > this.words.length) this.words = grow(this.words);
    const w = this.words;
    const p = this.#cmds++ * CMD_WORDS;
    w[p] = slot;
    w[p + 1] = fn;
    w[p + 2] = a0;
    w[p + 3] = a1;
    w[p + 4] = a2;
    w[p + 5] = a3;
    w[p + 6] = a4;
    w[p + 7] = a5;
    w[p + 8] = a6;
    w[p + 9] = a7;
  }

  /** The task being built may start only once the first `level` input stages are done. */
  need(level: number): void {
    this.#need = Math.max(this.#need, level);
  }

  /** Ends the current task once the work given since its start reaches `min` (merges small ones). */
  endTask(weight: number, min = 0): void {
    this.#weight += weight;
    if (this.#weight >= min && this.#cmds > this.starts[this.tasks]) {
      if (this.tasks + 2 > this.starts.length) {
        this.starts = grow(this.starts);
        this.levels = grow(this.levels);
      }
      this.levels[this.tasks] = this.#need;
      this.starts[++this.tasks] = this.#cmds;
      this.#weight = 0;
      this.#need = 0;
    }
  }

  /** Closes the current step (and its last task); the next step starts after a barrier. */
  endStep(): void {
    this.endTask(0);
    this.steps.push(this.tasks - this.#stepStart);
    this.#stepStart = this.tasks;
    if (this.steps.length > MAX_STEPS) throw new Error(`pool: expected at most ${MAX_STEPS} steps`);
  }

  /** Bytes the list occupies in memory: commands, task starts, levels and done flags. */
  get bytes(): number {
    return (this.#cmds * CMD_WORDS + 3 * this.tasks + 1) * 4;
  }
}

function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

interface Slot {
  module: WasmModule;
  names: readonly string[];
  fns: ((...a: number[]) => void)[];
}

const slots: Slot[] = [];
const ports: NodePort[] = [];
let control: Int32Array | undefined;
let broken = false;
let spawned = 0;

function workerThreads(): WorkerThreads | undefined {
  try {
    return proc?.getBuiltinModule?.('node:worker_threads') as WorkerThreads | undefined;
  } catch {
    return undefined;
  }
}

let available: boolean | undefined;

/** Whether kernels can run on worker threads here (Node with shared WebAssembly memory). */
export function threadsAvailable(): boolean {
  available ??= proc?.versions?.node !== undefined && workerThreads() !== undefined && getSharedScratch() !== null;
  return available && !broken;
}

/**
 * Registers a module compiled against the shared scratch memory, with the exports that
 * commands name by index; returns its slot. Workers receive it once.
 */
export function shareModule(module: WasmModule, exports: Record<string, unknown>, names: readonly string[]): number {
  const slot = slots.length;
  slots.push({ module, names, fns: names.map((n) => exports[n] as (...a: number[]) => void) });
  for (const p of ports) p.postMessage({ slot, module, names });
  return slot;
}

function ctrl(): Int32Array {
  control ??= new Int32Array(new SharedArrayBuffer(CTRL_WORDS * 4));
  return control;
}

// Workers start lazily (on the first job big enough) and are unref'd, so they never keep a
// process alive; a worker parked in Atomics.wait is stopped when the process exits.
function startWorkers(n: number): void {
  if (spawned >= n) return;
  const wt = workerThreads();
  const mem = getSharedScratch();
  if (!wt || !mem) return;
  for (; spawned < n; spawned++) {
    const { port1, port2 } = new wt.MessageChannel();
    const modules = slots.map((s, slot) => ({ slot, module: s.module, names: s.names }));
    const workerData = { memory: mem.memory, control: ctrl().buffer, id: spawned, port: port2, modules };
    let w: NodeWorker;
    try {
      // No execArgv: the worker needs no loader (tsx, ...), and V8 flags are process-wide.
      w = new wt.Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData, transferList: [port2] });
    } catch {
      broken = true;
      return;
    }
    w.unref();
    port1.unref?.();
    w.on('error', () => {
      // Tasks are claimed dynamically, so the others (and the calling thread) do its share.
    });
    ports.push(port1);
  }
}

/** Resolves once the started workers are running (for tests and benchmarks); returns their number. */
export async function workersReady(timeoutMs = 10000): Promise<number> {
  const end = Date.now() + timeoutMs;
  while (Atomics.load(ctrl(), CTRL.READY) < spawned && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 2));
  }
  return Atomics.load(ctrl(), CTRL.READY);
}

/** Jobs run so far, the tasks of the last one, and how many of those workers ran (for tests). */
export function lastJob(): { jobs: number; tasks: number; byWorkers: number } {
  quiesce(ctrl());
  return { ...lastStats, byWorkers: Atomics.load(ctrl(), CTRL.BY_WORKERS) };
}
let lastStats = { jobs: 0, tasks: 0 };

// Waits while c[i] === v: a short spin first (~10-20 us; a futex wake-up of a sleeping thread
// costs tens of microseconds on this VM), then Atomics.wait. Kept in step with worker.ts.
function park(c: Int32Array, i: number, v: number): void {
  for (let k = 0; k < SPIN; k++) if (Atomics.load(c, i) !== v) return;
  Atomics.add(c, CTRL.SLEEPERS, 1);
  Atomics.wait(c, i, v);
  Atomics.sub(c, CTRL.SLEEPERS, 1);
}

// Atomics.notify only when a thread sleeps (see CTRL.SLEEPERS).
function wake(c: Int32Array, i: number): void {
  if (Atomics.load(c, CTRL.SLEEPERS) > 0) Atomics.notify(c, i);
}

// Waits until no worker is inside a job, so its header and counters may be rewritten.
function quiesce(c: Int32Array): void {
  for (let a; (a = Atomics.load(c, CTRL.ACTIVE)) > 0;) park(c, CTRL.ACTIVE, a);
}

// The dispatcher's share: the same claim-run-barrier loop as the workers' (worker.ts), with
// `drain` called after each of its tasks of the last step.
function execute(c: Int32Array, i32: Int32Array, drain?: () => void): void {
  const [cmds, starts, levels, flags] = [
    c[CTRL.CMDS] >>> 2,
    c[CTRL.STARTS] >>> 2,
    c[CTRL.LEVELS] >>> 2,
    c[CTRL.FLAGS] >>> 2,
  ];
  let error: unknown;
  for (let s = 0, steps = c[CTRL.STEPS]; s < steps; s++) {
    const b = CTRL.STEP + 4 * s;
    const n = c[b + 2];
    for (let t; (t = Atomics.add(c, b, 1)) < n;) {
      const g = c[b + 3] + t;
      for (let v; (v = Atomics.load(c, CTRL.GO)) < i32[levels + g];) park(c, CTRL.GO, v);
      try {
        for (let k = i32[starts + g], end = i32[starts + g + 1]; k < end; k++) {
          const p = cmds + CMD_WORDS * k;
          const f = slots[i32[p]].fns[i32[p + 1]];
          f(i32[p + 2], i32[p + 3], i32[p + 4], i32[p + 5], i32[p + 6], i32[p + 7], i32[p + 8], i32[p + 9]);
        }
      } catch (e) {
        error ??= e;
      }
      Atomics.store(i32, flags + g, 1);
      if (Atomics.add(c, b + 1, 1) === n - 1) wake(c, b + 1);
      if (s === steps - 1) drain?.();
    }
    for (let d; (d = Atomics.load(c, b + 1)) < n;) park(c, b + 1, d);
  }
  if (error !== undefined) throw error;
}

let view: Int32Array<ArrayBufferLike> = new Int32Array(0);

/** What the calling thread does alongside the tasks of a job (see `runTasks`). */
export interface JobHooks {
  /**
   * Input stages (copies into the shared memory), run in order once the job is open; a task
   * with `need(L)` starts after the first L of them.
   */
  stages?: readonly (() => void)[];
  /**
   * Called after each task this thread runs in the last step, and once at the end: it may
   * copy out results of tasks already done (`done(task)`), overlapping with the others' work.
   */
  drain?: (done: (task: number) => boolean) => void;
}

/**
 * Runs `list` on up to `threads` threads (this one included): writes it into `scratch` at byte
 * address `at` (which must leave `list.bytes` free), runs the hooks' stages while workers start
 * on the tasks that need none, takes part in the tasks, and returns once every task has run
 * and the last drain is done.
 */
export function runTasks(list: TaskList, scratch: Scratch, at: number, threads: number, hooks: JobHooks = {}): void {
  startWorkers(threads - 1);
  const c = ctrl();
  // Workers may still be leaving the previous job: that wait is here rather than at the end of
  // each job, off the critical path of the op that ran it.
  quiesce(c);
  scratch.ensure(at + list.bytes);
  if (view.buffer !== scratch.memory.buffer) view = new Int32Array(scratch.memory.buffer);
  const i32 = view;
  const tasks = list.tasks;
  const ncmd = list.starts[tasks];
  const starts = at + ncmd * CMD_WORDS * 4;
  const levels = starts + (tasks + 1) * 4;
  const flags = levels + tasks * 4;
  i32.set(list.words.subarray(0, ncmd * CMD_WORDS), at >>> 2);
  i32.set(list.starts.subarray(0, tasks + 1), starts >>> 2);
  i32.set(list.levels.subarray(0, tasks), levels >>> 2);
  i32.fill(0, flags >>> 2, (flags >>> 2) + tasks);
  c[CTRL.WORKERS] = threads - 1;
  c[CTRL.MODULES] = slots.length;
  c[CTRL.STEPS] = list.steps.length;
  c[CTRL.CMDS] = at;
  c[CTRL.STARTS] = starts;
  c[CTRL.LEVELS] = levels;
  c[CTRL.FLAGS] = flags;
  c[CTRL.ERROR] = 0;
  c[CTRL.BY_WORKERS] = 0;
  c[CTRL.GO] = 0;
  let first = 0;
  list.steps.forEach((n, s) => {
    const b = CTRL.STEP + 4 * s;
    c[b] = 0;
    c[b + 1] = 0;
    c[b + 2] = n;
    c[b + 3] = first;
    first += n;
  });
  const fl = flags >>> 2;
  const done = (task: number): boolean => Atomics.load(i32, fl + task) !== 0;
  const drain = hooks.drain && (() => hooks.drain?.(done));
  // Open the job before publishing it: a worker that sees the new generation must find it open.
  Atomics.store(c, CTRL.STATE, 1);
  Atomics.add(c, CTRL.GEN, 1);
  wake(c, CTRL.GEN);
  try {
    for (const stage of hooks.stages ?? []) {
      stage();
      Atomics.add(c, CTRL.GO, 1);
      wake(c, CTRL.GO);
    }
    execute(c, i32, drain);
  } finally {
    Atomics.store(c, CTRL.GO, 0x7fffffff); // a throwing stage must not leave workers waiting
    wake(c, CTRL.GO);
    Atomics.store(c, CTRL.STATE, 0);
  }
  lastStats = { jobs: lastStats.jobs + 1, tasks };
  if (c[CTRL.ERROR]) throw new Error('pool: a worker failed while running a kernel (a library bug)');
  drain?.();
}
