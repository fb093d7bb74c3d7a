#include "atelier/config/personalization.h"

#include <algorithm>
#include <optional>

namespace atelier::config {

namespace {

// Decodes UTF-8; nullopt on malformed input.
std::optional<std::u32string> DecodeUtf8(const std::string& s) {
  std::u32string out;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return std::nullopt;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < len; ++k) {
      unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d >> 6) != 0x2) return std::nullopt;
      cp = (cp << 6) | (d & 0x3F);
    }
    static const char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    out.push_back(cp);
    i += len;
  }
  return out;
}

// Emoji modifiers and joiners that only make sense inside an emoji sequence.
bool IsEmojiComponent(char32_t cp) {
  return cp == 0x200D || cp == 0xFE0F || cp == 0x20E3 || (cp >= 0x1F3FB && cp <= 0x1F3FF);
}

bool InCharset(const TextFieldSpec& spec, const std::u32string& custom, char32_t cp) {
  if (spec.charset == "custom") return custom.find(cp) != std::u32string::npos;
  if (spec.charset == "alnum") {
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == ' ';
  }
  bool ascii = cp >= 0x20 && cp < 0x7F;
  if (spec.charset == "ascii") return ascii;
  // latin: printable ASCII, Latin-1 Supplement letters/symbols, Latin Extended-A.
  return ascii || (cp >= 0xA0 && cp <= 0xFF) || (cp >= 0x100 && cp <= 0x17F) || cp == 0x20AC;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::string cur;
  for (char c : text) {
    if (c == '\n') {
      lines.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  lines.push_back(cur);
  return lines;
}

void ValidateText(const PersonalizationField& f, const PersonalizationInput& in, std::vector<FieldError>* errors) {
  const TextFieldSpec& spec = f.text;
  const Font* font = nullptr;
  if (!spec.fonts.empty()) {
    if (in.font.empty()) {
      errors->push_back({f.id, "font_required", f.label + ": choose a font"});
    } else {
      for (const Font& candidate : spec.fonts) {
        if (candidate.id == in.font) font = &candidate;
      }
      if (!font) errors->push_back({f.id, "unknown_font", f.label + ": unknown font '" + in.font + "'"});
    }
  } else if (!in.font.empty()) {
    errors->push_back({f.id, "unknown_font", f.label + ": this field has no font choice"});
  }
  std::vector<std::string> lines = SplitLines(in.text);
  if (static_cast<int>(lines.size()) > spec.max_lines) {
    errors->push_back({f.id, "too_many_lines",
                       f.label + ": at most " + std::to_string(spec.max_lines) + " line" +
                           (spec.max_lines == 1 ? "" : "s") + ", got " + std::to_string(lines.size())});
  }
  const std::u32string custom = DecodeUtf8(spec.custom_chars).value_or(U"");
  bool emoji_seen = false;
  for (size_t li = 0; li < lines.size(); ++li) {
    auto cps = DecodeUtf8(lines[li]);
    if (!cps) {
      errors->push_back({f.id, "charset", f.label + ": line " + std::to_string(li + 1) + " is not valid UTF-8"});
      continue;
    }
    // Emoji sequences (base + modifiers/joiners) count as one character each.
    int chars = 0;
    for (size_t i = 0; i < cps->size(); ++i) {
      char32_t cp = (*cps)[i];
      if (IsEmojiComponent(cp)) continue;
      ++chars;
      if (IsEmojiCodePoint(cp)) {
        emoji_seen = true;
        continue;
      }
      if (!InCharset(spec, custom, cp)) {
        std::string shown;
        size_t at = 0;
        // Re-encode the offending code point for the message.
        char32_t c = cp;
        if (c < 0x80) {
          shown = std::string(1, static_cast<char>(c));
        } else {
          shown = "U+";
          static const char* kHex = "0123456789ABCDEF";
          for (int s = 20; s >= 0; s -= 4) {
            if ((c >> s) || at) {
              shown += kHex[(c >> s) & 0xF];
              ++at;
            }
          }
        }
        errors->push_back({f.id, "charset",
                           f.label + ": character '" + shown + "' on line " + std::to_string(li + 1) +
                               " is not allowed (" + spec.charset + " characters only)"});
        break;
      }
    }
    if (chars > spec.max_chars_per_line) {
      errors->push_back({f.id, "line_too_long",
                         f.label + ": line " + std::to_string(li + 1) + " has " + std::to_string(chars) +
                             " characters, at most " + std::to_string(spec.max_chars_per_line) + " allowed"});
    }
  }
  if (emoji_seen) {
    if (!spec.allow_emoji) {
      errors->push_back({f.id, "charset", f.label + ": emoji are not allowed"});
    } else if (font && !font->emoji) {
      errors->push_back({f.id, "emoji_font", f.label + ": font '" + font->label + "' cannot print emoji"});
    }
  }
}

void ValidateImage(const PersonalizationField& f, const PersonalizationInput& in, std::vector<FieldError>* errors) {
  const ImageFieldSpec& spec = f.image;
  if (!spec.accepted_types.empty() &&
      std::find(spec.accepted_types.begin(), spec.accepted_types.end(), in.content_type) == spec.accepted_types.end()) {
    std::string list;
    for (const auto& t : spec.accepted_types) list += (list.empty() ? "" : ", ") + t;
    errors->push_back({f.id, "type", f.label + ": type '" + in.content_type + "' not accepted (" + list + ")"});
  }
  if (in.bytes <= 0) errors->push_back({f.id, "empty", f.label + ": the upload is empty"});
  if (in.bytes > spec.max_bytes) {
    errors->push_back({f.id, "too_large", f.label + ": " + std::to_string(in.bytes) + " bytes, at most " +
                                              std::to_string(spec.max_bytes) + " allowed"});
  }
  if (in.width < spec.min_width || in.height < spec.min_height) {
    errors->push_back({f.id, "resolution", f.label + ": " + std::to_string(in.width) + "x" + std::to_string(in.height) +
                                               " pixels, at least " + std::to_string(spec.min_width) + "x" +
                                               std::to_string(spec.min_height) + " needed"});
  }
}

}  // namespace

bool IsEmojiCodePoint(char32_t cp) {
  return (cp >= 0x1F000 && cp <= 0x1FAFF) ||  // pictographs, emoticons, transport, flags
         (cp >= 0x2600 && cp <= 0x27BF) ||    // misc symbols, dingbats
         (cp >= 0x2300 && cp <= 0x23FF) ||    // technical (watch, hourglass)
         (cp >= 0x2B00 && cp <= 0x2BFF) ||    // arrows, stars
         cp == 0x00A9 || cp == 0x00AE || cp == 0x203C || cp == 0x2049 || cp == 0x2122 || cp == 0x3030 ||
         cp == 0x303D;
}

PersonalizationResult ValidatePersonalization(const ProductModel& model,
                                              const std::vector<PersonalizationInput>& inputs) {
  PersonalizationResult result;
  for (const PersonalizationInput& in : inputs) {
    const PersonalizationField* field = nullptr;
    for (const auto& f : model.personalization) {
      if (f.id == in.field) field = &f;
    }
    if (!field) {
      result.errors.push_back({in.field, "unknown_field", "unknown personalization field '" + in.field + "'"});
      continue;
    }
    size_t before = result.errors.size();
    if (field->kind == PersonalizationField::Kind::kText) {
      if (in.text.empty()) {
        result.errors.push_back({field->id, "empty", field->label + ": the text is empty"});
      } else {
        ValidateText(*field, in, &result.errors);
      }
    } else {
      ValidateImage(*field, in, &result.errors);
    }
    if (result.errors.size() == before) result.price_delta += field->price_delta;
  }
  for (const auto& f : model.personalization) {
    if (!f.required) continue;
    bool given = std::any_of(inputs.begin(), inputs.end(), [&](const auto& in) { return in.field == f.id; });
    if (!given) result.errors.push_back({f.id, "required", f.label + " is required"});
  }
  return result;
}

}  // namespace atelier::config
