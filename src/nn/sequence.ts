// Sequence utilities (nbml): masked mean pooling, last-token pooling, and CausalLM, a token
// model (embedding -> sequence layers -> vocabulary head) with autoregressive generation.
import { noGrad } from '../autograd/mode.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { where } from '../ops/elementwise.js';
import { cat } from '../ops/shape.js';
import { ones } from '../tensor/create.js';
import type { DType } from '../tensor/dtype.js';
import { Tensor, fromArray } from '../tensor/tensor.js';
import { Embedding } from './embedding.js';
import { sampleLogits, type SampleLogitsOptions } from './functional/sampling.js';
import { normal_ } from './init.js';
import { Linear, checkSize } from './linear.js';
import { Module, type AnyModule } from './module.js';
import { LayerNorm } from './normalization.js';
import { LearnedPositionalEmbedding, SinusoidalPositionalEncoding } from './positional.js';
import { KVCache } from './selfAttention.js';
import { TransformerBlock } from './transformerBlock.js';

function checkPoolInput(op: string, x: Tensor, mask: Tensor | null | undefined): Tensor | null {
  if (!(x instanceof Tensor) || x.ndim !== 3) {
    throw new ShapeError(
      op,
      `expected input of shape [B, S, D], got ${x instanceof Tensor ? fmtShape(x.shape) : typeof x}`,
    );
  }
  if (mask === null || mask === undefined) return null;
  if (!(mask instanceof Tensor) || mask.ndim !== 2 || mask.shape[0] !== x.shape[0] || mask.shape[1] !== x.shape[1]) {
    const got = mask instanceof Tensor ? fmtShape(mask.shape) : String(mask);
    throw new ShapeError(op, `expected a mask of shape ${fmtShape(x.shape.slice(0, 2))}, got ${got}`);
  }
  return mask;
}

/**
 * Masked mean over the sequence (nbml's SequencePooling): `y_b = sum_t m_bt x_bt / sum_t m_bt`,
 * the plain mean without a mask. The mask may be bool or numeric weights; a row with nothing
 * kept pools to zeros.
 *
 * Shape: x `[B, S, D]`, mask `[B, S]`, output `[B, D]`.
 * @example new nn.SequencePooling().call(x, nn.paddingMask([3, 5])) // x [2, 5, D]
 */
export class SequencePooling extends Module<[Tensor, (Tensor | null)?]> {
  forward(x: Tensor, mask?: Tensor | null): Tensor {
    const m = checkPoolInput('SequencePooling', x, mask);
    if (!m) return x.mean(1);
    const w = m.to(x.dtype).unsqueeze(-1); // [B, S, 1]
    const count = w.sum(1); // [B, 1]
    return x
      .mul(w)
      .sum(1)
      .div(where(count.eq(0), 1, count));
  }
}

/**
 * The vector of the last real token of each sequence (nbml's LastTokenPooling): the last
 * position where the mask is set, which is the end of the row for left padding and
 * `length - 1` for right padding (nbml assumes right padding). Without a mask, the last
 * position. A row with nothing kept pools to zeros.
 *
 * Shape: x `[B, S, D]`, mask `[B, S]`, output `[B, D]`.
 * @example new nn.LastTokenPooling().call(x, mask)
 */
export class LastTokenPooling extends Module<[Tensor, (Tensor | null)?]> {
  forward(x: Tensor, mask?: Tensor | null): Tensor {
    const m = checkPoolInput('LastTokenPooling', x, mask);
    const [B, S, D] = x.shape;
    if (!m) return x.select(1, S - 1);
    const keep = m.data();
    const idx = new Int32Array(B);
    const any = new Uint8Array(B);
    for (let b = 0; b < B; b++) {
      for (let t = S - 1; t >= 0; t--) {
        if (keep[b * S + t]) {
          idx[b] = t;
          any[b] = 1;
          break;
        }
      }
    }
    const index = fromArray(idx, [B, 1, 1], 'int32').expand([B, 1, D]);
    const picked = x.gather(1, index).squeeze(1);
    return any.every((v) => v === 1) ? picked : where(fromArray(any, [B, 1], 'bool'), picked, 0);
  }
}

/** A layer CausalLM can decode incrementally: it has a stateful `scan` and a one-position `step`. */
export interface RecurrentLayer {
  scan(x: Tensor, opts: { mask?: Tensor | null; state?: Tensor | null }): [Tensor, Tensor];
  step(x: Tensor, state: Tensor | null, opts?: { mask?: Tensor | null }): [Tensor, Tensor];
}

function isRecurrent(m: unknown): m is RecurrentLayer {
  const r = m as Partial<RecurrentLayer>;
  return typeof r.scan === 'function' && typeof r.step === 'function';
}

