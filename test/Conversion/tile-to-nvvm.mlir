// RUN: kiln-opt %s -split-input-file -convert-tile-to-nvvm -verify-diagnostics | FileCheck %s --enable-var-scope

#L = #tile.blocked<elems = [4], threads = [32], warps = [4]>

// A descriptor of rank 2 becomes pointer, two i32 extents and one i64
// stride; scalars stay. The launcher's metadata rides along.
// CHECK-LABEL: llvm.func @signature
// CHECK-SAME: (%[[BASE:.*]]: !llvm.ptr<1> {llvm.noalias, llvm.readonly}, %[[M:.*]]: i32, %[[N:.*]]: i32, %[[S0:.*]]: i64, %[[ALPHA:.*]]: f32)
// CHECK-SAME: kiln.kernel = {grid = [#tile.extent<arg = 0, dim = 1, div = 64>, #tile.extent<value = 1>], name = "signature"
// CHECK-SAME: params = [{arg = 0 : i64, block = array<i64: 16, 64>, dtype = "bf16", kind = "tensor", name = "x", rank = 2 : i64, read = false, tma = false, written = false}, {arg = 1 : i64, dtype = "f32", kind = "scalar", name = "alpha"}]
// CHECK-SAME: threads = 256 : i64
// CHECK-SAME: nvvm.kernel, nvvm.maxntid = array<i32: 256, 1, 1>
// CHECK: %[[PID:.*]] = nvvm.read.ptx.sreg.ctaid.y : i32
// CHECK: %[[NP:.*]] = nvvm.read.ptx.sreg.nctaid.x : i32
// CHECK: arith.addi %[[PID]], %[[N]]
// CHECK: arith.addi %{{.*}}, %[[NP]]
// CHECK: llvm.return
tile.kernel @signature(%x: !tile.desc<16x64xbf16>, %alpha: f32) grid(%x[1] / 64, 1)
    attributes {num_warps = 8} {
  %pid = tile.program_id y
  %np = tile.num_programs x
  %n = tile.dim %x, 1 : !tile.desc<16x64xbf16>
  %a = arith.addi %pid, %n : i32
  %b = arith.addi %a, %np : i32
  tile.return
}

// -----

#L = #tile.blocked<elems = [4], threads = [32], warps = [4]>

// Each run of 4 f32 is one aligned 16-byte load when it lies inside the
// tensor, else 4 masked scalar loads that read zero outside it.
// CHECK-LABEL: llvm.func @load
// CHECK-SAME: (%[[BASE:.*]]: !llvm.ptr<1> {llvm.noalias, llvm.readonly}, %[[EXTENT:.*]]: i32, %[[I:.*]]: i32)
// CHECK: %[[TID:.*]] = nvvm.read.ptx.sreg.tid.x : i32
// CHECK: %[[ADDR:.*]] = llvm.getelementptr %[[BASE]][%{{.*}}] : (!llvm.ptr<1>, i64) -> !llvm.ptr<1>, f32
// CHECK: %[[INSIDE:.*]] = arith.cmpi slt, %{{.*}}, %[[EXTENT]] : i32
// CHECK: %[[FAST:.*]] = scf.if %{{.*}} -> (vector<4xf32>) {
// CHECK:   llvm.load %[[ADDR]] {alignment = 16 : i64} : !llvm.ptr<1> -> vector<4xf32>
// CHECK: } else {
// CHECK:   scf.if %{{.*}} -> (f32) {
// CHECK:     llvm.load %{{.*}} : !llvm.ptr<1> -> f32
// CHECK:   } else {
// CHECK:     arith.constant 0.000000e+00 : f32
// CHECK: vector.from_elements {{.*}} : vector<8xf32>
tile.kernel @load(%x: !tile.desc<1024xf32>, %i: i32) {
  %t = tile.load %x[%i] : !tile.desc<1024xf32> -> tensor<1024xf32, #L>
  tile.return
}

// -----

#L = #tile.blocked<elems = [1, 8], threads = [2, 16], warps = [4, 1]>

