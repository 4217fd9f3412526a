// Turns nested state (optimizer and scheduler state dicts, user extras) into JSON text plus a set
// of tensors, and back. A tensor becomes {"__tensor__": "<key>"} and is stored under that key;
// numbers JSON cannot carry (NaN, ±Infinity, -0) become {"__number__": "NaN"}; a plain object
// that happens to use one of these marker keys is wrapped as {"__object__": {...}}.
import { noGrad } from '../autograd/mode.js';
import { ValueError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { describe, setOwn, type TensorRecord } from './util.js';

const MARKERS = ['__tensor__', '__number__', '__object__'];

/**
 * Replaces the tensors in `value` by references and collects them in `tensors` under
 * `prefix.path.to.value` (array items by index). Class instances are stored through their
 * `toJSON()`, as `JSON.stringify` would; values with no JSON form are refused.
 */
export function pack(op: string, value: unknown, prefix: string, tensors: TensorRecord): unknown {
  const walk = (v: unknown, path: string): unknown => {
    if (v instanceof Tensor) {
      if (Object.prototype.hasOwnProperty.call(tensors, path)) {
        throw new ValueError(op, `expected unique tensor paths, got "${path}" twice (a key containing "."?)`);
      }
      setOwn(
        tensors,
        path,
        noGrad(() => v.detach()),
      );
      return { __tensor__: path };
    }
    if (typeof v === 'number') {
      if (Number.isFinite(v) && !Object.is(v, -0)) return v;
      return { __number__: Object.is(v, -0) ? '-0' : String(v) };
    }
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (Array.isArray(v)) return v.map((x, i) => (x === undefined ? null : walk(x, `${path}.${i}`)));
    if (typeof v === 'object') {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) {
        const toJSON = (v as { toJSON?: () => unknown }).toJSON;
        if (typeof toJSON === 'function') return walk(toJSON.call(v), path);
        throw new ValueError(
          op,
          `expected plain data at "${path}", got ${describe(v)} (give it a toJSON method or store a tensor)`,
        );
      }
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) if (x !== undefined) setOwn(out, k, walk(x, `${path}.${k}`));
      return Object.keys(out).some((k) => MARKERS.includes(k)) ? { __object__: out } : out;
    }
    throw new ValueError(op, `expected plain data at "${path}", got ${typeof v}`);
  };
  return walk(value, prefix);
}

/** Reverses `pack`: resolves tensor references in `tensors` (refusing dangling ones). */
export function unpack(value: unknown, tensors: TensorRecord, fail: (problem: string) => never): unknown {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v !== 'object' || v === null) return v;
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === '__tensor__') {
      const key = o.__tensor__;
      if (typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(tensors, key)) {
        fail(`the state refers to a tensor ${JSON.stringify(key)} that the file does not hold`);
      }
      return tensors[key];
    }
    if (keys.length === 1 && keys[0] === '__number__') {
      const s = o.__number__;
      const n =
        s === 'NaN' ? NaN : s === 'Infinity' ? Infinity : s === '-Infinity' ? -Infinity : s === '-0' ? -0 : undefined;
      if (n === undefined)
        fail(`expected NaN, Infinity, -Infinity or -0 in a __number__ marker, got ${JSON.stringify(s)}`);
      return n;
    }
    const inner = keys.length === 1 && keys[0] === '__object__' ? o.__object__ : o;
    if (typeof inner !== 'object' || inner === null || Array.isArray(inner))
      fail('expected an object in an __object__ marker');
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(inner)) setOwn(out, k, walk(x));
    return out;
  };
  return walk(value);
}
