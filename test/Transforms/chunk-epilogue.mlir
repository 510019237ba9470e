// RUN: kiln-opt %s -split-input-file -tile-assign-layouts -tile-chunk-epilogue="columns=32" | FileCheck %s --enable-var-scope
// RUN: not kiln-opt %s -split-input-file -tile-assign-layouts -tile-chunk-epilogue="columns=12" 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: tile-chunk-epilogue needs columns in a positive multiple of 8, got 12

// A fused epilogue, out = bf16(silu(acc * scale[row] + bias[col]) * alpha),
// becomes four stores of 32 columns. Each chunk slices the accumulator,
// loads its 32 bias values (bias is only read) one chunk ahead, before the
// math and store of the chunk before, broadcasts the per-row scale over its
// columns, makes its own splats, and stores at column n + 32 c. The
// whole-tile ops are gone.
// CHECK-LABEL: tile.kernel @bias_silu
// CHECK-SAME: (%[[A:.*]]: !tile.desc<64x64xbf16>, %[[B:.*]]: !tile.desc<128x64xbf16>, %[[BIAS:.*]]: !tile.desc<128xf32>, %[[SCALE:.*]]: !tile.desc<64xf32>, %[[C:.*]]: !tile.desc<64x128xbf16>, %[[ALPHA:.*]]: f32, %[[M:.*]]: i32, %[[N:.*]]: i32)
// CHECK: %[[ACC:.*]] = dot
// CHECK: %[[S:.*]] = load %[[SCALE]][%[[M]]] : !tile.desc<64xf32> -> tensor<64xf32, #[[COL:.*]]>
// CHECK-NEXT: %[[R0:.*]] = load %[[BIAS]][%[[N]]] : !tile.desc<128xf32> -> tensor<32xf32, #[[ROW:.*]]>
// CHECK-NEXT: %[[C32:.*]] = arith.constant 32 : i32
// CHECK-NEXT: %[[N32:.*]] = arith.addi %[[N]], %[[C32]] overflow<nsw> : i32
// CHECK-NEXT: %[[R1:.*]] = load %[[BIAS]][%[[N32]]] : !tile.desc<128xf32> -> tensor<32xf32, #[[ROW]]>
// CHECK-NEXT: %[[A0:.*]] = extract_slice %[[ACC]] [0, 0] : tensor<64x128xf32, #[[MMA:.*]]> -> tensor<64x32xf32, #[[MMA]]>
// CHECK-NEXT: %[[SB0:.*]] = broadcast %[[S]] dims [1] : tensor<64xf32, #[[COL]]> -> tensor<64x32xf32, #[[MMA]]>
// CHECK-NEXT: %[[X0:.*]] = arith.mulf %[[A0]], %[[SB0]] : tensor<64x32xf32, #[[MMA]]>
// CHECK-NEXT: %[[RB0:.*]] = broadcast %[[R0]] dims [0] : tensor<32xf32, #[[ROW]]> -> tensor<64x32xf32, #[[MMA]]>
// CHECK-NEXT: %[[Y0:.*]] = arith.addf %[[X0]], %[[RB0]] : tensor<64x32xf32, #[[MMA]]>
// CHECK-NEXT: arith.negf %[[Y0]]
// CHECK-NEXT: math.exp
// CHECK-NEXT: arith.constant dense<1.000000e+00> : tensor<64x32xf32, #[[MMA]]>
// CHECK-NEXT: arith.addf
// CHECK-NEXT: arith.divf
// CHECK-NEXT: %[[AL0:.*]] = splat %[[ALPHA]] : tensor<64x32xf32, #[[MMA]]>
// CHECK-NEXT: arith.mulf %{{.*}}, %[[AL0]]
// CHECK-NEXT: %[[O0:.*]] = arith.truncf %{{.*}} : tensor<64x32xf32, #[[MMA]]> to tensor<64x32xbf16, #[[MMA]]>
// CHECK-NEXT: store %[[O0]], %[[C]][%[[M]], %[[N]]] : tensor<64x32xbf16, #[[MMA]]>, !tile.desc<64x128xbf16>
// CHECK: %[[R2:.*]] = load %[[BIAS]]
// CHECK-NEXT: extract_slice %[[ACC]] [0, 32]
// CHECK: broadcast %[[R1]] dims [0]
// CHECK: store %{{.*}}, %[[C]][%[[M]], %{{.*}}] : tensor<64x32xbf16, #[[MMA]]>
// CHECK: %[[R3:.*]] = load %[[BIAS]]
// CHECK-NEXT: extract_slice %[[ACC]] [0, 64]
// CHECK: broadcast %[[R2]] dims [0]
// CHECK: store
// CHECK-NOT: = load
// CHECK: extract_slice %[[ACC]] [0, 96]
// CHECK: broadcast %[[R3]] dims [0]
// CHECK: store
// CHECK-NOT: tensor<64x128xbf16
// CHECK-NOT: {{^ *}}store
// CHECK: return
tile.kernel @bias_silu(%a: !tile.desc<64x64xbf16>, %b: !tile.desc<128x64xbf16>,
                       %bias: !tile.desc<128xf32>, %scale: !tile.desc<64xf32>,
                       %c: !tile.desc<64x128xbf16>, %alpha: f32, %m: i32, %n: i32) {
  %at = tile.load %a[%m, %m] : !tile.desc<64x64xbf16> -> tensor<64x64xbf16>
  %bt = tile.load %b[%n, %m] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
  %z = arith.constant dense<0.0> : tensor<64x128xf32>
  %acc = tile.dot %at, %bt, %z transpose_b : tensor<64x64xbf16>, tensor<128x64xbf16> -> tensor<64x128xf32>
  %s = tile.load %scale[%m] : !tile.desc<64xf32> -> tensor<64xf32>
  %sb = tile.broadcast %s dims [1] : tensor<64xf32> -> tensor<64x128xf32>
  %x = arith.mulf %acc, %sb : tensor<64x128xf32>
  %row = tile.load %bias[%n] : !tile.desc<128xf32> -> tensor<128xf32>
  %rows = tile.broadcast %row dims [0] : tensor<128xf32> -> tensor<64x128xf32>
  %y = arith.addf %x, %rows : tensor<64x128xf32>
  %neg = arith.negf %y : tensor<64x128xf32>
  %e = math.exp %neg : tensor<64x128xf32>
  %one = arith.constant dense<1.0> : tensor<64x128xf32>
  %den = arith.addf %e, %one : tensor<64x128xf32>
  %silu = arith.divf %y, %den : tensor<64x128xf32>
  %al = tile.splat %alpha : tensor<64x128xf32>
  %scaled = arith.mulf %silu, %al : tensor<64x128xf32>
  %out = arith.truncf %scaled : tensor<64x128xf32> to tensor<64x128xbf16>
  tile.store %out, %c[%m, %n] : tensor<64x128xbf16>, !tile.desc<64x128xbf16>
  tile.return
}

