/**
 * Model files without the file system (browser-safe): safetensors bytes, readable JSON and
 * training checkpoints. Node's `nabla/node` adds `io.save`, `io.load` and friends on files.
 * @example
 * const bytes = io.encode(model.stateDict());
 * model.loadStateDict(io.decode(bytes).tensors);
 */
export {
  encode,
  decode,
  decodeHeader,
  MAX_HEADER_BYTES,
  type EncodeOptions,
  type DecodeOptions,
  type Decoded,
  type Header,
  type HeaderEntry,
} from './safetensors.js';
export type { SafetensorsDType } from './bytes.js';
export {
  toJson,
  fromJson,
  listToJson,
  listFromJson,
  tensorToJson,
  tensorFromJson,
  type JsonOptions,
  type TensorJson,
} from './json.js';
export {
  checkpointState,
  encodeCheckpoint,
  decodeCheckpoint,
  restoreCheckpoint,
  type Checkpoint,
  type CheckpointInfo,
  type CheckpointParts,
  type RestoreTargets,
  type ModelLike,
  type Stateful,
} from './checkpoint.js';
export type { TensorRecord } from './util.js';
export { VERSION } from './version.js';
