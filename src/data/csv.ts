// CSV text to feature and label tensors. Tokenizing CSV (quotes, escaped quotes, delimiters and
// newlines inside quoted fields, CRLF) is left to csv-parse: it ships its own types and an
// ES-module browser build of its synchronous parser (`csv-parse/browser/esm/sync`, with its own
// Buffer shim, so the core stays free of Node APIs), has no dependencies, and reports the line
// of every record, which our error messages need. (papaparse was the other candidate: smaller,
// but without bundled types, and its error positions count records, not lines.)
import { parse } from 'csv-parse/browser/esm/sync';
import { DTypeError, ValueError } from '../errors.js';
import { allocate, checkDType, isFloat, type DType } from '../tensor/dtype.js';
import { fromArray, type Tensor } from '../tensor/tensor.js';

/** A column, by header name or by 0-based index. */
export type ColumnRef = string | number;

/** Options of `parseCsv`. */
export interface CsvOptions {
  /** The first record names the columns (default true). */
  header?: boolean;
  /** Column names when the text has no header (pandas' `names`). */
  names?: readonly string[];
  /** Field separator, one or more characters (default `','`). */
  delimiter?: string;
  /** Lines starting with this string are skipped (default: none). */
  comment?: string;
  /** Feature columns, in output order (default: every column that is not a label column). */
  columns?: readonly ColumnRef[];
  /** Label columns (default none). One label column gives labels `[N]`, several `[N, L]`. */
  labelColumns?: readonly ColumnRef[];
  /** dtype of the features (default `'float32'`). */
  dtype?: DType;
  /** dtype of the labels (default `'int32'` when every label column is categorical, else `'float32'`). */
  labelDtype?: DType;
  /** Columns of strings mapped to category indices (categories sorted, as scikit-learn's LabelEncoder). */
  categorical?: readonly ColumnRef[];
  /** Per-column functions from the raw field to a number (by name or index). */
  converters?: Readonly<Record<string, (field: string) => number>>;
  /** Name of the input (a file name) for error messages. */
  source?: string;
}

/** What `parseCsv` returns. */
export interface CsvData {
  /** `[N, F]` features. */
  features: Tensor;
  /** `[N]` (one label column) or `[N, L]` labels; null without label columns. */
  labels: Tensor | null;
  /** The header's column names, or null when the text has none. */
  header: string[] | null;
  /** Names of the feature columns (their indices as strings when unnamed). */
  featureNames: string[];
  /** Names of the label columns. */
  labelNames: string[];
  /** The categories of each categorical column, by column name; index i stands for categories[i]. */
  categories: Record<string, string[]>;
}

interface Row {
  fields: string[];
  line: number;
}

const MISSING = new Set(['', 'nan', 'na', 'n/a', 'null']);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function newlines(s: string): number {
  return s.match(/\r\n|\n|\r/g)?.length ?? 0;
}

function tokenize(op: string, text: string, opts: CsvOptions, where: string): Row[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter: opts.delimiter ?? ',',
      comment: opts.comment,
      info: true,
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      record_delimiter: ['\r\n', '\n', '\r'],
    }) as unknown as typeof records;
  } catch (e) {
    const err = e as Error & { lines?: number };
    const line = typeof err.lines === 'number' ? ` on line ${err.lines}` : '';
    throw new ValueError(op, `expected well-formed CSV, got ${err.message}${line}${where}`);
  }
  // csv-parse counts lines up to the end of a record; a record's first line is that count
  // minus the line breaks inside its quoted fields.
  return records.map(({ record, info }) => ({
    fields: record,
    line: info.lines - record.reduce((n, f) => n + newlines(f), 0),
  }));
}

function resolve(op: string, ref: ColumnRef, names: readonly string[] | null, width: number): number {
  if (typeof ref === 'number') {
    if (!Number.isInteger(ref) || ref < -width || ref >= width) {
      throw new ValueError(op, `expected a column index in range [${-width}, ${width - 1}], got ${ref}`);
    }
    return ref < 0 ? ref + width : ref;
  }
  const i = names === null ? -1 : names.indexOf(ref);
  if (i < 0) {
    const known = names === null ? 'the text has no header; use indices or `names`' : `columns: ${names.join(', ')}`;
    throw new ValueError(op, `expected a column named '${ref}' (${known}), got none`);
  }
  return i;
}

function numberOf(field: string, dtype: DType): number | null {
  const s = field.trim();
  const lower = s.toLowerCase();
  if (dtype === 'bool') return lower === 'true' || s === '1' ? 1 : lower === 'false' || s === '0' ? 0 : null;
  if (MISSING.has(lower)) return isFloat(dtype) ? NaN : null;
  const inf = /^([+-]?)(inf|infinity)$/.exec(lower);
  if (inf) return isFloat(dtype) ? (inf[1] === '-' ? -Infinity : Infinity) : null;
  if (!NUMBER.test(s)) return null;
  const v = Number(s);
  if (dtype === 'int32' && !(Number.isInteger(v) && v >= -2147483648 && v <= 2147483647)) return null;
  return v;
}

