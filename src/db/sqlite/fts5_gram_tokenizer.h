// The "ms_gram" FTS5 tokenizer: free text of one or two characters as one
// index term (0010_asset_short_search.sql, table assets_short).
//
// A document's text (one field at a time: tokens never span two fields) is
// emitted as every code point and every pair of adjacent code points; a
// query's text is one token, the whole string. So a 1- or 2-character query
// is a single term lookup, whatever the field holds. Case is folded as
// SQLite's LIKE folds it: ASCII A–Z only, every other byte as it is (the
// list's LIKE and trigram paths see the same matches). Bytes that are not
// valid UTF-8 count as one character each (never read past the text).
#pragma once

#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace minsheng::db {

inline constexpr const char* kGramTokenizerName = "ms_gram";

// Registers the tokenizer on one connection (every connection the app opens
// does, before any statement: migrations and triggers need it). Returns an
// SQLite result code.
int RegisterGramTokenizer(sqlite3* db);

// The tokens the tokenizer emits for `text`, in order (query: as a MATCH
// phrase's text is tokenized). For tests.
std::vector<std::string> GramTokens(std::string_view text, bool query);

}  // namespace minsheng::db
