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

// expected-error @+1 {{can be made persistent only with a grid rule of one or two dimensions}}
tile.kernel @three_d(%c: !tile.desc<64xf32>) grid(1, 1, 1) attributes {persistent} {
  tile.return
}
