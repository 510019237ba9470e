//===- VerifyProtocol.cpp - model checker for aref pipelines --------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Checks the aref protocol of warp-specialized kernels at the lowering level:
// runs the roles of each tile.warp_specialize as processes over a model of
// the slots' mbarriers and explores their interleavings breadth first. A
// deadlock, a read before full, a write before consumed, a release before the
// wgmma retired or a mismatched arrival or byte count is reported at the op,
// with where the other roles are and the interleaving that leads there.
//
// Bounds: run-time values (tile.dim, integer kernel arguments) are bound to a
// few values chosen from the loops' steps and the arefs' depths, loops run at
// most `max-iterations` times, and each binding explores at most
// `max-states` states.
//
//===----------------------------------------------------------------------===//

#include "kiln/Dialect/Aref/Transforms/Passes.h"
#include "kiln/Dialect/Tile/IR/HopperLimits.h"

#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/Debug.h"

#include <deque>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#define DEBUG_TYPE "aref-verify-protocol"

namespace kiln::aref {
#define GEN_PASS_DEF_AREFVERIFYPROTOCOLPASS
#include "kiln/Dialect/Aref/Transforms/Passes.h.inc"
} // namespace kiln::aref

using namespace mlir;
using namespace kiln;
using namespace kiln::aref;

namespace {

/// Combinations of the run-time values' candidates considered per
/// warp_specialize; above it, one value varies at a time.
constexpr size_t kMaxCombinations = 20000;

//===----------------------------------------------------------------------===//
// Integer semantics
//===----------------------------------------------------------------------===//

/// Bits of an integer or index type; 0 for anything else (and for integers
/// wider than 64 bits, which the model does not evaluate).
unsigned widthOf(Type type) {
  if (type.isIndex())
    return 64;
  if (auto integer = dyn_cast<IntegerType>(type))
    return integer.getWidth() <= 64 ? integer.getWidth() : 0;
  return 0;
}

/// `v` truncated to `width` bits and sign-extended: the canonical form of
/// every integer in the model (true is -1 in i1).
int64_t norm(int64_t v, unsigned width) {
  if (width == 0 || width >= 64)
    return v;
  uint64_t u = static_cast<uint64_t>(v) << (64 - width);
  return static_cast<int64_t>(u) >> (64 - width);
}

/// The `width`-bit pattern of `v` read as unsigned.
uint64_t unsignedOf(int64_t v, unsigned width) {
  if (width == 0 || width >= 64)
    return static_cast<uint64_t>(v);
  return static_cast<uint64_t>(v) & ((uint64_t(1) << width) - 1);
}

/// A value of the model.
struct Val {
  enum Kind : uint8_t { Opaque, Int, Unknown, Buffer };
  Kind kind = Opaque;
  /// Buffer: handed out by put.enter (else by get.enter).
  bool producer = false;
  /// Buffer: the aref (index in the warp_specialize) and the slot.
  int16_t aref = -1;
  int32_t slot = -1;
  /// Int: the value; Buffer: the fill of the slot it was handed out for.
  int64_t v = 0;
  /// Unknown: the op whose result the model cannot evaluate.
  Operation *origin = nullptr;

  static Val integer(int64_t v) {
    Val r;
    r.kind = Int;
    r.v = v;
    return r;
  }
  static Val unknown(Operation *origin) {
    Val r;
    r.kind = Unknown;
    r.origin = origin;
    return r;
  }
  bool operator==(const Val &o) const {
    return kind == o.kind && v == o.v && aref == o.aref && slot == o.slot &&
           producer == o.producer && origin == o.origin;
  }
};

/// The value of a `tile.block_dim`: the descriptor's block shape along
/// `index`, a compile-time constant.
std::optional<int64_t> blockDim(Operation *op) {
  auto blockDim = dyn_cast<tile::BlockDimOp>(op);
  if (!blockDim)
    return std::nullopt;
  return blockDim.getDesc().getType().getBlockShape()[blockDim.getIndex()];
}

/// Evaluates a side-effect-free integer op (arith, tile.program_id, ...).
/// Returns false when the op's result is undefined for these operands
/// (division by zero, shift past the width): the binding is outside the
/// kernel's domain. `dim` gives the value of a tile.dim.
bool evalScalar(Operation *op, ArrayRef<Val> in, SmallVectorImpl<Val> &out,
                function_ref<int64_t(tile::DimOp)> dim) {
  out.clear();
  auto fillUnknown = [&](Operation *origin) {
    for (Value r : op->getResults())
      out.push_back(widthOf(r.getType()) ? Val::unknown(origin) : Val());
  };
  if (op->getNumResults() != 1) {
    fillUnknown(op);
    return true;
  }
  Type type = op->getResult(0).getType();
  unsigned w = widthOf(type);

  if (auto select = dyn_cast<arith::SelectOp>(op)) {
    const Val &c = in[0];
    if (c.kind == Val::Int)
      out.push_back(c.v != 0 ? in[1] : in[2]);
    else if (in[1] == in[2])
      out.push_back(in[1]);
    else
      out.push_back(Val::unknown(c.kind == Val::Unknown ? c.origin : op));
    return true;
  }
  if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
    auto attr = dyn_cast<IntegerAttr>(constant.getValue());
    if (w && attr)
      out.push_back(Val::integer(norm(attr.getValue().getSExtValue(), w)));
    else
      fillUnknown(op);
    return true;
  }
  if (isa<tile::ProgramIdOp>(op)) {
    out.push_back(Val::integer(0));
    return true;
  }
  if (isa<tile::NumProgramsOp>(op)) {
    out.push_back(Val::integer(1));
    return true;
  }
  if (auto d = dyn_cast<tile::DimOp>(op)) {
    out.push_back(Val::integer(norm(dim(d), w)));
    return true;
  }
  if (std::optional<int64_t> block = blockDim(op)) {
    out.push_back(Val::integer(norm(*block, w)));
    return true;
  }
  if (!w || op->getDialect() == nullptr ||
      !isa<arith::ArithDialect>(op->getDialect())) {
    fillUnknown(op);
    return true;
  }
  // Integer arith: every operand must be known.
  for (const Val &v : in) {
    if (v.kind == Val::Unknown) {
      out.push_back(Val::unknown(v.origin));
      return true;
    }
    if (v.kind != Val::Int) {
      out.push_back(Val::unknown(op));
      return true;
    }
  }
  unsigned inWidth =
      op->getNumOperands() ? widthOf(op->getOperand(0).getType()) : w;
  if (!inWidth) {
    fillUnknown(op);
    return true;
  }
  auto result = [&](int64_t v) {
    out.push_back(Val::integer(norm(v, w)));
    return true;
  };
  // Casts.
  if (isa<arith::IndexCastOp, arith::ExtSIOp, arith::TruncIOp>(op))
    return result(in[0].v);
  if (isa<arith::IndexCastUIOp, arith::ExtUIOp>(op))
    return result(static_cast<int64_t>(unsignedOf(in[0].v, inWidth)));
  if (auto cmp = dyn_cast<arith::CmpIOp>(op)) {
    int64_t a = in[0].v, b = in[1].v;
    uint64_t ua = unsignedOf(a, inWidth), ub = unsignedOf(b, inWidth);
    bool r = false;
    switch (cmp.getPredicate()) {
    case arith::CmpIPredicate::eq: r = a == b; break;
    case arith::CmpIPredicate::ne: r = a != b; break;
    case arith::CmpIPredicate::slt: r = a < b; break;
    case arith::CmpIPredicate::sle: r = a <= b; break;
    case arith::CmpIPredicate::sgt: r = a > b; break;
    case arith::CmpIPredicate::sge: r = a >= b; break;
    case arith::CmpIPredicate::ult: r = ua < ub; break;
    case arith::CmpIPredicate::ule: r = ua <= ub; break;
    case arith::CmpIPredicate::ugt: r = ua > ub; break;
    case arith::CmpIPredicate::uge: r = ua >= ub; break;
    }
    return result(r ? -1 : 0);
  }
  if (in.size() != 2) {
    fillUnknown(op);
    return true;
  }
  int64_t a = in[0].v, b = in[1].v;
  uint64_t ua = unsignedOf(a, w), ub = unsignedOf(b, w);
  int64_t minSigned = norm(int64_t(1) << (w - 1), w);
  auto wrap = [](uint64_t u) { return static_cast<int64_t>(u); };
  return llvm::TypeSwitch<Operation *, bool>(op)
      .Case([&](arith::AddIOp) { return result(wrap(ua + ub)); })
      .Case([&](arith::SubIOp) { return result(wrap(ua - ub)); })
      .Case([&](arith::MulIOp) { return result(wrap(ua * ub)); })
      .Case([&](arith::AndIOp) { return result(a & b); })
      .Case([&](arith::OrIOp) { return result(a | b); })
      .Case([&](arith::XOrIOp) { return result(a ^ b); })
      .Case([&](arith::MinSIOp) { return result(std::min(a, b)); })
      .Case([&](arith::MaxSIOp) { return result(std::max(a, b)); })
      .Case([&](arith::MinUIOp) { return result(wrap(std::min(ua, ub))); })
      .Case([&](arith::MaxUIOp) { return result(wrap(std::max(ua, ub))); })
      .Case([&](arith::DivUIOp) { return ub && result(wrap(ua / ub)); })
      .Case([&](arith::RemUIOp) { return ub && result(wrap(ua % ub)); })
      .Case([&](arith::CeilDivUIOp) {
        return ub && result(wrap(ua / ub + (ua % ub != 0)));
      })
      .Case([&](arith::DivSIOp) {
        return b && !(a == minSigned && b == -1) && result(a / b);
      })
      .Case([&](arith::RemSIOp) {
        return b && !(a == minSigned && b == -1) && result(a % b);
      })
      .Case([&](arith::CeilDivSIOp) {
        if (!b || (a == minSigned && b == -1))
          return false;
        int64_t q = a / b;
        return result(q + ((a % b != 0) && ((a < 0) == (b < 0))));
      })
      .Case([&](arith::FloorDivSIOp) {
        if (!b || (a == minSigned && b == -1))
          return false;
        int64_t q = a / b;
        return result(q - ((a % b != 0) && ((a < 0) != (b < 0))));
      })
      .Case([&](arith::ShLIOp) { return ub < w && result(wrap(ua << ub)); })
      .Case([&](arith::ShRUIOp) { return ub < w && result(wrap(ua >> ub)); })
      .Case([&](arith::ShRSIOp) { return ub < w && result(a >> ub); })
      .Default([&](Operation *) {
        fillUnknown(op);
        return true;
      });
}

