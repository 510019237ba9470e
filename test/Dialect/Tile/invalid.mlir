// RUN: kiln-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{a tensor descriptor needs a rank of at least 1}}
tile.kernel @desc_rank0(%a: !tile.desc<f16>) { tile.return }

// -----

// expected-error @+1 {{at most 5 dimensions}}
tile.kernel @desc_rank6(%a: !tile.desc<2x2x2x2x2x2xf16>) { tile.return }

// -----

// expected-error @+1 {{block dimensions must be positive, got 0}}
tile.kernel @desc_zero(%a: !tile.desc<0x64xf16>) { tile.return }

// -----

// expected-error @+1 {{descriptor element type must be an integer of 8 to 64 bits or a float, got 'i1'}}
tile.kernel @desc_i1(%a: !tile.desc<64xi1>) { tile.return }

// -----

// expected-error @+1 {{descriptor element type must be 8 to 64 bits wide, got 'i128'}}
tile.kernel @desc_wide(%a: !tile.desc<64xi128>) { tile.return }

// -----

// expected-error @+1 {{descriptor element type must be an integer of 8 to 64 bits or a float, got 'index'}}
tile.kernel @desc_index(%a: !tile.desc<64xindex>) { tile.return }

// -----

// expected-error @+1 {{unbalanced '<' character in pretty dialect name}}
tile.kernel @desc_syntax(%a: !tile.desc<64xf16) { tile.return }

// -----

// expected-error @+1 {{must not return values}}
tile.kernel @results() -> i32 { tile.return }

// -----

// expected-error @+1 {{argument #0 has type 'tensor<64xf32>'; kernel arguments are !tile.desc tensors, integers or floats}}
tile.kernel @tensor_arg(%a: tensor<64xf32>) { tile.return }

// -----

// expected-error @+1 {{argument #0 has type 'i1'}}
tile.kernel @bool_arg(%a: i1) { tile.return }

// -----

// expected-error @+1 {{a constant grid extent must be positive, got 0}}
tile.kernel @grid_zero() grid(0) { tile.return }

// -----

// expected-error @+1 {{grid extent tile size must be positive, got 0}}
tile.kernel @grid_div0(%a: !tile.desc<64xf16>) grid(%a[0] / 0) { tile.return }

// -----

// expected-error @+1 {{grid refers to '%b', which is not a kernel argument}}
tile.kernel @grid_unknown(%a: !tile.desc<64xf16>) grid(%b[0] / 64) { tile.return }

// -----

// expected-error @+1 {{grid needs 1 to 3 dimensions, got 4}}
tile.kernel @grid_4d() grid(1, 1, 1, 1) { tile.return }

// -----

// expected-error @+1 {{grid refers to dimension 1 of a rank-1 tensor}}
tile.kernel @grid_dim(%a: !tile.desc<64xf16>) grid(%a[1] / 64) { tile.return }

// -----

// expected-error @+1 {{grid takes the extent of argument #0, which is not a !tile.desc}}
tile.kernel @grid_scalar_dim(%n: i32) grid(%n[0] / 64) { tile.return }

// -----

// expected-error @+1 {{grid divides argument #0, which is not an integer}}
tile.kernel @grid_float(%x: f32) grid(%x / 64) { tile.return }

// -----

// expected-error @+1 {{num_warps must be 1 to 32, got 0}}
tile.kernel @warps0() attributes {num_warps = 0} { tile.return }

// -----

tile.kernel @bad_program_id() {
  // expected-error @+1 {{enum values for attribute 'dim' [x, y, z]}}
  %p = tile.program_id w
  tile.return
}

// -----

tile.kernel @dim_range(%a: !tile.desc<128x64xf16>) {
  // expected-error @+1 {{dimension 2 is out of range for a rank-2 tensor}}
  %k = tile.dim %a, 2 : !tile.desc<128x64xf16>
  tile.return
}

// -----

tile.kernel @load_coords(%a: !tile.desc<128x64xf16>, %i: i32) {
  // expected-error @+1 {{needs 2 coordinates for a rank-2 tensor, got 1}}
  %t = tile.load %a[%i] : !tile.desc<128x64xf16> -> tensor<128x64xf16>
  tile.return
}

// -----

tile.kernel @load_shape(%a: !tile.desc<128x64xf16>, %i: i32) {
  // expected-error @+1 {{result type 'tensor<64x128xf16>' is not the descriptor's tile 'tensor<128x64xf16>' or a part of it}}
  %t = tile.load %a[%i, %i] : !tile.desc<128x64xf16> -> tensor<64x128xf16>
  tile.return
}

// -----

