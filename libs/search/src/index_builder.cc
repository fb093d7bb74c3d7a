// SearchIndex::Build writes every product of a catalog snapshot into a
// Xapian glass database laid out as internal/schema.h describes;
// SearchIndex::Update derives the index of a new snapshot from a copy of an
// existing one by rewriting only the documents of the products that differ.

#include <stdlib.h>
#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "atelier/catalog/types.h"
#include "atelier/core/strings.h"
#include "atelier/search/search_index.h"
#include "internal/document_tables.h"
#include "internal/match_set.h"
#include "internal/query_words.h"
#include "internal/reader_pool.h"
#include "internal/schema.h"

namespace atelier::search {
namespace internal {

// A private temporary directory of an index, removed with its contents when
// the last index using it goes.
class TemporaryDirectory {
 public:
  explicit TemporaryDirectory(std::string path) : path_(std::move(path)) {}
  ~TemporaryDirectory() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;

 private:
  const std::string path_;
};

}  // namespace internal

namespace {

namespace fs = std::filesystem;
using internal::kBrandPrefix;
using internal::kBrandTextPrefix;
using internal::kCategoryPrefix;
using internal::kIdPrefix;
using internal::kTitlePrefix;

Status ValidateOptions(const Options& options) {
  const auto& bounds = options.price_bucket_bounds;
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (bounds[i] <= 0 || (i > 0 && bounds[i] <= bounds[i - 1])) {
      return Error::InvalidArgument("price bucket bounds must be positive and ascending",
                                    "price_bucket_bounds");
    }
  }
  if (bounds.size() > 99) {
    return Error::InvalidArgument("at most 99 price bucket bounds", "price_bucket_bounds");
  }
  if (options.brand_facet_size < 0) {
    return Error::InvalidArgument("brand_facet_size must be >= 0", "brand_facet_size");
  }
  if (options.max_prefix_expansion < 1) {
    return Error::InvalidArgument("max_prefix_expansion must be >= 1", "max_prefix_expansion");
  }
  if (options.max_result_window < 1) {
    return Error::InvalidArgument("max_result_window must be >= 1", "max_result_window");
  }
  const FieldWeights& w = options.weights;
  for (int weight : {w.title, w.brand, w.category, w.description, w.attributes}) {
    if (weight < 0) return Error::InvalidArgument("field weights must be >= 0", "weights");
  }
  if (!(options.bm25.k1 >= 0) || !(options.bm25.b >= 0 && options.bm25.b <= 1)) {
    return Error::InvalidArgument("bm25 needs k1 >= 0 and b in [0, 1]", "bm25");
  }
  return Ok();
}

// Makes `dir` ready to hold a new index: created when missing; refused when it
// holds anything but a previous glass database (so a wrong path never wipes
// unrelated files).
Status PrepareDirectory(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) {
      return Error::InvalidArgument("'" + dir + "' is not a directory", "directory");
    }
    bool empty = fs::is_empty(dir, ec);
    if (!empty && !fs::exists(fs::path(dir) / "iamglass", ec)) {
      return Error::InvalidArgument(
          "'" + dir + "' is neither empty nor a search index; refusing to overwrite it", "directory");
    }
    return Ok();
  }
  fs::create_directories(dir, ec);
  if (ec) return Error::Unavailable("cannot create '" + dir + "': " + ec.message());
  return Ok();
}

Result<std::string> MakeTempDirectory() {
  std::error_code ec;
  fs::path base = fs::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string pattern = (base / "atelier-search-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return Error::Unavailable("cannot create a temporary directory under " + base.string());
  }
  return pattern;
}

// Calls add(text, wdf increment) for each text of `product` whose words go
// into the spelling dictionary: titles, brands, category names and text
// attributes (descriptions carry too many rare words and typos).
template <typename Add>
void ForEachSpellingText(const std::vector<const catalog::Category*>& path, const catalog::Product& product,
                         const FieldWeights& w, Add add) {
  add(product.title, w.title);
  add(product.brand, w.brand);
  for (const catalog::Category* category : path) add(category->name, w.category);
  // Text attributes (authors, colours, materials) are searched by name too.
  for (const catalog::Attribute& attribute : product.attributes) {
    if (const std::string* value = std::get_if<std::string>(&attribute.value)) {
      add(*value, w.attributes);
    }
  }
}