/** Options of CausalLM. */
export interface CausalLMOptions {
  /** Position information added after the embedding. Default 'none' (nbml; recurrent layers need none). */
  positional?: 'none' | 'sinusoidal' | 'learned';
  /** Longest sequence for the positional table. Default 1024. */
  maxLen?: number;
  /** A LayerNorm before the head. Default false (nbml). */
  finalNorm?: boolean;
  dtype?: DType;
}

/** Options of `CausalLM.generate`. */
export interface GenerateOptions extends SampleLogitsOptions {
  /** Tokens to append. Default 16. */
  maxNewTokens?: number;
  /** Keep-mask `[B, S]` of the prompt (left padding: false at the start of short prompts). */
  mask?: Tensor | null;
  /** Rows that produce this token keep producing it, and generation stops when all rows have. */
  eosTokenId?: number | null;
}

/**
 * A causal language model (nbml's CausalLM): token embedding (N(0, 0.02^2), nbml's init),
 * optional positions, a stack of sequence layers, optional final LayerNorm and a linear head.
 * Layers may be any of the recurrent layers (LinearAttention and its relatives, the linear
 * transformer blocks, LinearSSM, SelectiveSSM: called with `{ mask }`), decoder
 * `TransformerBlock`s (called with `{ pad: mask }`), or any module of `[B, S, d] -> [B, S, d]`.
 * `generate` decodes with each layer's state or KV cache when every layer has one, and
 * otherwise re-runs the whole sequence for each new token.
 *
 * Shape: tokens int32 `[B, S]`, mask `[B, S]`, logits `[B, S, vocabSize]`.
 * @example
 * const lm = new nn.CausalLM(100, 32, [new nn.GlaTransformer(32, 8, { numHeads: 4 })]);
 * const out = lm.generate(prompt, { maxNewTokens: 20, topK: 10, generator: new nb.Generator(0) });
 */
export class CausalLM extends Module<[Tensor, { mask?: Tensor | null }?]> {
  readonly vocabSize: number;
  readonly dModel: number;
  embedding: Embedding;
  pos: SinusoidalPositionalEncoding | LearnedPositionalEmbedding | null;
  layers: AnyModule[];
  norm: LayerNorm | null;
  head: Linear;

  constructor(vocabSize: number, dModel: number, layers: AnyModule | readonly AnyModule[], opts: CausalLMOptions = {}) {
    super();
    this.vocabSize = checkSize('CausalLM', 'vocabSize', vocabSize);
    this.dModel = checkSize('CausalLM', 'dModel', dModel);
    const dtype = opts.dtype;
    this.embedding = new Embedding(vocabSize, dModel, { dtype });
    normal_(this.embedding.weight, 0, 0.02);
    const maxLen = opts.maxLen ?? 1024;
    const p = opts.positional ?? 'none';
    if (p !== 'none' && p !== 'sinusoidal' && p !== 'learned') {
      throw new ValueError('CausalLM', `expected positional 'none', 'sinusoidal' or 'learned', got ${String(p)}`);
    }
    this.pos =
      p === 'sinusoidal'
        ? new SinusoidalPositionalEncoding(dModel, { maxLen, dtype })
        : p === 'learned'
          ? new LearnedPositionalEmbedding(maxLen, dModel, { dtype })
          : null;
    this.layers = Array.isArray(layers) ? [...(layers as AnyModule[])] : [layers as AnyModule];
    for (const l of this.layers) {
      if (!(l instanceof Module)) throw new DTypeError('CausalLM', `expected layers to be modules, got ${typeof l}`);
      if (l instanceof TransformerBlock && !l.causal) {
        throw new ValueError('CausalLM', 'expected decoder (causal) TransformerBlocks, got an encoder block');
      }
    }
    this.norm = opts.finalNorm ? new LayerNorm(dModel, { dtype }) : null;
    this.head = new Linear(dModel, vocabSize, { dtype });
  }

