#include "atelier/catalog/import.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace atelier::catalog {
namespace {

const std::string kCases = std::string(ATELIER_SOURCE_DIR) + "/tests/cases/catalog/";

std::unique_ptr<store::Database> MemoryStore() {
  auto db = store::OpenDatabase("sqlite::memory:");
  EXPECT_TRUE(db.ok()) << db.error().ToString();
  return std::move(db).value();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string ErrorLines(const ImportReport& report) {
  std::string out;
  for (const auto& e : report.errors) out += e.ToString() + "\n";
  return out;
}

Result<ImportReport> ImportFile(const std::string& name, CatalogStore& store, ImportOptions options = {}) {
  std::ifstream in(kCases + name);
  EXPECT_TRUE(in.good()) << name;
  auto format = ImportFormatFromPath(name);
  EXPECT_TRUE(format.ok());
  return ImportCatalog(in, *format, store, options);
}

TEST(CatalogImportTest, ImportsEveryFieldOfAGoodCsv) {
  auto db = MemoryStore();
  CatalogStore store(*db);
  auto report = ImportFile("good.csv", store);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_TRUE(report->committed);
  EXPECT_EQ(report->rows, 5);
  EXPECT_EQ(report->imported, 5);
  EXPECT_TRUE(report->errors.empty());

  auto snap = store.Load().value();
  ASSERT_EQ(snap->products().size(), 5u);
  const Product* ps = snap->FindProductBySku("PS5-CTRL-BLK");
  ASSERT_NE(ps, nullptr);
  EXPECT_EQ(ps->title, "Sony DualSense Wireless Controller for PS5 – Midnight Black");
  EXPECT_EQ(ps->description, "Haptic feedback, adaptive triggers and a built-in microphone.");
  EXPECT_EQ(ps->brand, "Sony");
  EXPECT_EQ(ps->price, (Money{6999, "USD"}));
  EXPECT_EQ(ps->images, (std::vector<std::string>{"/static/img/video-games-consoles.svg",
                                                  "/static/img/controllers.svg"}));
  EXPECT_EQ(ps->attributes, (std::vector<Attribute>{{"platform", std::string("PlayStation 5")},
                                                    {"wireless", true},
                                                    {"battery_hours", 12.0},
                                                    {"colour", std::string("Midnight Black")}}));
  auto path = snap->CategoryPath(ps->category_id);
  ASSERT_EQ(path.size(), 2u);
  EXPECT_EQ(path[0]->name, "Video Games & Consoles");
  EXPECT_EQ(path[1]->name, "Controllers");

  // Empty currency takes the default; lower case is accepted; empty cells add no attribute.
  EXPECT_EQ(snap->FindProductBySku("PS5-CHARGE")->price.currency, "USD");
  EXPECT_EQ(snap->FindProductBySku("PS5-CHARGE")->FindAttribute("battery_hours"), nullptr);
  EXPECT_EQ(snap->FindProductBySku("XBX-CTRL-WHT")->price.currency, "USD");
  const Product* tablet = snap->FindProductBySku("TAB-ENGRAVED");
  EXPECT_EQ(tablet->model_id, "tablet-engraved");
  EXPECT_EQ(tablet->price, (Money{44900, "EUR"}));
  EXPECT_TRUE(snap->FindProductBySku("BOOK-DUNE-PB")->attributes.empty());
}

TEST(CatalogImportTest, ImportsAGoodJsonLinesFile) {
  auto db = MemoryStore();
  CatalogStore store(*db);
  auto report = ImportFile("good.jsonl", store);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_TRUE(report->committed);
  EXPECT_EQ(report->rows, 3);  // the blank line is not a row
  EXPECT_EQ(report->imported, 3);
  EXPECT_EQ(report->ignored_columns, std::vector<std::string>{"extra_field"});

  auto snap = store.Load().value();
  const Product* shoe = snap->FindProductBySku("SHOE-RUN-10W");
  ASSERT_NE(shoe, nullptr);
  EXPECT_EQ(shoe->price.amount, 12950);
  EXPECT_EQ(std::get<double>(shoe->FindAttribute("shoe_size")->value), 10.5);
  EXPECT_EQ(std::get<bool>(shoe->FindAttribute("waterproof")->value), false);
  EXPECT_EQ(std::get<std::string>(shoe->FindAttribute("width")->value), "W");
  const Product* candy = snap->FindProductBySku("CANDY-PRINTED");
  ASSERT_NE(candy, nullptr);
  EXPECT_EQ(candy->price.amount, 2400);
  EXPECT_EQ(candy->model_id, "printed-candy");
  EXPECT_EQ(snap->FindCategory(candy->category_id)->slug, "groceries-candy");
  EXPECT_EQ(snap->FindProductBySku("SUV-CONFIG")->price.amount, 3850000);
}

TEST(CatalogImportTest, ReportsEachBadCsvRowWithLineAndFieldAndImportsNothing) {
  auto db = MemoryStore();
  CatalogStore store(*db);
  auto report = ImportFile("bad.csv", store);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_FALSE(report->committed);
  EXPECT_EQ(report->rows, 9);
  EXPECT_EQ(report->bad_rows, 7);
  EXPECT_EQ(report->imported, 0);
  EXPECT_EQ(ErrorLines(*report), ReadFile(kCases + "bad.csv.expected"));
  EXPECT_TRUE(store.Load().value()->products().empty());
  EXPECT_EQ(store.Version().value(), 0);
}

TEST(CatalogImportTest, ReportsEachBadJsonLineAndImportsNothing) {
  auto db = MemoryStore();
  CatalogStore store(*db);
  auto report = ImportFile("bad.jsonl", store);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_FALSE(report->committed);
  EXPECT_EQ(ErrorLines(*report), ReadFile(kCases + "bad.jsonl.expected"));
  EXPECT_TRUE(store.Load().value()->products().empty());
}

TEST(CatalogImportTest, SkipBadImportsTheGoodRowsAndListsTheBadOnes) {
  auto db = MemoryStore();
  CatalogStore store(*db);
  ImportOptions options;
  options.skip_bad = true;
  options.batch_size = 1;  // several transactions
  auto report = ImportFile("bad.csv", store, options);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_TRUE(report->committed);
  EXPECT_EQ(report->imported, 2);
  EXPECT_EQ(report->bad_rows, 7);
  EXPECT_EQ(ErrorLines(*report), ReadFile(kCases + "bad.csv.expected"));
  auto snap = store.Load().value();
  EXPECT_EQ(snap->products().size(), 2u);
  EXPECT_NE(snap->FindProductBySku("DOG-FOOD-1"), nullptr);
  EXPECT_NE(snap->FindProductBySku("TOY-1"), nullptr);
  EXPECT_EQ(std::get<double>(snap->FindProductBySku("TOY-1")->FindAttribute("weight_kg")->value), 0.3);
}

TEST(CatalogImportTest, WritesInBatchesOfTheGivenSize) {
  auto db = MemoryStore();
  CatalogStore store(*db);
  std::stringstream csv;
  csv << "sku,title,category,price\n";
  for (int i = 0; i < 25; ++i) csv << "SKU-" << i << ",Item " << i << ",Toys > Blocks," << i << ".50\n";
  ImportOptions options;
  options.batch_size = 10;
  auto report = ImportCatalog(csv, ImportFormat::kCsv, store, options);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(report->imported, 25);
  // One catalog version per batch: 10 + 10 + 5.
  EXPECT_EQ(store.Version().value(), 3);
  EXPECT_EQ(store.Load().value()->FindProductBySku("SKU-7")->price.amount, 750);
}

TEST(CatalogImportTest, ReportsProgressByBytesOverBothPasses) {
  auto db = MemoryStore();
  CatalogStore store(*db);
  std::string text = "sku,title,category,price\n";
  for (int i = 0; i < 1000; ++i) text += "SKU-" + std::to_string(i) + ",Item,Toys,1.00\n";
  std::stringstream csv(text);
  std::vector<std::pair<int64_t, int64_t>> calls;
  ImportOptions options;
  options.progress = [&](int64_t done, int64_t total) { calls.emplace_back(done, total); };
  auto report = ImportCatalog(csv, ImportFormat::kCsv, store, options);
  ASSERT_TRUE(report.ok());
  ASSERT_GE(calls.size(), 4u);
  const int64_t total = 2 * static_cast<int64_t>(text.size());
  for (size_t i = 0; i < calls.size(); ++i) {
    EXPECT_EQ(calls[i].second, total);
    if (i > 0) {
      EXPECT_GE(calls[i].first, calls[i - 1].first);
    }
  }
  EXPECT_EQ(calls.back().first, total);
}

TEST(CatalogImportTest, RejectsAHeaderWithoutRequiredColumns) {
  auto db = MemoryStore();
  CatalogStore store(*db);
  std::stringstream csv("sku,title,price\nA,B,1.00\n");
  auto report = ImportCatalog(csv, ImportFormat::kCsv, store);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(report.error().field, "category");
}

TEST(CatalogImportTest, RejectsABadAttributeColumnName) {
  auto db = MemoryStore();
  CatalogStore store(*db);
  std::stringstream csv("sku,title,category,price,attr.heel-height\nA,B,Shoes,1.00,3\n");
  auto report = ImportCatalog(csv, ImportFormat::kCsv, store);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().field, "attr.heel-height");
}

TEST(CatalogImportTest, ReportsAnUnterminatedQuoteAsAFileError) {
  auto db = MemoryStore();
  CatalogStore store(*db);
  std::stringstream csv("sku,title,category,price\nA,\"never closed,Toys,1.00\n");
  auto report = ImportCatalog(csv, ImportFormat::kCsv, store);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.error().message.find("line 2"), std::string::npos) << report.error().message;
  EXPECT_TRUE(store.Load().value()->products().empty());
}

