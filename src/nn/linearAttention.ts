// nbml's linear-attention family as multi-head modules: LinearAttention (Katharopoulos et al.,
// 2020), GatedLinearAttention (Yang et al., 2024), DeltaNet and GatedDeltaNet. Each keeps a
// matrix state per head, trains with the chunked scans of linearScan.ts (linear in the sequence
// length) and decodes one token at a time with `step`, which runs the plain recurrence.
import { logsigmoid } from '../ops/activations.js';
import { cat } from '../ops/shape.js';
import { ones } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { normalize } from './functional/normalization.js';
import type { Linear } from './linear.js';
import {
  LinearAttentionBase,
  featureFn,
  splitHeads,
  xavierLinear,
  type FeatureMapOptions,
  type Heads,
  type LinearAttentionOptions,
} from './linearAttentionBase.js';

export {
  LinearAttentionBase,
  type FeatureMap,
  type FeatureMapOptions,
  type LinearAttentionOptions,
  type ScanOptions,
  type SequenceMaskOptions,
} from './linearAttentionBase.js';

/**
 * Causal linear attention without softmax (nbml; Katharopoulos et al., 2020): per head
 * `S_t = S_{t-1} + phi(k_t) v_t^T`, `o_t = S_t^T phi(q_t)`, `y = concat_h(o) W_o^T + b_o`, with
 * `[q, k, v] = x W_qkv^T + b`. nbml uses no feature map (phi = identity) and no normalizer; pass
 * `featureMap: 'elu+1', normalize: true` for Katharopoulos' form `o_t = S_t^T phi(q_t) /
 * (phi(q_t) . z_t)`, `z_t = sum phi(k)` (kept as an extra state column).
 *
 * Shape: x `[B, S, dIn]`, output `[B, S, dOut]`; state `[B, numHeads, dHead, dHead (+1)]`.
 * @see https://arxiv.org/abs/2006.16236
 * @example
 * const la = new nn.LinearAttention(32, 8, { numHeads: 4 });
 * const y = la.call(nb.randn([2, 10, 32])); // [2, 10, 32]
 */
export class LinearAttention extends LinearAttentionBase {
  protected readonly family = 'gated';
  readonly normalize: boolean;
  readonly eps: number;
  qkv: Linear;
  out: Linear;
  #phi: (x: Tensor) => Tensor;

  constructor(dIn: number, dHead: number, opts: FeatureMapOptions & { normalize?: boolean; eps?: number } = {}) {
    super('LinearAttention', dIn, dHead, opts);
    this.#phi = featureFn('LinearAttention', opts.featureMap);
    this.normalize = opts.normalize ?? false;
    this.eps = opts.eps ?? 1e-6;
    this.qkv = xavierLinear(dIn, 3 * this.numHeads * dHead, opts);
    this.out = xavierLinear(this.numHeads * dHead, this.dOut, opts);
  }

  protected override get stateCols(): number {
    return this.dHead + (this.normalize ? 1 : 0);
  }

  protected heads(x: Tensor): Heads {
    const [q, k, v] = splitHeads(this.qkv.call(x), 3, this.numHeads, this.dHead);
    const vv = this.normalize ? cat([v, ones([...v.shape.slice(0, -1), 1], { dtype: v.dtype })], -1) : v;
    return { q: this.#phi(q), k: this.#phi(k), v: vv, g1: null, g2: null };
  }

  protected override finish(o: Tensor): Tensor {
    if (!this.normalize) return o;
    return o.narrow(-1, 0, this.dHead).div(o.narrow(-1, this.dHead, 1).add(this.eps));
  }
}

/**
 * Gated linear attention (nbml; Yang et al., 2024): per head `[alpha, beta] = sigmoid(x W_f^T +
 * b_f)` (dHead each), `S_t = (alpha_t beta_t^T) * S_{t-1} + k_t v_t^T`, `o_t = S_t^T q_t`. The
 * forget bias starts at 4 (sigmoid 0.98: slow forgetting), as in nbml.
 *
 * Shape: x `[B, S, dIn]`, output `[B, S, dOut]`; state `[B, numHeads, dHead, dHead]`.
 * @see https://arxiv.org/abs/2312.06635
 * @example new nn.GatedLinearAttention(16, 8, { numHeads: 2 }).call(nb.randn([4, 12, 16]))
 */
export class GatedLinearAttention extends LinearAttentionBase {
  protected readonly family = 'gated';
  qkv: Linear;
  forget: Linear;
  out: Linear;
  #phi: (x: Tensor) => Tensor;

