#include "atelier/server/uploads.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "atelier/server/http_server.h"
#include "atelier/server/services.h"
#include "internal/picture_bytes.h"

namespace atelier::server {
namespace {

std::string Be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

// A PNG signature and IHDR chunk (the pixel data never matters here).
std::string Png(uint32_t width, uint32_t height) {
  std::string b = "\x89PNG\r\n\x1a\n";
  b += Be32(13) + "IHDR" + Be32(width) + Be32(height) + std::string("\x08\x02\x00\x00\x00", 5);
  b += Be32(0xdeadbeef);  // CRC, unchecked
  b += Be32(0) + "IEND" + Be32(0xae426082);
  return b;
}

std::string Segment(unsigned char marker, const std::string& payload) {
  const size_t length = payload.size() + 2;
  return std::string{'\xFF', static_cast<char>(marker), static_cast<char>(length >> 8), static_cast<char>(length)} +
         payload;
}

// SOI, an APP0 (JFIF) segment, a DQT, then SOF (baseline or progressive).
std::string Jpeg(int width, int height, unsigned char sof = 0xC0) {
  std::string b = "\xFF\xD8";
  b += Segment(0xE0, std::string("JFIF\0\x01\x02\x00\x00\x01\x00\x01\x00\x00", 14));
  b += Segment(0xDB, std::string(65, '\x01'));
  std::string frame = {'\x08', static_cast<char>(height >> 8), static_cast<char>(height),
                       static_cast<char>(width >> 8), static_cast<char>(width), '\x01', '\x01', '\x11', '\x00'};
  b += Segment(sof, frame);
  b += Segment(0xDA, std::string("\x01\x01\x00\x00\x3f\x00", 6)) + "\x12\x34\xFF\xD9";
  return b;
}

TEST(SniffImageTest, ReadsThePngTypeAndDimensions) {
  auto info = SniffImage(Png(800, 600));
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info->content_type, "image/png");
  EXPECT_EQ(info->width, 800);
  EXPECT_EQ(info->height, 600);
}

TEST(SniffImageTest, ReadsTheJpegTypeAndDimensionsPastOtherSegments) {
  for (unsigned char sof : {0xC0, 0xC1, 0xC2}) {
    auto info = SniffImage(Jpeg(1024, 768, sof));
    ASSERT_TRUE(info.ok()) << info.error().ToString();
    EXPECT_EQ(info->content_type, "image/jpeg");
    EXPECT_EQ(info->width, 1024);
    EXPECT_EQ(info->height, 768);
  }
}

TEST(SniffImageTest, SkipsHuffmanTablesWhichShareTheFrameMarkerRange) {
  std::string b = "\xFF\xD8";
  b += Segment(0xC4, std::string(30, '\x00'));  // DHT, not a frame
  b += Segment(0xC0, std::string("\x08\x00\x20\x00\x40\x01\x01\x11\x00", 9));
  auto info = SniffImage(b);
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info->width, 64);
  EXPECT_EQ(info->height, 32);
}

TEST(SniffImageTest, RefusesWhatIsNotAPngOrJpegWhateverItsName) {
  for (const std::string& bytes :
       {std::string(""), std::string("GIF89a\x01\x00\x01\x00", 10), std::string("<svg xmlns='http://www.w3.org/2000/svg'/>"),
        std::string("<?php echo 'x'; ?>"), std::string("%PDF-1.7"), std::string("RIFF\0\0\0\0WEBPVP8 ", 16),
        std::string("\x7f" "ELF"), std::string("just text named photo.png")}) {
    auto info = SniffImage(bytes);
    ASSERT_FALSE(info.ok()) << bytes;
    EXPECT_EQ(info.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(info.error().field, "body");
  }
}

TEST(SniffImageTest, RefusesTruncatedPngHeadersAtEveryLength) {
  const std::string png = Png(640, 480);
  for (size_t n = 0; n < 8 + 8 + 13; ++n) {
    EXPECT_FALSE(SniffImage(png.substr(0, n)).ok()) << n;
  }
}

TEST(SniffImageTest, RefusesCorruptPngHeaders) {
  std::string wrong_chunk = Png(640, 480);
  wrong_chunk.replace(12, 4, "IDAT");
  EXPECT_FALSE(SniffImage(wrong_chunk).ok());
  std::string wrong_length = Png(640, 480);
  wrong_length.replace(8, 4, Be32(12));
  EXPECT_FALSE(SniffImage(wrong_length).ok());
  EXPECT_FALSE(SniffImage(Png(0, 480)).ok());
  EXPECT_FALSE(SniffImage(Png(640, 0)).ok());
  EXPECT_FALSE(SniffImage(Png(0x80000000u, 1)).ok());
}

TEST(SniffImageTest, RefusesTruncatedJpegsBeforeTheirFrameHeader) {
  const std::string jpeg = Jpeg(640, 480);
  const size_t frame_end = jpeg.find(std::string("\xFF\xDA", 2));
  ASSERT_NE(frame_end, std::string::npos);
  for (size_t n = 0; n < frame_end; ++n) {
    EXPECT_FALSE(SniffImage(jpeg.substr(0, n)).ok()) << n;
  }
  EXPECT_TRUE(SniffImage(jpeg.substr(0, frame_end)).ok());
}

TEST(SniffImageTest, RefusesCorruptJpegs) {
  // Scan data before any frame header.
  EXPECT_FALSE(SniffImage(std::string("\xFF\xD8") + Segment(0xDA, "\x01\x02") + "data").ok());
  // A segment length that runs past the end, or below its own two bytes.
  EXPECT_FALSE(SniffImage(std::string("\xFF\xD8\xFF\xE0\xFF\xF0JFIF", 10)).ok());
  EXPECT_FALSE(SniffImage(std::string("\xFF\xD8\xFF\xE0\x00\x01", 6)).ok());
  // Garbage where a marker belongs.
  EXPECT_FALSE(SniffImage(std::string("\xFF\xD8\xFF\xE0\x00\x04" "ab", 8) + "xyz").ok());
  // Zero dimensions.
  EXPECT_FALSE(SniffImage(Jpeg(0, 480)).ok());
  EXPECT_FALSE(SniffImage(Jpeg(640, 0)).ok());
  // A frame header too short to hold the dimensions.
  EXPECT_FALSE(SniffImage(std::string("\xFF\xD8") + Segment(0xC0, "\x08\x01")).ok());
}

// The bytes of a stored picture come back exactly as uploaded, whatever
// their values and whatever the length modulo 3 (the padding cases).
TEST(PictureBytesTest, EveryByteValueAndLengthRoundTrips) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (size_t n = 0; n <= all.size(); ++n) {
    const std::string bytes = all.substr(0, n);
    auto back = internal::DecodePictureBytes(internal::EncodePictureBytes(bytes));
    ASSERT_TRUE(back.ok()) << n << ": " << back.error().ToString();
    EXPECT_EQ(*back, bytes) << n;
  }
  const std::string png = Png(480, 480);
  EXPECT_EQ(*internal::DecodePictureBytes(internal::EncodePictureBytes(png)), png);
}

