//===- Tiles.cpp - semantics of the tile ops on arrays --------------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "Tiles.h"

using namespace mlir;
using namespace kiln::interp;
using kiln::tile::ReduceKind;

static int64_t product(ArrayRef<int64_t> extents) {
  int64_t n = 1;
  for (int64_t e : extents)
    n *= e;
  return n;
}

Array Array::zeros(ShapedType type) {
  Array a;
  a.elementType = type.getElementType();
  a.shape.assign(type.getShape().begin(), type.getShape().end());
  a.data.assign(product(a.shape), Element());
  return a;
}

void kiln::interp::incrementIndex(MutableArrayRef<int64_t> index,
                                  ArrayRef<int64_t> shape) {
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    if (++index[d] < shape[d])
      return;
    index[d] = 0;
  }
}

/// The offset in `tensor.data` of the element at `coords` + `index`, or
/// nothing when that element lies outside the tensor. A tile of lower rank
/// than the tensor (leading block dimensions of 1 left out) indexes its
/// last dimensions.
static std::optional<int64_t> offsetOf(const HostTensor &tensor,
                                       ArrayRef<int64_t> coords,
                                       ArrayRef<int64_t> index) {
  int64_t offset = 0;
  size_t lead = tensor.shape.size() - index.size();
  for (size_t d = 0; d < tensor.shape.size(); ++d) {
    int64_t g = coords[d] + (d < lead ? 0 : index[d - lead]);
    if (g < 0 || g >= tensor.shape[d])
      return std::nullopt;
    offset += g * tensor.strides[d];
  }
  return offset;
}

void kiln::interp::loadBlock(const HostTensor &tensor, ArrayRef<int64_t> coords,
                             Array &block) {
  SmallVector<int64_t> index(block.shape.size(), 0);
  for (Element &e : block.data) {
    std::optional<int64_t> offset = offsetOf(tensor, coords, index);
    e = offset ? tensor.data[*offset] : Element();
    incrementIndex(index, block.shape);
  }
}

void kiln::interp::storeBlock(HostTensor &tensor, ArrayRef<int64_t> coords,
                              const Array &block) {
  SmallVector<int64_t> index(block.shape.size(), 0);
  for (const Element &e : block.data) {
    if (std::optional<int64_t> offset = offsetOf(tensor, coords, index))
      tensor.data[*offset] = e;
    incrementIndex(index, block.shape);
  }
}

Element kiln::interp::loadElement(const HostTensor &tensor,
                                  ArrayRef<int64_t> coords) {
  SmallVector<int64_t> zero(coords.size(), 0);
  std::optional<int64_t> offset = offsetOf(tensor, coords, zero);
  return offset ? tensor.data[*offset] : Element();
}

Array kiln::interp::iota(RankedTensorType type) {
  Array a = Array::zeros(type);
  unsigned width = getIntWidth(type.getElementType());
  for (auto [i, e] : llvm::enumerate(a.data))
    e = Element::ofInt(normalizeInt(width, static_cast<int64_t>(i)));
  return a;
}

/// The array of `type` whose element at each index is `input`'s element at
/// the flat position `source` gives for that index.
static Array gather(const Array &input, RankedTensorType type,
                    function_ref<int64_t(ArrayRef<int64_t>)> source) {
  Array out = Array::zeros(type);
  SmallVector<int64_t> index(out.shape.size(), 0);
  for (Element &e : out.data) {
    e = input.data[source(index)];
    incrementIndex(index, out.shape);
  }
  return out;
}

Array kiln::interp::broadcast(const Array &input, RankedTensorType type,
                              ArrayRef<int64_t> dims) {
  // The input element is the one at the result index without `dims`.
  return gather(input, type, [&](ArrayRef<int64_t> index) {
    int64_t flat = 0;
    for (size_t d = 0; d < index.size(); ++d)
      if (!llvm::is_contained(dims, static_cast<int64_t>(d)))
        flat = flat * type.getDimSize(d) + index[d];
    return flat;
  });
}

