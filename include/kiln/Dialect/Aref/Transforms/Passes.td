//===- Passes.td - aref dialect passes ---------------------*- tablegen -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECT_AREF_TRANSFORMS_PASSES_TD
#define KILN_DIALECT_AREF_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def ArefPipelinePass : Pass<"aref-pipeline", "::mlir::ModuleOp"> {
  let summary = "Pipelines arefs: depth, explicit slots and phases, async MMA";
  let description = [{
    Multi-granularity pipelining of a warp-specialized kernel, and its move
    from the value level to the lowering level of the aref dialect.

    - Coarse: each aref gets `depth` slots (the kernel's `depth`, else as
      many as the shared-memory budget holds, at most 8), so the producer
      runs up to `depth` loads ahead of the consumers. Arefs filled once
      (outside any loop) keep one slot.
    - Slots and phases become explicit: the n-th use of an aref by a role
      takes slot `n mod depth`; the producer waits with parity
      `((n / depth) & 1) ^ 1`, consumers with `(n / depth) & 1`. A counter
      per aref and role is threaded through the loops.
    - The producer's `tile.load`s become `tile.async_load`s (TMA) straight
      into the slot, armed by `aref.put.exit ... async`.
    - Consumers' `tile.dot`s on aref tiles become asynchronous `tile.mma`s on
      the slot buffers. Fine-grained overlap (`mma-overlap`): in a loop whose
      accumulator is carried by the dot, the MMA of iteration k is issued,
      then the role waits until only it is in flight (`tile.mma_wait` with
      `pending = 1`) and releases iteration k-1's slot; after the loop it
      waits for the last MMA and releases the last slot.

    Before (consumer):

    ```mlir
    %acc = scf.for %k = %c0 to %K step %c64 iter_args(%c = %zero) -> (tensor<128x256xf32>) : i32 {
      %a, %b = aref.get %r : ...
      %d = tile.dot %a, %b, %c transpose_b : ...
      aref.consumed %r : ...
      scf.yield %d : tensor<128x256xf32>
    }
    ```

    After:

    ```mlir
    %acc:2 = scf.for %k = %c0 to %K step %c64 iter_args(%c = %zero, %n = %c0) -> (tensor<128x256xf32>, i32) : i32 {
      %s = arith.remui %n, %c4 : i32
      %ph = ... (%n / 4) & 1
      %a, %b = aref.get.enter %r[%s], %ph : ... -> memref<128x64xf16, 3>, memref<256x64xf16, 3>
      %d = tile.mma %a, %b, %c transpose_b : ...
      %w = tile.mma_wait %d {pending = 1} : tensor<128x256xf32>
      scf.if %not_first { aref.get.exit %r[%previous_slot] : ... }
      scf.yield %w, %n_next : tensor<128x256xf32>, i32
    }
    %done = tile.mma_wait %acc#0 {pending = 0} : tensor<128x256xf32>
    scf.if %any { aref.get.exit %r[%last_slot] : ... }
    ```
  }];
  let options = [
    Option<"depth", "depth", "int64_t", /*default=*/"0",
           "Slots per aref (0: the kernel's depth, else what shared memory "
           "holds, at most 8)">,
    Option<"smemBudget", "smem-budget", "int64_t", /*default=*/"229376",
           "Shared memory, in bytes, that aref slots may use">,
    Option<"mmaOverlap", "mma-overlap", "bool", /*default=*/"true",
           "Keep one MMA in flight while releasing the previous slot">,
  ];
  let dependentDialects = ["::kiln::aref::ArefDialect",
                           "::kiln::tile::TileDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect"];
}

#endif // KILN_DIALECT_AREF_TRANSFORMS_PASSES_TD