/// A run-time value: (descriptor, dimension) of a tile.dim, or (integer
/// kernel argument, -1).
using UnknownKey = std::pair<Value, int64_t>;
using Binding = DenseMap<UnknownKey, int64_t>;

/// The value of `v` computed without running any role: constants,
/// tile.block_dim, tile.program_id, tile.num_programs and integer ops on
/// them, and, given `binding`, tile.dim and integer kernel arguments (1 when
/// unbound). None for anything else (loop-carried values, unmodeled ops).
std::optional<int64_t> staticValue(Value v, const Binding *binding = nullptr) {
  DenseMap<Value, std::optional<int64_t>> memo;
  std::function<std::optional<int64_t>(Value, unsigned)> eval =
      [&](Value v, unsigned depth) -> std::optional<int64_t> {
    auto it = memo.find(v);
    if (it != memo.end())
      return it->second;
    std::optional<int64_t> result;
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      if (binding && widthOf(arg.getType()) &&
          isa<tile::KernelOp>(arg.getOwner()->getParentOp()))
        result = norm(binding->lookup_or({arg, -1}, 1),
                      widthOf(arg.getType()));
    } else if (Operation *def = v.getDefiningOp();
               depth < 256 && def->getNumRegions() == 0 &&
               (binding || !isa<tile::DimOp>(def))) {
      SmallVector<Val> in, out;
      for (Value operand : def->getOperands()) {
        std::optional<int64_t> x = eval(operand, depth + 1);
        in.push_back(x ? Val::integer(*x) : Val());
      }
      auto dim = [&](tile::DimOp d) {
        return binding->lookup_or(
            {d.getDesc(), static_cast<int64_t>(d.getIndex())}, 1);
      };
      if (evalScalar(def, in, out, dim)) {
        const Val &r = out[cast<OpResult>(v).getResultNumber()];
        if (r.kind == Val::Int)
          result = r.v;
      }
    }
    memo[v] = result;
    return result;
  };
  return eval(v, 0);
}

/// Iterations of `loop` from `lb` to `ub` by `step` (> 0).
int64_t tripCount(scf::ForOp loop, int64_t lb, int64_t ub, int64_t step) {
  unsigned w = widthOf(loop.getLowerBound().getType());
  __int128 span = loop.getUnsignedCmp()
                      ? __int128(unsignedOf(ub, w)) - __int128(unsignedOf(lb, w))
                      : __int128(ub) - __int128(lb);
  if (span <= 0)
    return 0;
  __int128 trips = (span + step - 1) / step;
  return trips > INT64_MAX ? INT64_MAX : static_cast<int64_t>(trips);
}

//===----------------------------------------------------------------------===//
// Roles as programs
//===----------------------------------------------------------------------===//

/// Ops whose effects other roles can see: one step of the exploration runs a
/// role up to one of these.
bool isProtocolOp(Operation *op) {
  return isa<PutEnterOp, PutExitOp, GetEnterOp, GetExitOp, tile::AsyncLoadOp,
             tile::MmaOp>(op);
}

/// True if `op` or an op nested in it is part of the protocol (including
/// tile.mma_wait, which changes which MMAs a role has in flight).
bool holdsProtocol(Operation *op) {
  return op
      ->walk([](Operation *inner) {
        return isProtocolOp(inner) || isa<tile::MmaWaitOp>(inner)
                   ? WalkResult::interrupt()
                   : WalkResult::advance();
      })
      .wasInterrupted();
}

/// One instruction of a role's flattened program.
struct Inst {
  enum Kind : uint8_t {
    Local,    // an op with no shared effect
    Protocol, // an op other roles can see (isProtocolOp)
    ForEntry, // scf.for: bounds, then ForCond; target: after the loop
    ForCond,  // the loop test; target: after the loop
    ForNext,  // scf.yield of a loop; target: its ForCond
    If,       // scf.if; target: the else branch (or target2), target2: end
    IfYield,  // scf.yield of an scf.if; target: after the scf.if
    End,
  };
  Kind kind;
  Operation *op = nullptr;
  int target = -1, target2 = -1;
  /// ForEntry, If: the region holds protocol ops.
  bool relevant = false;
};

/// A role of the warp_specialize, compiled.
struct Role {
  unsigned index = 0;
  int64_t warps = 0, groups = 0;
  std::vector<Inst> code;
  DenseMap<Value, unsigned> regs;
  /// Per register: whether it can decide what the role does next (a slot,
  /// a phase, a buffer, a loop bound or condition, or what feeds one).
  /// The others stay out of the state's key.
  std::vector<bool> live;
};

/// An aref of the warp_specialize.
struct Aref {
  Value ref;
  CreateOp create;
  int64_t depth = 0, arrivals = 0, slotBytes = 0;
  /// Index of its slot 0 among the slots of all arefs.
  unsigned base = 0;
};

//===----------------------------------------------------------------------===//
// Exploration state
//===----------------------------------------------------------------------===//

struct BarrierState {
  /// Phases completed (the one in progress has parity `completed & 1`).
  int64_t completed = 0;
  /// Arrivals the phase in progress still needs.
  int64_t pending = 0;
  /// Transaction bytes it still needs (negative: delivered ahead).
  int64_t tx = 0;
};

struct RoleState {
  /// The next instruction: a Protocol one, or End.
  int pc = 0;
  SmallVector<Val, 0> regs;
  /// Outstanding MMA groups, oldest first: the slots each one reads.
  SmallVector<SmallVector<int32_t, 2>, 0> mma;
  /// Per slot: entered and not yet exited by this role.
  SmallVector<int32_t, 0> holds;
  /// Per slot: the instruction of this role's last enter of it (for
  /// diagnostics only: not part of the key).
  SmallVector<int32_t, 0> lastEnter;
  /// Per slot: the fill that this role's last get.enter of it passed on
  /// (-1: the initial phase, no fill).
  SmallVector<int64_t, 0> heldFill;
  /// Per slot: the last fill this role released (-1: none).
  SmallVector<int64_t, 0> releasedFill;
};

struct State {
  SmallVector<RoleState, 0> roles;
  SmallVector<BarrierState, 0> full, empty;

  void encode(ArrayRef<Role> code, std::vector<int64_t> &key) const {
    key.clear();
    for (const BarrierState &b : full) {
      key.push_back(b.completed);
      key.push_back(b.pending);
      key.push_back(b.tx);
    }
    for (const BarrierState &b : empty) {
      key.push_back(b.completed);
      key.push_back(b.pending);
    }
    for (auto [r, role] : llvm::zip(roles, code)) {
      key.push_back(r.pc);
      for (auto [v, live] : llvm::zip(r.regs, role.live)) {
        if (!live)
          continue;
        switch (v.kind) {
        case Val::Opaque:
          key.push_back(0);
          break;
        case Val::Int:
          key.push_back(1);
          key.push_back(v.v);
          break;
        case Val::Unknown:
          key.insert(key.end(),
                     {2, static_cast<int64_t>(
                             reinterpret_cast<intptr_t>(v.origin))});
          break;
        case Val::Buffer:
          key.insert(key.end(), {3 | int64_t(v.producer) << 2 |
                                     int64_t(v.aref) << 3 |
                                     int64_t(v.slot) << 24,
                                 v.v});
          break;
        }
      }
      key.push_back(static_cast<int64_t>(r.mma.size()));
      for (const auto &group : r.mma) {
        key.push_back(static_cast<int64_t>(group.size()));
        key.insert(key.end(), group.begin(), group.end());
      }
      key.insert(key.end(), r.holds.begin(), r.holds.end());
      key.insert(key.end(), r.heldFill.begin(), r.heldFill.end());
      key.insert(key.end(), r.releasedFill.begin(), r.releasedFill.end());
    }
  }
};

struct KeyHash {
  size_t operator()(const std::vector<int64_t> &key) const {
    return llvm::hash_combine_range(key.begin(), key.end());
  }
};

