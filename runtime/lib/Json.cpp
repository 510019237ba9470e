//===- Json.cpp - a small strict JSON parser ------------------------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "Json.h"

#include <charconv>

namespace kiln::rt::json {

const Value *Value::find(std::string_view key) const {
  for (size_t i = 0; i < keys.size(); ++i)
    if (keys[i] == key)
      return &elements[i];
  return nullptr;
}

const char *describe(const Value &value) {
  switch (value.kind) {
  case Kind::Null:
    return "null";
  case Kind::Bool:
    return "a boolean";
  case Kind::Number:
    return value.isInteger ? "an integer" : "a number";
  case Kind::String:
    return "a string";
  case Kind::Array:
    return "an array";
  case Kind::Object:
    return "an object";
  }
  return "a value";
}

namespace {

/// Deep enough for any metadata, shallow enough that hostile input cannot
/// overflow the stack of the recursive descent.
constexpr int kMaxDepth = 64;

class Parser {
public:
  explicit Parser(std::string_view input) : text(input) {}

  bool document(Value &out, std::string &error) {
    skipSpace();
    bool ok = value(out, 0);
    if (ok) {
      skipSpace();
      if (pos != text.size())
        ok = fail("unexpected text after the document");
    }
    if (!ok)
      error = where() + message;
    return ok;
  }

private:
  std::string_view text;
  size_t pos = 0;
  std::string message;

  bool fail(std::string what) {
    message = std::move(what);
    return false;
  }

