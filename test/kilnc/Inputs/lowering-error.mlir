// Verifies, but its 96-element tile cannot be spread over the threads of a
// CTA in registers.

tile.kernel @k(%x: !tile.desc<96xf32>, %i: i32) {
  // The error points here.
  %t = tile.load %x[%i] : !tile.desc<96xf32> -> tensor<96xf32>
  tile.store %t, %x[%i] : tensor<96xf32>, !tile.desc<96xf32>
  tile.return
}
