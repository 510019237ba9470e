// RUN: kiln-opt %s -split-input-file -tile-retile="m=64 n=128 k=32" -verify-diagnostics | FileCheck %s

// Every tile extent tied to the dot's M, N and K follows: descriptors,
// loads, the accumulator and its constant, the loop-carried value, the
// conversion and the store. block_dim reads the new block shapes.
// CHECK-LABEL: tile.kernel @gemm
// CHECK-SAME: (%[[A:.*]]: !tile.desc<64x32xf16>, %[[B:.*]]: !tile.desc<128x32xf16>, %[[C:.*]]: !tile.desc<64x128xbf16>)
// CHECK-SAME: grid(%[[C]][1], %[[C]][0])
// CHECK: block_dim %[[A]], 0 : !tile.desc<64x32xf16>
// CHECK: arith.constant dense<0.000000e+00> : tensor<64x128xf32>
// CHECK: scf.for {{.*}} -> (tensor<64x128xf32>)
// CHECK: tile.load %[[A]]{{.*}} -> tensor<64x32xf16>
// CHECK: tile.load %[[B]]{{.*}} -> tensor<128x32xf16>
// CHECK: tile.dot {{.*}} : tensor<64x32xf16>, tensor<128x32xf16> -> tensor<64x128xf32>
// CHECK: arith.truncf {{.*}} to tensor<64x128xbf16>
// CHECK: store {{.*}} : tensor<64x128xbf16>, !tile.desc<64x128xbf16>
tile.kernel @gemm(%a: !tile.desc<128x64xf16>, %b: !tile.desc<256x64xf16>,
                  %c: !tile.desc<128x256xbf16>) grid(%c[1], %c[0]) {
  %pn = tile.program_id x
  %pm = tile.program_id y
  %bm = tile.block_dim %a, 0 : !tile.desc<128x64xf16>
  %bn = tile.block_dim %c, 1 : !tile.desc<128x256xbf16>
  %bk = tile.block_dim %a, 1 : !tile.desc<128x64xf16>
  %c0 = arith.constant 0 : i32
  %m = arith.muli %pm, %bm : i32
  %n = arith.muli %pn, %bn : i32
  %k_end = tile.dim %a, 1 : !tile.desc<128x64xf16>
  %zero = arith.constant dense<0.0> : tensor<128x256xf32>
  %acc = scf.for %k = %c0 to %k_end step %bk iter_args(%sum = %zero) -> (tensor<128x256xf32>) : i32 {
    %at = tile.load %a[%m, %k] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
    %bt = tile.load %b[%n, %k] : !tile.desc<256x64xf16> -> tensor<256x64xf16>
    %d = tile.dot %at, %bt, %sum transpose_b : tensor<128x64xf16>, tensor<256x64xf16> -> tensor<128x256xf32>
    scf.yield %d : tensor<128x256xf32>
  }
  %out = arith.truncf %acc : tensor<128x256xf32> to tensor<128x256xbf16>
  tile.store %out, %c[%m, %n] : tensor<128x256xbf16>, !tile.desc<128x256xbf16>
  tile.return
}

// -----

// The bias row follows N through the broadcast.
// CHECK-LABEL: tile.kernel @bias
// CHECK: {{(tile.)?}}load {{.*}} -> tensor<128xf32>
// CHECK: {{(tile.)?}}broadcast {{.*}} : tensor<128xf32> -> tensor<64x128xf32>
tile.kernel @bias(%a: !tile.desc<128x64xf16>, %b: !tile.desc<256x64xf16>,
                  %bias: !tile.desc<256xf32>, %c: !tile.desc<128x256xf32>, %i: i32) {
  %zero = arith.constant dense<0.0> : tensor<128x256xf32>
  %at = tile.load %a[%i, %i] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  %bt = tile.load %b[%i, %i] : !tile.desc<256x64xf16> -> tensor<256x64xf16>
  %d = tile.dot %at, %bt, %zero transpose_b : tensor<128x64xf16>, tensor<256x64xf16> -> tensor<128x256xf32>
  %row = tile.load %bias[%i] : !tile.desc<256xf32> -> tensor<256xf32>
  %rows = tile.broadcast %row dims [0] : tensor<256xf32> -> tensor<128x256xf32>
  %x = arith.addf %d, %rows : tensor<128x256xf32>
  tile.store %x, %c[%i, %i] : tensor<128x256xf32>, !tile.desc<128x256xf32>
  tile.return
}

// -----

