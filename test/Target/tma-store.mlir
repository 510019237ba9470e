// TMA stores (kilnc's default, --tma-store): which stores are staged in
// shared memory, with which tensor map, and the protocol of a role that
// stages one store per tile.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: kilnc %s -o %t/pkg
// RUN: tr -d ' \n' < %t/pkg/gemm_n16.json | FileCheck %s --check-prefix=BF16
// RUN: tr -d ' \n' < %t/pkg/gemm_f32.json | FileCheck %s --check-prefix=F32
// RUN: kilnc %s --emit=ptx -o %t/all.ptx
// RUN: FileCheck %s --check-prefix=ONE < %t/all.ptx
// RUN: FileCheck %s --check-prefix=F32-PTX < %t/all.ptx
// RUN: FileCheck %s --check-prefix=TWO < %t/all.ptx
// RUN: kilnc %s --tma-store=false -o %t/direct
// RUN: tr -d ' \n' < %t/direct/gemm_n16.json | FileCheck %s --check-prefix=DIRECT
// Ping-pong: each consumer role stages its own tile, on its own barrier.
// RUN: kilnc %examples/gemm.mlir --tile=128x128 --pingpong --emit=ptx -o %t/pp.ptx
// RUN: FileCheck %s --check-prefix=PP < %t/pp.ptx
// The flag overrides a kernel's own tma_store attribute.
// RUN: kilnc %s --tma-store=false --emit=ptx | FileCheck %s --check-prefix=OFF

// C's tensor map has the staged chunk's box; the 32-byte rows of a bf16
// chunk 16 wide take the 32-byte swizzle.
// BF16: "name":"c","rank":2,"read":false,"swizzle":32,"tma":true,"tma_box":[128,16],"written":true
// DIRECT: "name":"c","rank":2,"read":false,"tma":false,"written":true

// An f32 C of 128 x 128 that no epilogue op splits into chunks (64 KB, the
// most that is staged): copied out in four boxes of 32 columns (128-byte
// rows, the 128-byte swizzle), one bulk group for the store.
// F32: "name":"c","rank":2,"read":false,"swizzle":128,"tma":true,"tma_box":[128,32],"written":true
// F32-PTX-LABEL: .entry gemm_f32(
// F32-PTX-NOT: st.global
// F32-PTX: st.shared.v2.b32
// F32-PTX: bar.sync 1, 256;
// F32-PTX-COUNT-4: cp.async.bulk.tensor.2d.global.shared::cta.bulk_group
// F32-PTX-NEXT: // end inline asm
// F32-PTX-NEXT: // begin inline asm
// F32-PTX-NEXT: cp.async.bulk.commit_group;
// F32-PTX-NOT: st.global
// F32-PTX-LABEL: .entry two_boxes(

// One store per tile: its slot is its own last use, so the first thread
// waits for every copy to be read out and the role meets before writing
// it, then again before the copy.
// ONE-LABEL: .entry gemm_n16(
// ONE: cp.async.bulk.wait_group.read 0;
// ONE: bar.sync 1, 256;
// ONE: st.shared.b32
// ONE: fence.proxy.async.shared::cta;
// ONE: bar.sync 1, 256;
// ONE: cp.async.bulk.tensor.2d.global.shared::cta.bulk_group
// ONE: cp.async.bulk.commit_group;
// ONE: cp.async.bulk.wait_group 0;
// ONE-LABEL: .entry gemm_f32(

// OFF: .entry gemm_n16(
// OFF-NOT: cp.async.bulk.tensor.2d.global.shared
// OFF: .entry staged_by_attribute(
// OFF-NOT: cp.async.bulk.tensor.2d.global.shared

