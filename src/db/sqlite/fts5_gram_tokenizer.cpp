#include "db/sqlite/fts5_gram_tokenizer.h"

#include <sqlite3.h>

#include <cstddef>
#include <cstring>

namespace minsheng::db {
namespace {

// Length in bytes of the character at text[i]: a well-formed UTF-8 sequence,
// else 1 (a stray or truncated byte is a character of its own).
size_t CharLength(const unsigned char* text, size_t size, size_t i) {
  const unsigned char lead = text[i];
  size_t n = 1;
  if (lead >= 0xC2 && lead <= 0xDF) {
    n = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    n = 3;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    n = 4;
  }
  if (n == 1 || i + n > size) return 1;
  for (size_t k = 1; k < n; ++k) {
    if ((text[i + k] & 0xC0) != 0x80) return 1;
  }
  return n;
}

// Emits text[start, end) case-folded (ASCII only) as one token.
int Emit(void* ctx, int (*token)(void*, int, const char*, int, int, int), const unsigned char* text, size_t start,
         size_t end, std::string& buf) {
  buf.assign(reinterpret_cast<const char*>(text) + start, end - start);
  for (char& ch : buf) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return token(ctx, 0, buf.data(), static_cast<int>(buf.size()), static_cast<int>(start), static_cast<int>(end));
}

// One function for SQLite and the tests: calls token(ctx, …) per token.
int Tokenize(void* ctx, int flags, const char* raw, int raw_size,
             int (*token)(void*, int, const char*, int, int, int)) {
  if (raw == nullptr || raw_size <= 0) return SQLITE_OK;
  const auto* text = reinterpret_cast<const unsigned char*>(raw);
  const auto size = static_cast<size_t>(raw_size);
  std::string buf;
  if ((flags & FTS5_TOKENIZE_QUERY) != 0) return Emit(ctx, token, text, 0, size, buf);
  size_t i = 0;
  while (i < size) {
    const size_t first = CharLength(text, size, i);
    int rc = Emit(ctx, token, text, i, i + first, buf);
    if (rc != SQLITE_OK) return rc;
    if (i + first < size) {
      const size_t second = CharLength(text, size, i + first);
      rc = Emit(ctx, token, text, i, i + first + second, buf);
      if (rc != SQLITE_OK) return rc;
    }
    i += first;
  }
  return SQLITE_OK;
}

// The tokenizer keeps no state: every instance is this one object.
int g_instance = 0;

int Create(void* /*context*/, const char** /*args*/, int arg_count, Fts5Tokenizer** out) {
  if (arg_count != 0) return SQLITE_ERROR;
  *out = reinterpret_cast<Fts5Tokenizer*>(&g_instance);
  return SQLITE_OK;
}

void Delete(Fts5Tokenizer* /*tokenizer*/) {}

int TokenizeForSqlite(Fts5Tokenizer* /*tokenizer*/, void* ctx, int flags, const char* text, int size,
                      int (*token)(void*, int, const char*, int, int, int)) {
  return Tokenize(ctx, flags, text, size, token);
}

}  // namespace

int RegisterGramTokenizer(sqlite3* db) {
  // fts5_api comes from "SELECT fts5(?1)" with a pointer bound to it.
  fts5_api* api = nullptr;
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return rc;
  rc = sqlite3_bind_pointer(stmt, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(stmt);
    rc = rc == SQLITE_ROW ? SQLITE_OK : rc;
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_OK) return rc;
  if (api == nullptr || api->iVersion < 2) return SQLITE_ERROR;
  fts5_tokenizer tokenizer{Create, Delete, TokenizeForSqlite};
  return api->xCreateTokenizer(api, kGramTokenizerName, nullptr, &tokenizer, nullptr);
}

std::vector<std::string> GramTokens(std::string_view text, bool query) {
  std::vector<std::string> out;
  const auto collect = [](void* ctx, int /*flags*/, const char* token, int size, int /*start*/, int /*end*/) {
    static_cast<std::vector<std::string>*>(ctx)->emplace_back(token, static_cast<size_t>(size));
    return SQLITE_OK;
  };
  (void)Tokenize(&out, query ? FTS5_TOKENIZE_QUERY : FTS5_TOKENIZE_DOCUMENT, text.data(),
                 static_cast<int>(text.size()), collect);
  return out;
}

}  // namespace minsheng::db