tile.kernel @literal(%a: !tile.desc<128x64xf16>, %b: !tile.desc<256x64xf16>,
                     %c: !tile.desc<128x256xf32>, %pm: i32) {
  %c128 = arith.constant 128 : i32
  %m = arith.muli %pm, %c128 : i32
  %zero = arith.constant dense<0.0> : tensor<128x256xf32>
  // expected-error @+1 {{is offset by a literal multiple of 128, a tile extent retiling changes; compute the offset with tile.block_dim}}
  %at = tile.load %a[%m, %m] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  %bt = tile.load %b[%m, %m] : !tile.desc<256x64xf16> -> tensor<256x64xf16>
  %d = tile.dot %at, %bt, %zero transpose_b : tensor<128x64xf16>, tensor<256x64xf16> -> tensor<128x256xf32>
  tile.store %d, %c[%m, %m] : tensor<128x256xf32>, !tile.desc<128x256xf32>
  tile.return
}

// -----

// expected-error @+1 {{divides its grid by 256, a tile extent retiling changes; write the grid as %desc[dim] so that it follows the tile}}
tile.kernel @literal_grid(%a: !tile.desc<128x64xf16>, %b: !tile.desc<256x64xf16>,
                          %c: !tile.desc<128x256xf32>, %i: i32) grid(%c[1] / 256) {
  %zero = arith.constant dense<0.0> : tensor<128x256xf32>
  %at = tile.load %a[%i, %i] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  %bt = tile.load %b[%i, %i] : !tile.desc<256x64xf16> -> tensor<256x64xf16>
  %d = tile.dot %at, %bt, %zero transpose_b : tensor<128x64xf16>, tensor<256x64xf16> -> tensor<128x256xf32>
  tile.store %d, %c[%i, %i] : tensor<128x256xf32>, !tile.desc<128x256xf32>
  tile.return
}

// -----

tile.kernel @part_of_block(%a: !tile.desc<128x64xf16>, %b: !tile.desc<256x64xf16>,
                           %c: !tile.desc<128x256xf32>, %i: i32) {
  %zero = arith.constant dense<0.0> : tensor<128x256xf32>
  %at = tile.load %a[%i, %i] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  %bt = tile.load %b[%i, %i] : !tile.desc<256x64xf16> -> tensor<256x64xf16>
  %d = tile.dot %at, %bt, %zero transpose_b : tensor<128x64xf16>, tensor<256x64xf16> -> tensor<128x256xf32>
  tile.store %d, %c[%i, %i] : tensor<128x256xf32>, !tile.desc<128x256xf32>
  // expected-error @+1 {{moves a part of its descriptor's block; retiling needs whole blocks}}
  %x = tile.load %c[%i, %i] : !tile.desc<128x256xf32> -> tensor<128x128xf32>
  tile.return
}

// -----

tile.kernel @slice(%a: !tile.desc<128x64xf16>, %b: !tile.desc<256x64xf16>,
                   %c: !tile.desc<128x256xf32>, %i: i32) {
  %zero = arith.constant dense<0.0> : tensor<128x256xf32>
  %at = tile.load %a[%i, %i] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  %bt = tile.load %b[%i, %i] : !tile.desc<256x64xf16> -> tensor<256x64xf16>
  %d = tile.dot %at, %bt, %zero transpose_b : tensor<128x64xf16>, tensor<256x64xf16> -> tensor<128x256xf32>
  // expected-error @+1 {{has static offsets that retiling cannot scale}}
  %x = tile.extract_slice %d [0, 0] : tensor<128x256xf32> -> tensor<128x128xf32>
  tile.return
}

// -----

// A grid counted in blocks of a descriptor that no load or store ties to a
// tile: retiling would leave its blocks, and so the grid, at the old size
// while each program computes a smaller tile.
// expected-error @+1 {{counts its grid in blocks of argument #3, which no tile.load or tile.store moves; retiling cannot tell whether those blocks follow the tile}}
tile.kernel @grid_unmoved(%a: !tile.desc<128x64xf16>, %b: !tile.desc<256x64xf16>,
                          %c: !tile.desc<128x256xf32>, %g: !tile.desc<128x256xf32>, %i: i32)
    grid(%g[1], %g[0]) {
  %zero = arith.constant dense<0.0> : tensor<128x256xf32>
  %at = tile.load %a[%i, %i] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  %bt = tile.load %b[%i, %i] : !tile.desc<256x64xf16> -> tensor<256x64xf16>
  %d = tile.dot %at, %bt, %zero transpose_b : tensor<128x64xf16>, tensor<256x64xf16> -> tensor<128x256xf32>
  tile.store %d, %c[%i, %i] : tensor<128x256xf32>, !tile.desc<128x256xf32>
  tile.return
}