// Stores of bf16 go out 8 at a time (16 bytes); the address uses the row
// stride. A tile inside the tensor with aligned rows is written with no
// check per run: one test of the tile (origin >= 0 and origin <= extent -
// shape, per dimension) and of alignment, then the 8 vector stores a thread
// makes, unconditionally. Elsewhere each run is checked, and elements
// outside the tensor are skipped one by one. The metadata marks the
// stored-to tensor written, so the runtime rejects overlapping rows for it.
// CHECK-LABEL: llvm.func @store
// CHECK-SAME: (%[[BASE:.*]]: !llvm.ptr<1> {llvm.noalias}, %[[ROWS:.*]]: i32, %[[COLS:.*]]: i32, %[[STRIDE:.*]]: i64, %[[V:.*]]: bf16, %[[I:.*]]: i32, %[[J:.*]]: i32)
// CHECK-SAME: name = "y", rank = 2 : i64, read = false, tma = false, written = true}
// CHECK: %[[VEC:.*]] = vector.broadcast %[[V]] : bf16 to vector<64xbf16>
// CHECK: arith.muli %{{.*}}, %[[STRIDE]] overflow<nsw> : i64
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK: %[[ROW_LO:.*]] = arith.cmpi sge, %[[I]], %[[ZERO]] : i32
// CHECK: %[[C64:.*]] = arith.constant 64 : i32
// CHECK: %[[ROW_ROOM:.*]] = arith.subi %[[ROWS]], %[[C64]] : i32
// CHECK: %[[ROW_HI:.*]] = arith.cmpi sle, %[[I]], %[[ROW_ROOM]] : i32
// CHECK: %[[ROW_OK:.*]] = arith.andi %[[ROW_LO]], %[[ROW_HI]] : i1
// CHECK: %[[ZERO2:.*]] = arith.constant 0 : i32
// CHECK: %[[COL_LO:.*]] = arith.cmpi sge, %[[J]], %[[ZERO2]] : i32
// CHECK: %[[C128:.*]] = arith.constant 128 : i32
// CHECK: %[[COL_ROOM:.*]] = arith.subi %[[COLS]], %[[C128]] : i32
// CHECK: %[[COL_HI:.*]] = arith.cmpi sle, %[[J]], %[[COL_ROOM]] : i32
// CHECK: %[[COL_OK:.*]] = arith.andi %[[COL_LO]], %[[COL_HI]] : i1
// CHECK: %[[INSIDE:.*]] = arith.andi %[[ROW_OK]], %[[COL_OK]] : i1
// A 16-byte store needs a base on 16 bytes, a row stride of a multiple of
// 8 elements, and a column of a multiple of 8.
// CHECK: %[[ADDR:.*]] = llvm.ptrtoint %[[BASE]] : !llvm.ptr<1> to i64
// CHECK: %[[C15:.*]] = arith.constant 15 : i64
// CHECK: %[[LOWB:.*]] = arith.andi %[[ADDR]], %[[C15]] : i64
// CHECK: %[[OKB:.*]] = arith.cmpi eq, %[[LOWB]]
// CHECK: %[[C7:.*]] = arith.constant 7 : i64
// CHECK: %[[LOWS:.*]] = arith.andi %[[STRIDE]], %[[C7]] : i64
// CHECK: %[[OKS:.*]] = arith.cmpi eq, %[[LOWS]]
// CHECK: %[[OKBS:.*]] = arith.andi %[[OKB]], %[[OKS]] : i1
// CHECK: %[[C7C:.*]] = arith.constant 7 : i32
// CHECK: %[[LOWC:.*]] = arith.andi %{{.*}}, %[[C7C]] : i32
// CHECK: %[[OKC:.*]] = arith.cmpi eq, %[[LOWC]]
// CHECK: %[[ALIGNED:.*]] = arith.andi %[[OKBS]], %[[OKC]] : i1
// CHECK: %[[TILE_FAST:.*]] = arith.andi %[[INSIDE]], %[[ALIGNED]] : i1
// CHECK: scf.if %[[TILE_FAST]] {
// CHECK-COUNT-8: llvm.store %{{.*}}, %{{.*}} {alignment = 16 : i64} : vector<8xbf16>, !llvm.ptr<1>
// CHECK-NEXT: } else {
// CHECK:   arith.cmpi slt, %{{.*}}, %[[ROWS]] : i32
// CHECK:   scf.if %{{.*}} {
// CHECK:     llvm.store %{{.*}}, %{{.*}} {alignment = 16 : i64} : vector<8xbf16>, !llvm.ptr<1>
// CHECK:   } else {
// CHECK:     scf.if
// CHECK:       llvm.store %{{.*}}, %{{.*}} : bf16, !llvm.ptr<1>
tile.kernel @store(%y: !tile.desc<64x128xbf16>, %v: bf16, %i: i32, %j: i32) {
  %t = tile.splat %v : tensor<64x128xbf16, #L>
  tile.store %t, %y[%i, %j] : tensor<64x128xbf16, #L>, !tile.desc<64x128xbf16>
  tile.return
}

