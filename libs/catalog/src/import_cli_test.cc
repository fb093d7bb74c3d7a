// Runs the built `atelier` binary on the import fixtures. Skipped when the
// binary has not been built (it links every module, so it can lag behind
// the catalog library while other modules are in progress).

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "atelier/catalog/catalog_store.h"

namespace atelier::catalog {
namespace {

// $ATELIER_CLI overrides the binary under test.
const std::string kBinary = std::getenv("ATELIER_CLI") != nullptr
                                ? std::getenv("ATELIER_CLI")
                                : std::string(ATELIER_BINARY_DIR) + "/bin/atelier";
const std::string kCases = std::string(ATELIER_SOURCE_DIR) + "/tests/cases/catalog/";

struct RunResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

RunResult RunAtelier(const std::string& args) {
  RunResult r;
  std::string command = kBinary + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
  int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class ImportCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kBinary)) GTEST_SKIP() << kBinary << " is not built";
    char tmpl[] = "/tmp/atelier-import-cli-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  size_t ProductCount() {
    auto db = store::OpenDatabase("sqlite://" + dir_ + "/atelier.db");
    EXPECT_TRUE(db.ok()) << db.error().ToString();
    return CatalogStore(**db).Load().value()->products().size();
  }

  std::string dir_;
};

TEST_F(ImportCliTest, ImportsAGoodFileAndSaysHowMany) {
  RunResult r = RunAtelier("import catalog " + kCases + "good.csv --data-dir " + dir_);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("imported 5 products"), std::string::npos) << r.output;
  EXPECT_EQ(ProductCount(), 5u);
}

TEST_F(ImportCliTest, FailsWithTheBadRowsListedAndImportsNothing) {
  RunResult r = RunAtelier("import catalog " + kCases + "bad.csv --data-dir " + dir_);
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("bad.csv:4: price: bad price \"abc\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("bad.csv:3: sku: missing sku"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("nothing was imported"), std::string::npos) << r.output;
  EXPECT_EQ(ProductCount(), 0u);
}

TEST_F(ImportCliTest, SkipBadImportsTheGoodRows) {
  RunResult r = RunAtelier("import catalog " + kCases + "bad.jsonl --skip-bad --data-dir " + dir_);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("skipped 7 bad rows"), std::string::npos) << r.output;
  EXPECT_EQ(ProductCount(), 1u);
}

TEST_F(ImportCliTest, ForcedFormatOverridesTheExtension) {
  std::filesystem::copy_file(kCases + "good.jsonl", dir_ + "/products.txt");
  RunResult r = RunAtelier("import catalog " + dir_ + "/products.txt --format jsonl --data-dir " + dir_);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(ProductCount(), 3u);
  RunResult unknown = RunAtelier("import catalog " + dir_ + "/products.txt --data-dir " + dir_);
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.output.find("--format"), std::string::npos) << unknown.output;
}

}  // namespace
}  // namespace atelier::catalog