// Indexes one product. Free text of every field goes into the unprefixed
// space (plus stemmed Z terms) with the field's wdf increment; BM25 then
// favours the heavier fields.
// `spelling`: also add the words of ForEachSpellingText to the database's
// spelling dictionary (REQUIRES: then `text` has a database).
void IndexProduct(const catalog::CatalogSnapshot& catalog, const catalog::Product& product,
                  const Options& options, bool spelling, Xapian::TermGenerator& text, Xapian::Document& doc) {
  const FieldWeights& w = options.weights;
  text.set_document(doc);

  // set_flags(toggle, mask) sets flags to (old & mask) ^ toggle.
  text.set_flags(spelling ? Xapian::TermGenerator::FLAG_SPELLING : Xapian::TermGenerator::flags(0));
  const auto path = catalog.CategoryPath(product.category_id);
  ForEachSpellingText(path, product, w, [&](const std::string& field, int weight) {
    text.index_text_without_positions(field, static_cast<Xapian::termcount>(weight));
  });
  text.set_flags(Xapian::TermGenerator::flags(0));

  text.index_text_without_positions(product.description, w.description);
  for (const catalog::Attribute& attribute : product.attributes) {
    if (const bool* flag = std::get_if<bool>(&attribute.value)) {
      // A set flag ("waterproof") is a word of the product; a cleared one is not.
      if (*flag) text.index_text_without_positions(attribute.key, w.attributes);
    } else if (std::holds_alternative<double>(attribute.value)) {
      text.index_text_without_positions(catalog::AttributeText(attribute.value), w.attributes);
    }
  }

  // Field-specific copies for `title:` and `brand:` in the query text.
  text.index_text_without_positions(product.title, 1, kTitlePrefix);
  text.index_text_without_positions(product.brand, 1, kBrandTextPrefix);

  doc.add_boolean_term(kIdPrefix + std::to_string(product.id));
  if (!product.brand.empty()) {
    doc.add_boolean_term(kBrandPrefix + internal::LowerUtf8(product.brand));
    doc.add_value(internal::kBrandSlot, product.brand);
  }
  for (size_t depth = 0; depth < path.size(); ++depth) {
    doc.add_boolean_term(kCategoryPrefix + path[depth]->slug);
    if (depth < static_cast<size_t>(internal::kMaxCategoryDepth)) {
      doc.add_value(internal::CategorySlot(static_cast<int>(depth)), path[depth]->slug);
    }
  }
  doc.add_value(internal::kPriceSlot, Xapian::sortable_serialise(static_cast<double>(product.price.amount)));
  doc.add_value(internal::kPriceBucketSlot, internal::PriceBucketValue(internal::PriceBucket(
                                                product.price.amount, options.price_bucket_bounds)));
  doc.add_value(internal::kCreatedSlot, Xapian::sortable_serialise(static_cast<double>(product.created_at)));
}

// The words IndexProduct(spelling = true) adds to the spelling dictionary for
// `product`, each with how often (TermGenerator adds a word once per
// occurrence, as written, lower case).
std::vector<std::pair<std::string, Xapian::termcount>> SpellingWords(const catalog::CatalogSnapshot& catalog,
                                                                     const catalog::Product& product,
                                                                     const Options& options) {
  Xapian::TermGenerator text;
  text.set_stemming_strategy(Xapian::TermGenerator::STEM_NONE);
  Xapian::Document doc;
  text.set_document(doc);
  ForEachSpellingText(catalog.CategoryPath(product.category_id), product, options.weights,
                      [&](const std::string& field, int) { text.index_text_without_positions(field); });
  std::vector<std::pair<std::string, Xapian::termcount>> words;
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
    words.emplace_back(*it, it.get_wdf());
  }
  return words;
}

// Xapian's document length: the sum of the wdf of its terms.
double DocLength(const Xapian::Document& doc) {
  double length = 0;
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) length += it.get_wdf();
  return length;
}

