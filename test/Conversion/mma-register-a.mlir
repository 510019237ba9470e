// P·V as attention does it: the second dot takes P, the truncated result of
// the first, from registers. tile.mma takes A as a tensor there, and the
// lowering hands wgmma P's registers unchanged: in the accumulator layout a
// thread holds, per group of 8 columns, rows lane/4 and lane/4 + 8 at
// columns 2 (lane % 4) + {0, 1}, registers 4j .. 4j + 3, which is wgmma's
// A fragment (rows r, r + 8 at columns c, c + 1, then at c + 8, c + 9), so
// K step s (columns 16s .. 16s + 15) takes registers 8s .. 8s + 7, two to a
// .b32, the lower column in the low half. All of them pass through the
// wgmma.fence (inline asm, so that none is computed after it), and the
// wgmmas read what comes out of it. The accumulator is a fresh zero: the
// first K step runs with scale-d false and nothing moves zeros into it.
// RUN: kiln-opt %s --tile-warp-specialize --aref-pipeline --canonicalize --cse --tile-assign-layouts --convert-tile-to-nvvm | FileCheck %s --enable-var-scope
// RUN: kiln-opt %s --tile-warp-specialize --aref-pipeline | FileCheck %s --check-prefix=MMA

// MMA: tile.mma %{{.*}}, %{{.*}}, %{{.*}} transpose_b : memref<64x64xf16, 3>, memref<64x64xf16, 3> -> tensor<64x64xf32>
// MMA: %[[P:.*]] = arith.truncf
// MMA: tile.mma %[[P]], %{{.*}}, %{{.*}} : tensor<64x64xf16>, memref<64x64xf16, 3> -> tensor<64x64xf32>

