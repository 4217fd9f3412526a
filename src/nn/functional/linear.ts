// linear and bilinear: composites of matmul, so their gradients come for free.
import { ShapeError, fmtShape } from '../../errors.js';
import { checkTensor } from '../../ops/operands.js';
import type { Tensor } from '../../tensor/tensor.js';

const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/**
 * Affine map `y = x W^T + b` over the last dim: input `[*, in]`, weight `[out, in]`, bias `[out]`.
 * @example nn.functional.linear(nb.randn([8, 4]), nb.randn([2, 4]), nb.zeros([2])) // [8, 2]
 */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const op = 'linear';
  checkTensor(op, input);
  checkTensor(op, weight, 'weight');
  if (weight.ndim !== 2)
    throw new ShapeError(op, `expected a 2-D weight [out, in], got ${fmtShape(weight.shape)}`, [weight.shape]);
  if (input.ndim === 0)
    throw new ShapeError(op, 'expected an input with at least 1 dim, got a 0-dim tensor', [input.shape]);
  const [out, inF] = weight.shape;
  const k = input.shape[input.ndim - 1];
  if (k !== inF) {
    throw new ShapeError(
      op,
      `expected input.shape[-1] == weight.shape[1] (mat1 and mat2 shapes cannot be multiplied (${prod(input.shape.slice(0, -1))}x${k} and ${inF}x${out})), got ${fmtShape(input.shape)} and ${fmtShape(weight.shape)}`,
      [input.shape, weight.shape],
    );
  }
  if (bias !== undefined && bias !== null) {
    checkTensor(op, bias, 'bias');
    if (bias.ndim > 1 || (bias.ndim === 1 && bias.shape[0] !== out && bias.shape[0] !== 1)) {
      throw new ShapeError(op, `expected a bias of shape [${out}], got ${fmtShape(bias.shape)}`, [bias.shape]);
    }
  }
  // One 2-D product for any number of batch dims (matmul would broadcast the weight instead).
  const batch = input.shape.slice(0, -1);
  const x2 = input.ndim === 2 ? input : input.reshape([prod(batch), k]);
  let y = x2.matmul(weight.t());
  if (bias !== undefined && bias !== null) y = y.add(bias);
  return input.ndim === 2 ? y : y.reshape([...batch, out]);
}

/**
 * Bilinear map `y_o = x1^T W_o x2 + b_o`: inputs `[*, in1]` and `[*, in2]` with the same batch
 * dims, weight `[out, in1, in2]`, bias `[out]`; output `[*, out]`.
 * @example nn.functional.bilinear(nb.randn([8, 3]), nb.randn([8, 5]), nb.randn([2, 3, 5])) // [8, 2]
 */
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const op = 'bilinear';
  checkTensor(op, input1, 'input1');
  checkTensor(op, input2, 'input2');
  checkTensor(op, weight, 'weight');
  if (input1.ndim !== input2.ndim || input1.ndim === 0) {
    throw new ShapeError(
      op,
      `expected inputs with the same number of dims, at least 1 (input dimensions do not match: got ${input1.ndim} and ${input2.ndim}), got ${fmtShape(input1.shape)} and ${fmtShape(input2.shape)}`,
      [input1.shape, input2.shape],
    );
  }
  const batch = input1.shape.slice(0, -1);
  if (fmtShape(batch) !== fmtShape(input2.shape.slice(0, -1))) {
    throw new ShapeError(
      op,
      `expected equal batch dims (input batch dimensions do not match), got ${fmtShape(input1.shape)} and ${fmtShape(input2.shape)}`,
      [input1.shape, input2.shape],
    );
  }
  const in1 = input1.shape[input1.ndim - 1];
  const in2 = input2.shape[input2.ndim - 1];
  if (weight.ndim !== 3 || weight.shape[1] !== in1 || weight.shape[2] !== in2) {
    throw new ShapeError(op, `expected a weight of shape [out, ${in1}, ${in2}], got ${fmtShape(weight.shape)}`, [
      input1.shape,
      input2.shape,
      weight.shape,
    ]);
  }
  const out = weight.shape[0];
  if (bias !== undefined && bias !== null) {
    checkTensor(op, bias, 'bias');
    if (bias.ndim !== 1 || bias.shape[0] !== out) {
      throw new ShapeError(op, `expected a bias of shape [${out}], got ${fmtShape(bias.shape)}`, [bias.shape]);
    }
  }
  const n = prod(batch);
  // (x1 W) as one matmul against W laid out [in1, out * in2], then the product with x2 summed.
  const w = weight.permute([1, 0, 2]).reshape([in1, out * in2]);
  const t = input1.reshape([n, in1]).matmul(w).reshape([n, out, in2]);
  let y = t.mul(input2.reshape([n, 1, in2])).sum(-1);
  if (bias !== undefined && bias !== null) y = y.add(bias);
  return y.reshape([...batch, out]);
}
