// RUN: kiln-opt %s -split-input-file -tile-persistent -cse -verify-diagnostics | FileCheck %s
// RUN: kiln-opt %s -split-input-file -tile-persistent="all=true group-rows=4" -verify-diagnostics | FileCheck %s --check-prefix=ALL
// A second run leaves the tile loop alone: one loop, not tiles of tiles.
// RUN: kiln-opt %s -split-input-file -tile-persistent -tile-persistent -verify-diagnostics | FileCheck %s --check-prefix=TWICE

// A kernel marked persistent walks the tiles of its grid: gx = ceil(N /
// 256) tile columns, gy = ceil(M / 128) rows, tiles from this CTA's index in
// steps of the CTA count; the body's program ids become the tile's grouped
// coordinates (8 rows of tiles per group).
// CHECK-LABEL: tile.kernel @marked
// CHECK: %[[N:.*]] = {{(tile.)?}}dim %{{.*}}, 1
// CHECK: %[[NUP:.*]] = arith.addi %[[N]], %{{.*}}
// CHECK: %[[GX:.*]] = arith.divui %[[NUP]], %{{.*}}
// CHECK: %[[M:.*]] = {{(tile.)?}}dim %{{.*}}, 0
// CHECK: %[[MUP:.*]] = arith.addi %[[M]], %{{.*}}
// CHECK: %[[GY:.*]] = arith.divui %[[MUP]], %{{.*}}
// CHECK: %[[TILES:.*]] = arith.muli %[[GX]], %[[GY]]
// CHECK: %[[FIRST:.*]] = {{(tile.)?}}program_id x
// CHECK: %[[STEP:.*]] = {{(tile.)?}}num_programs x
// CHECK: scf.for %[[T:.*]] = %[[FIRST]] to %[[TILES]] step %[[STEP]]
// CHECK:   %[[C8:.*]] = arith.constant 8 : i32
// CHECK:   %[[PER:.*]] = arith.muli %[[C8]], %[[GX]]
// CHECK:   %[[GROUP:.*]] = arith.divui %[[T]], %[[PER]]
// CHECK:   %[[ROW0:.*]] = arith.muli %[[GROUP]], %[[C8]]
// CHECK:   %[[LEFT:.*]] = arith.subi %[[GY]], %[[ROW0]]
// CHECK:   %[[SIZE:.*]] = arith.minui %[[LEFT]], %[[C8]]
// CHECK:   %[[IN:.*]] = arith.remui %[[T]], %[[PER]]
// CHECK:   %[[R:.*]] = arith.remui %[[IN]], %[[SIZE]]
// CHECK:   %[[PM:.*]] = arith.addi %[[ROW0]], %[[R]]
// CHECK:   %[[PN:.*]] = arith.divui %[[IN]], %[[SIZE]]
// CHECK:   {{(tile.)?}}store %{{.*}}, %{{.*}}[%[[PM]], %[[PN]]]
// CHECK-NOT: program_id
// CHECK: return
// TWICE-LABEL: tile.kernel @marked
// TWICE-SAME: tile.tile_loop
// TWICE-COUNT-1: scf.for
// TWICE-NOT: scf.for
// TWICE: return
tile.kernel @marked(%c: !tile.desc<128x256xf32>, %x: f32) grid(%c[1], %c[0] / 128)
    attributes {persistent} {
  %pn = tile.program_id x
  %pm = tile.program_id y
  %t = tile.splat %x : tensor<128x256xf32>
  tile.store %t, %c[%pm, %pn] : tensor<128x256xf32>, !tile.desc<128x256xf32>
  tile.return
}

// -----

// Unmarked kernels stay as they are, unless the option asks for all.
// CHECK-LABEL: tile.kernel @unmarked
// CHECK-NOT: scf.for
// ALL-LABEL: tile.kernel @unmarked
// ALL: scf.for
// ALL: arith.constant 4 : i32
tile.kernel @unmarked(%c: !tile.desc<64xf32>, %x: f32) grid(%c[0]) {
  %p = tile.program_id x
  %t = tile.splat %x : tensor<64xf32>
  tile.store %t, %c[%p] : tensor<64xf32>, !tile.desc<64xf32>
  tile.return
}

// -----

// A third grid dimension (a batch of matrices) is walked outermost: tile t
// is in matrix t / (gx gy), at tile t % (gx gy) of it in grouped order.
// CHECK-LABEL: tile.kernel @three_d
// CHECK: %[[PLANE:.*]] = arith.muli %{{.*}}, %{{.*}} : i32
// CHECK: %[[TILES:.*]] = arith.muli %[[PLANE]], %{{.*}} : i32
// CHECK: scf.for %[[T:.*]] = %{{.*}} to %[[TILES]] step %{{.*}}
// CHECK: %[[Z:.*]] = arith.divui %[[T]], %[[PLANE]] : i32
// CHECK: arith.remui %[[T]], %[[PLANE]] : i32
// CHECK: tile.store %{{.*}}, %{{.*}}[%[[Z]], %{{.*}}, %{{.*}}]
tile.kernel @three_d(%c: !tile.desc<1x2x64xf32>, %x: f32)
    grid(%c[2], %c[1], %c[0]) attributes {persistent} {
  %px = tile.program_id x
  %py = tile.program_id y
  %pz = tile.program_id z
  %c2 = arith.constant 2 : i32
  %c64 = arith.constant 64 : i32
  %m = arith.muli %py, %c2 : i32
  %n = arith.muli %px, %c64 : i32
  %t = tile.splat %x : tensor<2x64xf32>
  tile.store %t, %c[%pz, %m, %n] : tensor<2x64xf32>, !tile.desc<1x2x64xf32>
  tile.return
}

// -----

// expected-error @+1 {{uses program_id z without a third grid dimension to walk}}
tile.kernel @z_without_grid(%c: !tile.desc<64xf32>, %x: f32) grid(%c[0]) attributes {persistent} {
  %pz = tile.program_id z
  %t = tile.splat %x : tensor<64xf32>
  tile.store %t, %c[%pz] : tensor<64xf32>, !tile.desc<64xf32>
  tile.return
}