tile.kernel @load_dynamic(%a: !tile.desc<128x64xf16>, %i: i32) {
  // expected-error @+1 {{result #0 must be statically shaped tensor of any type values, but got 'tensor<?x64xf16>'}}
  %t = tile.load %a[%i, %i] : !tile.desc<128x64xf16> -> tensor<?x64xf16>
  tile.return
}

// -----

tile.kernel @load_element(%a: !tile.desc<128x64xf16>, %i: i32) {
  // expected-error @+1 {{is not the descriptor's tile}}
  %t = tile.load %a[%i, %i] : !tile.desc<128x64xf16> -> tensor<128x64xf32>
  tile.return
}

// -----

tile.kernel @load_rank(%a: !tile.desc<128x64xf16>, %i: i32) {
  // expected-error @+1 {{is not the descriptor's tile}}
  %t = tile.load %a[%i, %i] : !tile.desc<128x64xf16> -> tensor<64xf16>
  tile.return
}

// -----

// expected-note @+1 {{prior use here}}
tile.kernel @load_index_coords(%a: !tile.desc<64xf16>, %i: index) {
  // expected-error @+1 {{use of value '%i' expects different type than prior uses: 'i32' vs 'index'}}
  %t = tile.load %a[%i] : !tile.desc<64xf16> -> tensor<64xf16>
  tile.return
}

// -----

tile.kernel @store_shape(%c: !tile.desc<128x128xf32>, %i: i32) {
  %v = arith.constant dense<0.0> : tensor<128x256xf32>
  // expected-error @+1 {{value type 'tensor<128x256xf32>' is not the descriptor's tile 'tensor<128x128xf32>' or a part of it}}
  tile.store %v, %c[%i, %i] : tensor<128x256xf32>, !tile.desc<128x128xf32>
  tile.return
}

// -----

tile.kernel @scalar_load_type(%o: !tile.desc<16xi32>, %i: i32) {
  // expected-error @+1 {{result type 'i64' does not match the element type 'i32'}}
  %v = tile.scalar_load %o[%i] : !tile.desc<16xi32> -> i64
  tile.return
}

// -----

tile.kernel @dot_rank(%x: f16) {
  %a = tile.splat %x : tensor<64x64x1xf16>
  %b = tile.splat %x : tensor<64x64xf16>
  %c = arith.constant dense<0.0> : tensor<64x64xf32>
  // expected-error @+1 {{operands must be 2-D tiles}}
  %d = tile.dot %a, %b, %c : tensor<64x64x1xf16>, tensor<64x64xf16> -> tensor<64x64xf32>
  tile.return
}

// -----

tile.kernel @dot_k(%x: f16) {
  %a = tile.splat %x : tensor<64x32xf16>
  %b = tile.splat %x : tensor<64x64xf16>
  %c = arith.constant dense<0.0> : tensor<64x64xf32>
  // expected-error @+1 {{A has K = 32 but B has K = 64}}
  %d = tile.dot %a, %b, %c : tensor<64x32xf16>, tensor<64x64xf16> -> tensor<64x64xf32>
  tile.return
}

// -----

tile.kernel @dot_k_transposed(%x: f16) {
  %a = tile.splat %x : tensor<64x32xf16>
  %b = tile.splat %x : tensor<64x64xf16>
  %c = arith.constant dense<0.0> : tensor<64x64xf32>
  // expected-error @+1 {{A has K = 32 but B has K = 64}}
  %d = tile.dot %a, %b, %c transpose_b : tensor<64x32xf16>, tensor<64x64xf16> -> tensor<64x64xf32>
  tile.return
}

// -----

tile.kernel @dot_acc_shape(%x: f16) {
  %a = tile.splat %x : tensor<64x64xf16>
  %b = tile.splat %x : tensor<64x128xf16>
  %c = arith.constant dense<0.0> : tensor<64x64xf32>
  // expected-error @+1 {{accumulator is 64x64 but A·B is 64x128}}
  %d = tile.dot %a, %b, %c : tensor<64x64xf16>, tensor<64x128xf16> -> tensor<64x64xf32>
  tile.return
}

// -----

tile.kernel @dot_mixed(%x: f16, %y: bf16) {
  %a = tile.splat %x : tensor<64x64xf16>
  %b = tile.splat %y : tensor<64x64xbf16>
  %c = arith.constant dense<0.0> : tensor<64x64xf32>
  // expected-error @+1 {{operands must both be f16, both bf16, or both 8-bit floats; got 'f16' and 'bf16'}}
  %d = tile.dot %a, %b, %c : tensor<64x64xf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  tile.return
}

// -----

