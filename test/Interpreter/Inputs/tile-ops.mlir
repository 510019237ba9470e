// Kernels for the interpreter's tests of the tile ops, control flow and
// scalar code; check.py's tile-ops command runs each against NumPy.

tile.kernel @reduce_f32(%x: !tile.desc<64x128xf32>, %sum0: !tile.desc<128xf32>,
                        %sum1: !tile.desc<64xf32>, %max1: !tile.desc<64xf32>,
                        %min0: !tile.desc<128xf32>) {
  %c0 = arith.constant 0 : i32
  %t = tile.load %x[%c0, %c0] : !tile.desc<64x128xf32> -> tensor<64x128xf32>
  %s0 = tile.reduce sum %t dim 0 : tensor<64x128xf32> -> tensor<128xf32>
  %s1 = tile.reduce sum %t dim 1 : tensor<64x128xf32> -> tensor<64xf32>
  %m1 = tile.reduce max %t dim 1 : tensor<64x128xf32> -> tensor<64xf32>
  %n0 = tile.reduce min %t dim 0 : tensor<64x128xf32> -> tensor<128xf32>
  tile.store %s0, %sum0[%c0] : tensor<128xf32>, !tile.desc<128xf32>
  tile.store %s1, %sum1[%c0] : tensor<64xf32>, !tile.desc<64xf32>
  tile.store %m1, %max1[%c0] : tensor<64xf32>, !tile.desc<64xf32>
  tile.store %n0, %min0[%c0] : tensor<128xf32>, !tile.desc<128xf32>
  tile.return
}

tile.kernel @reduce_bf16(%x: !tile.desc<64x128xbf16>, %sum1: !tile.desc<64xbf16>) {
  %c0 = arith.constant 0 : i32
  %t = tile.load %x[%c0, %c0] : !tile.desc<64x128xbf16> -> tensor<64x128xbf16>
  %s1 = tile.reduce sum %t dim 1 : tensor<64x128xbf16> -> tensor<64xbf16>
  tile.store %s1, %sum1[%c0] : tensor<64xbf16>, !tile.desc<64xbf16>
  tile.return
}

tile.kernel @reduce_i32(%x: !tile.desc<64x128xi32>, %sum0: !tile.desc<128xi32>,
                        %max1: !tile.desc<64xi32>, %min1: !tile.desc<64xi32>) {
  %c0 = arith.constant 0 : i32
  %t = tile.load %x[%c0, %c0] : !tile.desc<64x128xi32> -> tensor<64x128xi32>
  %s0 = tile.reduce sum %t dim 0 : tensor<64x128xi32> -> tensor<128xi32>
  %m1 = tile.reduce max %t dim 1 : tensor<64x128xi32> -> tensor<64xi32>
  %n1 = tile.reduce min %t dim 1 : tensor<64x128xi32> -> tensor<64xi32>
  tile.store %s0, %sum0[%c0] : tensor<128xi32>, !tile.desc<128xi32>
  tile.store %m1, %max1[%c0] : tensor<64xi32>, !tile.desc<64xi32>
  tile.store %n1, %min1[%c0] : tensor<64xi32>, !tile.desc<64xi32>
  tile.return
}

tile.kernel @broadcast_iota(%row: !tile.desc<128xf32>, %col: !tile.desc<64xf32>,
                            %rows: !tile.desc<64x128xf32>,
                            %cols: !tile.desc<64x128xf32>,
                            %idx: !tile.desc<64x128xi32>) {
  %c0 = arith.constant 0 : i32
  %r = tile.load %row[%c0] : !tile.desc<128xf32> -> tensor<128xf32>
  %c = tile.load %col[%c0] : !tile.desc<64xf32> -> tensor<64xf32>
  %br = tile.broadcast %r dims [0] : tensor<128xf32> -> tensor<64x128xf32>
  %bc = tile.broadcast %c dims [1] : tensor<64xf32> -> tensor<64x128xf32>
  %i = tile.iota : tensor<128xi32>
  %bi = tile.broadcast %i dims [0] : tensor<128xi32> -> tensor<64x128xi32>
  tile.store %br, %rows[%c0, %c0] : tensor<64x128xf32>, !tile.desc<64x128xf32>
  tile.store %bc, %cols[%c0, %c0] : tensor<64x128xf32>, !tile.desc<64x128xf32>
  tile.store %bi, %idx[%c0, %c0] : tensor<64x128xi32>, !tile.desc<64x128xi32>
  tile.return
}