  /// "line L, column C: " of the current position, both from 1.
  std::string where() const {
    size_t line = 1, column = 1;
    for (size_t i = 0; i < pos && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return "line " + std::to_string(line) + ", column " +
           std::to_string(column) + ": ";
  }

  bool atEnd() const { return pos >= text.size(); }
  char peek() const { return atEnd() ? '\0' : text[pos]; }

  void skipSpace() {
    while (!atEnd() && (text[pos] == ' ' || text[pos] == '\t' ||
                        text[pos] == '\n' || text[pos] == '\r'))
      ++pos;
  }

  bool expect(char c) {
    if (peek() != c)
      return fail(std::string("expected '") + c + "'");
    ++pos;
    return true;
  }

  bool literal(std::string_view word) {
    if (text.substr(pos, word.size()) != word)
      return fail("invalid literal");
    pos += word.size();
    return true;
  }

  bool value(Value &out, int depth) {
    if (depth > kMaxDepth)
      return fail("nesting deeper than " + std::to_string(kMaxDepth));
    switch (peek()) {
    case '{':
      return object(out, depth);
    case '[':
      return array(out, depth);
    case '"':
      out.kind = Kind::String;
      return string(out.string);
    case 't':
      out.kind = Kind::Bool;
      out.boolean = true;
      return literal("true");
    case 'f':
      out.kind = Kind::Bool;
      out.boolean = false;
      return literal("false");
    case 'n':
      out.kind = Kind::Null;
      return literal("null");
    default:
      if (peek() == '-' || (peek() >= '0' && peek() <= '9'))
        return number(out);
      return fail(atEnd() ? "unexpected end of input" : "expected a value");
    }
  }

  /// The elements of an object or array after its opening bracket, each
  /// read by `element` (spaces before it skipped), up to `close`.
  template <typename Element> bool elements(char close, Element element) {
    ++pos; // the opening bracket
    skipSpace();
    if (peek() == close) {
      ++pos;
      return true;
    }
    while (true) {
      skipSpace();
      if (!element())
        return false;
      skipSpace();
      if (peek() == ',') {
        ++pos;
        continue;
      }
      if (peek() == close) {
        ++pos;
        return true;
      }
      return fail(std::string("expected ',' or '") + close + "'");
    }
  }

  bool object(Value &out, int depth) {
    out.kind = Kind::Object;
    return elements('}', [&] {
      std::string key;
      if (peek() != '"')
        return fail("expected a string key");
      size_t keyPos = pos;
      if (!string(key))
        return false;
      if (out.find(key)) {
        pos = keyPos;
        return fail("duplicate key \"" + key + "\"");
      }
      skipSpace();
      if (!expect(':'))
        return false;
      skipSpace();
      out.keys.push_back(std::move(key));
      out.elements.emplace_back();
      return value(out.elements.back(), depth + 1);
    });
  }

  bool array(Value &out, int depth) {
    out.kind = Kind::Array;
    return elements(']', [&] {
      out.elements.emplace_back();
      return value(out.elements.back(), depth + 1);
    });
  }

  bool hexDigits(uint32_t &code) {
    code = 0;
    for (int i = 0; i < 4; ++i, ++pos) {
      char c = peek();
      int digit = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
      if (digit < 0)
        return fail("expected four hex digits after \\u");
      code = code * 16 + uint32_t(digit);
    }
    return true;
  }

  static void appendUtf8(std::string &out, uint32_t code) {
    if (code < 0x80) {
      out += char(code);
    } else if (code < 0x800) {
      out += char(0xC0 | (code >> 6));
      out += char(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += char(0xE0 | (code >> 12));
      out += char(0x80 | ((code >> 6) & 0x3F));
      out += char(0x80 | (code & 0x3F));
    } else {
      out += char(0xF0 | (code >> 18));
      out += char(0x80 | ((code >> 12) & 0x3F));
      out += char(0x80 | ((code >> 6) & 0x3F));
      out += char(0x80 | (code & 0x3F));
    }
  }

  /// A \u escape, with the second half of a surrogate pair if there is one.
  bool unicodeEscape(std::string &out) {
    uint32_t code;
    if (!hexDigits(code))
      return false;
    if (code >= 0xDC00 && code <= 0xDFFF)
      return fail("unpaired low surrogate in \\u escape");
    if (code >= 0xD800 && code <= 0xDBFF) {
      uint32_t low;
      if (text.substr(pos, 2) != "\\u")
        return fail("unpaired high surrogate in \\u escape");
      pos += 2;
      if (!hexDigits(low))
        return false;
      if (low < 0xDC00 || low > 0xDFFF)
        return fail("unpaired high surrogate in \\u escape");
      code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
    }
    appendUtf8(out, code);
    return true;
  }

  bool string(std::string &out) {
    ++pos; // '"'
    while (true) {
      if (atEnd())
        return fail("unterminated string");
      unsigned char c = static_cast<unsigned char>(text[pos]);
      if (c == '"') {
        ++pos;
        return true;
      }
      if (c < 0x20)
        return fail("control character in string");
      if (c != '\\') {
        out += char(c);
        ++pos;
        continue;
      }
      ++pos;
      char escape = peek();
      ++pos;
      switch (escape) {
      case '"':
      case '\\':
      case '/':
        out += escape;
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u':
        if (!unicodeEscape(out))
          return false;
        break;
      default:
        --pos;
        return fail("invalid escape in string");
      }
    }
  }

  bool digits() {
    if (peek() < '0' || peek() > '9')
      return fail("expected a digit");
    while (peek() >= '0' && peek() <= '9')
      ++pos;
    return true;
  }

  bool number(Value &out) {
    size_t start = pos;
    bool integral = true;
    if (peek() == '-')
      ++pos;
    if (peek() == '0') {
      ++pos;
      if (peek() >= '0' && peek() <= '9')
        return fail("leading zero in number");
    } else if (!digits()) {
      return false;
    }
    if (peek() == '.') {
      integral = false;
      ++pos;
      if (!digits())
        return false;
    }
    if (peek() == 'e' || peek() == 'E') {
      integral = false;
      ++pos;
      if (peek() == '+' || peek() == '-')
        ++pos;
      if (!digits())
        return false;
    }
    // from_chars, unlike strtod, needs no terminator and ignores the locale.
    const char *first = text.data() + start;
    const char *last = text.data() + pos;
    out.kind = Kind::Number;
    std::from_chars(first, last, out.number);
    out.isInteger =
        integral && std::from_chars(first, last, out.integer).ec == std::errc();
    return true;
  }
};

} // namespace

bool parse(std::string_view text, Value &out, std::string &error) {
  out = Value();
  return Parser(text).document(out, error);
}

} // namespace kiln::rt::json
