// nn.init: PyTorch's weight initializers. Each one writes in place under noGrad (so it works on
// parameters that require grad), returns its tensor, and takes `{ generator }` for reproducible
// draws. Fans and gains follow torch.nn.init exactly, so a layer built here starts from the same
// distribution as the PyTorch layer of the same shape.
import { noGrad } from '../autograd/mode.js';
import { ValueError, fmtShape } from '../errors.js';
import { normal_ as normalFill, uniform_ as uniformFill } from '../ops/initializers.js';
import { checkTensor } from '../ops/operands.js';
import { allocate } from '../tensor/dtype.js';
import type { GeneratorOptions } from '../tensor/generator.js';
import { fromArray, type Tensor } from '../tensor/tensor.js';

export type { GeneratorOptions } from '../tensor/generator.js';

/** Names `calculateGain` knows (PyTorch's spelling; camelCase aliases are accepted too). */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'convTranspose1d'
  | 'convTranspose2d'
  | 'convTranspose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'leakyRelu'
  | 'selu';

/** Which fan scales a Kaiming initializer: inputs (preserves forward variance) or outputs (backward). */
export type FanMode = 'fanIn' | 'fanOut' | 'fan_in' | 'fan_out';

const LINEAR = new Set(['linear', 'conv1d', 'conv2d', 'conv3d']);

/**
 * The recommended gain for a nonlinearity: 1 for linear, convolutions and sigmoid, 5/3 for tanh,
 * sqrt(2) for relu, sqrt(2 / (1 + slope^2)) for leaky relu (`param` = slope, default 0.01), 3/4
 * for selu.
 * @example nn.init.calculateGain('leaky_relu', 0.2) // 1.3868
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number | null): number {
  const op = 'calculateGain';
  const name = String(nonlinearity);
  if (LINEAR.has(name) || /^conv_?[tT]ranspose[123]d$/.test(name) || name === 'sigmoid') return 1;
  if (name === 'tanh') return 5 / 3;
  if (name === 'relu') return Math.SQRT2;
  if (name === 'leaky_relu' || name === 'leakyRelu') {
    const slope = param ?? 0.01;
    if (typeof slope !== 'number' || !Number.isFinite(slope)) {
      throw new ValueError(
        op,
        `expected a number for the negative slope (negative_slope ${String(slope)} not a valid number), got ${String(slope)}`,
      );
    }
    return Math.sqrt(2 / (1 + slope * slope));
  }
  // PyTorch's value: keeps the variance of SELU activations near 1 (see torch.nn.init docs).
  if (name === 'selu') return 3 / 4;
  throw new ValueError(op, `expected a known nonlinearity (Unsupported nonlinearity ${name}), got '${name}'`);
}

/**
 * `[fanIn, fanOut]` of a weight: `shape[1] * receptive` and `shape[0] * receptive`, where the
 * receptive field is the product of the dims after the first two (1 for a Linear weight).
 * @example nn.init.calculateFanInAndFanOut(nb.empty([16, 3, 5, 5])) // [75, 400]
 */
export function calculateFanInAndFanOut(tensor: Tensor): [number, number] {
  const op = 'calculateFanInAndFanOut';
  checkTensor(op, tensor, 'tensor');
  if (tensor.ndim < 2) {
    throw new ValueError(
      op,
      `expected a tensor with at least 2 dimensions (Fan in and fan out can not be computed for tensor with fewer than 2 dimensions), got shape ${fmtShape(tensor.shape)}`,
    );
  }
  const receptive = tensor.shape.slice(2).reduce((a, b) => a * b, 1);
  return [tensor.shape[1] * receptive, tensor.shape[0] * receptive];
}

function correctFan(op: string, tensor: Tensor, mode: FanMode): number {
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  if (mode === 'fanIn' || mode === 'fan_in') return fanIn;
  if (mode === 'fanOut' || mode === 'fan_out') return fanOut;
  throw new ValueError(
    op,
    `expected mode 'fanIn' or 'fanOut' (Mode ${String(mode)} not supported), got '${String(mode)}'`,
  );
}

// Every writer ends in one of these, inside noGrad, so the version counter is bumped once.
export const write = (t: Tensor, src: Tensor): Tensor => noGrad(() => t.copy_(src));

