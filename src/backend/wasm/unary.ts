// float32 elementwise kernels of unary-codegen.ts: unary maps, maximum and minimum, and the
// comparisons (float32 operands, bool output). Operands stream through the scratch memory in
// chunks, as in elementwise.ts; anything else (other dtypes, no SIMD) runs the js kernel.

import type { TypedArray } from '../../tensor/dtype.js';
import { binaryKernels as jsBinary, unaryKernels as jsUnary } from '../js/elementwise.js';
import type { BinaryKernel, UnaryKernel, View } from '../types.js';
import { getScratch, hasSimd, instantiate } from './runtime.js';
import { flatten, gather } from './strided.js';
import { unaryModule } from './unary-codegen.js';

const UNARY = ['neg', 'abs', 'sqrt', 'square', 'reciprocal', 'rsqrt', 'log', 'tanh', 'sigmoid'] as const;
const MINMAX = ['maximum', 'minimum'] as const;
const COMPARE = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const;
type Map1 = (x: number, out: number, bytes: number) => void;
type Map2 = (a: number, b: number, out: number, bytes: number) => void;
type Exports = Record<(typeof UNARY)[number], Map1> & Record<(typeof MINMAX | typeof COMPARE)[number], Map2>;

let mod: Exports | undefined;

/** The kernels, compiled on first use. */
export function unaryWasm(): Exports {
  mod ??= instantiate(unaryModule()) as unknown as Exports;
  return mod;
}

/** Values per chunk: 64 KB per float32 operand. */
const CHUNK = 16384;
const up = (n: number, m: number) => Math.ceil(n / m) * m;
const isF32 = (v: View) => v.data instanceof Float32Array;

function unary(name: (typeof UNARY)[number]): UnaryKernel {
  const fallback = jsUnary[name];
  return (x, out) => {
    if (!(out instanceof Float32Array && isF32(x)) || !hasSimd()) {
      fallback(x, out);
      return;
    }
    const n = out.length;
    if (n === 0) return;
    const run = unaryWasm()[name];
    const fx = flatten(x);
    const chunk = Math.min(CHUNK, up(n, 4));
    const scratch = getScratch();
    scratch.ensure(chunk * 4);
    const mem = scratch.f32;
    for (let s = 0; s < n; s += chunk) {
      const m = Math.min(chunk, n - s);
      gather(fx, s, m, mem, 0);
      run(0, 0, up(m, 4) * 4);
      out.set(mem.subarray(0, m), s);
    }
  };
}

// Both operands into scratch, one call, the result out: a Float32Array (maximum, minimum) at
// byte 0, or bytes (comparisons, 16 values per step) after the operands.
function binary(name: (typeof MINMAX | typeof COMPARE)[number], bool: boolean): BinaryKernel {
  const fallback = jsBinary[name];
  return (a, b, out: TypedArray) => {
    const outOk = bool ? out instanceof Uint8Array : out instanceof Float32Array;
    if (!(outOk && isF32(a) && isF32(b)) || !hasSimd()) {
      fallback(a, b, out);
      return;
    }
    const n = out.length;
    if (n === 0) return;
    const run = unaryWasm()[name];
    const [fa, fb] = [flatten(a), flatten(b)];
    const chunk = Math.min(CHUNK, up(n, 16));
    const scratch = getScratch();
    scratch.ensure(2 * chunk * 4 + chunk);
    const mem = scratch.f32;
    const bytes = new Uint8Array(mem.buffer, 2 * chunk * 4, chunk);
    for (let s = 0; s < n; s += chunk) {
      const m = Math.min(chunk, n - s);
      gather(fa, s, m, mem, 0);
      gather(fb, s, m, mem, chunk);
      if (bool) {
        run(0, chunk * 4, 2 * chunk * 4, up(m, 16) * 4);
        out.set(bytes.subarray(0, m), s);
      } else {
        run(0, chunk * 4, 0, up(m, 4) * 4);
        out.set(mem.subarray(0, m), s);
      }
    }
  };
}

/**
 * float32 neg, abs, sqrt, square, reciprocal, rsqrt, log, tanh, sigmoid (accuracy: see
 * unary-codegen.ts); other dtypes use the js kernels.
 */
export const moreUnaryKernels = Object.fromEntries(UNARY.map((k) => [k, unary(k)])) as Record<
  (typeof UNARY)[number],
  UnaryKernel
>;

/** float32 maximum, minimum and comparisons; other dtypes use the js kernels. */
export const moreBinaryKernels = Object.fromEntries([
  ...MINMAX.map((k) => [k, binary(k, false)]),
  ...COMPARE.map((k) => [k, binary(k, true)]),
]) as Record<(typeof MINMAX | typeof COMPARE)[number], BinaryKernel>;