// -----

// The accumulator stored as it is: nothing to compute, one store.
// CHECK-LABEL: tile.kernel @plain
// CHECK-NOT: extract_slice
// CHECK: store %{{.*}} : tensor<64x128xf32, #tile.mma<warpgroups = 1>>, !tile.desc<64x128xf32>
// CHECK-NOT: {{^ *}}store
tile.kernel @plain(%a: !tile.desc<64x64xbf16>, %b: !tile.desc<128x64xbf16>,
                   %c: !tile.desc<64x128xf32>, %m: i32) {
  %at = tile.load %a[%m, %m] : !tile.desc<64x64xbf16> -> tensor<64x64xbf16>
  %bt = tile.load %b[%m, %m] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
  %z = arith.constant dense<0.0> : tensor<64x128xf32>
  %acc = tile.dot %at, %bt, %z transpose_b : tensor<64x64xbf16>, tensor<128x64xbf16> -> tensor<64x128xf32>
  tile.store %acc, %c[%m, %m] : tensor<64x128xf32>, !tile.desc<64x128xf32>
  tile.return
}

// -----

// The row comes from a tensor the kernel also writes: loading it later
// could read what the kernel stored, so the chunks slice the one load.
// CHECK-LABEL: tile.kernel @written_row
// CHECK: %[[ROW:.*]] = load %{{.*}} : !tile.desc<128xf32> -> tensor<128xf32, #[[ROWL:.*]]>
// CHECK-NOT: = load
// CHECK: %[[R0:.*]] = extract_slice %[[ROW]] [0] : tensor<128xf32, #[[ROWL]]> -> tensor<32xf32, #[[ROWL]]>
// CHECK: broadcast %[[R0]] dims [0]
// CHECK: extract_slice %[[ROW]] [32]
// CHECK: extract_slice %[[ROW]] [64]
// CHECK: extract_slice %[[ROW]] [96]
// CHECK: store %[[ROW]], %{{.*}} : tensor<128xf32, #[[ROWL]]>, !tile.desc<128xf32>
tile.kernel @written_row(%a: !tile.desc<64x64xbf16>, %b: !tile.desc<128x64xbf16>,
                         %bias: !tile.desc<128xf32>, %c: !tile.desc<64x128xbf16>,
                         %m: i32) {
  %at = tile.load %a[%m, %m] : !tile.desc<64x64xbf16> -> tensor<64x64xbf16>
  %bt = tile.load %b[%m, %m] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
  %z = arith.constant dense<0.0> : tensor<64x128xf32>
  %acc = tile.dot %at, %bt, %z transpose_b : tensor<64x64xbf16>, tensor<128x64xbf16> -> tensor<64x128xf32>
  %row = tile.load %bias[%m] : !tile.desc<128xf32> -> tensor<128xf32>
  %rows = tile.broadcast %row dims [0] : tensor<128xf32> -> tensor<64x128xf32>
  %y = arith.addf %acc, %rows : tensor<64x128xf32>
  %out = arith.truncf %y : tensor<64x128xf32> to tensor<64x128xbf16>
  tile.store %out, %c[%m, %m] : tensor<64x128xbf16>, !tile.desc<64x128xbf16>
  tile.store %row, %bias[%m] : tensor<128xf32>, !tile.desc<128xf32>
  tile.return
}