// -----

#L = #tile.blocked<elems = [4], threads = [32], warps = [4]>

// Element-wise arith and math on tiles become the same ops on vectors.
// CHECK-LABEL: llvm.func @elementwise
// CHECK: %[[C:.*]] = arith.constant dense<2.000000e+00> : vector<8xf32>
// CHECK: %[[I:.*]] = vector.from_elements {{.*}} : vector<8xi32>
// CHECK: %[[F:.*]] = arith.sitofp %[[I]] : vector<8xi32> to vector<8xf32>
// CHECK: %[[M:.*]] = arith.mulf %[[F]], %[[C]] : vector<8xf32>
// CHECK: %[[E:.*]] = math.sqrt %[[M]] : vector<8xf32>
// CHECK: %[[GT:.*]] = arith.cmpf ogt, %[[E]], %[[C]] : vector<8xf32>
// CHECK: arith.select %[[GT]], %[[E]], %[[C]] : vector<8xi1>, vector<8xf32>
tile.kernel @elementwise() {
  %c = arith.constant dense<2.0> : tensor<1024xf32, #L>
  %i = tile.iota : tensor<1024xi32, #L>
  %f = arith.sitofp %i : tensor<1024xi32, #L> to tensor<1024xf32, #L>
  %m = arith.mulf %f, %c : tensor<1024xf32, #L>
  %e = math.sqrt %m : tensor<1024xf32, #L>
  %gt = arith.cmpf ogt, %e, %c : tensor<1024xf32, #L>
  %s = arith.select %gt, %e, %c : tensor<1024xi1, #L>, tensor<1024xf32, #L>
  tile.return
}

// -----

#L = #tile.blocked<elems = [4], threads = [32], warps = [4]>

// f32 to bf16 or f16 goes two elements at a time through the packed
// conversions; cvt.rn.bf16x2.f32 d, a, b puts a in the upper half, so the
// second element goes first.
// CHECK-LABEL: llvm.func @paired_trunc
// CHECK: %[[E0:.*]] = vector.extract %[[V:.*]][0] : f32 from vector<8xf32>
// CHECK: %[[E1:.*]] = vector.extract %[[V]][1] : f32 from vector<8xf32>
// CHECK: %[[E2:.*]] = vector.extract %[[V]][2] : f32 from vector<8xf32>
// CHECK: %[[E3:.*]] = vector.extract %[[V]][3] : f32 from vector<8xf32>
// CHECK: llvm.call_intrinsic "llvm.nvvm.ff2bf16x2.rn"(%[[E1]], %[[E0]]) : (f32, f32) -> vector<2xbf16>
// CHECK: llvm.call_intrinsic "llvm.nvvm.ff2bf16x2.rn"(%[[E3]], %[[E2]]) : (f32, f32) -> vector<2xbf16>
// CHECK-COUNT-2: llvm.call_intrinsic "llvm.nvvm.ff2bf16x2.rn"
// CHECK: llvm.call_intrinsic "llvm.nvvm.ff2f16x2.rn"(%{{.*}}, %{{.*}}) : (f32, f32) -> vector<2xf16>
// Other rounding modes keep the generic conversion.
// CHECK: arith.truncf %{{.*}} to_nearest_away : vector<8xf32> to vector<8xbf16>
tile.kernel @paired_trunc(%x: f32) {
  %t = tile.splat %x : tensor<1024xf32, #L>
  %b = arith.truncf %t : tensor<1024xf32, #L> to tensor<1024xbf16, #L>
  %h = arith.truncf %t : tensor<1024xf32, #L> to tensor<1024xf16, #L>
  %a = arith.truncf %t to_nearest_away : tensor<1024xf32, #L> to tensor<1024xbf16, #L>
  tile.return
}

