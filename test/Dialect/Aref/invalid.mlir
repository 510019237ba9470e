// RUN: kiln-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{aref depth must be at least 1, got 0}}
tile.kernel @depth0(%r: !aref.ref<[tensor<64xf16>], depth = 0>) { tile.return }

// -----

tile.kernel @depth0_create() {
  // expected-error @+1 {{aref depth must be at least 1, got 0}}
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64xf16>], depth = 0>
  tile.return
}

// -----

// A token aref carries no values.
tile.kernel @token_with_value(%d: !tile.desc<64xf16>, %i: i32) {
  %r = aref.create arrivals 1 : !aref.ref<[], depth = 2>
  %x = tile.load %d[%i] : !tile.desc<64xf16> -> tensor<64xf16>
  // expected-error @+1 {{has 1 values but the aref payload has 0 types}}
  aref.put %r, %x : !aref.ref<[], depth = 2>, tensor<64xf16>
  tile.return
}

// -----

tile.kernel @memref_payload() {
  // expected-error @+1 {{aref payload must be ranked tensors, got 'memref<64xf16>'}}
  %r = aref.create arrivals 1 : !aref.ref<[memref<64xf16>], depth = 2>
  tile.return
}

// -----

tile.kernel @dynamic_payload() {
  // expected-error @+1 {{aref payload must have a static shape, got 'tensor<?xf16>'}}
  %r = aref.create arrivals 1 : !aref.ref<[tensor<?xf16>], depth = 2>
  tile.return
}

// -----

tile.kernel @index_payload() {
  // expected-error @+1 {{aref payload elements must be integers or floats, got 'tensor<4xindex>'}}
  %r = aref.create arrivals 1 : !aref.ref<[tensor<4xindex>], depth = 2>
  tile.return
}

// -----

tile.kernel @no_arrivals() {
  // expected-error @+1 {{needs at least one consumer arrival per slot, got 0}}
  %r = aref.create arrivals 0 : !aref.ref<[tensor<64xf16>], depth = 2>
  tile.return
}

// -----

tile.kernel @missing_depth() {
  // expected-error @+1 {{expected ','}}
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64xf16>]>
  tile.return
}

// -----

tile.kernel @put_count(%x: f16) {
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64xf16>, tensor<64xf16>], depth = 2>
  %a = tile.splat %x : tensor<64xf16>
  // expected-error @+1 {{has 1 values but the aref payload has 2 types}}
  aref.put %r, %a : !aref.ref<[tensor<64xf16>, tensor<64xf16>], depth = 2>, tensor<64xf16>
  tile.return
}

// -----

tile.kernel @put_type(%x: f32) {
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64xf16>], depth = 2>
  %a = tile.splat %x : tensor<64xf32>
  // expected-error @+1 {{values #0 has type 'tensor<64xf32>' but payload #0 is 'tensor<64xf16>'}}
  aref.put %r, %a : !aref.ref<[tensor<64xf16>], depth = 2>, tensor<64xf32>
  tile.return
}

// -----

tile.kernel @get_type() {
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64xf16>], depth = 2>
  // expected-error @+1 {{results #0 has type 'tensor<32xf16>' but payload #0 is 'tensor<64xf16>'}}
  %a = aref.get %r : !aref.ref<[tensor<64xf16>], depth = 2> -> tensor<32xf16>
  tile.return
}

// -----

tile.kernel @get_count() {
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64xf16>], depth = 2>
  // expected-error @+1 {{has 2 results but the aref payload has 1 types}}
  %a, %b = aref.get %r : !aref.ref<[tensor<64xf16>], depth = 2> -> tensor<64xf16>, tensor<64xf16>
  tile.return
}

// -----

tile.kernel @enter_space(%s: i32, %ph: i32) {
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64xf16>], depth = 2>
  // expected-error @+1 {{buffer #0 must be 'memref<64xf16, 3>', got 'memref<64xf16>'}}
  %b = aref.put.enter %r[%s], %ph : !aref.ref<[tensor<64xf16>], depth = 2> -> memref<64xf16>
  tile.return
}

// -----

tile.kernel @enter_shape(%s: i32, %ph: i32) {
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64xf16>], depth = 2>
  // expected-error @+1 {{buffers #0 has type 'memref<32xf16, 3>' but payload #0 is 'tensor<64xf16>'}}
  %b = aref.get.enter %r[%s], %ph : !aref.ref<[tensor<64xf16>], depth = 2> -> memref<32xf16, 3>
  tile.return
}

// -----

tile.kernel @slot_range(%ph: i32) {
  %c2 = arith.constant 2 : i32
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64xf16>], depth = 2>
  // expected-error @+1 {{slot 2 is outside the aref's 2 slots}}
  %b = aref.put.enter %r[%c2], %ph : !aref.ref<[tensor<64xf16>], depth = 2> -> memref<64xf16, 3>
  tile.return
}

// -----

tile.kernel @slot_negative() {
  %cm1 = arith.constant -1 : i32
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64xf16>], depth = 2>
  // expected-error @+1 {{slot -1 is outside the aref's 2 slots}}
  aref.get.exit %r[%cm1] : !aref.ref<[tensor<64xf16>], depth = 2>
  tile.return
}

// -----

tile.kernel @slot_exit() {
  %c3 = arith.constant 3 : i32
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64xf16>], depth = 3>
  // expected-error @+1 {{slot 3 is outside the aref's 3 slots}}
  aref.put.exit %r[%c3] : !aref.ref<[tensor<64xf16>], depth = 3>
  tile.return
}

// -----

tile.kernel @phase_parity(%s: i32) {
  %c2 = arith.constant 2 : i32
  %r = aref.create arrivals 1 : !aref.ref<[tensor<64xf16>], depth = 2>
  // expected-error @+1 {{phase must be a parity (0 or 1), got 2}}
  %b = aref.get.enter %r[%s], %c2 : !aref.ref<[tensor<64xf16>], depth = 2> -> memref<64xf16, 3>
  tile.return
}

// -----

tile.kernel @not_an_aref(%x: i32) {
  // expected-error @+1 {{operand #0 must be aref, a ring buffer of slots between warp roles, but got 'i32'}}
  aref.consumed %x : i32
  tile.return
}
