// out = bf16(scale * x) for a 2-D f32 tensor of any shape, in 64 x 128 tiles:
// element-wise math with a type conversion, edges handled by out-of-bounds
// semantics.
//
//   kilnc examples/scale-rows.mlir -o out/

tile.kernel @scale_to_bf16(%x: !tile.desc<64x128xf32>,
                           %out: !tile.desc<64x128xbf16>, %scale: f32)
    grid(%x[1] / 128, %x[0] / 64) {
  %pn = tile.program_id x
  %pm = tile.program_id y
  %c64 = arith.constant 64 : i32
  %c128 = arith.constant 128 : i32
  %m = arith.muli %pm, %c64 : i32
  %n = arith.muli %pn, %c128 : i32
  %t = tile.load %x[%m, %n] : !tile.desc<64x128xf32> -> tensor<64x128xf32>
  %s = tile.splat %scale : tensor<64x128xf32>
  %p = arith.mulf %t, %s : tensor<64x128xf32>
  %b = arith.truncf %p : tensor<64x128xf32> to tensor<64x128xbf16>
  tile.store %b, %out[%m, %n] : tensor<64x128xbf16>, !tile.desc<64x128xbf16>
  tile.return
}