// -----

#L = #tile.blocked<elems = [4], threads = [32], warps = [4]>

// The NVPTX backend has no exp, tanh or erf: they become the hardware's
// approximate special functions, element by element; bf16 computes in f32.
// CHECK-LABEL: llvm.func @special_functions
// CHECK: %[[X:.*]] = vector.extract %{{.*}}[0] : f32 from vector<8xf32>
// CHECK: %[[S:.*]] = arith.mulf %[[X]], %{{.*}} : f32
// CHECK: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f32"(%[[S]]) : (f32) -> f32
// CHECK-COUNT-7: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f32"
// CHECK: llvm.inline_asm asm_dialect = att "tanh.approx.f32 $0, $1;", "=f,f"
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: llvm.call_intrinsic "llvm.nvvm.lg2.approx.ftz.f"
// CHECK: arith.truncf %{{.*}} : f32 to bf16
tile.kernel @special_functions(%x: f32, %h: bf16) {
  %t = tile.splat %x : tensor<1024xf32, #L>
  %e = math.exp %t : tensor<1024xf32, #L>
  %th = math.tanh %e : tensor<1024xf32, #L>
  %b = tile.splat %h : tensor<1024xbf16, #L>
  %l = math.log2 %b : tensor<1024xbf16, #L>
  tile.return
}

// -----

#L = #tile.blocked<elems = [4], threads = [32], warps = [4]>

tile.kernel @unsupported_math(%x: f32) {
  %t = tile.splat %x : tensor<1024xf32, #L>
  // expected-error @+1 {{has no GPU lowering in Kiln yet}}
  %a = math.atan %t : tensor<1024xf32, #L>
  tile.return
}

// -----

#L = #tile.blocked<elems = [4], threads = [32], warps = [4]>

// Loop-carried tiles become loop-carried vectors.
// CHECK-LABEL: llvm.func @loop
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}) -> (vector<8xf32>) : i32
tile.kernel @loop(%n: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %z = arith.constant dense<0.0> : tensor<1024xf32, #L>
  %one = arith.constant dense<1.0> : tensor<1024xf32, #L>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %z) -> (tensor<1024xf32, #L>) : i32 {
    %s = arith.addf %acc, %one : tensor<1024xf32, #L>
    scf.yield %s : tensor<1024xf32, #L>
  }
  tile.return
}

// -----

// A scalar load reads one element, or zero outside the tensor.
// CHECK-LABEL: llvm.func @scalar_load
// CHECK: scf.if %{{.*}} -> (i32) {
// CHECK:   llvm.load %{{.*}} : !llvm.ptr<1> -> i32
tile.kernel @scalar_load(%o: !tile.desc<16xi32>, %e: i32) {
  %v = tile.scalar_load %o[%e] : !tile.desc<16xi32> -> i32
  tile.return
}

// -----

#L = #tile.blocked<elems = [4], threads = [32], warps = [4]>

tile.kernel @dense_constant() {
  // expected-error @+1 {{only splat constant tiles can be lowered; build others from tile.iota}}
  %c = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32, #L>
  tile.return
}