/// A protocol error found while running a role.
struct Failure {
  Operation *op = nullptr;
  std::string message;
  SmallVector<std::pair<Location, std::string>, 2> notes;
  /// The error says the model cannot follow the IR (no interleaving needed).
  bool cannotCheck = false;
};

enum class Status { Ok, Blocked, Failed, OutOfDomain };

//===----------------------------------------------------------------------===//
// The checker of one warp_specialize
//===----------------------------------------------------------------------===//

class Checker {
public:
  Checker(tile::WarpSpecializeOp ws, int64_t maxIterations, int64_t maxStates)
      : ws(ws), maxIterations(maxIterations), maxStates(maxStates) {}

  /// Checks the warp_specialize; false if it reported an error.
  bool run();

private:
  // Preparation.
  LogicalResult collectArefs();
  LogicalResult compile(Role &role, Block &block);
  void markLive(Role &role);
  LogicalResult checkStructure();
  void chooseBindings();

  // Evaluation.
  Val read(const RoleState &rs, const Role &role, Value v);
  Val external(Value v);
  std::optional<int64_t> readInt(const RoleState &rs, const Role &role,
                                 Value v, Operation *user, StringRef what,
                                 Failure &f);
  int64_t dimValue(tile::DimOp dim);
  void write(RoleState &rs, const Role &role, Value v, Val value) {
    rs.regs[role.regs.lookup(v)] = value;
  }

  // Stepping.
  Status advance(State &st, unsigned r, Failure &f);
  Status execLocal(State &st, unsigned r, Failure &f);
  Status execProtocol(State &st, unsigned r, Failure &f);
  Status slotOf(const State &st, unsigned r, Operation *op, Value ref,
                Value slot, int &flat, int64_t &s, Failure &f);
  bool blocked(const State &st, unsigned r);
  Status finish(State &st, unsigned r, Failure &f);

  // Exploration and reports.
  enum class Outcome { Pass, Fail, Incomplete, OutOfDomain };
  Outcome explore();
  void report(const Failure &f, const State &at, ArrayRef<unsigned> path,
              std::optional<unsigned> failingRole);
  std::string describeRole(const State &st, unsigned r);
  std::string describeWait(const State &st, unsigned r);
  std::string slotName(const char *barrier, int flat);
  std::string roleName(unsigned r) {
    return "role " + std::to_string(r) + " (" +
           std::to_string(roles[r].warps) + " warps)";
  }
  std::string bindingText();
  int arefIndex(Value ref) {
    for (auto [i, a] : llvm::enumerate(arefs))
      if (a.ref == ref)
        return static_cast<int>(i);
    return -1;
  }
  const Aref &arefOfSlot(int flat) {
    for (const Aref &a : arefs)
      if (flat >= static_cast<int>(a.base) &&
          flat < static_cast<int>(a.base + a.depth))
        return a;
    llvm_unreachable("slot of no aref");
  }

  tile::WarpSpecializeOp ws;
  int64_t maxIterations, maxStates;
  SmallVector<Aref> arefs;
  unsigned numSlots = 0;
  SmallVector<Role> roles;

  /// The run-time values that decide the protocol, and the values tried.
  llvm::SetVector<UnknownKey> unknowns;
  SmallVector<SmallVector<int64_t>> candidates;
  SmallVector<SmallVector<int64_t>> bindings;
  /// The binding under exploration.
  Binding binding;
  DenseMap<Value, Val> externals;
  bool undefined = false;
};

//===----------------------------------------------------------------------===//
// Preparation
//===----------------------------------------------------------------------===//

LogicalResult Checker::collectArefs() {
  llvm::SetVector<Value> refs;
  WalkResult result = ws.walk([&](Operation *op) {
    Value ref;
    if (isProtocolOp(op) && !isa<tile::MmaOp>(op))
      ref = isa<tile::AsyncLoadOp>(op)
                ? cast<tile::AsyncLoadOp>(op).getRef()
                : getArefOperand(op);
    else if (llvm::any_of(op->getOperandTypes(), llvm::IsaPred<RefType>)) {
      op->emitError() << "cannot check: '" << op->getName()
                      << "' uses an aref; the protocol checker follows arefs "
                         "only through aref.put.enter/put.exit/get.enter/"
                         "get.exit and tile.async_load";
      return WalkResult::interrupt();
    }
    if (!ref)
      return WalkResult::advance();
    auto create = ref.getDefiningOp<CreateOp>();
    Operation *anchor =
        create ? create->getBlock()->findAncestorOpInBlock(*ws) : nullptr;
    if (!create || !anchor || !create->isBeforeInBlock(anchor)) {
      op->emitError() << "cannot check: the aref is not created by an "
                         "aref.create above the tile.warp_specialize";
      return WalkResult::interrupt();
    }
    refs.insert(ref);
    return WalkResult::advance();
  });
  if (result.wasInterrupted())
    return failure();
  for (Value ref : refs) {
    Aref a;
    a.ref = ref;
    a.create = ref.getDefiningOp<CreateOp>();
    auto type = cast<RefType>(ref.getType());
    a.depth = type.getDepth();
    a.arrivals = static_cast<int64_t>(a.create.getArrivals());
    a.slotBytes = type.getSlotBytes();
    a.base = numSlots;
    numSlots += a.depth;
    arefs.push_back(a);
  }
  return success();
}

LogicalResult Checker::compile(Role &role, Block &block) {
  auto addResults = [&](Operation *op) {
    for (Value r : op->getResults())
      role.regs.try_emplace(r, role.regs.size());
  };
  for (Operation &op : block) {
    if (isa<scf::YieldOp>(op))
      continue;
    if (auto loop = dyn_cast<scf::ForOp>(op)) {
      if (holdsProtocol(loop) && !staticValue(loop.getStep()))
        return loop.emitError()
               << "cannot check: the step of a loop that holds aref "
                  "operations must be a compile-time constant";
      int entry = static_cast<int>(role.code.size());
      role.code.push_back({Inst::ForEntry, loop, -1, -1, holdsProtocol(loop)});
      role.code.push_back({Inst::ForCond, loop});
      for (Value arg : loop.getBody()->getArguments())
        role.regs.try_emplace(arg, role.regs.size());
      addResults(loop);
      if (failed(compile(role, *loop.getBody())))
        return failure();
      role.code.push_back({Inst::ForNext, loop.getBody()->getTerminator(),
                           entry + 1});
      int exit = static_cast<int>(role.code.size());
      role.code[entry].target = exit;
      role.code[entry + 1].target = exit;
      continue;
    }
    if (auto ifOp = dyn_cast<scf::IfOp>(op)) {
      addResults(ifOp);
      int head = static_cast<int>(role.code.size());
      role.code.push_back({Inst::If, ifOp, -1, -1, holdsProtocol(ifOp)});
      if (failed(compile(role, ifOp.getThenRegion().front())))
        return failure();
      int thenYield = static_cast<int>(role.code.size());
      role.code.push_back(
          {Inst::IfYield, ifOp.getThenRegion().front().getTerminator()});
      role.code[head].target = static_cast<int>(role.code.size());
      int elseYield = -1;
      if (!ifOp.getElseRegion().empty()) {
        if (failed(compile(role, ifOp.getElseRegion().front())))
          return failure();
        elseYield = static_cast<int>(role.code.size());
        role.code.push_back(
            {Inst::IfYield, ifOp.getElseRegion().front().getTerminator()});
      }
      int end = static_cast<int>(role.code.size());
      role.code[head].target2 = end;
      role.code[thenYield].target = end;
      if (elseYield >= 0)
        role.code[elseYield].target = end;
      continue;
    }
    if (isProtocolOp(&op)) {
      role.code.push_back({Inst::Protocol, &op});
      addResults(&op);
      continue;
    }
    if (op.getNumRegions() > 0 && holdsProtocol(&op))
      return op.emitError()
             << "cannot check: '" << op.getName()
             << "' holds aref or MMA operations; the protocol checker "
                "follows only scf.for and scf.if";
    role.code.push_back({Inst::Local, &op});
    addResults(&op);
  }
  return success();
}

/// Pushes onto `work` what `v` is computed from: for a value carried by an
/// scf.for its initial and yielded values (and the loop's bounds for the
/// induction variable, or for any value with `throughBounds`), for an
/// scf.if result the condition and both yielded values, for an op without
/// regions its operands.
void appendSources(Value v, bool throughBounds, SmallVectorImpl<Value> &work) {
  auto carried = [&](scf::ForOp loop, unsigned i, bool iv) {
    if (throughBounds || iv)
      work.append({loop.getLowerBound(), loop.getUpperBound(),
                   loop.getStep()});
    if (!iv)
      work.append({loop.getInitArgs()[i],
                   loop.getBody()->getTerminator()->getOperand(i)});
  };
  if (auto arg = dyn_cast<BlockArgument>(v)) {
    if (auto loop = dyn_cast<scf::ForOp>(arg.getOwner()->getParentOp()))
      carried(loop, arg.getArgNumber() - 1, arg == loop.getInductionVar());
    return;
  }
  Operation *def = v.getDefiningOp();
  unsigned i = cast<OpResult>(v).getResultNumber();
  if (auto loop = dyn_cast<scf::ForOp>(def)) {
    carried(loop, i, /*iv=*/false);
  } else if (auto ifOp = dyn_cast<scf::IfOp>(def)) {
    work.push_back(ifOp.getCondition());
    work.push_back(ifOp.thenYield().getOperand(i));
    if (!ifOp.getElseRegion().empty())
      work.push_back(ifOp.elseYield().getOperand(i));
  } else if (def->getNumRegions() == 0) {
    work.append(def->operand_begin(), def->operand_end());
  }
}

