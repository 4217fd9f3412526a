// Module-table rows: MultiheadAttention (self and cross attention, batchFirst, kdim/vdim, both
// masks in bool and float, bias_k/bias_v and zero attention, averaged and per-head weights, a
// long sequence on the blocked kernel) and the PyTorch Transformer layers, stacks and model
// (post-LN and pre-LN, relu and gelu, dropout 0 for value parity; dropout rows compare shapes).
import * as nb from '../../src/index.js';
import type { AnyModule } from '../../src/nn/index.js';
import type { InputSpec } from '../harness/specs.js';
import type { ModuleSpec } from '../harness/modules.js';

const { nn } = nb;
type T = nb.Tensor;
type MHA = InstanceType<typeof nn.MultiheadAttention>;
type Opts = NonNullable<Parameters<MHA['forward']>[3]>;

const RANDOM =
  'dropout draws a random mask from the generator; the module table checks shapes, gradcheck fixes the seed';

const mask = (shape: number[], values: number[]): InputSpec => ({ shape, dtype: 'bool', grad: false, values });
const fmask = (shape: number[]): InputSpec => ({ shape, grad: false });

// MultiheadAttention output (0) or weights (1) of `m.call(q, k, v, opts)`. The weights come with
// `0 * output.sum()` added, so out_proj takes part in the graph (its gradient is zero in both).
const mha =
  (pick: 0 | 1, args: (xs: T[]) => [T, T, T], opts: (xs: T[]) => Opts = () => ({})) =>
  (m: AnyModule, ...xs: T[]) => {
    const [y, w] = (m as MHA).call(...args(xs), opts(xs));
    return pick === 0 ? y : w!.add(y.sum().mul(0));
  };
const weightsOf = (call: string) => `(lambda r: r[1] + 0 * r[0].sum())(${call})`;
const self = (xs: T[]): [T, T, T] => [xs[0], xs[0], xs[0]];
const cross = (xs: T[]): [T, T, T] => [xs[0], xs[1], xs[1]];

// [N=2, S=5] padding masks (true = ignore) and [L=3, S=5] attention masks keeping a key per row.
const KPM = mask([2, 5], [0, 0, 0, 1, 1, 0, 1, 0, 0, 1]);
const ATTN = mask([3, 5], [0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 0, 0, 1, 1, 1]);