// -----

tile.kernel @no_layout(%x: !tile.desc<64xf32>, %i: i32) {
  // expected-error @+1 {{has no layout; run tile-assign-layouts first}}
  %t = tile.load %x[%i] : !tile.desc<64xf32> -> tensor<64xf32>
  tile.return
}

// -----

// A constant that folding left without a location (deduplicated across
// roles) is reported where it is used.
tile.kernel @no_layout_unknown_loc(%x: !tile.desc<64xf32>, %i: i32) {
  %c = arith.constant dense<0.0> : tensor<64xf32> loc(unknown)
  // expected-error @+1 {{'arith.constant' op has no layout; run tile-assign-layouts first}}
  tile.store %c, %x[%i] : tensor<64xf32>, !tile.desc<64xf32>
  tile.return
}

// -----

#MMA = #tile.mma<warpgroups = 1>

// Columns [32, 64) of an accumulator-layout tile are the registers of
// column groups 4 to 7 each thread holds, 16 to 31, in order: the slice
// picks them and moves nothing.
// CHECK-LABEL: llvm.func @column_chunk
// CHECK: %[[T:.*]] = vector.from_elements {{.*}} : vector<64xf32>
// CHECK: %[[R16:.*]] = vector.extract %[[T]][16] : f32 from vector<64xf32>
// CHECK: %[[R17:.*]] = vector.extract %[[T]][17] : f32 from vector<64xf32>
// CHECK: %[[R18:.*]] = vector.extract %[[T]][18] : f32 from vector<64xf32>
// CHECK: %[[R19:.*]] = vector.extract %[[T]][19] : f32 from vector<64xf32>
// CHECK: %[[R20:.*]] = vector.extract %[[T]][20] : f32 from vector<64xf32>
// CHECK: %[[R21:.*]] = vector.extract %[[T]][21] : f32 from vector<64xf32>
// CHECK: %[[R22:.*]] = vector.extract %[[T]][22] : f32 from vector<64xf32>
// CHECK: %[[R23:.*]] = vector.extract %[[T]][23] : f32 from vector<64xf32>
// CHECK: %[[R24:.*]] = vector.extract %[[T]][24] : f32 from vector<64xf32>
// CHECK: %[[R25:.*]] = vector.extract %[[T]][25] : f32 from vector<64xf32>
// CHECK: %[[R26:.*]] = vector.extract %[[T]][26] : f32 from vector<64xf32>
// CHECK: %[[R27:.*]] = vector.extract %[[T]][27] : f32 from vector<64xf32>
// CHECK: %[[R28:.*]] = vector.extract %[[T]][28] : f32 from vector<64xf32>
// CHECK: %[[R29:.*]] = vector.extract %[[T]][29] : f32 from vector<64xf32>
// CHECK: %[[R30:.*]] = vector.extract %[[T]][30] : f32 from vector<64xf32>
// CHECK: %[[R31:.*]] = vector.extract %[[T]][31] : f32 from vector<64xf32>
// CHECK: vector.from_elements %[[R16]], %[[R17]], %[[R18]], %[[R19]], %[[R20]], %[[R21]], %[[R22]], %[[R23]], %[[R24]], %[[R25]], %[[R26]], %[[R27]], %[[R28]], %[[R29]], %[[R30]], %[[R31]] : vector<16xf32>
tile.kernel @column_chunk(%x: !tile.desc<64x128xf32>, %y: !tile.desc<64x128xf32>, %i: i32) {
  %t = tile.load %x[%i, %i] : !tile.desc<64x128xf32> -> tensor<64x128xf32, #MMA>
  %s = tile.extract_slice %t [0, 32] : tensor<64x128xf32, #MMA> -> tensor<64x32xf32, #MMA>
  tile.store %s, %y[%i, %i] : tensor<64x32xf32, #MMA>, !tile.desc<64x128xf32>
  tile.return
}

// -----

#ROW = #tile.slice<dim = 0, parent = #tile.mma<warpgroups = 1>>