TEST(PictureBytesTest, WritesStandardPaddedBase64) {
  EXPECT_EQ(internal::EncodePictureBytes(""), "");
  EXPECT_EQ(internal::EncodePictureBytes("f"), "Zg==");
  EXPECT_EQ(internal::EncodePictureBytes("fo"), "Zm8=");
  EXPECT_EQ(internal::EncodePictureBytes("foo"), "Zm9v");
  EXPECT_EQ(internal::EncodePictureBytes("foobar"), "Zm9vYmFy");
  EXPECT_EQ(internal::EncodePictureBytes(std::string("\xFB\xFF", 2)), "+/8=");
}

TEST(PictureBytesTest, ADamagedStoredPictureIsAnInternalError) {
  for (const char* text : {"Zg=", "Zg=a", "Z===", "Zg==Zm9v", "Zm9*", "Zm9v\n", "====", "=Zm9"}) {
    auto back = internal::DecodePictureBytes(text);
    ASSERT_FALSE(back.ok()) << text;
    EXPECT_EQ(back.error().code, ErrorCode::kInternal) << text;
  }
}

// The upload route reads a picture as large as its field allows, and only
// that: the candy's printed picture takes 10 MB where other bodies stop at
// the server's limit.
TEST(UploadRoutesTest, TakeBodiesAsLargeAsThePictureFieldAllows) {
  Services services;
  Status loaded = LoadDemoProductModels(services);
  ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
  const config::PersonalizationField* picture = nullptr;
  for (const auto& f : services.product_models.Get()->by_id.at("candy")->model().personalization) {
    if (f.id == "picture") picture = &f;
  }
  ASSERT_NE(picture, nullptr);
  ASSERT_GT(picture->image.max_bytes, 1 << 20);
  Router router;
  RegisterUploadRoutes(router, services);
  auto head = [](const std::string& target) {
    Request r;
    r.method = "POST";
    EXPECT_TRUE(r.ParseTarget(target));
    return r;
  };
  std::optional<BodyLimit> candy = router.BodyLimitFor(head("/api/v1/uploads?model=candy&field=picture"));
  ASSERT_TRUE(candy.has_value());
  EXPECT_EQ(candy->bytes, static_cast<size_t>(picture->image.max_bytes));
  EXPECT_EQ(candy->what, picture->label);
  // Unknown model or field: the handler answers 4xx once the body is read,
  // which may be as large as any picture field allows.
  std::optional<BodyLimit> unknown = router.BodyLimitFor(head("/api/v1/uploads?model=nope&field=picture"));
  ASSERT_TRUE(unknown.has_value());
  EXPECT_EQ(unknown->bytes, static_cast<size_t>(picture->image.max_bytes));

  // Over the wire: a 2 MB upload is read whole; a body over the field's
  // limit is refused before it is read, naming the field.
  HttpServerOptions options;
  const std::string body(2 << 20, 'x');
  const std::string wire = "POST /api/v1/uploads?model=candy&field=picture HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n" + body;
  WireRequest read = ParseWireRequest(wire, options, &router);
  ASSERT_EQ(read.state, WireRequest::State::kComplete);
  EXPECT_EQ(read.request.body.size(), body.size());
  const std::string too_large = "POST /api/v1/uploads?model=candy&field=picture HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                std::to_string(picture->image.max_bytes + 1) + "\r\n\r\n";
  WireRequest refused = ParseWireRequest(too_large, options, &router);
  ASSERT_EQ(refused.state, WireRequest::State::kRejected);
  EXPECT_EQ(refused.response.status, 413);
  EXPECT_NE(refused.response.body.find(picture->label), std::string::npos) << refused.response.body;
}

}  // namespace
}  // namespace atelier::server
