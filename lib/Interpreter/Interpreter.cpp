//===- Interpreter.cpp - a CPU interpreter for tile programs --------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A small-step interpreter. Each process (a program instance, or one role of
// its `tile.warp_specialize`) is a stack of frames, each a block and the next
// op to run in it, plus the state of the scf.for it belongs to. An op either
// completes, or blocks (an aref op whose slot or barrier is not ready) and is
// retried the next time its process runs, so that a role can wait for
// another and resume.
//
// Scheduling: the processes of a program instance run round-robin in the
// order they were created (the program, then its roles in region order);
// each runs until it blocks or finishes. A round in which no process
// completes an op is a deadlock. Program instances run one after another, x
// fastest, then y, then z.
//
//===----------------------------------------------------------------------===//

#include "kiln/Interpreter/Interpreter.h"

#include "Arefs.h"
#include "Elementwise.h"
#include "Tiles.h"

#include "kiln/Dialect/Aref/IR/ArefOps.h"
#include "kiln/Dialect/Tile/IR/TileOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/raw_ostream.h"

#include <deque>

using namespace mlir;
using namespace kiln;
using namespace kiln::interp;

//===----------------------------------------------------------------------===//
// Arguments and grid
//===----------------------------------------------------------------------===//

HostTensor HostTensor::rowMajor(Type elementType, ArrayRef<int64_t> shape) {
  HostTensor t;
  t.elementType = elementType;
  t.shape.assign(shape.begin(), shape.end());
  t.strides.assign(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    t.strides[d] = t.strides[d + 1] * shape[d + 1];
  t.data.assign(t.getNumElements(), Element());
  return t;
}

int64_t HostTensor::getNumElements() const {
  int64_t n = 1;
  for (int64_t e : shape)
    n *= e;
  return n;
}

int64_t HostTensor::getOffset(ArrayRef<int64_t> index) const {
  int64_t offset = 0;
  for (auto [i, stride] : llvm::zip(index, strides))
    offset += i * stride;
  return offset;
}

/// True when every element of `t` lies inside its data.
static bool stridesFitData(const HostTensor &t) {
  if (t.strides.size() != t.shape.size())
    return false;
  int64_t last = 0;
  for (auto [extent, stride] : llvm::zip(t.shape, t.strides)) {
    if (extent == 0)
      return true;
    if (stride < 0)
      return false;
    last += (extent - 1) * stride;
  }
  return last < static_cast<int64_t>(t.data.size());
}

LogicalResult kiln::interp::checkArguments(tile::KernelOp kernel,
                                           ArrayRef<KernelArg> args) {
  ArrayRef<Type> types = kernel.getArgumentTypes();
  if (args.size() != types.size())
    return kernel.emitError() << "kernel @" << kernel.getSymName() << " takes "
                              << types.size() << " arguments, got "
                              << args.size();
  for (auto [i, type, arg] : llvm::enumerate(types, args)) {
    auto desc = dyn_cast<tile::DescType>(type);
    if (!desc) {
      if (arg.tensor || !isSupportedElementType(type))
        return kernel.emitError() << "argument #" << i << " of type " << type
                                  << " needs a scalar";
      continue;
    }
    if (!arg.tensor)
      return kernel.emitError() << "argument #" << i << " (" << type
                                << ") needs a tensor";
    const HostTensor &t = *arg.tensor;
    if (t.elementType != desc.getElementType() ||
        static_cast<int64_t>(t.shape.size()) != desc.getRank())
      return kernel.emitError()
             << "argument #" << i << " (" << type << ") gets a rank-"
             << t.shape.size() << " tensor of " << t.elementType;
    if (!stridesFitData(t))
      return kernel.emitError() << "argument #" << i
                                << ": strides reach outside the tensor's data";
  }
  for (const std::array<int64_t, 4> &e : kernel.getEqualExtentList()) {
    int64_t x = args[e[0]].tensor->shape[e[1]];
    int64_t y = args[e[2]].tensor->shape[e[3]];
    if (x != y)
      return kernel.emitError()
             << "argument #" << e[0] << " has extent " << x << " along dimension "
             << e[1] << " but argument #" << e[2] << " has " << y
             << " along dimension " << e[3] << "; the kernel's where(...) "
             << "needs them equal";
  }
  return success();
}

/// ceil(n / d) for d > 0, and no programs for n <= 0.
static int64_t ceilDivNonNegative(int64_t n, int64_t d) {
  return n <= 0 ? 0 : n / d + (n % d != 0);
}

/// Program instances the interpreter runs for a persistent kernel.
static constexpr int64_t kPersistentPrograms = 3;

Grid kiln::interp::computeGrid(tile::KernelOp kernel,
                               ArrayRef<KernelArg> args) {
  Grid grid = {1, 1, 1};
  std::optional<ArrayAttr> rule = kernel.getGrid();
  if (!rule)
    return grid;
  for (auto [d, attr] : llvm::enumerate(*rule)) {
    auto extent = cast<tile::GridExtentAttr>(attr);
    if (extent.isConstant()) {
      grid[d] = *extent.getValue();
      continue;
    }
    const KernelArg &arg = args[*extent.getArg()];
    int64_t n = extent.getDim() ? arg.tensor->shape[*extent.getDim()]
                                : arg.scalar.i;
    grid[d] = ceilDivNonNegative(n, tile::getGridDivisor(kernel, extent));
  }
  // A persistent kernel walks its tiles itself: launch a few CTAs along x,
  // fewer than the tiles, as a GPU with few SMs would, so that each CTA
  // takes several tiles.
  if (kernel.getPersistent())
    grid = {std::min<int64_t>(grid[0] * grid[1] * grid[2],
                              kPersistentPrograms),
            1, 1};
  return grid;
}

//===----------------------------------------------------------------------===//
// Processes
//===----------------------------------------------------------------------===//

namespace {

/// One activation of a block: the next op to run in it and, for the body of
/// an scf.for, the loop's state.
struct Frame {
  Block *block;
  Block::iterator next;
  /// The scf.for or scf.if this block belongs to; null for the root block
  /// of a process.
  Operation *owner = nullptr;
  int64_t iv = 0;
  int64_t upper = 0;
  int64_t step = 0;
  bool unsignedCmp = false;
};

/// A sequential thread of execution: a program instance, or one role of its
/// `tile.warp_specialize`.
struct Process {
  /// "program" or "role N", for messages.
  std::string name;
  /// The role's region; null for the program itself.
  Region *role = nullptr;
  int64_t warps = 4;
  /// Where values defined outside the role are found.
  Process *parent = nullptr;
  SmallVector<Frame, 4> frames;
  DenseMap<Value, RtValue> values;
  /// The roles this process started and waits for.
  SmallVector<Process *> roles;
  bool awaitingRoles = false;
  /// The op it is blocked at and what it waits for.
  Operation *blockedAt = nullptr;
  std::string waitState;

  bool finished() const { return frames.empty(); }
  /// Warp groups of the process: each arrives once on an `empty` barrier.
  int64_t warpGroups() const { return (warps + 3) / 4; }
};

/// What became of an attempt to run an op.
enum class Step {
  /// Completed; the next op of the same block runs next.
  Next,
  /// Completed and moved the process elsewhere (entered or left a region).
  Jumped,
  /// Cannot proceed yet; retried when the process runs again.
  Blocked,
  /// An error was emitted.
  Failed,
};

/// The state of one program instance.
struct Program {
  Grid id;
  std::deque<Process> processes;
  std::deque<ArefState> arefs;
  /// Ops completed so far; a scheduling round that leaves it unchanged is a
  /// deadlock.
  uint64_t progress = 0;
};

/// Runs one kernel over a grid.
class Interpreter {
public:
  Interpreter(tile::KernelOp kernel, ArrayRef<KernelArg> args,
              const RunOptions &options, Grid grid)
      : kernel(kernel), args(args), options(options), grid(grid) {}

  /// Runs program instance `id` to completion.
  LogicalResult runProgram(Grid id);

private:
  // Scheduling.
  LogicalResult runProcess(Process &p);
  LogicalResult reportDeadlock();
  Process &startProcess(std::string name, Block &block, Region *role,
                        int64_t warps, Process *parent);

  // Values.
  const RtValue &get(Process &p, Value v) const;
  const RtValue *find(Process &p, Value v) const;
  int64_t getInt(Process &p, Value v) const { return get(p, v).scalar.i; }
  SmallVector<int64_t> getInts(Process &p, ValueRange vs) const;
  void set(Process &p, Value v, RtValue value) {
    p.values[v] = std::move(value);
  }

  // Errors.
  Step fail(Process &p, Operation *op, const Twine &message);
  std::string where(Process &p) const;

  // Ops.
  Step execute(Process &p, Operation *op);
  Step executeArith(Process &p, Operation *op);
  Step constant(Process &p, arith::ConstantOp op);
  Step elementwise(Process &p, Operation *op, const ElementFn &fn);
  Step executeTile(Process &p, Operation *op);
  Step asyncLoad(Process &p, tile::AsyncLoadOp op);
  Step warpSpecialize(Process &p, tile::WarpSpecializeOp op);
  Step executeAref(Process &p, Operation *op);
  Step createAref(Process &p, aref::CreateOp op);
  Step put(Process &p, aref::PutOp op);
  Step getFromAref(Process &p, aref::GetOp op);
  FailureOr<int64_t> getSlot(Process &p, Operation *op, Value ref, Value slot);
  Step enter(Process &p, Operation *op, Value ref, Value slot, Value phase,
             bool producer);
  Step arrive(Process &p, Operation *op, Barrier &barrier, int64_t count);
  Step executeScf(Process &p, Operation *op);
  Step forLoop(Process &p, scf::ForOp op);
  Step ifThenElse(Process &p, scf::IfOp op);
  Step yield(Process &p, scf::YieldOp op);

  tile::KernelOp kernel;
  ArrayRef<KernelArg> args;
  const RunOptions &options;
  Grid grid;
  uint64_t steps = 0;
  /// The program instance being run.
  Program *program = nullptr;
  DenseMap<Operation *, ElementFn> elementFns;
};

} // namespace

//===----------------------------------------------------------------------===//
// Scheduling
//===----------------------------------------------------------------------===//

Process &Interpreter::startProcess(std::string name, Block &block,
                                   Region *role, int64_t warps,
                                   Process *parent) {
  Process &p = program->processes.emplace_back();
  p.name = std::move(name);
  p.role = role;
  p.warps = warps;
  p.parent = parent;
  p.frames.push_back(Frame{&block, block.begin()});
  return p;
}

/// The run-time value of a kernel argument of `type`: scalars brought to
/// their canonical form.
static RtValue argumentValue(Type type, const KernelArg &arg) {
  RtValue v;
  v.global = arg.tensor;
  if (auto f = dyn_cast<FloatType>(type))
    v.scalar = Element::ofFloat(roundToFloat(f, arg.scalar.f));
  else if (type.isIntOrIndex())
    v.scalar = Element::ofInt(normalizeInt(getIntWidth(type), arg.scalar.i));
  return v;
}

LogicalResult Interpreter::runProgram(Grid id) {
  Program state;
  state.id = id;
  program = &state;
  Block &body = kernel.getBody().front();
  Process &main = startProcess("program", body, nullptr,
                               kernel.getNumWarpsOrDefault(), nullptr);
  for (auto [arg, value] : llvm::zip(body.getArguments(), args))
    set(main, arg, argumentValue(arg.getType(), value));
  while (!main.finished()) {
    uint64_t before = state.progress;
    // Roles started during the round join it: index, not iterators.
    for (size_t i = 0; i < state.processes.size(); ++i) {
      Process &p = state.processes[i];
      if (!p.finished() && failed(runProcess(p)))
        return failure();
    }
    if (!main.finished() && state.progress == before)
      return reportDeadlock();
  }
  return success();
}

LogicalResult Interpreter::runProcess(Process &p) {
  while (!p.finished()) {
    Frame &frame = p.frames.back();
    if (frame.next == frame.block->end()) {
      // Only a role's region ends without a terminator.
      p.frames.clear();
      break;
    }
    Operation *op = &*frame.next;
    if (steps >= options.maxSteps) {
      fail(p, op,
           "the run exceeded its budget of " + Twine(options.maxSteps) +
               " steps (raise it with --max-steps)");
      return failure();
    }
    switch (execute(p, op)) {
    case Step::Next:
      ++p.frames.back().next;
      [[fallthrough]];
    case Step::Jumped:
      ++steps;
      ++program->progress;
      p.blockedAt = nullptr;
      break;
    case Step::Blocked:
      p.blockedAt = op;
      return success();
    case Step::Failed:
      return failure();
    }
  }
  return success();
}

LogicalResult Interpreter::reportDeadlock() {
  Process &main = program->processes.front();
  Operation *at = main.blockedAt ? main.blockedAt : kernel.getOperation();
  InFlightDiagnostic diag = at->emitError()
                            << "deadlock: every live role is blocked "
                            << where(main);
  for (Process &p : program->processes) {
    if (p.finished() || p.awaitingRoles || !p.blockedAt)
      continue;
    diag.attachNote(p.blockedAt->getLoc())
        << p.name << " (" << p.warps << " warps) waits at '"
        << p.blockedAt->getName() << "': " << p.waitState;
  }
  return failure();
}

//===----------------------------------------------------------------------===//
// Values and errors
//===----------------------------------------------------------------------===//

const RtValue *Interpreter::find(Process &p, Value v) const {
  for (Process *q = &p; q; q = q->parent) {
    auto it = q->values.find(v);
    if (it != q->values.end())
      return &it->second;
  }
  return nullptr;
}

const RtValue &Interpreter::get(Process &p, Value v) const {
  // `execute` checked that every operand has a value.
  return *find(p, v);
}

SmallVector<int64_t> Interpreter::getInts(Process &p, ValueRange vs) const {
  SmallVector<int64_t> ints;
  for (Value v : vs)
    ints.push_back(getInt(p, v));
  return ints;
}

std::string Interpreter::where(Process &p) const {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "in program (" << program->id[0] << ", " << program->id[1] << ", "
     << program->id[2] << ")";
  if (p.role)
    os << ", " << p.name;
  return text;
}

Step Interpreter::fail(Process &p, Operation *op, const Twine &message) {
  op->emitError() << message << " (" << where(p) << ")";
  return Step::Failed;
}

//===----------------------------------------------------------------------===//
// Dispatch
//===----------------------------------------------------------------------===//

/// The message for an op (or a form of it) that the interpreter lacks.
static std::string unsupported(Operation *op) {
  return ("the interpreter does not support '" + op->getName().getStringRef() +
          "'")
      .str();
}

/// Value types the interpreter holds: scalars, tiles, slot buffers, global
/// tensors and arefs.
static bool isSupportedValueType(Type type) {
  if (isa<tile::DescType, aref::RefType>(type))
    return true;
  if (auto shaped = dyn_cast<ShapedType>(type))
    return isa<RankedTensorType, MemRefType>(type) && shaped.hasStaticShape() &&
           isSupportedElementType(shaped.getElementType());
  return isSupportedElementType(type);
}

Step Interpreter::execute(Process &p, Operation *op) {
  for (Value operand : op->getOperands())
    if (!find(p, operand))
      return fail(p, op, "operand has no run-time value");
  for (Type type : op->getResultTypes())
    if (!isSupportedValueType(type))
      return fail(p, op,
                  "'" + op->getName().getStringRef() +
                      "' produces a value of unsupported type");
  Dialect *dialect = op->getDialect();
  StringRef ns = dialect ? dialect->getNamespace() : "";
  Step step = Step::Failed;
  if (ns == "arith" || ns == "math")
    step = executeArith(p, op);
  else if (ns == "tile")
    step = executeTile(p, op);
  else if (ns == "aref")
    step = executeAref(p, op);
  else if (ns == "scf")
    step = executeScf(p, op);
  else
    return fail(p, op, unsupported(op));
  return step;
}

//===----------------------------------------------------------------------===//
// arith and math
//===----------------------------------------------------------------------===//

Step Interpreter::executeArith(Process &p, Operation *op) {
  if (auto c = dyn_cast<arith::ConstantOp>(op))
    return constant(p, c);
  auto it = elementFns.find(op);
  if (it == elementFns.end())
    it = elementFns.try_emplace(op, getElementFn(op)).first;
  if (!it->second)
    return fail(p, op, unsupported(op));
  return elementwise(p, op, it->second);
}

/// The element of integer type `type` with value `value`.
static Element elementOf(Type type, const APInt &value) {
  return Element::ofInt(normalizeInt(getIntWidth(type), value.getSExtValue()));
}

Step Interpreter::constant(Process &p, arith::ConstantOp op) {
  Attribute value = op.getValue();
  Type type = op.getType();
  if (auto i = dyn_cast<IntegerAttr>(value)) {
    set(p, op, RtValue::ofScalar(elementOf(type, i.getValue())));
    return Step::Next;
  }
  if (auto f = dyn_cast<FloatAttr>(value)) {
    set(p, op, RtValue::ofScalar(Element::ofFloat(toDouble(f.getValue()))));
    return Step::Next;
  }
  auto dense = dyn_cast<DenseIntOrFPElementsAttr>(value);
  auto tensorType = dyn_cast<RankedTensorType>(type);
  if (!dense || !tensorType)
    return fail(p, op, unsupported(op));
  Array array = Array::zeros(tensorType);
  Type elementType = tensorType.getElementType();
  if (isa<FloatType>(elementType)) {
    // The value ranges repeat a splat's one value.
    for (auto [e, v] : llvm::zip(array.data, dense.getValues<APFloat>()))
      e = Element::ofFloat(toDouble(v));
  } else {
    for (auto [e, v] : llvm::zip(array.data, dense.getValues<APInt>()))
      e = elementOf(elementType, v);
  }
  set(p, op, RtValue::ofTile(std::move(array)));
  return Step::Next;
}

Step Interpreter::elementwise(Process &p, Operation *op, const ElementFn &fn) {
  SmallVector<const RtValue *, 3> operands;
  for (Value v : op->getOperands())
    operands.push_back(&get(p, v));
  SmallVector<Element, 3> x(operands.size());
  std::string error;
  auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!resultType) {
    for (auto [e, v] : llvm::zip(x, operands))
      e = v->scalar;
    Element r = fn(x, error);
    if (!error.empty())
      return fail(p, op, error);
    set(p, op->getResult(0), RtValue::ofScalar(r));
    return Step::Next;
  }
  Array out = Array::zeros(resultType);
  for (size_t j = 0; j < out.data.size(); ++j) {
    // A scalar operand (select's condition) applies to every element.
    for (auto [e, v] : llvm::zip(x, operands))
      e = v->tile ? v->tile->data[j] : v->scalar;
    out.data[j] = fn(x, error);
    if (!error.empty())
      return fail(p, op, error + " at element " + Twine(j));
  }
  set(p, op->getResult(0), RtValue::ofTile(std::move(out)));
  return Step::Next;
}