// CHECK-LABEL: llvm.func @two_dots
// CHECK: %[[P:.*]] = vector.from_elements {{.*}} : vector<32xf16>
// CHECK: %[[E0:.*]] = vector.extract %[[P]][0] : f16 from vector<32xf16>
// CHECK: %[[E1:.*]] = vector.extract %[[P]][1] : f16 from vector<32xf16>
// CHECK: %[[E2:.*]] = vector.extract %[[P]][2] : f16 from vector<32xf16>
// CHECK: %[[E3:.*]] = vector.extract %[[P]][3] : f16 from vector<32xf16>
// CHECK: %[[E4:.*]] = vector.extract %[[P]][4] : f16 from vector<32xf16>
// CHECK: %[[E5:.*]] = vector.extract %[[P]][5] : f16 from vector<32xf16>
// CHECK: %[[E6:.*]] = vector.extract %[[P]][6] : f16 from vector<32xf16>
// CHECK: %[[E7:.*]] = vector.extract %[[P]][7] : f16 from vector<32xf16>
// CHECK: %[[E8:.*]] = vector.extract %[[P]][8] : f16 from vector<32xf16>
// CHECK: %[[E9:.*]] = vector.extract %[[P]][9] : f16 from vector<32xf16>
// CHECK: %[[E10:.*]] = vector.extract %[[P]][10] : f16 from vector<32xf16>
// CHECK: %[[E11:.*]] = vector.extract %[[P]][11] : f16 from vector<32xf16>
// CHECK: %[[E12:.*]] = vector.extract %[[P]][12] : f16 from vector<32xf16>
// CHECK: %[[E13:.*]] = vector.extract %[[P]][13] : f16 from vector<32xf16>
// CHECK: %[[E14:.*]] = vector.extract %[[P]][14] : f16 from vector<32xf16>
// CHECK: %[[E15:.*]] = vector.extract %[[P]][15] : f16 from vector<32xf16>
// CHECK: %[[E16:.*]] = vector.extract %[[P]][16] : f16 from vector<32xf16>
// CHECK: %[[E17:.*]] = vector.extract %[[P]][17] : f16 from vector<32xf16>
// CHECK: %[[E18:.*]] = vector.extract %[[P]][18] : f16 from vector<32xf16>
// CHECK: %[[E19:.*]] = vector.extract %[[P]][19] : f16 from vector<32xf16>
// CHECK: %[[E20:.*]] = vector.extract %[[P]][20] : f16 from vector<32xf16>
// CHECK: %[[E21:.*]] = vector.extract %[[P]][21] : f16 from vector<32xf16>
// CHECK: %[[E22:.*]] = vector.extract %[[P]][22] : f16 from vector<32xf16>
// CHECK: %[[E23:.*]] = vector.extract %[[P]][23] : f16 from vector<32xf16>
// CHECK: %[[E24:.*]] = vector.extract %[[P]][24] : f16 from vector<32xf16>
// CHECK: %[[E25:.*]] = vector.extract %[[P]][25] : f16 from vector<32xf16>
// CHECK: %[[E26:.*]] = vector.extract %[[P]][26] : f16 from vector<32xf16>
// CHECK: %[[E27:.*]] = vector.extract %[[P]][27] : f16 from vector<32xf16>
// CHECK: %[[E28:.*]] = vector.extract %[[P]][28] : f16 from vector<32xf16>
// CHECK: %[[E29:.*]] = vector.extract %[[P]][29] : f16 from vector<32xf16>
// CHECK: %[[E30:.*]] = vector.extract %[[P]][30] : f16 from vector<32xf16>
// CHECK: %[[E31:.*]] = vector.extract %[[P]][31] : f16 from vector<32xf16>
// CHECK: %[[V0:.*]] = vector.from_elements %[[E0]], %[[E1]] : vector<2xf16>
// CHECK: %[[A0:.*]] = llvm.bitcast %[[V0]] : vector<2xf16> to i32
// CHECK: %[[V1:.*]] = vector.from_elements %[[E2]], %[[E3]] : vector<2xf16>
// CHECK: %[[A1:.*]] = llvm.bitcast %[[V1]] : vector<2xf16> to i32
// CHECK: %[[V2:.*]] = vector.from_elements %[[E4]], %[[E5]] : vector<2xf16>
// CHECK: %[[A2:.*]] = llvm.bitcast %[[V2]] : vector<2xf16> to i32
// CHECK: %[[V3:.*]] = vector.from_elements %[[E6]], %[[E7]] : vector<2xf16>
// CHECK: %[[A3:.*]] = llvm.bitcast %[[V3]] : vector<2xf16> to i32
// CHECK: %[[V4:.*]] = vector.from_elements %[[E8]], %[[E9]] : vector<2xf16>
// CHECK: %[[A4:.*]] = llvm.bitcast %[[V4]] : vector<2xf16> to i32
// CHECK: %[[V5:.*]] = vector.from_elements %[[E10]], %[[E11]] : vector<2xf16>
// CHECK: %[[A5:.*]] = llvm.bitcast %[[V5]] : vector<2xf16> to i32
// CHECK: %[[V6:.*]] = vector.from_elements %[[E12]], %[[E13]] : vector<2xf16>
// CHECK: %[[A6:.*]] = llvm.bitcast %[[V6]] : vector<2xf16> to i32
// CHECK: %[[V7:.*]] = vector.from_elements %[[E14]], %[[E15]] : vector<2xf16>
// CHECK: %[[A7:.*]] = llvm.bitcast %[[V7]] : vector<2xf16> to i32
// CHECK: %[[V8:.*]] = vector.from_elements %[[E16]], %[[E17]] : vector<2xf16>
// CHECK: %[[A8:.*]] = llvm.bitcast %[[V8]] : vector<2xf16> to i32
// CHECK: %[[V9:.*]] = vector.from_elements %[[E18]], %[[E19]] : vector<2xf16>
// CHECK: %[[A9:.*]] = llvm.bitcast %[[V9]] : vector<2xf16> to i32
// CHECK: %[[V10:.*]] = vector.from_elements %[[E20]], %[[E21]] : vector<2xf16>
// CHECK: %[[A10:.*]] = llvm.bitcast %[[V10]] : vector<2xf16> to i32
// CHECK: %[[V11:.*]] = vector.from_elements %[[E22]], %[[E23]] : vector<2xf16>
// CHECK: %[[A11:.*]] = llvm.bitcast %[[V11]] : vector<2xf16> to i32
// CHECK: %[[V12:.*]] = vector.from_elements %[[E24]], %[[E25]] : vector<2xf16>
// CHECK: %[[A12:.*]] = llvm.bitcast %[[V12]] : vector<2xf16> to i32
// CHECK: %[[V13:.*]] = vector.from_elements %[[E26]], %[[E27]] : vector<2xf16>
// CHECK: %[[A13:.*]] = llvm.bitcast %[[V13]] : vector<2xf16> to i32
// CHECK: %[[V14:.*]] = vector.from_elements %[[E28]], %[[E29]] : vector<2xf16>
// CHECK: %[[A14:.*]] = llvm.bitcast %[[V14]] : vector<2xf16> to i32
// CHECK: %[[V15:.*]] = vector.from_elements %[[E30]], %[[E31]] : vector<2xf16>
// CHECK: %[[A15:.*]] = llvm.bitcast %[[V15]] : vector<2xf16> to i32
// CHECK: %[[F:.*]] = llvm.inline_asm has_side_effects asm_dialect = att "wgmma.fence.sync.aligned;", "=r,{{.*}},=r,0,{{.*}},15" %[[A0]], %[[A1]], %[[A2]], %[[A3]], %[[A4]], %[[A5]], %[[A6]], %[[A7]], %[[A8]], %[[A9]], %[[A10]], %[[A11]], %[[A12]], %[[A13]], %[[A14]], %[[A15]] :
// CHECK: %[[F0:.*]] = llvm.extractvalue %[[F]][0]
// CHECK: %[[F1:.*]] = llvm.extractvalue %[[F]][1]
// CHECK: %[[F2:.*]] = llvm.extractvalue %[[F]][2]
// CHECK: %[[F3:.*]] = llvm.extractvalue %[[F]][3]
// CHECK: %[[F4:.*]] = llvm.extractvalue %[[F]][4]
// CHECK: %[[F5:.*]] = llvm.extractvalue %[[F]][5]
// CHECK: %[[F6:.*]] = llvm.extractvalue %[[F]][6]
// CHECK: %[[F7:.*]] = llvm.extractvalue %[[F]][7]
// CHECK: %[[F8:.*]] = llvm.extractvalue %[[F]][8]
// CHECK: %[[F9:.*]] = llvm.extractvalue %[[F]][9]
// CHECK: %[[F10:.*]] = llvm.extractvalue %[[F]][10]
// CHECK: %[[F11:.*]] = llvm.extractvalue %[[F]][11]
// CHECK: %[[F12:.*]] = llvm.extractvalue %[[F]][12]
// CHECK: %[[F13:.*]] = llvm.extractvalue %[[F]][13]
// CHECK: %[[F14:.*]] = llvm.extractvalue %[[F]][14]
// CHECK: %[[F15:.*]] = llvm.extractvalue %[[F]][15]
// CHECK: llvm.inline_asm has_side_effects {{.*}}setp.ne.b32 p, 0, 0;{{.*}}wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16 {$0, {{.*}}, $31}, {$64, $65, $66, $67}, $68, p, 1, 1, 1;{{.*}}", "=f,{{.*}},=f,0,{{.*}},31,r,r,r,r,l" {{.*}}, %[[F0]], %[[F1]], %[[F2]], %[[F3]], %{{.*}} :
// CHECK: llvm.inline_asm has_side_effects {{.*}}setp.ne.b32 p, 1, 0;{{.*}}wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16 {$0, {{.*}}, $31}, {$64, $65, $66, $67}, $68, p, 1, 1, 1;{{.*}}", "=f,{{.*}},=f,0,{{.*}},31,r,r,r,r,l" {{.*}}, %[[F4]], %[[F5]], %[[F6]], %[[F7]], %{{.*}} :
// CHECK: llvm.inline_asm has_side_effects {{.*}}setp.ne.b32 p, 1, 0;{{.*}}wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16 {$0, {{.*}}, $31}, {$64, $65, $66, $67}, $68, p, 1, 1, 1;{{.*}}", "=f,{{.*}},=f,0,{{.*}},31,r,r,r,r,l" {{.*}}, %[[F8]], %[[F9]], %[[F10]], %[[F11]], %{{.*}} :
// CHECK: llvm.inline_asm has_side_effects {{.*}}setp.ne.b32 p, 1, 0;{{.*}}wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16 {$0, {{.*}}, $31}, {$64, $65, $66, $67}, $68, p, 1, 1, 1;{{.*}}", "=f,{{.*}},=f,0,{{.*}},31,r,r,r,r,l" {{.*}}, %[[F12]], %[[F13]], %[[F14]], %[[F15]], %{{.*}} :
tile.kernel @two_dots(%q: !tile.desc<64x64xf16>, %k: !tile.desc<64x64xf16>,
                      %v: !tile.desc<64x64xf16>, %o: !tile.desc<64x64xf32>) {
  %c0 = arith.constant 0 : i32
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  %qt = tile.load %q[%c0, %c0] : !tile.desc<64x64xf16> -> tensor<64x64xf16>
  %kt = tile.load %k[%c0, %c0] : !tile.desc<64x64xf16> -> tensor<64x64xf16>
  %vt = tile.load %v[%c0, %c0] : !tile.desc<64x64xf16> -> tensor<64x64xf16>
  %s = tile.dot %qt, %kt, %zero transpose_b : tensor<64x64xf16>, tensor<64x64xf16> -> tensor<64x64xf32>
  %p = arith.truncf %s : tensor<64x64xf32> to tensor<64x64xf16>
  %out = tile.dot %p, %vt, %zero : tensor<64x64xf16>, tensor<64x64xf16> -> tensor<64x64xf32>
  tile.store %out, %o[%c0, %c0] : tensor<64x64xf32>, !tile.desc<64x64xf32>
  tile.return
}