/// The unknown run-time values that `roots` depend on, through integer ops,
/// loops and conditionals. Without `throughBounds`, a value carried by a
/// loop does not count the loop's bounds (only its initial and yielded
/// values).
void collectSources(ArrayRef<Value> roots, llvm::SetVector<UnknownKey> &out,
                    bool throughBounds = true) {
  SmallVector<Value> work(roots.begin(), roots.end());
  DenseSet<Value> seen;
  while (!work.empty()) {
    Value v = work.pop_back_val();
    if (!v || !seen.insert(v).second)
      continue;
    if (auto arg = dyn_cast<BlockArgument>(v);
        arg && isa<tile::KernelOp>(arg.getOwner()->getParentOp())) {
      if (widthOf(arg.getType()))
        out.insert({arg, -1});
      continue;
    }
    if (auto dim = v.getDefiningOp<tile::DimOp>()) {
      out.insert({dim.getDesc(), static_cast<int64_t>(dim.getIndex())});
      continue;
    }
    appendSources(v, throughBounds, work);
  }
}

/// Marks the registers that can decide what the role does next: the
/// operands of its protocol ops and of its control flow, and everything they
/// are computed from.
void Checker::markLive(Role &role) {
  role.live.assign(role.regs.size(), false);
  SmallVector<Value> work;
  for (const Inst &in : role.code) {
    if (in.kind == Inst::Protocol)
      work.append(in.op->operand_begin(), in.op->operand_end());
    else if (in.kind == Inst::ForEntry)
      work.push_back(cast<scf::ForOp>(in.op).getInductionVar());
    else if (in.kind == Inst::If)
      work.push_back(cast<scf::IfOp>(in.op).getCondition());
  }
  DenseSet<Value> seen;
  while (!work.empty()) {
    Value v = work.pop_back_val();
    if (!seen.insert(v).second)
      continue;
    auto reg = role.regs.find(v);
    if (reg == role.regs.end())
      continue; // defined above the roles: the same in every state
    role.live[reg->second] = true;
    appendSources(v, /*throughBounds=*/true, work);
  }
}