//===----------------------------------------------------------------------===//
// tile
//===----------------------------------------------------------------------===//

Step Interpreter::executeTile(Process &p, Operation *op) {
  auto tileOf = [&](Value v) -> const Array & { return *get(p, v).tile; };
  auto setTile = [&](Value v, Array array) {
    set(p, v, RtValue::ofTile(std::move(array)));
    return Step::Next;
  };
  auto setInt32 = [&](Value v, int64_t value) {
    set(p, v, RtValue::ofScalar(Element::ofInt(normalizeInt(32, value))));
    return Step::Next;
  };
  return llvm::TypeSwitch<Operation *, Step>(op)
      .Case([&](tile::ProgramIdOp o) {
        return setInt32(o, program->id[static_cast<int>(o.getDim())]);
      })
      .Case([&](tile::NumProgramsOp o) {
        return setInt32(o, grid[static_cast<int>(o.getDim())]);
      })
      .Case([&](tile::DimOp o) {
        return setInt32(o, get(p, o.getDesc()).global->shape[o.getIndex()]);
      })
      .Case([&](tile::BlockDimOp o) {
        return setInt32(
            o, o.getDesc().getType().getBlockShape()[o.getIndex()]);
      })
      .Case([&](tile::LoadOp o) {
        Array block = Array::zeros(o.getType());
        loadBlock(*get(p, o.getDesc()).global, getInts(p, o.getCoords()),
                  block);
        return setTile(o, std::move(block));
      })
      .Case([&](tile::StoreOp o) {
        storeBlock(*get(p, o.getDesc()).global, getInts(p, o.getCoords()),
                   tileOf(o.getValue()));
        return Step::Next;
      })
      .Case([&](tile::ScalarLoadOp o) {
        set(p, o,
            RtValue::ofScalar(loadElement(*get(p, o.getDesc()).global,
                                          getInts(p, o.getCoords()))));
        return Step::Next;
      })
      .Case([&](tile::SplatOp o) {
        Array array = Array::zeros(o.getType());
        array.data.assign(array.data.size(), get(p, o.getValue()).scalar);
        return setTile(o, std::move(array));
      })
      .Case([&](tile::IotaOp o) { return setTile(o, iota(o.getType())); })
      .Case([&](tile::BroadcastOp o) {
        return setTile(o, broadcast(tileOf(o.getInput()), o.getType(),
                                    o.getDims()));
      })
      .Case([&](tile::ExtractSliceOp o) {
        return setTile(
            o, extractSlice(tileOf(o.getInput()), o.getType(), o.getOffsets()));
      })
      .Case([&](tile::ReduceOp o) {
        return setTile(o, reduce(o.getKind(), tileOf(o.getInput()),
                                 static_cast<int64_t>(o.getDim())));
      })
      .Case([&](tile::DotOp o) {
        return setTile(o, matmul(tileOf(o.getA()), tileOf(o.getB()),
                                 tileOf(o.getAcc()), o.getTransposeA(),
                                 o.getTransposeB()));
      })
      .Case([&](tile::MmaOp o) {
        // Computed when issued: the buffers hold what the wgmma would read.
        const Array &a = isa<MemRefType>(o.getA().getType())
                             ? *get(p, o.getA()).buffer
                             : tileOf(o.getA());
        return setTile(o,
                       matmul(a, *get(p, o.getB()).buffer, tileOf(o.getAcc()),
                              o.getTransposeA(), o.getTransposeB()));
      })
      .Case([&](tile::MmaWaitOp o) {
        set(p, o, get(p, o.getAcc()));
        return Step::Next;
      })
      .Case([&](tile::AsyncLoadOp o) { return asyncLoad(p, o); })
      .Case([&](tile::WarpSpecializeOp o) { return warpSpecialize(p, o); })
      .Case([&](tile::ReturnOp) {
        p.frames.clear();
        return Step::Jumped;
      })
      .Default([&](Operation *) { return fail(p, op, unsupported(op)); });
}