// -----

// A value also stored whole (%y, to %d) is computed once, whole: the chunks
// of the other store slice it instead of adding again, and its own store
// is left as it is.
// CHECK-LABEL: tile.kernel @shared_value
// CHECK: %[[Y:.*]] = arith.addf %{{.*}} : tensor<64x128xf32
// CHECK-NOT: arith.addf
// CHECK: %[[Y0:.*]] = extract_slice %[[Y]] [0, 0]
// CHECK: arith.truncf %[[Y0]]
// CHECK: extract_slice %[[Y]] [0, 96]
// CHECK: store %[[Y]], %{{.*}} : tensor<64x128xf32, #{{.*}}>, !tile.desc<64x128xf32>
// CHECK-NOT: arith.addf
tile.kernel @shared_value(%a: !tile.desc<64x64xbf16>, %b: !tile.desc<128x64xbf16>,
                          %c: !tile.desc<64x128xbf16>, %d: !tile.desc<64x128xf32>,
                          %m: i32) {
  %at = tile.load %a[%m, %m] : !tile.desc<64x64xbf16> -> tensor<64x64xbf16>
  %bt = tile.load %b[%m, %m] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
  %z = arith.constant dense<0.0> : tensor<64x128xf32>
  %acc = tile.dot %at, %bt, %z transpose_b : tensor<64x64xbf16>, tensor<128x64xbf16> -> tensor<64x128xf32>
  %y = arith.addf %acc, %acc : tensor<64x128xf32>
  %out = arith.truncf %y : tensor<64x128xf32> to tensor<64x128xbf16>
  tile.store %out, %c[%m, %m] : tensor<64x128xbf16>, !tile.desc<64x128xbf16>
  tile.store %y, %d[%m, %m] : tensor<64x128xf32>, !tile.desc<64x128xf32>
  tile.return
}