// o1 = x where index < n, else -1; o2 = flag ? x : -x.
tile.kernel @select_mask(%x: !tile.desc<128xf32>, %o1: !tile.desc<128xf32>,
                         %o2: !tile.desc<128xf32>, %n: i32, %flag: i32) {
  %c0 = arith.constant 0 : i32
  %t = tile.load %x[%c0] : !tile.desc<128xf32> -> tensor<128xf32>
  %i = tile.iota : tensor<128xi32>
  %ns = tile.splat %n : tensor<128xi32>
  %mask = arith.cmpi slt, %i, %ns : tensor<128xi32>
  %minus1 = arith.constant dense<-1.0> : tensor<128xf32>
  %s1 = arith.select %mask, %t, %minus1 : tensor<128xi1>, tensor<128xf32>
  tile.store %s1, %o1[%c0] : tensor<128xf32>, !tile.desc<128xf32>
  %cond = arith.cmpi ne, %flag, %c0 : i32
  %neg = arith.negf %t : tensor<128xf32>
  %s2 = arith.select %cond, %t, %neg : tensor<128xf32>
  tile.store %s2, %o2[%c0] : tensor<128xf32>, !tile.desc<128xf32>
  tile.return
}

// Program p copies the 16 elements of x from offsets[p] to out[16 p].
tile.kernel @scalar_load(%offsets: !tile.desc<1xi32>, %x: !tile.desc<16xf32>,
                         %out: !tile.desc<16xf32>) grid(%offsets[0] / 1) {
  %p = tile.program_id x
  %start = tile.scalar_load %offsets[%p] : !tile.desc<1xi32> -> i32
  %t = tile.load %x[%start] : !tile.desc<16xf32> -> tensor<16xf32>
  %c16 = arith.constant 16 : i32
  %o = arith.muli %p, %c16 : i32
  tile.store %t, %out[%o] : tensor<16xf32>, !tile.desc<16xf32>
  tile.return
}

// Copies the 64 x 32 block of x at (m, n) into y at (p, q).
tile.kernel @offsets(%x: !tile.desc<64x32xf32>, %y: !tile.desc<64x32xf32>,
                     %m: i32, %n: i32, %p: i32, %q: i32) {
  %t = tile.load %x[%m, %n] : !tile.desc<64x32xf32> -> tensor<64x32xf32>
  tile.store %t, %y[%p, %q] : tensor<64x32xf32>, !tile.desc<64x32xf32>
  tile.return
}

// Parts of blocks: y gets the 16 x 32 part of x at (m, n) written at
// (p, q); z gets columns [8, 24) of rows [32, 64) of the 64 x 32 block of x
// at (m, n), written at (p, q).
tile.kernel @parts(%x: !tile.desc<64x32xf32>, %y: !tile.desc<64x32xf32>,
                   %z: !tile.desc<64x32xf32>,
                   %m: i32, %n: i32, %p: i32, %q: i32) {
  %t = tile.load %x[%m, %n] : !tile.desc<64x32xf32> -> tensor<16x32xf32>
  tile.store %t, %y[%p, %q] : tensor<16x32xf32>, !tile.desc<64x32xf32>
  %b = tile.load %x[%m, %n] : !tile.desc<64x32xf32> -> tensor<64x32xf32>
  %s = tile.extract_slice %b [32, 8] : tensor<64x32xf32> -> tensor<32x16xf32>
  tile.store %s, %z[%p, %q] : tensor<32x16xf32>, !tile.desc<64x32xf32>
  tile.return
}

