// Op-table rows: scaledDotProductAttention, on the composite (`math`) and the blocked kernel
// (`blocked` with 2 x 2 tiles, so tiny inputs cross tile borders; its gradgradcheck runs the
// composite fallback). torch 1.13 has no F.scaled_dot_product_attention, so the reference is
// PyTorch 2.x's documented math: softmax(q k^T * scale + mask) v, with a bool mask (true =
// attend) applied as masked_fill(~mask, -inf) and the causal mask top-left aligned.
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import type { InputSpec, OpSpec, Sample } from '../harness/specs.js';

const F = nb.nn.functional;
type Kernel = 'math' | 'blocked';
type Opts = Parameters<typeof F.scaledDotProductAttention>[3];

const SCORES = 'a @ b.transpose(-2, -1) * (a.shape[-1] ** -0.5)';
const ref = (scores: string) => `torch.softmax(${scores}, -1) @ c`;
const f32 = (shape: number[]): InputSpec => ({ shape, dtype: 'float32' });
const sm = (label: string, inputs: InputSpec[]): Sample => ({ label, inputs });

// Every row twice: on the composite and on the blocked kernel with 2 x 2 tiles.
function both(name: string, opts: (xs: Tensor[]) => Opts, torch: string, samples: Sample[]): OpSpec[] {
  return (['math', 'blocked'] as Kernel[]).map((kernel) => ({
    name: kernel === 'math' ? name : `${name}.blocked`,
    fn: (...xs: Tensor[]) => F.scaledDotProductAttention(xs[0], xs[1], xs[2], { ...opts(xs), kernel, blockSize: 2 }),
    torch,
    samples,
  }));
}

// Each query row keeps at least one key, so no row is all -inf (NaN, not differentiable).
const BOOL_MASK: InputSpec = {
  shape: [3, 5],
  dtype: 'bool',
  grad: false,
  values: [1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 1, 1, 0, 0],
};

export const attentionSpecs: OpSpec[] = [
  ...both('scaledDotProductAttention', () => ({}), ref(SCORES), [
    sm('3-D', [
      [2, 3, 4],
      [2, 5, 4],
      [2, 5, 3],
    ]),
    sm('4-D heads', [
      [2, 2, 3, 4],
      [2, 2, 5, 4],
      [2, 2, 5, 2],
    ]),
    sm('broadcast batch', [
      [2, 1, 3, 4],
      [1, 2, 5, 4],
      [2, 2, 5, 3],
    ]),
    sm('2-D unbatched', [
      [3, 4],
      [5, 4],
      [5, 3],
    ]),
    sm('non-contiguous', [{ shape: [2, 3, 4], noncontig: true }, { shape: [2, 5, 4], noncontig: true }, [2, 5, 3]]),
    sm('float32', [f32([2, 3, 4]), f32([2, 5, 4]), f32([2, 5, 3])]),
    sm('no queries', [
      [2, 0, 4],
      [2, 5, 4],
      [2, 5, 3],
    ]),
    sm('no keys', [
      [2, 3, 4],
      [2, 0, 4],
      [2, 0, 3],
    ]),
  ]),
  ...both('scaledDotProductAttention.scale', () => ({ scale: 0.3 }), ref('a @ b.transpose(-2, -1) * 0.3'), [
    sm('3-D', [
      [2, 3, 4],
      [2, 4, 4],
      [2, 4, 2],
    ]),
  ]),
  ...both(
    'scaledDotProductAttention.causal',
    () => ({ isCausal: true }),
    ref(`(${SCORES}).masked_fill(torch.ones(a.shape[-2], b.shape[-2], dtype=torch.bool).triu(1), float('-inf'))`),
    [
      sm('square', [
        [2, 5, 4],
        [2, 5, 4],
        [2, 5, 3],
      ]),
      sm('more keys', [
        [1, 2, 3, 4],
        [1, 2, 6, 4],
        [1, 2, 6, 2],
      ]),
      sm('float32', [f32([2, 4, 4]), f32([2, 4, 4]), f32([2, 4, 3])]),
    ],
  ),
  ...both(
    'scaledDotProductAttention.boolMask',
    (xs) => ({ attnMask: xs[3] }),
    ref(`(${SCORES}).masked_fill(~d, float('-inf'))`),
    [sm('[3, 5] over the batch', [[2, 3, 4], [2, 5, 4], [2, 5, 3], BOOL_MASK])],
  ),
  ...both('scaledDotProductAttention.floatMask', (xs) => ({ attnMask: xs[3] }), ref(`${SCORES} + d`), [
    sm('per batch, broadcast over heads', [
      [2, 2, 3, 4],
      [2, 2, 5, 4],
      [2, 2, 5, 3],
      [2, 1, 3, 5],
    ]),
    sm('[3, 5] float32', [f32([2, 3, 4]), f32([2, 5, 4]), f32([2, 5, 3]), f32([3, 5])]),
  ]),
  ...(['math', 'blocked'] as Kernel[]).map((kernel): OpSpec => ({
    name: kernel === 'math' ? 'scaledDotProductAttention.dropout' : 'scaledDotProductAttention.dropout.blocked',
    // A fresh generator per call: the same mask on every evaluation of gradcheck.
    fn: (q, k, v) =>
      F.scaledDotProductAttention(q, k, v, { dropoutP: 0.4, generator: new nb.Generator(7), kernel, blockSize: 2 }),
    noTorch:
      'the dropout mask comes from the nabla generator; both kernels draw the same mask (test/attention.test.ts)',
    samples: [
      sm('3-D', [
        [2, 3, 4],
        [2, 5, 4],
        [2, 5, 3],
      ]),
    ],
  })),
];