tile.kernel @dot_f32_inputs(%x: f32) {
  %a = tile.splat %x : tensor<64x64xf32>
  %c = arith.constant dense<0.0> : tensor<64x64xf32>
  // expected-error @+1 {{operands must both be f16, both bf16, or both 8-bit floats}}
  %d = tile.dot %a, %a, %c : tensor<64x64xf32>, tensor<64x64xf32> -> tensor<64x64xf32>
  tile.return
}

// -----

tile.kernel @dot_acc_type(%x: f16) {
  %a = tile.splat %x : tensor<64x64xf16>
  %c = arith.constant dense<0.0> : tensor<64x64xf16>
  // expected-error @+1 {{accumulator must be f32, got 'f16'}}
  %d = tile.dot %a, %a, %c : tensor<64x64xf16>, tensor<64x64xf16> -> tensor<64x64xf16>
  tile.return
}

// -----

tile.kernel @dot_m(%x: f16) {
  %a = tile.splat %x : tensor<32x64xf16>
  %b = tile.splat %x : tensor<64x64xf16>
  %c = arith.constant dense<0.0> : tensor<32x64xf32>
  // expected-error @+1 {{M = 32 is not a multiple of 64 (the wgmma M)}}
  %d = tile.dot %a, %b, %c : tensor<32x64xf16>, tensor<64x64xf16> -> tensor<32x64xf32>
  tile.return
}

// -----

tile.kernel @dot_n_wide(%x: f16) {
  %a = tile.splat %x : tensor<64x64xf16>
  %b = tile.splat %x : tensor<64x512xf16>
  %c = arith.constant dense<0.0> : tensor<64x512xf32>
  // expected-error @+1 {{N = 512 must be a multiple of 8 no larger than 256}}
  %d = tile.dot %a, %b, %c : tensor<64x64xf16>, tensor<64x512xf16> -> tensor<64x512xf32>
  tile.return
}

// -----

tile.kernel @dot_n_odd(%x: f16) {
  %a = tile.splat %x : tensor<64x64xf16>
  %b = tile.splat %x : tensor<64x12xf16>
  %c = arith.constant dense<0.0> : tensor<64x12xf32>
  // expected-error @+1 {{N = 12 must be a multiple of 8 no larger than 256}}
  %d = tile.dot %a, %b, %c : tensor<64x64xf16>, tensor<64x12xf16> -> tensor<64x12xf32>
  tile.return
}

// -----

tile.kernel @dot_k_small(%x: f16) {
  %a = tile.splat %x : tensor<64x8xf16>
  %b = tile.splat %x : tensor<8x64xf16>
  %c = arith.constant dense<0.0> : tensor<64x64xf32>
  // expected-error @+1 {{K = 8 is not a multiple of 16}}
  %d = tile.dot %a, %b, %c : tensor<64x8xf16>, tensor<8x64xf16> -> tensor<64x64xf32>
  tile.return
}

// -----

tile.kernel @dot_fp8_k(%x: f8E4M3FN) {
  %a = tile.splat %x : tensor<64x16xf8E4M3FN>
  %b = tile.splat %x : tensor<64x16xf8E4M3FN>
  %c = arith.constant dense<0.0> : tensor<64x64xf32>
  // expected-error @+1 {{K = 16 is not a multiple of 32}}
  %d = tile.dot %a, %b, %c transpose_b : tensor<64x16xf8E4M3FN>, tensor<64x16xf8E4M3FN> -> tensor<64x64xf32>
  tile.return
}

// -----

tile.kernel @dot_fp8_layout(%x: f8E4M3FN) {
  %a = tile.splat %x : tensor<64x32xf8E4M3FN>
  %b = tile.splat %x : tensor<32x64xf8E4M3FN>
  %c = arith.constant dense<0.0> : tensor<64x64xf32>
  // expected-error @+1 {{8-bit operands must have K contiguous, A as MxK and B as NxK (transpose_b)}}
  %d = tile.dot %a, %b, %c : tensor<64x32xf8E4M3FN>, tensor<32x64xf8E4M3FN> -> tensor<64x64xf32>
  tile.return
}

// -----

tile.kernel @dot_result(%x: f16) {
  %a = tile.splat %x : tensor<64x64xf16>
  %c = arith.constant dense<0.0> : tensor<64x64xf32>
  // expected-error @+1 {{failed to verify that all of {acc, result} have same type}}
  %d = "tile.dot"(%a, %a, %c) : (tensor<64x64xf16>, tensor<64x64xf16>, tensor<64x64xf32>) -> tensor<64x128xf32>
  tile.return
}

// -----

