// Scalar reverse-mode autograd in the manner of micrograd and tiny-ml: every `Value` is one
// float64 number that remembers the op and operands that produced it. Gradient rules are a
// switch over the op instead of stored closures, so a graph can be walked any number of times
// (tiny-ml consumes its closures and backpropagates only once), and the topological sort is
// iterative, so a graph millions of nodes deep does not overflow the call stack.
import { DTypeError } from '../errors.js';

/** The ops a `Value` can come from (`''` for a leaf). */
export type ValueOp = '' | '+' | '-' | '*' | '/' | 'neg' | 'pow' | 'exp' | 'log' | 'tanh' | 'relu' | 'sigmoid';

/** A `Value` or a plain number, which is wrapped as a constant leaf. */
export type ValueLike = Value | number;

function lift(op: string, v: ValueLike): Value {
  if (v instanceof Value) return v;
  if (typeof v !== 'number') throw new DTypeError(`Value.${op}`, `expected a Value or a number, got ${typeof v}`);
  return new Value(v);
}

// sigma(x) without overflow: exp is only ever taken of a non-positive number.
function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * A scalar that records how it was computed, for reverse-mode differentiation: `data` is its
 * value, `grad` the derivative of the last `backward()` root with respect to it (accumulated
 * into leaves, as PyTorch accumulates into `.grad`). Arithmetic takes Values or numbers.
 * @example
 * const a = new scalar.Value(2);
 * const b = new scalar.Value(-3);
 * const c = a.mul(b).add(a.pow(2)); // ab + a^2 = -2
 * c.backward();
 * a.grad; // b + 2a = 1
 * b.grad; // a = 2
 */
export class Value {
  /** The number; assign to it to update a parameter. */
  data: number;
  /** d(root)/d(this) after `backward()`; leaves accumulate across calls until zeroed. */
  grad = 0;
  /** The op that produced this value (`''` for a leaf). */
  readonly op: ValueOp;
  /** The operands of `op`, in order (empty for a leaf). */
  readonly prev: readonly Value[];
  /** A name for printing and debugging. */
  label: string;
  // The exponent of `pow` by a number.
  #k: number;

  constructor(data: number, opts?: { label?: string }) {
    if (typeof data !== 'number') throw new DTypeError('Value', `expected a number, got ${typeof data}`);
    this.data = data;
    this.op = '';
    this.prev = [];
    this.label = opts?.label ?? '';
    this.#k = 0;
  }

