// A tiny WebAssembly binary encoder: just the sections, instructions and SIMD opcodes the
// kernel generators use. Kernels are built as bytes at run time, so the package needs no
// toolchain and ships no .wasm file. Reference: the WebAssembly core spec, binary format
// (https://webassembly.github.io/spec/core/binary/) and the SIMD / relaxed-SIMD proposals.

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** Appends `n` (a non-negative integer below 2^53) as unsigned LEB128. */
export function uleb(n: number, out: number[]): void {
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
}

/** Appends a 32-bit signed integer as signed LEB128. */
export function sleb(n: number, out: number[]): void {
  n |= 0;
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

/** SIMD opcodes (after the 0xfd prefix), from the SIMD and relaxed-SIMD proposals. */
export const Simd = {
  load: 0x00,
  load32Splat: 0x09,
  load64Splat: 0x0a,
  store: 0x0b,
  f32x4Splat: 0x13,
  f64x2Splat: 0x14,
  f32x4ExtractLane: 0x1f,
  f64x2ExtractLane: 0x21,
  f32x4Ne: 0x42,
  f32x4Gt: 0x44,
  f32x4Ge: 0x46,
  and: 0x4e,
  or: 0x50,
  bitselect: 0x52,
  load64Zero: 0x5d,
  f64x2PromoteLowF32x4: 0x5f,
  f32x4Nearest: 0x6a,
  i32x4Shl: 0xab,
  i32x4ShrS: 0xac,
  i32x4Add: 0xae,
  i32x4Sub: 0xb1,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
  f32x4Div: 0xe7,
  f32x4Min: 0xe8,
  f32x4Max: 0xe9,
  f32x4Pmin: 0xea,
  f32x4Pmax: 0xeb,
  f64x2Add: 0xf0,
  f64x2Sub: 0xf1,
  f64x2Mul: 0xf2,
  f64x2Div: 0xf3,
  i32x4TruncSatF32x4S: 0xf8,
  f32x4RelaxedMadd: 0x105,
  f64x2RelaxedMadd: 0x107,
} as const;

/** A function body under construction: instructions append bytes and return `this`. */
export class Code {
  readonly bytes: number[] = [];

  /** Raw bytes (an opcode without immediates). */
  op(...b: number[]): this {
    for (const x of b) this.bytes.push(x);
    return this;
  }
  block(): this {
    return this.op(0x02, 0x40);
  }
  loop(): this {
    return this.op(0x03, 0x40);
  }
  if(): this {
    return this.op(0x04, 0x40);
  }
  else(): this {
    return this.op(0x05);
  }
  end(): this {
    return this.op(0x0b);
  }
  br(depth: number): this {
    this.op(0x0c);
    uleb(depth, this.bytes);
    return this;
  }
  brIf(depth: number): this {
    this.op(0x0d);
    uleb(depth, this.bytes);
    return this;
  }
  get(i: number): this {
    this.op(0x20);
    uleb(i, this.bytes);
    return this;
  }
  set(i: number): this {
    this.op(0x21);
    uleb(i, this.bytes);
    return this;
  }
  tee(i: number): this {
    this.op(0x22);
    uleb(i, this.bytes);
    return this;
  }
  i32(v: number): this {
    this.op(0x41);
    sleb(v, this.bytes);
    return this;
  }
  f32(v: number): this {
    const b = new Uint8Array(new Float32Array([v]).buffer);
    return this.op(0x43, ...b);
  }
  i32Eqz(): this {
    return this.op(0x45);
  }
  i32Ne(): this {
    return this.op(0x47);
  }
  i32LtS(): this {
    return this.op(0x48);
  }
  i32GtS(): this {
    return this.op(0x4a);
  }
  i32GeS(): this {
    return this.op(0x4e);
  }
  i32Add(): this {
    return this.op(0x6a);
  }
  i32Sub(): this {
    return this.op(0x6b);
  }
  i32Mul(): this {
    return this.op(0x6c);
  }
  i32And(): this {
    return this.op(0x71);
  }
  /** A scalar memory instruction (`f32.load` 0x2a, `f64.load` 0x2b, `f32.store` 0x38, `f64.store` 0x39). */
  mem(opcode: number, alignLog2: number, offset = 0): this {
    this.op(opcode);
    uleb(alignLog2, this.bytes);
    uleb(offset, this.bytes);
    return this;
  }
  f64Add(): this {
    return this.op(0xa0);
  }
  f64PromoteF32(): this {
    return this.op(0xbb);
  }
  /** `local[i] += delta` for an i32 local. */
  inc(i: number, delta: number): this {
    return this.get(i).i32(delta).i32Add().set(i);
  }
  /** A SIMD instruction with optional raw immediates (lane index). */
  simd(opcode: number, ...imm: number[]): this {
    this.op(0xfd);
    uleb(opcode, this.bytes);
    return this.op(...imm);
  }
  /** A SIMD memory instruction: memarg is log2(alignment) and a constant byte offset. */
  simdMem(opcode: number, offset: number, alignLog2 = 4): this {
    this.op(0xfd);
    uleb(opcode, this.bytes);
    uleb(alignLog2, this.bytes);
    uleb(offset, this.bytes);
    return this;
  }
  /** `v128.const` with four f32 lanes. */
  f32x4Const(v: number): this {
    const b = new Uint8Array(new Float32Array([v, v, v, v]).buffer);
    return this.simd(0x0c, ...b);
  }
  /** `v128.const` with four i32 lanes. */
  i32x4Const(v: number): this {
    const b = new Uint8Array(new Int32Array([v, v, v, v]).buffer);
    return this.simd(0x0c, ...b);
  }
}

/** A function to export: its signature, extra locals and body. */
export class Func {
  readonly locals: number[] = [];
  readonly code = new Code();

  constructor(
    readonly name: string,
    readonly params: readonly number[],
    readonly results: readonly number[] = [],
  ) {}

  /** Declares a local of `type` and returns its index. */
  local(type: number): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }
}

