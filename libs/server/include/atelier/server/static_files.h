#pragma once
// The built storefront (web/dist) served from a directory.
//
//  - Content types by extension; `X-Content-Type-Options: nosniff`.
//  - Files under /assets/ have hashed names: cached for a year, immutable.
//    Everything else (index.html) is `no-cache`.
//  - When the client accepts gzip and "<file>.gz" exists next to the file,
//    that is sent with `Content-Encoding: gzip` (`Vary: Accept-Encoding`).
//  - No path traversal: a path with a ".." or "." segment, a backslash, a NUL
//    or an encoded '/' (raw or percent-encoded) is refused with 400; symlinks
//    are not followed out of the root.
//  - A path without a file extension that names no file gets index.html (the
//    storefront's client-side routes), or admin.html for /admin and /admin/*
//    (the merchant dashboard's); a missing file with an extension 404s.
//  - HTML answers carry the page security headers (CSP with
//    frame-ancestors 'none', X-Frame-Options, Referrer-Policy).
//
// Thread-safety: immutable after construction; Serve() may run concurrently.

#include <string>
#include <string_view>

#include "atelier/core/result.h"
#include "atelier/server/http.h"
#include "atelier/server/router.h"

namespace atelier::server {

class StaticFiles {
 public:
  // `root` need not exist (no storefront built): every path then 404s.
  explicit StaticFiles(std::string root);

  Response Serve(const Request& request) const;

  // The file path relative to the root for a raw (percent-encoded) request
  // path: "/" -> "index.html", "/assets/app.js" -> "assets/app.js".
  // Errors: kInvalidArgument (field "path") for a traversal attempt or a
  // malformed escape.
  static Result<std::string> SafeRelativePath(std::string_view raw_path);

  // "text/html; charset=utf-8" for "index.html", ...
  static std::string_view ContentTypeFor(std::string_view file_name);

 private:
  std::string root_;  // canonical, without a trailing '/'; empty when absent
};

// The page security headers (CSP, X-Frame-Options, Referrer-Policy).
void AddPageSecurityHeaders(Response& response);

// Serves `root` as the router's fallback.
void RegisterStaticFiles(Router& router, std::string root);

}  // namespace atelier::server