tile.kernel @broadcast_element(%x: f32) {
  %v = tile.splat %x : tensor<64xf32>
  // expected-error @+1 {{changes the element type from 'f32' to 'f16'}}
  %b = tile.broadcast %v dims [0] : tensor<64xf32> -> tensor<32x64xf16>
  tile.return
}

// -----

tile.kernel @broadcast_rank(%x: f32) {
  %v = tile.splat %x : tensor<64xf32>
  // expected-error @+1 {{result rank 3 must be the input rank 1 plus 1 new dimensions}}
  %b = tile.broadcast %v dims [0] : tensor<64xf32> -> tensor<2x32x64xf32>
  tile.return
}

// -----

tile.kernel @broadcast_order(%x: f32) {
  %v = tile.splat %x : tensor<64xf32>
  // expected-error @+1 {{new dimensions must be strictly ascending}}
  %b = tile.broadcast %v dims [1, 0] : tensor<64xf32> -> tensor<2x2x64xf32>
  tile.return
}

// -----

tile.kernel @broadcast_range(%x: f32) {
  %v = tile.splat %x : tensor<64xf32>
  // expected-error @+1 {{new dimension 2 is out of range}}
  %b = tile.broadcast %v dims [2] : tensor<64xf32> -> tensor<64x2xf32>
  tile.return
}

// -----

tile.kernel @broadcast_size(%x: f32) {
  %v = tile.splat %x : tensor<64xf32>
  // expected-error @+1 {{result dimension 1 is 128 but input dimension 0 is 64}}
  %b = tile.broadcast %v dims [0] : tensor<64xf32> -> tensor<32x128xf32>
  tile.return
}

// -----

tile.kernel @iota_2d() {
  // expected-error @+1 {{makes 1-D tiles; broadcast for more dimensions}}
  %i = tile.iota : tensor<8x8xi32>
  tile.return
}

// -----

tile.kernel @iota_float() {
  // expected-error @+1 {{must be statically shaped tensor of signless integer values}}
  %i = tile.iota : tensor<8xf32>
  tile.return
}

// -----

// expected-note @+1 {{prior use here}}
tile.kernel @splat_type(%x: f16) {
  // expected-error @+1 {{use of value '%x' expects different type than prior uses: 'f32' vs 'f16'}}
  %s = tile.splat %x : tensor<8xf32>
  tile.return
}

// -----

tile.kernel @reduce_dim(%x: f32) {
  %v = tile.splat %x : tensor<64x64xf32>
  // expected-error @+1 {{dimension 2 is out of range for a rank-2 tile}}
  %r = tile.reduce sum %v dim 2 : tensor<64x64xf32> -> tensor<64xf32>
  tile.return
}

// -----

tile.kernel @reduce_shape(%x: f32) {
  %v = tile.splat %x : tensor<64x32xf32>
  // expected-error @+1 {{result shape must be the input shape without dimension 0}}
  %r = tile.reduce sum %v dim 0 : tensor<64x32xf32> -> tensor<64xf32>
  tile.return
}

// -----

tile.kernel @reduce_kind(%x: f32) {
  %v = tile.splat %x : tensor<64x32xf32>
  // expected-error @+1 {{enum values for attribute 'kind' [sum, max, min]}}
  %r = tile.reduce prod %v dim 0 : tensor<64x32xf32> -> tensor<32xf32>
  tile.return
}

// -----

tile.kernel @ws_regs_low() {
  // expected-error @+1 {{role 0 asks for 16 registers per thread; setmaxnreg takes a multiple of 8 from 24 to 256}}
  tile.warp_specialize warps [4, 4] regs [16, 232] {
  }, {
  }
  tile.return
}

// -----

tile.kernel @ws_regs_high() {
  // expected-error @+1 {{role 1 asks for 264 registers per thread}}
  tile.warp_specialize warps [4, 4] regs [40, 264] {
  }, {
  }
  tile.return
}

// -----

tile.kernel @ws_regs_multiple() {
  // expected-error @+1 {{role 1 asks for 100 registers per thread}}
  tile.warp_specialize warps [4, 4] regs [40, 100] {
  }, {
  }
  tile.return
}

// -----

tile.kernel @ws_counts() {
  // expected-error @+1 {{has 2 roles but 1 warp counts and 2 register budgets}}
  tile.warp_specialize warps [4] regs [40, 232] {
  }, {
  }
  tile.return
}

// -----

tile.kernel @ws_no_warps() {
  // expected-error @+1 {{role 0 needs at least one warp}}
  tile.warp_specialize warps [0, 4] regs [40, 232] {
  }, {
  }
  tile.return
}

// -----