Step Interpreter::asyncLoad(Process &p, tile::AsyncLoadOp op) {
  FailureOr<int64_t> slot = getSlot(p, op, op.getRef(), op.getSlot());
  if (failed(slot))
    return Step::Failed;
  ArefState &ref = *get(p, op.getRef()).aref;
  const std::shared_ptr<Array> &buffer = get(p, op.getBuffer()).buffer;
  if (!llvm::is_contained(ref.buffers(*slot), buffer))
    return fail(p, op,
                "the buffer is not one of slot " + Twine(*slot) +
                    "'s buffers, so its bytes would complete another slot's "
                    "barrier");
  loadBlock(*get(p, op.getDesc()).global, getInts(p, op.getCoords()),
            *buffer);
  // The copy lands at once; its bytes count on the slot's full barrier.
  ref.full(*slot).completeTx(static_cast<int64_t>(buffer->data.size()) *
                             getElementBytes(buffer->elementType));
  return Step::Next;
}

Step Interpreter::warpSpecialize(Process &p, tile::WarpSpecializeOp op) {
  if (!p.awaitingRoles) {
    for (auto [i, region] : llvm::enumerate(op.getRoles())) {
      if (region.empty())
        continue;
      p.roles.push_back(&startProcess("role " + std::to_string(i),
                                      region.front(), &region,
                                      op.getWarps()[i], &p));
    }
    p.awaitingRoles = true;
    // Starting the roles is progress even though the op is not done.
    ++program->progress;
  }
  if (!llvm::all_of(p.roles, [](Process *r) { return r->finished(); })) {
    p.waitState = "waits for its roles";
    return Step::Blocked;
  }
  p.roles.clear();
  p.awaitingRoles = false;
  return Step::Next;
}

