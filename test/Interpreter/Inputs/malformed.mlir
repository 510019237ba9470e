// A tile program that does not verify: a 2-D tensor loaded with one
// coordinate.
tile.kernel @malformed(%x: !tile.desc<8x8xf32>) {
  %c0 = arith.constant 0 : i32
  %t = tile.load %x[%c0] : !tile.desc<8x8xf32> -> tensor<8x8xf32>
  tile.return
}
