//===- Npy.cpp - reading and writing NumPy .npy files ---------------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The format: the magic "\x93NUMPY", a major and a minor version byte, the
// header length (2 bytes little-endian in version 1, 4 in versions 2 and 3),
// then a Python dict literal with 'descr', 'fortran_order' and 'shape',
// padded with spaces and a newline, then the data.
//
//===----------------------------------------------------------------------===//

#include "kiln/Interpreter/Npy.h"

#include "Tiles.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace kiln::interp;
using llvm::APFloat;
using llvm::APInt;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;

namespace {

/// A dtype as the .npy header spells it: kind 'f', 'i', 'u' or 'b', and
/// bytes per element.
struct Dtype {
  char kind;
  unsigned bytes;
};

/// The parsed header of a .npy file.
struct Header {
  std::string descr;
  Dtype dtype;
  SmallVector<int64_t> shape;
  size_t dataOffset;
};

Error fail(StringRef path, const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "'" + path + "': " + message);
}

/// The text after `key` and its colon in the header dict.
std::optional<StringRef> valueOf(StringRef dict, StringRef key) {
  size_t at = dict.find(("'" + key + "'").str());
  if (at == StringRef::npos)
    return std::nullopt;
  StringRef rest = dict.drop_front(at + key.size() + 2).ltrim();
  if (!rest.consume_front(":"))
    return std::nullopt;
  return rest.ltrim();
}

Expected<Dtype> parseDescr(StringRef path, StringRef descr) {
  static const char *const supported[] = {"<f2", "<f4", "<f8", "|i1", "<i2",
                                          "<i4", "<i8", "|u1", "<u2", "<u4",
                                          "|b1"};
  if (!llvm::is_contained(supported, descr))
    return fail(path, "dtype '" + descr +
                          "' is not supported (little-endian f2, f4, f8, i1, "
                          "i2, i4, i8, u1, u2, u4 or b1)");
  unsigned bytes = 0;
  descr.drop_front(2).getAsInteger(10, bytes);
  return Dtype{descr[1], bytes};
}

/// Parses "(2, 3)" or "(5,)" or "()".
Expected<SmallVector<int64_t>> parseShape(StringRef path, StringRef text) {
  if (!text.consume_front("("))
    return fail(path, "malformed shape in the header");
  size_t close = text.find(')');
  if (close == StringRef::npos)
    return fail(path, "malformed shape in the header");
  SmallVector<StringRef> parts;
  text.take_front(close).split(parts, ',', -1, /*KeepEmpty=*/false);
  SmallVector<int64_t> shape;
  for (StringRef part : parts) {
    int64_t extent;
    if (part.trim().getAsInteger(10, extent) || extent < 0)
      return fail(path, "malformed shape in the header");
    shape.push_back(extent);
  }
  return shape;
}

Expected<Header> parseHeader(StringRef path, StringRef file) {
  if (!file.starts_with("\x93NUMPY") || file.size() < 10)
    return fail(path, "not a .npy file");
  unsigned major = static_cast<unsigned char>(file[6]);
  size_t lengthBytes = major == 1 ? 2 : 4;
  if (major < 1 || major > 3 || file.size() < 8 + lengthBytes)
    return fail(path, "unsupported .npy version " + llvm::Twine(major));
  size_t length = 0;
  for (size_t i = 0; i < lengthBytes; ++i)
    length |= size_t(static_cast<unsigned char>(file[8 + i])) << (8 * i);
  Header header;
  header.dataOffset = 8 + lengthBytes + length;
  if (file.size() < header.dataOffset)
    return fail(path, "truncated header");
  StringRef dict = file.substr(8 + lengthBytes, length);

  std::optional<StringRef> descr = valueOf(dict, "descr");
  std::optional<StringRef> order = valueOf(dict, "fortran_order");
  std::optional<StringRef> shape = valueOf(dict, "shape");
  if (!descr || !order || !shape || !descr->consume_front("'"))
    return fail(path, "malformed header");
  header.descr = descr->take_until([](char c) { return c == '\''; }).str();
  if (!order->starts_with("False"))
    return fail(path, "Fortran-order arrays are not supported; save a "
                      "C-order array (np.ascontiguousarray)");
  Expected<Dtype> dtype = parseDescr(path, header.descr);
  if (!dtype)
    return dtype.takeError();
  header.dtype = *dtype;
  Expected<SmallVector<int64_t>> extents = parseShape(path, *shape);
  if (!extents)
    return extents.takeError();
  header.shape = std::move(*extents);
  return header;
}

/// The little-endian unsigned integer of `bytes` bytes at `data`.
uint64_t readBits(const char *data, unsigned bytes) {
  uint64_t bits = 0;
  for (unsigned i = 0; i < bytes; ++i)
    bits |= uint64_t(static_cast<unsigned char>(data[i])) << (8 * i);
  return bits;
}

/// The float of dtype `dtype` whose bits are `bits`.
double floatFromBits(Dtype dtype, uint64_t bits) {
  const llvm::fltSemantics &sem = dtype.bytes == 2   ? APFloat::IEEEhalf()
                                  : dtype.bytes == 4 ? APFloat::IEEEsingle()
                                                     : APFloat::IEEEdouble();
  return toDouble(APFloat(sem, APInt(8 * dtype.bytes, bits)));
}

/// True when integer `value` (read as unsigned when `isUnsigned`) fits a
/// signless integer of `width` bits, read as signed or unsigned.
bool fitsWidth(int64_t value, bool isUnsigned, unsigned width) {
  if (width >= 64)
    return !isUnsigned || value >= 0;
  int64_t top = int64_t(1) << width;
  if (isUnsigned)
    return static_cast<uint64_t>(value) < static_cast<uint64_t>(top);
  return value >= -(top / 2) && value < top;
}