function fits(v: unknown, dt: DType): v is number {
  if (typeof v !== 'number') return false;
  if (isFloat(dt)) return true;
  if (dt === 'int32') return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;
  return !Number.isNaN(v);
}

const KIND: Record<DType, string> = {
  float32: 'a number',
  float64: 'a number',
  int32: 'an int32 integer',
  bool: 'a boolean (true/false/1/0)',
};

/**
 * Parses CSV text into a features tensor `[N, F]` and, with `labelColumns`, a labels tensor.
 * Quoted fields may hold delimiters, quotes (doubled) and newlines. Numeric columns must hold
 * numbers (empty, `NaN`, `NA` and `null` read as NaN in float columns); categorical columns map
 * strings to indices. A row with the wrong number of fields or a value its column cannot
 * hold is refused with an error naming its line.
 * @example
 * const { features, labels, categories } = data.parseCsv(text, {
 *   labelColumns: ['species'], categorical: ['species'],
 * }); // features [150, 4] float32, labels [150] int32
 */
export function parseCsv(text: string, opts: CsvOptions = {}): CsvData {
  return parseCsvAs('parseCsv', text, opts);
}

/** `parseCsv` under another op name (readCsv reports its own name). */
export function parseCsvAs(op: string, text: string, opts: CsvOptions): CsvData {
  if (typeof text !== 'string') throw new DTypeError(op, `expected CSV text as a string, got ${typeof text}`);
  const where = opts.source === undefined ? '' : ` of ${opts.source}`;
  const rows = tokenize(op, text, opts, where);
  const useHeader = opts.header ?? true;
  const headerRow = useHeader ? rows.shift() : undefined;
  const header = headerRow ? headerRow.fields : null;
  const names = opts.names ? [...opts.names] : header;
  const width = header?.length ?? names?.length ?? rows[0]?.fields.length ?? 0;
  if (opts.names && opts.names.length !== width) {
    throw new ValueError(op, `expected ${width} names (one per column of the header), got ${opts.names.length}`);
  }
  for (const r of rows) {
    if (r.fields.length !== width) {
      const ref = header ? 'as in the header' : names ? 'as in `names`' : `as on line ${rows[0].line}`;
      throw new ValueError(op, `expected ${width} fields (${ref}), got ${r.fields.length} on line ${r.line}${where}`);
    }
  }
  const col = (ref: ColumnRef) => resolve(op, ref, names, width);
  const labelIdx = (opts.labelColumns ?? []).map(col);
  const featIdx = opts.columns ? opts.columns.map(col) : [...Array(width).keys()].filter((i) => !labelIdx.includes(i));
  const catIdx = new Set((opts.categorical ?? []).map(col));
  const nameOf = (i: number) => names?.[i] ?? String(i);
  const converters = new Map<number, (field: string) => number>();
  for (const [key, fn] of Object.entries(opts.converters ?? {})) {
    const i = names?.includes(key) ? names.indexOf(key) : /^-?\d+$/.test(key) ? col(Number(key)) : col(key);
    converters.set(i, fn);
  }
  const categories: Record<string, string[]> = {};
  const codes = new Map<number, Map<string, number>>();
  for (const i of catIdx) {
    const cats = [...new Set(rows.map((r) => r.fields[i]))].sort();
    categories[nameOf(i)] = cats;
    codes.set(i, new Map(cats.map((c, k) => [c, k])));
  }
  const dtype = checkDType(op, opts.dtype ?? 'float32');
  const allCategorical = labelIdx.length > 0 && labelIdx.every((i) => catIdx.has(i));
  const labelDtype = checkDType(op, opts.labelDtype ?? (allCategorical ? 'int32' : 'float32'));

  const build = (cols: number[], dt: DType): Tensor => {
    const out = allocate(dt, rows.length * cols.length);
    rows.forEach((r, n) =>
      cols.forEach((c, k) => {
        const field = r.fields[c];
        const conv = converters.get(c);
        const v = conv ? conv(field) : (codes.get(c)?.get(field) ?? numberOf(field, dt));
        if (!fits(v, dt)) {
          throw new ValueError(
            op,
            `expected ${KIND[dt]} in column '${nameOf(c)}', got ${JSON.stringify(field)} on line ${r.line}${where}`,
          );
        }
        out[n * cols.length + k] = dt === 'bool' ? (v !== 0 ? 1 : 0) : v;
      }),
    );
    return fromArray(out, [rows.length, cols.length], dt);
  };
  const features = build(featIdx, dtype);
  let labels: Tensor | null = null;
  if (labelIdx.length > 0) {
    labels = build(labelIdx, labelDtype);
    if (labelIdx.length === 1) labels = labels.reshape([rows.length]);
  }
  return { features, labels, header, featureNames: featIdx.map(nameOf), labelNames: labelIdx.map(nameOf), categories };
}