// Two stores to one tensor whose tiles would need different boxes (one
// tensor map has one box): stored from registers.
// TWO-LABEL: .entry two_boxes(
// TWO-NOT: st.shared
// TWO: st.global
// TWO-NOT: st.shared
// TWO-LABEL: .entry read_back(
// A tensor the kernel reads back after storing it: a TMA store completes
// asynchronously, so the next read could see the old tile; from registers.
// TWO-NOT: st.shared
// TWO: st.global
// TWO-NOT: st.shared
// TWO-LABEL: .entry overwrite(
// Two stores of one tile (in 16-column chunks, the same chunks twice):
// bulk copies complete in no set order, and the second must win, as it
// does from registers.
// TWO-NOT: st.shared
// TWO: st.global
// TWO-NOT: st.shared
// TWO-LABEL: .entry staged_by_attribute(
// TWO: cp.async.bulk.tensor.2d.global.shared::cta.bulk_group

// PP-LABEL: .entry gemm_bf16_nt(
// PP-DAG: bar.sync 1, 128;
// PP-DAG: bar.sync 2, 128;
// PP-DAG: cp.async.bulk.wait_group.read 6;
// Two ping-pong roles' f32 tiles of 128 x 128 would take 128 KB: neither
// is staged.
// PP-LABEL: .entry gemm_f16_nn(
// PP-NOT: st.shared
// PP: st.global.v2.b32
// PP-NOT: st.shared
// PP-LABEL: .entry gemm_e4m3_nt(

tile.kernel @gemm_n16(%a: !tile.desc<128x64xbf16>, %b: !tile.desc<16x64xbf16>,
                      %c: !tile.desc<128x16xbf16>)
    grid(%c[1], %c[0])
    where(%a[1] == %b[1], %a[0] == %c[0], %b[0] == %c[1]) {
  %pn = tile.program_id x
  %pm = tile.program_id y
  %c0 = arith.constant 0 : i32
  %c16 = arith.constant 16 : i32
  %c64 = arith.constant 64 : i32
  %c128 = arith.constant 128 : i32
  %m = arith.muli %pm, %c128 : i32
  %n = arith.muli %pn, %c16 : i32
  %k_end = tile.dim %a, 1 : !tile.desc<128x64xbf16>
  %zero = arith.constant dense<0.0> : tensor<128x16xf32>
  %acc = scf.for %k = %c0 to %k_end step %c64 iter_args(%sum = %zero) -> (tensor<128x16xf32>) : i32 {
    %at = tile.load %a[%m, %k] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
    %bt = tile.load %b[%n, %k] : !tile.desc<16x64xbf16> -> tensor<16x64xbf16>
    %d = tile.dot %at, %bt, %sum transpose_b
        : tensor<128x64xbf16>, tensor<16x64xbf16> -> tensor<128x16xf32>
    scf.yield %d : tensor<128x16xf32>
  }
  %out = arith.truncf %acc : tensor<128x16xf32> to tensor<128x16xbf16>
  tile.store %out, %c[%m, %n] : tensor<128x16xbf16>, !tile.desc<128x16xbf16>
  tile.return
}

tile.kernel @gemm_f32(%a: !tile.desc<128x64xbf16>, %b: !tile.desc<128x64xbf16>,
                      %c: !tile.desc<128x128xf32>)
    grid(%c[1], %c[0])
    where(%a[1] == %b[1], %a[0] == %c[0], %b[0] == %c[1]) {
  %pn = tile.program_id x
  %pm = tile.program_id y
  %c0 = arith.constant 0 : i32
  %c64 = arith.constant 64 : i32
  %c128 = arith.constant 128 : i32
  %m = arith.muli %pm, %c128 : i32
  %n = arith.muli %pn, %c128 : i32
  %k_end = tile.dim %a, 1 : !tile.desc<128x64xbf16>
  %zero = arith.constant dense<0.0> : tensor<128x128xf32>
  %acc = scf.for %k = %c0 to %k_end step %c64 iter_args(%sum = %zero) -> (tensor<128x128xf32>) : i32 {
    %at = tile.load %a[%m, %k] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
    %bt = tile.load %b[%n, %k] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
    %d = tile.dot %at, %bt, %sum transpose_b
        : tensor<128x64xbf16>, tensor<128x64xbf16> -> tensor<128x128xf32>
    scf.yield %d : tensor<128x128xf32>
  }
  tile.store %acc, %c[%m, %n] : tensor<128x128xf32>, !tile.desc<128x128xf32>
  tile.return
}

