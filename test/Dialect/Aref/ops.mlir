// RUN: kiln-opt %s -split-input-file | kiln-opt -split-input-file | FileCheck %s
// RUN: kiln-opt %s -split-input-file -mlir-print-op-generic | kiln-opt -split-input-file | FileCheck %s
// RUN: python3 %kiln_src/utils/check-op-examples.py %s %kiln_src/include/kiln/Dialect/Aref/IR/ArefOps.td %kiln_src/include/kiln/Dialect/Aref/IR/ArefTypes.td

// Every ```mlir example of ArefOps.td and ArefTypes.td appears here, as
// written there (the last RUN line checks it).

// CHECK-LABEL: tile.kernel @value_level
// CHECK: %[[R:.*]] = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
// CHECK: aref.put %[[R]], %[[A:.*]], %[[B:.*]] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>, tensor<128x64xf16>, tensor<64x256xf16>
// CHECK: %{{.*}}:2 = aref.get %[[R]] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> tensor<128x64xf16>, tensor<64x256xf16>
// CHECK: aref.consumed %[[R]] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
tile.kernel @value_level(%da: !tile.desc<128x64xf16>, %db: !tile.desc<64x256xf16>, %i: i32) {
  %r = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
  %a = tile.load %da[%i, %i] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  %b = tile.load %db[%i, %i] : !tile.desc<64x256xf16> -> tensor<64x256xf16>
  aref.put %r, %a, %b : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>,
      tensor<128x64xf16>, tensor<64x256xf16>
  %a2, %b2 = aref.get %r : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      -> tensor<128x64xf16>, tensor<64x256xf16>
  aref.consumed %r : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
  tile.return
}

// -----

// CHECK-LABEL: tile.kernel @lowering_level
// CHECK: %[[R:.*]] = aref.create arrivals 2
// CHECK: %{{.*}}:2 = aref.put.enter %[[R]][%[[S:.*]]], %[[PH:.*]] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
// CHECK: aref.put.exit %[[R]][%[[S]]] async : !aref.ref
// CHECK: aref.put.exit %[[R]][%[[S]]] : !aref.ref
// CHECK: %{{.*}}:2 = aref.get.enter %[[R]][%[[S]]], %[[PH]] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4> -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
// CHECK: aref.get.exit %[[R]][%[[S]]] : !aref.ref
tile.kernel @lowering_level(%s: i32, %ph: i32) {
  %r = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
  %ba, %bb = aref.put.enter %r[%s], %ph : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
  aref.put.exit %r[%s] async : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
  aref.put.exit %r[%s] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
  %ga, %gb = aref.get.enter %r[%s], %ph : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
  aref.get.exit %r[%s] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
  tile.return
}

// -----

// The examples of the op descriptions name their buffers %ba, %bb.
// CHECK-LABEL: tile.kernel @description_names
tile.kernel @description_names(%s: i32, %ph: i32) {
  %r = aref.create arrivals 1 : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
  %ba, %bb = aref.get.enter %r[%s], %ph : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      -> memref<128x64xf16, 3>, memref<64x256xf16, 3>
  aref.get.exit %r[%s] : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
  %a, %b = aref.get %r : !aref.ref<[tensor<128x64xf16>, tensor<64x256xf16>], depth = 4>
      -> tensor<128x64xf16>, tensor<64x256xf16>
  tile.return
}

// -----

// Constant slots and phases within range verify.
// CHECK-LABEL: tile.kernel @constant_slots
// CHECK-COUNT-2: aref.put.enter
tile.kernel @constant_slots() {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64x64xbf16>], depth = 2>
  %b0 = aref.put.enter %r[%c0], %c1 : !aref.ref<[tensor<64x64xbf16>], depth = 2> -> memref<64x64xbf16, 3>
  %b1 = aref.put.enter %r[%c1], %c0 : !aref.ref<[tensor<64x64xbf16>], depth = 2> -> memref<64x64xbf16, 3>
  tile.return
}

// -----

// A token aref (no payload): puts and gets carry no values, only order.
// CHECK-LABEL: tile.kernel @token
// CHECK: %[[T:.*]] = aref.create arrivals 1 : !aref.ref<[], depth = 1>
// CHECK: aref.put %[[T]] : !aref.ref<[], depth = 1>
// CHECK: aref.get %[[T]] : !aref.ref<[], depth = 1>
// CHECK: aref.consumed %[[T]] : !aref.ref<[], depth = 1>
// CHECK: aref.put.enter %[[T]][%{{.*}}], %{{.*}} : !aref.ref<[], depth = 1>
// CHECK-NEXT: aref.put.exit %[[T]][%{{.*}}] : !aref.ref<[], depth = 1>
// CHECK-NEXT: aref.get.enter %[[T]][%{{.*}}], %{{.*}} : !aref.ref<[], depth = 1>
// CHECK-NEXT: aref.get.exit %[[T]][%{{.*}}] : !aref.ref<[], depth = 1>
tile.kernel @token(%s: i32, %ph: i32) {
  %t = aref.create arrivals 1 : !aref.ref<[], depth = 1>
  aref.put %t : !aref.ref<[], depth = 1>
  aref.get %t : !aref.ref<[], depth = 1>
  aref.consumed %t : !aref.ref<[], depth = 1>
  aref.put.enter %t[%s], %ph : !aref.ref<[], depth = 1>
  aref.put.exit %t[%s] : !aref.ref<[], depth = 1>
  aref.get.enter %t[%s], %ph : !aref.ref<[], depth = 1>
  aref.get.exit %t[%s] : !aref.ref<[], depth = 1>
  tile.return
}
