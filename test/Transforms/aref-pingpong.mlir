// RUN: kiln-opt %s -split-input-file -aref-pipeline="pingpong=true depth=4" -cse -canonicalize -verify-diagnostics | FileCheck %s --enable-var-scope
// The result passes the protocol checker; without the turn-taking tokens
// it does not (a consumer's waits on the ring run two phases ahead).
// RUN: kiln-opt %s -split-input-file -aref-pipeline="pingpong=true depth=4" -verify-diagnostics | kiln-opt -split-input-file -aref-verify-protocol -o /dev/null
// RUN: kiln-opt %s -split-input-file -aref-pipeline="pingpong=true depth=4" -verify-diagnostics \
// RUN:   | sed -e '/!aref.ref<\[\], depth = 1>/d' | not kiln-opt -split-input-file -aref-verify-protocol -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=UNORDERED

// Ping-pong: the two-warp-group consumer becomes two roles of one group
// that take the CTA's tiles in turn.
//
// CHECK-LABEL: tile.kernel @gemm
// CHECK-DAG: %[[R:.*]] = aref.create arrivals 1 : !aref.ref<[tensor<128x64xbf16>, tensor<128x64xbf16>], depth = 4>
// CHECK-DAG: %[[TO2:.*]] = aref.create arrivals 1 : !aref.ref<[], depth = 1>
// CHECK-DAG: %[[TO1:.*]] = aref.create arrivals 1 : !aref.ref<[], depth = 1>
// CHECK: warp_specialize warps [4, 4, 4] regs [40, 232, 232] {
//
// The producer is unchanged: every tile, in order, into one ring.
// CHECK: %[[PID:.*]] = tile.program_id x
// CHECK: %[[NP:.*]] = tile.num_programs x
// CHECK: scf.for %{{.*}} = %[[PID]] to %{{.*}} step %[[NP]]
// CHECK: aref.put.enter %[[R]]
// CHECK: }, {
//
// Consumer 0: tiles 0, 2, 4, ... of the CTA; its count of ring slots
// starts at 0 and skips the other's tile (S slots) after each of its own.
// CHECK: %[[PID0:.*]] = tile.program_id x
// CHECK: %[[NP0:.*]] = tile.num_programs x
// CHECK: %[[K0:.*]] = tile.dim %a, 1
// CHECK: %[[S0:.*]] = arith.select
// CHECK: %[[STEP0:.*]] = arith.muli %[[NP0]], %c2_i32
// CHECK: scf.for %{{.*}} = %[[PID0]] to %{{.*}} step %[[STEP0]] iter_args(%[[N0:.*]] = %c0_i32, %[[SENT0:.*]] = %c0_i32, %[[GOT0:.*]] = %c0_i32)
// Its turn: wait for consumer 1 to have issued its MMAs.
// CHECK: aref.get.enter %[[TO1]]
// The mainloop runs under its K > 0 guard; either way the turn is handed on.
// CHECK: %[[GUARD0:.*]]:3 = scf.if %{{.*}} -> (tensor<128x128xf32>, i32, i32) {
// CHECK: %[[MAIN0:.*]]:2 = scf.for {{.*}} iter_args(%{{.*}} = %cst, %{{.*}} = %[[N0]])
// CHECK: aref.get.enter %[[R]]
// CHECK: tile.mma
// CHECK: tile.mma_wait {{.*}} {pending = 1 : i64}
// CHECK: aref.get.exit %[[R]]
// CHECK: }
// Hand the tensor cores over before draining its own MMAs.
// CHECK: aref.get.exit %[[TO1]]
// CHECK: aref.put.enter %[[TO2]]
// CHECK-NEXT: aref.put.exit %[[TO2]]
// CHECK-NEXT: tile.mma_wait %[[MAIN0]]#0 {pending = 0 : i64}
// CHECK: } else {
// CHECK: aref.get.exit %[[TO1]]
// CHECK: aref.put.enter %[[TO2]]
// CHECK-NEXT: aref.put.exit %[[TO2]]
// CHECK: scf.yield %cst, %[[N0]],
// CHECK: }
// CHECK: tile.store %[[GUARD0]]#0
// CHECK: %[[SKIP0:.*]] = arith.addi %[[GUARD0]]#1, %[[S0]]
// CHECK: scf.yield %[[SKIP0]],
// CHECK: }, {
//
// Consumer 1: gives consumer 0 its first turn, then takes tiles 1, 3, ...
// with its count starting at S.
// CHECK: %[[PID1:.*]] = tile.program_id x
// CHECK: %[[NP1:.*]] = tile.num_programs x
// CHECK: aref.put.enter %[[TO1]]
// CHECK-NEXT: aref.put.exit %[[TO1]]
// CHECK: %[[S1:.*]] = arith.select
// CHECK: %[[LB1:.*]] = arith.addi %[[PID1]], %[[NP1]]
// CHECK: %[[STEP1:.*]] = arith.muli %[[NP1]], %c2_i32
// CHECK: scf.for %{{.*}} = %[[LB1]] to %{{.*}} step %[[STEP1]] iter_args(%[[N1:.*]] = %[[S1]],
// CHECK: aref.get.enter %[[TO2]]
// CHECK: scf.for
// CHECK: aref.get.enter %[[R]]
// CHECK: aref.get.exit %[[TO2]]
// CHECK: aref.put.enter %[[TO1]]
// CHECK-NEXT: aref.put.exit %[[TO1]]
// CHECK-NEXT: tile.mma_wait {{.*}} {pending = 0 : i64}

