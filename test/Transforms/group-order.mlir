// RUN: kiln-opt %s -split-input-file -tile-group-order -verify-diagnostics | FileCheck %s
// A second run leaves the relabelled kernel alone.
// RUN: kiln-opt %s -split-input-file -tile-group-order -tile-group-order | FileCheck %s --check-prefix=TWICE
// RUN: not kiln-opt %s -split-input-file -tile-group-order="group-rows=0" 2>&1 | FileCheck %s --check-prefix=ZERO
// ZERO: tile-group-order: group-rows must be at least 1, got 0

// CTA t = y * gx + x (the order the hardware starts CTAs) takes the tile at
// position t of the grouped order: 8 rows of tiles at a time, down their
// columns. The extents are the launched grid's (nctaid).
// CHECK-LABEL: tile.kernel @plain
// CHECK-SAME: tile.grouped_order
// CHECK: %[[GX:.*]] = {{(tile.)?}}num_programs x
// CHECK: %[[GY:.*]] = {{(tile.)?}}num_programs y
// CHECK: %[[X:.*]] = {{(tile.)?}}program_id x
// CHECK: %[[Y:.*]] = {{(tile.)?}}program_id y
// CHECK: %[[YX:.*]] = arith.muli %[[Y]], %[[GX]]
// CHECK: %[[T:.*]] = arith.addi %[[YX]], %[[X]]
// CHECK: %[[C8:.*]] = arith.constant 8 : i32
// CHECK: %[[PER:.*]] = arith.muli %[[C8]], %[[GX]]
// CHECK: %[[GROUP:.*]] = arith.divui %[[T]], %[[PER]]
// CHECK: %[[ROW0:.*]] = arith.muli %[[GROUP]], %[[C8]]
// CHECK: %[[LEFT:.*]] = arith.subi %[[GY]], %[[ROW0]]
// CHECK: %[[SIZE:.*]] = arith.minui %[[LEFT]], %[[C8]]
// CHECK: %[[IN:.*]] = arith.remui %[[T]], %[[PER]]
// CHECK: %[[R:.*]] = arith.remui %[[IN]], %[[SIZE]]
// CHECK: %[[PM:.*]] = arith.addi %[[ROW0]], %[[R]]
// CHECK: %[[PN:.*]] = arith.divui %[[IN]], %[[SIZE]]
// The body's ids are the grouped tile's coordinates; no other program_id
// is left.
// CHECK-NOT: program_id
// CHECK: %[[ROW:.*]] = arith.muli %[[PM]], %{{.*}}
// CHECK: %[[COL:.*]] = arith.muli %[[PN]], %{{.*}}
// CHECK-NOT: program_id
// CHECK: {{(tile.)?}}store %{{.*}}, %{{.*}}[%[[ROW]], %[[COL]]]
// TWICE-LABEL: tile.kernel @plain
// TWICE-COUNT-2: program_id
// TWICE-NOT: program_id
// TWICE: return
tile.kernel @plain(%c: !tile.desc<128x256xf32>, %x: f32) grid(%c[1], %c[0] / 128) {
  %pn = tile.program_id x
  %pm = tile.program_id y
  %bm = arith.constant 128 : i32
  %bn = arith.constant 256 : i32
  %m = arith.muli %pm, %bm : i32
  %n = arith.muli %pn, %bn : i32
  %t = tile.splat %x : tensor<128x256xf32>
  tile.store %t, %c[%m, %n] : tensor<128x256xf32>, !tile.desc<128x256xf32>
  tile.return
}

// -----

// Persistent kernels walk their tiles in grouped order already, and a grid
// of one dimension has no rows to group: both are left alone.
// CHECK-LABEL: tile.kernel @persistent
// CHECK-NOT: tile.grouped_order
// CHECK: %{{.*}} = {{(tile.)?}}program_id x
// CHECK-NEXT: %{{.*}} = {{(tile.)?}}program_id y
// CHECK-NEXT: arith.constant
tile.kernel @persistent(%c: !tile.desc<128x256xf32>, %x: f32) grid(%c[1], %c[0] / 128)
    attributes {persistent} {
  %pn = tile.program_id x
  %pm = tile.program_id y
  %bm = arith.constant 128 : i32
  %bn = arith.constant 256 : i32
  %m = arith.muli %pm, %bm : i32
  %n = arith.muli %pn, %bn : i32
  %t = tile.splat %x : tensor<128x256xf32>
  tile.store %t, %c[%m, %n] : tensor<128x256xf32>, !tile.desc<128x256xf32>
  tile.return
}
// CHECK-LABEL: tile.kernel @one_dimension
// CHECK-NOT: tile.grouped_order
// CHECK: %{{.*}} = {{(tile.)?}}program_id x
// CHECK-NEXT: arith.constant
tile.kernel @one_dimension(%y: !tile.desc<1024xf32>, %x: f32) grid(%y[0] / 1024) {
  %p = tile.program_id x
  %b = arith.constant 1024 : i32
  %o = arith.muli %p, %b : i32
  %t = tile.splat %x : tensor<1024xf32>
  tile.store %t, %y[%o] : tensor<1024xf32>, !tile.desc<1024xf32>
  tile.return
}
