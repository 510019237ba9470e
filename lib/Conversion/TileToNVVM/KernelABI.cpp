//===- KernelABI.cpp - tile.kernel signatures as llvm.func kernels --------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "KernelABI.h"

#include "Hopper.h"

#include "kiln/runtime/abi.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::tile;

/// The metadata name of an element type (abi.h), or null if Kiln has none.
static const char *getDTypeName(Type t) {
  kiln_dtype d = KILN_DTYPE_INVALID;
  if (t.isF16())
    d = KILN_DTYPE_F16;
  else if (t.isBF16())
    d = KILN_DTYPE_BF16;
  else if (t.isF32())
    d = KILN_DTYPE_F32;
  else if (t.isF64())
    d = KILN_DTYPE_F64;
  else if (isa<Float8E4M3FNType>(t))
    d = KILN_DTYPE_F8E4M3;
  else if (isa<Float8E5M2Type>(t))
    d = KILN_DTYPE_F8E5M2;
  else if (t.isInteger(8))
    d = KILN_DTYPE_I8;
  else if (t.isInteger(16))
    d = KILN_DTYPE_I16;
  else if (t.isInteger(32))
    d = KILN_DTYPE_I32;
  else if (t.isInteger(64))
    d = KILN_DTYPE_I64;
  return d == KILN_DTYPE_INVALID ? nullptr : kiln_dtype_name(d);
}

int64_t kiln::getNumThreads(KernelOp kernel) {
  for (auto ws : kernel.getBody().getOps<WarpSpecializeOp>())
    return ws.getNumThreads();
  return 32 * kernel.getNumWarpsOrDefault();
}

/// Whether the kernel writes through the descriptor argument `arg`.
static bool isStoredTo(BlockArgument arg) {
  return llvm::any_of(arg.getUsers(), [&](Operation *user) {
    auto store = dyn_cast<StoreOp>(user);
    return store && store.getDesc() == arg;
  });
}

/// Whether the kernel loads from descriptor argument `arg`.
static bool isLoadedFrom(BlockArgument arg) {
  return llvm::any_of(arg.getUsers(), [&](Operation *user) {
    return isa<LoadOp, ScalarLoadOp, AsyncLoadOp>(user);
  });
}

