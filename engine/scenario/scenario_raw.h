/*
 * scenario_raw.h - a scenario's sections and keys as written, after `extends`.
 *
 * The first stage of scenario_load: every file of the `extends` chain is
 * read (ini_reader), its section headers checked (known types, names of
 * [a-z0-9_]+ up to 32 characters, no duplicates) and its keys collected
 * (no duplicates, none outside a section). Then the chain is merged:
 * parent first, the child's keys replace the parent's key by key, new
 * sections are appended in the child's order, and `remove = true` drops an
 * inherited section (MODEL.md section 3, docs/decisions.md item 12). Each
 * key keeps the comment that cites it in its own file (decisions I3). What
 * the keys mean is the next stage's business (scenario_load.c).
 */
#ifndef HN_SCENARIO_RAW_H
#define HN_SCENARIO_RAW_H

#include <stdbool.h>
#include <stddef.h>

#include "base/hn_error.h"

/* Longest NAME in [type.NAME] (docs/decisions.md item 1). */
#define HN_MAX_NAME 32

/*
 * Most sections in a file (and after `extends`), and most keys in one
 * section: far above any real scenario, low enough that the duplicate
 * checks (linear searches) stay instant on a hostile file.
 */
#define HN_RAW_MAX_SECTIONS 1000
#define HN_RAW_MAX_KEYS     1000

/* One `key = value` as it stands after merging. */
typedef struct {
    char *key;
    char *value;      /* comments stripped, trimmed */
    char *comment;    /* its source: ini_file_comment in its own file; NULL when none */
    const char *file; /* the file it came from (points into raw_doc.sources) */
    int line;
} raw_key;

/* One section; keys in file order (a replaced key keeps the parent's place). */
typedef struct {
    char *name;       /* "scenario", "provision.secondary_pru", ... */
    const char *file; /* header of the last file in the chain that declares it */
    int line;
    raw_key *keys;
    int n_keys, cap_keys;
} raw_section;

/* A file read: the path as opened and the SHA-256 of its bytes. */
typedef struct {
    char *path;
    char sha256[65];
} raw_source;

/* The merged sections and every file read (the scenario file first, then its parents). */
typedef struct {
    raw_section *sections;
    int n_sections, cap_sections;
    raw_source *sources;
    int n_sources;
} raw_doc;

/*
 * Reads path and its `extends` chain and merges them into doc. HN_OK, or
 * HN_ERR_SCENARIO (also for a scenario file that cannot be opened) /
 * HN_ERR_IO (a read that fails) / HN_ERR_NOMEM with err filled and doc empty.
 * Free doc with raw_free.
 */
hn_status raw_load(const char *path, raw_doc *doc, hn_error *err);

/* Frees everything doc owns and empties it. */
void raw_free(raw_doc *doc);

/* A path named in file `from`: value itself when absolute, else relative to from's folder (new string; NULL on OOM). */
char *raw_path_beside(const char *from, const char *value);

/* The section called name, or NULL (points into doc). */
const raw_section *raw_find_section(const raw_doc *doc, const char *name);

/* The key called key in s, or NULL (points into s). */
const raw_key *raw_find_key(const raw_section *s, const char *key);

/* A piece of a string: n bytes from p (not terminated). */
typedef struct {
    const char *p;
    size_t n;
} raw_span;

/*
 * Splits a [correlation] key "a, b" at its first comma into its two parts,
 * trimmed of blanks (b is the whole rest, commas and all). False when the
 * key has no comma. In [correlation], keys naming the same pair in either
 * order are the same key: a duplicate within a file, a replacement through
 * `extends`.
 */
bool raw_pair_split(const char *key, raw_span *a, raw_span *b);

#endif