// -----

// expected-error @+1 {{divides argument #3 by 128 in its grid; retiling cannot tell whether that is a tile extent}}
tile.kernel @grid_scalar(%a: !tile.desc<128x64xf16>, %b: !tile.desc<256x64xf16>,
                         %c: !tile.desc<128x256xf32>, %rows: i32, %i: i32)
    grid(%rows / 128) {
  %zero = arith.constant dense<0.0> : tensor<128x256xf32>
  %at = tile.load %a[%i, %i] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  %bt = tile.load %b[%i, %i] : !tile.desc<256x64xf16> -> tensor<256x64xf16>
  %d = tile.dot %at, %bt, %zero transpose_b : tensor<128x64xf16>, tensor<256x64xf16> -> tensor<128x256xf32>
  tile.store %d, %c[%i, %i] : tensor<128x256xf32>, !tile.desc<128x256xf32>
  tile.return
}

// -----

tile.kernel @block_dim_unmoved(%a: !tile.desc<128x64xf16>, %b: !tile.desc<256x64xf16>,
                               %c: !tile.desc<128x256xf32>, %g: !tile.desc<128x256xf32>) {
  %pm = tile.program_id y
  // expected-error @+1 {{reads the block of a descriptor that no tile.load or tile.store moves along dimension 0; retiling cannot tell whether it follows the tile}}
  %bm = tile.block_dim %g, 0 : !tile.desc<128x256xf32>
  %m = arith.muli %pm, %bm : i32
  %zero = arith.constant dense<0.0> : tensor<128x256xf32>
  %at = tile.load %a[%m, %m] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  %bt = tile.load %b[%m, %m] : !tile.desc<256x64xf16> -> tensor<256x64xf16>
  %d = tile.dot %at, %bt, %zero transpose_b : tensor<128x64xf16>, tensor<256x64xf16> -> tensor<128x256xf32>
  tile.store %d, %c[%m, %m] : tensor<128x256xf32>, !tile.desc<128x256xf32>
  tile.return
}

// -----

// A row sum of the accumulator is a sum over the tile's N columns: with
// other N tiles it sums other columns.
tile.kernel @reduce_retiled(%a: !tile.desc<128x64xf16>, %b: !tile.desc<256x64xf16>,
                            %c: !tile.desc<128x256xf32>, %rs: !tile.desc<128xf32>, %i: i32) {
  %zero = arith.constant dense<0.0> : tensor<128x256xf32>
  %at = tile.load %a[%i, %i] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  %bt = tile.load %b[%i, %i] : !tile.desc<256x64xf16> -> tensor<256x64xf16>
  %d = tile.dot %at, %bt, %zero transpose_b : tensor<128x64xf16>, tensor<256x64xf16> -> tensor<128x256xf32>
  tile.store %d, %c[%i, %i] : tensor<128x256xf32>, !tile.desc<128x256xf32>
  // expected-error @+1 {{reduces along dimension 1, a tile extent retiling changes: each program's partial result would cover other elements}}
  %r = tile.reduce sum %d dim 1 : tensor<128x256xf32> -> tensor<128xf32>
  tile.store %r, %rs[%i] : tensor<128xf32>, !tile.desc<128xf32>
  tile.return
}

// -----

// Which program is the first depends on the tile shape.
tile.kernel @program_id_compared(%a: !tile.desc<128x64xf16>, %b: !tile.desc<256x64xf16>,
                                 %c: !tile.desc<128x256xf32>, %i: i32) {
  %pn = tile.program_id x
  %c0 = arith.constant 0 : i32
  // expected-error @+1 {{uses tile.program_id other than as a multiple of tile.block_dim or of a literal that is no retiled extent, or as a coordinate along an extent retiling keeps; which elements a program computes would change with the tile}}
  %first = arith.cmpi eq, %pn, %c0 : i32
  %zero = arith.constant dense<0.0> : tensor<128x256xf32>
  %at = tile.load %a[%i, %i] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  %bt = tile.load %b[%i, %i] : !tile.desc<256x64xf16> -> tensor<256x64xf16>
  %d = tile.dot %at, %bt, %zero transpose_b : tensor<128x64xf16>, tensor<256x64xf16> -> tensor<128x256xf32>
  scf.if %first {
    tile.store %d, %c[%i, %i] : tensor<128x256xf32>, !tile.desc<128x256xf32>
  }
  tile.return
}

// -----

