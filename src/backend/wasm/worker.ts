// What a pool worker runs, as a source string. A file loaded with `new Worker(new URL(...))`
// does not work everywhere the library runs: under tsx (the test runner) the worker thread does
// not get tsx's loader hooks on Node 20, so a worker importing `.ts` sources fails to start.
// The worker needs no library code anyway: it is a generic interpreter of "call this wasm
// export with these eight i32 arguments" command lists, grouped into tasks that threads claim
// with an atomic counter, so a string started with `eval: true` (or, in a browser, from a Blob
// URL) is all it takes. The kernels themselves arrive as compiled WebAssembly.Module objects.

/** Word indices in the control block (an Int32Array over a SharedArrayBuffer). */
export const CTRL = {
  /** Bumped (then notified) to publish a job; workers wait on it. */
  GEN: 0,
  /** 1 while a job is open to joiners, 0 otherwise. */
  STATE: 1,
  /** Workers inside a job; the dispatcher waits for 0 before reusing the job's memory. */
  ACTIVE: 2,
  /** Workers that have started. */
  READY: 3,
  /** Workers with an id below this may join jobs (the thread count can shrink). */
  WORKERS: 4,
  /** Module slots the current job uses (a worker joins only once it has them all). */
  MODULES: 5,
  /** Steps in the job: task groups separated by barriers. */
  STEPS: 6,
  /** Set when a command threw (a library bug: the dispatcher rethrows). */
  ERROR: 7,
  /** Tasks that workers (not the dispatching thread) ran in the last job. */
  BY_WORKERS: 8,
  /**
   * Input stages the dispatcher has finished (copies it makes while the job runs); a task that
   * needs level L waits until GO >= L.
   */
  GO: 9,
  /**
   * Threads inside Atomics.wait (on any word). A notify costs the notifier 6-9 us on this VM
   * when someone sleeps and 0.2 us otherwise, so notifiers skip it when this is 0: a waiter
   * counts itself before its (atomic check-and-)wait, so a change made before the notifier
   * reads 0 is seen by the wait, and no wake-up is lost.
   */
  SLEEPERS: 10,
  /** Byte address of the commands in the shared memory. */
  CMDS: 11,
  /** Byte address of the task table: where each task's commands start, then the end. */
  STARTS: 12,
  /** Byte address of each task's needed input level (see GO). */
  LEVELS: 13,
  /** Byte address of each task's done flag (set to 1 when it has run). */
  FLAGS: 14,
  /** Per step, 4 words: next task to claim, tasks done, task count, index of its first task. */
  STEP: 16,
} as const;

/** The most steps a job may have. */
export const MAX_STEPS = 4;
/** Words in the control block. */
export const CTRL_WORDS = CTRL.STEP + 4 * MAX_STEPS;
/** Words per command: module slot, export index, eight arguments. */
export const CMD_WORDS = 10;
/**
 * Atomic loads a thread spins for (about 10-20 us) at a barrier before it sleeps in
 * Atomics.wait: the other threads' last tasks usually end within that, and a futex wake-up
 * costs tens of microseconds on this VM.
 */
export const SPIN = 2000;

// The claim-run-barrier loop must stay the same as `execute` in thread-pool.ts (the tests run
// every job shape with workers and without).
const source = `'use strict';
const C = ${JSON.stringify(CTRL)};
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const { memory, control, id, port } = workerData;
const ctrl = new Int32Array(control);
const fns = [];
const add = (m) => {
  const ex = new WebAssembly.Instance(m.module, { env: { mem: memory } }).exports;
  fns[m.slot] = m.names.map((n) => ex[n]);
};
workerData.modules.forEach(add);
// Sleeps while ctrl[i] === v, counted in SLEEPERS so that notifiers know to notify.
const sleep = (i, v) => {
  Atomics.add(ctrl, C.SLEEPERS, 1);
  Atomics.wait(ctrl, i, v);
  Atomics.sub(ctrl, C.SLEEPERS, 1);
};
const park = (i, v) => {
  for (let k = 0; k < ${SPIN}; k++) if (Atomics.load(ctrl, i) !== v) return;
  sleep(i, v);
};
const wake = (i) => {
  if (Atomics.load(ctrl, C.SLEEPERS) > 0) Atomics.notify(ctrl, i);
};
const have = (n) => {
  for (let i = 0; i < n; i++) {
    while (fns[i] === undefined) {
      const msg = receiveMessageOnPort(port);
      if (msg === undefined) return false;
      add(msg.message);
    }
  }
  return true;
};
const execute = (i32) => {
  const [cmds, starts, levels, flags] = [ctrl[C.CMDS] >>> 2, ctrl[C.STARTS] >>> 2, ctrl[C.LEVELS] >>> 2, ctrl[C.FLAGS] >>> 2];
  let ran = 0;
  for (let s = 0, steps = ctrl[C.STEPS]; s < steps; s++) {
    const b = C.STEP + 4 * s;
    const n = ctrl[b + 2];
    for (let t; (t = Atomics.add(ctrl, b, 1)) < n; ) {
      const g = ctrl[b + 3] + t;
      for (let v; (v = Atomics.load(ctrl, C.GO)) < i32[levels + g]; ) park(C.GO, v);
      try {
        for (let c = i32[starts + g], end = i32[starts + g + 1]; c < end; c++) {
          const p = cmds + ${CMD_WORDS} * c;
          fns[i32[p]][i32[p + 1]](i32[p + 2], i32[p + 3], i32[p + 4], i32[p + 5], i32[p + 6], i32[p + 7], i32[p + 8], i32[p + 9]);
        }
      } catch {
        Atomics.store(ctrl, C.ERROR, 1);
      }
      Atomics.store(i32, flags + g, 1);
      ran++;
      if (Atomics.add(ctrl, b + 1, 1) === n - 1) wake(b + 1);
    }
    for (let d; (d = Atomics.load(ctrl, b + 1)) < n; ) park(b + 1, d);
  }
  return ran;
};
Atomics.add(ctrl, C.READY, 1);
Atomics.notify(ctrl, C.READY);
let i32 = new Int32Array(memory.buffer);
for (let seen = 0; ; ) {
  // Between jobs a worker sleeps at once: an idle spin only pays when the next job comes within
  // it, and on a loaded machine it takes a core from the thread that would dispatch that job.
  sleep(C.GEN, seen);
  const gen = Atomics.load(ctrl, C.GEN);
  if (gen === seen) continue;
  seen = gen;
  if (id >= Atomics.load(ctrl, C.WORKERS)) continue;
  Atomics.add(ctrl, C.ACTIVE, 1);
  try {
    if (Atomics.load(ctrl, C.STATE) === 1 && have(ctrl[C.MODULES])) {
      if (i32.buffer !== memory.buffer) i32 = new Int32Array(memory.buffer);
      const ran = execute(i32);
      if (ran > 0) Atomics.add(ctrl, C.BY_WORKERS, ran);
    }
  } finally {
    if (Atomics.sub(ctrl, C.ACTIVE, 1) === 1) wake(C.ACTIVE);
  }
}
`;

/**
 * The worker program (CommonJS, for `new Worker(WORKER_SOURCE, { eval: true })`). Its
 * `workerData` is `{ memory, control, id, port, modules }`: the shared memory, the control
 * block's buffer, the worker's index, a MessagePort that later modules (`{ slot, module, names }`)
 * arrive on, and the modules known at start.
 */
export const WORKER_SOURCE: string = source;