const multihead: ModuleSpec[] = [
  {
    name: 'MultiheadAttention.self',
    make: () => new nn.MultiheadAttention(4, 2),
    torch: 'nn.MultiheadAttention(4, 2)',
    inputs: [[3, 2, 4]],
    call: mha(0, self),
    torchCall: 'm(a, a, a)[0]',
  },
  {
    name: 'MultiheadAttention.self.weights',
    make: () => new nn.MultiheadAttention(4, 2),
    torch: 'nn.MultiheadAttention(4, 2)',
    inputs: [[3, 2, 4]],
    call: mha(1, self),
    torchCall: weightsOf('m(a, a, a)'),
  },
  {
    name: 'MultiheadAttention.self.headWeights',
    make: () => new nn.MultiheadAttention(4, 2),
    torch: 'nn.MultiheadAttention(4, 2)',
    inputs: [[3, 2, 4]],
    call: mha(1, self, () => ({ averageAttnWeights: false })),
    torchCall: weightsOf('m(a, a, a, average_attn_weights=False)'),
  },
  {
    name: 'MultiheadAttention.cross',
    make: () => new nn.MultiheadAttention(4, 2),
    torch: 'nn.MultiheadAttention(4, 2)',
    inputs: [
      [3, 2, 4],
      [5, 2, 4],
    ],
    call: mha(0, cross),
    torchCall: 'm(a, b, b)[0]',
  },
  {
    name: 'MultiheadAttention.kdimVdim',
    make: () => new nn.MultiheadAttention(4, 2, { kdim: 3, vdim: 5 }),
    torch: 'nn.MultiheadAttention(4, 2, kdim=3, vdim=5)',
    inputs: [
      [3, 2, 4],
      [5, 2, 3],
      [5, 2, 5],
    ],
    call: mha(0, (xs) => [xs[0], xs[1], xs[2]]),
    torchCall: 'm(a, b, c)[0]',
  },
  {
    name: 'MultiheadAttention.batchFirst',
    make: () => new nn.MultiheadAttention(4, 2, { batchFirst: true }),
    torch: 'nn.MultiheadAttention(4, 2, batch_first=True)',
    inputs: [[2, 3, 4]],
    call: mha(0, self),
    torchCall: 'm(a, a, a)[0]',
  },
  {
    name: 'MultiheadAttention.batchFirst.cross.noWeights',
    make: () => new nn.MultiheadAttention(4, 2, { batchFirst: true }),
    torch: 'nn.MultiheadAttention(4, 2, batch_first=True)',
    inputs: [
      [2, 3, 4],
      [2, 5, 4],
    ],
    call: mha(0, cross, () => ({ needWeights: false })),
    torchCall: 'm(a, b, b, need_weights=False)[0]',
  },
  {
    name: 'MultiheadAttention.keyPaddingMask',
    make: () => new nn.MultiheadAttention(4, 2),
    torch: 'nn.MultiheadAttention(4, 2)',
    inputs: [[3, 2, 4], [5, 2, 4], KPM],
    call: mha(0, cross, (xs) => ({ keyPaddingMask: xs[2] })),
    torchCall: 'm(a, b, b, key_padding_mask=c)[0]',
  },
  {
    name: 'MultiheadAttention.attnMask.bool.weights',
    make: () => new nn.MultiheadAttention(4, 2),
    torch: 'nn.MultiheadAttention(4, 2)',
    inputs: [[3, 2, 4], [5, 2, 4], ATTN],
    call: mha(1, cross, (xs) => ({ attnMask: xs[2] })),
    torchCall: weightsOf('m(a, b, b, attn_mask=c)'),
  },
  {
    name: 'MultiheadAttention.attnMask.float',
    make: () => new nn.MultiheadAttention(4, 2),
    torch: 'nn.MultiheadAttention(4, 2)',
    inputs: [[3, 2, 4], [5, 2, 4], fmask([3, 5])],
    call: mha(0, cross, (xs) => ({ attnMask: xs[2] })),
    torchCall: 'm(a, b, b, attn_mask=c)[0]',
  },
  {
    name: 'MultiheadAttention.attnMask3d.float.keyPaddingMask',
    make: () => new nn.MultiheadAttention(4, 2),
    torch: 'nn.MultiheadAttention(4, 2)',
    inputs: [[3, 2, 4], [5, 2, 4], fmask([4, 3, 5]), KPM],
    call: mha(0, cross, (xs) => ({ attnMask: xs[2], keyPaddingMask: xs[3] })),
    torchCall: 'm(a, b, b, attn_mask=c, key_padding_mask=d)[0]',
  },
  {
    name: 'MultiheadAttention.attnMask.bool.keyPaddingMask.headWeights',
    make: () => new nn.MultiheadAttention(4, 2),
    torch: 'nn.MultiheadAttention(4, 2)',
    inputs: [[3, 2, 4], [5, 2, 4], ATTN, mask([2, 5], [0, 0, 0, 0, 1, 0, 0, 0, 0, 0])],
    call: mha(1, cross, (xs) => ({ attnMask: xs[2], keyPaddingMask: xs[3], averageAttnWeights: false })),
    torchCall: weightsOf('m(a, b, b, attn_mask=c, key_padding_mask=d, average_attn_weights=False)'),
  },
  {
    name: 'MultiheadAttention.biasKv.zeroAttn.nobias',
    make: () => new nn.MultiheadAttention(4, 2, { bias: false, addBiasKv: true, addZeroAttn: true }),
    torch: 'nn.MultiheadAttention(4, 2, bias=False, add_bias_kv=True, add_zero_attn=True)',
    inputs: [[3, 2, 4], [5, 2, 4], KPM],
    call: mha(0, cross, (xs) => ({ keyPaddingMask: xs[2] })),
    torchCall: 'm(a, b, b, key_padding_mask=c)[0]',
  },
  {
    name: 'MultiheadAttention.unbatched',
    make: () => new nn.MultiheadAttention(4, 2),
    torch: 'nn.MultiheadAttention(4, 2)',
    inputs: [[3, 4], [5, 4], mask([5], [0, 1, 0, 0, 1])],
    call: mha(0, cross, (xs) => ({ keyPaddingMask: xs[2] })),
    torchCall: 'm(a, b, b, key_padding_mask=c)[0]',
  },
  {
    name: 'MultiheadAttention.long.blocked',
    make: () => new nn.MultiheadAttention(4, 2),
    torch: 'nn.MultiheadAttention(4, 2)',
    inputs: [[130, 1, 4], fmask([130, 130])],
    call: mha(0, self, (xs) => ({ attnMask: xs[1], needWeights: false })),
    torchCall: 'm(a, a, a, attn_mask=b, need_weights=False)[0]',
    noGradcheck: 'the blocked kernel is gradchecked by the op-table rows scaledDotProductAttention.*.blocked',
  },
  {
    name: 'MultiheadAttention.dropout',
    make: () => new nn.MultiheadAttention(4, 2, { dropout: 0.5 }),
    torch: 'nn.MultiheadAttention(4, 2, dropout=0.5)',
    inputs: [[3, 2, 4]],
    call: mha(0, self),
    torchCall: 'm(a, a, a)[0]',
    noTorchValues: RANDOM,
  },
];