TEST(CatalogImportTest, LimitsTheDescribedErrorsButCountsAll) {
  auto db = MemoryStore();
  CatalogStore store(*db);
  std::stringstream csv;
  csv << "sku,title,category,price\n";
  for (int i = 0; i < 50; ++i) csv << "S" << i << ",T,Toys,abc\n";
  ImportOptions options;
  options.max_reported_errors = 3;
  auto report = ImportCatalog(csv, ImportFormat::kCsv, store, options);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->bad_rows, 50);
  ASSERT_EQ(report->errors.size(), 3u);
  EXPECT_EQ(report->errors[2].line, 4);
}

TEST(CatalogImportTest, UpsertsWhenTheSameFileIsImportedAgain) {
  auto db = MemoryStore();
  CatalogStore store(*db);
  ASSERT_TRUE(ImportFile("good.csv", store).ok());
  ASSERT_TRUE(ImportFile("good.csv", store).ok());
  EXPECT_EQ(store.Load().value()->products().size(), 5u);
}

TEST(CatalogImportTest, TellsTheFormatFromTheExtension) {
  EXPECT_EQ(ImportFormatFromPath("a/b.CSV").value(), ImportFormat::kCsv);
  EXPECT_EQ(ImportFormatFromPath("x.jsonl").value(), ImportFormat::kJsonLines);
  EXPECT_EQ(ImportFormatFromPath("x.ndjson").value(), ImportFormat::kJsonLines);
  EXPECT_FALSE(ImportFormatFromPath("x.xlsx").ok());
  EXPECT_EQ(ParseImportFormat("jsonl").value(), ImportFormat::kJsonLines);
  EXPECT_FALSE(ParseImportFormat("xml").ok());
}

}  // namespace
}  // namespace atelier::catalog
