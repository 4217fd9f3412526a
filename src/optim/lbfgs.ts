import { enableGrad, noGrad } from '../autograd/mode.js';
import { DTypeError, ValueError } from '../errors.js';
import { allocate, type DType, type TypedArray } from '../tensor/dtype.js';
import { Tensor, fromArray } from '../tensor/tensor.js';
import { Optimizer, type BaseOptions, type Closure, type ParamGroup, type ParamsArg } from './optimizer.js';
import { absMax, dot, strongWolfe, twoLoopDirection } from './lbfgsMath.js';
import { readFlat, rounder, writeFlat, type Round } from './util.js';

/** Options of `LBFGS`. */
export interface LBFGSOptions extends BaseOptions {
  /** Maximal number of iterations per `step` (default 20). */
  maxIter: number;
  /** Maximal number of loss evaluations per `step` (default `floor(maxIter * 5 / 4)`). */
  maxEval: number;
  /** Stop when max |gradient| is at most this (default 1e-7). */
  toleranceGrad: number;
  /** Stop when the loss or the parameters change by less than this (default 1e-9). */
  toleranceChange: number;
  /** Number of (s, y) pairs kept (default 100). */
  historySize: number;
  /** `'strong_wolfe'` for a line search, `null` (default) for a fixed step `lr`. */
  lineSearchFn: 'strong_wolfe' | null;
}

/**
 * Limited-memory BFGS, as `torch.optim.LBFGS` (after minFunc): each `step(closure)` runs up to
 * `maxIter` quasi-Newton iterations, the direction from the two-loop recursion over the last
 * `historySize` (s, y) pairs, with a fixed step `lr` or a strong-Wolfe line search. Needs a
 * closure; one parameter group only. State (on the first parameter, as in PyTorch):
 * `func_evals`, `n_iter`, `d`, `t`, `old_dirs`, `old_stps`, `ro`, `H_diag`, `prev_flat_grad`,
 * `prev_loss`.
 * @example
 * const opt = new optim.LBFGS(model.parameters(), { lineSearchFn: 'strong_wolfe' });
 * opt.step(() => { opt.zeroGrad(); const l = lossFn(); l.backward(); return l; });
 */
export class LBFGS extends Optimizer<LBFGSOptions> {
  constructor(params: ParamsArg<LBFGSOptions>, opts: Partial<LBFGSOptions> = {}) {
    const maxIter = opts.maxIter ?? 20;
    super(params, {
      lr: 1,
      maxIter,
      maxEval: Math.floor((maxIter * 5) / 4),
      toleranceGrad: 1e-7,
      toleranceChange: 1e-9,
      historySize: 100,
      lineSearchFn: null,
      maximize: false,
      penalty: null,
      ...opts,
    });
    if (this.paramGroups.length !== 1) {
      throw new ValueError('LBFGS', "LBFGS doesn't support per-parameter options (parameter groups)");
    }
    const dtypes = new Set(this.paramGroups[0].params.map((p) => p.dtype));
    if (dtypes.size > 1)
      throw new DTypeError('LBFGS', `expected all parameters to share one dtype, got ${[...dtypes].join(', ')}`);
  }

  protected validate(o: LBFGSOptions): void {
    if (o.lineSearchFn !== null && o.lineSearchFn !== 'strong_wolfe') {
      throw new ValueError('LBFGS', "only 'strong_wolfe' is supported");
    }
  }

  protected updateGroup(): void {
    throw new ValueError('LBFGS.step', 'LBFGS needs a closure that reevaluates the model and returns the loss');
  }

