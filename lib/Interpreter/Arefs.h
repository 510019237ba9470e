//===- Arefs.h - the interpreter's model of arefs and mbarriers -*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_INTERPRETER_AREFS_H
#define KILN_LIB_INTERPRETER_AREFS_H

#include "Values.h"

#include "kiln/Dialect/Aref/IR/ArefDialect.h"

#include <string>

namespace kiln::interp {

/// An mbarrier as PTX defines it (ISA 9.7.13.15): a phase completes when its
/// expected arrivals have arrived and its transaction count is back to zero;
/// then the next phase starts with the same expectation. A wait for parity
/// `p` passes once the phase of parity `p` has completed, that is while the
/// current phase has the other parity.
class Barrier {
public:
  /// A barrier expecting `arrivals` arrivals per phase that starts as if a
  /// phase of parity 1 had just completed (current phase 0).
  explicit Barrier(int64_t arrivals);

  /// True when a wait for the phase of parity `parity` passes.
  bool hasCompleted(int64_t parity) const { return (phase & 1) != parity; }
  /// One arrival; fails when the current phase has no arrival left to take.
  mlir::LogicalResult arrive(std::string &error);
  /// `mbarrier.expect_tx`: `bytes` more transaction bytes in this phase.
  void expectTx(int64_t bytes);
  /// `complete_tx`: an asynchronous copy delivered `bytes`.
  void completeTx(int64_t bytes);
  /// "phase 3 (parity 1) in progress: 1 of 2 arrivals and 0 bytes pending".
  std::string describe() const;

private:
  void completeIfDone();

  int64_t expected;
  int64_t pendingArrivals;
  int64_t pendingBytes = 0;
  int64_t phase = 0;
};

/// One aref of a program instance. At value level a bounded FIFO: the n-th
/// put fills slot n mod depth once every consuming role has released that
/// slot's previous value, and each consuming role gets every put in order.
/// At lowering level the slots' buffers and their full/empty barriers.
class ArefState {
public:
  /// Consumers are named by their role region (null for code outside
  /// `tile.warp_specialize`).
  ArefState(aref::RefType type, int64_t arrivals,
            llvm::ArrayRef<mlir::Region *> consumers);

  aref::RefType getType() const { return type; }

  // Value level.

  /// True when the next put finds its slot free.
  bool canPut() const;
  /// Fills the next slot with `values` and publishes it.
  void put(llvm::ArrayRef<RtValue> values);
  /// True when `role`'s next get has been published.
  bool canGet(mlir::Region *role) const;
  /// The values of `role`'s next get; the slot stays held by `role`.
  llvm::ArrayRef<RtValue> get(mlir::Region *role);
  /// Releases `role`'s oldest held slot; fails when it holds none.
  mlir::LogicalResult consumed(mlir::Region *role, std::string &error);
  /// Why a put is waiting.
  std::string describePutWait() const;
  /// Why `role`'s get is waiting.
  std::string describeGetWait(mlir::Region *role) const;

  // Lowering level.

  Barrier &full(int64_t slot) { return fullBarriers[slot]; }
  Barrier &empty(int64_t slot) { return emptyBarriers[slot]; }
  /// The buffers of `slot`, one per payload.
  llvm::ArrayRef<std::shared_ptr<Array>> buffers(int64_t slot) const {
    return slotBuffers[slot];
  }

private:
  /// Per consuming role: gets done and slots released.
  struct Consumer {
    int64_t gets = 0;
    int64_t released = 0;
  };

  /// The counters of `role`, or null when it does not consume this aref.
  const Consumer *findConsumer(mlir::Region *role) const;
  Consumer *findConsumer(mlir::Region *role);

  aref::RefType type;
  int64_t puts = 0;
  llvm::SmallVector<llvm::SmallVector<RtValue>> slotValues;
  /// Consumers in a fixed order, so that messages do not depend on
  /// pointer values.
  llvm::SmallVector<std::pair<mlir::Region *, Consumer>> consumers;
  llvm::SmallVector<Barrier> fullBarriers;
  llvm::SmallVector<Barrier> emptyBarriers;
  llvm::SmallVector<llvm::SmallVector<std::shared_ptr<Array>>> slotBuffers;
};

} // namespace kiln::interp

#endif // KILN_LIB_INTERPRETER_AREFS_H
