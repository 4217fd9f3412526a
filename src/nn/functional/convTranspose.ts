// Transposed convolution for 1, 2 and 3 spatial dims: every input pixel spreads a kernel-shaped
// contribution (w^T @ x), and col2im adds the overlaps where a forward convolution would have
// read them. The gradient comes from the bmm and col2im primitives.
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import type { PatchGeometry } from '../../backend/types.js';
import { col2imPrim } from '../../ops/prims/im2col.js';
import { bmmPrim } from '../../ops/prims/matmul.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkBias, checkGroups, checkOperands, groupsArg, positive } from './conv.js';
import { fmtDims, ntuple, prod, unbatch, type SizeArg } from './geometry.js';

/** Options of `convTranspose1d` and `convTranspose2d`. */
export interface ConvTransposeOptions {
  stride?: SizeArg;
  /** Trims `padding` from both sides of each output dim (the input gets `dilation (k - 1) - padding` zeros). */
  padding?: SizeArg;
  /** Extra size added to one side of the output (smaller than stride or dilation). */
  outputPadding?: SizeArg;
  groups?: number;
  dilation?: SizeArg;
}

/** Output padding check in PyTorch's wording (its 2-D form names height and width). */
function checkOutputPadding(op: string, outPad: number[], stride: number[], dilation: number[]): void {
  if (outPad.every((p, i) => p >= 0 && (p < stride[i] || p < dilation[i]))) return;
  const names = outPad.length === 2 ? ['height', 'width'] : outPad.map((_, i) => `dim${i}`);
  const part = (what: string, v: number[]) => v.map((x, i) => `${what}_${names[i]}: ${x}`).join(' ');
  throw new ValueError(
    op,
    `output padding must be smaller than either stride or dilation, but got ${part('output_padding', outPad)} ${part('stride', stride)} ${part('dilation', dilation)}`,
  );
}

function convTransposeNd(
  op: string,
  nd: number,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  opts: ConvTransposeOptions,
): Tensor {
  const { x, w, b, unbatched } = checkOperands(op, nd, input, weight, bias);
  const stride = positive(op, 'stride', ntuple(op, 'stride', opts.stride ?? 1, nd));
  const dilation = positive(op, 'dilation', ntuple(op, 'dilation', opts.dilation ?? 1, nd));
  const padding = ntuple(op, 'padding', opts.padding ?? 0, nd);
  if (padding.some((p) => p < 0)) throw new ValueError(op, 'negative padding is not supported');
  const outPad = ntuple(op, 'output_padding', opts.outputPadding ?? 0, nd);
  checkOutputPadding(op, outPad, stride, dilation);
  const groups = groupsArg(op, opts.groups);
  checkGroups(op, w, groups);
  const [N, C] = x.shape;
  const k = w.shape.slice(2);
  if (C !== w.shape[0]) {
    throw new ShapeError(
      op,
      `Given transposed=1, weight of size ${fmtShape(w.shape)}, expected input${fmtShape(x.shape)} to have ${w.shape[0]} channels, but got ${C} channels instead`,
      [x.shape, w.shape],
    );
  }
  const Og = w.shape[1];
  const O = Og * groups;
  checkBias(op, w, b, O, true);
  const inSize = x.shape.slice(2);
  const outSize = inSize.map((s, i) => (s - 1) * stride[i] - 2 * padding[i] + dilation[i] * (k[i] - 1) + outPad[i] + 1);
  if (outSize.some((s) => s < 1)) {
    throw new ShapeError(
      op,
      `Given input size per channel: ${fmtDims(inSize)}. Calculated output size per channel: ${fmtDims(outSize)}. Output size is too small`,
      [x.shape, w.shape],
    );
  }
  const Cg = C / groups;
  const L = prod(inSize);
  // cols[g] = w[g]^T @ x[g]: every input pixel spreads its kernel-shaped contribution, and
  // col2im adds the overlapping contributions where a forward convolution would have read them.
  const xg = x
    .reshape([N, groups, Cg, L])
    .permute([1, 2, 0, 3])
    .reshape([groups, Cg, N * L]);
  const wg = w.reshape([groups, Cg, Og * prod(k)]).transpose(1, 2);
  const cols = bmmPrim(wg, xg).reshape([O * prod(k), N, L]);
  const g: PatchGeometry = { kernel: k, stride, padding, dilation, outSize: inSize, first: 0, count: inSize[0] };
  let y = col2imPrim(cols, g, [N, O, ...outSize]);
  if (b !== null) y = y.add(b.reshape([1, O, ...new Array<number>(nd).fill(1)]));
  return unbatch(y, unbatched);
}

/**
 * 1-D transposed convolution (the gradient of conv1d with respect to its input) of
 * `input: [N, C_in, L]` with `weight: [C_in, C_out / groups, k]`. Output length:
 * `(L - 1) stride - 2 padding + dilation (k - 1) + outputPadding + 1`.
 * @example nn.functional.convTranspose1d(nb.randn([1, 2, 5]), nb.randn([2, 3, 3]), null, { stride: 2 }) // [1, 3, 11]
 */
export function convTranspose1d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  opts: ConvTransposeOptions = {},
): Tensor {
  return convTransposeNd('conv_transpose1d', 1, input, weight, bias, opts);
}

/**
 * 2-D transposed convolution of `input: [N, C_in, H, W]` with `weight: [C_in, C_out / groups,
 * kH, kW]`, as `F.conv_transpose2d`. Output size per dim:
 * `(in - 1) stride - 2 padding + dilation (k - 1) + outputPadding + 1`.
 * @example nn.functional.convTranspose2d(nb.randn([1, 4, 7, 7]), nb.randn([4, 1, 4, 4]), null, { stride: 2, padding: 1 }) // [1, 1, 14, 14]
 */
export function convTranspose2d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  opts: ConvTransposeOptions = {},
): Tensor {
  return convTransposeNd('conv_transpose2d', 2, input, weight, bias, opts);
}

/**
 * 3-D transposed convolution of `input: [N, C_in, D, H, W]` with `weight: [C_in, C_out / groups, kD, kH, kW]`.
 * @example nn.functional.convTranspose3d(nb.randn([1, 2, 3, 3, 3]), nb.randn([2, 1, 2, 2, 2]), null, { stride: 2 }) // [1, 1, 6, 6, 6]
 */
export function convTranspose3d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  opts: ConvTransposeOptions = {},
): Tensor {
  return convTransposeNd('conv_transpose3d', 3, input, weight, bias, opts);
}