// out = [dim 0, dim 1, programs along x, y, z].
tile.kernel @dims(%x: !tile.desc<2x8xf32>, %out: !tile.desc<1xi32>) {
  %d0 = tile.dim %x, 0 : !tile.desc<2x8xf32>
  %d1 = tile.dim %x, 1 : !tile.desc<2x8xf32>
  %nx = tile.num_programs x
  %ny = tile.num_programs y
  %nz = tile.num_programs z
  %values = tile.splat %d0 : tensor<1xi32>
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c2 = arith.constant 2 : i32
  %c3 = arith.constant 3 : i32
  %c4 = arith.constant 4 : i32
  %v1 = tile.splat %d1 : tensor<1xi32>
  %vx = tile.splat %nx : tensor<1xi32>
  %vy = tile.splat %ny : tensor<1xi32>
  %vz = tile.splat %nz : tensor<1xi32>
  tile.store %values, %out[%c0] : tensor<1xi32>, !tile.desc<1xi32>
  tile.store %v1, %out[%c1] : tensor<1xi32>, !tile.desc<1xi32>
  tile.store %vx, %out[%c2] : tensor<1xi32>, !tile.desc<1xi32>
  tile.store %vy, %out[%c3] : tensor<1xi32>, !tile.desc<1xi32>
  tile.store %vz, %out[%c4] : tensor<1xi32>, !tile.desc<1xi32>
  tile.return
}

// n times: acc = alpha > 0 ? acc * alpha + i : acc - 1.
tile.kernel @if_for(%x: !tile.desc<64xf32>, %out: !tile.desc<64xf32>,
                    %alpha: f32, %n: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %zero = arith.constant 0.0 : f32
  %t = tile.load %x[%c0] : !tile.desc<64xf32> -> tensor<64xf32>
  %positive = arith.cmpf ogt, %alpha, %zero : f32
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %t) -> (tensor<64xf32>) : i32 {
    %next = scf.if %positive -> (tensor<64xf32>) {
      %a = tile.splat %alpha : tensor<64xf32>
      %fi = arith.sitofp %i : i32 to f32
      %s = tile.splat %fi : tensor<64xf32>
      %m = arith.mulf %acc, %a : tensor<64xf32>
      %p = arith.addf %m, %s : tensor<64xf32>
      scf.yield %p : tensor<64xf32>
    } else {
      %one = arith.constant dense<1.0> : tensor<64xf32>
      %d = arith.subf %acc, %one : tensor<64xf32>
      scf.yield %d : tensor<64xf32>
    }
    scf.yield %next : tensor<64xf32>
  }
  tile.store %r, %out[%c0] : tensor<64xf32>, !tile.desc<64xf32>
  tile.return
}

// out = x + [1, -2, 0.5, 4] repeated, four elements per program.
tile.kernel @dense_constant(%x: !tile.desc<4xf32>, %out: !tile.desc<4xf32>)
    grid(%x[0] / 4) {
  %p = tile.program_id x
  %c4 = arith.constant 4 : i32
  %o = arith.muli %p, %c4 : i32
  %t = tile.load %x[%o] : !tile.desc<4xf32> -> tensor<4xf32>
  %k = arith.constant dense<[1.0, -2.0, 0.5, 4.0]> : tensor<4xf32>
  %r = arith.addf %t, %k : tensor<4xf32>
  tile.store %r, %out[%o] : tensor<4xf32>, !tile.desc<4xf32>
  tile.return
}