type EncL = InstanceType<typeof nn.TransformerEncoderLayer>;
type DecL = InstanceType<typeof nn.TransformerDecoderLayer>;
const FF = 'dim_feedforward=8, dropout=0.0';

const layers: ModuleSpec[] = [
  {
    name: 'TransformerEncoderLayer.postLN.relu',
    make: () => new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0 }),
    torch: `nn.TransformerEncoderLayer(4, 2, ${FF})`,
    inputs: [[3, 2, 4]],
  },
  {
    name: 'TransformerEncoderLayer.preLN.gelu',
    make: () =>
      new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0, activation: 'gelu', normFirst: true }),
    torch: `nn.TransformerEncoderLayer(4, 2, ${FF}, activation='gelu', norm_first=True)`,
    inputs: [[3, 2, 4]],
  },
  {
    name: 'TransformerEncoderLayer.batchFirst.keyPaddingMask',
    make: () => new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0, batchFirst: true }),
    torch: `nn.TransformerEncoderLayer(4, 2, ${FF}, batch_first=True)`,
    inputs: [[2, 3, 4], mask([2, 3], [0, 0, 1, 0, 0, 0])],
    call: (m, x, pad) => (m as EncL).call(x, { srcKeyPaddingMask: pad }),
    torchCall: 'm(a, src_key_padding_mask=b)',
  },
  {
    name: 'TransformerEncoderLayer.preLN.srcMask',
    make: () => new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0, normFirst: true }),
    torch: `nn.TransformerEncoderLayer(4, 2, ${FF}, norm_first=True)`,
    inputs: [[3, 2, 4], fmask([3, 3])],
    call: (m, x, mk) => (m as EncL).call(x, { srcMask: mk }),
    torchCall: 'm(a, src_mask=b)',
  },
  {
    name: 'TransformerEncoderLayer.dropout',
    make: () => new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8 }),
    torch: 'nn.TransformerEncoderLayer(4, 2, dim_feedforward=8)',
    inputs: [[3, 2, 4]],
    noTorchValues: RANDOM,
  },
  {
    name: 'TransformerDecoderLayer.postLN.relu.causal',
    make: () => new nn.TransformerDecoderLayer(4, 2, { dimFeedforward: 8, dropout: 0 }),
    torch: `nn.TransformerDecoderLayer(4, 2, ${FF})`,
    inputs: [
      [3, 2, 4],
      [5, 2, 4],
    ],
    call: (m, t, mem) => (m as DecL).call(t, mem, { tgtIsCausal: true }),
    torchCall: 'm(a, b, tgt_mask=nn.Transformer.generate_square_subsequent_mask(3))',
  },
  {
    name: 'TransformerDecoderLayer.preLN.gelu.masks',
    make: () =>
      new nn.TransformerDecoderLayer(4, 2, { dimFeedforward: 8, dropout: 0, activation: 'gelu', normFirst: true }),
    torch: `nn.TransformerDecoderLayer(4, 2, ${FF}, activation='gelu', norm_first=True)`,
    inputs: [[3, 2, 4], [5, 2, 4], KPM, fmask([3, 3])],
    call: (m, t, mem, kpm, tm) => (m as DecL).call(t, mem, { memoryKeyPaddingMask: kpm, tgtMask: tm }),
    torchCall: 'm(a, b, tgt_mask=d, memory_key_padding_mask=c)',
  },
  {
    name: 'TransformerDecoderLayer.batchFirst.dropout',
    make: () => new nn.TransformerDecoderLayer(4, 2, { dimFeedforward: 8, batchFirst: true }),
    torch: 'nn.TransformerDecoderLayer(4, 2, dim_feedforward=8, batch_first=True)',
    inputs: [
      [2, 3, 4],
      [2, 5, 4],
    ],
    noTorchValues: RANDOM,
  },
];

