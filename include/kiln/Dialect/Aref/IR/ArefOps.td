//===- ArefOps.td - aref dialect operations ----------------*- tablegen -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECT_AREF_IR_AREFOPS_TD
#define KILN_DIALECT_AREF_IR_AREFOPS_TD

include "kiln/Dialect/Aref/IR/ArefBase.td"
include "kiln/Dialect/Aref/IR/ArefTypes.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

defvar Aref_SlotIndex = I32;

//===----------------------------------------------------------------------===//
// Creation
//===----------------------------------------------------------------------===//

def Aref_CreateOp : Aref_Op<"create", [MemoryEffects<[MemAlloc]>]> {
  let summary = "Creates an aref: slot buffers and their full/empty barriers";
  let description = [{
    Allocates `depth` slots of the payload in shared memory and, per slot, a
    `full` mbarrier that expects one arrival (the producer's) and an `empty`
    mbarrier that expects `arrivals` arrivals: one per consuming warp group
    (each consuming role contributes `ceil(warps / 4)`). The barriers start
    as if a phase of parity 1 had just completed on each, so the producer's
    first wait on `empty` (parity 1) passes and the consumers' first wait on
    `full` (parity 0) blocks until the first put.

    Lowers to `mbarrier.init` (PTX ISA 9.7.13.15.9) by one thread, a
    `fence.mbarrier_init` and a CTA barrier before any role starts.

    Example:

    ```mlir
    %r = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
    ```
  }];
  let arguments = (ins I64Attr:$arrivals);
  let results = (outs Aref_RefType:$ref);
  let assemblyFormat = "`arrivals` $arrivals attr-dict `:` qualified(type($ref))";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Value level
//===----------------------------------------------------------------------===//

def Aref_PutOp : Aref_Op<"put"> {
  let summary = "Waits for a free slot, writes the values and publishes it";
  let description = [{
    Slots are taken in order: the n-th put of an aref fills slot `n mod
    depth` once every consumer has released that slot's previous contents.
    Operand `i` must have payload type `i`.

    Example:

    ```mlir
    aref.put %r, %a, %b : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>,
        tensor<128x64xf16>, tensor<64x256xf16>
    ```
  }];
  let arguments = (ins Aref_RefType:$ref, Variadic<AnyRankedTensor>:$values);
  let assemblyFormat = [{
    $ref (`,` $values^)? attr-dict `:` qualified(type($ref))
    (`,` type($values)^)?
  }];
  let hasVerifier = 1;
}

def Aref_GetOp : Aref_Op<"get"> {
  let summary = "Waits for the next published slot and reads it";
  let description = [{
    The n-th get of an aref by a role reads slot `n mod depth` once the n-th
    put has published it. The slot stays held until the matching
    `aref.consumed`.

    Example:

    ```mlir
    %a, %b = aref.get %r : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
        -> tensor<128x64xf16>, tensor<64x256xf16>
    ```
  }];
  let arguments = (ins Aref_RefType:$ref);
  let results = (outs Variadic<AnyRankedTensor>:$values);
  let assemblyFormat =
      "$ref attr-dict `:` qualified(type($ref)) (`->` type($values)^)?";
  let hasVerifier = 1;
}

def Aref_ConsumedOp : Aref_Op<"consumed"> {
  let summary = "Gives the oldest held slot back to the producer";
  let description = [{
    Releases the slot of this role's oldest `aref.get` that has not been
    released yet. The slot is free once every consuming warp group released
    it.

    Example:

    ```mlir
    aref.consumed %r : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
    ```
  }];
  let arguments = (ins Aref_RefType:$ref);
  let assemblyFormat = "$ref attr-dict `:` qualified(type($ref))";
}

//===----------------------------------------------------------------------===//
// Lowering level
//===----------------------------------------------------------------------===//

def Aref_PutEnterOp : Aref_Op<"put.enter"> {
  let summary = "Waits until a slot is empty and returns its buffers";
  let description = [{
    Waits on the slot's `empty` mbarrier for the phase of parity `phase`
    (`mbarrier.try_wait.parity`, PTX ISA 9.7.13.15.16) and returns the
    slot's shared-memory buffers, one per payload. Use `u` of slot `s` by the
    producer waits with parity `(u & 1) ^ 1`: its first use passes at once.

    Example:

    ```mlir
    %ba, %bb = aref.put.enter %r[%s], %ph : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
        -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
    ```
  }];
  let arguments = (ins Aref_RefType:$ref, Aref_SlotIndex:$slot, I32:$phase);
  let results = (outs Variadic<AnyMemRef>:$buffers);
  let assemblyFormat = [{
    $ref `[` $slot `]` `,` $phase attr-dict `:` qualified(type($ref))
    (`->` type($buffers)^)?
  }];
  let hasVerifier = 1;
}

def Aref_PutExitOp : Aref_Op<"put.exit"> {
  let summary = "Publishes a slot to the consumers";
  let description = [{
    Arrives on the slot's `full` mbarrier (`mbarrier.arrive`, PTX ISA
    9.7.13.15.13). With `async`, the slot's buffers are filled by
    asynchronous copies (TMA) that complete on the `full` barrier by their
    transaction count: the producer arms the barrier with the slot's byte
    count (`mbarrier.arrive.expect_tx`) and the phase completes when the last
    byte lands.

    Example:

    ```mlir
    aref.put.exit %r[%s] async : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
    ```
  }];
  let arguments = (ins Aref_RefType:$ref, Aref_SlotIndex:$slot, UnitAttr:$async);
  let assemblyFormat = "$ref `[` $slot `]` (`async` $async^)? attr-dict `:` qualified(type($ref))";
  let hasVerifier = 1;
}

def Aref_GetEnterOp : Aref_Op<"get.enter"> {
  let summary = "Waits until a slot is full and returns its buffers";
  let description = [{
    Waits on the slot's `full` mbarrier for the phase of parity `phase` and
    returns the slot's shared-memory buffers. Use `u` of slot `s` by a
    consumer waits with parity `u & 1`.

    Example:

    ```mlir
    %ba, %bb = aref.get.enter %r[%s], %ph : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
        -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
    ```
  }];
  let arguments = (ins Aref_RefType:$ref, Aref_SlotIndex:$slot, I32:$phase);
  let results = (outs Variadic<AnyMemRef>:$buffers);
  let assemblyFormat = [{
    $ref `[` $slot `]` `,` $phase attr-dict `:` qualified(type($ref))
    (`->` type($buffers)^)?
  }];
  let hasVerifier = 1;
}

def Aref_GetExitOp : Aref_Op<"get.exit"> {
  let summary = "Gives a slot back to the producer";
  let description = [{
    One thread of each consuming warp group arrives on the slot's `empty`
    mbarrier. The consumer must no longer read the slot's buffers, including
    through asynchronous wgmma operations still in flight: wait for them
    first (`wgmma.wait_group`).

    Example:

    ```mlir
    aref.get.exit %r[%s] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
    ```
  }];
  let arguments = (ins Aref_RefType:$ref, Aref_SlotIndex:$slot);
  let assemblyFormat = "$ref `[` $slot `]` attr-dict `:` qualified(type($ref))";
  let hasVerifier = 1;
}

#endif // KILN_DIALECT_AREF_IR_AREFOPS_TD
