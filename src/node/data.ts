// File readers for the data module (Node only): CSV and IDX files, gzip or not.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { ValueError } from '../errors.js';
import { parseCsvAs, type CsvData, type CsvOptions } from '../data/csv.js';
import { isGzip, parseIdxAs, type IdxOptions } from '../data/idx.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * Reads a CSV file (UTF-8) into feature and label tensors; see `data.parseCsv` for the options.
 * Errors name the file and the line.
 * @example
 * const { features, labels } = data.readCsv('iris.csv', { labelColumns: ['species'], categorical: ['species'] });
 */
export function readCsv(file: string, opts: CsvOptions = {}): CsvData {
  const text = fs.readFileSync(file, 'utf8');
  return parseCsvAs('readCsv', text, { source: path.basename(file), ...opts });
}

/**
 * Reads an IDX file (MNIST's format), gzip-compressed (detected by its magic bytes) or not.
 * @example const images = data.readIdx('train-images-idx3-ubyte.gz', { dtype: 'float32' }).div(255);
 */
export function readIdx(file: string, opts: IdxOptions = {}): Tensor {
  let bytes: Uint8Array = fs.readFileSync(file);
  const source = opts.source ?? path.basename(file);
  if (isGzip(bytes)) {
    try {
      bytes = zlib.gunzipSync(bytes);
    } catch (e) {
      throw new ValueError('readIdx', `expected valid gzip data in ${source}, got ${(e as Error).message}`);
    }
  }
  return parseIdxAs('readIdx', bytes, { ...opts, source });
}
