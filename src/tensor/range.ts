import { DTypeError, ValueError } from '../errors.js';
import { creationDType, finish, toInt32, type CreateOptions } from './args.js';
import { allocate, type DType } from './dtype.js';
import { fromArray, type Tensor } from './tensor.js';

function noBool(op: string, dtype: DType): void {
  if (dtype === 'bool')
    throw new DTypeError(op, `expected a numeric dtype, got bool ("${op}" is not implemented for bool)`);
}

function checkSteps(op: string, steps: number): void {
  if (!Number.isInteger(steps) || steps < 0) {
    throw new ValueError(
      op,
      `expected a non-negative integer number of steps (number of steps must be non-negative), got ${steps}`,
    );
  }
}

function finite(op: string, what: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(op, `expected a finite ${what}, got ${v}`);
}

/**
 * Evenly spaced values in `[start, end)` with spacing `step`; `arange(end)` starts at 0. The
 * length is `ceil((end - start) / step)`. The dtype is `int32` when every argument is an
 * integer and `float32` otherwise (JS cannot tell `5` from `5.0`: pass `{ dtype: 'float32' }`).
 * @example
 * nb.arange(4);            // int32 [0, 1, 2, 3]
 * nb.arange(1, 2, 0.25);   // float32 [1, 1.25, 1.5, 1.75]
 */
export function arange(end: number, opts?: CreateOptions): Tensor;
export function arange(start: number, end: number, opts?: CreateOptions): Tensor;
export function arange(start: number, end: number, step: number, opts?: CreateOptions): Tensor;
export function arange(...args: (number | CreateOptions | undefined)[]): Tensor {
  const nums: number[] = [];
  let opts: CreateOptions | undefined;
  for (const a of args) {
    if (typeof a === 'number' && opts === undefined && nums.length < 3) nums.push(a);
    else if (a !== undefined && typeof a === 'object' && opts === undefined) opts = a;
    else if (a !== undefined)
      throw new ValueError(
        'arange',
        `expected (end), (start, end) or (start, end, step) and options, got ${String(a)}`,
      );
  }
  if (nums.length === 0) throw new ValueError('arange', 'expected at least an end value, got none');
  let [start, end, step] = nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1];
  const dtype = creationDType('arange', opts, nums.every(Number.isInteger) ? 'int32' : 'float32');
  noBool('arange', dtype);
  if (!Number.isFinite(start) || !Number.isFinite(end)) {
    throw new ValueError(
      'arange',
      `expected a finite range (unsupported range: ${start} -> ${end}), got start=${start}, end=${end}`,
    );
  }
  finite('arange', 'step', step);
  if (dtype === 'int32') {
    // PyTorch converts the bounds and step to the integer type before computing anything.
    [start, end, step] = [toInt32('arange', start), toInt32('arange', end), toInt32('arange', step)];
  }
  if (step === 0) throw new ValueError('arange', `expected a nonzero step (step must be nonzero), got ${step}`);
  if ((step > 0 && end < start) || (step < 0 && end > start)) {
    throw new ValueError(
      'arange',
      `upper bound and larger bound inconsistent with step sign, got start=${start}, end=${end}, step=${step}`,
    );
  }
  const n = Math.ceil((end - start) / step);
  const data = allocate(dtype, n);
  // Each value is computed from the start (not by accumulation), in float64, as PyTorch's CPU kernel.
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return finish(fromArray(data, [n], dtype), opts);
}

/**
 * `steps` evenly spaced values from `start` to `end`, both included:
 * `start + i * (end - start) / (steps - 1)`.
 * @example nb.linspace(0, 1, 5); // [0, 0.25, 0.5, 0.75, 1]
 */