/// Converts element `bits` of `dtype` to an element of `type`.
Expected<Element> convert(StringRef path, const Header &header, uint64_t bits,
                          Type type) {
  Dtype dtype = header.dtype;
  if (auto f = dyn_cast<FloatType>(type)) {
    if (dtype.kind != 'f')
      return fail(path, "cannot convert '" + header.descr + "' data to " +
                            llvm::Twine(f.getWidth()) + "-bit floats");
    return Element::ofFloat(roundToFloat(f, floatFromBits(dtype, bits)));
  }
  if (dtype.kind == 'f')
    return fail(path, "cannot convert '" + header.descr +
                          "' data to integers");
  unsigned shift = 64 - 8 * dtype.bytes;
  bool isUnsigned = dtype.kind != 'i';
  int64_t value = isUnsigned
                      ? static_cast<int64_t>(bits)
                      : static_cast<int64_t>(bits << shift) >> shift;
  unsigned width = getIntWidth(type);
  if (!fitsWidth(value, isUnsigned, width))
    return fail(path, "value " + llvm::Twine(value) + " does not fit " +
                          llvm::Twine(width) + "-bit integers");
  return Element::ofInt(normalizeInt(width, value));
}

std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text = "(";
  for (int64_t e : shape)
    text += std::to_string(e) + (shape.size() == 1 ? ",)" : ", ");
  if (shape.size() != 1) {
    if (!shape.empty())
      text.resize(text.size() - 2);
    text += ")";
  }
  return text;
}

} // namespace

Expected<HostTensor> kiln::interp::readNpy(StringRef path, Type elementType,
                                           int64_t rank) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buffer)
    return fail(path, "cannot read: " + buffer.getError().message());
  StringRef file = (*buffer)->getBuffer();
  Expected<Header> header = parseHeader(path, file);
  if (!header)
    return header.takeError();
  if (static_cast<int64_t>(header->shape.size()) != rank)
    return fail(path, "has shape " + formatShape(header->shape) +
                          " but the argument is a rank-" + llvm::Twine(rank) +
                          " tensor");
  // Check the size before allocating: the header's shape is untrusted.
  size_t bytes = header->dtype.bytes;
  uint64_t available = file.size() - header->dataOffset;
  uint64_t needed = bytes;
  for (int64_t extent : header->shape)
    needed = llvm::SaturatingMultiply(needed, static_cast<uint64_t>(extent));
  if (available != needed)
    return fail(path, "holds " + llvm::Twine(available) +
                          " data bytes, but shape " +
                          formatShape(header->shape) + " of '" +
                          header->descr + "' needs " + llvm::Twine(needed));
  HostTensor tensor = HostTensor::rowMajor(elementType, header->shape);
  const char *data = file.data() + header->dataOffset;
  for (auto [i, e] : llvm::enumerate(tensor.data)) {
    Expected<Element> value =
        convert(path, *header, readBits(data + i * bytes, bytes), elementType);
    if (!value)
      return value.takeError();
    e = *value;
  }
  return tensor;
}

StringRef kiln::interp::getNpyDescr(Type elementType) {
  if (elementType.isF16())
    return "<f2";
  if (elementType.isF64())
    return "<f8";
  if (isa<FloatType>(elementType))
    return "<f4";
  switch (getIntWidth(elementType)) {
  case 8:
    return "|i1";
  case 16:
    return "<i2";
  case 32:
    return "<i4";
  default:
    return "<i8";
  }
}

/// The bits of element `e` of `type` as dtype `descr` stores them.
static uint64_t npyBits(Type type, StringRef descr, Element e) {
  if (descr == "<f2")
    return toAPFloat(cast<FloatType>(type), e.f).bitcastToAPInt().getZExtValue();
  if (descr == "<f4")
    return llvm::bit_cast<uint32_t>(static_cast<float>(e.f));
  if (descr == "<f8")
    return llvm::bit_cast<uint64_t>(e.f);
  return static_cast<uint64_t>(e.i);
}

Error kiln::interp::writeNpy(StringRef path, const HostTensor &tensor) {
  StringRef descr = getNpyDescr(tensor.elementType);
  unsigned bytes = 0;
  descr.drop_front(2).getAsInteger(10, bytes);
  std::string dict = "{'descr': '" + descr.str() +
                     "', 'fortran_order': False, 'shape': " +
                     formatShape(tensor.shape) + ", }";
  // Pad so that the data starts at a multiple of 64 bytes.
  size_t total = 10 + dict.size() + 1;
  dict.append((64 - total % 64) % 64, ' ');
  dict += '\n';

  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    return fail(path, "cannot write: " + ec.message());
  os << "\x93NUMPY" << char(1) << char(0) << char(dict.size() & 0xff)
     << char(dict.size() >> 8) << dict;
  SmallVector<int64_t> index(tensor.shape.size(), 0);
  for (int64_t n = 0, e = tensor.getNumElements(); n < e; ++n) {
    uint64_t bits = npyBits(tensor.elementType, descr,
                            tensor.data[tensor.getOffset(index)]);
    for (unsigned b = 0; b < bytes; ++b)
      os << char((bits >> (8 * b)) & 0xff);
    incrementIndex(index, tensor.shape);
  }
  os.close();
  if (os.has_error()) {
    std::error_code error = os.error();
    // An error left set would be reported fatally when `os` is destroyed.
    os.clear_error();
    return fail(path, "cannot write: " + error.message());
  }
  return Error::success();
}
