// The CMU Pronouncing Dictionary (about 135,000 English words in ARPAbet phonemes) from the
// optional `cmu-pronouncing-dictionary` package (about 4.7 MB), for grapheme-to-phoneme models.
import { importOptional } from './optional.js';

const PACKAGE = 'cmu-pronouncing-dictionary';

/** Words and their pronunciations, aligned by index. */
export interface CmuDict {
  /** Lower-case spellings (a word with variants appears once per variant). */
  words: string[];
  /** ARPAbet phonemes of each word, e.g. `['HH', 'AH0', 'L', 'OW1']`. */
  phonemes: string[][];
  /** Every phoneme symbol used, sorted. */
  symbols: string[];
}

/**
 * Loads CMUdict (requires the optional package `cmu-pronouncing-dictionary`). By default only
 * each word's first pronunciation is kept and stress digits stay (`AH0`); `variants` adds the
 * alternatives listed as `word(1)`, `word(2)`, and `stress: false` strips the digits (`AH`).
 * @example
 * const { words, phonemes } = await data.datasets.cmudict({ stress: false });
 */
export async function cmudict(opts: { stress?: boolean; variants?: boolean } = {}): Promise<CmuDict> {
  const mod = await importOptional<{ dictionary: Record<string, string> }>('cmudict', PACKAGE);
  const words: string[] = [];
  const phonemes: string[][] = [];
  const symbols = new Set<string>();
  for (const [key, pron] of Object.entries(mod.dictionary)) {
    const variant = /^(.*)\(\d+\)$/.exec(key);
    if (variant && !opts.variants) continue;
    // A few entries carry a comment after '#' (e.g. "# place, danish").
    const ph = pron
      .replace(/#.*$/, '')
      .trim()
      .split(/\s+/)
      .map((p) => (opts.stress === false ? p.replace(/\d/g, '') : p));
    ph.forEach((p) => symbols.add(p));
    words.push(variant ? variant[1] : key);
    phonemes.push(ph);
  }
  return { words, phonemes, symbols: [...symbols].sort() };
}