// Rescales every wdf of `doc` by BM25's length normalisation (schema.h),
// `norm_length` standing for the average document length.
void NormaliseLength(Xapian::Document& doc, double norm_length, const Bm25Params& bm25) {
  const double relative_length = std::max(DocLength(doc) / norm_length, internal::kMinNormLength);
  const double factor = internal::kLengthScale / ((1 - bm25.b) + bm25.b * relative_length);
  std::vector<std::pair<std::string, Xapian::termcount>> terms;
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
    terms.emplace_back(*it, it.get_wdf());
  }
  doc.clear_terms();
  for (const auto& [term, wdf] : terms) {
    if (wdf == 0) {
      doc.add_boolean_term(term);
    } else {
      doc.add_term(term, static_cast<Xapian::termcount>(std::max<long long>(1, std::llround(wdf * factor))));
    }
  }
}

// The directory an index writes to: `requested` made ready (PrepareDirectory),
// or, when empty, a new private temporary directory (`owned` set).
Result<std::string> PlaceIndex(const std::string& requested,
                               std::shared_ptr<const internal::TemporaryDirectory>& owned) {
  if (!requested.empty()) {
    ATELIER_RETURN_IF_ERROR(PrepareDirectory(requested));
    return requested;
  }
  ATELIER_ASSIGN_OR_RETURN(std::string dir, MakeTempDirectory());
  owned = std::make_shared<const internal::TemporaryDirectory>(dir);
  return dir;
}

// Replaces whatever `to` holds (nothing, or a previous index) with a copy of
// the glass database in `from`. REQUIRES: no writer has `from` open.
Status CopyDatabase(const std::string& from, const std::string& to) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(to, ec)) fs::remove_all(entry.path(), ec);
  if (ec) return Error::Unavailable("cannot empty '" + to + "': " + ec.message());
  for (const auto& entry : fs::directory_iterator(from, ec)) {
    // The lock file belongs to the writer that made `from`.
    if (!entry.is_regular_file() || entry.path().filename() == "flintlock") continue;
    fs::copy_file(entry.path(), fs::path(to) / entry.path().filename(), fs::copy_options::overwrite_existing,
                  ec);
    if (ec) {
      return Error::Unavailable("cannot copy '" + entry.path().string() + "' to '" + to +
                                "': " + ec.message());
    }
  }
  if (ec) return Error::Unavailable("cannot read '" + from + "': " + ec.message());
  return Ok();
}

// True when indexes built with `a` and `b` write the same documents.
bool SameIndexing(const Options& a, const Options& b) {
  const FieldWeights &wa = a.weights, &wb = b.weights;
  return wa.title == wb.title && wa.brand == wb.brand && wa.category == wb.category &&
         wa.description == wb.description && wa.attributes == wb.attributes && a.bm25.k1 == b.bm25.k1 &&
         a.bm25.b == b.bm25.b && a.price_bucket_bounds == b.price_bucket_bounds &&
         a.normalise_length_at_build == b.normalise_length_at_build;
}

// True when both catalogs have the same category tree (ids, parents, slugs,
// names): a product's category path then depends on its category id alone.
bool SameCategories(const catalog::CatalogSnapshot& a, const catalog::CatalogSnapshot& b) {
  const auto &ca = a.categories(), &cb = b.categories();
  if (ca.size() != cb.size()) return false;
  for (size_t i = 0; i < ca.size(); ++i) {
    if (ca[i].id != cb[i].id || ca[i].parent_id != cb[i].parent_id || ca[i].slug != cb[i].slug ||
        ca[i].name != cb[i].name) {
      return false;
    }
  }
  return true;
}

// True when IndexProduct writes the same document for `a` of catalog `ca` as
// for `b` of `cb` (the fields it reads).
bool SameDocument(const catalog::CatalogSnapshot& ca, const catalog::Product& a,
                  const catalog::CatalogSnapshot& cb, const catalog::Product& b, bool same_categories) {
  if (a.id != b.id || a.title != b.title || a.description != b.description || a.brand != b.brand ||
      a.price.amount != b.price.amount || a.created_at != b.created_at || a.attributes != b.attributes) {
    return false;
  }
  if (same_categories) return a.category_id == b.category_id;
  const auto pa = ca.CategoryPath(a.category_id), pb = cb.CategoryPath(b.category_id);
  if (pa.size() != pb.size()) return false;
  for (size_t i = 0; i < pa.size(); ++i) {
    if (pa[i]->slug != pb[i]->slug || pa[i]->name != pb[i]->name) return false;
  }
  return true;
}