// Scalar arithmetic: floats [a * 2 - 1, a / 4, -a, sqrt(a)] and integers
// [n * 3, floordivsi(n, 2) + 1, remsi(n, 3) - 3, absi(n)].
tile.kernel @scalars(%fo: !tile.desc<1xf32>, %io: !tile.desc<1xi32>,
                     %a: f32, %n: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c2 = arith.constant 2 : i32
  %c3 = arith.constant 3 : i32
  %f1 = arith.constant 1.0 : f32
  %f2 = arith.constant 2.0 : f32
  %f4 = arith.constant 4.0 : f32
  %a2 = arith.mulf %a, %f2 : f32
  %r0 = arith.subf %a2, %f1 : f32
  %r1 = arith.divf %a, %f4 : f32
  %r2 = arith.negf %a : f32
  %r3 = math.sqrt %a : f32
  %i0 = arith.muli %n, %c3 : i32
  %fd = arith.floordivsi %n, %c2 : i32
  %i1 = arith.addi %fd, %c1 : i32
  %rm = arith.remsi %n, %c3 : i32
  %i2 = arith.subi %rm, %c3 : i32
  %i3 = math.absi %n : i32
  %t0 = tile.splat %r0 : tensor<1xf32>
  %t1 = tile.splat %r1 : tensor<1xf32>
  %t2 = tile.splat %r2 : tensor<1xf32>
  %t3 = tile.splat %r3 : tensor<1xf32>
  tile.store %t0, %fo[%c0] : tensor<1xf32>, !tile.desc<1xf32>
  tile.store %t1, %fo[%c1] : tensor<1xf32>, !tile.desc<1xf32>
  tile.store %t2, %fo[%c2] : tensor<1xf32>, !tile.desc<1xf32>
  tile.store %t3, %fo[%c3] : tensor<1xf32>, !tile.desc<1xf32>
  %u0 = tile.splat %i0 : tensor<1xi32>
  %u1 = tile.splat %i1 : tensor<1xi32>
  %u2 = tile.splat %i2 : tensor<1xi32>
  %u3 = tile.splat %i3 : tensor<1xi32>
  tile.store %u0, %io[%c0] : tensor<1xi32>, !tile.desc<1xi32>
  tile.store %u1, %io[%c1] : tensor<1xi32>, !tile.desc<1xi32>
  tile.store %u2, %io[%c2] : tensor<1xi32>, !tile.desc<1xi32>
  tile.store %u3, %io[%c3] : tensor<1xi32>, !tile.desc<1xi32>
  tile.return
}

tile.kernel @dot_fp8(%a: !tile.desc<64x32xf8E4M3FN>, %b: !tile.desc<64x32xf8E5M2>,
                     %c: !tile.desc<64x64xf32>) {
  %c0 = arith.constant 0 : i32
  %at = tile.load %a[%c0, %c0] : !tile.desc<64x32xf8E4M3FN> -> tensor<64x32xf8E4M3FN>
  %bt = tile.load %b[%c0, %c0] : !tile.desc<64x32xf8E5M2> -> tensor<64x32xf8E5M2>
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  %d = tile.dot %at, %bt, %zero transpose_b
      : tensor<64x32xf8E4M3FN>, tensor<64x32xf8E5M2> -> tensor<64x64xf32>
  tile.store %d, %c[%c0, %c0] : tensor<64x64xf32>, !tile.desc<64x64xf32>
  tile.return
}

// c = aᵀ · b + c with a given as K x M.
tile.kernel @dot_transpose_a(%a: !tile.desc<64x64xf16>, %b: !tile.desc<64x64xf16>,
                             %c: !tile.desc<64x64xf32>) {
  %c0 = arith.constant 0 : i32
  %at = tile.load %a[%c0, %c0] : !tile.desc<64x64xf16> -> tensor<64x64xf16>
  %bt = tile.load %b[%c0, %c0] : !tile.desc<64x64xf16> -> tensor<64x64xf16>
  %acc = tile.load %c[%c0, %c0] : !tile.desc<64x64xf32> -> tensor<64x64xf32>
  %d = tile.dot %at, %bt, %acc transpose_a
      : tensor<64x64xf16>, tensor<64x64xf16> -> tensor<64x64xf32>
  tile.store %d, %c[%c0, %c0] : tensor<64x64xf32>, !tile.desc<64x64xf32>
  tile.return
}