tile.kernel @ws_partial_warpgroup(%x: f16) {
  %a = tile.splat %x : tensor<64x64xf16>
  %c = arith.constant dense<0.0> : tensor<64x64xf32>
  // expected-error @+1 {{role 1 runs tile.dot on 2 warps; wgmma needs whole warp groups (a multiple of 4 warps)}}
  tile.warp_specialize warps [4, 2] regs [40, 232] {
  }, {
    %d = tile.dot %a, %a, %c : tensor<64x64xf16>, tensor<64x64xf16> -> tensor<64x64xf32>
  }
  tile.return
}

// -----

tile.kernel @ws_threads() {
  // expected-error @+1 {{roles add up to 1152 threads; a CTA has at most 1024}}
  tile.warp_specialize warps [4, 32] regs [24, 24] {
  }, {
  }
  tile.return
}

// -----

tile.kernel @ws_registers() {
  // expected-error @+1 {{register budgets add up to 75776 registers; an SM has 65536}}
  tile.warp_specialize warps [4, 8] regs [128, 232] {
  }, {
  }
  tile.return
}

// -----

tile.kernel @ws_same_role(%x: f16) {
  %a = tile.splat %x : tensor<64x64xf16>
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64x64xf16>], depth = 2>
  // expected-error @+1 {{role 0 both puts to and gets from the same aref}}
  tile.warp_specialize warps [4, 4] regs [40, 232] {
    aref.put %r, %a : !aref.ref<[tensor<64x64xf16>], depth = 2>, tensor<64x64xf16>
    %b = aref.get %r : !aref.ref<[tensor<64x64xf16>], depth = 2> -> tensor<64x64xf16>
  }, {
  }
  tile.return
}

// -----

tile.kernel @ws_two_producers(%x: f16) {
  %a = tile.splat %x : tensor<64x64xf16>
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64x64xf16>], depth = 2>
  tile.warp_specialize warps [4, 4] regs [40, 232] {
    aref.put %r, %a : !aref.ref<[tensor<64x64xf16>], depth = 2>, tensor<64x64xf16>
  }, {
    // expected-error @+1 {{puts to an aref that role 0 also puts to; an aref has one producer}}
    aref.put %r, %a : !aref.ref<[tensor<64x64xf16>], depth = 2>, tensor<64x64xf16>
  }
  tile.return
}

// -----

tile.kernel @ws_nested() {
  tile.warp_specialize warps [4, 4] regs [40, 232] {
    // expected-error @+1 {{cannot be nested in another warp_specialize}}
    tile.warp_specialize warps [4] regs [40] {
    }
  }, {
  }
  tile.return
}

// -----

func.func @return_outside() {
  // expected-error @+1 {{expects parent op 'tile.kernel'}}
  tile.return
}

// -----

tile.kernel @blocked_threads(%x: f32) {
  // expected-error @+1 {{blocked layout threads must multiply to 32 (a warp), got 16}}
  %s = tile.splat %x : tensor<64xf32, #tile.blocked<elems = [4], threads = [16], warps = [4]>>
  tile.return
}

// -----

tile.kernel @blocked_rank(%x: f32) {
  // expected-error @+1 {{blocked layout needs elems, threads and warps of one non-zero rank}}
  %s = tile.splat %x : tensor<64xf32, #tile.blocked<elems = [4, 1], threads = [32], warps = [4]>>
  tile.return
}

// -----

// expected-error @+1 {{a grid extent is a constant, a tensor's tiles along a dimension, or an argument divided by a tile size}}
tile.kernel @extent_attr() attributes {e = #tile.extent<arg = 1>} { tile.return }

// -----

tile.kernel @async_load_space(%a: !tile.desc<128x64xf16>, %i: i32) {
  %r = aref.create arrivals 1 : !aref.ref<[tensor<128x64xf16>], depth = 2>
  %buf = memref.alloca() : memref<128x64xf16>
  // expected-error @+1 {{buffer 'memref<128x64xf16>' must be in shared memory (address space 3)}}
  tile.async_load %a[%i, %i] -> %buf, %r[%i]
      : !tile.desc<128x64xf16>, memref<128x64xf16>, !aref.ref<[tensor<128x64xf16>], depth = 2>
  tile.return
}

// -----

tile.kernel @async_load_shape(%a: !tile.desc<128x64xf16>, %i: i32) {
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64x64xf16>], depth = 2>
  %b = aref.put.enter %r[%i], %i : !aref.ref<[tensor<64x64xf16>], depth = 2> -> memref<64x64xf16, 3>
  // expected-error @+1 {{buffer 'memref<64x64xf16, 3>' does not hold the descriptor's tile 'tensor<128x64xf16>'}}
  tile.async_load %a[%i, %i] -> %b, %r[%i]
      : !tile.desc<128x64xf16>, memref<64x64xf16, 3>, !aref.ref<[tensor<64x64xf16>], depth = 2>
  tile.return
}

