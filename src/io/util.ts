import { Tensor } from '../tensor/tensor.js';

/** Tensors by name: a state dict, or the contents of a safetensors file. */
export type TensorRecord = Record<string, Tensor>;

/**
 * Sets an own enumerable property even for names like `__proto__`, which plain assignment
 * would treat as the prototype (names come from files, so they are untrusted).
 */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A short description of a value's type for error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Tensor) return 'a Tensor';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}
