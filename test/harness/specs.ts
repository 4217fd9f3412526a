// The op-spec table format (in the manner of PyTorch's OpInfo). Each family of ops lists its
// rows in test/specs/<family>.ts; test/ops.test.ts turns every row into gradcheck, PyTorch
// fixture and error-message tests, and tools/export-cases.ts feeds the fixture generator.
import * as nb from '../../src/index.js';
import type { DType, Tensor } from '../../src/index.js';

/** One input of a sample: a shape, or a shape with options. */
export type InputSpec =
  | number[]
  | {
      shape: number[];
      /** Default float64 (so gradcheck and fixtures compare the math, not rounding). */
      dtype?: DType;
      /** Uniform range of generated values; for int32 an integer range [low, high). Default [-2, 2]. */
      low?: number;
      high?: number;
      /** Explicit values (flattened, row-major) instead of random ones. */
      values?: number[];
      /** Whether a float input requires grad (default true). */
      grad?: boolean;
      /** Feed the op a non-contiguous view holding the same values. */
      noncontig?: boolean;
    };

/** A test case: one set of inputs for an op. */
export interface Sample {
  inputs: InputSpec[];
  /** A short label, shown in test names. */
  label?: string;
  /** Skip gradcheck for this sample, with the reason (e.g. a kink or a discrete output). */
  noGradcheck?: string;
}

/** One row of the op table. */
export interface OpSpec {
  /** Unique id, e.g. `sum.dim` ; used as fixture key. */
  name: string;
  /** The nabla call. */
  fn: (...xs: Tensor[]) => Tensor;
  /** The same call in PyTorch, over inputs named a, b, c, d (`torch`, `F` = torch.nn.functional). */
  torch?: string;
  /** Why there is no PyTorch fixture, when `torch` is absent. */
  noTorch?: string;
  samples: Sample[];
  /** Tolerances for fixture comparison (defaults: 1e-9/1e-7 for float64, 1e-5/1e-4 for float32). */
  atol?: number;
  rtol?: number;
  /** Gradcheck tolerances when the PyTorch defaults are too tight for the op. */
  gradcheck?: { eps?: number; atol?: number; rtol?: number };
  /** Why second derivatives are not checked (gradgradcheck runs on the first gradcheck sample). */
  noGradgrad?: string;
  /** Not differentiable at all (bool or integer results): no gradcheck, no gradient fixture. */
  nondiff?: boolean;
}

/** Normalized input spec. */
export function normInput(s: InputSpec) {
  const o = Array.isArray(s) ? { shape: s } : s;
  return {
    shape: o.shape,
    dtype: o.dtype ?? ('float64' as DType),
    low: o.low ?? -2,
    high: o.high ?? 2,
    values: o.values,
    grad: o.grad ?? true,
    noncontig: o.noncontig ?? false,
  };
}

// mulberry32 seeded by a string hash: test inputs are the same on every run and machine.
function rng(seed: string): () => number {
  let h = 1779033703;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Deterministic values for input `i` of a sample. */
export function inputValues(spec: OpSpec, sampleIndex: number, i: number): number[] {
  const inp = normInput(spec.samples[sampleIndex].inputs[i]);
  if (inp.values) return inp.values;
  const r = rng(`${spec.name}/${sampleIndex}/${i}`);
  const n = inp.shape.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const u = r();
    if (inp.dtype === 'int32') out.push(Math.floor(inp.low + u * (inp.high - inp.low)));
    else if (inp.dtype === 'bool') out.push(u < 0.5 ? 1 : 0);
    else out.push(inp.low + u * (inp.high - inp.low));
  }
  return out;
}

/** A tensor with the given values and shape, laid out non-contiguously (same values). */
export function nonContiguous(values: ArrayLike<number>, shape: number[], dtype: DType): Tensor {
  if (shape.length >= 2) {
    // Store the transpose of the last two dims, then view it back transposed.
    const t = nb.tensor(Array.from(values), { dtype }).reshape(shape).transpose(-1, -2).contiguous();
    return t.transpose(-1, -2).detach();
  }
  // 1-D or 0-d: every other element of a buffer twice as long.
  const n = values.length;
  const buf = new Array<number>(2 * Math.max(n, 1)).fill(0);
  for (let k = 0; k < n; k++) buf[2 * k] = values[k];
  const t = nb.tensor(buf, { dtype }).slice(0, 0, null, 2);
  return t.reshape(shape).detach();
}

/** Builds the input tensors of a sample from values (fixture or generated). */
export function buildInputs(
  spec: OpSpec,
  sampleIndex: number,
  values: ArrayLike<number>[],
  dtypes?: DType[],
): Tensor[] {
  return spec.samples[sampleIndex].inputs.map((raw, i) => {
    const inp = normInput(raw);
    const dtype = dtypes?.[i] ?? inp.dtype;
    let t = inp.noncontig
      ? nonContiguous(values[i], inp.shape, dtype)
      : nb.tensor(Array.from(values[i]), { dtype }).reshape(inp.shape);
    t = t.detach();
    if (!spec.nondiff && inp.grad && (dtype === 'float64' || dtype === 'float32')) t.requiresGrad_(true);
    return t;
  });
}
