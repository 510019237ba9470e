// RUN: kiln-opt %s -split-input-file -aref-pipeline -cse -verify-diagnostics | FileCheck %s --enable-var-scope
// RUN: kiln-opt %s -split-input-file -aref-pipeline="depth=2 mma-overlap=false" -cse -verify-diagnostics | FileCheck %s --check-prefix=PLAIN --enable-var-scope
// With one slot there is nothing to overlap: the consumer would hold the
// only slot while waiting for its refill (aref-verify-protocol proves the
// deadlock), so the overlap is left out.
// RUN: kiln-opt %s -split-input-file -aref-pipeline="depth=1" -cse -verify-diagnostics | FileCheck %s --check-prefix=ONE
// ONE-LABEL: tile.kernel @gemm
// ONE: depth = 1
// ONE-NOT: pending = 1
// ONE-LABEL: tile.kernel @kernel_depth

// The GEMM after partitioning. A slot holds 16 KiB of A and 32 KiB of B:
// 229376 bytes of budget hold 4 of them.
//
// Producer: slot n mod 4, parity ((n / 4) & 1) ^ 1 (the first wait on an
// empty slot passes), the barrier armed before the TMA copies land.
// CHECK-LABEL: tile.kernel @gemm
// CHECK: %[[REF:.*]] = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<256x64xf16>], depth = 4>
// CHECK: warp_specialize
// CHECK: scf.for %[[K:.*]] = {{.*}} iter_args(%[[N:.*]] = %{{.*}}) -> (i32)
// CHECK:   %[[S:.*]] = arith.remui %[[N]], %[[C4:.*]] : i32
// CHECK:   %[[R:.*]] = arith.divui %[[N]], %[[C4]] : i32
// CHECK:   %[[P0:.*]] = arith.andi %[[R]], %[[C1:.*]] : i32
// CHECK:   %[[P:.*]] = arith.xori %[[P0]], %[[C1]] : i32
// CHECK:   %[[BUF:.*]]:2 = aref.put.enter %[[REF]][%[[S]]], %[[P]]
// CHECK:   aref.put.exit %[[REF]][%[[S]]] async
// CHECK:   tile.async_load %{{.*}}[%{{.*}}, %[[K]]] -> %[[BUF]]#0, %[[REF]][%[[S]]]
// CHECK:   tile.async_load %{{.*}}[%{{.*}}, %[[K]]] -> %[[BUF]]#1, %[[REF]][%[[S]]]
// CHECK:   %[[NEXT:.*]] = arith.addi %[[N]], %[[C1]]
// CHECK:   scf.yield %[[NEXT]]
//
// Consumer: parity (n / 4) & 1; issue the MMA of this slot, wait until it is
// the only one in flight, release the previous slot; after the loop, wait
// for the last MMA and release the last slot. The loop runs under a guard
// (K > 0) whose else branch gives the initial accumulator and count, so
// that no path carries the zeros past an in-flight wgmma (ptxas would
// serialize every wgmma, C7515).
// CHECK: }, {
// CHECK: %[[RUNS:.*]] = arith.cmpi slt, %[[LB:.*]], %[[UB:.*]] : i32
// CHECK: %[[GUARD:.*]]:2 = scf.if %[[RUNS]] -> (tensor<128x256xf32>, i32) {
// CHECK: %[[LOOP:.*]]:2 = scf.for %[[KC:.*]] = %[[LB]] to %[[UB]] step %{{.*}} iter_args(%[[ACC:.*]] = %{{.*}}, %[[M:.*]] = %[[ZERO:.*]]) -> (tensor<128x256xf32>, i32)
// CHECK:   %[[CS:.*]] = arith.remui %[[M]], %{{.*}} : i32
// CHECK:   %[[CR:.*]] = arith.divui %[[M]]
// CHECK:   %[[CP:.*]] = arith.andi %[[CR]]
// CHECK:   %[[T:.*]]:2 = aref.get.enter %[[REF]][%[[CS]]], %[[CP]]
// CHECK:   %[[MMA:.*]] = tile.mma %[[T]]#0, %[[T]]#1, %[[ACC]] transpose_b : memref<128x64xf16, 3>, memref<256x64xf16, 3> -> tensor<128x256xf32>
// CHECK:   %[[W:.*]] = tile.mma_wait %[[MMA]] {pending = 1 : i64}
// CHECK:   %[[NOTFIRST:.*]] = arith.cmpi ne, %[[KC]], %[[LB]]
// CHECK:   scf.if %[[NOTFIRST]] {
// CHECK:     %[[PREV:.*]] = arith.subi %[[M]]
// CHECK:     %[[PS:.*]] = arith.remui %[[PREV]]
// CHECK:     aref.get.exit %[[REF]][%[[PS]]]
// CHECK:   }
// CHECK:   scf.yield %[[W]], %{{.*}}
// CHECK: %[[DONE:.*]] = tile.mma_wait %[[LOOP]]#0 {pending = 0 : i64}
// CHECK: %[[RAN:.*]] = arith.cmpi ne, %[[LOOP]]#1, %[[ZERO]]
// CHECK: scf.if %[[RAN]] {
// CHECK:   %[[LAST:.*]] = arith.subi %[[LOOP]]#1
// CHECK:   %[[LS:.*]] = arith.remui %[[LAST]]
// CHECK:   aref.get.exit %[[REF]][%[[LS]]]
// CHECK: }
// CHECK: scf.yield %[[DONE]], %[[LOOP]]#1
// CHECK: } else {
// CHECK: scf.yield %{{.*}}, %[[ZERO]]
// CHECK: }
// CHECK: tile.store %[[GUARD]]#0

