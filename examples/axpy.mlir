// y = alpha * x + y over vectors of any length, 2048 elements per program.
// The first end-to-end slice of Kiln: no tensor cores, only loads, element-wise
// math and stores. Out-of-bounds reads give zero and out-of-bounds writes are
// dropped, so the last, partial tile needs no mask.
//
//   kilnc examples/axpy.mlir -o out/

tile.kernel @axpy(%x: !tile.desc<2048xf32>, %y: !tile.desc<2048xf32>,
                  %alpha: f32) grid(%x[0] / 2048) {
  %pid = tile.program_id x
  %block = arith.constant 2048 : i32
  %offset = arith.muli %pid, %block : i32
  %xt = tile.load %x[%offset] : !tile.desc<2048xf32> -> tensor<2048xf32>
  %yt = tile.load %y[%offset] : !tile.desc<2048xf32> -> tensor<2048xf32>
  %a = tile.splat %alpha : tensor<2048xf32>
  %ax = arith.mulf %a, %xt : tensor<2048xf32>
  %r = arith.addf %ax, %yt : tensor<2048xf32>
  tile.store %r, %y[%offset] : tensor<2048xf32>, !tile.desc<2048xf32>
  tile.return
}