// Appends the terms of `doc` to `terms`.
void AppendTerms(const Xapian::Document& doc, std::vector<std::string>& terms) {
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) terms.push_back(*it);
}

// Removals leaving more than this fraction of the docids unused make
// Update() build in full (which numbers the documents densely again).
constexpr double kMaxUnusedDocids = 0.25;

}  // namespace

Result<std::shared_ptr<SearchIndex>> SearchIndex::BuildWhole(
    std::shared_ptr<const catalog::CatalogSnapshot> catalog, Options options) {
  ATELIER_RETURN_IF_ERROR(ValidateOptions(options));
  std::shared_ptr<SearchIndex> index(new SearchIndex());
  index->catalog_ = std::move(catalog);
  ATELIER_ASSIGN_OR_RETURN(index->directory_, PlaceIndex(options.directory, index->owned_directory_));
  index->options_ = std::move(options);
  const Options& opts = index->options_;
  const auto& products = index->catalog_->products();

  try {
    // The index is derived data (rebuilt from the store at will), so it
    // skips fsync. It keeps the termlist table, which Update() needs to
    // replace and delete documents.
    Xapian::WritableDatabase db(
        index->directory_, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_BACKEND_GLASS | Xapian::DB_NO_SYNC);
    // First pass: the average document length, for BM25's normalisation.
    if (opts.normalise_length_at_build) {
      Xapian::TermGenerator text;
      text.set_stemmer(Xapian::Stem("english"));
      double total = 0;
      for (const catalog::Product& product : products) {
        Xapian::Document doc;
        IndexProduct(*index->catalog_, product, opts, false, text, doc);
        total += DocLength(doc);
      }
      index->total_length_ = total;
      index->norm_length_ = internal::NormalisationLength(total, products.size());
    }
    Xapian::TermGenerator text;
    text.set_stemmer(Xapian::Stem("english"));
    text.set_database(db);
    for (size_t i = 0; i < products.size(); ++i) {
      Xapian::Document doc;
      IndexProduct(*index->catalog_, products[i], opts, true, text, doc);
      if (opts.normalise_length_at_build) NormaliseLength(doc, index->norm_length_, opts.bm25);
      Xapian::docid did = db.add_document(doc);
      // Search maps docid d back to products()[d - 1] (DocumentTables).
      if (did != i + 1) return Error::Internal("search index: unexpected document id");
    }
    index->CommitAndOpenReaders(db);
  } catch (const Xapian::Error& e) {
    return Error::Unavailable("search index at '" + index->directory_ + "': " + e.get_description());
  }
  std::vector<int32_t> documents(products.size());
  std::iota(documents.begin(), documents.end(), 0);
  index->Finish(std::move(documents));
  return index;
}

void SearchIndex::CommitAndOpenReaders(Xapian::WritableDatabase& db) {
  db.set_metadata("atelier.catalog_version", std::to_string(catalog_->version()));
  db.commit();
  db.close();
  readers_ = std::make_shared<ReaderPool>(directory_, static_cast<size_t>(options_.max_idle_readers));
  auto lease = readers_->Acquire();
}

Result<std::shared_ptr<const SearchIndex>> SearchIndex::Build(
    std::shared_ptr<const catalog::CatalogSnapshot> catalog, Options options) {
  ATELIER_ASSIGN_OR_RETURN(auto index, BuildWhole(std::move(catalog), std::move(options)));
  return std::shared_ptr<const SearchIndex>(std::move(index));
}