//===----------------------------------------------------------------------===//
// aref
//===----------------------------------------------------------------------===//

/// The role region that `op` runs in: the enclosing region of a
/// `tile.warp_specialize`, or null outside any.
static Region *getRoleOf(Operation *op) {
  for (Region *r = op->getParentRegion(); r; r = r->getParentRegion()) {
    Operation *parent = r->getParentOp();
    if (isa<tile::WarpSpecializeOp>(parent))
      return r;
    if (isa<tile::KernelOp>(parent))
      return nullptr;
  }
  return nullptr;
}

Step Interpreter::executeAref(Process &p, Operation *op) {
  auto refOf = [&](Value v) -> ArefState & { return *get(p, v).aref; };
  return llvm::TypeSwitch<Operation *, Step>(op)
      .Case([&](aref::CreateOp o) { return createAref(p, o); })
      .Case([&](aref::PutOp o) { return put(p, o); })
      .Case([&](aref::GetOp o) { return getFromAref(p, o); })
      .Case([&](aref::ConsumedOp o) {
        std::string error;
        if (failed(refOf(o.getRef()).consumed(p.role, error)))
          return fail(p, op, error);
        return Step::Next;
      })
      .Case([&](aref::PutEnterOp o) {
        return enter(p, op, o.getRef(), o.getSlot(), o.getPhase(), true);
      })
      .Case([&](aref::GetEnterOp o) {
        return enter(p, op, o.getRef(), o.getSlot(), o.getPhase(), false);
      })
      .Case([&](aref::PutExitOp o) {
        FailureOr<int64_t> slot = getSlot(p, op, o.getRef(), o.getSlot());
        if (failed(slot))
          return Step::Failed;
        ArefState &ref = refOf(o.getRef());
        if (o.getAsync())
          ref.full(*slot).expectTx(ref.getType().getSlotBytes());
        return arrive(p, op, ref.full(*slot), 1);
      })
      .Case([&](aref::GetExitOp o) {
        FailureOr<int64_t> slot = getSlot(p, op, o.getRef(), o.getSlot());
        if (failed(slot))
          return Step::Failed;
        // One arrival per consuming warp group.
        return arrive(p, op, refOf(o.getRef()).empty(*slot), p.warpGroups());
      })
      .Default([&](Operation *) { return fail(p, op, unsupported(op)); });
}

