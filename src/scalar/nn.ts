// Neurons, layers and multi-layer perceptrons built from scalar `Value`s (tiny-ml's and
// micrograd's models), plus plain SGD. Meant for teaching and for checking intuitions; the
// tensor engine (`nn.Linear` and friends) computes the same numbers much faster.
import { ValueError } from '../errors.js';
import { defaultGenerator, type Generator } from '../tensor/generator.js';
import { Value, type ValueLike } from './value.js';

/** A neuron's activation: tanh, relu, sigmoid, or none (`'linear'`). */
export type Nonlinearity = 'tanh' | 'relu' | 'sigmoid' | 'linear';

/** Options of `Neuron` and `Layer`. */
export interface NeuronOptions {
  /** The activation applied to `b + w·x`. Default `'tanh'` (tiny-ml's and micrograd's choice). */
  nonlin?: Nonlinearity;
  /** Random source for the weights (default: the global generator `manualSeed` seeds). */
  generator?: Generator;
}

/** Options of `MLP`. */
export interface MLPOptions {
  /** The activation of every layer. Default `'tanh'`. */
  activation?: Nonlinearity;
  /** The activation of the last layer. Default: `activation` (so tanh everywhere, as tiny-ml). */
  outputActivation?: Nonlinearity;
  /** Random source for the weights. */
  generator?: Generator;
}

const NONLINS: readonly Nonlinearity[] = ['tanh', 'relu', 'sigmoid', 'linear'];

function checkCount(op: string, name: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new ValueError(op, `expected ${name} to be a positive integer, got ${n}`);
}

function checkNonlin(op: string, a: unknown): Nonlinearity {
  if (!NONLINS.includes(a as Nonlinearity)) {
    throw new ValueError(op, `expected an activation among ${NONLINS.join(', ')}, got ${JSON.stringify(a)}`);
  }
  return a as Nonlinearity;
}

function activate(z: Value, a: Nonlinearity): Value {
  switch (a) {
    case 'tanh':
      return z.tanh();
    case 'relu':
      return z.relu();
    case 'sigmoid':
      return z.sigmoid();
    case 'linear':
      return z;
  }
}

/**
 * One unit: `act(b + sum_i w_i x_i)`, with weights drawn from U(-1, 1) (micrograd's draw;
 * tiny-ml draws U(0, 1), which makes every weight of a layer start with the same sign) and
 * `b = 0`.
 * @example
 * const n = new scalar.Neuron(3, { nonlin: 'relu' });
 * n.call([1, 2, 3]).data;
 */
export class Neuron {
  readonly w: Value[];
  readonly b: Value;
  readonly nonlin: Nonlinearity;

  constructor(nin: number, opts: NeuronOptions = {}) {
    checkCount('Neuron', 'nin', nin);
    this.nonlin = checkNonlin('Neuron', opts.nonlin ?? 'tanh');
    const g = opts.generator ?? defaultGenerator;
    this.w = Array.from({ length: nin }, () => new Value(2 * g.random() - 1));
    this.b = new Value(0);
  }

  /** The activation of this neuron for the inputs `xs` (one per weight). */
  call(xs: readonly ValueLike[]): Value {
    if (xs.length !== this.w.length) {
      throw new ValueError('Neuron.call', `expected ${this.w.length} inputs, got ${xs.length}`);
    }
    let z = this.b;
    for (let i = 0; i < xs.length; i++) z = z.add(this.w[i].mul(xs[i]));
    return activate(z, this.nonlin);
  }

  /** The weights, then the bias. */
  parameters(): Value[] {
    return [...this.w, this.b];
  }

  /** Sets every parameter's `grad` to 0. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = 0;
  }
}

/**
 * A fully connected layer of `nout` neurons, each reading all `nin` inputs.
 * @example new scalar.Layer(2, 4).call([0.5, -1]).length // 4
 */
export class Layer {
  readonly neurons: Neuron[];

  constructor(nin: number, nout: number, opts: NeuronOptions = {}) {
    checkCount('Layer', 'nout', nout);
    this.neurons = Array.from({ length: nout }, () => new Neuron(nin, opts));
  }

  /** The outputs of every neuron for inputs `xs`. */
  call(xs: readonly ValueLike[]): Value[] {
    return this.neurons.map((n) => n.call(xs));
  }

  /** The parameters of every neuron, neuron by neuron. */
  parameters(): Value[] {
    return this.neurons.flatMap((n) => n.parameters());
  }

  /** Sets every parameter's `grad` to 0. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = 0;
  }
}

/**
 * A multi-layer perceptron `nin -> nouts[0] -> ... -> nouts[k-1]`. By default every layer,
 * the output layer included, applies tanh, as tiny-ml's `MultilayerPerceptron` does with
 * `ActivationType::TANH`; micrograd's MLP has a linear output layer, which is
 * `{ outputActivation: 'linear' }`.
 * @example
 * const mlp = new scalar.MLP(2, [4, 1]);
 * const [p] = mlp.call([0, 1]);
 * p.sub(1).pow(2).backward();
 */
export class MLP {
  readonly layers: Layer[];

  constructor(nin: number, nouts: readonly number[], opts: MLPOptions = {}) {
    checkCount('MLP', 'nin', nin);
    if (!Array.isArray(nouts) || nouts.length === 0) {
      throw new ValueError('MLP', `expected a non-empty array of layer sizes, got ${JSON.stringify(nouts)}`);
    }
    const hidden = checkNonlin('MLP', opts.activation ?? 'tanh');
    const last = checkNonlin('MLP', opts.outputActivation ?? hidden);
    const sizes = [nin, ...nouts];
    this.layers = nouts.map(
      (n, i) => new Layer(sizes[i], n, { nonlin: i === nouts.length - 1 ? last : hidden, generator: opts.generator }),
    );
  }

  /** The outputs of the last layer for inputs `xs`. */
  call(xs: readonly ValueLike[]): Value[] {
    let h: readonly ValueLike[] = xs;
    for (const l of this.layers) h = l.call(h);
    return h as Value[];
  }

  /** Every parameter, layer by layer. */
  parameters(): Value[] {
    return this.layers.flatMap((l) => l.parameters());
  }

  /** Sets every parameter's `grad` to 0. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = 0;
  }
}

/**
 * Plain stochastic gradient descent on Values: `p.data -= lr * p.grad`.
 * @example
 * const opt = new scalar.SGD(mlp.parameters(), { lr: 0.1 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export class SGD {
  readonly params: Value[];
  lr: number;

  constructor(params: Iterable<Value>, opts: { lr?: number } = {}) {
    this.params = [...params];
    this.lr = opts.lr ?? 0.01;
    if (!(this.lr >= 0)) throw new ValueError('SGD', `Invalid learning rate: ${this.lr}`);
  }

  /** One update of every parameter. */
  step(): void {
    for (const p of this.params) p.data -= this.lr * p.grad;
  }

  /** Sets every parameter's `grad` to 0. */
  zeroGrad(): void {
    for (const p of this.params) p.grad = 0;
  }
}