Result<std::shared_ptr<const SearchIndex>> SearchIndex::Update(
    const std::shared_ptr<const SearchIndex>& base, std::shared_ptr<const catalog::CatalogSnapshot> catalog,
    Options options) {
  ATELIER_RETURN_IF_ERROR(ValidateOptions(options));
  auto build_whole = [&](std::string reason) -> Result<std::shared_ptr<const SearchIndex>> {
    ATELIER_ASSIGN_OR_RETURN(auto index, BuildWhole(std::move(catalog), std::move(options)));
    index->derivation_.full_build_reason = std::move(reason);
    return std::shared_ptr<const SearchIndex>(std::move(index));
  };
  if (base == nullptr) return build_whole("no index to update");
  if (!options.directory.empty()) {
    std::error_code ec;
    if (fs::weakly_canonical(options.directory, ec) == fs::weakly_canonical(base->directory_, ec)) {
      return Error::InvalidArgument(
          "an update never writes over the index it starts from (readers may be using it)", "directory");
    }
  }
  if (!SameIndexing(base->options_, options)) return build_whole("the options index differently");

  // The documents to rewrite, found by product id. Kept products keep their
  // docids, new ones are appended, removed ones leave theirs unused.
  struct Edit {
    uint32_t docid = 0;
    const catalog::Product* before = nullptr;  // null: added
    const catalog::Product* after = nullptr;   // null: removed
  };
  const catalog::CatalogSnapshot& old_catalog = *base->catalog_;
  const internal::DocumentTables& old_tables = *base->tables_;
  const auto& old_products = old_catalog.products();
  const auto& products = catalog->products();
  std::vector<uint32_t> old_docid(old_products.size(), 0);
  for (size_t i = 0; i < old_tables.size(); ++i) {
    if (old_tables.product_index(i) >= 0) {
      old_docid[static_cast<size_t>(old_tables.product_index(i))] = static_cast<uint32_t>(i + 1);
    }
  }
  const bool same_categories = SameCategories(old_catalog, *catalog);
  std::vector<int32_t> documents(old_tables.size(), -1);
  std::vector<bool> kept(old_products.size(), false);
  std::vector<Edit> edits;
  Derivation derivation;
  derivation.incremental = true;
  uint32_t next_docid = static_cast<uint32_t>(old_tables.size()) + 1, last_docid = 0;
  bool in_docid_order = true;
  for (size_t i = 0; i < products.size(); ++i) {
    const catalog::Product& product = products[i];
    const catalog::Product* before = old_catalog.FindProduct(product.id);
    uint32_t docid = 0;
    if (before == nullptr) {
      docid = next_docid++;
      documents.push_back(static_cast<int32_t>(i));
      edits.push_back({docid, nullptr, &product});
      ++derivation.added;
    } else {
      const size_t old_index = static_cast<size_t>(before - old_products.data());
      docid = old_docid[old_index];
      kept[old_index] = true;
      documents[docid - 1] = static_cast<int32_t>(i);
      if (!SameDocument(old_catalog, *before, *catalog, product, same_categories)) {
        edits.push_back({docid, before, &product});
        ++derivation.changed;
      }
    }
    // Ties rank by docid, and a full build numbers in catalog order.
    if (docid <= last_docid) in_docid_order = false;
    last_docid = docid;
  }
  for (size_t i = 0; i < old_products.size(); ++i) {
    if (kept[i]) continue;
    edits.push_back({old_docid[i], &old_products[i], nullptr});
    ++derivation.removed;
  }
  if (!in_docid_order) return build_whole("a new product sorts before an indexed one");
  const size_t catalog_size = std::max(products.size(), old_products.size());
  if (static_cast<double>(edits.size()) >
      options.max_incremental_fraction * static_cast<double>(catalog_size)) {
    return build_whole(std::to_string(edits.size()) + " of " + std::to_string(catalog_size) +
                       " products differ");
  }
  if (static_cast<double>(documents.size() - products.size()) >
      kMaxUnusedDocids * static_cast<double>(documents.size())) {
    return build_whole("removals left too many docids unused");
  }

  std::shared_ptr<SearchIndex> index(new SearchIndex());
  index->catalog_ = std::move(catalog);
  index->options_ = std::move(options);
  index->derivation_ = std::move(derivation);
  index->total_length_ = base->total_length_;
  index->norm_length_ = base->norm_length_;
  const Options& opts = index->options_;
  if (edits.empty()) {
    // The same documents: share the database, its handles and postings.
    index->directory_ = base->directory_;
    index->owned_directory_ = base->owned_directory_;
    index->readers_ = base->readers_;
    index->postings_ = base->postings_;
    index->Finish(std::move(documents), base.get());
    return std::shared_ptr<const SearchIndex>(std::move(index));
  }

  std::vector<std::string> touched;  // terms of the documents before and after
  try {
    Xapian::TermGenerator text;
    text.set_stemmer(Xapian::Stem("english"));
    double total = base->total_length_;
    for (const Edit& edit : edits) {
      if (edit.before != nullptr) {
        Xapian::Document doc;
        IndexProduct(old_catalog, *edit.before, opts, false, text, doc);
        total -= DocLength(doc);
        AppendTerms(doc, touched);
      }
      if (edit.after != nullptr) {
        Xapian::Document doc;
        IndexProduct(*index->catalog_, *edit.after, opts, false, text, doc);
        total += DocLength(doc);
        AppendTerms(doc, touched);
      }
    }
    if (opts.normalise_length_at_build) {
      // Every unchanged document was normalised by the base's length.
      const double norm_length = internal::NormalisationLength(total, products.size());
      if (norm_length != base->norm_length_) {
        catalog = std::move(index->catalog_);
        options = std::move(index->options_);
        index.reset();
        return build_whole("the average document length moved to another step");
      }
      index->total_length_ = total;
    }
  } catch (const Xapian::Error& e) {
    return Error::Internal("search index update: " + e.get_description());
  }
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());

  ATELIER_ASSIGN_OR_RETURN(index->directory_, PlaceIndex(opts.directory, index->owned_directory_));
  ATELIER_RETURN_IF_ERROR(CopyDatabase(base->directory_, index->directory_));
  try {
    Xapian::WritableDatabase db(index->directory_,
                                Xapian::DB_OPEN | Xapian::DB_BACKEND_GLASS | Xapian::DB_NO_SYNC);
    Xapian::TermGenerator text;
    text.set_stemmer(Xapian::Stem("english"));
    text.set_database(db);
    for (const Edit& edit : edits) {
      if (edit.before != nullptr) {
        for (const auto& [word, count] : SpellingWords(old_catalog, *edit.before, opts)) {
          db.remove_spelling(word, count);
        }
      }
      if (edit.after == nullptr) {
        db.delete_document(edit.docid);
        continue;
      }
      Xapian::Document doc;
      IndexProduct(*index->catalog_, *edit.after, opts, true, text, doc);
      if (opts.normalise_length_at_build) NormaliseLength(doc, index->norm_length_, opts.bm25);
      if (edit.before != nullptr) {
        db.replace_document(edit.docid, doc);
      } else if (db.add_document(doc) != edit.docid) {
        return Error::Internal("search index update: unexpected document id");
      }
    }
    index->CommitAndOpenReaders(db);
  } catch (const Xapian::Error& e) {
    return Error::Unavailable("search index at '" + index->directory_ + "': " + e.get_description());
  }
  if (base->postings_) index->postings_ = base->postings_->Derive(touched);
  std::vector<uint32_t> rewritten;
  for (const Edit& edit : edits) rewritten.push_back(edit.docid - 1);
  index->Finish(std::move(documents), base.get(), rewritten);
  return std::shared_ptr<const SearchIndex>(std::move(index));
}

void SearchIndex::Finish(std::vector<int32_t> documents, const SearchIndex* base,
                         const std::vector<uint32_t>& rewritten) {
  if (base != nullptr) {
    tables_ = std::make_unique<internal::DocumentTables>(*base->tables_, *catalog_, std::move(documents),
                                                         rewritten, options_.price_bucket_bounds);
  } else {
    tables_ = std::make_unique<internal::DocumentTables>(*catalog_, std::move(documents),
                                                         options_.price_bucket_bounds);
  }
  if (!postings_) {
    postings_ = std::make_shared<internal::PostingCache>(options_.max_cached_postings,
                                                         options_.bm25.k1 * internal::kLengthScale);
  }
  catalog_facets_ = tables_->ToFacets(tables_->all(), static_cast<size_t>(options_.brand_facet_size),
                                      options_.price_bucket_bounds);
}

SearchIndex::~SearchIndex() {
  readers_.reset();  // close every handle before the directory may go
  owned_directory_.reset();
}

size_t SearchIndex::product_count() const { return catalog_->products().size(); }

}  // namespace atelier::search
