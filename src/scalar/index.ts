/**
 * Scalar autograd (micrograd/tiny-ml style): `Value`s that record how they were computed, and
 * neurons, layers and MLPs made of them.
 * @example
 * import { scalar } from 'nabla';
 * const mlp = new scalar.MLP(2, [4, 1]);
 * const [p] = mlp.call([0, 1]);
 * p.sub(1).pow(2).backward();
 */
export { Value, sum, type ValueLike, type ValueOp } from './value.js';
export { Neuron, Layer, MLP, SGD, type Nonlinearity, type NeuronOptions, type MLPOptions } from './nn.js';
