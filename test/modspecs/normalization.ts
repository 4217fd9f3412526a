// Module-table rows: LayerNorm, RMSNorm, GroupNorm, BatchNorm1d/2d/3d, InstanceNorm1d/2d/3d,
// L2Norm. `randomized(...)` gives the affine weights values other than ones and zeros; warm-up
// passes move the running statistics, which are compared after the passes.
import * as nb from '../../src/index.js';
import type { ModuleSpec } from '../harness/modules.js';

const { nn } = nb;

const perSample: ModuleSpec[] = [
  {
    name: 'LayerNorm',
    make: () => new nn.LayerNorm([4]),
    torch: 'randomized(nn.LayerNorm([4]))',
    inputs: [[3, 4]],
  },
  {
    name: 'LayerNorm.2dims',
    make: () => new nn.LayerNorm([3, 4], { eps: 1e-3 }),
    torch: 'randomized(nn.LayerNorm([3, 4], eps=1e-3))',
    inputs: [[2, 3, 4]],
  },
  {
    name: 'LayerNorm.noaffine',
    make: () => new nn.LayerNorm(5, { elementwiseAffine: false }),
    torch: 'nn.LayerNorm(5, elementwise_affine=False)',
    inputs: [[2, 5]],
  },
  {
    name: 'LayerNorm.nobias',
    make: () => new nn.LayerNorm([4], { bias: false }),
    torch: 'randomized(nn.LayerNorm([4], bias=False))',
    inputs: [{ shape: [3, 4], noncontig: true }],
  },
  { name: 'RMSNorm', make: () => new nn.RMSNorm([4]), torch: 'randomized(nn.RMSNorm([4]))', inputs: [[3, 4]] },
  {
    name: 'RMSNorm.2dims.eps',
    make: () => new nn.RMSNorm([2, 3], { eps: 1e-3 }),
    torch: 'randomized(nn.RMSNorm([2, 3], eps=1e-3))',
    inputs: [[2, 2, 3]],
  },
  {
    name: 'RMSNorm.noaffine',
    make: () => new nn.RMSNorm(5, { elementwiseAffine: false }),
    torch: 'nn.RMSNorm(5, elementwise_affine=False)',
    inputs: [[2, 5]],
  },
  {
    name: 'GroupNorm',
    make: () => new nn.GroupNorm(2, 4),
    torch: 'randomized(nn.GroupNorm(2, 4))',
    inputs: [[2, 4, 3]],
  },
  {
    name: 'GroupNorm.1group.4d',
    make: () => new nn.GroupNorm(1, 4, { eps: 1e-3 }),
    torch: 'randomized(nn.GroupNorm(1, 4, eps=1e-3))',
    inputs: [[2, 4, 2, 2]],
  },
  {
    name: 'GroupNorm.noaffine',
    make: () => new nn.GroupNorm(3, 3, { affine: false }),
    torch: 'nn.GroupNorm(3, 3, affine=False)',
    inputs: [[2, 3, 4]],
  },
  {
    name: 'L2Norm',
    make: () => new nn.L2Norm(),
    torch: 'Lambda(lambda x: F.normalize(x, dim=-1, eps=1e-6))',
    inputs: [[3, 4]],
  },
];

