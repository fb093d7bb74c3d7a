#include "atelier/config/personalization.h"

#include <gtest/gtest.h>

#include "atelier/config/compiled_model.h"
#include "atelier/config/demo_models.h"

namespace atelier::config {
namespace {

ProductModel Demo(const std::string& id) {
  auto models = DemoModels();
  EXPECT_TRUE(models.ok());
  for (auto& m : *models) {
    if (m.id == id) return m;
  }
  return {};
}

PersonalizationInput Text(std::string field, std::string text, std::string font = {}) {
  PersonalizationInput in;
  in.field = std::move(field);
  in.text = std::move(text);
  in.font = std::move(font);
  return in;
}

PersonalizationInput Image(std::string type, int64_t bytes, int w, int h) {
  PersonalizationInput in;
  in.field = "picture";
  in.content_type = std::move(type);
  in.bytes = bytes;
  in.width = w;
  in.height = h;
  return in;
}

std::vector<std::string> Codes(const PersonalizationResult& r) {
  std::vector<std::string> out;
  for (const auto& e : r.errors) out.push_back(e.code);
  return out;
}

TEST(PersonalizationTest, CandyTextFitsTwoLinesOfEight) {
  ProductModel candy = Demo("candy");
  auto ok = ValidatePersonalization(candy, {Text("message", "Happy\nBday Ana")});
  EXPECT_TRUE(ok.errors.empty());
  auto long_line = ValidatePersonalization(candy, {Text("message", "Happy Birthday")});
  EXPECT_EQ(Codes(long_line), std::vector<std::string>{"line_too_long"});
  EXPECT_EQ(long_line.errors[0].message, "Printed text: line 1 has 14 characters, at most 8 allowed");
  auto three = ValidatePersonalization(candy, {Text("message", "a\nb\nc")});
  EXPECT_EQ(Codes(three), std::vector<std::string>{"too_many_lines"});
}

TEST(PersonalizationTest, AccentedLettersCountAsOneCharacter) {
  ProductModel candy = Demo("candy");
  auto r = ValidatePersonalization(candy, {Text("message", "Zoë Ñúñez")});  // 9 code points on one line
  EXPECT_EQ(Codes(r), std::vector<std::string>{"line_too_long"});
  auto fits = ValidatePersonalization(candy, {Text("message", "Zoë\nÑúñez")});
  EXPECT_TRUE(fits.errors.empty());
}

TEST(PersonalizationTest, EmojiNeedAnEmojiFont) {
  ProductModel tablet = Demo("tablet");
  const std::string heart = "Love you \xF0\x9F\x92\x96";  // U+1F496
  auto serif = ValidatePersonalization(tablet, {Text("engraving", heart, "serif")});
  EXPECT_EQ(Codes(serif), std::vector<std::string>{"emoji_font"});
  auto emoji = ValidatePersonalization(tablet, {Text("engraving", heart, "emoji")});
  EXPECT_TRUE(emoji.errors.empty());
  auto no_font = ValidatePersonalization(tablet, {Text("engraving", "Ada")});
  EXPECT_EQ(Codes(no_font), std::vector<std::string>{"font_required"});
  auto bad_font = ValidatePersonalization(tablet, {Text("engraving", "Ada", "comic")});
  EXPECT_EQ(Codes(bad_font), std::vector<std::string>{"unknown_font"});
}

TEST(PersonalizationTest, EmojiAreRejectedWhereTheFieldForbidsThem) {
  ProductModel candy = Demo("candy");
  auto r = ValidatePersonalization(candy, {Text("message", "Hi \xF0\x9F\x98\x80")});
  EXPECT_EQ(Codes(r), std::vector<std::string>{"charset"});
}

TEST(PersonalizationTest, CharactersOutsideTheCharsetAreNamed) {
  ProductModel candy = Demo("candy");
  auto r = ValidatePersonalization(candy, {Text("message", "\xE4\xBD\xA0\xE5\xA5\xBD")});  // CJK
  ASSERT_EQ(Codes(r), std::vector<std::string>{"charset"});
  EXPECT_NE(r.errors[0].message.find("U+4F60"), std::string::npos) << r.errors[0].message;
  auto bad_utf8 = ValidatePersonalization(candy, {Text("message", "\xC3")});
  EXPECT_EQ(Codes(bad_utf8), std::vector<std::string>{"charset"});
}

TEST(PersonalizationTest, ImageTypeSizeAndResolutionAreChecked) {
  ProductModel candy = Demo("candy");
  EXPECT_TRUE(ValidatePersonalization(candy, {Image("image/png", 200000, 600, 600)}).errors.empty());
  EXPECT_EQ(Codes(ValidatePersonalization(candy, {Image("image/gif", 200000, 600, 600)})),
            std::vector<std::string>{"type"});
  EXPECT_EQ(Codes(ValidatePersonalization(candy, {Image("image/png", 20000001, 600, 600)})),
            std::vector<std::string>{"too_large"});
  EXPECT_EQ(Codes(ValidatePersonalization(candy, {Image("image/jpeg", 1000, 200, 600)})),
            std::vector<std::string>{"resolution"});
}

TEST(PersonalizationTest, FilledFieldsAddTheirPrice) {
  ProductModel candy = Demo("candy");
  auto r = ValidatePersonalization(candy, {Text("message", "Hi"), Image("image/png", 1000, 400, 400)});
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.price_delta, 500);
  // An invalid field adds nothing.
  auto bad = ValidatePersonalization(candy, {Image("image/gif", 1000, 400, 400)});
  EXPECT_EQ(bad.price_delta, 0);
}

TEST(PersonalizationTest, UnknownAndRequiredFieldsAreReported) {
  ProductModel tablet = Demo("tablet");
  tablet.personalization[0].required = true;
  auto r = ValidatePersonalization(tablet, {Text("tattoo", "x")});
  EXPECT_EQ(Codes(r), (std::vector<std::string>{"unknown_field", "required"}));
}

TEST(PersonalizationTest, ConfigureReportsPersonalizationErrorsAndPrice) {
  auto cm = CompiledModel::Compile(Demo("candy"));
  ASSERT_TRUE(cm.ok());
  ConfigureRequest req;
  req.personalization = {Text("message", "Too long a line")};
  auto st = (*cm)->Configure(req);
  ASSERT_TRUE(st.ok());
  ASSERT_EQ(st->personalization_errors.size(), 1u);
  EXPECT_EQ(st->personalization_errors[0].field, "message");
  EXPECT_FALSE(st->complete);
  req.personalization = {Image("image/png", 1000, 400, 400)};
  auto priced = (*cm)->Configure(req);
  ASSERT_TRUE(priced.ok());
  EXPECT_EQ(priced->price_now, 1499 + 500);
  EXPECT_EQ(*priced->price_min, 1499 - 200 + 500);  // mints are 2.00 cheaper
}

}  // namespace
}  // namespace atelier::config
