//===- ArefTypes.td - aref dialect types -------------------*- tablegen -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECT_AREF_IR_AREFTYPES_TD
#define KILN_DIALECT_AREF_IR_AREFTYPES_TD

include "kiln/Dialect/Aref/IR/ArefBase.td"

def Aref_RefType : Aref_Type<"Ref", "ref"> {
  let summary = "aref, a ring buffer of slots between warp roles";
  let description = [{
    Every slot holds one value of each payload type. Payload types are ranked
    tensors with static shapes; once lowered, each becomes a buffer in shared
    memory (`memref<shape x elt, 3>`). An aref with no payload is a token:
    its slots carry no data, only the order of a put in one role before a
    get in another (ping-pong consumers use two to take turns).

    Example:

    ```mlir
    !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
    !aref.ref<[], depth = 1>
    ```
  }];
  let parameters = (ins OptionalArrayRefParameter<"::mlir::Type">:$payload,
                        "int64_t":$depth);
  let assemblyFormat =
      "`<` `[` (`]`) : ($payload^ `]`)? `,` `depth` `=` $depth `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The shared-memory buffer type of payload `i` in one slot.
    ::mlir::MemRefType getBufferType(unsigned i) const;
    /// The buffer types of one slot, payload order.
    ::llvm::SmallVector<::mlir::Type> getBufferTypes() const;
    /// Bytes of one slot (all payloads).
    int64_t getSlotBytes() const;
    /// The same channel with another depth.
    RefType withDepth(int64_t depth) const;
  }];
}

#endif // KILN_DIALECT_AREF_IR_AREFTYPES_TD