// -----

// Left as they are: 32 columns are one chunk, and a tile in a blocked
// layout is not an accumulator.
// CHECK-LABEL: tile.kernel @one_chunk
// CHECK-NOT: extract_slice
// CHECK: store %{{.*}} : tensor<64x32xbf16, #tile.mma<warpgroups = 1>>
// CHECK-LABEL: tile.kernel @blocked
// CHECK-NOT: extract_slice
// CHECK: store %{{.*}} : tensor<64x128xbf16, #tile.blocked
tile.kernel @one_chunk(%a: !tile.desc<64x64xbf16>, %b: !tile.desc<32x64xbf16>,
                       %c: !tile.desc<64x32xbf16>, %m: i32) {
  %at = tile.load %a[%m, %m] : !tile.desc<64x64xbf16> -> tensor<64x64xbf16>
  %bt = tile.load %b[%m, %m] : !tile.desc<32x64xbf16> -> tensor<32x64xbf16>
  %z = arith.constant dense<0.0> : tensor<64x32xf32>
  %acc = tile.dot %at, %bt, %z transpose_b : tensor<64x64xbf16>, tensor<32x64xbf16> -> tensor<64x32xf32>
  %out = arith.truncf %acc : tensor<64x32xf32> to tensor<64x32xbf16>
  tile.store %out, %c[%m, %m] : tensor<64x32xbf16>, !tile.desc<64x32xbf16>
  tile.return
}
tile.kernel @blocked(%x: !tile.desc<64x128xf32>, %y: !tile.desc<64x128xbf16>, %m: i32) {
  %t = tile.load %x[%m, %m] : !tile.desc<64x128xf32> -> tensor<64x128xf32>
  %out = arith.truncf %t : tensor<64x128xf32> to tensor<64x128xbf16>
  tile.store %out, %y[%m, %m] : tensor<64x128xbf16>, !tile.desc<64x128xbf16>
  tile.return
}

// -----

// Settling which values are computed whole takes three rounds: %c is also
// stored whole, so it is; then %a, which %c uses, must be too. Only %r is
// computed per chunk, from slices of both; nothing is computed twice.
// CHECK-LABEL: tile.kernel @settle
// CHECK: %[[A:.*]] = arith.negf %{{.*}} : tensor<64x128xf32
// CHECK: %[[C:.*]] = arith.addf %[[A]], %[[A]] : tensor<64x128xf32
// CHECK: %[[C0:.*]] = extract_slice %[[C]] [0, 0]
// CHECK: %[[A0:.*]] = extract_slice %[[A]] [0, 0]
// CHECK: arith.mulf %[[C0]], %[[A0]] : tensor<64x32xf32
// CHECK-COUNT-3: arith.mulf %{{.*}} : tensor<64x32xf32
// CHECK: store %[[C]], %{{.*}} : tensor<64x128xf32
// CHECK-NOT: arith.negf
// CHECK-NOT: arith.addf
// CHECK: return
tile.kernel @settle(%a_: !tile.desc<64x64xbf16>, %b: !tile.desc<128x64xbf16>,
                    %c_: !tile.desc<64x128xf32>, %d: !tile.desc<64x128xf32>,
                    %m: i32) {
  %at = tile.load %a_[%m, %m] : !tile.desc<64x64xbf16> -> tensor<64x64xbf16>
  %bt = tile.load %b[%m, %m] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
  %z = arith.constant dense<0.0> : tensor<64x128xf32>
  %acc = tile.dot %at, %bt, %z transpose_b : tensor<64x64xbf16>, tensor<128x64xbf16> -> tensor<64x128xf32>
  %a = arith.negf %acc : tensor<64x128xf32>
  %c = arith.addf %a, %a : tensor<64x128xf32>
  %r = arith.mulf %c, %a : tensor<64x128xf32>
  tile.store %r, %c_[%m, %m] : tensor<64x128xf32>, !tile.desc<64x128xf32>
  tile.store %c, %d[%m, %m] : tensor<64x128xf32>, !tile.desc<64x128xf32>
  tile.return
}