// UNORDERED: error: read before full: tile.mma reads slot {{[0-9]+}} before the producer filled it
// UNORDERED: note: reached after the interleaving
tile.kernel @gemm(%a: !tile.desc<128x64xbf16>, %b: !tile.desc<128x64xbf16>, %c: !tile.desc<128x128xf32>, %tiles: i32) attributes {persistent} {
  %c0 = arith.constant 0 : i32
  %c64 = arith.constant 64 : i32
  %c128 = arith.constant 128 : i32
  %zero = arith.constant dense<0.0> : tensor<128x128xf32>
  %r = aref.create arrivals 2 : !aref.ref<[tensor<128x64xbf16>, tensor<128x64xbf16>], depth = 1>
  tile.warp_specialize warps [4, 8] regs [40, 232] {
    %first = tile.program_id x
    %step = tile.num_programs x
    scf.for %t = %first to %tiles step %step : i32 {
      %m = arith.muli %t, %c128 : i32
      %k_end = tile.dim %a, 1 : !tile.desc<128x64xbf16>
      scf.for %k = %c0 to %k_end step %c64 : i32 {
        %at = tile.load %a[%m, %k] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
        %bt = tile.load %b[%c0, %k] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
        aref.put %r, %at, %bt : !aref.ref<[tensor<128x64xbf16>, tensor<128x64xbf16>], depth = 1>, tensor<128x64xbf16>, tensor<128x64xbf16>
      }
    }
  }, {
    %first = tile.program_id x
    %step = tile.num_programs x
    scf.for %t = %first to %tiles step %step : i32 {
      %m = arith.muli %t, %c128 : i32
      %k_end = tile.dim %a, 1 : !tile.desc<128x64xbf16>
      %acc = scf.for %k = %c0 to %k_end step %c64 iter_args(%s = %zero) -> (tensor<128x128xf32>) : i32 {
        %at, %bt = aref.get %r : !aref.ref<[tensor<128x64xbf16>, tensor<128x64xbf16>], depth = 1> -> tensor<128x64xbf16>, tensor<128x64xbf16>
        %d = tile.dot %at, %bt, %s transpose_b : tensor<128x64xbf16>, tensor<128x64xbf16> -> tensor<128x128xf32>
        aref.consumed %r : !aref.ref<[tensor<128x64xbf16>, tensor<128x64xbf16>], depth = 1>
        scf.yield %d : tensor<128x128xf32>
      }
      tile.store %acc, %c[%m, %c0] : tensor<128x128xf32>, !tile.desc<128x128xf32>
    }
  }
  tile.return
}

// -----