/**
 * In place: samples from U(a, b).
 * @example nn.init.uniform_(w, -0.1, 0.1)
 */
export function uniform_<T extends Tensor>(tensor: T, a = 0, b = 1, opts?: GeneratorOptions): T {
  checkTensor('uniform_', tensor, 'tensor');
  return noGrad(() => uniformFill(tensor, a, b, opts));
}

/**
 * In place: samples from N(mean, std^2).
 * @example nn.init.normal_(w, 0, 0.02)
 */
export function normal_<T extends Tensor>(tensor: T, mean = 0, std = 1, opts?: GeneratorOptions): T {
  checkTensor('normal_', tensor, 'tensor');
  return noGrad(() => normalFill(tensor, mean, std, opts));
}

/**
 * In place: fills with `val`.
 * @example nn.init.constant_(b, 0.1)
 */
export function constant_<T extends Tensor>(tensor: T, val: number): T {
  checkTensor('constant_', tensor, 'tensor');
  return noGrad(() => tensor.fill_(val));
}

/** In place: fills with 1. @example nn.init.ones_(norm.weight) */
export function ones_<T extends Tensor>(tensor: T): T {
  return constant_(tensor, 1);
}

/** In place: fills with 0. @example nn.init.zeros_(linear.bias) */
export function zeros_<T extends Tensor>(tensor: T): T {
  return constant_(tensor, 0);
}

/**
 * In place: the identity matrix (ones on the main diagonal of a 2-D tensor, zeros elsewhere),
 * which keeps the identity of the inputs in a Linear layer.
 * @example nn.init.eye_(nb.empty([3, 5]))
 */
export function eye_<T extends Tensor>(tensor: T): T {
  const op = 'eye_';
  checkTensor(op, tensor, 'tensor');
  if (tensor.ndim !== 2) {
    throw new ValueError(
      op,
      `expected a 2-D tensor (Only tensors with 2 dimensions are supported), got shape ${fmtShape(tensor.shape)}`,
    );
  }
  const [r, c] = tensor.shape;
  const data = allocate(tensor.dtype, r * c);
  for (let i = 0; i < Math.min(r, c); i++) data[i * c + i] = 1;
  write(tensor, fromArray(data, [r, c], tensor.dtype));
  return tensor;
}

/**
 * In place: the Dirac delta for a 3-, 4- or 5-D convolution weight `[out, in, ...kernel]`: a 1 at
 * the kernel centre of channel pairs (d, d) within each of `groups` groups, so the convolution
 * passes as many input channels through as it can.
 * @example nn.init.dirac_(conv.weight)
 */
export function dirac_<T extends Tensor>(tensor: T, groups = 1): T {
  const op = 'dirac_';
  checkTensor(op, tensor, 'tensor');
  const s = tensor.shape;
  if (s.length < 3 || s.length > 5) {
    throw new ValueError(
      op,
      `expected a 3-, 4- or 5-D tensor (Only tensors with 3, 4, or 5 dimensions are supported), got shape ${fmtShape(s)}`,
    );
  }
  if (!Number.isInteger(groups) || groups < 1 || s[0] % groups !== 0) {
    throw new ValueError(
      op,
      `expected dim 0 (${s[0]}) to be divisible by groups (dim 0 must be divisible by groups), got groups=${groups}`,
    );
  }
  const perGroup = s[0] / groups;
  const inner = s.slice(2);
  const kernel = inner.reduce((a, b) => a * b, 1);
  // Row-major offset of the centre (size // 2 in every spatial dim) within one kernel.
  let centre = 0;
  for (const k of inner) centre = centre * k + Math.floor(k / 2);
  const data = allocate(tensor.dtype, tensor.numel());
  for (let g = 0; g < groups; g++) {
    for (let d = 0; d < Math.min(perGroup, s[1]); d++) {
      data[((g * perGroup + d) * s[1] + d) * kernel + centre] = 1;
    }
  }
  write(tensor, fromArray(data, [...s], tensor.dtype));
  return tensor;
}

