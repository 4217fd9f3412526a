// Token-sequence memory tasks (copy, delayed recall, associative recall), the synthetic
// benchmarks nbml trains its attention and recurrent layers on. Token 0 is always the blank /
// padding token; `mask` marks the positions a loss should score.
import { ValueError } from '../../errors.js';
import { generatorOf, type Generator, type GeneratorOptions } from '../../tensor/generator.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';

/** A batch of a sequence task. */
export interface SequenceTask {
  /** `[N, T]` int32 input tokens. */
  inputs: Tensor;
  /** `[N, T]` int32 target tokens (`[N]` for associative recall). */
  targets: Tensor;
  /** `[N, T]` float32, 1 where the target is scored (`[N]` of ones for associative recall). */
  mask: Tensor;
  /** Number of distinct tokens (embedding / output size). */
  vocabSize: number;
}

function count(op: string, name: string, v: number, min = 1): number {
  if (!Number.isInteger(v) || v < min)
    throw new ValueError(op, `expected ${name} to be an integer >= ${min}, got ${v}`);
  return v;
}

function symbol(g: Generator, k: number): number {
  return 1 + g.integer(0, k);
}

/**
 * The copy task: `length` random symbols (tokens 1..numSymbols), a delimiter
 * (token numSymbols + 1), then blanks while the model must output the symbols in order.
 * T = 2·length + 1; the mask covers the last `length` positions.
 * @example const { inputs, targets, mask } = data.datasets.copyTask(64, { length: 5 });
 */
export function copyTask(
  n: number,
  opts: GeneratorOptions & { length?: number; numSymbols?: number } = {},
): SequenceTask {
  const op = 'copyTask';
  const g = generatorOf(op, opts);
  count(op, 'n', n, 0);
  const L = count(op, 'length', opts.length ?? 8);
  const K = count(op, 'numSymbols', opts.numSymbols ?? 8);
  const T = 2 * L + 1;
  const inputs = new Int32Array(n * T);
  const targets = new Int32Array(n * T);
  const mask = new Float32Array(n * T);
  for (let b = 0; b < n; b++) {
    const row = b * T;
    for (let t = 0; t < L; t++) {
      const s = symbol(g, K);
      inputs[row + t] = s;
      targets[row + L + 1 + t] = s;
      mask[row + L + 1 + t] = 1;
    }
    inputs[row + L] = K + 1;
  }
  return {
    inputs: fromArray(inputs, [n, T], 'int32'),
    targets: fromArray(targets, [n, T], 'int32'),
    mask: fromArray(mask, [n, T], 'float32'),
    vocabSize: K + 2,
  };
}

/**
 * Delayed recall: a stream of random symbols (tokens 1..numSymbols) where the target at step t
 * is the input at step t - delay (blank 0 before that; the mask covers t >= delay).
 * @example data.datasets.delayedRecall(32, { length: 20, delay: 3 })
 */
export function delayedRecall(
  n: number,
  opts: GeneratorOptions & { length?: number; delay?: number; numSymbols?: number } = {},
): SequenceTask {
  const op = 'delayedRecall';
  const g = generatorOf(op, opts);
  count(op, 'n', n, 0);
  const T = count(op, 'length', opts.length ?? 16);
  const delay = count(op, 'delay', opts.delay ?? 4, 0);
  const K = count(op, 'numSymbols', opts.numSymbols ?? 8);
  if (delay >= T) throw new ValueError(op, `expected delay < length, got delay=${delay} and length=${T}`);
  const inputs = new Int32Array(n * T);
  const targets = new Int32Array(n * T);
  const mask = new Float32Array(n * T);
  for (let b = 0; b < n; b++) {
    for (let t = 0; t < T; t++) inputs[b * T + t] = symbol(g, K);
    for (let t = delay; t < T; t++) {
      targets[b * T + t] = inputs[b * T + t - delay];
      mask[b * T + t] = 1;
    }
  }
  return {
    inputs: fromArray(inputs, [n, T], 'int32'),
    targets: fromArray(targets, [n, T], 'int32'),
    mask: fromArray(mask, [n, T], 'float32'),
    vocabSize: K + 1,
  };
}

/**
 * Associative recall: `numPairs` key-value pairs (distinct keys, tokens 1..numKeys; values,
 * tokens numKeys+1..numKeys+numValues) followed by one of the keys as a query; the target is
 * the value paired with it. inputs `[N, 2·numPairs + 1]`, targets `[N]` (value tokens).
 * @example const { inputs, targets, vocabSize } = data.datasets.associativeRecall(128, { numPairs: 4 });
 */
export function associativeRecall(
  n: number,
  opts: GeneratorOptions & { numPairs?: number; numKeys?: number; numValues?: number } = {},
): SequenceTask {
  const op = 'associativeRecall';
  const g = generatorOf(op, opts);
  count(op, 'n', n, 0);
  const P = count(op, 'numPairs', opts.numPairs ?? 4);
  const K = count(op, 'numKeys', opts.numKeys ?? 8);
  const V = count(op, 'numValues', opts.numValues ?? 8);
  if (P > K)
    throw new ValueError(op, `expected numPairs <= numKeys (keys are distinct), got numPairs=${P} and numKeys=${K}`);
  const T = 2 * P + 1;
  const inputs = new Int32Array(n * T);
  const targets = new Int32Array(n);
  const keys = Array.from({ length: K }, (_, i) => i + 1);
  for (let b = 0; b < n; b++) {
    // Partial Fisher-Yates: the first P entries become P distinct random keys.
    for (let i = 0; i < P; i++) {
      const j = i + g.integer(0, K - i);
      [keys[i], keys[j]] = [keys[j], keys[i]];
    }
    for (let p = 0; p < P; p++) {
      inputs[b * T + 2 * p] = keys[p];
      inputs[b * T + 2 * p + 1] = K + 1 + g.integer(0, V);
    }
    const q = g.integer(0, P);
    inputs[b * T + T - 1] = keys[q];
    targets[b] = inputs[b * T + 2 * q + 1];
  }
  return {
    inputs: fromArray(inputs, [n, T], 'int32'),
    targets: fromArray(targets, [n], 'int32'),
    mask: fromArray(new Float32Array(n).fill(1), [n], 'float32'),
    vocabSize: 1 + K + V,
  };
}