// A loop that computes a new register A each iteration: the wgmma that
// reads it must retire before the next iteration writes it, so the MMA is
// not overlapped with the next (pending = 0, not 1).
// MMA-LABEL: tile.kernel @register_a_loop
// MMA: tile.mma %{{.*}}, %{{.*}}, %{{.*}} : tensor<64x64xf16>, memref<64x64xf16, 3> -> tensor<64x64xf32>
// MMA-NEXT: tile.mma_wait %{{.*}} {pending = 0 : i64}
tile.kernel @register_a_loop(%v: !tile.desc<64x64xf16>, %o: !tile.desc<64x64xf32>,
                             %n: i32) attributes {consumer_groups = 1} {
  %c0 = arith.constant 0 : i32
  %c64 = arith.constant 64 : i32
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  %acc = scf.for %j = %c0 to %n step %c64 iter_args(%s = %zero) -> (tensor<64x64xf32>) : i32 {
    %vt = tile.load %v[%j, %c0] : !tile.desc<64x64xf16> -> tensor<64x64xf16>
    %jf = arith.sitofp %j : i32 to f16
    %p = tile.splat %jf : tensor<64x64xf16>
    %d = tile.dot %p, %vt, %s : tensor<64x64xf16>, tensor<64x64xf16> -> tensor<64x64xf32>
    scf.yield %d : tensor<64x64xf32>
  }
  tile.store %acc, %o[%c0, %c0] : tensor<64x64xf32>, !tile.desc<64x64xf32>
  tile.return
}
