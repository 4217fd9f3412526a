// The module-spec table format: each row builds a nabla module and names the same PyTorch
// module. tools/torch_module_fixtures.py builds the PyTorch one, exports its state_dict, inputs,
// outputs, input and parameter gradients and the state_dict after the forward passes (running
// statistics, weights changed in place); test/modules.test.ts loads the first state dict into
// the nabla module, runs the same passes and compares everything.
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
  /**
   * Python expression building the PyTorch module (`nn` = torch.nn, `F`, `torch`; `Lambda(fn)`,
   * a parameter-free module around a function, for layers PyTorch has only as functions; and
   * `randomized(m)`, which redraws every parameter from N(0, 1) so affine weights are not just
   * ones and zeros). Layers newer than the installed torch are supplied by the fixture script.
   */
  torch: string;
  /**
   * Inputs; float32 by default here (parity is checked in float32, gradcheck in float64). Int32
   * inputs (indices) stay int32 (int64 in PyTorch); `noncontig` feeds a non-contiguous view.
   */
  inputs: InputSpec[];
  /** Mode during the compared forward (default 'train'). */
  mode?: 'train' | 'eval';
  /**
   * Forward passes before the compared one, always in train mode and without grad, so running
   * statistics move (then the row's `mode` is set for the compared pass). Default 0.
   */
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