// Without the overlap, each slot is released as soon as its own MMA is done;
// depth 2 from the option.
// PLAIN-LABEL: tile.kernel @gemm
// PLAIN: aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<256x64xf16>], depth = 2>
// PLAIN: }, {
// PLAIN: %[[T:.*]]:2 = aref.get.enter %{{.*}}[%[[CS:.*]]], %{{.*}}
// PLAIN: %[[MMA:.*]] = tile.mma %[[T]]#0, %[[T]]#1
// PLAIN: tile.mma_wait %[[MMA]] {pending = 0 : i64}
// PLAIN: aref.get.exit %{{.*}}[%[[CS]]]
// PLAIN-NOT: pending = 1
tile.kernel @gemm(%a: !tile.desc<128x64xf16>, %b: !tile.desc<256x64xf16>,
                  %c: !tile.desc<128x256xf32>) {
  %c128 = arith.constant 128 : i32
  %c256 = arith.constant 256 : i32
  %c64 = arith.constant 64 : i32
  %c0 = arith.constant 0 : i32
  %zero = arith.constant dense<0.0> : tensor<128x256xf32>
  %r = aref.create arrivals 2 : !aref.ref<[tensor<128x64xf16>, tensor<256x64xf16>], depth = 1>
  tile.warp_specialize warps [4, 8] regs [40, 232] {
    %pn = tile.program_id x
    %pm = tile.program_id y
    %m = arith.muli %pm, %c128 : i32
    %n = arith.muli %pn, %c256 : i32
    %k_end = tile.dim %a, 1 : !tile.desc<128x64xf16>
    scf.for %k = %c0 to %k_end step %c64 : i32 {
      %at = tile.load %a[%m, %k] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
      %bt = tile.load %b[%n, %k] : !tile.desc<256x64xf16> -> tensor<256x64xf16>
      aref.put %r, %at, %bt : !aref.ref<[tensor<128x64xf16>, tensor<256x64xf16>], depth = 1>, tensor<128x64xf16>, tensor<256x64xf16>
    }
  }, {
    %pn = tile.program_id x
    %pm = tile.program_id y
    %m = arith.muli %pm, %c128 : i32
    %n = arith.muli %pn, %c256 : i32
    %k_end = tile.dim %a, 1 : !tile.desc<128x64xf16>
    %acc = scf.for %k = %c0 to %k_end step %c64 iter_args(%sum = %zero) -> (tensor<128x256xf32>) : i32 {
      %t:2 = aref.get %r : !aref.ref<[tensor<128x64xf16>, tensor<256x64xf16>], depth = 1> -> tensor<128x64xf16>, tensor<256x64xf16>
      %d = tile.dot %t#0, %t#1, %sum transpose_b : tensor<128x64xf16>, tensor<256x64xf16> -> tensor<128x256xf32>
      aref.consumed %r : !aref.ref<[tensor<128x64xf16>, tensor<256x64xf16>], depth = 1>
      scf.yield %d : tensor<128x256xf32>
    }
    tile.store %acc, %c[%m, %n] : tensor<128x256xf32>, !tile.desc<128x256xf32>
  }
  tile.return
}

