#pragma once
// Personalization pictures: what an uploaded file really is, and the upload
// route that stores it for a cart line to name.
//
//   POST /api/v1/uploads?model=<model id>&field=<image field id>
//     body: the image bytes (any Content-Type; it is not trusted),
//     a logged-in session with its X-CSRF-Token.
//   201 {"id": "upl_...", "content_type": "image/png", "bytes": ..,
//        "width": .., "height": .., "model_id": .., "field": ..}
//   GET /api/v1/uploads/{id}
//     the picture back (its sniffed type, ETag = id) to its owner's session
//     or a merchant key with scope orders; anyone else gets 404.
//
// The type is sniffed from the magic bytes (PNG, JPEG; nothing else, whatever
// the name or the Content-Type say) and the dimensions read from the header
// (PNG IHDR, JPEG SOFn), then checked against the field's accepted types,
// max_bytes and minimum resolution. The bytes are stored in the `uploads`
// table (migration 5), owned by the account. A cart line names the picture
// by its id as the field's personalization value (AddToCart in
// buying_routes.cc resolves it: it must exist, belong to the caller, have
// been uploaded for that model's field and fit it) and then carries its
// PictureReference.
//
// Thread-safety: pure functions; the route uses thread-safe services.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "atelier/config/model.h"
#include "atelier/core/result.h"
#include "atelier/server/router.h"
#include "atelier/server/services.h"

namespace atelier::server {

struct ImageInfo {
  std::string content_type;  // "image/png" or "image/jpeg"
  int width = 0;
  int height = 0;
};

// What `bytes` is, from its content alone. Errors: kInvalidArgument (field
// "body") for anything but a PNG or JPEG whose header is complete and
// consistent (signature, IHDR first with its length, non-zero dimensions; a
// JPEG start marker and a SOFn segment before the scan).
Result<ImageInfo> SniffImage(std::string_view bytes);

// A stored upload's metadata.
struct Upload {
  std::string id;
  int64_t account_id = 0;
  std::string model_id;
  std::string field;
  std::string content_type;
  int64_t bytes = 0;
  int width = 0;
  int height = 0;
};

// The upload `id` when it belongs to `account_id`. Errors: kNotFound (field
// `field_name`) when unknown or another account's (never told apart).
Result<Upload> FindUpload(store::Database& db, std::string_view id, int64_t account_id, const std::string& field_name);

// Checks an upload against an image field's limits (type, bytes, minimum
// resolution). Errors: kInvalidArgument naming `field_name`.
Status CheckPictureFits(const config::PersonalizationField& field, const Upload& upload,
                        const std::string& field_name);

// How a cart line or order line holds a picture: the value of the image
// field, written only by the server once the upload is checked
// ("upl_<hex>|image/png|<bytes>|<width>x<height>"), so that pricing and
// validation read the picture's type, size and resolution without the store.
std::string PictureReference(const Upload& upload);
// The metadata of a PictureReference (id, content type, bytes, width,
// height). Errors: kInvalidArgument naming `field_name` for anything else.
Result<Upload> ParsePictureReference(std::string_view value, const std::string& field_name);

// An upload id as a client sends it: "upl_" and 32 lower-case hex digits.
bool IsUploadId(std::string_view value);

// POST /api/v1/uploads, GET /api/v1/uploads/{id}
void RegisterUploadRoutes(Router& router, Services& services);

}  // namespace atelier::server
