// Programs that parse but that kilnc cannot compile, and plain syntax errors.
// Each piece must be rejected with a located error.

tile.kernel @missing_return() {
  %c = arith.constant 1 : i32
}

// -----

tile.kernel @undefined_value(%x: !tile.desc<64xf32>) {
  %t = tile.load %x[%nowhere] : !tile.desc<64xf32> -> tensor<64xf32>
  tile.return
}

// -----

tile.kernel @unknown_op() {
  tile.frobnicate
  tile.return
}

// -----

tile.kernel @non_power_of_two(%x: !tile.desc<96xf32>, %i: i32) {
  %t = tile.load %x[%i] : !tile.desc<96xf32> -> tensor<96xf32>
  tile.store %t, %x[%i] : tensor<96xf32>, !tile.desc<96xf32>
  tile.return
}

// -----

tile.kernel @dense_constant(%x: !tile.desc<4xf32>, %i: i32) {
  %c = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  tile.store %c, %x[%i] : tensor<4xf32>, !tile.desc<4xf32>
  tile.return
}

// -----

tile.kernel @duplicate(%x: i32) {
  tile.return
}
tile.kernel @duplicate(%x: i32) {
  tile.return
}

// -----

tile.kernel @unclosed(%x: i32) {
  tile.return

// -----

tile.kernel @bad_type(%x: !tile.desk<64xf32>) {
  tile.return
}

// -----

tile.kernel @wrong_coord_type(%x: !tile.desc<64xf32>, %i: i64) {
  %t = tile.load %x[%i] : !tile.desc<64xf32> -> tensor<64xf32>
  tile.return
}

// -----

tile.kernel @yield_mismatch(%n: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %z = arith.constant dense<0.0> : tensor<64xf32>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %z) -> (tensor<64xf32>) : i32 {
    %o = arith.constant dense<0.0> : tensor<32xf32>
    scf.yield %o : tensor<32xf32>
  }
  tile.return
}

// -----

module {
  func.func @not_a_kernel() {
    return
  }
}

// -----

// Too many accumulator elements per thread: the first tile the program
// shows is a constant that canonicalization merges without a location; the
// error stands at its first user, the same one every run.
tile.kernel @wide_accumulator(%a: !tile.desc<192x64xf16>, %b: !tile.desc<64x256xf16>,
                              %c: !tile.desc<192x256xf32>) grid(%c[1], %c[0]) {
  %c0 = arith.constant 0 : i32
  %zero = arith.constant dense<0.0> : tensor<192x256xf32>
  %at = tile.load %a[%c0, %c0] : !tile.desc<192x64xf16> -> tensor<192x64xf16>
  %bt = tile.load %b[%c0, %c0] : !tile.desc<64x256xf16> -> tensor<64x256xf16>
  %d = tile.dot %at, %bt, %zero : tensor<192x64xf16>, tensor<64x256xf16> -> tensor<192x256xf32>
  tile.store %d, %c[%c0, %c0] : tensor<192x256xf32>, !tile.desc<192x256xf32>
  tile.return
}

// -----

// Two consumer warp groups cannot split 64 rows.
tile.kernel @split_64_rows(%a: !tile.desc<64x64xf16>, %b: !tile.desc<64x64xf16>,
                           %c: !tile.desc<64x64xf32>) grid(%c[1], %c[0])
    attributes {consumer_groups = 2} {
  %c0 = arith.constant 0 : i32
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  %at = tile.load %a[%c0, %c0] : !tile.desc<64x64xf16> -> tensor<64x64xf16>
  %bt = tile.load %b[%c0, %c0] : !tile.desc<64x64xf16> -> tensor<64x64xf16>
  %d = tile.dot %at, %bt, %zero : tensor<64x64xf16>, tensor<64x64xf16> -> tensor<64x64xf32>
  tile.store %d, %c[%c0, %c0] : tensor<64x64xf32>, !tile.desc<64x64xf32>
  tile.return
}