// -----

// The kernel's own depth applies when the pass option does not set one; an
// aref filled once (outside any loop) keeps a single slot.
// CHECK-LABEL: tile.kernel @kernel_depth
// CHECK-DAG: aref.create arrivals 1 : !aref.ref<[tensor<64x64xbf16>], depth = 1>
// CHECK-DAG: aref.create arrivals 1 : !aref.ref<[tensor<64x64xbf16>, tensor<64x64xbf16>], depth = 3>
tile.kernel @kernel_depth(%q: !tile.desc<64x64xbf16>, %kt: !tile.desc<64x64xbf16>,
                          %o: !tile.desc<64x64xf32>, %n: i32) attributes {depth = 3} {
  %c0 = arith.constant 0 : i32
  %c64 = arith.constant 64 : i32
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  %rq = aref.create arrivals 1 : !aref.ref<[tensor<64x64xbf16>], depth = 1>
  %rk = aref.create arrivals 1 : !aref.ref<[tensor<64x64xbf16>, tensor<64x64xbf16>], depth = 1>
  tile.warp_specialize warps [4, 4] regs [40, 240] {
    %qt = tile.load %q[%c0, %c0] : !tile.desc<64x64xbf16> -> tensor<64x64xbf16>
    aref.put %rq, %qt : !aref.ref<[tensor<64x64xbf16>], depth = 1>, tensor<64x64xbf16>
    scf.for %j = %c0 to %n step %c64 : i32 {
      %k1 = tile.load %kt[%j, %c0] : !tile.desc<64x64xbf16> -> tensor<64x64xbf16>
      %k2 = tile.load %kt[%j, %c64] : !tile.desc<64x64xbf16> -> tensor<64x64xbf16>
      aref.put %rk, %k1, %k2 : !aref.ref<[tensor<64x64xbf16>, tensor<64x64xbf16>], depth = 1>, tensor<64x64xbf16>, tensor<64x64xbf16>
    }
  }, {
    %qv = aref.get %rq : !aref.ref<[tensor<64x64xbf16>], depth = 1> -> tensor<64x64xbf16>
    %acc = scf.for %j = %c0 to %n step %c64 iter_args(%s = %zero) -> (tensor<64x64xf32>) : i32 {
      %kv:2 = aref.get %rk : !aref.ref<[tensor<64x64xbf16>, tensor<64x64xbf16>], depth = 1> -> tensor<64x64xbf16>, tensor<64x64xbf16>
      %d1 = tile.dot %qv, %kv#0, %s transpose_b : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
      %d2 = tile.dot %qv, %kv#1, %d1 transpose_b : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
      aref.consumed %rk : !aref.ref<[tensor<64x64xbf16>, tensor<64x64xbf16>], depth = 1>
      scf.yield %d2 : tensor<64x64xf32>
    }
    aref.consumed %rq : !aref.ref<[tensor<64x64xbf16>], depth = 1>
    tile.store %acc, %o[%c0, %c0] : tensor<64x64xf32>, !tile.desc<64x64xf32>
  }
  tile.return
}

// -----