// -----

tile.kernel @async_load_other_aref(%a: !tile.desc<128x64xf16>, %i: i32) {
  %r = aref.create arrivals 1 : !aref.ref<[tensor<128x64xf16>], depth = 2>
  %r2 = aref.create arrivals 1 : !aref.ref<[tensor<64x128xf16>], depth = 2>
  %b = aref.put.enter %r[%i], %i : !aref.ref<[tensor<128x64xf16>], depth = 2> -> memref<128x64xf16, 3>
  // expected-error @+1 {{buffer 'memref<128x64xf16, 3>' is not a buffer of the aref '!aref.ref<[tensor<64x128xf16>], depth = 2>'}}
  tile.async_load %a[%i, %i] -> %b, %r2[%i]
      : !tile.desc<128x64xf16>, memref<128x64xf16, 3>, !aref.ref<[tensor<64x128xf16>], depth = 2>
  tile.return
}

// -----

func.func @mma_global(%i: i32, %ga: memref<64x64xf16>) {
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64x64xf16>], depth = 2>
  %b = aref.get.enter %r[%i], %i : !aref.ref<[tensor<64x64xf16>], depth = 2> -> memref<64x64xf16, 3>
  %c = arith.constant dense<0.0> : tensor<64x64xf32>
  // expected-error @+1 {{A 'memref<64x64xf16>' must be in shared memory (address space 3)}}
  %d = tile.mma %ga, %b, %c : memref<64x64xf16>, memref<64x64xf16, 3> -> tensor<64x64xf32>
  return
}

// -----

tile.kernel @drop_two_heads(%x: !tile.desc<2x64x64xf16>, %i: i32) {
  // expected-error @+1 {{result type 'tensor<64x64xf16>' is not the descriptor's tile 'tensor<2x64x64xf16>' or a part of it (leading dimensions of 1 may be left out)}}
  %t = tile.load %x[%i, %i, %i] : !tile.desc<2x64x64xf16> -> tensor<64x64xf16>
  tile.return
}

// -----

tile.kernel @drop_inner(%x: !tile.desc<64x1xf16>, %i: i32) {
  %v = arith.constant dense<1.0> : tensor<64xf16>
  // expected-error @+1 {{value type 'tensor<64xf16>' is not the descriptor's tile 'tensor<64x1xf16>' or a part of it (leading dimensions of 1 may be left out)}}
  tile.store %v, %x[%i, %i] : tensor<64xf16>, !tile.desc<64x1xf16>
  tile.return
}

// -----

func.func @mma_register_a_transposed(%i: i32, %p: tensor<64x64xf16>) {
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64x64xf16>], depth = 2>
  %b = aref.get.enter %r[%i], %i : !aref.ref<[tensor<64x64xf16>], depth = 2> -> memref<64x64xf16, 3>
  %c = arith.constant dense<0.0> : tensor<64x64xf32>
  // expected-error @+1 {{takes A from registers, which wgmma reads with K contiguous: no transpose_a}}
  %d = tile.mma %p, %b, %c transpose_a : tensor<64x64xf16>, memref<64x64xf16, 3> -> tensor<64x64xf32>
  return
}

// -----

func.func @mma_register_a_fp8(%i: i32, %p: tensor<64x64xf8E4M3FN>) {
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64x64xf8E4M3FN>], depth = 2>
  %b = aref.get.enter %r[%i], %i : !aref.ref<[tensor<64x64xf8E4M3FN>], depth = 2> -> memref<64x64xf8E4M3FN, 3>
  %c = arith.constant dense<0.0> : tensor<64x64xf32>
  // expected-error @+1 {{takes A from registers, which needs f16 or bf16 elements, not 'f8E4M3FN'}}
  %d = tile.mma %p, %b, %c transpose_b : tensor<64x64xf8E4M3FN>, memref<64x64xf8E4M3FN, 3> -> tensor<64x64xf32>
  return
}

// -----

tile.kernel @mma_shape(%i: i32) {
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64x64xf16>, tensor<32x64xf16>], depth = 2>
  %a, %b = aref.get.enter %r[%i], %i : !aref.ref<[tensor<64x64xf16>, tensor<32x64xf16>], depth = 2> -> memref<64x64xf16, 3>, memref<32x64xf16, 3>
  %c = arith.constant dense<0.0> : tensor<64x64xf32>
  // expected-error @+1 {{A has K = 64 but B has K = 32}}
  %d = tile.mma %a, %b, %c : memref<64x64xf16, 3>, memref<32x64xf16, 3> -> tensor<64x64xf32>
  tile.return
}

