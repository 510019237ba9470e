// P·V as attention does it: the second dot takes P, the truncated result of
// the first, from registers. tile.mma takes A as a tensor there, and the
// lowering hands wgmma P's registers unchanged: in the accumulator layout a
// thread holds, per group of 8 columns, rows lane/4 and lane/4 + 8 at
// columns 2 (lane % 4) + {0, 1}, registers 4j .. 4j + 3, which is wgmma's
// A fragment (rows r, r + 8 at columns c, c + 1, then at c + 8, c + 9), so
// K step s (columns 16s .. 16s + 15) takes registers 8s .. 8s + 7, two to a
// .b32, the lower column in the low half.
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
// CHECK: %[[V0:.*]] = vector.from_elements %[[E0]], %[[E1]] : vector<2xf16>
// CHECK: %[[A0:.*]] = llvm.bitcast %[[V0]] : vector<2xf16> to i32
// CHECK: %[[V2:.*]] = vector.from_elements %[[E2]], %[[E3]] : vector<2xf16>
// CHECK: %[[A2:.*]] = llvm.bitcast %[[V2]] : vector<2xf16> to i32
// CHECK: %[[V4:.*]] = vector.from_elements %[[E4]], %[[E5]] : vector<2xf16>
// CHECK: %[[A4:.*]] = llvm.bitcast %[[V4]] : vector<2xf16> to i32
// CHECK: %[[V6:.*]] = vector.from_elements %[[E6]], %[[E7]] : vector<2xf16>
// CHECK: %[[A6:.*]] = llvm.bitcast %[[V6]] : vector<2xf16> to i32
// CHECK: llvm.inline_asm has_side_effects {{.*}}wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16 {$0, {{.*}}, $31}, {$64, $65, $66, $67}, $68, p, 1, 1, 1;{{.*}}", "=f,{{.*}},=f,0,{{.*}},31,r,r,r,r,l" {{.*}}, %[[A0]], %[[A2]], %[[A4]], %[[A6]], %{{.*}} :
// CHECK: %[[V8:.*]] = vector.from_elements %[[E8]], %[[E9]] : vector<2xf16>
// CHECK: %[[A8:.*]] = llvm.bitcast %[[V8]] : vector<2xf16> to i32
// CHECK: %[[V10:.*]] = vector.from_elements %[[E10]], %[[E11]] : vector<2xf16>
// CHECK: %[[A10:.*]] = llvm.bitcast %[[V10]] : vector<2xf16> to i32
// CHECK: %[[V12:.*]] = vector.from_elements %[[E12]], %[[E13]] : vector<2xf16>
// CHECK: %[[A12:.*]] = llvm.bitcast %[[V12]] : vector<2xf16> to i32
// CHECK: %[[V14:.*]] = vector.from_elements %[[E14]], %[[E15]] : vector<2xf16>
// CHECK: %[[A14:.*]] = llvm.bitcast %[[V14]] : vector<2xf16> to i32
// CHECK: llvm.inline_asm has_side_effects {{.*}}wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16 {$0, {{.*}}, $31}, {$64, $65, $66, $67}, $68, p, 1, 1, 1;{{.*}}", "=f,{{.*}},=f,0,{{.*}},31,r,r,r,r,l" {{.*}}, %[[A8]], %[[A10]], %[[A12]], %[[A14]], %{{.*}} :
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