export function linspace(start: number, end: number, steps: number, opts?: CreateOptions): Tensor {
  finite('linspace', 'start', start);
  finite('linspace', 'end', end);
  checkSteps('linspace', steps);
  const dtype = creationDType('linspace', opts, 'float32');
  noBool('linspace', dtype);
  const data = allocate(dtype, steps);
  if (dtype === 'int32') {
    // Integer bounds, float64 step, truncated values (PyTorch's integer kernel).
    const [a, b] = [toInt32('linspace', start), toInt32('linspace', end)];
    const step = (b - a) / Math.max(steps - 1, 1);
    fillSymmetric(
      data,
      steps,
      (i) => a + step * i,
      (k) => b - step * k,
    );
  } else if (dtype === 'float32') {
    // PyTorch computes the float32 result in float32 arithmetic; fround reproduces it bit for bit.
    const f = Math.fround;
    const [a, b] = [f(start), f(end)];
    const step = f(f(b - a) / Math.max(steps - 1, 1));
    fillSymmetric(
      data,
      steps,
      (i) => f(a + f(step * i)),
      (k) => f(b - f(step * k)),
    );
  } else {
    const step = (end - start) / Math.max(steps - 1, 1);
    fillSymmetric(
      data,
      steps,
      (i) => start + step * i,
      (k) => end - step * k,
    );
  }
  return finish(fromArray(data, [steps], dtype), opts);
}

// The first half counts up from the start and the second half down from the end, so both ends
// are exact and the rounding error is symmetric (PyTorch's scheme).
function fillSymmetric(
  data: ArrayLike<number> & { [i: number]: number },
  steps: number,
  fromStart: (i: number) => number,
  fromEnd: (k: number) => number,
): void {
  if (steps === 1) {
    data[0] = fromStart(0);
    return;
  }
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) data[i] = i < half ? fromStart(i) : fromEnd(steps - 1 - i);
}

/**
 * `steps` values spaced evenly on a log scale: `base ** linspace(start, end, steps)`.
 * @example nb.logspace(0, 2, 3); // [1, 10, 100]
 */
export function logspace(start: number, end: number, steps: number, opts?: CreateOptions & { base?: number }): Tensor {
  const base = opts?.base ?? 10;
  finite('logspace', 'start', start);
  finite('logspace', 'end', end);
  if (typeof base !== 'number' || Number.isNaN(base))
    throw new ValueError('logspace', `expected a numeric base, got ${base}`);
  checkSteps('logspace', steps);
  const dtype = creationDType('logspace', opts, 'float32');
  noBool('logspace', dtype);
  const isInt = dtype === 'int32';
  const a = isInt ? toInt32('logspace', start) : dtype === 'float32' ? Math.fround(start) : start;
  const b = isInt ? toInt32('logspace', end) : dtype === 'float32' ? Math.fround(end) : end;
  const step = (b - a) / Math.max(steps - 1, 1);
  const data = allocate(dtype, steps);
  const put = isInt ? (v: number) => toInt32('logspace', v) : (v: number) => v;
  fillSymmetric(
    data,
    steps,
    (i) => put(base ** (a + step * i)),
    (k) => put(base ** (b - step * k)),
  );
  return finish(fromArray(data, [steps], dtype), opts);
}

/**
 * `steps` values in geometric progression from `start` to `end`, both included: NumPy's
 * `geomspace` (PyTorch 1.13 has none), `10 ** linspace(log10(start), log10(end), steps)` with
 * the ends set exactly. Both ends must be nonzero and of the same sign.
 * @example nb.geomspace(1, 1000, 4); // [1, 10, 100, 1000]
 */
export function geomspace(start: number, end: number, steps: number, opts?: CreateOptions): Tensor {
  finite('geomspace', 'start', start);
  finite('geomspace', 'end', end);
  if (start === 0 || end === 0) {
    throw new ValueError(
      'geomspace',
      `expected nonzero start and end (a geometric sequence cannot include zero), got start=${start}, end=${end}`,
    );
  }
  if (start < 0 !== end < 0) {
    throw new ValueError('geomspace', `expected start and end of the same sign, got start=${start}, end=${end}`);
  }
  checkSteps('geomspace', steps);
  const dtype = creationDType('geomspace', opts, 'float32');
  noBool('geomspace', dtype);
  const data = allocate(dtype, steps);
  const put = dtype === 'int32' ? (v: number) => toInt32('geomspace', v) : (v: number) => v;
  const sign = start < 0 ? -1 : 1;
  const [a, b] = [Math.log10(sign * start), Math.log10(sign * end)];
  // NumPy's linspace: i * step + start, computed in float64, then the ends pinned.
  const step = (b - a) / Math.max(steps - 1, 1);
  for (let i = 0; i < steps; i++) {
    const v = i === 0 ? start : i === steps - 1 ? end : sign * 10 ** (i * step + a);
    data[i] = put(v);
  }
  return finish(fromArray(data, [steps], dtype), opts);
}
