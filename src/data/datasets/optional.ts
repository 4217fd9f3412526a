import { UnsupportedOpError } from '../../errors.js';

/**
 * Imports an optional dependency by name. The specifier is a variable on purpose: bundlers then
 * leave the import alone instead of failing the build when the package is not installed.
 */
export async function importOptional<T>(op: string, pkg: string): Promise<T> {
  try {
    return (await import(/* webpackIgnore: true */ /* @vite-ignore */ pkg)) as T;
  } catch (e) {
    throw new UnsupportedOpError(
      op,
      `expected the optional package '${pkg}' to be installed (npm install ${pkg}), got: ${(e as Error).message}`,
    );
  }
}
