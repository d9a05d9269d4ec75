#include "wire/error_text.h"

#include <gtest/gtest.h>

namespace sy::wire {
namespace {

TEST(ErrorText, CodesMustLookLikeIdentifiers) {
  EXPECT_EQ(error_code_or("overloaded_error", "?"), "overloaded_error");
  EXPECT_EQ(error_code_or("Bearer sk-live-0123456789", "?"), "?");
  EXPECT_EQ(error_code_or("", "unknown"), "unknown");
  EXPECT_EQ(error_code_or(std::string(65, 'a'), "long"), "long");
}

TEST(ErrorText, MessagesAreClippedOnACharacterBoundary) {
  EXPECT_EQ(clip_message("short"), "short");
  std::string s(499, 'x');
  s += "\xe4\xb8\xad tail";  // a three-byte character across the 500-byte mark
  EXPECT_EQ(clip_message(s), std::string(499, 'x'));
}

}  // namespace
}  // namespace sy::wire
