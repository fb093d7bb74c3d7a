// POST /api/v1/uploads and GET /api/v1/uploads/{id}: personalization
// pictures (uploads.h).

#include <algorithm>
#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "atelier/server/auth.h"
#include "atelier/server/errors.h"
#include "atelier/server/json.h"
#include "atelier/server/uploads.h"
#include "internal/picture_bytes.h"

namespace atelier::server {

namespace {

namespace json = boost::json;

constexpr std::string_view kPngSignature = "\x89PNG\r\n\x1a\n";

uint32_t BigEndian32(std::string_view b, size_t at) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(b[at])) << 24) |
         (static_cast<uint32_t>(static_cast<unsigned char>(b[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(b[at + 2])) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 3]));
}

uint16_t BigEndian16(std::string_view b, size_t at) {
  return static_cast<uint16_t>((static_cast<unsigned char>(b[at]) << 8) | static_cast<unsigned char>(b[at + 1]));
}

Error NotAnImage(const std::string& why) {
  return Error::InvalidArgument("the upload is not a PNG or JPEG picture: " + why, "body");
}

// PNG: signature, then the IHDR chunk (length 13) with width and height
// (each 1 .. 2^31 - 1).
Result<ImageInfo> SniffPng(std::string_view b) {
  if (b.size() < kPngSignature.size() + 8 + 13) return NotAnImage("the PNG header is truncated");
  if (BigEndian32(b, 8) != 13 || b.substr(12, 4) != "IHDR") return NotAnImage("the PNG does not start with IHDR");
  const uint32_t width = BigEndian32(b, 16);
  const uint32_t height = BigEndian32(b, 20);
  if (width == 0 || height == 0 || width > 0x7fffffffu || height > 0x7fffffffu) {
    return NotAnImage("the PNG has impossible dimensions");
  }
  return ImageInfo{"image/png", static_cast<int>(std::min<uint32_t>(width, INT32_MAX)),
                   static_cast<int>(std::min<uint32_t>(height, INT32_MAX))};
}

// JPEG: SOI, then segments (0xFF, marker, 16-bit length including itself)
// up to the first start-of-frame (SOF0..SOF15 but DHT 0xC4, JPG 0xC8 and
// DAC 0xCC), whose payload holds precision, height, width.
Result<ImageInfo> SniffJpeg(std::string_view b) {
  size_t at = 2;
  while (true) {
    // Fill bytes (0xFF 0xFF ...) may precede a marker.
    if (at >= b.size() || static_cast<unsigned char>(b[at]) != 0xFF) {
      return NotAnImage(at >= b.size() ? "the JPEG ends before its frame header" : "the JPEG has a broken segment");
    }
    while (at < b.size() && static_cast<unsigned char>(b[at]) == 0xFF) ++at;
    if (at >= b.size()) return NotAnImage("the JPEG ends before its frame header");
    const unsigned marker = static_cast<unsigned char>(b[at++]);
    if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue;  // no length
    if (marker == 0xD9 || marker == 0xDA) return NotAnImage("the JPEG has no frame header before its data");
    if (at + 2 > b.size()) return NotAnImage("the JPEG ends inside a segment");
    const size_t length = BigEndian16(b, at);
    if (length < 2 || at + length > b.size()) return NotAnImage("the JPEG ends inside a segment");
    const bool frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (frame) {
      if (length < 8) return NotAnImage("the JPEG frame header is truncated");
      const int height = BigEndian16(b, at + 3);
      const int width = BigEndian16(b, at + 5);
      if (width == 0 || height == 0) return NotAnImage("the JPEG has impossible dimensions");
      return ImageInfo{"image/jpeg", width, height};
    }
    at += length;
  }
}

// "upl_" + 128 random bits in hex: unguessable, so an id alone reveals
// nothing, though ownership is still checked on every use.
std::string NewUploadId() {
  std::random_device random;
  std::string id = "upl_";
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 4; ++i) {
    const uint32_t word = random();
    for (int shift = 28; shift >= 0; shift -= 4) id += kHex[(word >> shift) & 15];
  }
  return id;
}

const config::PersonalizationField* FindImageField(const config::ProductModel& model, std::string_view id) {
  for (const config::PersonalizationField& f : model.personalization) {
    if (f.id == id && f.kind == config::PersonalizationField::Kind::kImage) return &f;
  }
  return nullptr;
}

// No picture body larger than this is read, whatever a model's field allows.
constexpr int64_t kLargestPictureBody = 32 << 20;

