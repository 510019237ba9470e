// Kernels that fail at run time, for errors.test.

// x / d element-wise.
tile.kernel @divide(%x: !tile.desc<16xi32>, %d: i32) {
  %c0 = arith.constant 0 : i32
  %t = tile.load %x[%c0] : !tile.desc<16xi32> -> tensor<16xi32>
  %s = tile.splat %d : tensor<16xi32>
  %q = arith.divsi %t, %s : tensor<16xi32>
  tile.store %q, %x[%c0] : tensor<16xi32>, !tile.desc<16xi32>
  tile.return
}

// Counts to n, one scalar add per step.
tile.kernel @count(%n: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %c0) -> (i32) : i32 {
    %next = arith.addi %acc, %c1 : i32
    scf.yield %next : i32
  }
  tile.return
}

// An op the interpreter does not know.
tile.kernel @unsupported(%x: !tile.desc<16xf32>) {
  %c0 = arith.constant 0 : i32
  %t = tile.load %x[%c0] : !tile.desc<16xf32> -> tensor<16xf32>
  %s = math.sinh %t : tensor<16xf32>
  tile.store %s, %x[%c0] : tensor<16xf32>, !tile.desc<16xf32>
  tile.return
}