// -----

// An f16 bias widened to f32 before the broadcast: each chunk loads 32 f16
// values and widens them; the whole row is neither loaded nor widened.
// CHECK-LABEL: tile.kernel @widened_row
// CHECK-NOT: tensor<128xf16
// CHECK: %[[R0:.*]] = load %{{.*}} -> tensor<32xf16, #[[ROW:.*]]>
// CHECK: %[[W0:.*]] = arith.extf %[[R0]] : tensor<32xf16, #[[ROW]]> to tensor<32xf32, #[[ROW]]>
// CHECK: broadcast %[[W0]] dims [0] : tensor<32xf32, #[[ROW]]> -> tensor<64x32xf32
// CHECK-NOT: tensor<128xf
// CHECK: return
tile.kernel @widened_row(%a: !tile.desc<64x64xf16>, %b: !tile.desc<128x64xf16>,
                         %bias: !tile.desc<128xf16>, %c: !tile.desc<64x128xf16>,
                         %m: i32) {
  %at = tile.load %a[%m, %m] : !tile.desc<64x64xf16> -> tensor<64x64xf16>
  %bt = tile.load %b[%m, %m] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  %z = arith.constant dense<0.0> : tensor<64x128xf32>
  %acc = tile.dot %at, %bt, %z transpose_b : tensor<64x64xf16>, tensor<128x64xf16> -> tensor<64x128xf32>
  %row = tile.load %bias[%m] : !tile.desc<128xf16> -> tensor<128xf16>
  %wide = arith.extf %row : tensor<128xf16> to tensor<128xf32>
  %rows = tile.broadcast %wide dims [0] : tensor<128xf32> -> tensor<64x128xf32>
  %y = arith.addf %acc, %rows : tensor<64x128xf32>
  %out = arith.truncf %y : tensor<64x128xf32> to tensor<64x128xf16>
  tile.store %out, %c[%m, %m] : tensor<64x128xf16>, !tile.desc<64x128xf16>
  tile.return
}

// -----

// One widened row broadcast into two stores: rows are cheap to make again,
// so each store loads and widens its own chunks, and neither the row nor
// its widening is kept whole.
// CHECK-LABEL: tile.kernel @shared_row
// CHECK-NOT: tensor<128xf
// CHECK-COUNT-8: arith.extf %{{.*}} : tensor<32xf16
// CHECK-NOT: tensor<128xf
// CHECK: return
tile.kernel @shared_row(%a: !tile.desc<64x64xf16>, %b: !tile.desc<128x64xf16>,
                        %bias: !tile.desc<128xf16>, %c: !tile.desc<64x128xf32>,
                        %d: !tile.desc<64x128xf32>, %m: i32) {
  %at = tile.load %a[%m, %m] : !tile.desc<64x64xf16> -> tensor<64x64xf16>
  %bt = tile.load %b[%m, %m] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  %z = arith.constant dense<0.0> : tensor<64x128xf32>
  %acc = tile.dot %at, %bt, %z transpose_b : tensor<64x64xf16>, tensor<128x64xf16> -> tensor<64x128xf32>
  %row = tile.load %bias[%m] : !tile.desc<128xf16> -> tensor<128xf16>
  %w = arith.extf %row : tensor<128xf16> to tensor<128xf32>
  %rows = tile.broadcast %w dims [0] : tensor<128xf32> -> tensor<64x128xf32>
  %rows2 = tile.broadcast %w dims [0] : tensor<128xf32> -> tensor<64x128xf32>
  %y = arith.addf %acc, %rows : tensor<64x128xf32>
  %y2 = arith.mulf %acc, %rows2 : tensor<64x128xf32>
  tile.store %y, %c[%m, %m] : tensor<64x128xf32>, !tile.desc<64x128xf32>
  tile.store %y2, %d[%m, %m] : tensor<64x128xf32>, !tile.desc<64x128xf32>
  tile.return
}