  get #params(): Tensor[] {
    return this.paramGroups[0].params;
  }

  #gatherFlatGrad(R: Round): TypedArray {
    const ps = this.#params;
    const group = this.paramGroups[0];
    const out = allocate(
      ps[0].dtype,
      ps.reduce((n, p) => n + p.numel(), 0),
    );
    let o = 0;
    for (const p of ps) {
      const n = p.numel();
      if (p.grad !== null) {
        const g = readFlat(p.grad, p.dtype);
        for (let i = 0; i < n; i++) out[o + i] = group.maximize ? -g.data[g.off + i] : g.data[g.off + i];
        if (group.penalty) {
          const w = readFlat(p, p.dtype);
          group.penalty.addGrad({ data: out, off: o, n }, w, R);
        }
      }
      o += n;
    }
    return out;
  }

  // p += t·d slice by slice (PyTorch's add_ with alpha: one fused rounding).
  #addGrad(t: number, d: TypedArray, R: Round): void {
    const a = R(t);
    let o = 0;
    for (const p of this.#params) {
      const w = writeFlat(p);
      for (let i = 0; i < w.n; i++) w.data[w.off + i] = R(w.data[w.off + i] + a * d[o + i]);
      o += w.n;
      w.commit();
    }
  }

  #cloneParams(): TypedArray[] {
    return this.#params.map((p) => p.data());
  }

  #setParams(x: TypedArray[]): void {
    this.#params.forEach((p, i) => {
      const w = writeFlat(p);
      w.data.set(x[i], w.off);
      w.commit();
    });
  }

  /** Runs up to `maxIter` iterations; returns the loss from the closure's first evaluation. */
  override step(closure?: Closure): Tensor | number | undefined {
    if (!closure) this.updateGroup();
    // Under `maximize` the search minimizes -f: flip the loss as the gradient is flipped.
    const sign = this.paramGroups[0].maximize ? -1 : 1;
    const evaluate = (): number => {
      const l = enableGrad(closure!);
      return sign * (l instanceof Tensor ? Number(l.item()) : l);
    };
    return noGrad(() => this.#run(closure!, evaluate));
  }

  #run(closure: Closure, evaluate: () => number): Tensor | number {
    const group = this.paramGroups[0] as ParamGroup<LBFGSOptions>;
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize, lineSearchFn } = group;
    const dtype = this.#params[0].dtype as DType;
    const R = rounder(dtype);
    const vec = (a: TypedArray) => fromArray(a, [a.length], dtype);
    const arr = (t: unknown): TypedArray => (t as Tensor).data();
    const state = this.stateOf(this.#params[0]);
    state.func_evals = (state.func_evals as number | undefined) ?? 0;
    state.n_iter = (state.n_iter as number | undefined) ?? 0;

    const origLoss = enableGrad(closure);
    let loss = (group.maximize ? -1 : 1) * (origLoss instanceof Tensor ? Number(origLoss.item()) : origLoss);
    let currentEvals = 1;
    state.func_evals = (state.func_evals as number) + 1;
    let flatGrad = this.#gatherFlatGrad(R);
    let optCond = absMax(flatGrad) <= toleranceGrad;
    if (optCond) return origLoss;

    let d: TypedArray | null = state.d === undefined ? null : arr(state.d);
    let t = (state.t as number | undefined) ?? 0;
    let oldDirs: TypedArray[] = ((state.old_dirs as Tensor[] | undefined) ?? []).map(arr);
    let oldStps: TypedArray[] = ((state.old_stps as Tensor[] | undefined) ?? []).map(arr);
    let ro: number[] = [...((state.ro as number[] | undefined) ?? [])];
    let hDiag = (state.H_diag as number | undefined) ?? 1;
    let prevFlatGrad: TypedArray | null = state.prev_flat_grad === undefined ? null : arr(state.prev_flat_grad);
    let prevLoss = (state.prev_loss as number | undefined) ?? 0;

    let nIter = 0;
    while (nIter < maxIter) {
      nIter++;
      state.n_iter = (state.n_iter as number) + 1;
      const n = flatGrad.length;
      if (state.n_iter === 1) {
        d = allocate(dtype, n);
        for (let i = 0; i < n; i++) d[i] = -flatGrad[i];
        oldDirs = [];
        oldStps = [];
        ro = [];
        hDiag = 1;
      } else {
        const y = allocate(dtype, n);
        const s = allocate(dtype, n);
        for (let i = 0; i < n; i++) {
          y[i] = flatGrad[i] - prevFlatGrad![i];
          s[i] = d![i] * R(t);
        }
        const ys = dot(y, s, R);
        if (ys > 1e-10) {
          if (oldDirs.length === historySize) {
            oldDirs.shift();
            oldStps.shift();
            ro.shift();
          }
          oldDirs.push(y);
          oldStps.push(s);
          ro.push(R(1 / ys));
          hDiag = R(ys / dot(y, y, R));
        }
        d = twoLoopDirection(flatGrad, oldDirs, oldStps, ro, hDiag, R);
      }
      if (prevFlatGrad === null) prevFlatGrad = flatGrad.slice();
      else prevFlatGrad.set(flatGrad);
      prevLoss = loss;

      if (state.n_iter === 1) {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += Math.abs(flatGrad[i]);
        const inv = R(1 / R(sum));
        // Python's min(1., tensor) keeps the float when the tensor is not smaller.
        t = inv < 1 ? R(inv * R(lr)) : lr;
      } else t = lr;

      const gtd = dot(flatGrad, d!, R);
      if (gtd > -toleranceChange) break;

      let lsEvals = 0;
      if (lineSearchFn !== null) {
        const x0 = this.#cloneParams();
        const obj = (step: number, dir: TypedArray): [number, TypedArray] => {
          this.#addGrad(step, dir, R);
          const l = evaluate();
          const g = this.#gatherFlatGrad(R);
          this.#setParams(x0);
          return [l, g];
        };
        const res = strongWolfe(obj, t, d!, loss, flatGrad, gtd, R, { toleranceChange });
        loss = res.loss;
        flatGrad = res.grad;
        t = res.t;
        lsEvals = res.evals;
        this.#addGrad(t, d!, R);
        optCond = absMax(flatGrad) <= toleranceGrad;
      } else {
        this.#addGrad(t, d!, R);
        if (nIter !== maxIter) {
          // Re-evaluate only when another iteration follows.
          loss = evaluate();
          flatGrad = this.#gatherFlatGrad(R);
          optCond = absMax(flatGrad) <= toleranceGrad;
          lsEvals = 1;
        }
      }
      currentEvals += lsEvals;
      state.func_evals = (state.func_evals as number) + lsEvals;

      if (nIter === maxIter || currentEvals >= maxEval || optCond) break;
      let change = 0;
      const tr = R(t);
      for (let i = 0; i < d!.length; i++) change = Math.max(change, Math.abs(R(d![i] * tr)));
      if (change <= toleranceChange) break;
      if (Math.abs(loss - prevLoss) < toleranceChange) break;
    }

    state.d = d === null ? undefined : vec(d);
    state.t = t;
    state.old_dirs = oldDirs.map(vec);
    state.old_stps = oldStps.map(vec);
    state.ro = ro;
    state.H_diag = hDiag;
    state.prev_flat_grad = prevFlatGrad === null ? undefined : vec(prevFlatGrad);
    state.prev_loss = prevLoss;
    return origLoss;
  }
}