tile.kernel @computed_tile(%a: !tile.desc<64x64xf16>, %x: f16) {
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64x64xf16>], depth = 1>
  tile.warp_specialize warps [4, 4] regs [40, 240] {
    %t = tile.splat %x : tensor<64x64xf16>
    // expected-error @+1 {{puts a value that is not a tile.load used only here; the producer moves tiles with TMA and has no registers for them}}
    aref.put %r, %t : !aref.ref<[tensor<64x64xf16>], depth = 1>, tensor<64x64xf16>
  }, {
    %v = aref.get %r : !aref.ref<[tensor<64x64xf16>], depth = 1> -> tensor<64x64xf16>
    aref.consumed %r : !aref.ref<[tensor<64x64xf16>], depth = 1>
  }
  tile.return
}

// -----

tile.kernel @register_use(%a: !tile.desc<64x64xf16>, %i: i32) {
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64x64xf16>], depth = 1>
  tile.warp_specialize warps [4, 4] regs [40, 240] {
    %t = tile.load %a[%i, %i] : !tile.desc<64x64xf16> -> tensor<64x64xf16>
    aref.put %r, %t : !aref.ref<[tensor<64x64xf16>], depth = 1>, tensor<64x64xf16>
  }, {
    %v = aref.get %r : !aref.ref<[tensor<64x64xf16>], depth = 1> -> tensor<64x64xf16>
    // expected-error @+1 {{uses a tile from an aref in registers; only tile.dot operands can come from an aref}}
    %e = arith.extf %v : tensor<64x64xf16> to tensor<64x64xf32>
    aref.consumed %r : !aref.ref<[tensor<64x64xf16>], depth = 1>
  }
  tile.return
}

// -----

// wgmma reads B from shared memory only: a B computed in registers cannot
// be multiplied.
tile.kernel @register_b(%a: !tile.desc<64x64xf16>, %i: i32) {
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64x64xf16>], depth = 1>
  tile.warp_specialize warps [4, 4] regs [40, 240] {
    %t = tile.load %a[%i, %i] : !tile.desc<64x64xf16> -> tensor<64x64xf16>
    aref.put %r, %t : !aref.ref<[tensor<64x64xf16>], depth = 1>, tensor<64x64xf16>
  }, {
    %v = aref.get %r : !aref.ref<[tensor<64x64xf16>], depth = 1> -> tensor<64x64xf16>
    %zero = arith.constant dense<0.0> : tensor<64x64xf32>
    %b = arith.constant dense<1.0> : tensor<64x64xf16>
    // expected-error @+1 {{takes B from registers; wgmma reads B from shared memory only, so B must come from a load}}
    %d = tile.dot %v, %b, %zero : tensor<64x64xf16>, tensor<64x64xf16> -> tensor<64x64xf32>
    aref.consumed %r : !aref.ref<[tensor<64x64xf16>], depth = 1>
  }
  tile.return
}

// -----

// A from registers: K-major only (no transpose_a).
tile.kernel @register_a_transposed(%a: !tile.desc<64x64xf16>, %i: i32) {
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64x64xf16>], depth = 1>
  tile.warp_specialize warps [4, 4] regs [40, 240] {
    %t = tile.load %a[%i, %i] : !tile.desc<64x64xf16> -> tensor<64x64xf16>
    aref.put %r, %t : !aref.ref<[tensor<64x64xf16>], depth = 1>, tensor<64x64xf16>
  }, {
    %v = aref.get %r : !aref.ref<[tensor<64x64xf16>], depth = 1> -> tensor<64x64xf16>
    %zero = arith.constant dense<0.0> : tensor<64x64xf32>
    %p = arith.constant dense<1.0> : tensor<64x64xf16>
    // expected-error @+1 {{takes A from registers, which wgmma reads only with K contiguous (no transpose_a) and in f16 or bf16}}
    %d = tile.dot %p, %v, %zero transpose_a : tensor<64x64xf16>, tensor<64x64xf16> -> tensor<64x64xf32>
    aref.consumed %r : !aref.ref<[tensor<64x64xf16>], depth = 1>
  }
  tile.return
}