const stacks: ModuleSpec[] = [
  {
    name: 'TransformerEncoder.2layers.norm',
    make: () =>
      new nn.TransformerEncoder(new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0 }), 2, {
        norm: new nn.LayerNorm(4),
      }),
    torch: `nn.TransformerEncoder(randomized(nn.TransformerEncoderLayer(4, 2, ${FF})), 2, norm=randomized(nn.LayerNorm(4)))`,
    inputs: [[3, 2, 4], mask([2, 3], [0, 1, 0, 0, 0, 1])],
    call: (m, x, pad) => (m as InstanceType<typeof nn.TransformerEncoder>).call(x, { srcKeyPaddingMask: pad }),
    torchCall: 'm(a, src_key_padding_mask=b)',
  },
  {
    name: 'TransformerDecoder.2layers.preLN',
    make: () =>
      new nn.TransformerDecoder(
        new nn.TransformerDecoderLayer(4, 2, { dimFeedforward: 8, dropout: 0, normFirst: true }),
        2,
        { norm: new nn.LayerNorm(4) },
      ),
    torch: `nn.TransformerDecoder(nn.TransformerDecoderLayer(4, 2, ${FF}, norm_first=True), 2, norm=nn.LayerNorm(4))`,
    inputs: [
      [3, 2, 4],
      [4, 2, 4],
    ],
  },
  {
    name: 'Transformer',
    make: () =>
      new nn.Transformer({
        dModel: 4,
        nhead: 2,
        numEncoderLayers: 1,
        numDecoderLayers: 1,
        dimFeedforward: 8,
        dropout: 0,
      }),
    torch: `nn.Transformer(d_model=4, nhead=2, num_encoder_layers=1, num_decoder_layers=1, ${FF})`,
    inputs: [
      [4, 2, 4],
      [3, 2, 4],
    ],
    call: (m, src, tgt) =>
      (m as InstanceType<typeof nn.Transformer>).call(src, tgt, {
        tgtMask: nn.Transformer.generateSquareSubsequentMask(3),
      }),
    torchCall: 'm(a, b, tgt_mask=nn.Transformer.generate_square_subsequent_mask(3))',
  },
  {
    name: 'Transformer.batchFirst.preLN.gelu',
    make: () =>
      new nn.Transformer({
        dModel: 4,
        nhead: 2,
        numEncoderLayers: 1,
        numDecoderLayers: 1,
        dimFeedforward: 8,
        dropout: 0,
        batchFirst: true,
        normFirst: true,
        activation: 'gelu',
      }),
    torch: `nn.Transformer(d_model=4, nhead=2, num_encoder_layers=1, num_decoder_layers=1, ${FF}, batch_first=True, norm_first=True, activation='gelu')`,
    inputs: [[2, 4, 4], [2, 3, 4], mask([2, 4], [0, 0, 0, 1, 0, 0, 0, 0])],
    call: (m, src, tgt, pad) =>
      (m as InstanceType<typeof nn.Transformer>).call(src, tgt, {
        srcKeyPaddingMask: pad,
        memoryKeyPaddingMask: pad,
        tgtIsCausal: true,
      }),
    torchCall:
      'm(a, b, src_key_padding_mask=c, memory_key_padding_mask=c, tgt_mask=nn.Transformer.generate_square_subsequent_mask(3))',
  },
];

export const attentionModuleSpecs: ModuleSpec[] = [...multihead, ...layers, ...stacks];
