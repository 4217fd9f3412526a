// A minimal browser-style `Worker` for Node, on top of worker_threads, so that jax-js (which
// starts its wasm thread pool only when a global `Worker` exists) can run multi-threaded here.
// It supports exactly what jax-js uses: `new Worker(blobUrl)`, `postMessage`, `onmessage`,
// `onerror`, `terminate`. jax-js sizes its pool from `navigator.hardwareConcurrency`, which this
// module sets to the requested thread count.
import { resolveObjectURL } from 'node:buffer';
import { Worker as NodeWorker } from 'node:worker_threads';

// Gives the worker script the globals a Web Worker has: self, postMessage, onmessage.
const PRELUDE = `
const { parentPort } = require('node:worker_threads');
globalThis.self = globalThis;
globalThis.postMessage = (data) => parentPort.postMessage(data);
parentPort.on('message', (data) => { if (typeof self.onmessage === 'function') self.onmessage({ data }); });
`;

class ShimWorker {
  onmessage = null;
  onerror = null;
  #worker = null;
  #queue = [];
  #terminated = false;

  constructor(url) {
    const href = String(url);
    const blob = href.startsWith('blob:') ? resolveObjectURL(href) : null;
    if (!blob) throw new Error(`worker shim: only blob: URLs are supported, got ${href}`);
    // The blob must be read asynchronously; messages posted meanwhile wait in #queue.
    blob.text().then(
      (src) => this.#start(src),
      (e) => this.#fail(e),
    );
  }

  #start(src) {
    if (this.#terminated) return;
    const w = new NodeWorker(PRELUDE + src, { eval: true });
    w.on('message', (data) => this.onmessage?.({ data }));
    w.on('error', (e) => this.#fail(e));
    this.#worker = w;
    for (const m of this.#queue) w.postMessage(m);
    this.#queue = [];
  }

  #fail(e) {
    const message = e instanceof Error ? e.message : String(e);
    if (this.onerror) this.onerror({ message, error: e });
    else process.stderr.write(`worker shim: ${message}\n`);
  }

  postMessage(data) {
    if (this.#worker) this.#worker.postMessage(data);
    else this.#queue.push(data);
  }

  terminate() {
    this.#terminated = true;
    void this.#worker?.terminate();
  }
}

/** Installs the shim with `threads` workers in jax-js's pool. */
export function installWorkerShim(threads) {
  globalThis.Worker = ShimWorker;
  const nav = globalThis.navigator;
  if (nav === undefined) {
    globalThis.navigator = { hardwareConcurrency: threads };
  } else {
    Object.defineProperty(nav, 'hardwareConcurrency', { value: threads, configurable: true });
  }
}
