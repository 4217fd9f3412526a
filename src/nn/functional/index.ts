// nn.functional: the stateless forms of the layers (each family adds its module here).
export { relu, softmax, logSoftmax } from '../../ops/index.js';
