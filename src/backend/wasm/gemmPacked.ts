// A GEMM against a right operand packed once and reused: `out = a @ B` for many small `a` and
// one fixed `B`, as in the time loop of a recurrent layer (h_t W^T at every step). The generic
// `matmul` stages and packs B on every call, which for W4's hidden weight ([128, 512], 16 rows
// of h) costs about as much as the product itself.
//
// The panels must survive the kernels that run between two steps, and every kernel uses the
// shared scratch memory from its start; so the GEMM module of gemm-codegen.ts is instantiated a
// second time here, against a private memory that only this file writes. Packed operands sit
// at its bottom (a stack: one per live handle), the per-call work area above them.

import type { View } from '../types.js';
import { gemmModule, type GemmShape } from './gemm-codegen.js';
import { blocking, type GemmKernel } from './matmul.js';
import { hasSimd, useRelaxed } from './runtime.js';

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (d: { initial: number }) => { readonly buffer: ArrayBuffer; grow(pages: number): number };
}

const PAGE = 65536;
const up = (x: number, m: number): number => Math.ceil(x / m) * m;

/** The private memory: a stack of packed operands, then scratch for one call. */
class Arena {
  readonly memory;
  f32: Float32Array;
  /** Bytes in use by live packed operands. */
  top = 0;
  live = 0;
  readonly kernels = new Map<string, GemmKernel>();

  constructor(readonly api: WasmApi) {
    this.memory = new api.Memory({ initial: 16 });
    this.f32 = new Float32Array(this.memory.buffer);
  }

  ensure(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE));
    if (this.f32.buffer !== this.memory.buffer) this.f32 = new Float32Array(this.memory.buffer);
  }

  kernel(s: GemmShape): GemmKernel {
    const key = `${s.mr}x${s.nr}:${s.broadcast ?? 'load'}:${s.relaxed}`;
    let k = this.kernels.get(key);
    if (!k) {
      const inst = new this.api.Instance(new this.api.Module(gemmModule(s)), { env: { mem: this.memory } });
      k = { ...s, ...inst.exports } as unknown as GemmKernel;
      this.kernels.set(key, k);
    }
    return k;
  }
}

let arena: Arena | undefined;
function getArena(): Arena | undefined {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api && !arena) arena = new Arena(api);
  return arena;
}

const NR = 8;
// Tile rows for an `m`-row product: 5 x 8 (ten FMA chains) runs about 4% faster than 4 x 8 per
// tile, but pads m up to a multiple of 5 (W4's batch of 16 would compute 20 rows).
function shapeFor(m: number): GemmShape {
  const relaxed = useRelaxed();
  if (relaxed && up(m, 5) <= up(m, 4) * 1.04) return { dtype: 'float32', mr: 5, nr: NR, relaxed, broadcast: 'shuffle' };
  return { dtype: 'float32', mr: 4, nr: NR, relaxed };
}

// Packs an n x kc block (panel axis stride sj, depth stride sk, byte strides; src a byte
// address of staged data) into panels of width w at byte address dst.
function packPanels(
  kern: GemmKernel,
  src: number,
  sj: number,
  sk: number,
  n: number,
  kc: number,
  w: number,
  isA: boolean,
  dst: number,
) {
  const full = sj === 4 || sk === 4 ? Math.floor(n / w) : 0;
  if (full > 0 && sj === 4) (isA ? kern.packA : kern.packB)(src, sk, kc, full, dst);
  else if (full > 0) (isA ? kern.packTA : kern.packTB)(src, sj, kc, full, dst);
  const rest = Math.ceil(n / w) - full;
  if (rest > 0) {
    const last = n - (full + rest - 1) * w;
    kern.packStrided(src + full * w * sj, sk, sj, kc, w, rest, last, dst + full * w * kc * 4);
  }
}

