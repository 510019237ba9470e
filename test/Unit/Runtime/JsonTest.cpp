//===- JsonTest.cpp - the runtime's JSON parser ---------------------------===//
//
// Part of Kiln. Licensed under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "Json.h"

#include "gtest/gtest.h"

using namespace kiln::rt;

namespace {

json::Value parseOk(std::string_view text) {
  json::Value value;
  std::string error;
  EXPECT_TRUE(json::parse(text, value, error)) << error;
  return value;
}

std::string parseError(std::string_view text) {
  json::Value value;
  std::string error;
  EXPECT_FALSE(json::parse(text, value, error)) << text;
  return error;
}

TEST(Json, ParsesNestedValuesInOrder) {
  json::Value v = parseOk(R"( {"b": [1, -2, 3.5, 1e3], "a": {"t": true,
                                "f": false, "n": null, "s": "x"}} )");
  ASSERT_EQ(v.kind, json::Kind::Object);
  ASSERT_EQ(v.keys, (std::vector<std::string>{"b", "a"}));
  const json::Value *b = v.find("b");
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(b->elements.size(), 4u);
  EXPECT_TRUE(b->elements[0].isInteger);
  EXPECT_EQ(b->elements[0].integer, 1);
  EXPECT_EQ(b->elements[1].integer, -2);
  EXPECT_FALSE(b->elements[2].isInteger);
  EXPECT_EQ(b->elements[2].number, 3.5);
  EXPECT_FALSE(b->elements[3].isInteger) << "an exponent makes a non-integer";
  EXPECT_EQ(b->elements[3].number, 1000.0);
  const json::Value *a = v.find("a");
  EXPECT_TRUE(a->find("t")->boolean);
  EXPECT_EQ(a->find("f")->kind, json::Kind::Bool);
  EXPECT_FALSE(a->find("f")->boolean);
  EXPECT_EQ(a->find("n")->kind, json::Kind::Null);
  EXPECT_EQ(a->find("s")->string, "x");
  EXPECT_EQ(v.find("missing"), nullptr);
}

TEST(Json, KeepsInt64Exactly) {
  json::Value v = parseOk("[9223372036854775807, -9223372036854775808, "
                          "9223372036854775808]");
  EXPECT_TRUE(v.elements[0].isInteger);
  EXPECT_EQ(v.elements[0].integer, INT64_MAX);
  EXPECT_EQ(v.elements[1].integer, INT64_MIN);
  EXPECT_FALSE(v.elements[2].isInteger) << "beyond int64";
}

TEST(Json, DecodesEscapes) {
  json::Value v =
      parseOk(R"(["\"\\\/\b\f\n\r\t", "\u0041\u00e9\u20ac", "\ud83d\ude00"])");
  EXPECT_EQ(v.elements[0].string, "\"\\/\b\f\n\r\t");
  EXPECT_EQ(v.elements[1].string, "A\xc3\xa9\xe2\x82\xac");
  EXPECT_EQ(v.elements[2].string, "\xf0\x9f\x98\x80");
}

TEST(Json, DoesNotNeedATerminator) {
  std::string text = "[12]";
  json::Value v = parseOk(std::string_view(text.data(), 3 + 1));
  EXPECT_EQ(v.elements[0].integer, 12);
  // A prefix of a number stops where the view ends.
  EXPECT_EQ(parseError(std::string_view("[12]", 2)),
            "line 1, column 3: expected ',' or ']'");
}

TEST(Json, ReportsErrorsWithLineAndColumn) {
  EXPECT_EQ(parseError(""), "line 1, column 1: unexpected end of input");
  EXPECT_EQ(parseError("{\n  \"a\": 1,\n}"),
            "line 3, column 1: expected a string key");
  EXPECT_EQ(parseError("[1, 2,]"), "line 1, column 7: expected a value");
  EXPECT_EQ(parseError("{\"a\": 1 \"b\": 2}"),
            "line 1, column 9: expected ',' or '}'");
  EXPECT_EQ(parseError("{\"a\": 1, \"a\": 2}"),
            "line 1, column 10: duplicate key \"a\"");
  EXPECT_EQ(parseError("[01]"), "line 1, column 3: leading zero in number");
  EXPECT_EQ(parseError("[1.]"), "line 1, column 4: expected a digit");
  EXPECT_EQ(parseError("[-]"), "line 1, column 3: expected a digit");
  EXPECT_EQ(parseError("[tru]"), "line 1, column 2: invalid literal");
  EXPECT_EQ(parseError("[\"a\nb\"]"),
            "line 1, column 4: control character in string");
  EXPECT_EQ(parseError("[\"\\x\"]"),
            "line 1, column 4: invalid escape in string");
  EXPECT_EQ(parseError("[\"\\u12g4\"]"),
            "line 1, column 7: expected four hex digits after \\u");
  EXPECT_EQ(parseError("[\"\\ud83d\"]"),
            "line 1, column 9: unpaired high surrogate in \\u escape");
  EXPECT_EQ(parseError("[\"abc"), "line 1, column 6: unterminated string");
  EXPECT_EQ(parseError("{} {}"),
            "line 1, column 4: unexpected text after the document");
  EXPECT_EQ(parseError("// comment\n{}"), "line 1, column 1: expected a value");
}

TEST(Json, LimitsNesting) {
  std::string deep(64, '[');
  deep += std::string(64, ']');
  parseOk(deep);
  std::string tooDeep(100000, '[');
  EXPECT_EQ(parseError(tooDeep), "line 1, column 66: nesting deeper than 64");
}

} // namespace