Step Interpreter::createAref(Process &p, aref::CreateOp op) {
  SmallVector<Region *> consumers;
  for (Operation *user : op.getRef().getUsers())
    if (aref::isConsumerOp(user) &&
        !llvm::is_contained(consumers, getRoleOf(user)))
      consumers.push_back(getRoleOf(user));
  ArefState &state = program->arefs.emplace_back(
      op.getRef().getType(), op.getArrivals(), consumers);
  RtValue v;
  v.aref = &state;
  set(p, op, std::move(v));
  return Step::Next;
}

Step Interpreter::put(Process &p, aref::PutOp op) {
  ArefState &ref = *get(p, op.getRef()).aref;
  if (!ref.canPut()) {
    p.waitState = ref.describePutWait();
    return Step::Blocked;
  }
  SmallVector<RtValue> values;
  for (Value v : op.getValues())
    values.push_back(get(p, v));
  ref.put(values);
  return Step::Next;
}

Step Interpreter::getFromAref(Process &p, aref::GetOp op) {
  ArefState &ref = *get(p, op.getRef()).aref;
  if (!ref.canGet(p.role)) {
    p.waitState = ref.describeGetWait(p.role);
    return Step::Blocked;
  }
  for (auto [result, value] : llvm::zip(op.getValues(), ref.get(p.role)))
    set(p, result, value);
  return Step::Next;
}

