// The scratch memory is filled from strided views with the same chunked copies the js kernels
// use for non-contiguous operands; they live with the js backend, which this one builds on.
export { flatten, gather, isDense, type Flat } from '../js/strided.js';