tile.kernel @two_boxes(%a: !tile.desc<128x64xbf16>, %b1: !tile.desc<16x64xbf16>,
                       %b2: !tile.desc<64x64xbf16>, %c: !tile.desc<128x128xf32>)
    grid(%c[1], %c[0])
    where(%a[1] == %b1[1], %a[1] == %b2[1], %a[0] == %c[0]) {
  %pn = tile.program_id x
  %pm = tile.program_id y
  %c0 = arith.constant 0 : i32
  %c64 = arith.constant 64 : i32
  %c128 = arith.constant 128 : i32
  %m = arith.muli %pm, %c128 : i32
  %n = arith.muli %pn, %c128 : i32
  %n2 = arith.addi %n, %c64 : i32
  %k_end = tile.dim %a, 1 : !tile.desc<128x64xbf16>
  %z1 = arith.constant dense<0.0> : tensor<128x16xf32>
  %z2 = arith.constant dense<0.0> : tensor<128x64xf32>
  %acc:2 = scf.for %k = %c0 to %k_end step %c64 iter_args(%s1 = %z1, %s2 = %z2) -> (tensor<128x16xf32>, tensor<128x64xf32>) : i32 {
    %at = tile.load %a[%m, %k] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
    %bt1 = tile.load %b1[%n, %k] : !tile.desc<16x64xbf16> -> tensor<16x64xbf16>
    %bt2 = tile.load %b2[%n, %k] : !tile.desc<64x64xbf16> -> tensor<64x64xbf16>
    %d1 = tile.dot %at, %bt1, %s1 transpose_b : tensor<128x64xbf16>, tensor<16x64xbf16> -> tensor<128x16xf32>
    %d2 = tile.dot %at, %bt2, %s2 transpose_b : tensor<128x64xbf16>, tensor<64x64xbf16> -> tensor<128x64xf32>
    scf.yield %d1, %d2 : tensor<128x16xf32>, tensor<128x64xf32>
  }
  tile.store %acc#0, %c[%m, %n] : tensor<128x16xf32>, !tile.desc<128x128xf32>
  tile.store %acc#1, %c[%m, %n2] : tensor<128x64xf32>, !tile.desc<128x128xf32>
  tile.return
}

tile.kernel @read_back(%a: !tile.desc<128x64xbf16>, %b: !tile.desc<128x64xbf16>,
                       %c: !tile.desc<128x128xf32>)
    grid(%c[1], %c[0])
    where(%a[1] == %b[1], %a[0] == %c[0], %b[0] == %c[1]) {
  %pn = tile.program_id x
  %pm = tile.program_id y
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c2 = arith.constant 2 : i32
  %c64 = arith.constant 64 : i32
  %c128 = arith.constant 128 : i32
  %m = arith.muli %pm, %c128 : i32
  %n = arith.muli %pn, %c128 : i32
  %k_end = tile.dim %a, 1 : !tile.desc<128x64xbf16>
  %zero = arith.constant dense<0.0> : tensor<128x128xf32>
  scf.for %r = %c0 to %c2 step %c1 : i32 {
    %acc = scf.for %k = %c0 to %k_end step %c64 iter_args(%sum = %zero) -> (tensor<128x128xf32>) : i32 {
      %at = tile.load %a[%m, %k] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
      %bt = tile.load %b[%n, %k] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
      %d = tile.dot %at, %bt, %sum transpose_b
          : tensor<128x64xbf16>, tensor<128x64xbf16> -> tensor<128x128xf32>
      scf.yield %d : tensor<128x128xf32>
    }
    %old = tile.load %c[%m, %n] : !tile.desc<128x128xf32> -> tensor<128x128xf32>
    %new = arith.addf %old, %acc : tensor<128x128xf32>
    tile.store %new, %c[%m, %n] : tensor<128x128xf32>, !tile.desc<128x128xf32>
  }
  tile.return
}