// A program id used as a coordinate along an extent retiling keeps (here a
// per-program flag row of its own descriptor) is fine.
// CHECK-LABEL: tile.kernel @program_id_kept
// CHECK-SAME: !tile.desc<1x8xf32>
tile.kernel @program_id_kept(%a: !tile.desc<128x64xf16>, %b: !tile.desc<256x64xf16>,
                             %c: !tile.desc<128x256xf32>, %flags: !tile.desc<1x8xf32>,
                             %i: i32, %x: f32) {
  %pz = tile.program_id z
  %c0 = arith.constant 0 : i32
  %zero = arith.constant dense<0.0> : tensor<128x256xf32>
  %at = tile.load %a[%i, %i] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  %bt = tile.load %b[%i, %i] : !tile.desc<256x64xf16> -> tensor<256x64xf16>
  %d = tile.dot %at, %bt, %zero transpose_b : tensor<128x64xf16>, tensor<256x64xf16> -> tensor<128x256xf32>
  tile.store %d, %c[%i, %i] : tensor<128x256xf32>, !tile.desc<128x256xf32>
  %f = tile.splat %x : tensor<1x8xf32>
  tile.store %f, %flags[%pz, %c0] : tensor<1x8xf32>, !tile.desc<1x8xf32>
  tile.return
}

// -----

// A K loop stepping by a literal would skip or repeat K slices.
tile.kernel @literal_step(%a: !tile.desc<128x64xf16>, %b: !tile.desc<256x64xf16>,
                          %c: !tile.desc<128x256xf32>, %i: i32) {
  %c0 = arith.constant 0 : i32
  %c64 = arith.constant 64 : i32
  %k_end = tile.dim %a, 1 : !tile.desc<128x64xf16>
  %zero = arith.constant dense<0.0> : tensor<128x256xf32>
  // expected-error @+1 {{steps a coordinate along a tile extent retiling changes by something other than tile.block_dim of that extent; tiles would be skipped or counted twice}}
  %acc = scf.for %k = %c0 to %k_end step %c64 iter_args(%sum = %zero) -> (tensor<128x256xf32>) : i32 {
    %at = tile.load %a[%i, %k] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
    %bt = tile.load %b[%i, %k] : !tile.desc<256x64xf16> -> tensor<256x64xf16>
    %d = tile.dot %at, %bt, %sum transpose_b : tensor<128x64xf16>, tensor<256x64xf16> -> tensor<128x256xf32>
    scf.yield %d : tensor<128x256xf32>
  }
  tile.store %acc, %c[%i, %i] : tensor<128x256xf32>, !tile.desc<128x256xf32>
  tile.return
}

// -----

// Program ids stepping by a block extent need a grid that counts blocks of
// it: here the grid counts the 64-row blocks of a table, which stay while M
// changes.
tile.kernel @grid_other_blocks(%a: !tile.desc<128x64xf16>, %b: !tile.desc<256x64xf16>,
                               %c: !tile.desc<128x256xf32>, %s: !tile.desc<64x8xf32>, %i: i32)
    grid(%c[1], %s[0]) {
  %pm = tile.program_id y
  %bm = tile.block_dim %a, 0 : !tile.desc<128x64xf16>
  // expected-error @+1 {{steps program_id y by blocks of a tile extent retiling changes, but the grid rule of that dimension does not count those blocks (write it as %desc[dim] of that extent)}}
  %m = arith.muli %pm, %bm : i32
  %zero = arith.constant dense<0.0> : tensor<128x256xf32>
  %at = tile.load %a[%m, %i] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  %bt = tile.load %b[%i, %i] : !tile.desc<256x64xf16> -> tensor<256x64xf16>
  %d = tile.dot %at, %bt, %zero transpose_b : tensor<128x64xf16>, tensor<256x64xf16> -> tensor<128x256xf32>
  tile.store %d, %c[%m, %i] : tensor<128x256xf32>, !tile.desc<128x256xf32>
  %t = tile.load %s[%i, %i] : !tile.desc<64x8xf32> -> tensor<64x8xf32>
  tile.return
}

// -----