/** A right operand `B: [K, N]` packed into GEMM panels, reusable until released. */
export interface PackedRhs {
  readonly k: number;
  readonly n: number;
  /**
   * `out[outOff + i * N + j] = bias[biasOff + j] + sum_p a[aOff + i * K + p] B[p, j]` for `m`
   * contiguous rows of `a` (no bias term when `bias` is null); `out` is written, not added to.
   */
  multiply(
    a: Float32Array,
    aOff: number,
    m: number,
    out: Float32Array,
    outOff: number,
    bias: Float32Array | null,
    biasOff: number,
  ): void;
  /** Frees the panels (handles are best released in the reverse order of packing). */
  release(): void;
}

/**
 * Packs `b` (`[K, N]`, any non-negative strides, float32) once for many products `a @ b`, or
 * returns null where the packed path does not apply (other dtypes, no SIMD, empty or
 * negatively strided operands): the caller then uses `matmul`.
 * @example
 * const w = packRhs(wT); // [K, N]
 * for (const t of steps) w?.multiply(h, t * M * K, M, out, t * M * N, null, 0);
 * w?.release();
 */
export function packRhs(b: View): PackedRhs | null {
  const [K, N] = b.shape;
  const [sk, sn] = b.strides;
  if (!(b.data instanceof Float32Array) || !hasSimd() || K === 0 || N === 0 || sk < 0 || sn < 0) return null;
  const ar = getArena();
  if (!ar) return null;
  const kc = blocking.kc;
  const Np = up(N, NR);
  const base = ar.top;
  const size = up(K * Np * 4, 64);
  const span = 1 + (K - 1) * sk + (N - 1) * sn;
  ar.ensure(base + size + span * 4);
  ar.f32.set(b.data.subarray(b.offset, b.offset + span), (base + size) / 4);
  const packer = ar.kernel(shapeFor(4));
  // Depth block pc occupies K rows [pc, pc + kcur) of panels, Np * kcur floats from base + pc * Np * 4.
  for (let pc = 0; pc < K; pc += kc) {
    const kcur = Math.min(kc, K - pc);
    packPanels(packer, base + size + pc * sk * 4, sn * 4, sk * 4, N, kcur, NR, false, base + pc * Np * 4);
  }
  ar.top = base + size;
  ar.live++;
  let released = false;
  return {
    k: K,
    n: N,
    multiply(a, aOff, m, out, outOff, bias, biasOff) {
      if (m === 0) return;
      const kern = ar.kernel(shapeFor(m));
      const mr = kern.mr;
      const Mp = up(m, mr);
      // Work area above every live operand: staged a | packed a (one depth block) | C.
      const work = up(ar.top, 64);
      const pa = work + up(m * K * 4, 64);
      const pcOut = pa + up(Mp * Math.min(K, kc) * 4, 64);
      ar.ensure(pcOut + Mp * Np * 4);
      const mem = ar.f32;
      mem.set(a.subarray(aOff, aOff + m * K), work / 4);
      const c = pcOut / 4;
      // The bias goes in as C's starting value, which the kernel accumulates onto.
      if (bias) for (let i = 0; i < m; i++) mem.set(bias.subarray(biasOff, biasOff + N), c + i * Np);
      for (let pc = 0; pc < K; pc += kc) {
        const kcur = Math.min(kc, K - pc);
        packPanels(kern, work + pc * 4, K * 4, 4, m, kcur, mr, true, pa);
        kern.gemm(pa, base + pc * Np * 4, pcOut, Mp / mr, Np / NR, kcur, Np * 4, pc > 0 || bias ? 1 : 0);
      }
      if (Np === N) out.set(mem.subarray(c, c + m * N), outOff);
      else for (let i = 0; i < m; i++) out.set(mem.subarray(c + i * Np, c + i * Np + N), outOff + i * N);
    },
    release() {
      if (released) return;
      released = true;
      if (--ar.live === 0) ar.top = 0;
      else if (ar.top === base + size) ar.top = base;
    },
  };
}
