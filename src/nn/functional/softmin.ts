// softmin lives with softmax in src/ops; nn.functional re-exports it from here.
export { softmin } from '../../ops/softmax.js';