// -----

// expected-error @+1 {{consumer_groups must be 1 to 4, got 5}}
tile.kernel @groups5() attributes {consumer_groups = 5} { tile.return }

// -----

// expected-error @+1 {{depth must be 1 to 16, got 0}}
tile.kernel @depth0() attributes {depth = 0} { tile.return }

// -----

// expected-error @+1 {{tile_shape needs three extents (M, N, K), each positive or 0 to keep it}}
tile.kernel @tile_shape() attributes {tile_shape = array<i64: 64, 128>} { tile.return }

// -----

tile.kernel @block_dim_range(%a: !tile.desc<128x64xf16>) {
  // expected-error @+1 {{dimension 2 is out of range for a rank-2 tensor}}
  %k = tile.block_dim %a, 2 : !tile.desc<128x64xf16>
  tile.return
}

// -----

// expected-error @+1 {{a grid extent is a constant, a tensor's tiles along a dimension, or an argument divided by a tile size}}
tile.kernel @grid_scalar_without_div(%n: i32) grid(%n) { tile.return }

// -----

// expected-error @+1 {{where(...) refers to '%z', which is not a kernel argument}}
tile.kernel @where_unknown(%a: !tile.desc<64xf32>) where(%a[0] == %z[0]) { tile.return }

// -----

// expected-error @+1 {{where(...) compares an extent of argument #1, which is not a !tile.desc}}
tile.kernel @where_scalar(%a: !tile.desc<64xf32>, %n: i32) where(%a[0] == %n[0]) { tile.return }

// -----

// expected-error @+1 {{where(...) refers to dimension 1 of a rank-1 tensor}}
tile.kernel @where_dim(%a: !tile.desc<64xf32>, %b: !tile.desc<64xf32>) where(%a[1] == %b[0]) { tile.return }

// -----

tile.kernel @slice_element(%x: f32) {
  %v = tile.splat %x : tensor<64x64xf32>
  // expected-error @+1 {{changes the element type from 'f32' to 'f16'}}
  %s = tile.extract_slice %v [0, 0] : tensor<64x64xf32> -> tensor<64x32xf16>
  tile.return
}

// -----

tile.kernel @slice_offsets(%x: f32) {
  %v = tile.splat %x : tensor<64x64xf32>
  // expected-error @+1 {{needs one offset per dimension and a result of the input's rank 2}}
  %s = tile.extract_slice %v [0] : tensor<64x64xf32> -> tensor<64x32xf32>
  tile.return
}

// -----

tile.kernel @slice_rank(%x: f32) {
  %v = tile.splat %x : tensor<64x64xf32>
  // expected-error @+1 {{needs one offset per dimension and a result of the input's rank 2}}
  %s = tile.extract_slice %v [0, 0] : tensor<64x64xf32> -> tensor<64xf32>
  tile.return
}

// -----

tile.kernel @slice_range(%x: f32) {
  %v = tile.splat %x : tensor<64x64xf32>
  // expected-error @+1 {{dimension 1 takes elements [48, 80) of an input of 64}}
  %s = tile.extract_slice %v [0, 48] : tensor<64x64xf32> -> tensor<64x32xf32>
  tile.return
}

// -----

tile.kernel @slice_negative(%x: f32) {
  %v = tile.splat %x : tensor<64x64xf32>
  // expected-error @+1 {{dimension 0 takes elements [-8, 56) of an input of 64}}
  %s = tile.extract_slice %v [-8, 0] : tensor<64x64xf32> -> tensor<64x32xf32>
  tile.return
}

// -----

#MMA = #tile.mma<warpgroups = 1>

// 96 rows are not whole 64-row blocks of an accumulator layout: the type
// itself is refused.
tile.kernel @rows96(%x: !tile.desc<128x64xf32>, %y: !tile.desc<128x64xf32>, %i: i32) {
  %t = tile.load %x[%i, %i] : !tile.desc<128x64xf32> -> tensor<128x64xf32, #MMA>
  // expected-error @+1 {{mma layout over 1 warp groups needs rows in multiples of 64, got 96}}
  %s = tile.extract_slice %t [0, 0] : tensor<128x64xf32, #MMA> -> tensor<96x64xf32, #MMA>
  tile.store %s, %y[%i, %i] : tensor<96x64xf32, #MMA>, !tile.desc<128x64xf32>
  tile.return
}

// -----

