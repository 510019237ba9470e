//===- SharedMemory.cpp - where arefs live in shared memory ---------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "SharedMemory.h"

#include "kiln/Dialect/Aref/IR/ArefOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace kiln;

/// The dynamic shared memory symbol every Kiln kernel shares.
static constexpr llvm::StringLiteral kSmemSymbol = "kiln_smem";
static constexpr int64_t kBarrierBytes = 8;

ArefLayout kiln::getArefLayout(aref::RefType type) {
  ArefLayout layout;
  int64_t offset = 0;
  for (Type t : type.getPayload()) {
    auto tensor = cast<RankedTensorType>(t);
    layout.payloadOffsets.push_back(offset);
    int64_t bytes = tensor.getNumElements() *
                    ((tensor.getElementTypeBitWidth() + 7) / 8);
    offset += llvm::alignTo(bytes, kSwizzleAtomBytes);
  }
  layout.slotStride = offset;
  int64_t depth = type.getDepth();
  layout.fullBarriers = depth * layout.slotStride;
  layout.emptyBarriers = layout.fullBarriers + depth * kBarrierBytes;
  // Only buffers need the swizzle atom's alignment; a token aref (barriers
  // only) takes its barriers' bytes.
  layout.size = layout.emptyBarriers + depth * kBarrierBytes;
  if (!type.getPayload().empty())
    layout.size = llvm::alignTo(layout.size, kSwizzleAtomBytes);
  return layout;
}

int64_t kiln::planSharedMemory(tile::KernelOp kernel) {
  int64_t offset = 0;
  Builder b(kernel.getContext());
  kernel.walk([&](aref::CreateOp create) {
    if (!create.getType().getPayload().empty())
      offset = llvm::alignTo(offset, kSwizzleAtomBytes);
    create->setAttr(kSmemOffsetAttrName, b.getI64IntegerAttr(offset));
    offset += getArefLayout(create.getType()).size;
  });
  // The launch gets no alignment guarantee beyond 16 bytes; the kernel
  // rounds the base up, which may skip up to one atom.
  return offset == 0 ? 0 : offset + kSwizzleAtomBytes;
}

Value kiln::emitSharedMemoryBase(OpBuilder &b, Location loc,
                                 Operation *inKernel) {
  auto module = inKernel->getParentOfType<ModuleOp>();
  MLIRContext *ctx = b.getContext();
  auto arrayType = LLVM::LLVMArrayType::get(IntegerType::get(ctx, 8), 0);
  if (!SymbolTable::lookupSymbolIn(module, kSmemSymbol)) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(module.getBody());
    LLVM::GlobalOp::create(b, loc, arrayType, /*isConstant=*/false,
                           LLVM::Linkage::External, kSmemSymbol,
                           /*value=*/Attribute(), kSwizzleAtomBytes,
                           aref::kSharedMemorySpace);
  }
  auto sharedPtr = LLVM::LLVMPointerType::get(ctx, aref::kSharedMemorySpace);
  Value raw = LLVM::AddressOfOp::create(b, loc, sharedPtr, kSmemSymbol);
  Type i32 = b.getI32Type();
  Value rawInt = LLVM::PtrToIntOp::create(b, loc, i32, raw);
  Value mask = LLVM::ConstantOp::create(b, loc, i32, kSwizzleAtomBytes - 1);
  Value bumped = LLVM::AddOp::create(b, loc, rawInt, mask);
  Value notMask = LLVM::ConstantOp::create(b, loc, i32, -kSwizzleAtomBytes);
  Value aligned = LLVM::AndOp::create(b, loc, bumped, notMask);
  Value pad = LLVM::SubOp::create(b, loc, aligned, rawInt);
  return LLVM::GEPOp::create(b, loc, sharedPtr, b.getI8Type(), raw,
                             ValueRange{pad});
}
