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
      waits for the last MMA and releases the last slot. This needs two
      slots: at depth 1 the consumer releases each slot after its own MMA.
    - A consumer loop that accumulates from an aref runs under
      `scf.if (lb < ub)`, the initial values in the else branch. Otherwise
      the path on which the loop runs zero times carries the initial
      accumulator to the wait that ends the last wgmma, and ptxas, seeing
      accumulator registers written inside the wgmma pipeline, serializes
      every wgmma of the kernel (C7514/C7515; kilnc warns when it does).

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

    Ping-pong (`pingpong`, or the kernel's `pingpong` attribute) is for
    persistent kernels: the consumer role becomes two roles of one warp
    group each that take the CTA's tiles in turn, so one's epilogue runs
    while the other's MMAs keep the tensor cores busy. The producer is
    unchanged and fills one ring in tile order; consumer r takes tiles r,
    r + 2, ... of the CTA and, after each, skips the slots of the other's
    tile: its counter starts at r * S and advances by 2 * S per tile, where
    S is the number of slots a tile takes (its K loop's trip count). Each
    slot is then released by one warp group, so the arefs expect one
    arrival.
  }];
  let options = [
    Option<"depth", "depth", "int64_t", /*default=*/"0",
           "Slots per aref (0: the kernel's depth, else what shared memory "
           "holds, at most 8)">,
    Option<"smemBudget", "smem-budget", "int64_t", /*default=*/"229376",
           "Shared memory, in bytes, that aref slots may use">,
    Option<"mmaOverlap", "mma-overlap", "bool", /*default=*/"true",
           "Keep one MMA in flight while releasing the previous slot">,
    Option<"pingpong", "pingpong", "bool", /*default=*/"false",
           "Two consumer warp groups take a persistent kernel's tiles in "
           "turn (else: the kernel's pingpong attribute)">,
    Option<"tmaStore", "tma-store", "int64_t", /*default=*/"-1",
           "Consumers store accumulator tiles with TMA through shared "
           "memory: 1 yes, 0 no, -1 as the kernel's tma_store attribute "
           "says; their staging buffers come out of the slots' budget">,
  ];
  let dependentDialects = ["::kiln::aref::ArefDialect",
                           "::kiln::tile::TileDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect"];
}

def ArefVerifyProtocolPass : Pass<"aref-verify-protocol", "::mlir::ModuleOp"> {
  let summary = "Model-checks the aref protocol of warp-specialized kernels";
  let description = [{
    A protocol checker for kernels at the lowering level of the aref dialect
    (the output of `aref-pipeline`). For each `tile.warp_specialize`, it runs
    the roles as processes over a model of the arefs' mbarriers, exactly as
    the op descriptions define them, and explores their interleavings
    breadth first with a visited set. An aref op outside every role (other
    than `aref.create`) is an error: nothing would check it. Within its
    bounds it proves that:

    - no interleaving deadlocks (every unfinished role blocked);
    - no `tile.async_load` writes a slot before every consumer released its
      previous contents, or after its fill was published; no `tile.mma`
      reads a slot before the full phase of this use completed;
    - no `aref.get.exit` releases a slot while a `tile.mma` reading it is
      in flight (MMA groups retire in order; after `tile.mma_wait` with
      `pending = p` at most p are);
    - the bytes armed by `aref.put.exit ... async` (the slot's bytes) are
      the bytes the copies into that slot deliver;
    - each empty barrier gets exactly its `arrivals` per phase (a role of
      `w` warps arrives `ceil(w / 4)` times per `get.exit`), and no role
      ends holding a slot.

    Without exploring, it checks that every aref the roles use comes from an
    `aref.create` above the `tile.warp_specialize`, that slots `x remui c`
    fit the depth, that phases are parities and that `arrivals` is what
    some set of the consuming roles gives.

    Model. Barriers start as if a phase of parity 1 had just completed; a
    wait for parity `p` passes while the phase in progress has the other
    parity; a phase completes when its arrivals and its transaction bytes
    (which may land before the arrival) both reach zero. One step runs a
    role to its next aref op, `tile.async_load` or `tile.mma`; integer
    `arith`, `scf.for` and `scf.if` are evaluated exactly, tensors not at
    all. Program ids are 0 and `num_programs` 1; run-time values
    (`tile.dim`, integer kernel arguments) that reach a loop bound, a
    condition, a slot or a phase are bound, in turn, to the values that make
    each loop they bound run 0, 1, 2, D-1, D, D+1 and 2D+1 times for every
    depth D in use (capped at `max-iterations`), one binding per distinct
    outcome, smallest first. Bindings under which a loop holding aref ops
    runs more than `max-iterations` times are outside the check. A search
    that reaches `max-states` states stops with an "exploration incomplete"
    warning. Value-level kernels and kernels without warp specialization
    are left alone; IR the model cannot follow (a slot read from memory,
    aref ops under other region ops, a loop step known only at run time) is
    reported as "cannot check".

    Passes (`aref-pipeline`'s consumer at depth 4, producer alike):

    ```mlir
    %0 = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
    tile.warp_specialize warps [4, 8] regs [40, 232] {
      ... aref.put.enter %0[n mod 4], ((n / 4) & 1) ^ 1 ...
    }, {
      %r:2 = scf.for %k = %c0 to %K step %c64 iter_args(%acc = %zero, %n = %c0) -> (tensor<128x256xf32>, i32) : i32 {
        %s = arith.remui %n, %c4 : i32
        %ph = ... (%n / 4) & 1
        %a, %b = aref.get.enter %0[%s], %ph : ...
        %d = tile.mma %a, %b, %acc : ...
        %w = tile.mma_wait %d {pending = 1} : tensor<128x256xf32>
        scf.if %not_first { aref.get.exit %0[(%n - 1) mod 4] : ... }
        scf.yield %w, %n_next : tensor<128x256xf32>, i32
      }
      ... tile.mma_wait {pending = 0}, aref.get.exit of the last slot ...
    }
    ```

    Fails when the producer's first wait on `empty` uses parity 0 (the
    error at the `tile.warp_specialize`, a note at each role's wait):

    ```
    error: deadlock: every unfinished role is blocked
    note: role 0 (4 warps) waits empty[0] parity 0 (phase 0 in progress, 2 of 2 arrivals missing)
    note: role 1 (8 warps) waits full[0] parity 0 (phase 0 in progress, 1 of 1 arrivals and 0 transaction bytes missing)
    note: reached before any step with tile.dim %arg0, 1 = 64
    ```

    and when the consumer releases a slot right after `tile.mma` (the error
    at the `aref.get.exit`):

    ```
    error: release before the wgmma retired: slot 0 is given back while a tile.mma reading it is in flight (1 MMA group outstanding; wait with tile.mma_wait {pending = 0} first)
    note: role 0 (4 warps) has finished
    note: reached after the interleaving role 0 x4, role 1 x3 with tile.dim %arg0, 1 = 64
    ```

    The notes say where every other role is and the interleaving, each step
    one role run to its next aref op, `tile.async_load` or `tile.mma`.
  }];
  let options = [
    Option<"maxIterations", "max-iterations", "int64_t", /*default=*/"9",
           "Most iterations of a loop holding aref operations under the "
           "bindings of run-time values that the check covers">,
    Option<"maxStates", "max-states", "int64_t", /*default=*/"100000",
           "States explored per binding before the check stops with an "
           "'exploration incomplete' warning">,
  ];
}

#endif // KILN_DIALECT_AREF_TRANSFORMS_PASSES_TD