FailureOr<int64_t> Interpreter::getSlot(Process &p, Operation *op, Value ref,
                                        Value slot) {
  int64_t s = getInt(p, slot);
  int64_t depth = get(p, ref).aref->getType().getDepth();
  if (s < 0 || s >= depth) {
    fail(p, op,
         "slot " + Twine(s) + " is outside the aref's " + Twine(depth) +
             " slots");
    return failure();
  }
  return s;
}

Step Interpreter::enter(Process &p, Operation *op, Value refValue, Value slot,
                        Value phase, bool producer) {
  FailureOr<int64_t> s = getSlot(p, op, refValue, slot);
  if (failed(s))
    return Step::Failed;
  int64_t parity = getInt(p, phase);
  if (parity != 0 && parity != 1)
    return fail(p, op,
                "phase must be a parity (0 or 1), got " + Twine(parity));
  ArefState &ref = *get(p, refValue).aref;
  Barrier &barrier = producer ? ref.empty(*s) : ref.full(*s);
  if (!barrier.hasCompleted(parity)) {
    p.waitState = ("waits for the phase of parity " + Twine(parity) +
                   " of the " + (producer ? "empty" : "full") +
                   " barrier of slot " + Twine(*s) + ": " + barrier.describe())
                      .str();
    return Step::Blocked;
  }
  for (auto [result, buffer] : llvm::zip(op->getResults(), ref.buffers(*s))) {
    RtValue v;
    v.buffer = buffer;
    set(p, result, std::move(v));
  }
  return Step::Next;
}

