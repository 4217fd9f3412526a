// `io` for Node: the browser-safe encoders plus the file functions.
export * from '../io/index.js';
export * from './fs.js';
export * from './tensorList.js';