  #embed(tokens: Tensor, offset: number): Tensor {
    const x = this.embedding.call(tokens);
    return this.pos ? this.pos.call(x, offset) : x;
  }

  #logits(h: Tensor): Tensor {
    return this.head.call(this.norm ? this.norm.call(h) : h);
  }

  forward(tokens: Tensor, opts: { mask?: Tensor | null } = {}): Tensor {
    checkTokens('CausalLM', tokens);
    const mask = opts.mask ?? null;
    let x = this.#embed(tokens, 0);
    for (const l of this.layers)
      x = l instanceof TransformerBlock ? l.call(x, { pad: mask }) : (l.call(x, { mask }) as Tensor);
    return this.#logits(x);
  }

  /**
   * Next-token cross entropy: logits at t against the token at t + 1, averaged over the
   * positions whose target is kept by `mask` (nbml's `train_step` loss).
   */
  nextTokenLoss(tokens: Tensor, opts: { mask?: Tensor | null } = {}): Tensor {
    const S = checkTokens('CausalLM.nextTokenLoss', tokens).shape[1];
    if (S < 2) throw new ValueError('CausalLM.nextTokenLoss', `expected at least 2 tokens per sequence, got ${S}`);
    const logp = this.forward(tokens, opts)
      .narrow(1, 0, S - 1)
      .logSoftmax(-1);
    const target = tokens.narrow(1, 1, S - 1).unsqueeze(-1);
    const nll = logp.gather(2, target).squeeze(-1).neg(); // [B, S - 1]
    if (!opts.mask) return nll.mean();
    const w = opts.mask
      .narrow(1, 1, S - 1)
      .ne(0)
      .to(nll.dtype);
    return nll.mul(w).sum().div(w.sum().clamp(1, null));
  }

  /**
   * Appends up to `maxNewTokens` tokens to `prompt` (int32 `[B, S]`), each drawn from the last
   * logits with temperature, top-k / top-p filtering and a greedy, categorical or Gumbel-max
   * draw (`sampleLogits`). Runs without recording gradients; call `eval()` first to turn off
   * dropout. Returns int32 `[B, S + generated]`.
   */
  generate(prompt: Tensor, opts: GenerateOptions = {}): Tensor {
    const op = 'CausalLM.generate';
    const [B, S] = checkTokens(op, prompt).shape;
    if (S === 0) throw new ValueError(op, 'expected a prompt of at least one token, got 0');
    const n = opts.maxNewTokens ?? 16;
    if (!Number.isInteger(n) || n < 0) throw new ValueError(op, `expected maxNewTokens >= 0, got ${n}`);
    const mask = opts.mask ? opts.mask.ne(0) : null;
    const eos = opts.eosTokenId ?? null;
    const done = new Uint8Array(B);
    const pick = (logits: Tensor): Tensor => {
      const t = sampleLogits(logits, opts).data() as Int32Array;
      for (let b = 0; b < B; b++) {
        if (done[b]) t[b] = eos!;
        else if (eos !== null && t[b] === eos) done[b] = 1;
      }
      return fromArray(t, [B, 1], 'int32');
    };
    return noGrad(() => {
      let tokens = prompt;
      if (!this.layers.every((l) => l instanceof TransformerBlock || isRecurrent(l))) {
        let m = mask;
        for (let i = 0; i < n && !done.every((d) => d === 1); i++) {
          const logits = this.forward(tokens, { mask: m });
          tokens = cat([tokens, pick(logits.select(1, -1))], 1);
          if (m) m = cat([m, ones([B, 1], { dtype: 'bool' })], 1);
        }
        return tokens;
      }
      // Prefill: run the prompt once, keeping each layer's KV cache or recurrent state.
      const caches: (KVCache | Tensor)[] = [];
      let x = this.#embed(prompt, 0);
      for (const l of this.layers) {
        if (l instanceof TransformerBlock) {
          const cache = new KVCache();
          x = l.forwardCached(x, cache, { pad: mask });
          caches.push(cache);
        } else {
          const [y, state] = (l as unknown as RecurrentLayer).scan(x, { mask });
          x = y;
          caches.push(state);
        }
      }
      let logits = this.#logits(x.select(1, S - 1));
      for (let i = 0; i < n && !done.every((d) => d === 1); i++) {
        const next = pick(logits);
        tokens = cat([tokens, next], 1);
        if (i === n - 1) break;
        let h = this.#embed(next, S + i);
        this.layers.forEach((l, j) => {
          if (l instanceof TransformerBlock) h = l.forwardCached(h, caches[j] as KVCache);
          else {
            const [y, state] = (l as unknown as RecurrentLayer).step(h.select(1, 0), caches[j] as Tensor);
            caches[j] = state;
            h = y.unsqueeze(1);
          }
        });
        logits = this.#logits(h.select(1, 0));
      }
      return tokens;
    });
  }

  override extraRepr(): string {
    return `vocab_size=${this.vocabSize}, d_model=${this.dModel}`;
  }
}

function checkTokens(op: string, tokens: Tensor): Tensor {
  if (!(tokens instanceof Tensor) || tokens.dtype !== 'int32' || tokens.ndim !== 2) {
    const got = tokens instanceof Tensor ? `${tokens.dtype} ${fmtShape(tokens.shape)}` : typeof tokens;
    throw new DTypeError(op, `expected int32 tokens of shape [B, S], got ${got}`);
  }
  return tokens;
}