/** Options of `xavierUniform_` and `xavierNormal_`. */
export interface XavierOptions extends GeneratorOptions {
  /** Scaling factor (see `calculateGain`). Default 1. */
  gain?: number;
}

export function gainOf(gain: number | XavierOptions | undefined): [number, GeneratorOptions | undefined] {
  if (typeof gain === 'object' && gain !== null) return [gain.gain ?? 1, gain];
  return [gain ?? 1, undefined];
}

/**
 * In place: Glorot uniform, U(-a, a) with a = gain * sqrt(6 / (fanIn + fanOut)).
 * @see https://proceedings.mlr.press/v9/glorot10a.html
 * @example nn.init.xavierUniform_(w, nn.init.calculateGain('tanh'))
 */
export function xavierUniform_<T extends Tensor>(tensor: T, gain?: number | XavierOptions, opts?: GeneratorOptions): T {
  const [g, o] = gainOf(gain);
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  const a = Math.sqrt(3) * g * Math.sqrt(2 / (fanIn + fanOut));
  return uniform_(tensor, -a, a, opts ?? o);
}

/**
 * In place: Glorot normal, N(0, std^2) with std = gain * sqrt(2 / (fanIn + fanOut)).
 * @see https://proceedings.mlr.press/v9/glorot10a.html
 * @example nn.init.xavierNormal_(w)
 */
export function xavierNormal_<T extends Tensor>(tensor: T, gain?: number | XavierOptions, opts?: GeneratorOptions): T {
  const [g, o] = gainOf(gain);
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  return normal_(tensor, 0, g * Math.sqrt(2 / (fanIn + fanOut)), opts ?? o);
}

/** Options of `kaimingUniform_` and `kaimingNormal_` (PyTorch's defaults). */
export interface KaimingOptions extends GeneratorOptions {
  /** Negative slope of the leaky relu that follows (only with 'leaky_relu'). Default 0. */
  a?: number;
  /** Default 'fanIn'. */
  mode?: FanMode;
  /** Default 'leaky_relu'. */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(op: string, tensor: Tensor, a: number | KaimingOptions | undefined): [number, KaimingOptions] {
  checkTensor(op, tensor, 'tensor');
  const o: KaimingOptions = typeof a === 'object' && a !== null ? a : { a };
  const fan = correctFan(op, tensor, o.mode ?? 'fanIn');
  const gain = calculateGain(o.nonlinearity ?? 'leaky_relu', o.a ?? 0);
  return [gain / Math.sqrt(fan), o];
}

/**
 * In place: He uniform, U(-bound, bound) with bound = gain * sqrt(3 / fan), gain from
 * `nonlinearity` and `a`, fan from `mode`. A zero-element tensor is left alone, as in PyTorch.
 * @see https://arxiv.org/abs/1502.01852
 * @example nn.init.kaimingUniform_(w, { a: Math.sqrt(5) }) // nn.Linear's default
 */
export function kaimingUniform_<T extends Tensor>(tensor: T, a?: number | KaimingOptions, opts?: GeneratorOptions): T {
  // PyTorch returns before computing fans, so even a 1-D empty tensor is accepted.
  if (checkTensor('kaimingUniform_', tensor, 'tensor').numel() === 0) return tensor;
  const [std, o] = kaimingStd('kaimingUniform_', tensor, a);
  const bound = Math.sqrt(3) * std;
  return uniform_(tensor, -bound, bound, opts ?? o);
}

/**
 * In place: He normal, N(0, std^2) with std = gain / sqrt(fan).
 * @see https://arxiv.org/abs/1502.01852
 * @example nn.init.kaimingNormal_(conv.weight, { mode: 'fanOut', nonlinearity: 'relu' })
 */
export function kaimingNormal_<T extends Tensor>(tensor: T, a?: number | KaimingOptions, opts?: GeneratorOptions): T {
  // PyTorch returns before computing fans, so even a 1-D empty tensor is accepted.
  if (checkTensor('kaimingNormal_', tensor, 'tensor').numel() === 0) return tensor;
  const [std, o] = kaimingStd('kaimingNormal_', tensor, a);
  return normal_(tensor, 0, std, opts ?? o);
}

export { orthogonal_, truncNormal_ } from './initMatrix.js';
