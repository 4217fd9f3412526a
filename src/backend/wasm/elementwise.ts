// float32 elementwise kernels: operands stream through the scratch memory in chunks small
// enough to stay in L2, so the copy in, the SIMD pass and the copy out all hit cache.

import type { TypedArray } from '../../tensor/dtype.js';
import { binaryKernels as jsBinary, unaryKernels as jsUnary } from '../js/elementwise.js';
import type { BinaryKernel, UnaryKernel, View } from '../types.js';
import { streamModule } from './elementwise-codegen.js';
import { getScratch, hasSimd, instantiate } from './runtime.js';
import { flatten, gather } from './strided.js';

type Map2 = (a: number, b: number, out: number, bytes: number) => void;
type Map1 = (x: number, out: number, bytes: number) => void;
type Rows = (x: number, out: number, rows: number, len: number) => void;

/** The exports of the generated streaming module. */
export interface StreamKernels {
  add: Map2;
  sub: Map2;
  mul: Map2;
  div: Map2;
  exp: Map1;
  relu: Map1;
  rowsum: Rows;
  colsum: Rows;
}

/** Elements per chunk: 64 KB per operand. */
export const CHUNK = 16384;

let mod: StreamKernels | undefined;

/** The streaming kernels, compiled on first use (the module is ~1 KB, under browsers' sync limit). */
export function stream(): StreamKernels {
  mod ??= instantiate(streamModule()) as unknown as StreamKernels;
  return mod;
}

/** Rounds up to a multiple of 4 elements (one vector). */
export const up4 = (n: number): number => (n + 3) & ~3;

// add, sub, mul and div of float32 give the same bits as the js kernel (which computes in
// float64 and rounds: exact for these four operations), so parity tests compare exactly.
function binary(name: 'add' | 'sub' | 'mul' | 'div'): BinaryKernel {
  const fallback = jsBinary[name];
  return (a, b, out: TypedArray) => {
    if (
      !(out instanceof Float32Array && a.data instanceof Float32Array && b.data instanceof Float32Array) ||
      !hasSimd()
    ) {
      fallback(a, b, out);
      return;
    }
    const n = out.length;
    if (n === 0) return;
    const fa = flatten(a);
    const fb = flatten(b);
    const run = stream()[name];
    const chunk = Math.min(CHUNK, up4(n));
    const scratch = getScratch();
    scratch.ensure(2 * chunk * 4);
    const mem = scratch.f32;
    for (let s = 0; s < n; s += chunk) {
      const m = Math.min(chunk, n - s);
      gather(fa, s, m, mem, 0);
      gather(fb, s, m, mem, chunk);
      run(0, chunk * 4, 0, up4(m) * 4);
      out.set(mem.subarray(0, m), s);
    }
  };
}

function unary(name: 'exp' | 'relu'): UnaryKernel {
  const fallback = jsUnary[name];
  return (x, out) => {
    if (!(out instanceof Float32Array && x.data instanceof Float32Array) || !hasSimd()) fallback(x, out);
    else map1(stream()[name], x, out);
  };
}

function map1(run: Map1, x: View, out: Float32Array): void {
  const n = out.length;
  if (n === 0) return;
  const fx = flatten(x);
  const chunk = Math.min(CHUNK, up4(n));
  const scratch = getScratch();
  scratch.ensure(chunk * 4);
  const mem = scratch.f32;
  for (let s = 0; s < n; s += chunk) {
    const m = Math.min(chunk, n - s);
    gather(fx, s, m, mem, 0);
    run(0, 0, up4(m) * 4);
    out.set(mem.subarray(0, m), s);
  }
}

/**
 * float32 exp (within 2 ulp of the correctly rounded value) and relu (exact); other dtypes
 * use the js kernels.
 */
export const unaryKernels = { exp: unary('exp'), relu: unary('relu') };

/** float32 add, sub, mul, div; other dtypes use the js kernels. */
export const binaryKernels = {
  add: binary('add'),
  sub: binary('sub'),
  mul: binary('mul'),
  div: binary('div'),
};