// -----

// A widened row also stored whole after the tile: it stays live whole
// through the epilogue anyway, so the chunks slice it rather than load and
// widen it again. Stored whole before the tile, it is dead by the epilogue,
// and the chunks load and widen their own.
// CHECK-LABEL: tile.kernel @row_stored_after
// CHECK: %[[W:.*]] = arith.extf %{{.*}} : tensor<128xf16, #{{.*}}> to tensor<128xf32
// CHECK-NOT: = load
// CHECK: extract_slice %[[W]] [0]
// CHECK: extract_slice %[[W]] [96]
// CHECK: store %[[W]], %{{.*}} : tensor<128xf32
// CHECK-LABEL: tile.kernel @row_stored_before
// CHECK: %[[W:.*]] = arith.extf %{{.*}} : tensor<128xf16, #{{.*}}> to tensor<128xf32
// CHECK: store %[[W]], %{{.*}} : tensor<128xf32
// CHECK-NOT: extract_slice %[[W]]
// CHECK-COUNT-4: arith.extf %{{.*}} : tensor<32xf16
tile.kernel @row_stored_after(%a: !tile.desc<64x64xf16>, %b: !tile.desc<128x64xf16>,
                              %bias: !tile.desc<128xf16>, %c: !tile.desc<64x128xf32>,
                              %o: !tile.desc<128xf32>, %m: i32) {
  %at = tile.load %a[%m, %m] : !tile.desc<64x64xf16> -> tensor<64x64xf16>
  %bt = tile.load %b[%m, %m] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  %z = arith.constant dense<0.0> : tensor<64x128xf32>
  %acc = tile.dot %at, %bt, %z transpose_b : tensor<64x64xf16>, tensor<128x64xf16> -> tensor<64x128xf32>
  %row = tile.load %bias[%m] : !tile.desc<128xf16> -> tensor<128xf16>
  %w = arith.extf %row : tensor<128xf16> to tensor<128xf32>
  %rows = tile.broadcast %w dims [0] : tensor<128xf32> -> tensor<64x128xf32>
  %y = arith.addf %acc, %rows : tensor<64x128xf32>
  tile.store %y, %c[%m, %m] : tensor<64x128xf32>, !tile.desc<64x128xf32>
  tile.store %w, %o[%m] : tensor<128xf32>, !tile.desc<128xf32>
  tile.return
}
tile.kernel @row_stored_before(%a: !tile.desc<64x64xf16>, %b: !tile.desc<128x64xf16>,
                               %bias: !tile.desc<128xf16>, %c: !tile.desc<64x128xf32>,
                               %o: !tile.desc<128xf32>, %m: i32) {
  %at = tile.load %a[%m, %m] : !tile.desc<64x64xf16> -> tensor<64x64xf16>
  %bt = tile.load %b[%m, %m] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  %z = arith.constant dense<0.0> : tensor<64x128xf32>
  %acc = tile.dot %at, %bt, %z transpose_b : tensor<64x64xf16>, tensor<128x64xf16> -> tensor<64x128xf32>
  %row = tile.load %bias[%m] : !tile.desc<128xf16> -> tensor<128xf16>
  %w = arith.extf %row : tensor<128xf16> to tensor<128xf32>
  tile.store %w, %o[%m] : tensor<128xf32>, !tile.desc<128xf32>
  %rows = tile.broadcast %w dims [0] : tensor<128xf32> -> tensor<64x128xf32>
  %y = arith.addf %acc, %rows : tensor<64x128xf32>
  tile.store %y, %c[%m, %m] : tensor<64x128xf32>, !tile.desc<64x128xf32>
  tile.return
}