// The body limit of an upload, from its query alone: the named field's
// max_bytes, or (model or field unknown, answered 4xx once read) the largest
// any served picture field allows; nullopt when no model takes pictures.
std::optional<BodyLimit> PictureBodyLimit(Services& services, const Request& head) {
  auto registry = services.product_models.Get();
  if (!registry) return std::nullopt;
  auto limit_of = [](const config::PersonalizationField& f) {
    return BodyLimit{static_cast<size_t>(std::clamp<int64_t>(f.image.max_bytes, 0, kLargestPictureBody)), f.label};
  };
  if (auto it = registry->by_id.find(head.Query("model").value_or("")); it != registry->by_id.end()) {
    if (const auto* field = FindImageField(it->second->model(), head.Query("field").value_or(""))) {
      return limit_of(*field);
    }
  }
  std::optional<BodyLimit> largest;
  for (const auto& [id, compiled] : registry->by_id) {
    for (const config::PersonalizationField& f : compiled->model().personalization) {
      if (f.kind != config::PersonalizationField::Kind::kImage) continue;
      if (!largest || limit_of(f).bytes > largest->bytes) largest = BodyLimit{limit_of(f).bytes, "a picture"};
    }
  }
  return largest;
}

// True when an If-None-Match header value names `etag` (a list of tags,
// weak or strong, or "*").
bool ETagMatches(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view tag = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
    if (tag == "*" || tag == etag) return true;
  }
  return false;
}

Response Uploaded(const Upload& u) {
  json::object o;
  o["id"] = u.id;
  o["model_id"] = u.model_id;
  o["field"] = u.field;
  o["content_type"] = u.content_type;
  o["bytes"] = u.bytes;
  o["width"] = u.width;
  o["height"] = u.height;
  Response r = JsonResponse(o, 201);
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

}  // namespace

namespace internal {

namespace {
constexpr char kBase64Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The 6-bit value of a base64 character; -1 for any other.
int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}
}  // namespace

std::string EncodePictureBytes(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t n = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    out += kBase64Alphabet[(n >> 18) & 63];
    out += kBase64Alphabet[(n >> 12) & 63];
    out += kBase64Alphabet[(n >> 6) & 63];
    out += kBase64Alphabet[n & 63];
  }
  if (i < in.size()) {
    uint32_t n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kBase64Alphabet[(n >> 18) & 63];
    out += kBase64Alphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? kBase64Alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Result<std::string> DecodePictureBytes(std::string_view text) {
  const Error damaged = Error::Internal("a stored picture is damaged (not the base64 it was written as)");
  if (text.size() % 4 != 0) return damaged;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    // Padding: "xx==" or "xxx=", only in the last group.
    const size_t pad = text[i + 3] != '=' ? 0 : text[i + 2] == '=' ? 2 : 1;
    if (pad > 0 && !last) return damaged;
    uint32_t n = 0;
    for (size_t k = 0; k < 4; ++k) {
      const int v = k < 4 - pad ? Base64Value(text[i + k]) : 0;
      if (v < 0) return damaged;
      n = (n << 6) | static_cast<uint32_t>(v);
    }
    out += static_cast<char>((n >> 16) & 0xFF);
    if (pad < 2) out += static_cast<char>((n >> 8) & 0xFF);
    if (pad < 1) out += static_cast<char>(n & 0xFF);
  }
  return out;
}

}  // namespace internal

Result<ImageInfo> SniffImage(std::string_view bytes) {
  if (bytes.substr(0, kPngSignature.size()) == kPngSignature) return SniffPng(bytes);
  if (bytes.size() >= 3 && static_cast<unsigned char>(bytes[0]) == 0xFF &&
      static_cast<unsigned char>(bytes[1]) == 0xD8 && static_cast<unsigned char>(bytes[2]) == 0xFF) {
    return SniffJpeg(bytes);
  }
  return NotAnImage("its first bytes are neither a PNG nor a JPEG signature");
}

Result<Upload> FindUpload(store::Database& db, std::string_view id, int64_t account_id, const std::string& field_name) {
  ATELIER_ASSIGN_OR_RETURN(
      auto rows, db.Query("SELECT id, account_id, model_id, field, content_type, bytes, width, height FROM uploads "
                          "WHERE id = ? AND account_id = ?",
                          {std::string(id), account_id}));
  if (rows.empty()) return Error::NotFound("no uploaded picture \"" + std::string(id) + "\" of yours", field_name);
  Upload u;
  u.id = rows[0].Text(0);
  u.account_id = rows[0].Int(1);
  u.model_id = rows[0].Text(2);
  u.field = rows[0].Text(3);
  u.content_type = rows[0].Text(4);
  u.bytes = rows[0].Int(5);
  u.width = static_cast<int>(rows[0].Int(6));
  u.height = static_cast<int>(rows[0].Int(7));
  return u;
}

