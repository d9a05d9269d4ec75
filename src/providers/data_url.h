#pragma once
// `data:<mime>[;param...];base64,<data>` image URLs, as OpenAI clients send inline images; the
// providers that want bytes (Gemini inlineData, Bedrock image blocks) take them apart here.
#include <optional>
#include <string>
#include <string_view>

namespace sy::providers {

struct DataUrl {
  std::string mime;
  std::string base64;
};

std::optional<DataUrl> parse_data_url(std::string_view url);

}  // namespace sy::providers