FailureOr<LLVM::LLVMFuncOp> kiln::convertKernelSignature(KernelOp kernel,
                                                        int64_t smemBytes) {
  MLIRContext *ctx = kernel.getContext();
  OpBuilder b(kernel);
  Location loc = kernel.getLoc();
  Type i32 = b.getI32Type(), i64 = b.getI64Type();
  auto globalPtr = LLVM::LLVMPointerType::get(ctx, 1);
  auto genericPtr = LLVM::LLVMPointerType::get(ctx, 0);

  Block &entry = kernel.getBody().front();
  SmallVector<Type> paramTypes;
  SmallVector<DictionaryAttr> paramAttrs;
  SmallVector<Attribute> paramMeta;
  // Which parameters replace argument i: [first, first + count).
  SmallVector<std::pair<unsigned, unsigned>> ranges;
  for (BlockArgument arg : entry.getArguments()) {
    unsigned first = paramTypes.size();
    Type type = arg.getType();
    SmallVector<NamedAttribute> meta;
    meta.push_back(b.getNamedAttr("arg", b.getI64IntegerAttr(arg.getArgNumber())));
    meta.push_back(b.getNamedAttr(
        "name", b.getStringAttr(kernel.getArgName(arg.getArgNumber()))));
    if (auto desc = dyn_cast<DescType>(type)) {
      const char *dtype = getDTypeName(desc.getElementType());
      if (!dtype)
        return kernel.emitOpError()
               << "argument #" << arg.getArgNumber() << " has element type "
               << desc.getElementType() << ", which the runtime cannot pass";
      bool tma = usesTensorMap(arg);
      std::optional<TmaBox> box;
      if (tma) {
        FailureOr<TmaBox> found =
            getTensorMapBox(arg, [&] { return kernel.emitOpError(); });
        if (failed(found))
          return failure();
        box = *found;
        paramTypes.push_back(genericPtr);
        paramAttrs.push_back(b.getDictionaryAttr({
            b.getNamedAttr(LLVM::LLVMDialect::getByValAttrName(),
                           TypeAttr::get(LLVM::LLVMArrayType::get(
                               b.getI8Type(), KILN_TENSOR_MAP_BYTES))),
            b.getNamedAttr(LLVM::LLVMDialect::getAlignAttrName(),
                           b.getI64IntegerAttr(KILN_TENSOR_MAP_ALIGN)),
            b.getNamedAttr(NVVM::NVVMDialect::getGridConstantAttrName(),
                           b.getUnitAttr()),
        }));
      }
      // No other argument reaches a tensor's memory where the kernel writes
      // it: the runtime refuses written tensors that share memory with the
      // others (abi.h), as cuBLAS requires of C. So loads may move across
      // stores, and a tensor the kernel only reads goes through the
      // non-coherent read-only path (ld.global.nc), as NVPTX does for
      // noalias readonly kernel arguments.
      SmallVector<NamedAttribute> pointerAttrs = {b.getNamedAttr(
          LLVM::LLVMDialect::getNoAliasAttrName(), b.getUnitAttr())};
      if (!isStoredTo(arg))
        pointerAttrs.push_back(b.getNamedAttr(
            LLVM::LLVMDialect::getReadonlyAttrName(), b.getUnitAttr()));
      paramTypes.push_back(globalPtr);
      paramAttrs.push_back(b.getDictionaryAttr(pointerAttrs));
      for (int64_t d = 0; d < desc.getRank(); ++d) {
        paramTypes.push_back(i32);
        paramAttrs.push_back(b.getDictionaryAttr({}));
      }
      for (int64_t d = 0; d + 1 < desc.getRank(); ++d) {
        paramTypes.push_back(i64);
        paramAttrs.push_back(b.getDictionaryAttr({}));
      }
      meta.push_back(b.getNamedAttr("kind", b.getStringAttr("tensor")));
      meta.push_back(b.getNamedAttr("dtype", b.getStringAttr(dtype)));
      meta.push_back(b.getNamedAttr("rank", b.getI64IntegerAttr(desc.getRank())));
      meta.push_back(
          b.getNamedAttr("block", b.getDenseI64ArrayAttr(desc.getBlockShape())));
      meta.push_back(b.getNamedAttr("tma", b.getBoolAttr(tma)));
      meta.push_back(b.getNamedAttr("written", b.getBoolAttr(isStoredTo(arg))));
      meta.push_back(b.getNamedAttr("read", b.getBoolAttr(isLoadedFrom(arg))));
      if (box) {
        meta.push_back(
            b.getNamedAttr("tma_box", b.getDenseI64ArrayAttr(box->box)));
        meta.push_back(
            b.getNamedAttr("swizzle", b.getI64IntegerAttr(box->swizzle)));
      }
    } else {
      const char *dtype = getDTypeName(type);
      if (!dtype)
        return kernel.emitOpError() << "argument #" << arg.getArgNumber()
                                    << " has type " << type
                                    << ", which the runtime cannot pass";
      paramTypes.push_back(type);
      paramAttrs.push_back(b.getDictionaryAttr({}));
      meta.push_back(b.getNamedAttr("kind", b.getStringAttr("scalar")));
      meta.push_back(b.getNamedAttr("dtype", b.getStringAttr(dtype)));
    }
    ranges.push_back({first, static_cast<unsigned>(paramTypes.size() - first)});
    paramMeta.push_back(b.getDictionaryAttr(meta));
  }

  int64_t threads = getNumThreads(kernel);
  SmallVector<NamedAttribute> kernelMeta = {
      b.getNamedAttr("name", kernel.getSymNameAttr()),
      b.getNamedAttr("threads", b.getI64IntegerAttr(threads)),
      b.getNamedAttr("smem", b.getI64IntegerAttr(smemBytes)),
      b.getNamedAttr("params", b.getArrayAttr(paramMeta)),
  };
  if (std::optional<ArrayAttr> grid = kernel.getGrid()) {
    // The launcher divides by a number: resolve "the tensor's tiles".
    SmallVector<Attribute> resolved;
    for (Attribute a : *grid) {
      auto e = cast<GridExtentAttr>(a);
      if (!e.isConstant() && !e.getDiv())
        e = GridExtentAttr::get(ctx, e.getArg(), e.getDim(),
                                getGridDivisor(kernel, e), std::nullopt);
      resolved.push_back(e);
    }
    kernelMeta.push_back(b.getNamedAttr("grid", b.getArrayAttr(resolved)));
  }
  if (kernel.getPersistent())
    kernelMeta.push_back(b.getNamedAttr("persistent", b.getUnitAttr()));
  if (std::optional<ArrayAttr> equal = kernel.getEqualExtents())
    kernelMeta.push_back(b.getNamedAttr("equal", *equal));

  auto fnType = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx),
                                            paramTypes);
  auto fn = LLVM::LLVMFuncOp::create(b, loc, kernel.getSymName(), fnType);
  fn->setAttr(NVVM::NVVMDialect::getKernelFuncAttrName(), b.getUnitAttr());
  fn->setAttr(NVVM::NVVMDialect::getMaxntidAttrName(),
              b.getDenseI32ArrayAttr({static_cast<int32_t>(threads), 1, 1}));
  fn->setAttr(kKernelMetadataAttrName, b.getDictionaryAttr(kernelMeta));
  // setmaxnreg takes effect only under a register cap at entry, which
  // minctasm = 1 sets (and one CTA per SM is what warp specialization wants).
  bool specialized = !kernel.getBody().getOps<WarpSpecializeOp>().empty();
  if (specialized)
    fn->setAttr(NVVM::NVVMDialect::getMinctasmAttrName(),
                b.getI32IntegerAttr(1));
  for (auto [i, attrs] : llvm::enumerate(paramAttrs))
    if (!attrs.empty())
      fn.setArgAttrs(i, attrs);

  // Move the body and rebuild each argument from its parameters.
  fn.getBody().takeBody(kernel.getBody());
  Block &body = fn.getBody().front();
  unsigned numOld = body.getNumArguments();
  for (Type t : paramTypes)
    body.addArgument(t, loc);
  OpBuilder inner = OpBuilder::atBlockBegin(&body);
  for (unsigned i = 0; i < numOld; ++i) {
    BlockArgument old = body.getArgument(i);
    auto [first, count] = ranges[i];
    SmallVector<Value> params;
    for (unsigned p = 0; p < count; ++p)
      params.push_back(body.getArgument(numOld + first + p));
    Value replacement =
        isa<DescType>(old.getType())
            ? UnrealizedConversionCastOp::create(inner, loc, old.getType(),
                                                 params)
                  .getResult(0)
            : params.front();
    old.replaceAllUsesWith(replacement);
  }
  body.eraseArguments(0, numOld);
  kernel.erase();
  return fn;
}