Status CheckPictureFits(const config::PersonalizationField& field, const Upload& upload, const std::string& field_name) {
  const config::ImageFieldSpec& spec = field.image;
  if (!spec.accepted_types.empty() &&
      std::find(spec.accepted_types.begin(), spec.accepted_types.end(), upload.content_type) ==
          spec.accepted_types.end()) {
    std::string list;
    for (const auto& t : spec.accepted_types) list += (list.empty() ? "" : ", ") + t;
    return Error::InvalidArgument(field.label + ": a " + upload.content_type + " picture is not accepted (" + list + ")",
                                  field_name);
  }
  if (upload.bytes > spec.max_bytes) {
    return Error::InvalidArgument(field.label + ": " + std::to_string(upload.bytes) + " bytes, at most " +
                                      std::to_string(spec.max_bytes) + " allowed",
                                  field_name);
  }
  if (upload.width < spec.min_width || upload.height < spec.min_height) {
    return Error::InvalidArgument(field.label + ": " + std::to_string(upload.width) + "x" +
                                      std::to_string(upload.height) + " pixels, at least " +
                                      std::to_string(spec.min_width) + "x" + std::to_string(spec.min_height) +
                                      " needed",
                                  field_name);
  }
  return Ok();
}

bool IsUploadId(std::string_view value) {
  if (value.size() != 36 || value.substr(0, 4) != "upl_") return false;
  for (char c : value.substr(4)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string PictureReference(const Upload& u) {
  return u.id + "|" + u.content_type + "|" + std::to_string(u.bytes) + "|" + std::to_string(u.width) + "x" +
         std::to_string(u.height);
}

Result<Upload> ParsePictureReference(std::string_view value, const std::string& field_name) {
  const Error bad = Error::InvalidArgument(
      "send the id of a picture uploaded for this field (POST /api/v1/uploads), not \"" + std::string(value) + "\"",
      field_name);
  std::vector<std::string_view> parts;
  while (true) {
    const size_t bar = value.find('|');
    parts.push_back(value.substr(0, bar));
    if (bar == std::string_view::npos) break;
    value.remove_prefix(bar + 1);
  }
  if (parts.size() != 4 || !IsUploadId(parts[0])) return bad;
  Upload u;
  u.id = std::string(parts[0]);
  u.content_type = std::string(parts[1]);
  const size_t x = parts[3].find('x');
  if (x == std::string_view::npos) return bad;
  auto number = [](std::string_view text, int64_t* out) {
    if (text.empty() || text.size() > 12) return false;
    int64_t n = 0;
    for (char c : text) {
      if (c < '0' || c > '9') return false;
      n = n * 10 + (c - '0');
    }
    *out = n;
    return true;
  };
  int64_t width = 0, height = 0;
  if (!number(parts[2], &u.bytes) || !number(parts[3].substr(0, x), &width) ||
      !number(parts[3].substr(x + 1), &height) || width > INT32_MAX || height > INT32_MAX) {
    return bad;
  }
  u.width = static_cast<int>(width);
  u.height = static_cast<int>(height);
  return u;
}

void RegisterUploadRoutes(Router& router, Services& services) {
  router.Post("/api/v1/uploads", [&services](Request& request) {
    if (!services.accounts || services.db == nullptr) {
      return ErrorResponse(Error::Unavailable("the buying services are not running"));
    }
    // Pictures belong to an account: a guest logs in first (a raw image
    // body cannot carry the JSON content type that guards guest writes).
    auto session = RequireSession(services, request);
    if (!session.ok()) return ErrorResponse(session.error());
    if (Status ok = CheckWrite(request, &*session); !ok.ok()) return ErrorResponse(ok.error());
    const std::string model_id(request.Query("model").value_or(""));
    const std::string field_id(request.Query("field").value_or(""));
    if (model_id.empty()) return ErrorResponse(Error::InvalidArgument("model is required", "model"));
    if (field_id.empty()) return ErrorResponse(Error::InvalidArgument("field is required", "field"));
    auto registry = services.product_models.Get();
    if (!registry) return ErrorResponse(Error::Unavailable("the product models are still loading"));
    auto it = registry->by_id.find(model_id);
    if (it == registry->by_id.end()) {
      return ErrorResponse(Error::NotFound("no product model with id \"" + model_id + "\"", "model"));
    }
    const config::PersonalizationField* field = FindImageField(it->second->model(), field_id);
    if (field == nullptr) {
      return ErrorResponse(
          Error::InvalidArgument("model \"" + model_id + "\" has no picture field \"" + field_id + "\"", "field"));
    }
    if (request.body.empty()) return ErrorResponse(Error::InvalidArgument("the upload is empty", "body"));
    if (static_cast<int64_t>(request.body.size()) > field->image.max_bytes) {
      return ErrorResponse(Error::TooLarge(field->label + ": " + std::to_string(request.body.size()) +
                                               " bytes, at most " + std::to_string(field->image.max_bytes) +
                                               " allowed",
                                           "body"));
    }
    auto info = SniffImage(request.body);
    if (!info.ok()) return ErrorResponse(info.error());
    Upload upload;
    upload.id = NewUploadId();
    upload.account_id = session->account.id;
    upload.model_id = model_id;
    upload.field = field_id;
    upload.content_type = info->content_type;
    upload.bytes = static_cast<int64_t>(request.body.size());
    upload.width = info->width;
    upload.height = info->height;
    if (Status fits = CheckPictureFits(*field, upload, "body"); !fits.ok()) return ErrorResponse(fits.error());
    const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    Status stored = services.db->Transact([&](store::Session& s) -> Status {
      ATELIER_RETURN_IF_ERROR(s.Exec(
          "INSERT INTO uploads (id, account_id, model_id, field, content_type, bytes, width, height, data, "
          "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {upload.id, upload.account_id, upload.model_id, upload.field, upload.content_type, upload.bytes,
           static_cast<int64_t>(upload.width), static_cast<int64_t>(upload.height),
           internal::EncodePictureBytes(request.body), now}));
      return Ok();
    });
    if (!stored.ok()) return ErrorResponse(stored.error());
    return Uploaded(upload);
  });
  // A picture may be larger than the server's body limit: it may be as large
  // as its field allows.
  router.SetBodyLimit("POST", "/api/v1/uploads",
                      [&services](const Request& head) { return PictureBodyLimit(services, head); });

  // GET: the picture back, for the cart, the order and the merchant's
  // order view. Only its owner's session, or a merchant key with scope
  // orders, reads it; anyone else gets the 404 an unknown id gets, so ids
  // reveal nothing. A picture never changes under its id, so the id is its
  // ETag.
  router.Get("/api/v1/uploads/{id}", [&services](Request& request) {
    if (!services.accounts || services.db == nullptr) {
      return ErrorResponse(Error::Unavailable("the buying services are not running"));
    }
    std::optional<int64_t> owner;  // nullopt: the merchant, who reads every picture
    if (request.Header("Authorization")) {
      auto key = RequireApiKey(services, request, orders::ApiScope::kOrders);
      if (!key.ok()) return ErrorResponse(key.error());
    } else {
      auto session = RequireSession(services, request);
      if (!session.ok()) return ErrorResponse(session.error());
      owner = session->account.id;
    }
    const std::string id(request.PathParam("id"));
    const Error not_found = Error::NotFound("no uploaded picture \"" + id + "\" of yours", "id");
    if (!IsUploadId(id)) return ErrorResponse(not_found);
    const std::string etag = "\"" + id + "\"";
    const bool cached = request.Header("If-None-Match") && ETagMatches(*request.Header("If-None-Match"), etag);
    // A revalidation needs no bytes; ownership is checked all the same.
    auto rows = owner ? services.db->Query(std::string("SELECT content_type") + (cached ? "" : ", data") +
                                               " FROM uploads WHERE id = ? AND account_id = ?",
                                           {id, *owner})
                      : services.db->Query(std::string("SELECT content_type") + (cached ? "" : ", data") +
                                               " FROM uploads WHERE id = ?",
                                           {id});
    if (!rows.ok()) return ErrorResponse(rows.error());
    if (rows->empty()) return ErrorResponse(not_found);
    Response r;
    r.content_type = (*rows)[0].Text(0);  // as sniffed at upload (the server adds nosniff)
    r.SetHeader("ETag", etag);
    r.SetHeader("Cache-Control", "private, max-age=3600");
    r.SetHeader("Vary", "Cookie, Authorization");
    if (cached) {
      r.status = 304;
      return r;
    }
    auto bytes = internal::DecodePictureBytes((*rows)[0].Text(1));
    if (!bytes.ok()) return ErrorResponse(bytes.error());
    r.status = 200;
    r.body = std::move(*bytes);
    return r;
  });
}

}  // namespace atelier::server