const batchNorm: ModuleSpec[] = [
  {
    name: 'BatchNorm1d.train',
    make: () => new nn.BatchNorm1d(3),
    torch: 'randomized(nn.BatchNorm1d(3))',
    inputs: [[4, 3]],
    warmup: 2,
  },
  {
    name: 'BatchNorm1d.3d.train',
    make: () => new nn.BatchNorm1d(3),
    torch: 'randomized(nn.BatchNorm1d(3))',
    inputs: [[2, 3, 4]],
    warmup: 1,
  },
  {
    name: 'BatchNorm1d.eval',
    make: () => new nn.BatchNorm1d(3),
    torch: 'randomized(nn.BatchNorm1d(3))',
    inputs: [{ shape: [4, 3], low: 1, high: 4 }],
    mode: 'eval',
    warmup: 3,
  },
  {
    name: 'BatchNorm1d.cumulative',
    make: () => new nn.BatchNorm1d(3, { momentum: null }),
    torch: 'nn.BatchNorm1d(3, momentum=None)',
    inputs: [[5, 3]],
    warmup: 3,
  },
  {
    name: 'BatchNorm1d.noaffine',
    make: () => new nn.BatchNorm1d(2, { affine: false, momentum: 0.3 }),
    torch: 'nn.BatchNorm1d(2, affine=False, momentum=0.3)',
    inputs: [[3, 2, 2]],
    warmup: 1,
  },
  {
    name: 'BatchNorm1d.untracked.train',
    make: () => new nn.BatchNorm1d(3, { trackRunningStats: false }),
    torch: 'randomized(nn.BatchNorm1d(3, track_running_stats=False))',
    inputs: [[4, 3]],
  },
  {
    // Without running statistics, eval mode normalizes with the batch's own.
    name: 'BatchNorm1d.untracked.eval',
    make: () => new nn.BatchNorm1d(3, { trackRunningStats: false }),
    torch: 'randomized(nn.BatchNorm1d(3, track_running_stats=False))',
    inputs: [[4, 3]],
    mode: 'eval',
  },
  {
    name: 'BatchNorm2d.train',
    make: () => new nn.BatchNorm2d(3),
    torch: 'randomized(nn.BatchNorm2d(3))',
    inputs: [[2, 3, 2, 2]],
    warmup: 2,
  },
  {
    name: 'BatchNorm2d.eval',
    make: () => new nn.BatchNorm2d(3, { eps: 1e-3 }),
    torch: 'randomized(nn.BatchNorm2d(3, eps=1e-3))',
    inputs: [{ shape: [2, 3, 2, 2], low: -1, high: 3 }],
    mode: 'eval',
    warmup: 2,
  },
  {
    name: 'BatchNorm2d.cumulative.noncontig',
    make: () => new nn.BatchNorm2d(2, { momentum: null }),
    torch: 'nn.BatchNorm2d(2, momentum=None)',
    inputs: [{ shape: [2, 2, 3, 2], noncontig: true }],
    warmup: 2,
  },
  {
    name: 'BatchNorm3d.train',
    make: () => new nn.BatchNorm3d(2),
    torch: 'randomized(nn.BatchNorm3d(2))',
    inputs: [[2, 2, 2, 1, 2]],
    warmup: 1,
  },
  {
    name: 'InstanceNorm2d',
    make: () => new nn.InstanceNorm2d(3),
    torch: 'nn.InstanceNorm2d(3)',
    inputs: [[2, 3, 2, 3]],
  },
  {
    name: 'InstanceNorm2d.affine.unbatched',
    make: () => new nn.InstanceNorm2d(2, { affine: true }),
    torch: 'randomized(nn.InstanceNorm2d(2, affine=True))',
    inputs: [[2, 3, 3]],
  },
  {
    name: 'InstanceNorm2d.tracked.train',
    make: () => new nn.InstanceNorm2d(2, { affine: true, trackRunningStats: true }),
    torch: 'randomized(nn.InstanceNorm2d(2, affine=True, track_running_stats=True))',
    inputs: [[3, 2, 2, 2]],
    warmup: 2,
  },
  {
    name: 'InstanceNorm2d.tracked.eval',
    make: () => new nn.InstanceNorm2d(2, { trackRunningStats: true, momentum: 0.5 }),
    torch: 'nn.InstanceNorm2d(2, track_running_stats=True, momentum=0.5)',
    inputs: [[3, 2, 2, 2]],
    mode: 'eval',
    warmup: 2,
  },
  {
    name: 'InstanceNorm1d',
    make: () => new nn.InstanceNorm1d(2, { affine: true }),
    torch: 'randomized(nn.InstanceNorm1d(2, affine=True))',
    inputs: [[2, 2, 5]],
  },
  {
    name: 'InstanceNorm3d',
    make: () => new nn.InstanceNorm3d(2),
    torch: 'nn.InstanceNorm3d(2)',
    inputs: [[1, 2, 2, 2, 2]],
  },
];

export const normalizationModuleSpecs: ModuleSpec[] = [...perSample, ...batchNorm];