Step Interpreter::arrive(Process &p, Operation *op, Barrier &barrier,
                         int64_t count) {
  std::string error;
  for (int64_t i = 0; i < count; ++i)
    if (failed(barrier.arrive(error)))
      return fail(p, op, error);
  return Step::Next;
}

//===----------------------------------------------------------------------===//
// scf
//===----------------------------------------------------------------------===//

Step Interpreter::executeScf(Process &p, Operation *op) {
  return llvm::TypeSwitch<Operation *, Step>(op)
      .Case([&](scf::ForOp o) { return forLoop(p, o); })
      .Case([&](scf::IfOp o) { return ifThenElse(p, o); })
      .Case([&](scf::YieldOp o) { return yield(p, o); })
      .Default([&](Operation *) { return fail(p, op, unsupported(op)); });
}

/// True while the loop of `frame` has iterations left.
static bool inBounds(const Frame &frame) {
  if (frame.unsignedCmp)
    return static_cast<uint64_t>(frame.iv) <
           static_cast<uint64_t>(frame.upper);
  return frame.iv < frame.upper;
}

/// Binds the induction variable and iteration arguments of `op`'s body.
static void bindLoopBody(DenseMap<Value, RtValue> &values, scf::ForOp op,
                         int64_t iv, ArrayRef<RtValue> iterArgs) {
  values[op.getInductionVar()] = RtValue::ofScalar(Element::ofInt(iv));
  for (auto [arg, value] : llvm::zip(op.getRegionIterArgs(), iterArgs))
    values[arg] = value;
}