// Descriptors are the kernel's arguments: the lowering finds a load's tensor
// map by the argument it names.
tile.kernel @desc_select(%a: !tile.desc<128xf32>, %b: !tile.desc<128xf32>, %n: i32) {
  %c0 = arith.constant 0 : i32
  %p = arith.cmpi sgt, %n, %c0 : i32
  %d = arith.select %p, %a, %b : !tile.desc<128xf32>
  // expected-error @+1 {{'tile.load' op must use a !tile.desc argument of its enclosing tile.kernel}}
  %t = tile.load %d[%c0] : !tile.desc<128xf32> -> tensor<128xf32>
  tile.store %t, %a[%c0] : tensor<128xf32>, !tile.desc<128xf32>
  tile.return
}

// -----

// Also where the chosen descriptor is never used.
tile.kernel @desc_select_unused(%a: !tile.desc<128xf32>, %b: !tile.desc<128xf32>, %n: i32) {
  %c0 = arith.constant 0 : i32
  %p = arith.cmpi sgt, %n, %c0 : i32
  // expected-error @+1 {{'arith.select' op makes a !tile.desc; descriptors are arguments of the tile.kernel, and cannot be selected or computed}}
  %d = arith.select %p, %a, %b : !tile.desc<128xf32>
  tile.return
}

// -----

tile.kernel @desc_loop_carried(%a: !tile.desc<128xf32>, %b: !tile.desc<128xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  // expected-error @+1 {{'scf.for' op has a !tile.desc block argument; descriptors are arguments of the tile.kernel, not values carried through regions}}
  %r = scf.for %i = %c0 to %c2 step %c1 iter_args(%d = %a) -> (!tile.desc<128xf32>) {
    scf.yield %b : !tile.desc<128xf32>
  }
  tile.return
}

// -----

func.func @store_outside_kernel(%t: tensor<64xf32>, %c: !tile.desc<64xf32>, %i: i32) {
  // expected-error @+1 {{'tile.store' op must use a !tile.desc argument of its enclosing tile.kernel}}
  tile.store %t, %c[%i] : tensor<64xf32>, !tile.desc<64xf32>
  return
}

// -----

// The name is the PTX entry's and, prefixed, the launcher's C function's.
// expected-error @+1 {{'tile.kernel' op name 'gemm-v2' is not an identifier (letters, digits and _, not starting with a digit); it names the PTX entry and the C launcher}}
tile.kernel @"gemm-v2"() {
  tile.return
}

// -----

// expected-error @+1 {{a block of more than 262144 elements is larger than a CTA can hold}}
tile.kernel @huge_block(%c: !tile.desc<8192x256xf32>) {
  tile.return
}


// -----

// 512 elements per thread: twice what a thread's registers hold (256 is
// allowed, test/Dialect/Tile/ops.mlir).
#B = #tile.blocked<elems = [1, 4], threads = [1, 32], warps = [4, 1]>
tile.kernel @too_many_registers(%c: !tile.desc<256x256xf32>, %x: f32, %i: i32) {
  // expected-error @+1 {{a tile of shape 256x256 gives each of its 128 threads 512 elements in registers; at most 256 fit (a smaller tile, or more warps: num_warps)}}
  %t = tile.splat %x : tensor<256x256xf32, #B>
  tile.return
}

// -----

// Layouts verify against the tiles they lay out.
#M = #tile.mma<warpgroups = 1>
tile.kernel @mma_rank(%x: f32) {
  // expected-error @+1 {{mma layout holds 2-D tiles, not rank 1}}
  %t = tile.splat %x : tensor<64xf32, #M>
  tile.return
}

// -----

#B = #tile.blocked<elems = [1, 1], threads = [1, 32], warps = [4, 1]>
tile.kernel @blocked_rank(%x: f32) {
  // expected-error @+1 {{blocked layout of rank 2 cannot hold a tensor of rank 1}}
  %t = tile.splat %x : tensor<64xf32, #B>
  tile.return
}

// -----

#M = #tile.mma<warpgroups = 1>
// expected-error @+1 {{slice of dimension 2 of a rank-2 layout; the parent needs rank 2 or more and the dimension must be one of its own}}
#S = #tile.slice<dim = 2, parent = #M>
tile.kernel @slice_dim(%x: f32) {
  %t = tile.splat %x : tensor<64xf32, #S>
  tile.return
}

// -----

#M = #tile.mma<warpgroups = 1>
#S = #tile.slice<dim = 0, parent = #M>
// expected-error @+1 {{slice of dimension 0 of a rank-1 layout; the parent needs rank 2 or more and the dimension must be one of its own}}
#S2 = #tile.slice<dim = 0, parent = #S>
tile.kernel @slice_of_row(%x: f32) {
  tile.return
}
