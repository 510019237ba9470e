//===- ArefBase.td - aref dialect definition ---------------*- tablegen -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECT_AREF_IR_AREFBASE_TD
#define KILN_DIALECT_AREF_IR_AREFBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Aref_Dialect : Dialect {
  let name = "aref";
  let cppNamespace = "::kiln::aref";
  let summary = "Asynchronous references: ring buffers between warp roles";
  let description = [{
    An aref is a typed channel of `depth` slots between one producing role and
    one or more consuming roles of a warp-specialized kernel. Each slot holds
    one value of every payload type (in shared memory once lowered) and is
    guarded by two mbarriers: `full` (the producer published the slot) and
    `empty` (every consumer gave it back).

    Two levels of ops. The *value level* (`aref.put`, `aref.get`,
    `aref.consumed`) is what partitioning produces: slots are implicit and
    taken in FIFO order. The *lowering level* (`aref.put.enter`/`exit`,
    `aref.get.enter`/`exit`) names the slot and the barrier phase explicitly
    and hands out the slot's buffers, so that a TMA copy can write straight
    into a slot and a consumer can hold a slot across an asynchronous wgmma.

    The dialect depends only on upstream dialects.
  }];
  let useDefaultTypePrinterParser = 1;
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

class Aref_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<Aref_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

class Aref_Op<string mnemonic, list<Trait> traits = []>
    : Op<Aref_Dialect, mnemonic, traits>;

#endif // KILN_DIALECT_AREF_IR_AREFBASE_TD