Array kiln::interp::extractSlice(const Array &input, RankedTensorType type,
                                 ArrayRef<int64_t> offsets) {
  return gather(input, type, [&](ArrayRef<int64_t> index) {
    int64_t flat = 0;
    for (size_t d = 0; d < index.size(); ++d)
      flat = flat * input.shape[d] + offsets[d] + index[d];
    return flat;
  });
}

/// Combines two elements of `type` as the reduction `kind` does.
static Element combine(ReduceKind kind, Type type, Element a, Element b) {
  if (auto f = dyn_cast<FloatType>(type)) {
    switch (kind) {
    case ReduceKind::sum:
      return Element::ofFloat(
          computeFloat(f, [](auto x, auto y) { return x + y; }, a.f, b.f));
    case ReduceKind::max:
      return Element::ofFloat(maximumOf(a.f, b.f));
    case ReduceKind::min:
      return Element::ofFloat(minimumOf(a.f, b.f));
    }
  }
  switch (kind) {
  case ReduceKind::sum:
    // Wrap around as the hardware adds, without signed overflow in C++.
    return Element::ofInt(normalizeInt(
        getIntWidth(type),
        static_cast<int64_t>(static_cast<uint64_t>(a.i) +
                             static_cast<uint64_t>(b.i))));
  case ReduceKind::max:
    return Element::ofInt(std::max(a.i, b.i));
  case ReduceKind::min:
    return Element::ofInt(std::min(a.i, b.i));
  }
  llvm_unreachable("unknown reduction");
}

Array kiln::interp::reduce(ReduceKind kind, const Array &input, int64_t dim) {
  Array out;
  out.elementType = input.elementType;
  out.shape.assign(input.shape.begin(), input.shape.end());
  out.shape.erase(out.shape.begin() + dim);
  int64_t extent = input.shape[dim];
  int64_t inner = product(ArrayRef<int64_t>(input.shape).drop_front(dim + 1));
  int64_t outer = product(ArrayRef<int64_t>(input.shape).take_front(dim));
  out.data.resize(outer * inner);
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const Element *row = &input.data[o * extent * inner + i];
      // Max and min of an empty dimension have no identity; start from the
      // first element and leave zero for an empty one.
      Element acc = extent > 0 && kind != ReduceKind::sum ? row[0] : Element();
      for (int64_t k = kind == ReduceKind::sum ? 0 : 1; k < extent; ++k)
        acc = combine(kind, input.elementType, acc, row[k * inner]);
      out.data[o * inner + i] = acc;
    }
  }
  return out;
}

/// `array` (2-D) as floats, transposed when `transpose` is set, so that
/// element (r, c) of the result is at r * cols + c.
static std::vector<float> toFloats(const Array &array, bool transpose) {
  int64_t rows = array.shape[0], cols = array.shape[1];
  std::vector<float> out(array.data.size());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      float v = static_cast<float>(array.data[r * cols + c].f);
      out[transpose ? c * rows + r : r * cols + c] = v;
    }
  return out;
}

Array kiln::interp::matmul(const Array &a, const Array &b, const Array &acc,
                           bool transposeA, bool transposeB) {
  int64_t m = acc.shape[0], n = acc.shape[1];
  int64_t k = transposeA ? a.shape[0] : a.shape[1];
  // A as M x K and B as N x K, so that the K loop reads both contiguously.
  std::vector<float> af = toFloats(a, transposeA);
  std::vector<float> bf = toFloats(b, !transposeB);
  Array out = acc;
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      const float *ar = &af[i * k];
      const float *br = &bf[j * k];
      float sum = static_cast<float>(acc.data[i * n + j].f);
      // Products of 16- and 8-bit floats are exact in f32, so contracting
      // this into an FMA would not change the result.
      for (int64_t kk = 0; kk < k; ++kk)
        sum += ar[kk] * br[kk];
      out.data[i * n + j] = Element::ofFloat(sum);
    }
  }
  return out;
}