// A row of an accumulator's columns: a thread holds two columns of each
// group of 8, registers 2 j and 2 j + 1; columns [32, 64) are groups 4 to
// 7, registers 8 to 15.
// CHECK-LABEL: llvm.func @row_chunk
// CHECK: %[[T:.*]] = vector.from_elements {{.*}} : vector<32xf32>
// CHECK: %[[R8:.*]] = vector.extract %[[T]][8] : f32 from vector<32xf32>
// CHECK: %[[R9:.*]] = vector.extract %[[T]][9] : f32 from vector<32xf32>
// CHECK: %[[R10:.*]] = vector.extract %[[T]][10] : f32 from vector<32xf32>
// CHECK: %[[R11:.*]] = vector.extract %[[T]][11] : f32 from vector<32xf32>
// CHECK: %[[R12:.*]] = vector.extract %[[T]][12] : f32 from vector<32xf32>
// CHECK: %[[R13:.*]] = vector.extract %[[T]][13] : f32 from vector<32xf32>
// CHECK: %[[R14:.*]] = vector.extract %[[T]][14] : f32 from vector<32xf32>
// CHECK: %[[R15:.*]] = vector.extract %[[T]][15] : f32 from vector<32xf32>
// CHECK: vector.from_elements %[[R8]], %[[R9]], %[[R10]], %[[R11]], %[[R12]], %[[R13]], %[[R14]], %[[R15]] : vector<8xf32>
tile.kernel @row_chunk(%x: !tile.desc<128xf32>, %y: !tile.desc<128xf32>, %i: i32) {
  %t = tile.load %x[%i] : !tile.desc<128xf32> -> tensor<128xf32, #ROW>
  %s = tile.extract_slice %t [32] : tensor<128xf32, #ROW> -> tensor<32xf32, #ROW>
  tile.store %s, %y[%i] : tensor<32xf32, #ROW>, !tile.desc<128xf32>
  tile.return
}

// -----

#L = #tile.blocked<elems = [1, 4], threads = [4, 8], warps = [4, 1]>

// A tile that leaves out a leading block dimension of 1 (one head of a
// tensor of heads) is at coordinate 0 along it, plus the op's coordinate:
// the head selects the rows through its stride, and a head past the
// tensor's is out of bounds.
// CHECK-LABEL: llvm.func @head_rows
// CHECK-SAME: (%[[X:[^:]*]]: !llvm.ptr<1> {llvm.noalias, llvm.readonly}, %[[E0:[^:]*]]: i32, %{{[^:]*}}: i32, %{{[^:]*}}: i32, %[[S0:[^:]*]]: i64, %{{[^:]*}}: i64, %{{[^:]*}}: !llvm.ptr<1> {llvm.noalias}, %{{[^:]*}}: i32, %{{[^:]*}}: i32, %{{[^:]*}}: i32, %{{[^:]*}}: i64, %{{[^:]*}}: i64, %[[H:[^:]*]]: i32, %[[I:[^:]*]]: i32)
// CHECK: %[[HEAD:.*]] = arith.addi %{{.*}}, %[[H]] overflow<nsw> : i32
// CHECK: %[[HEAD64:.*]] = arith.extsi %[[HEAD]] : i32 to i64
// CHECK: arith.muli %[[HEAD64]], %[[S0]] overflow<nsw> : i64
// CHECK: llvm.getelementptr %[[X]]
// CHECK: arith.cmpi slt, %[[HEAD]], %[[E0]] : i32
tile.kernel @head_rows(%x: !tile.desc<1x16x32xf32>, %y: !tile.desc<1x16x32xf32>,
                       %h: i32, %i: i32) {
  %c0 = arith.constant 0 : i32
  %t = tile.load %x[%h, %i, %c0] : !tile.desc<1x16x32xf32> -> tensor<16x32xf32, #L>
  tile.store %t, %y[%h, %i, %c0] : tensor<16x32xf32, #L>, !tile.desc<1x16x32xf32>
  tile.return
}
