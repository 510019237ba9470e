//===- HopperLimits.h - the sm_90 numbers Kiln's passes plan with --*- C++ -*-===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// One place for the hardware numbers that partitioning, pipelining, the
// protocol checker and the lowering all reason with (CUDA programming guide,
// compute capability 9.0; PTX ISA on setmaxnreg and wgmma).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECT_TILE_IR_HOPPERLIMITS_H
#define KILN_DIALECT_TILE_IR_HOPPERLIMITS_H

#include <algorithm>
#include <cstdint>

namespace kiln::hopper {

/// 32-bit registers of one SM.
inline constexpr int64_t kRegisterFile = 64 * 1024;
/// A warp group: the unit of wgmma and of setmaxnreg.
inline constexpr int64_t kWarpsPerGroup = 4;
inline constexpr int64_t kThreadsPerGroup = 32 * kWarpsPerGroup;
/// The most registers per thread worth asking for a consumer (setmaxnreg
/// allows 256; leaving some keeps room for the producer's share).
inline constexpr int64_t kMaxConsumerRegisters = 240;
/// Dynamic shared memory one CTA may opt into.
inline constexpr int64_t kMaxSharedMemory = 227 * 1024;

/// Registers per thread for each of `consumerGroups` consumer warp groups
/// once a producer of `producerThreads` threads holds `producerRegisters`
/// each: what the register file leaves, a multiple of 8 (setmaxnreg's
/// granularity), at most kMaxConsumerRegisters.
inline int64_t getConsumerRegisters(int64_t producerThreads,
                                    int64_t producerRegisters,
                                    int64_t consumerGroups) {
  int64_t left = kRegisterFile - producerThreads * producerRegisters;
  return std::min(kMaxConsumerRegisters,
                  left / (kThreadsPerGroup * consumerGroups) / 8 * 8);
}

} // namespace kiln::hopper

#endif // KILN_DIALECT_TILE_IR_HOPPERLIMITS_H
