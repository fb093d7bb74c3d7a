#pragma once
// Validation of personalization inputs (engraved text, printed text, uploaded
// pictures) against a model's PersonalizationField specs. Used on configure
// and again on order.
//
// Thread-safety: free functions; no shared state.

#include <cstdint>
#include <string>
#include <vector>

#include "atelier/config/model.h"

namespace atelier::config {

// What the shopper filled in for one field. For text fields `text` holds the
// lines separated by '\n' and `font` the chosen font id (may be empty when the
// field offers no fonts). For image fields the upload's metadata (the bytes
// themselves are stored elsewhere).
struct PersonalizationInput {
  std::string field;
  std::string text;
  std::string font;
  std::string content_type;
  int64_t bytes = 0;
  int width = 0;
  int height = 0;
};

struct FieldError {
  std::string field;    // personalization field id
  std::string code;     // "too_many_lines", "line_too_long", "charset", "emoji_font",
                        // "unknown_font", "font_required", "type", "too_large",
                        // "resolution", "required", "unknown_field", "empty"
  std::string message;  // human sentence naming the limit

  friend bool operator==(const FieldError&, const FieldError&) = default;
};

struct PersonalizationResult {
  std::vector<FieldError> errors;  // empty when every input is valid
  int64_t price_delta = 0;         // sum of the deltas of the filled-in fields
};

// Validates `inputs` against `model.personalization`: every required field
// present, no unknown field, each input within its field's limits. Emoji are
// code points in the usual pictographic blocks; they need the field's
// allow_emoji and a font with emoji = true. Invalid UTF-8 is a charset error.
PersonalizationResult ValidatePersonalization(const ProductModel& model,
                                              const std::vector<PersonalizationInput>& inputs);

// True for code points treated as emoji (pictographs, dingbats, flags, ...).
bool IsEmojiCodePoint(char32_t cp);

}  // namespace atelier::config