function section(id: number, payload: number[], out: number[]): void {
  out.push(id);
  uleb(payload.length, out);
  for (const b of payload) out.push(b);
}

function name(s: string, out: number[]): void {
  uleb(s.length, out);
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
}

/**
 * How a module imports `env.mem`: a plain memory (any size), or a shared one, which the
 * threads proposal requires to be declared `shared` with a maximum (the wasm32 limit here, so
 * any shared memory links).
 */
export interface MemoryImport {
  readonly shared: boolean;
}

const MAX_PAGES = 65536;

function importSection(memory: MemoryImport): number[] {
  const imports: number[] = [1];
  name('env', imports);
  name('mem', imports);
  imports.push(0x02); // a memory
  if (memory.shared) {
    imports.push(0x03, 0x00); // limits: shared, with maximum; min 0 pages
    uleb(MAX_PAGES, imports);
  } else {
    imports.push(0x00, 0x00); // limits without maximum, min 0 pages
  }
  return imports;
}

/**
 * Encodes a module that imports its linear memory as `env.mem` (so kernel modules share a
 * scratch memory that JavaScript owns and grows), plain or shared, and exports `funcs` by name.
 */
export function encodeModule(funcs: readonly Func[], memory: MemoryImport = { shared: false }): Uint8Array {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const sigs: string[] = [];
  const typeOf = funcs.map((f) => {
    const key = `${f.params.join(',')}:${f.results.join(',')}`;
    let t = sigs.indexOf(key);
    if (t < 0) t = sigs.push(key) - 1;
    return t;
  });
  const types: number[] = [];
  uleb(sigs.length, types);
  for (const key of sigs) {
    const [p, r] = key.split(':').map((s) => (s ? s.split(',').map(Number) : []));
    types.push(0x60);
    uleb(p.length, types);
    types.push(...p);
    uleb(r.length, types);
    types.push(...r);
  }
  section(1, types, out);

  section(2, importSection(memory), out);

  const fns: number[] = [];
  uleb(funcs.length, fns);
  for (const t of typeOf) uleb(t, fns);
  section(3, fns, out);

  const exps: number[] = [];
  uleb(funcs.length, exps);
  funcs.forEach((f, i) => {
    name(f.name, exps);
    exps.push(0x00);
    uleb(i, exps);
  });
  section(7, exps, out);

  const codes: number[] = [];
  uleb(funcs.length, codes);
  for (const f of funcs) {
    const body: number[] = [];
    // Locals are declared as runs of equal type.
    const runs: [number, number][] = [];
    for (const t of f.locals) {
      if (runs.length && runs[runs.length - 1][1] === t) runs[runs.length - 1][0]++;
      else runs.push([1, t]);
    }
    uleb(runs.length, body);
    for (const [n, t] of runs) {
      uleb(n, body);
      body.push(t);
    }
    body.push(...f.code.bytes, 0x0b);
    uleb(body.length, codes);
    for (const b of body) codes.push(b);
  }
  section(10, codes, out);
  return new Uint8Array(out);
}

/**
 * The bytes of a module from `encodeModule` with its memory import switched to `memory`'s form
 * (the runtime links every generated module to one memory, shared or not, whichever form its
 * generator chose). Only the import section is rewritten.
 */
export function withMemoryImport(bytes: Uint8Array, memory: MemoryImport): Uint8Array {
  const out: number[] = Array.from(bytes.subarray(0, 8));
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p++];
    let size = 0;
    for (let shift = 1; ; shift *= 128) {
      const b = bytes[p++];
      size += (b & 0x7f) * shift;
      if (b < 0x80) break;
    }
    if (id === 2) section(2, importSection(memory), out);
    else {
      out.push(id);
      uleb(size, out);
      for (let i = p; i < p + size; i++) out.push(bytes[i]);
    }
    p += size;
  }
  return new Uint8Array(out);
}