// A literal multiple of a program id that is no extent retiling changes (a
// 32-row table block here) is fine; one equal to a changed extent is not.
// CHECK-LABEL: tile.kernel @literal_kept
tile.kernel @literal_kept(%a: !tile.desc<128x64xf16>, %b: !tile.desc<256x64xf16>,
                          %c: !tile.desc<128x256xf32>, %t: !tile.desc<32x8xf32>, %i: i32) {
  %pz = tile.program_id z
  %c32 = arith.constant 32 : i32
  %row = arith.muli %pz, %c32 : i32
  %zero = arith.constant dense<0.0> : tensor<128x256xf32>
  %at = tile.load %a[%i, %i] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  %bt = tile.load %b[%i, %i] : !tile.desc<256x64xf16> -> tensor<256x64xf16>
  %d = tile.dot %at, %bt, %zero transpose_b : tensor<128x64xf16>, tensor<256x64xf16> -> tensor<128x256xf32>
  tile.store %d, %c[%i, %i] : tensor<128x256xf32>, !tile.desc<128x256xf32>
  %x = tile.load %t[%row, %i] : !tile.desc<32x8xf32> -> tensor<32x8xf32>
  tile.return
}

// -----

tile.kernel @num_programs(%a: !tile.desc<128x64xf16>, %b: !tile.desc<256x64xf16>,
                          %c: !tile.desc<128x256xf32>, %i: i32) {
  // expected-error @+1 {{counts the programs, which retiling changes; it cannot tell what the program does with the count}}
  %n = tile.num_programs x
  %zero = arith.constant dense<0.0> : tensor<128x256xf32>
  %at = tile.load %a[%i, %n] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  %bt = tile.load %b[%i, %i] : !tile.desc<256x64xf16> -> tensor<256x64xf16>
  %d = tile.dot %at, %bt, %zero transpose_b : tensor<128x64xf16>, tensor<256x64xf16> -> tensor<128x256xf32>
  tile.store %d, %c[%i, %i] : tensor<128x256xf32>, !tile.desc<128x256xf32>
  tile.return
}

// -----

// expected-error @+1 {{has no tile.dot, so it has no M, N and K to retile}}
tile.kernel @no_dot(%x: !tile.desc<64xf32>) {
  tile.return
}

// -----

// A batched GEMM over tensors of heads: the tiles leave out the head
// dimension (a block of 1), which keeps its block of 1 and its grid
// dimension (one program per head); M, N and K follow the tile.
// CHECK-LABEL: tile.kernel @batched
// CHECK-SAME: (%[[A:.*]]: !tile.desc<1x64x32xbf16>, %[[B:.*]]: !tile.desc<1x128x32xbf16>, %[[C:.*]]: !tile.desc<1x64x128xf32>)
// CHECK-SAME: grid(%[[C]][2], %[[C]][1], %[[C]][0])
// CHECK: load %[[A]][%{{.*}}, %{{.*}}, %{{.*}}] : !tile.desc<1x64x32xbf16> -> tensor<64x32xbf16>
// CHECK: dot {{.*}} : tensor<64x32xbf16>, tensor<128x32xbf16> -> tensor<64x128xf32>
// CHECK: store %{{.*}}, %[[C]][%{{.*}}, %{{.*}}, %{{.*}}] : tensor<64x128xf32>, !tile.desc<1x64x128xf32>
tile.kernel @batched(%a: !tile.desc<1x128x64xbf16>, %b: !tile.desc<1x256x64xbf16>,
                     %c: !tile.desc<1x128x256xf32>) grid(%c[2], %c[1], %c[0]) {
  %pn = tile.program_id x
  %pm = tile.program_id y
  %h = tile.program_id z
  %bm = tile.block_dim %a, 1 : !tile.desc<1x128x64xbf16>
  %bn = tile.block_dim %c, 2 : !tile.desc<1x128x256xf32>
  %bk = tile.block_dim %a, 2 : !tile.desc<1x128x64xbf16>
  %c0 = arith.constant 0 : i32
  %m = arith.muli %pm, %bm : i32
  %n = arith.muli %pn, %bn : i32
  %k_end = tile.dim %a, 2 : !tile.desc<1x128x64xbf16>
  %zero = arith.constant dense<0.0> : tensor<128x256xf32>
  %acc = scf.for %k = %c0 to %k_end step %bk iter_args(%s = %zero) -> (tensor<128x256xf32>) : i32 {
    %at = tile.load %a[%h, %m, %k] : !tile.desc<1x128x64xbf16> -> tensor<128x64xbf16>
    %bt = tile.load %b[%h, %n, %k] : !tile.desc<1x256x64xbf16> -> tensor<256x64xbf16>
    %d = tile.dot %at, %bt, %s transpose_b : tensor<128x64xbf16>, tensor<256x64xbf16> -> tensor<128x256xf32>
    scf.yield %d : tensor<128x256xf32>
  }
  tile.store %acc, %c[%h, %m, %n] : tensor<128x256xf32>, !tile.desc<1x128x256xf32>
  tile.return
}