  constructor(dIn: number, dHead: number, opts: FeatureMapOptions = {}) {
    super('GatedLinearAttention', dIn, dHead, opts, 8);
    this.#phi = featureFn('GatedLinearAttention', opts.featureMap);
    this.qkv = xavierLinear(dIn, 3 * this.numHeads * dHead, opts);
    this.forget = xavierLinear(dIn, 2 * this.numHeads * dHead, opts, 4);
    this.out = xavierLinear(this.numHeads * dHead, this.dOut, opts);
  }

  protected heads(x: Tensor): Heads {
    const [q, k, v] = splitHeads(this.qkv.call(x), 3, this.numHeads, this.dHead);
    const [la, lb] = splitHeads(logsigmoid(this.forget.call(x)), 2, this.numHeads, this.dHead);
    return { q: this.#phi(q), k: this.#phi(k), v, g1: la, g2: lb };
  }
}

// q and k of the delta rules are unit vectors: x / max(||x||, 1e-6), nbml's L2 norm.
const unit = (t: Tensor) => normalize(t, { dim: -1, eps: 1e-6 });

/**
 * DeltaNet (nbml; Schlag et al., 2021; Yang et al., 2024): q and k L2-normalized,
 * `beta_t = sigmoid(x_t w_beta + b_beta)` per head, `S_t = S_{t-1} + beta_t k_t (v_t -
 * S_{t-1}^T k_t)^T` (write the error of what the state recalls for k), `o_t = S_t^T q_t`.
 *
 * Shape: x `[B, S, dIn]`, output `[B, S, dOut]`; state `[B, numHeads, dHead, dHead]`.
 * @see https://arxiv.org/abs/2406.06484
 * @example new nn.DeltaNet(16, 8).call(nb.randn([2, 5, 16]))
 */
export class DeltaNet extends LinearAttentionBase {
  protected readonly family = 'delta';
  qkv: Linear;
  beta: Linear;
  out: Linear;

  constructor(dIn: number, dHead: number, opts: LinearAttentionOptions = {}) {
    super('DeltaNet', dIn, dHead, opts);
    this.qkv = xavierLinear(dIn, 3 * this.numHeads * dHead, opts);
    this.beta = xavierLinear(dIn, this.numHeads, opts);
    this.out = xavierLinear(this.numHeads * dHead, this.dOut, opts);
  }

  protected heads(x: Tensor): Heads {
    const [q, k, v] = splitHeads(this.qkv.call(x), 3, this.numHeads, this.dHead);
    return { q: unit(q), k: unit(k), v, g1: this.beta.call(x).sigmoid().transpose(1, 2), g2: null };
  }
}

/**
 * Gated DeltaNet as nbml computes it: q, k L2-normalized, `[alpha_t, beta_t] = sigmoid(x_t W_ab +
 * b_ab)` (scalars per head), `S_t = alpha_t S_{t-1} + beta_t k_t (v_t - S_{t-1}^T k_t)^T`,
 * `o_t = S_t^T q_t`. (The paper decays the recalled value too, `alpha_t (I - beta_t k_t k_t^T)
 * S_{t-1}`; nbml's error term reads the undecayed state, and so does this module.)
 *
 * Shape: x `[B, S, dIn]`, output `[B, S, dOut]` (nbml's third constructor argument is `dOut`);
 * state `[B, numHeads, dHead, dHead]`.
 * @see https://arxiv.org/abs/2412.06464
 * @example new nn.GatedDeltaNet(16, 8, { dOut: 4 }).call(nb.randn([2, 5, 16])) // [2, 5, 4]
 */
export class GatedDeltaNet extends LinearAttentionBase {
  protected readonly family = 'delta';
  qkv: Linear;
  ab: Linear;
  out: Linear;

  constructor(dIn: number, dHead: number, opts: LinearAttentionOptions = {}) {
    super('GatedDeltaNet', dIn, dHead, opts);
    this.qkv = xavierLinear(dIn, 3 * this.numHeads * dHead, opts);
    this.ab = xavierLinear(dIn, 2 * this.numHeads, opts);
    this.out = xavierLinear(this.numHeads * dHead, this.dOut, opts);
  }

  protected heads(x: Tensor): Heads {
    const [q, k, v] = splitHeads(this.qkv.call(x), 3, this.numHeads, this.dHead);
    const ab = this.ab.call(x).unflatten(-1, [2, this.numHeads]); // [B, S, 2, H]
    const logAlpha = logsigmoid(ab.select(2, 0)).transpose(1, 2);
    const beta = ab.select(2, 1).sigmoid().transpose(1, 2);
    return { q: unit(q), k: unit(k), v, g1: beta, g2: logAlpha };
  }
}