tile.kernel @overwrite(%a: !tile.desc<128x64xbf16>, %b1: !tile.desc<128x64xbf16>,
                       %b2: !tile.desc<128x64xbf16>, %c: !tile.desc<128x128xbf16>)
    grid(%c[1], %c[0])
    where(%a[1] == %b1[1], %a[1] == %b2[1], %a[0] == %c[0], %b1[0] == %c[1]) {
  %pn = tile.program_id x
  %pm = tile.program_id y
  %c0 = arith.constant 0 : i32
  %c64 = arith.constant 64 : i32
  %c128 = arith.constant 128 : i32
  %m = arith.muli %pm, %c128 : i32
  %n = arith.muli %pn, %c128 : i32
  %k_end = tile.dim %a, 1 : !tile.desc<128x64xbf16>
  %zero = arith.constant dense<0.0> : tensor<128x128xf32>
  %acc:2 = scf.for %k = %c0 to %k_end step %c64 iter_args(%s1 = %zero, %s2 = %zero) -> (tensor<128x128xf32>, tensor<128x128xf32>) : i32 {
    %at = tile.load %a[%m, %k] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
    %bt1 = tile.load %b1[%n, %k] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
    %bt2 = tile.load %b2[%n, %k] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
    %d1 = tile.dot %at, %bt1, %s1 transpose_b
        : tensor<128x64xbf16>, tensor<128x64xbf16> -> tensor<128x128xf32>
    %d2 = tile.dot %at, %bt2, %s2 transpose_b
        : tensor<128x64xbf16>, tensor<128x64xbf16> -> tensor<128x128xf32>
    scf.yield %d1, %d2 : tensor<128x128xf32>, tensor<128x128xf32>
  }
  %o1 = arith.truncf %acc#0 : tensor<128x128xf32> to tensor<128x128xbf16>
  %o2 = arith.truncf %acc#1 : tensor<128x128xf32> to tensor<128x128xbf16>
  tile.store %o1, %c[%m, %n] : tensor<128x128xbf16>, !tile.desc<128x128xbf16>
  tile.store %o2, %c[%m, %n] : tensor<128x128xbf16>, !tile.desc<128x128xbf16>
  tile.return
}

tile.kernel @staged_by_attribute(%a: !tile.desc<128x64xbf16>, %b: !tile.desc<256x64xbf16>,
                                 %c: !tile.desc<128x256xbf16>)
    grid(%c[1], %c[0])
    where(%a[1] == %b[1], %a[0] == %c[0], %b[0] == %c[1]) attributes {tma_store} {
  %pn = tile.program_id x
  %pm = tile.program_id y
  %c0 = arith.constant 0 : i32
  %c64 = arith.constant 64 : i32
  %c128 = arith.constant 128 : i32
  %c256 = arith.constant 256 : i32
  %m = arith.muli %pm, %c128 : i32
  %n = arith.muli %pn, %c256 : i32
  %k_end = tile.dim %a, 1 : !tile.desc<128x64xbf16>
  %zero = arith.constant dense<0.0> : tensor<128x256xf32>
  %acc = scf.for %k = %c0 to %k_end step %c64 iter_args(%sum = %zero) -> (tensor<128x256xf32>) : i32 {
    %at = tile.load %a[%m, %k] : !tile.desc<128x64xbf16> -> tensor<128x64xbf16>
    %bt = tile.load %b[%n, %k] : !tile.desc<256x64xbf16> -> tensor<256x64xbf16>
    %d = tile.dot %at, %bt, %sum transpose_b
        : tensor<128x64xbf16>, tensor<256x64xbf16> -> tensor<128x256xf32>
    scf.yield %d : tensor<128x256xf32>
  }
  %out = arith.truncf %acc : tensor<128x256xf32> to tensor<128x256xbf16>
  tile.store %out, %c[%m, %n] : tensor<128x256xbf16>, !tile.desc<128x256xbf16>
  tile.return
}
