#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "model/span.h"

namespace pipetrace {
namespace {

constexpr char kLiteral[] = "cicd.pipeline.task.run.result";

TEST(AttributeKey, ALiteralIsHeldWithoutACopy) {
  AttributeKey key = kLiteral;
  EXPECT_EQ(key.data(), kLiteral);
  EXPECT_EQ(key.view(), "cicd.pipeline.task.run.result");
  AttributeKey copy = key;
  EXPECT_EQ(copy.data(), kLiteral);
}

TEST(AttributeKey, RunTimeTextIsOwned) {
  std::string text = "k8s.pod.label.app.kubernetes.io/name";
  AttributeKey from_string = text;
  AttributeKey from_view = std::string_view(text);
  EXPECT_NE(from_string.data(), text.data());
  EXPECT_NE(from_view.data(), text.data());
  text.assign(text.size(), 'x');
  EXPECT_EQ(from_string, "k8s.pod.label.app.kubernetes.io/name");
  EXPECT_EQ(from_view, "k8s.pod.label.app.kubernetes.io/name");

  // The owned text moves with the key, and a copy has its own.
  AttributeKey moved = std::move(from_string);
  AttributeKey copied = moved;
  EXPECT_EQ(moved.view(), copied.view());
  EXPECT_NE(moved.data(), copied.data());
}

TEST(AttributeKey, ComparesByTextWhateverHoldsIt) {
  const AttributeKey literal = "service.name";
  const AttributeKey owned = std::string("service.name");
  EXPECT_EQ(literal, owned);
  EXPECT_EQ(literal, std::string("service.name"));
  EXPECT_EQ(owned, std::string_view("service.name"));
  EXPECT_EQ(owned, "service.name");
  EXPECT_NE(literal, "service.namespace");
  EXPECT_TRUE(AttributeKey("a.b") < AttributeKey(std::string("a.c")));

  std::vector<Attribute> attributes = {{std::string("z"), std::int64_t{1}}, {"a", std::int64_t{2}}};
  std::sort(attributes.begin(), attributes.end(),
            [](const Attribute& x, const Attribute& y) { return x.key < y.key; });
  EXPECT_EQ(attributes.front().key, "a");
  EXPECT_EQ(attributes.back(), (Attribute{"z", std::int64_t{1}}));
}

TEST(AttributeKey, AnEmptyKeyIsEmpty) {
  EXPECT_TRUE(AttributeKey().empty());
  EXPECT_EQ(AttributeKey().size(), 0u);
  EXPECT_TRUE(AttributeKey(std::string()).empty());
  EXPECT_FALSE(AttributeKey("k").empty());
}

}  // namespace
}  // namespace pipetrace
