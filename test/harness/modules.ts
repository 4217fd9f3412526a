// The module-spec table format: each row builds a nabla module and names the same PyTorch
// module. tools/torch_module_fixtures.py builds the PyTorch one, exports its state_dict, inputs,
// outputs, input and parameter gradients and (for stateful layers) buffers after the forward
// passes; test/modules.test.ts loads that state dict into the nabla module and compares.
// Rows live in test/modspecs/<family>.ts.
import type { Tensor } from '../../src/index.js';
import type { AnyModule } from '../../src/nn/index.js';
import type { InputSpec } from './specs.js';

/** One row of the module table. */
export interface ModuleSpec {
  /** Unique id; used as fixture key. */
  name: string;
  /** Builds the nabla module (weights are overwritten from the PyTorch state dict). */
  make: () => AnyModule;
  /** Python expression building the PyTorch module (`nn` = torch.nn, `torch` available). */
  torch: string;
  /** Inputs; float32 by default here (module parity is checked in float32 and float64). */
  inputs: InputSpec[];
  /** Mode during the compared forward (default 'train'). */
  mode?: 'train' | 'eval';
  /** Forward passes before the compared one (stateful layers: running statistics). Default 0. */
  warmup?: number;
  /** How to call the nabla module (default `m.call(...xs)`); must return a tensor. */
  call?: (m: AnyModule, ...xs: Tensor[]) => Tensor;
  /** How to call the PyTorch module (default `m(a)`, `m(a, b)`, ...); must return a tensor. */
  torchCall?: string;
  /** Tolerances for float32 parity (default atol 1e-5, rtol 1e-4). */
  atol?: number;
  rtol?: number;
  /** Skip the float64 gradcheck of inputs and parameters, with the reason. */
  noGradcheck?: string;
  /** The forward draws random numbers (dropout): no PyTorch value comparison, with the reason. */
  noTorchValues?: string;
}