Step Interpreter::forLoop(Process &p, scf::ForOp op) {
  Frame frame{op.getBody(), op.getBody()->begin(), op};
  frame.iv = getInt(p, op.getLowerBound());
  frame.upper = getInt(p, op.getUpperBound());
  frame.step = getInt(p, op.getStep());
  frame.unsignedCmp = op.getUnsignedCmp();
  if (frame.step <= 0)
    return fail(p, op, "scf.for step must be positive, got " +
                           Twine(frame.step));
  SmallVector<RtValue> inits;
  for (Value v : op.getInitArgs())
    inits.push_back(get(p, v));
  if (!inBounds(frame)) {
    for (auto [result, value] : llvm::zip(op.getResults(), inits))
      set(p, result, value);
    return Step::Next;
  }
  bindLoopBody(p.values, op, frame.iv, inits);
  p.frames.push_back(frame);
  return Step::Jumped;
}

Step Interpreter::ifThenElse(Process &p, scf::IfOp op) {
  Region &region =
      get(p, op.getCondition()).scalar.i ? op.getThenRegion() : op.getElseRegion();
  if (region.empty())
    return Step::Next;
  p.frames.push_back(Frame{&region.front(), region.front().begin(), op});
  return Step::Jumped;
}

Step Interpreter::yield(Process &p, scf::YieldOp op) {
  SmallVector<RtValue> yielded;
  for (Value v : op.getResults())
    yielded.push_back(get(p, v));
  Frame &frame = p.frames.back();
  if (auto loop = dyn_cast_or_null<scf::ForOp>(frame.owner)) {
    // The induction variable lives in the loop's integer type.
    frame.iv = normalizeInt(getIntWidth(loop.getInductionVar().getType()),
                            frame.iv + frame.step);
    if (inBounds(frame)) {
      bindLoopBody(p.values, loop, frame.iv, yielded);
      frame.next = frame.block->begin();
      return Step::Jumped;
    }
  } else if (!isa_and_nonnull<scf::IfOp>(frame.owner)) {
    return fail(p, op, unsupported(op));
  }
  Operation *owner = frame.owner;
  p.frames.pop_back();
  for (auto [result, value] : llvm::zip(owner->getResults(), yielded))
    set(p, result, value);
  ++p.frames.back().next;
  return Step::Jumped;
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

LogicalResult kiln::interp::runKernel(tile::KernelOp kernel,
                                      ArrayRef<KernelArg> args,
                                      const RunOptions &options) {
  if (failed(checkArguments(kernel, args)))
    return failure();
  Grid grid = options.grid ? *options.grid : computeGrid(kernel, args);
  Interpreter interpreter(kernel, args, options, grid);
  for (int64_t z = 0; z < grid[2]; ++z)
    for (int64_t y = 0; y < grid[1]; ++y)
      for (int64_t x = 0; x < grid[0]; ++x)
        if (failed(interpreter.runProgram({x, y, z})))
          return failure();
  return success();
}

void kiln::interp::registerInterpreterDialects(DialectRegistry &registry) {
  registry.insert<tile::TileDialect, aref::ArefDialect, arith::ArithDialect,
                  math::MathDialect, scf::SCFDialect, memref::MemRefDialect,
                  tensor::TensorDialect, func::FuncDialect,
                  cf::ControlFlowDialect>();
}