/// Static checks: slot expressions fit the depth, phases are parities, and
/// the arrival count of every aref is one that the consuming roles can give.
LogicalResult Checker::checkStructure() {
  // Slots `x mod c` and parities `x & c`.
  WalkResult result = ws.walk([&](Operation *op) {
    Value ref, slot, phase;
    if (auto e = dyn_cast<PutEnterOp>(op))
      ref = e.getRef(), slot = e.getSlot(), phase = e.getPhase();
    else if (auto e = dyn_cast<GetEnterOp>(op))
      ref = e.getRef(), slot = e.getSlot(), phase = e.getPhase();
    else if (auto e = dyn_cast<PutExitOp>(op))
      ref = e.getRef(), slot = e.getSlot();
    else if (auto e = dyn_cast<GetExitOp>(op))
      ref = e.getRef(), slot = e.getSlot();
    else if (auto e = dyn_cast<tile::AsyncLoadOp>(op))
      ref = e.getRef(), slot = e.getSlot();
    else
      return WalkResult::advance();
    int64_t depth = cast<RefType>(ref.getType()).getDepth();
    APInt c;
    if (matchPattern(slot, m_ConstantInt(&c))) {
      if (c.getSExtValue() < 0 || c.getSExtValue() >= depth) {
        op->emitError() << "slot " << c.getSExtValue()
                        << " is outside the aref's " << depth << " slots";
        return WalkResult::interrupt();
      }
    } else if (Operation *def = slot.getDefiningOp();
               def && isa<arith::RemUIOp, arith::RemSIOp>(def) &&
               matchPattern(def->getOperand(1), m_ConstantInt(&c)) &&
               c.getSExtValue() > depth) {
      op->emitError() << "slot `x " << def->getName().stripDialect() << " "
                      << c.getSExtValue() << "` reaches "
                      << c.getSExtValue() - 1 << ", outside the aref's "
                      << depth << " slots";
      return WalkResult::interrupt();
    }
    if (!phase)
      return WalkResult::advance();
    if (matchPattern(phase, m_ConstantInt(&c))) {
      if (c.getSExtValue() != 0 && c.getSExtValue() != 1) {
        op->emitError() << "phase " << c.getSExtValue()
                        << " is not a parity (0 or 1)";
        return WalkResult::interrupt();
      }
    } else if (auto andOp = phase.getDefiningOp<arith::AndIOp>();
               andOp && matchPattern(andOp.getRhs(), m_ConstantInt(&c)) &&
               c.getZExtValue() > 1) {
      op->emitError() << "phase `x & " << c.getZExtValue()
                      << "` is not a parity (0 or 1)";
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (result.wasInterrupted())
    return failure();

  // Arrival counts: each release by a role of w warps is ceil(w / 4)
  // arrivals; the count must be what some set of consuming roles gives.
  for (Aref &a : arefs) {
    SmallVector<std::pair<unsigned, Operation *>> consumers;
    for (const Role &role : roles) {
      // Where the role releases (else takes) the aref's slots.
      Operation *exit = nullptr, *enter = nullptr;
      ws.getRoles()[role.index].walk([&](Operation *op) {
        if (getArefOperand(op) != a.ref)
          return;
        if (!exit && isa<GetExitOp>(op))
          exit = op;
        if (!enter && isa<GetEnterOp>(op))
          enter = op;
      });
      if (exit || enter)
        consumers.push_back({role.index, exit ? exit : enter});
    }
    if (consumers.empty())
      continue;
    std::set<int64_t> sums = {0};
    for (auto [r, op] : consumers) {
      std::set<int64_t> more = sums;
      for (int64_t s : sums)
        more.insert(s + roles[r].groups);
      sums = std::move(more);
    }
    if (sums.count(a.arrivals))
      continue;
    int64_t total = 0;
    for (auto [r, op] : consumers)
      total += roles[r].groups;
    InFlightDiagnostic diag = a.create.emitError();
    diag << "arrival-count mismatch: aref.create expects " << a.arrivals
         << " arrival" << (a.arrivals == 1 ? "" : "s")
         << " on each empty barrier, but ";
    if (consumers.size() == 1)
      diag << "the consuming role gives " << total;
    else
      diag << "no set of the consuming roles gives that many (" << total
           << " in all)";
    diag << " per release (one per warp group): "
         << (a.arrivals > total
                 ? "the slots are never freed and the producer deadlocks"
             : consumers.size() == 1
                 ? "the slots are freed before every consumer released them"
                 : "a slot is freed early or never");
    for (auto [r, op] : consumers)
      diag.attachNote(op->getLoc())
          << roleName(r) << " releases with " << roles[r].groups
          << " warp group" << (roles[r].groups == 1 ? "" : "s");
    return failure();
  }
  return success();
}

/// Picks the values the run-time values take: for each loop whose bounds
/// one reaches, those that make it run 0, 1, 2, D-1, D, D+1 and 2D+1 times
/// (at most max-iterations), for every depth D in use. Of the combinations,
/// one is kept per distinct outcome: the iteration counts of the loops whose
/// bounds need no role to run, and the values that reach anything else.
void Checker::chooseBindings() {
  // What decides the protocol: loop bounds, conditions, slots, phases.
  SmallVector<Value> roots, otherRoots;
  SmallVector<scf::ForOp> loops;
  ws.walk([&](Operation *op) {
    if (auto loop = dyn_cast<scf::ForOp>(op)) {
      roots.append({loop.getLowerBound(), loop.getUpperBound(),
                    loop.getStep()});
      loops.push_back(loop);
    } else if (auto ifOp = dyn_cast<scf::IfOp>(op)) {
      otherRoots.push_back(ifOp.getCondition());
    } else if (auto select = dyn_cast<arith::SelectOp>(op)) {
      otherRoots.push_back(select.getCondition());
    } else if (isa<PutEnterOp, GetEnterOp>(op)) {
      otherRoots.append({op->getOperand(1), op->getOperand(2)});
    } else if (isa<PutExitOp, GetExitOp>(op)) {
      otherRoots.push_back(op->getOperand(1));
    } else if (auto load = dyn_cast<tile::AsyncLoadOp>(op)) {
      otherRoots.push_back(load.getSlot());
    }
  });
  roots.append(otherRoots.begin(), otherRoots.end());
  collectSources(roots, unknowns);
  if (unknowns.empty()) {
    bindings.push_back({});
    return;
  }

  // Iterations of `loop` under `b`, if its bounds need no role to run.
  auto tripsUnder = [&](scf::ForOp loop,
                        const Binding &b) -> std::optional<int64_t> {
    std::optional<int64_t> lb = staticValue(loop.getLowerBound(), &b);
    std::optional<int64_t> ub = staticValue(loop.getUpperBound(), &b);
    std::optional<int64_t> step = staticValue(loop.getStep(), &b);
    if (!lb || !ub || !step || *step <= 0)
      return std::nullopt;
    return tripCount(loop, *lb, *ub, *step);
  };

  std::set<int64_t> trips = {0, 1, std::min<int64_t>(2, maxIterations)};
  for (const Aref &a : arefs)
    for (int64_t t : {a.depth - 1, a.depth, a.depth + 1, 2 * a.depth + 1})
      trips.insert(std::clamp<int64_t>(t, 0, maxIterations));

  for (const UnknownKey &key : unknowns) {
    std::set<int64_t> values;
    for (scf::ForOp loop : loops) {
      llvm::SetVector<UnknownKey> bound;
      collectSources({loop.getLowerBound(), loop.getUpperBound()}, bound);
      if (!bound.contains(key))
        continue;
      // Iterations as a function of this value, the others at 1.
      auto tripsAt = [&](int64_t x) {
        Binding b;
        b[key] = x;
        return tripsUnder(loop, b).value_or(-1);
      };
      int64_t step = std::max<int64_t>(
          1, std::abs(staticValue(loop.getStep()).value_or(1)));
      for (int64_t t : trips) {
        // The largest value with t iterations: one below the least value
        // with more (iterations grow with the value in the loops Kiln
        // emits); else t steps.
        int64_t hi = 0;
        while (hi < (int64_t(1) << 30) && tripsAt(hi) <= t)
          hi = hi ? hi * 2 : 1;
        int64_t lo = hi / 2;
        while (lo < hi) {
          int64_t mid = lo + (hi - lo) / 2;
          if (tripsAt(mid) > t)
            hi = mid;
          else
            lo = mid + 1;
        }
        int64_t value = std::max<int64_t>(0, hi - 1);
        values.insert(tripsAt(value) == t ? value : t * step);
      }
    }
    if (values.empty())
      values.insert(trips.begin(), trips.end());
    candidates.emplace_back(values.begin(), values.end());
  }

  // What a binding changes: the iterations of loops with static bounds,
  // and the values that reach anything else.
  SmallVector<scf::ForOp> staticLoops;
  llvm::SetVector<UnknownKey> direct;
  collectSources(otherRoots, direct, /*throughBounds=*/false);
  Binding ones;
  for (scf::ForOp loop : loops) {
    if (tripsUnder(loop, ones))
      staticLoops.push_back(loop);
    else
      collectSources({loop.getLowerBound(), loop.getUpperBound(),
                      loop.getStep()},
                     direct, /*throughBounds=*/false);
  }

  // Every combination, smallest first; one per outcome; none under which
  // a loop runs more than max-iterations times.
  size_t combinations = 1;
  for (const auto &values : candidates)
    combinations = std::min<size_t>(kMaxCombinations + 1,
                                    combinations * values.size());
  std::vector<std::pair<size_t, SmallVector<int64_t>>> all;
  if (combinations <= kMaxCombinations) {
    SmallVector<size_t> index(candidates.size(), 0);
    for (size_t n = 0; n < combinations; ++n) {
      SmallVector<int64_t> values;
      size_t size = 0;
      for (auto [i, c] : llvm::enumerate(candidates)) {
        values.push_back(c[index[i]]);
        size += index[i];
      }
      all.push_back({size, values});
      for (size_t i = 0; i < index.size(); ++i) {
        if (++index[i] < candidates[i].size())
          break;
        index[i] = 0;
      }
    }
  } else {
    // Too many: each value in turn, the others at one iteration.
    SmallVector<int64_t> base;
    for (const auto &values : candidates)
      base.push_back(values[std::min<size_t>(1, values.size() - 1)]);
    all.push_back({0, base});
    for (auto [i, values] : llvm::enumerate(candidates))
      for (int64_t v : values)
        if (v != base[i]) {
          SmallVector<int64_t> b = base;
          b[i] = v;
          all.push_back({1, b});
        }
  }
  std::stable_sort(all.begin(), all.end(), [](const auto &x, const auto &y) {
    return x.first < y.first;
  });
  std::set<std::vector<int64_t>> outcomes;
  for (auto &[size, values] : all) {
    Binding b;
    for (auto [key, v] : llvm::zip(unknowns, values))
      b[key] = v;
    std::vector<int64_t> outcome;
    bool tooLong = false;
    for (scf::ForOp loop : staticLoops) {
      int64_t t = tripsUnder(loop, b).value_or(-1);
      tooLong |= t > maxIterations && holdsProtocol(loop);
      outcome.push_back(t);
    }
    for (const UnknownKey &key : direct)
      outcome.push_back(b.lookup(key));
    if (!tooLong && outcomes.insert(outcome).second)
      bindings.push_back(values);
  }
}

//===----------------------------------------------------------------------===//
// Evaluation
//===----------------------------------------------------------------------===//

int64_t Checker::dimValue(tile::DimOp dim) {
  auto it = binding.find(
      {dim.getDesc(), static_cast<int64_t>(dim.getIndex())});
  return it == binding.end() ? 1 : it->second;
}

Val Checker::external(Value v) {
  auto it = externals.find(v);
  if (it != externals.end())
    return it->second;
  Val result;
  if (auto arg = dyn_cast<BlockArgument>(v)) {
    Operation *owner = arg.getOwner()->getParentOp();
    if (!widthOf(arg.getType()))
      result = Val();
    else if (isa<tile::KernelOp>(owner)) {
      auto b = binding.find({arg, -1});
      result = Val::integer(
          norm(b == binding.end() ? 1 : b->second, widthOf(arg.getType())));
    } else {
      result = Val::unknown(owner);
    }
  } else {
    Operation *def = v.getDefiningOp();
    SmallVector<Val> in, out;
    if (def->getNumRegions() == 0)
      for (Value operand : def->getOperands())
        in.push_back(external(operand));
    if (def->getNumRegions() != 0) {
      for (Value r : def->getResults())
        out.push_back(widthOf(r.getType()) ? Val::unknown(def) : Val());
    } else if (!evalScalar(def, in, out,
                           [&](tile::DimOp d) { return dimValue(d); })) {
      undefined = true;
      out.assign(def->getNumResults(), Val::unknown(def));
    }
    result = out[cast<OpResult>(v).getResultNumber()];
  }
  externals[v] = result;
  return result;
}

Val Checker::read(const RoleState &rs, const Role &role, Value v) {
  auto it = role.regs.find(v);
  if (it != role.regs.end())
    return rs.regs[it->second];
  return external(v);
}

std::optional<int64_t> Checker::readInt(const RoleState &rs, const Role &role,
                                        Value v, Operation *user,
                                        StringRef what, Failure &f) {
  Val val = read(rs, role, v);
  if (val.kind == Val::Int)
    return val.v;
  f.op = user;
  f.cannotCheck = true;
  f.message = ("cannot check: the " + what +
               " depends on a value the protocol checker cannot evaluate")
                  .str();
  if (val.kind == Val::Unknown && val.origin)
    f.notes.push_back({val.origin->getLoc(),
                       ("'" + val.origin->getName().getStringRef() +
                        "' gives it; only integer arith, tile.dim, "
                        "tile.program_id and integer kernel arguments are "
                        "modeled")
                           .str()});
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Stepping
//===----------------------------------------------------------------------===//

std::string Checker::slotName(const char *barrier, int flat) {
  const Aref &a = arefOfSlot(flat);
  std::string s =
      std::string(barrier) + "[" + std::to_string(flat - a.base) + "]";
  if (arefs.size() > 1)
    s += " of aref " + std::to_string(arefIndex(a.ref));
  return s;
}

/// Evaluates the slot operand of `op` and checks it names a slot of `ref`.
Status Checker::slotOf(const State &st, unsigned r, Operation *op, Value ref,
                       Value slot, int &flat, int64_t &s, Failure &f) {
  std::optional<int64_t> v =
      readInt(st.roles[r], roles[r], slot, op, "slot", f);
  if (!v)
    return Status::Failed;
  const Aref &a = arefs[arefIndex(ref)];
  if (*v < 0 || *v >= a.depth) {
    f.op = op;
    f.message = "slot " + std::to_string(*v) + " is outside the aref's " +
                std::to_string(a.depth) + " slots";
    return Status::Failed;
  }
  s = *v;
  flat = static_cast<int>(a.base + *v);
  return Status::Ok;
}

/// True if role `r` waits at a put.enter or get.enter whose phase has not
/// completed. Operands the model cannot evaluate count as not blocked: the
/// step then reports them.
bool Checker::blocked(const State &st, unsigned r) {
  const Role &role = roles[r];
  const RoleState &rs = st.roles[r];
  const Inst &in = role.code[rs.pc];
  if (in.kind != Inst::Protocol || !isa<PutEnterOp, GetEnterOp>(in.op))
    return false;
  Failure ignored;
  int flat;
  int64_t s;
  if (slotOf(st, r, in.op, in.op->getOperand(0), in.op->getOperand(1), flat,
             s, ignored) != Status::Ok)
    return false;
  std::optional<int64_t> phase =
      readInt(rs, role, in.op->getOperand(2), in.op, "phase", ignored);
  if (!phase || (*phase != 0 && *phase != 1))
    return false;
  const BarrierState &b =
      isa<PutEnterOp>(in.op) ? st.empty[flat] : st.full[flat];
  return (b.completed & 1) == *phase;
}

Status Checker::execProtocol(State &st, unsigned r, Failure &f) {
  const Role &role = roles[r];
  RoleState &rs = st.roles[r];
  Operation *op = role.code[rs.pc].op;
  int flat = -1;
  int64_t s = 0;
  auto fail = [&](const Twine &message) {
    f.op = op;
    f.message = message.str();
    return Status::Failed;
  };

  if (isa<PutEnterOp, GetEnterOp>(op)) {
    bool producer = isa<PutEnterOp>(op);
    Value ref = op->getOperand(0);
    if (slotOf(st, r, op, ref, op->getOperand(1), flat, s, f) != Status::Ok)
      return Status::Failed;
    std::optional<int64_t> phase =
        readInt(rs, role, op->getOperand(2), op, "phase", f);
    if (!phase)
      return Status::Failed;
    if (*phase != 0 && *phase != 1)
      return fail("phase " + Twine(*phase) + " is not a parity (0 or 1)");
    BarrierState &b = producer ? st.empty[flat] : st.full[flat];
    if ((b.completed & 1) == *phase)
      return Status::Blocked;
    Val buffer;
    buffer.kind = Val::Buffer;
    buffer.aref = static_cast<int16_t>(arefIndex(ref));
    buffer.slot = static_cast<int32_t>(s);
    buffer.producer = producer;
    // The producer fills the slot's next fill; a consumer reads the fill
    // whose phase just completed (-1: the initial phase, no fill at all).
    buffer.v = producer ? st.full[flat].completed : b.completed - 1;
    for (Value result : op->getResults())
      write(rs, role, result, buffer);
    ++rs.holds[flat];
    rs.lastEnter[flat] = rs.pc;
    if (!producer)
      rs.heldFill[flat] = buffer.v;
    ++rs.pc;
    return Status::Ok;
  }

  if (auto exit = dyn_cast<PutExitOp>(op)) {
    if (slotOf(st, r, op, exit.getRef(), exit.getSlot(), flat, s, f) !=
        Status::Ok)
      return Status::Failed;
    if (rs.holds[flat] == 0)
      return fail("publishes slot " + Twine(s) + ", which " + roleName(r) +
                  " did not enter with aref.put.enter");
    --rs.holds[flat];
    BarrierState &b = st.full[flat];
    if (b.pending == 0)
      return fail("arrival-count mismatch: " + slotName("full", flat) +
                  " receives a second arrival in one phase; it expects 1");
    --b.pending;
    if (exit.getAsync())
      b.tx += arefs[arefIndex(exit.getRef())].slotBytes;
    if (b.pending == 0 && b.tx < 0)
      return fail("expect_tx mismatch: " + slotName("full", flat) +
                  " received " + Twine(-b.tx) + " transaction bytes more "
                  "than aref.put.exit" + (exit.getAsync() ? " async" : "") +
                  " expects");
    if (b.pending == 0 && b.tx == 0) {
      ++b.completed;
      b.pending = 1;
    }
    ++rs.pc;
    return Status::Ok;
  }

  if (auto load = dyn_cast<tile::AsyncLoadOp>(op)) {
    Val buffer = read(rs, role, load.getBuffer());
    if (buffer.kind != Val::Buffer)
      return f.cannotCheck = true,
             fail("cannot check: the buffer of tile.async_load does not come "
                  "from aref.put.enter");
    if (!buffer.producer)
      return fail("writes a buffer handed out by aref.get.enter; only the "
                  "producer writes slots");
    if (slotOf(st, r, op, load.getRef(), load.getSlot(), flat, s, f) !=
        Status::Ok)
      return Status::Failed;
    const Aref &target = arefs[arefIndex(load.getRef())];
    int written = static_cast<int>(arefs[buffer.aref].base + buffer.slot);
    auto type = cast<MemRefType>(load.getBuffer().getType());
    int64_t bytes = type.getNumElements() *
                    ((type.getElementTypeBitWidth() + 7) / 8);
    if (written != flat)
      return fail("expect_tx mismatch: the copy writes the buffer of slot " +
                  Twine(buffer.slot) +
                  (buffer.aref != arefIndex(target.ref) ? " of another aref"
                                                        : "") +
                  " but completes its " + Twine(bytes) + " bytes on " +
                  slotName("full", flat) + ", so " +
                  slotName("full", written) +
                  " waits for bytes that never come");
    BarrierState &full = st.full[flat];
    const BarrierState &empty = st.empty[flat];
    if (buffer.v < full.completed && empty.completed == full.completed - 1)
      return fail("write after publish: the copy writes slot " + Twine(s) +
                  " after " + slotName("full", flat) +
                  " completed the phase of this fill, so consumers may read "
                  "the slot before the copy lands (does aref.put.exit lack "
                  "`async`?)");
    if (empty.completed != full.completed)
      return fail("write before consumed: the copy writes slot " + Twine(s) +
                  " while its contents (fill " + Twine(full.completed - 1) +
                  ") are not released by every consumer: " +
                  slotName("empty", flat) + " phase " +
                  Twine(empty.completed) + " in progress, " +
                  Twine(empty.pending) + " of " + Twine(target.arrivals) +
                  " arrivals missing");
    full.tx -= bytes;
    if (full.pending == 0 && full.tx < 0)
      return fail("expect_tx mismatch: " + slotName("full", flat) +
                  " receives " + Twine(-full.tx) +
                  " transaction bytes more than aref.put.exit async armed "
                  "for this phase");
    if (full.pending == 0 && full.tx == 0) {
      ++full.completed;
      full.pending = 1;
    }
    ++rs.pc;
    return Status::Ok;
  }

  if (auto mma = dyn_cast<tile::MmaOp>(op)) {
    SmallVector<int32_t, 2> group;
    for (Value operand : {mma.getA(), Value(mma.getB())}) {
      Val buffer = read(rs, role, operand);
      if (buffer.kind != Val::Buffer)
        continue;
      if (buffer.producer)
        return f.cannotCheck = true,
               fail("cannot check: tile.mma reads a buffer handed out by "
                    "aref.put.enter");
      int slot = static_cast<int>(arefs[buffer.aref].base + buffer.slot);
      if (rs.holds[slot] == 0)
        return fail("reads slot " + Twine(buffer.slot) + " after " +
                    roleName(r) + " released it with aref.get.exit");
      if (buffer.v < 0)
        return fail("read before full: tile.mma reads slot " +
                    Twine(buffer.slot) +
                    " before the producer filled it: its aref.get.enter "
                    "passed on the initial phase of " +
                    slotName("full", slot));
      if (st.empty[slot].completed > buffer.v &&
          rs.releasedFill[slot] < buffer.v)
        return fail("arrival-count mismatch: tile.mma reads slot " +
                    Twine(buffer.slot) + ", but " + slotName("empty", slot) +
                    " completed the phase that frees this fill before " +
                    roleName(r) + " released it: aref.create arrivals " +
                    Twine(arefs[buffer.aref].arrivals) +
                    " is fewer than the consuming roles give per fill");
      if (st.empty[slot].completed > buffer.v)
        return fail("read before full: tile.mma reads slot " +
                    Twine(buffer.slot) +
                    ", but its full phase for this use has not completed: "
                    "its aref.get.enter passed on phase " + Twine(buffer.v) +
                    " of " + slotName("full", slot) +
                    ", whose contents the consumers already released");
      if (!llvm::is_contained(group, slot))
        group.push_back(slot);
    }
    rs.mma.push_back(group);
    ++rs.pc;
    return Status::Ok;
  }

  auto exit = cast<GetExitOp>(op);
  if (slotOf(st, r, op, exit.getRef(), exit.getSlot(), flat, s, f) !=
      Status::Ok)
    return Status::Failed;
  const Aref &a = arefs[arefIndex(exit.getRef())];
  if (rs.holds[flat] == 0)
    return fail("releases slot " + Twine(s) + ", which " + roleName(r) +
                " does not hold (no aref.get.enter of it since its last "
                "release)");
  for (auto [i, group] : llvm::enumerate(rs.mma))
    if (llvm::is_contained(group, flat))
      return fail("release before the wgmma retired: slot " + Twine(s) +
                  " is given back while a tile.mma reading it is in flight (" +
                  Twine(rs.mma.size()) + " MMA group" +
                  (rs.mma.size() == 1 ? "" : "s") +
                  " outstanding; wait with tile.mma_wait {pending = " +
                  Twine(rs.mma.size() - i - 1) + "} first)");
  BarrierState &b = st.empty[flat];
  int64_t fill = rs.heldFill[flat];
  if (fill < 0)
    return fail("releases slot " + Twine(s) +
                ", which the producer never filled: its aref.get.enter "
                "passed on the initial phase of " + slotName("full", flat));
  if (b.completed > fill)
    return fail("arrival-count mismatch: " + slotName("empty", flat) +
                " already completed the phase that frees this fill before " +
                roleName(r) + " released it: aref.create arrivals " +
                Twine(a.arrivals) +
                " is fewer than the consuming roles give per fill");
  if (b.pending < role.groups)
    return fail("arrival-count mismatch: the " + Twine(role.groups) +
                " warp groups of " + roleName(r) + " arrive on " +
                slotName("empty", flat) + ", which expects only " +
                Twine(b.pending) + " more arrival" +
                (b.pending == 1 ? "" : "s") + " in this phase (" +
                Twine(a.arrivals) + " per phase)");
  b.pending -= role.groups;
  rs.releasedFill[flat] = fill;
  if (b.pending == 0) {
    ++b.completed;
    b.pending = a.arrivals;
  }
  --rs.holds[flat];
  ++rs.pc;
  return Status::Ok;
}

Status Checker::execLocal(State &st, unsigned r, Failure &f) {
  const Role &role = roles[r];
  RoleState &rs = st.roles[r];
  const Inst &in = role.code[rs.pc];
  Operation *op = in.op;
  auto unknownResults = [&](Operation *origin) {
    for (Value result : origin->getResults())
      write(rs, role, result,
            widthOf(result.getType()) ? Val::unknown(origin) : Val());
  };

  switch (in.kind) {
  case Inst::Local: {
    if (auto wait = dyn_cast<tile::MmaWaitOp>(op)) {
      size_t keep = static_cast<size_t>(wait.getPending());
      if (rs.mma.size() > keep)
        rs.mma.erase(rs.mma.begin(), rs.mma.end() - keep);
      write(rs, role, wait.getResult(), Val());
      ++rs.pc;
      return Status::Ok;
    }
    SmallVector<Val> ins, outs;
    for (Value operand : op->getOperands()) {
      Val v = read(rs, role, operand);
      if (v.kind == Val::Buffer && !isa<arith::SelectOp>(op)) {
        f.op = op;
        f.cannotCheck = true;
        f.message = ("cannot check: '" + op->getName().getStringRef() +
                     "' uses a buffer of an aref slot; the protocol checker "
                     "follows buffers only into tile.async_load and tile.mma")
                        .str();
        return Status::Failed;
      }
      ins.push_back(v);
    }
    if (op->getNumRegions() != 0)
      unknownResults(op);
    else if (!evalScalar(op, ins, outs,
                         [&](tile::DimOp d) { return dimValue(d); }))
      return Status::OutOfDomain;
    else
      for (auto [result, v] : llvm::zip(op->getResults(), outs))
        write(rs, role, result, v);
    ++rs.pc;
    return Status::Ok;
  }
  case Inst::ForEntry: {
    auto loop = cast<scf::ForOp>(op);
    Val lb = read(rs, role, loop.getLowerBound());
    Val ub = read(rs, role, loop.getUpperBound());
    Val step = read(rs, role, loop.getStep());
    if (!in.relevant && (lb.kind != Val::Int || ub.kind != Val::Int ||
                         step.kind != Val::Int)) {
      unknownResults(loop);
      rs.pc = in.target;
      return Status::Ok;
    }
    std::optional<int64_t> l = readInt(rs, role, loop.getLowerBound(), op,
                                       "lower bound of the loop", f);
    std::optional<int64_t> u = readInt(rs, role, loop.getUpperBound(), op,
                                       "upper bound of the loop", f);
    std::optional<int64_t> k =
        readInt(rs, role, loop.getStep(), op, "step of the loop", f);
    if (!l || !u || !k)
      return Status::Failed;
    if (*k <= 0) {
      f.op = op;
      f.cannotCheck = true;
      f.message = "cannot check: the step of the loop is " +
                  std::to_string(*k) + "; it must be positive";
      return Status::Failed;
    }
    if (tripCount(loop, *l, *u, *k) > maxIterations) {
      if (in.relevant)
        return Status::OutOfDomain;
      unknownResults(loop);
      rs.pc = in.target;
      return Status::Ok;
    }
    write(rs, role, loop.getInductionVar(), Val::integer(*l));
    for (auto [arg, init] :
         llvm::zip(loop.getRegionIterArgs(), loop.getInitArgs()))
      write(rs, role, arg, read(rs, role, init));
    ++rs.pc;
    return Status::Ok;
  }
  case Inst::ForCond: {
    auto loop = cast<scf::ForOp>(op);
    int64_t iv = read(rs, role, loop.getInductionVar()).v;
    int64_t ub = read(rs, role, loop.getUpperBound()).v;
    unsigned w = widthOf(loop.getLowerBound().getType());
    bool more = loop.getUnsignedCmp() ? unsignedOf(iv, w) < unsignedOf(ub, w)
                                      : iv < ub;
    if (more) {
      ++rs.pc;
      return Status::Ok;
    }
    for (auto [result, arg] :
         llvm::zip(loop.getResults(), loop.getRegionIterArgs()))
      write(rs, role, result, read(rs, role, arg));
    rs.pc = in.target;
    return Status::Ok;
  }
  case Inst::ForNext: {
    auto loop = cast<scf::ForOp>(op->getParentOp());
    SmallVector<Val> next;
    for (Value v : op->getOperands())
      next.push_back(read(rs, role, v));
    for (auto [arg, v] : llvm::zip(loop.getRegionIterArgs(), next))
      write(rs, role, arg, v);
    unsigned w = widthOf(loop.getLowerBound().getType());
    int64_t iv = read(rs, role, loop.getInductionVar()).v;
    int64_t step = read(rs, role, loop.getStep()).v;
    write(rs, role, loop.getInductionVar(),
          Val::integer(norm(static_cast<int64_t>(static_cast<uint64_t>(iv) +
                                                 static_cast<uint64_t>(step)),
                            w)));
    rs.pc = in.target;
    return Status::Ok;
  }
  case Inst::If: {
    auto ifOp = cast<scf::IfOp>(op);
    Val cond = read(rs, role, ifOp.getCondition());
    if (cond.kind != Val::Int) {
      if (in.relevant) {
        readInt(rs, role, ifOp.getCondition(), op, "condition", f);
        return Status::Failed;
      }
      unknownResults(ifOp);
      rs.pc = in.target2;
      return Status::Ok;
    }
    rs.pc = cond.v != 0 ? rs.pc + 1 : in.target;
    return Status::Ok;
  }
  case Inst::IfYield: {
    Operation *parent = op->getParentOp();
    SmallVector<Val> values;
    for (Value v : op->getOperands())
      values.push_back(read(rs, role, v));
    for (auto [result, v] : llvm::zip(parent->getResults(), values))
      write(rs, role, result, v);
    rs.pc = in.target;
    return Status::Ok;
  }
  case Inst::Protocol:
  case Inst::End:
    break;
  }
  llvm_unreachable("not a local instruction");
}

/// Role `r` reached its end: it must hold no slot.
Status Checker::finish(State &st, unsigned r, Failure &f) {
  const RoleState &rs = st.roles[r];
  for (unsigned flat = 0; flat < numSlots; ++flat) {
    if (rs.holds[flat] == 0)
      continue;
    Operation *enter = roles[r].code[rs.lastEnter[flat]].op;
    f.op = enter;
    int64_t s = flat - arefOfSlot(flat).base;
    f.message =
        isa<PutEnterOp>(enter)
            ? roleName(r) + " ends holding slot " + std::to_string(s) +
                  ": it entered it here and never published it with "
                  "aref.put.exit, so the consumers wait forever"
            : roleName(r) + " ends holding slot " + std::to_string(s) +
                  ": it entered it here and never released it with "
                  "aref.get.exit, so the producer's next use of the slot "
                  "blocks forever";
    return Status::Failed;
  }
  return Status::Ok;
}

/// Runs role `r` through local instructions up to its next protocol op or
/// its end.
Status Checker::advance(State &st, unsigned r, Failure &f) {
  const Role &role = roles[r];
  RoleState &rs = st.roles[r];
  while (true) {
    if (undefined)
      return Status::OutOfDomain;
    const Inst &in = role.code[rs.pc];
    if (in.kind == Inst::Protocol)
      return Status::Ok;
    if (in.kind == Inst::End)
      return finish(st, r, f);
    Status s = execLocal(st, r, f);
    if (s != Status::Ok)
      return s;
  }
}

//===----------------------------------------------------------------------===//
// Exploration
//===----------------------------------------------------------------------===//

std::string Checker::describeWait(const State &st, unsigned r) {
  const RoleState &rs = st.roles[r];
  Operation *op = roles[r].code[rs.pc].op;
  Failure ignored;
  int flat;
  int64_t s;
  slotOf(st, r, op, op->getOperand(0), op->getOperand(1), flat, s, ignored);
  int64_t phase = read(rs, roles[r], op->getOperand(2)).v;
  bool producer = isa<PutEnterOp>(op);
  const BarrierState &b = producer ? st.empty[flat] : st.full[flat];
  const Aref &a = arefOfSlot(flat);
  std::string text = roleName(r) + " waits " +
                     slotName(producer ? "empty" : "full", flat) +
                     " parity " + std::to_string(phase) + " (phase " +
                     std::to_string(b.completed) + " in progress, " +
                     std::to_string(b.pending) + " of " +
                     std::to_string(producer ? a.arrivals : 1) +
                     " arrivals";
  if (!producer)
    text += " and " + std::to_string(std::max<int64_t>(b.tx, 0)) +
            " transaction bytes";
  return text + " missing)";
}

std::string Checker::describeRole(const State &st, unsigned r) {
  const RoleState &rs = st.roles[r];
  const Inst &in = roles[r].code[rs.pc];
  if (in.kind == Inst::End)
    return roleName(r) + " has finished";
  if (blocked(st, r))
    return describeWait(st, r);
  return roleName(r) + " is about to run '" +
         in.op->getName().getStringRef().str() + "'";
}

std::string Checker::bindingText() {
  if (unknowns.empty())
    return "";
  std::string text;
  llvm::raw_string_ostream os(text);
  os << " with ";
  for (auto [i, key] : llvm::enumerate(unknowns)) {
    if (i)
      os << ", ";
    if (key.second >= 0) {
      os << "tile.dim ";
      key.first.printAsOperand(os, OpPrintingFlags());
      os << ", " << key.second;
    } else {
      key.first.printAsOperand(os, OpPrintingFlags());
    }
    os << " = " << binding.lookup(key);
  }
  return text;
}

void Checker::report(const Failure &f, const State &at,
                     ArrayRef<unsigned> path,
                     std::optional<unsigned> failingRole) {
  InFlightDiagnostic diag = f.op->emitError(f.message);
  for (const auto &[loc, text] : f.notes)
    diag.attachNote(loc) << text;
  if (f.cannotCheck)
    return;
  for (unsigned r = 0; r < roles.size(); ++r) {
    if (failingRole && r == *failingRole)
      continue;
    const Inst &in = roles[r].code[at.roles[r].pc];
    Location loc = in.kind == Inst::End ? ws.getLoc() : in.op->getLoc();
    diag.attachNote(loc) << describeRole(at, r);
  }
  std::string steps;
  for (size_t i = 0; i < path.size();) {
    size_t j = i;
    while (j < path.size() && path[j] == path[i])
      ++j;
    if (!steps.empty())
      steps += ", ";
    steps += "role " + std::to_string(path[i]) + " x" + std::to_string(j - i);
    i = j;
  }
  diag.attachNote(ws.getLoc())
      << (steps.empty() ? "reached before any step"
                        : "reached after the interleaving " + steps)
      << bindingText();
}

Checker::Outcome Checker::explore() {
  externals.clear();
  undefined = false;

  State init;
  for (const Aref &a : arefs)
    for (int64_t s = 0; s < a.depth; ++s) {
      init.full.push_back({0, 1, 0});
      init.empty.push_back({0, a.arrivals, 0});
    }
  for (const Role &role : roles) {
    RoleState rs;
    rs.regs.resize(role.regs.size());
    rs.holds.assign(numSlots, 0);
    rs.lastEnter.assign(numSlots, -1);
    rs.heldFill.assign(numSlots, -1);
    rs.releasedFill.assign(numSlots, -1);
    init.roles.push_back(std::move(rs));
  }
  // Every role runs to its first protocol op; the first failure is
  // reported with the others in place.
  std::optional<std::pair<unsigned, Failure>> failed;
  for (unsigned r = 0; r < roles.size(); ++r) {
    Failure f;
    Status s = advance(init, r, f);
    if (s == Status::OutOfDomain)
      return Outcome::OutOfDomain;
    if (s == Status::Failed && !failed)
      failed = {r, f};
  }
  if (failed) {
    report(failed->second, init, {}, failed->first);
    return Outcome::Fail;
  }

  struct Node {
    State state;
    int parent;
    unsigned role;
  };
  std::deque<Node> nodes; // stable: States are never copied on growth
  std::unordered_set<std::vector<int64_t>, KeyHash> seen;
  std::vector<int64_t> key;
  init.encode(roles, key);
  seen.insert(key);
  nodes.push_back({std::move(init), -1, 0});

  auto pathTo = [&](int node) {
    SmallVector<unsigned> path;
    for (int n = node; n > 0; n = nodes[n].parent)
      path.push_back(nodes[n].role);
    std::reverse(path.begin(), path.end());
    return path;
  };

  for (size_t current = 0; current < nodes.size(); ++current) {
    State state = std::move(nodes[current].state);
    nodes[current].state = State();
    bool anyLive = false, anyStep = false;
    for (unsigned r = 0; r < roles.size(); ++r) {
      if (roles[r].code[state.roles[r].pc].kind == Inst::End)
        continue;
      anyLive = true;
      if (blocked(state, r))
        continue;
      anyStep = true;
      State next = state;
      Failure f;
      Status s = execProtocol(next, r, f);
      if (s == Status::Ok)
        s = advance(next, r, f);
      if (s == Status::OutOfDomain)
        return Outcome::OutOfDomain;
      if (s == Status::Failed) {
        SmallVector<unsigned> path = pathTo(static_cast<int>(current));
        path.push_back(r);
        report(f, state, path, r);
        return Outcome::Fail;
      }
      if (s == Status::Blocked)
        continue;
      next.encode(roles, key);
      if (seen.count(key))
        continue;
      if (static_cast<int64_t>(nodes.size()) >= maxStates)
        return Outcome::Incomplete;
      seen.insert(key);
      nodes.push_back({std::move(next), static_cast<int>(current), r});
    }
    if (anyLive && !anyStep) {
      Failure f;
      f.op = ws;
      f.message = "deadlock: every unfinished role is blocked";
      // A full barrier whose arrival came but whose bytes never will.
      for (unsigned r = 0; r < roles.size(); ++r) {
        Operation *op = roles[r].code[state.roles[r].pc].op;
        auto enter = dyn_cast_or_null<GetEnterOp>(op);
        int flat;
        int64_t s;
        Failure ignored;
        if (!enter || slotOf(state, r, op, enter.getRef(), enter.getSlot(),
                             flat, s, ignored) != Status::Ok)
          continue;
        const BarrierState &b = state.full[flat];
        if (b.pending == 0 && b.tx > 0) {
          f.message += "; expect_tx mismatch: " + slotName("full", flat) +
                       " waits for " + std::to_string(b.tx) +
                       " transaction bytes that no copy delivers";
          break;
        }
      }
      report(f, state, pathTo(static_cast<int>(current)), std::nullopt);
      return Outcome::Fail;
    }
  }
  LLVM_DEBUG(llvm::dbgs() << "aref-verify-protocol: " << nodes.size()
                          << " states" << bindingText() << "\n");
  return Outcome::Pass;
}

bool Checker::run() {
  // Only the lowering level is checked.
  bool valueLevel = false, lowering = false;
  ws.walk([&](Operation *op) {
    valueLevel |= isa<PutOp, GetOp, ConsumedOp>(op);
    lowering |= isProtocolOp(op);
  });
  if (valueLevel || !lowering)
    return true;

  if (failed(collectArefs()))
    return false;
  ArrayRef<int32_t> warps = ws.getWarps();
  for (auto [i, region] : llvm::enumerate(ws.getRoles())) {
    Role role;
    role.index = static_cast<unsigned>(i);
    role.warps = i < warps.size() ? warps[i] : 0;
    role.groups = std::max<int64_t>(
        1, (role.warps + hopper::kWarpsPerGroup - 1) / hopper::kWarpsPerGroup);
    if (!region.empty() && failed(compile(role, region.front())))
      return false;
    role.code.push_back({Inst::End});
    markLive(role);
    roles.push_back(std::move(role));
  }
  if (failed(checkStructure()))
    return false;
  chooseBindings();

  bool explored = false;
  std::string incomplete;
  for (ArrayRef<int64_t> values : bindings) {
    binding.clear();
    for (auto [key, v] : llvm::zip(unknowns, values))
      binding[key] = v;
    switch (explore()) {
    case Outcome::Fail:
      return false;
    case Outcome::Pass:
      explored = true;
      break;
    case Outcome::Incomplete:
      if (incomplete.empty())
        incomplete = "stopped after " + std::to_string(maxStates) +
                     " states (max-states)" + bindingText();
      break;
    case Outcome::OutOfDomain:
      break;
    }
  }
  if (!incomplete.empty())
    ws.emitWarning() << "exploration incomplete: " << incomplete
                     << "; no protocol error found so far";
  else if (!explored)
    ws.emitWarning() << "exploration incomplete: under every binding of the "
                        "run-time values tried, some loop runs more than "
                     << maxIterations
                     << " iterations (max-iterations) or a value is "
                        "undefined";
  return true;
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

class ArefVerifyProtocolPass final
    : public kiln::aref::impl::ArefVerifyProtocolPassBase<
          ArefVerifyProtocolPass> {
public:
  using ArefVerifyProtocolPassBase::ArefVerifyProtocolPassBase;

  void runOnOperation() override {
    SmallVector<tile::WarpSpecializeOp> all;
    getOperation().walk([&](tile::WarpSpecializeOp ws) { all.push_back(ws); });
    // The protocol is checked between the roles of a tile.warp_specialize;
    // an aref used outside one (a get that nothing puts, say) would pass
    // unchecked and wait forever on the GPU.
    WalkResult outside = getOperation().walk([](Operation *op) -> WalkResult {
      Dialect *dialect = op->getDialect();
      if (!dialect || dialect->getNamespace() != "aref" || isa<CreateOp>(op) ||
          op->getParentOfType<tile::WarpSpecializeOp>())
        return WalkResult::advance();
      op->emitOpError() << "is outside every tile.warp_specialize role; "
                           "arefs carry data between roles, and only there "
                           "is their protocol checked";
      return WalkResult::interrupt();
    });
    if (outside.wasInterrupted())
      return signalPassFailure();
    bool ok = true;
    for (tile::WarpSpecializeOp ws : all) {
      Checker checker(ws, std::max<int64_t>(1, maxIterations),
                      std::max<int64_t>(1, maxStates));
      ok &= checker.run();
    }
    if (!ok)
      signalPassFailure();
  }
};

} // namespace