// Consumers take turns over the tiles a CTA walks: no walk, no turns.
// expected-error @+1 {{cannot take ping-pong turns: it is not persistent}}
tile.kernel @not_persistent(%a: !tile.desc<128x64xbf16>, %c: !tile.desc<128x128xf32>) {
  %r = aref.create arrivals 2 : !aref.ref<[tensor<128x64xbf16>], depth = 1>
  tile.warp_specialize warps [4, 8] regs [40, 232] {
    %c0 = arith.constant 0 : i32
    %at = tile.load %a[%c0, %c0] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
    aref.put %r, %at : !aref.ref<[tensor<128x64xbf16>], depth = 1>, tensor<128x64xbf16>
  }, {
    %c0 = arith.constant 0 : i32
    %zero = arith.constant dense<0.0> : tensor<128x128xf32>
    %at = aref.get %r : !aref.ref<[tensor<128x64xbf16>], depth = 1> -> tensor<128x64xbf16>
    %d = tile.dot %at, %at, %zero transpose_b : tensor<128x64xbf16>, tensor<128x64xbf16> -> tensor<128x128xf32>
    aref.consumed %r : !aref.ref<[tensor<128x64xbf16>], depth = 1>
    tile.store %d, %c[%c0, %c0] : tensor<128x128xf32>, !tile.desc<128x128xf32>
  }
  tile.return
}

// -----

// Each consumer must know, before its tiles, how many slots the other's
// tile takes: here K depends on the tile.
tile.kernel @ragged(%a: !tile.desc<128x64xbf16>, %c: !tile.desc<128x128xf32>, %tiles: i32) attributes {persistent} {
  %c0 = arith.constant 0 : i32
  %c64 = arith.constant 64 : i32
  %zero = arith.constant dense<0.0> : tensor<128x128xf32>
  %r = aref.create arrivals 2 : !aref.ref<[tensor<128x64xbf16>], depth = 1>
  tile.warp_specialize warps [4, 8] regs [40, 232] {
    %first = tile.program_id x
    %step = tile.num_programs x
    scf.for %t = %first to %tiles step %step : i32 {
      %k_end = arith.muli %t, %c64 : i32
      scf.for %k = %c0 to %k_end step %c64 : i32 {
        %at = tile.load %a[%c0, %k] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
        aref.put %r, %at : !aref.ref<[tensor<128x64xbf16>], depth = 1>, tensor<128x64xbf16>
      }
    }
  }, {
    %first = tile.program_id x
    %step = tile.num_programs x
    scf.for %t = %first to %tiles step %step : i32 {
      %k_end = arith.muli %t, %c64 : i32
      %acc = scf.for %k = %c0 to %k_end step %c64 iter_args(%s = %zero) -> (tensor<128x128xf32>) : i32 {
        // expected-error @+1 {{cannot take ping-pong turns: each consumer must know how many slots a tile takes before it starts}}
        %at = aref.get %r : !aref.ref<[tensor<128x64xbf16>], depth = 1> -> tensor<128x64xbf16>
        %d = tile.dot %at, %at, %s transpose_b : tensor<128x64xbf16>, tensor<128x64xbf16> -> tensor<128x128xf32>
        aref.consumed %r : !aref.ref<[tensor<128x64xbf16>], depth = 1>
        scf.yield %d : tensor<128x128xf32>
      }
      tile.store %acc, %c[%c0, %c0] : tensor<128x128xf32>, !tile.desc<128x128xf32>
    }
  }
  tile.return
}

// -----

// One producer, one consumer: a kernel with two consumer roles already has
// its turns.
tile.kernel @three_roles(%a: !tile.desc<128x64xbf16>, %c: !tile.desc<128x128xf32>, %tiles: i32) attributes {persistent} {
  %c0 = arith.constant 0 : i32
  %zero = arith.constant dense<0.0> : tensor<128x128xf32>
  %r = aref.create arrivals 2 : !aref.ref<[tensor<128x64xbf16>], depth = 1>
  // expected-error @+1 {{cannot take ping-pong turns: it needs one producer role followed by one consumer role}}
  tile.warp_specialize warps [4, 4, 4] regs [40, 232, 232] {
    %at = tile.load %a[%c0, %c0] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
    aref.put %r, %at : !aref.ref<[tensor<128x64xbf16>], depth = 1>, tensor<128x64xbf16>
  }, {
    %at = aref.get %r : !aref.ref<[tensor<128x64xbf16>], depth = 1> -> tensor<128x64xbf16>
    aref.consumed %r : !aref.ref<[tensor<128x64xbf16>], depth = 1>
  }, {
    %at = aref.get %r : !aref.ref<[tensor<128x64xbf16>], depth = 1> -> tensor<128x64xbf16>
    aref.consumed %r : !aref.ref<[tensor<128x64xbf16>], depth = 1>
  }
  tile.return
}
