#include "atelier/server/static_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace atelier::server {
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("atelier-static-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    root_ = base_ / "dist";
    Write(root_ / "index.html", "<!doctype html><title>Atelier</title>");
    Write(root_ / "admin.html", "<!doctype html><title>Dashboard</title>");
    Write(root_ / "assets" / "app.3f9a1c.js", "console.log('plain')");
    Write(root_ / "assets" / "app.3f9a1c.js.gz", "GZIPPED");
    Write(root_ / "assets" / "style.77aa.css", "body{}");
    Write(root_ / "favicon.svg", "<svg/>");
    Write(base_ / "secret.txt", "top secret");
    fs::create_symlink(base_ / "secret.txt", root_ / "escape.txt");
    files_ = std::make_unique<StaticFiles>(root_.string());
  }
  void TearDown() override { fs::remove_all(base_); }

  Response Get(const std::string& path, const std::string& accept_encoding = "") {
    Request r;
    r.method = "GET";
    r.path = path;
    if (!accept_encoding.empty()) r.headers.emplace_back("Accept-Encoding", accept_encoding);
    return files_->Serve(r);
  }

  fs::path base_, root_;
  std::unique_ptr<StaticFiles> files_;
};

TEST_F(StaticFilesTest, ServesIndexWithNoCacheAndPageSecurityHeaders) {
  Response r = Get("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(*r.Header("Cache-Control"), "no-cache");
  ASSERT_TRUE(r.Header("Content-Security-Policy").has_value());
  EXPECT_NE(r.Header("Content-Security-Policy")->find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(*r.Header("X-Frame-Options"), "DENY");
}

TEST_F(StaticFilesTest, HashedAssetsAreImmutableWithTheirContentType) {
  Response js = Get("/assets/app.3f9a1c.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(*js.Header("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(js.body, "console.log('plain')");
  EXPECT_EQ(Get("/assets/style.77aa.css").content_type, "text/css; charset=utf-8");
  EXPECT_EQ(Get("/favicon.svg").content_type, "image/svg+xml");
}

TEST_F(StaticFilesTest, SendsThePrecompressedFileWhenGzipIsAccepted) {
  Response gz = Get("/assets/app.3f9a1c.js", "br, gzip, deflate");
  EXPECT_EQ(gz.body, "GZIPPED");
  EXPECT_EQ(*gz.Header("Content-Encoding"), "gzip");
  EXPECT_EQ(*gz.Header("Vary"), "Accept-Encoding");
  EXPECT_EQ(gz.content_type, "text/javascript; charset=utf-8");
  Response refused = Get("/assets/app.3f9a1c.js", "gzip;q=0");
  EXPECT_EQ(refused.body, "console.log('plain')");
  EXPECT_FALSE(refused.Header("Content-Encoding").has_value());
}

TEST_F(StaticFilesTest, ClientRoutesFallBackToIndex) {
  Response r = Get("/products/42");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<!doctype html><title>Atelier</title>");
  EXPECT_EQ(Get("/assets/missing.123.js").status, 404);
}

TEST_F(StaticFilesTest, DashboardRoutesFallBackToTheDashboardPage) {
  for (const char* path : {"/admin", "/admin/", "/admin/orders", "/admin/analytics/", "/admin.html"}) {
    Response r = Get(path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body, "<!doctype html><title>Dashboard</title>") << path;
    EXPECT_EQ(*r.Header("Cache-Control"), "no-cache") << path;
    EXPECT_NE(r.Header("Content-Security-Policy")->find("frame-ancestors 'none'"), std::string::npos) << path;
  }
  // Only the /admin tree: a storefront route that merely starts alike is not.
  EXPECT_EQ(Get("/administration").body, "<!doctype html><title>Atelier</title>");
  EXPECT_EQ(Get("/admin/missing.123.js").status, 404);
}

TEST_F(StaticFilesTest, ClientRoutesWithATrailingSlashFallBackToIndex) {
  Response r = Get("/products/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<!doctype html><title>Atelier</title>");
}

TEST_F(StaticFilesTest, RefusesTraversalPlainOrEncoded) {
  for (const char* path : {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
                           "/assets/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt", "/..%5csecret.txt",
                           "/assets\\..\\..\\secret.txt", "/.%2e/secret.txt", "/%00index.html", "/./index.html"}) {
    Response r = Get(path);
    EXPECT_EQ(r.status, 400) << path;
    EXPECT_EQ(r.body.find("top secret"), std::string::npos) << path;
  }
}

TEST_F(StaticFilesTest, DoesNotFollowSymlinksOutOfTheRoot) {
  Response r = Get("/escape.txt");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body.find("top secret"), std::string::npos);
}

TEST_F(StaticFilesTest, MissingRootAnswers404) {
  StaticFiles none((base_ / "no-such-dir").string());
  Request r;
  r.method = "GET";
  r.path = "/";
  EXPECT_EQ(none.Serve(r).status, 404);
}

TEST(StaticPathTest, MapsPathsToRelativeFiles) {
  EXPECT_EQ(*StaticFiles::SafeRelativePath("/"), "index.html");
  EXPECT_EQ(*StaticFiles::SafeRelativePath("/assets/app.js"), "assets/app.js");
  EXPECT_EQ(*StaticFiles::SafeRelativePath("/my%20file.txt"), "my file.txt");
  EXPECT_EQ(StaticFiles::SafeRelativePath("/a/../b").error().field, "path");
}

}  // namespace
}  // namespace atelier::server