  static #node(data: number, op: ValueOp, prev: Value[], k = 0): Value {
    const v = new Value(data);
    (v as { op: ValueOp }).op = op;
    (v as { prev: readonly Value[] }).prev = prev;
    v.#k = k;
    return v;
  }

  /** `this + other`. @example new Value(1).add(2).data // 3 */
  add(other: ValueLike): Value {
    const o = lift('add', other);
    return Value.#node(this.data + o.data, '+', [this, o]);
  }

  /** `this - other`. @example new Value(1).sub(2).data // -1 */
  sub(other: ValueLike): Value {
    const o = lift('sub', other);
    return Value.#node(this.data - o.data, '-', [this, o]);
  }

  /** `this * other`. @example new Value(3).mul(2).data // 6 */
  mul(other: ValueLike): Value {
    const o = lift('mul', other);
    return Value.#node(this.data * o.data, '*', [this, o]);
  }

  /** `this / other` (IEEE division: dividing by 0 gives ±Infinity or NaN). @example new Value(3).div(2).data // 1.5 */
  div(other: ValueLike): Value {
    const o = lift('div', other);
    return Value.#node(this.data / o.data, '/', [this, o]);
  }

  /** `-this`. @example new Value(3).neg().data // -3 */
  neg(): Value {
    return Value.#node(-this.data, 'neg', [this]);
  }

  /**
   * `this ** exponent`; the exponent is a constant number or a Value (then it gets a gradient,
   * `a^b ln a`, taken as 0 where `a = 0` and `b >= 0`, as PyTorch does).
   * @example new Value(3).pow(2).data // 9
   */
  pow(exponent: ValueLike): Value {
    if (typeof exponent === 'number') return Value.#node(this.data ** exponent, 'pow', [this], exponent);
    const e = lift('pow', exponent);
    return Value.#node(this.data ** e.data, 'pow', [this, e]);
  }

  /** `e^this`. @example new Value(0).exp().data // 1 */
  exp(): Value {
    return Value.#node(Math.exp(this.data), 'exp', [this]);
  }

  /** Natural logarithm. @example new Value(Math.E).log().data // 1 */
  log(): Value {
    return Value.#node(Math.log(this.data), 'log', [this]);
  }

  /** Hyperbolic tangent. @example new Value(0).tanh().data // 0 */
  tanh(): Value {
    return Value.#node(Math.tanh(this.data), 'tanh', [this]);
  }

  /** `max(0, this)`; its derivative at 0 is 0, as in PyTorch. @example new Value(-2).relu().data // 0 */
  relu(): Value {
    return Value.#node(this.data > 0 ? this.data : 0, 'relu', [this]);
  }

  /**
   * `1 / (1 + e^-this)`, computed so that it never overflows (finite for every finite input,
   * unlike the `e^x / (1 + e^x)` form, which is NaN past x ~ 710).
   * @example new Value(0).sigmoid().data // 0.5
   */
  sigmoid(): Value {
    return Value.#node(sigmoid(this.data), 'sigmoid', [this]);
  }

  // Adds this node's contribution to its operands' gradients (the chain rule for one op).
  #propagate(): void {
    const g = this.grad;
    const [a, b] = this.prev;
    switch (this.op) {
      case '':
        return;
      case '+': // d(a + b) = da + db
        a.grad += g;
        b.grad += g;
        return;
      case '-':
        a.grad += g;
        b.grad -= g;
        return;
      case '*': // d(ab) = b da + a db
        a.grad += b.data * g;
        b.grad += a.data * g;
        return;
      case '/': // d(a/b) = da / b - a db / b^2
        a.grad += g / b.data;
        b.grad -= (g * a.data) / (b.data * b.data);
        return;
      case 'neg':
        a.grad -= g;
        return;
      case 'pow': {
        // d a^k = k a^(k-1) da; the k = 0 case is 0 even at a = 0 (where a^-1 is infinite).
        const k = b === undefined ? this.#k : b.data;
        if (k !== 0) a.grad += k * a.data ** (k - 1) * g;
        if (b !== undefined && !(a.data === 0 && k >= 0)) b.grad += this.data * Math.log(a.data) * g;
        return;
      }
      case 'exp':
        a.grad += this.data * g;
        return;
      case 'log':
        a.grad += g / a.data;
        return;
      case 'tanh': // d tanh x = (1 - tanh^2 x) dx
        a.grad += (1 - this.data * this.data) * g;
        return;
      case 'relu':
        if (this.data > 0) a.grad += g;
        return;
      case 'sigmoid': // d s(x) = s (1 - s) dx
        a.grad += this.data * (1 - this.data) * g;
        return;
    }
  }

  /**
   * Every value this one depends on (itself included), each once, ordered so that a value comes
   * before all of its operands. Iterative depth-first search.
   */
  topo(): Value[] {
    const post: Value[] = [];
    const seen = new Set<Value>([this]);
    const stack: [Value, number][] = [[this, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [v, i] = top;
      if (i < v.prev.length) {
        top[1] = i + 1;
        const c = v.prev[i];
        if (!seen.has(c)) {
          seen.add(c);
          stack.push([c, 0]);
        }
      } else {
        stack.pop();
        post.push(v);
      }
    }
    return post.reverse();
  }

  /**
   * Computes d(this)/d(v) for every value `v` in the graph: leaves (parameters, inputs)
   * accumulate into `grad`, as PyTorch's `.grad`; intermediate values get this pass's
   * gradient. The graph is kept, so `backward()` can run again (after zeroing the leaves, to
   * get the same gradients; without, they add up).
   * @example
   * const loss = pred.sub(target).pow(2);
   * model.zeroGrad();
   * loss.backward();
   */
  backward(): void {
    const order = this.topo();
    for (const v of order) if (v.op !== '') v.grad = 0;
    this.grad += 1;
    for (const v of order) v.#propagate();
  }

  /** `Value(data=..., grad=...)`. */
  toString(): string {
    const name = this.label ? `${this.label}: ` : '';
    return `Value(${name}data=${this.data}, grad=${this.grad})`;
  }
}

/**
 * The sum of Values and numbers as one Value (a chain of additions).
 * @example scalar.sum([a, b, 1]).data // a + b + 1
 */
export function sum(values: readonly ValueLike[]): Value {
  let acc = lift('sum', values.length > 0 ? values[0] : 0);
  for (let i = 1; i < values.length; i++) acc = acc.add(values[i]);
  return acc;
}
