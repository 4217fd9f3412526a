// `Network.setOptimizer`: an optimizer instance, or a description (neurons' `SGD::create(...)`,
// `Adam::create(...)`, ...) that the network turns into a torch-style optimizer over its
// parameters when training starts, so it can be given before the last layer is added.
import { DTypeError, ValueError } from '../../errors.js';
import { Adadelta } from '../../optim/adadelta.js';
import { Adagrad } from '../../optim/adagrad.js';
import { Adam, AdamW } from '../../optim/adam.js';
import { Adamax } from '../../optim/adamax.js';
import { Lion } from '../../optim/lion.js';
import { NAdam } from '../../optim/nadam.js';
import { Optimizer } from '../../optim/optimizer.js';
import { RAdam } from '../../optim/radam.js';
import { RMSprop } from '../../optim/rmsprop.js';
import { Rprop } from '../../optim/rprop.js';
import { SGD } from '../../optim/sgd.js';
import type { Tensor } from '../../tensor/tensor.js';

/**
 * An optimizer by name with its options, in nabla's spelling (`lr`, `betas`, `eps`,
 * `weightDecay`, `momentum`, ...) or neurons' (`decay`, `beta1`, `beta2`, `epsilon`). `'SGDM'`
 * is SGD with momentum 0.9 unless given.
 */
export interface OptimizerSpec {
  name:
    | 'SGD'
    | 'SGDM'
    | 'Adam'
    | 'AdamW'
    | 'RMSprop'
    | 'Adagrad'
    | 'Adadelta'
    | 'Adamax'
    | 'NAdam'
    | 'RAdam'
    | 'Rprop'
    | 'Lion'
    | (string & {});
  lr?: number;
  [option: string]: unknown;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Ctor = new (params: Tensor[], opts: any) => Optimizer<any>;

const OPTIMIZERS: Record<string, Ctor> = {
  sgd: SGD,
  sgdm: SGD,
  adam: Adam,
  adamw: AdamW,
  rmsprop: RMSprop,
  adagrad: Adagrad,
  adadelta: Adadelta,
  adamax: Adamax,
  nadam: NAdam,
  radam: RAdam,
  rprop: Rprop,
  lion: Lion,
};

/** Checks a description (names and option types) without building anything. */
export function checkSpec(op: string, spec: OptimizerSpec): void {
  if (spec === null || typeof spec !== 'object' || typeof spec.name !== 'string') {
    throw new DTypeError(
      op,
      `expected an optim.Optimizer or { name, lr, ... }, got ${spec === null ? 'null' : typeof spec}`,
    );
  }
  if (!OPTIMIZERS[spec.name.toLowerCase()]) {
    throw new ValueError(
      op,
      `expected an optimizer name among SGD, SGDM, ${Object.values(OPTIMIZERS)
        .slice(2)
        .map((c) => c.name)
        .join(', ')}, got '${spec.name}'`,
    );
  }
}

/** Builds the optimizer a description names over `params`, translating neurons' option names. */
export function buildOptimizer(op: string, spec: OptimizerSpec, params: Tensor[]): Optimizer {
  checkSpec(op, spec);
  const key = spec.name.toLowerCase();
  const { name: _name, decay, beta1, beta2, epsilon, ...rest } = spec;
  const opts: Record<string, unknown> = { ...rest };
  if (decay !== undefined) opts.weightDecay = decay;
  if (epsilon !== undefined) opts.eps = epsilon;
  if (beta1 !== undefined || beta2 !== undefined) opts.betas = [beta1 ?? 0.9, beta2 ?? 0.999];
  if (key === 'sgdm' && opts.momentum === undefined) opts.momentum = 0.9;
  return new OPTIMIZERS[key](params, opts) as Optimizer;
}

/** Checks that an optimizer updates every one of the network's parameters. */
export function checkCovers(op: string, opt: Optimizer, params: readonly Tensor[]): void {
  const held = new Set<Tensor>(opt.paramGroups.flatMap((g) => g.params));
  const missing = params.filter((p) => !held.has(p)).length;
  if (missing > 0) {
    throw new ValueError(
      op,
      `expected the optimizer to hold all ${params.length} parameter tensors of the network, got ${missing} missing (build it after the last layer and after .double()/.to(), or pass { name, lr } to build it lazily)`,
    );
  }
}

/** A one-line description of an optimizer: its class and first group's options. */
export function describeOptimizer(opt: Optimizer | OptimizerSpec): string {
  if (opt instanceof Optimizer) {
    const g = opt.paramGroups[0];
    const opts = Object.entries(g)
      .filter(([k, v]) => k !== 'params' && (typeof v === 'number' || typeof v === 'boolean' || Array.isArray(v)))
      .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`);
    return `${opt.constructor.name}(${opts.join(', ')})`;
  }
  const { name, ...rest } = opt;
  return `${name}(${Object.entries(rest)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`)
    .join(', ')})`;
}
