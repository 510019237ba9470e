//===- Arefs.cpp - the interpreter's model of arefs and mbarriers ---------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "Arefs.h"

#include "llvm/Support/raw_ostream.h"

#include <limits>

using namespace mlir;
using namespace kiln::interp;

//===----------------------------------------------------------------------===//
// Barrier
//===----------------------------------------------------------------------===//

Barrier::Barrier(int64_t arrivals)
    : expected(arrivals), pendingArrivals(arrivals) {}

LogicalResult Barrier::arrive(std::string &error) {
  if (pendingArrivals == 0) {
    // Only possible while the phase waits for transaction bytes: PTX leaves
    // an arrival beyond the expected count undefined.
    error = "arrival on a barrier whose current phase has no arrival left (" +
            describe() + ")";
    return failure();
  }
  --pendingArrivals;
  completeIfDone();
  return success();
}

void Barrier::expectTx(int64_t bytes) {
  pendingBytes += bytes;
  completeIfDone();
}

void Barrier::completeTx(int64_t bytes) {
  // The count may go below zero: a copy can land before the producer arms
  // the barrier, within the same phase.
  pendingBytes -= bytes;
  completeIfDone();
}

void Barrier::completeIfDone() {
  if (pendingArrivals != 0 || pendingBytes != 0)
    return;
  ++phase;
  pendingArrivals = expected;
}

std::string Barrier::describe() const {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "phase " << phase << " (parity " << (phase & 1) << ") in progress, "
     << pendingArrivals << " of " << expected << " arrivals and "
     << pendingBytes << " transaction bytes pending";
  return text;
}

//===----------------------------------------------------------------------===//
// ArefState
//===----------------------------------------------------------------------===//

/// A slot buffer before anything is written: NaN in float buffers, so that a
/// read before the producer's write shows in the results.
static std::shared_ptr<Array> makeSlotBuffer(ShapedType type) {
  auto buffer = std::make_shared<Array>(Array::zeros(type));
  if (isa<FloatType>(buffer->elementType))
    for (Element &e : buffer->data)
      e = Element::ofFloat(std::numeric_limits<double>::quiet_NaN());
  return buffer;
}

ArefState::ArefState(aref::RefType type, int64_t arrivals,
                     ArrayRef<Region *> consumerRoles)
    : type(type) {
  int64_t depth = type.getDepth();
  slotValues.resize(depth);
  for (Region *role : consumerRoles)
    consumers.emplace_back(role, Consumer());
  for (int64_t s = 0; s < depth; ++s) {
    fullBarriers.emplace_back(1);
    emptyBarriers.emplace_back(arrivals);
    auto &buffers = slotBuffers.emplace_back();
    for (unsigned i = 0; i < type.getPayload().size(); ++i)
      buffers.push_back(makeSlotBuffer(type.getBufferType(i)));
  }
}

const ArefState::Consumer *ArefState::findConsumer(Region *role) const {
  for (auto &entry : consumers)
    if (entry.first == role)
      return &entry.second;
  return nullptr;
}

ArefState::Consumer *ArefState::findConsumer(Region *role) {
  return const_cast<Consumer *>(
      static_cast<const ArefState *>(this)->findConsumer(role));
}

bool ArefState::canPut() const {
  // Put n needs every consumer to have released put n - depth.
  for (auto &entry : consumers)
    if (puts >= entry.second.released + type.getDepth())
      return false;
  return true;
}

void ArefState::put(ArrayRef<RtValue> values) {
  slotValues[puts % type.getDepth()].assign(values.begin(), values.end());
  ++puts;
}

bool ArefState::canGet(Region *role) const {
  const Consumer *c = findConsumer(role);
  return c && c->gets < puts;
}

ArrayRef<RtValue> ArefState::get(Region *role) {
  Consumer &c = *findConsumer(role);
  return slotValues[c.gets++ % type.getDepth()];
}

LogicalResult ArefState::consumed(Region *role, std::string &error) {
  Consumer *found = findConsumer(role);
  if (!found || found->released == found->gets) {
    error = "this role holds no slot of the aref: each aref.consumed must "
            "follow an aref.get that it has not released yet";
    return failure();
  }
  ++found->released;
  return success();
}

std::string ArefState::describePutWait() const {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "all " << type.getDepth() << " slots are held: put #" << puts
     << " needs slot " << puts % type.getDepth()
     << " back from every consumer; released so far:";
  for (auto &entry : consumers)
    os << " " << entry.second.released << " of " << entry.second.gets
       << " gets";
  return text;
}

std::string ArefState::describeGetWait(Region *role) const {
  const Consumer *c = findConsumer(role);
  int64_t gets = c ? c->gets : 0;
  return "get #" + std::to_string(gets) + " waits for a put; " +
         std::to_string(puts) + " puts so far";
}
