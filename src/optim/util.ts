// Plumbing shared by the optimizers: flat views of parameter, gradient and state memory, the
// float32 rounding that makes fused loops reproduce PyTorch's per-op float32 arithmetic, and
// Python-style number printing for PyTorch's validation messages.
import { kernels } from '../backend/index.js';
import { ValueError } from '../errors.js';
import { noGrad } from '../autograd/mode.js';
import type { DType, TypedArray } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/create.js';
import { contiguousStrides } from '../tensor/shape.js';

/** A run of `n` elements starting at `off` in `data`: how the update loops see a tensor. */
export interface Flat {
  data: TypedArray;
  off: number;
  n: number;
}

/**
 * Rounds a JS double to the parameter dtype. PyTorch runs each tensor op as its own kernel, so a
 * float32 result is rounded after every op; the fused loops call `R` at the same points to get
 * the same float32 values. For float64 it is the identity.
 */
export type Round = (x: number) => number;
const identity: Round = (x) => x;
/** The rounding function for a dtype: `Math.fround` for float32, identity for float64. */
export function rounder(dtype: DType): Round {
  return dtype === 'float32' ? Math.fround : identity;
}

/** The elements of `t` as one contiguous run (a copy only when `t` is strided or another dtype). */
export function readFlat(t: Tensor, dtype: DType): Flat {
  const src = t.dtype === dtype ? t : noGrad(() => t.to(dtype));
  if (src.isContiguous()) return { data: src.storage.data, off: src.offset, n: src.numel() };
  const c = noGrad(() => src.contiguous());
  return { data: c.storage.data, off: c.offset, n: c.numel() };
}

/**
 * A writable contiguous run over a parameter's elements plus `commit()`, which writes a strided
 * parameter back and bumps its storage version (so autograd refuses graphs that saved the old
 * values, as PyTorch does after `param.add_`).
 */
export function writeFlat(p: Tensor): Flat & { commit(): void } {
  if (p.isContiguous()) {
    return {
      data: p.storage.data,
      off: p.offset,
      n: p.numel(),
      commit: () => void p.storage.version++,
    };
  }
  const n = p.numel();
  const c = noGrad(() => p.contiguous());
  return {
    data: c.storage.data,
    off: 0,
    n,
    commit: () => {
      kernels().copy(
        { data: c.storage.data, shape: p.shape, strides: contiguousStrides(p.shape), offset: 0 },
        p.strided(),
      );
      p.storage.version++;
    },
  };
}

/** A zero-filled state tensor shaped and typed like `p` (contiguous, offset 0). */
export function stateLike(p: Tensor, value = 0): Tensor {
  const t = zeros(p.shape, { dtype: p.dtype });
  if (value !== 0) t.storage.data.fill(value);
  return t;
}

/** PyTorch keeps `step` as a 0-d float32 tensor; this makes one. */
export function stepTensor(value = 0): Tensor {
  const t = zeros([], { dtype: 'float32' });
  t.storage.data[0] = value;
  return t;
}

/** Adds 1 to a `step` tensor (or number) kept in `state` and returns the new count. */
export function bumpStep(state: Record<string, unknown>): number {
  const s = state.step;
  if (s instanceof Tensor) {
    s.storage.data[s.offset] += 1;
    return s.storage.data[s.offset];
  }
  const next = (typeof s === 'number' ? s : 0) + 1;
  state.step = stepTensor(next);
  return next;
}

/** The contiguous data of a state tensor this module allocated. */
export function flatOf(t: Tensor): Flat {
  return { data: t.storage.data, off: t.offset, n: t.numel() };
}

/**
 * Prints a number the way Python's `str(float)`/`str(int)` does, so messages read exactly as
 * PyTorch's: `-1`, `0.5`, `-1e-08`, `1e+20`.
 */
export function pyNum(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return String(x);
  const [mant, expStr] = x.toExponential().split('e');
  const exp = Number(expStr);
  if (exp >= -4 && exp < 16) return String(x);
  const sign = exp < 0 ? '-' : '+';
  return `${mant}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** camelCase option name to PyTorch's snake_case key (`weightDecay` -> `weight_decay`). */
export function toSnake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** PyTorch's snake_case key to nabla's camelCase option name. */
export function toCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Throws PyTorch's message unless `0 <= value` (NaN fails): `Invalid learning rate: -1`. */
export function checkNonNegative(op: string, what: string, value: number): void {
  if (!(value >= 0)) throw new ValueError(op, `${what}: ${pyNum(value)}`);
}

/** Throws PyTorch's message unless both betas lie in [0, 1). */
export function checkBetas(op: string, betas: readonly number[]): void {
  if (!Array.isArray(betas) || betas.length !== 2) {
    throw new ValueError(op, `expected betas as a pair [beta1, beta2], got ${JSON.stringify(betas)}`);
  }
  betas.forEach((b, i) => {
    if (!(b >= 0 && b < 1)) throw new ValueError(op, `Invalid beta parameter at index ${i}: ${pyNum(b)}`);
  });
}
