/*
 * scenario_raw.c - collecting sections and keys per file, and the
 * `extends` merge.
 *
 * Each file is parsed into its own raw_doc, whose one source owns the path
 * string that every key of the file points to. Merging moves the child's
 * sections, keys and source into the parent's doc, so no string is ever
 * copied twice and every pointer stays valid until raw_free.
 */
#include "scenario/scenario_raw.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/ini_reader.h"
#include "scenario/scenario.h"
#include "base/suggest.h"
#include "scenario/value_parse.h"

/* Deepest `extends` chain we follow (a loop is caught before this). */
#define MAX_EXTENDS_DEPTH 32

/* Section types; "scenario" stands alone, the others take ".NAME". */
static const char *const section_types[] = { "demand", "provision", "cost", "income" };
#define N_SECTION_TYPES ((int)(sizeof section_types / sizeof *section_types))

/* Most sections of each type (scenario.h; decisions item R1), in section_types order. */
static const int max_of_type[N_SECTION_TYPES] = { HN_MAX_SEGMENTS, HN_MAX_PROVISIONS,
                                                  HN_MAX_MONEY_LINES, HN_MAX_MONEY_LINES };

/* What the section lines may be; appended to section errors. */
#define VALID_SECTIONS                                                                       \
    "sections are [scenario], [demand.NAME], [provision.NAME], [cost.NAME], [income.NAME], " \
    "[correlation] and [dsg]"

/* Frees one section's strings and keys. */
static void section_free(raw_section *s)
{
    for (int i = 0; i < s->n_keys; i++) {
        free(s->keys[i].key);
        free(s->keys[i].value);
        free(s->keys[i].comment);
    }
    free(s->keys);
    free(s->name);
    memset(s, 0, sizeof *s);
}

void raw_free(raw_doc *doc)
{
    if (!doc) return;
    for (int i = 0; i < doc->n_sections; i++) section_free(&doc->sections[i]);
    free(doc->sections);
    for (int i = 0; i < doc->n_sources; i++) free(doc->sources[i].path);
    free(doc->sources);
    memset(doc, 0, sizeof *doc);
}

const raw_section *raw_find_section(const raw_doc *doc, const char *name)
{
    for (int i = 0; i < doc->n_sections; i++)
        if (!strcmp(doc->sections[i].name, name)) return &doc->sections[i];
    return NULL;
}

const raw_key *raw_find_key(const raw_section *s, const char *key)
{
    for (int i = 0; i < s->n_keys; i++)
        if (!strcmp(s->keys[i].key, key)) return &s->keys[i];
    return NULL;
}

/* Index of the section called name in doc, or -1. */
static int section_index(const raw_doc *doc, const char *name)
{
    for (int i = 0; i < doc->n_sections; i++)
        if (!strcmp(doc->sections[i].name, name)) return i;
    return -1;
}

/* Trims blanks from both ends of a span. */
static raw_span span_trim(const char *p, size_t n)
{
    while (n > 0 && (*p == ' ' || *p == '\t')) {
        p++;
        n--;
    }
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
    return (raw_span){ p, n };
}

bool raw_pair_split(const char *key, raw_span *a, raw_span *b)
{
    const char *comma = strchr(key, ',');
    if (!comma) return false;
    *a = span_trim(key, (size_t)(comma - key));
    *b = span_trim(comma + 1, strlen(comma + 1));
    return true;
}

/* True when two spans hold the same text. */
static bool span_eq(raw_span x, raw_span y)
{
    return x.n == y.n && !memcmp(x.p, y.p, x.n);
}

/* True when two [correlation] keys name the same pair, in either order and with any spacing. */
static bool same_pair(const char *k1, const char *k2)
{
    raw_span a1, b1, a2, b2;
    if (!raw_pair_split(k1, &a1, &b1) || !raw_pair_split(k2, &a2, &b2)) return !strcmp(k1, k2);
    return (span_eq(a1, a2) && span_eq(b1, b2)) || (span_eq(a1, b2) && span_eq(b1, a2));
}

/* True for the [correlation] section, whose keys are pairs of input names. */
static bool is_pair_section(const raw_section *s)
{
    return !strcmp(s->name, "correlation");
}

/* Index of key in s, or -1; in [correlation], the key naming the same pair. */
static int key_index(const raw_section *s, const char *key)
{
    bool pairs = is_pair_section(s);
    for (int i = 0; i < s->n_keys; i++)
        if (pairs ? same_pair(s->keys[i].key, key) : !strcmp(s->keys[i].key, key)) return i;
    return -1;
}

/* Appends a section (taking ownership of its contents); false when out of memory. */
static bool push_section(raw_doc *doc, raw_section *s)
{
    if (doc->n_sections == doc->cap_sections) {
        int cap = doc->cap_sections ? doc->cap_sections * 2 : 8;
        raw_section *t = realloc(doc->sections, (size_t)cap * sizeof *t);
        if (!t) return false;
        doc->sections = t;
        doc->cap_sections = cap;
    }
    doc->sections[doc->n_sections++] = *s;
    memset(s, 0, sizeof *s);
    return true;
}

/* Appends a key (taking ownership of k's strings); false when out of memory. */
static bool push_key(raw_section *s, raw_key *k)
{
    if (s->n_keys == s->cap_keys) {
        int cap = s->cap_keys ? s->cap_keys * 2 : 8;
        raw_key *t = realloc(s->keys, (size_t)cap * sizeof *t);
        if (!t) return false;
        s->keys = t;
        s->cap_keys = cap;
    }
    s->keys[s->n_keys++] = *k;
    memset(k, 0, sizeof *k);
    return true;
}

/* Parsing one file: the doc being filled, the path its keys point to, the file's comments. */
typedef struct {
    raw_doc *doc;
    const char *path;
    const ini_file *f;
} file_ctx;

/* Checks a section header's name (docs/decisions.md item 1). */
static hn_status check_section_name(const char *path, int line, const char *name, hn_error *err)
{
    size_t lead = strspn(name, " \t"), len = strlen(name);
    if (lead == len)
        return hn_error_at(err, path, line, NULL, NULL, "empty section name (%s)", VALID_SECTIONS);
    if (lead > 0 || name[len - 1] == ' ' || name[len - 1] == '\t') {
        size_t end = len;
        while (end > lead && (name[end - 1] == ' ' || name[end - 1] == '\t')) end--;
        int shown = hn_utf8_prefix(name + lead, (int)(end - lead < 100 ? end - lead : 100));
        return hn_error_at(err, path, line, name, NULL,
                           "section name [%s] has blanks inside the brackets; write [%.*s]", name,
                           shown, name + lead);
    }
    if (!strcmp(name, "scenario") || !strcmp(name, "correlation") || !strcmp(name, "dsg"))
        return HN_OK;
    const char *dot = strchr(name, '.');
    size_t tlen = dot ? (size_t)(dot - name) : strlen(name);
    char type[64];
    snprintf(type, sizeof type, "%.*s", (int)(tlen < 63 ? tlen : 63), name);
    int t = -1;
    for (int i = 0; i < N_SECTION_TYPES; i++)
        if (!strcmp(type, section_types[i])) t = i;
    if (t < 0) {
        const char *cands[N_SECTION_TYPES + 1];
        for (int i = 0; i < N_SECTION_TYPES; i++) cands[i] = section_types[i];
        cands[N_SECTION_TYPES] = dot ? NULL : "scenario";
        const char *near = suggest_best(type, cands, N_SECTION_TYPES + 1);
        if (near && !strcmp(near, "scenario"))
            return hn_error_at(err, path, line, name, NULL,
                               "unknown section [%s]; did you mean [scenario]? (%s)", name,
                               VALID_SECTIONS);
        if (near)
            return hn_error_at(err, path, line, name, NULL,
                               "unknown section [%s]; did you mean [%s%s]? (%s)", name, near,
                               dot ? dot : ".NAME", VALID_SECTIONS);
        return hn_error_at(err, path, line, name, NULL, "unknown section [%s] (%s)", name,
                           VALID_SECTIONS);
    }
    if (!dot)
        return hn_error_at(err, path, line, name, NULL,
                           "[%s] needs a name: write [%s.NAME], NAME of lowercase letters, "
                           "digits and '_'",
                           name, name);
    const char *nm = dot + 1;
    if (!value_is_name(nm))
        return hn_error_at(err, path, line, name, NULL,
                           "`%s` is not a valid name: a NAME in [%s.NAME] uses only lowercase "
                           "letters, digits and '_' (at most %d characters)",
                           nm, type, HN_MAX_NAME);
    if (strlen(nm) > HN_MAX_NAME)
        return hn_error_at(err, path, line, name, NULL,
                           "the name `%s` has %zu characters; at most %d are allowed", nm,
                           strlen(nm), HN_MAX_NAME);
    return HN_OK;
}

/* Length of the type part of a section name ("provision" in "provision.pru"). */
static size_t type_len(const char *name)
{
    const char *dot = strchr(name, '.');
    return dot ? (size_t)(dot - name) : strlen(name);
}

/*
 * Refuses adding section `name` (header at file:line) to doc when doc
 * already holds as many sections as allowed, or as many of its type
 * (decisions item R1). what says where they are counted, for the message.
 */
static hn_status check_room(const raw_doc *doc, const char *name, const char *file, int line,
                            const char *what, hn_error *err)
{
    if (doc->n_sections >= HN_RAW_MAX_SECTIONS)
        return hn_error_at(err, file, line, name, NULL, "too many sections: %s at most %d", what,
                           HN_RAW_MAX_SECTIONS);
    size_t tl = type_len(name);
    for (int t = 0; t < N_SECTION_TYPES; t++) {
        if (strlen(section_types[t]) != tl || strncmp(name, section_types[t], tl) != 0) continue;
        int n = 0;
        for (int i = 0; i < doc->n_sections; i++)
            if (type_len(doc->sections[i].name) == tl && !strncmp(doc->sections[i].name, name, tl))
                n++;
        if (n >= max_of_type[t])
            return hn_error_at(err, file, line, name, NULL,
                               "too many [%s.*] sections: %s at most %d (group similar ones "
                               "into one section)",
                               section_types[t], what, max_of_type[t]);
    }
    return HN_OK;
}

/* ini_reader callback: a section header. */
static hn_status on_section(void *user, const char *name, int line, hn_error *err)
{
    file_ctx *fc = user;
    hn_status st = check_section_name(fc->path, line, name, err);
    if (st != HN_OK) return st;
    const raw_section *prev = raw_find_section(fc->doc, name);
    if (prev)
        return hn_error_at(err, fc->path, line, name, NULL,
                           "duplicate section: [%s] is already on line %d (put all its keys "
                           "in one section)",
                           name, prev->line);
    if ((st = check_room(fc->doc, name, fc->path, line, "a scenario file has", err)) != HN_OK)
        return st;
    raw_section s;
    memset(&s, 0, sizeof s);
    s.name = strdup(name);
    s.file = fc->path;
    s.line = line;
    if (!s.name || !push_section(fc->doc, &s)) {
        free(s.name);
        return hn_error_set(err, HN_ERR_NOMEM, "%s: out of memory", fc->path);
    }
    return HN_OK;
}

/* ini_reader callback: a `key = value` line. */
static hn_status on_key(void *user, const char *section, const char *key, const char *value,
                        int line, hn_error *err)
{
    file_ctx *fc = user;
    if (!*section || fc->doc->n_sections == 0)
        return hn_error_at(err, fc->path, line, NULL, key,
                           "key outside any section: keys go under a section such as "
                           "[scenario] (%s)",
                           VALID_SECTIONS);
    raw_section *s = &fc->doc->sections[fc->doc->n_sections - 1];
    if (!*key)
        return hn_error_at(err, fc->path, line, s->name, NULL,
                           "a key is missing before `=` (write `key = value`)");
    if (s->n_keys >= HN_RAW_MAX_KEYS)
        return hn_error_at(err, fc->path, line, s->name, key,
                           "too many keys in one section: at most %d", HN_RAW_MAX_KEYS);
    int k = key_index(s, key);
    if (k >= 0 && is_pair_section(s))
        return hn_error_at(err, fc->path, line, s->name, key,
                           "the pair `%s` is already given on line %d (each pair appears once, "
                           "in either order)",
                           s->keys[k].key, s->keys[k].line);
    if (k >= 0)
        return hn_error_at(err, fc->path, line, s->name, key,
                           "duplicate key: already set on line %d (a key appears once per "
                           "section)",
                           s->keys[k].line);
    raw_key rk = { strdup(key), strdup(value), NULL, fc->path, line };
    hn_status st = ini_file_comment(fc->f, line, &rk.comment, err);
    if (st == HN_OK && rk.key && rk.value && push_key(s, &rk)) return HN_OK;
    free(rk.key);
    free(rk.value);
    free(rk.comment);
    return st != HN_OK ? st : hn_error_set(err, HN_ERR_NOMEM, "%s: out of memory", fc->path);
}

/* Reads and parses one file into a new doc (no merge). */
static hn_status load_one(const char *path, raw_doc *doc, hn_error *err)
{
    memset(doc, 0, sizeof *doc);
    ini_file f;
    hn_status st = ini_file_read(path, &f, err);
    if (st != HN_OK) return st;
    doc->sources = calloc(1, sizeof *doc->sources);
    if (!doc->sources) {
        ini_file_free(&f);
        return hn_error_set(err, HN_ERR_NOMEM, "%s: out of memory", path);
    }
    doc->n_sources = 1;
    doc->sources[0].path = f.path; /* the doc owns the path string from here on */
    memcpy(doc->sources[0].sha256, f.sha256, sizeof f.sha256);
    file_ctx fc = { doc, doc->sources[0].path, &f };
    st = ini_file_parse(&f, on_section, on_key, &fc, err);
    f.path = NULL;
    ini_file_free(&f);
    if (st != HN_OK) raw_free(doc);
    return st;
}

/*
 * Merges child into parent (parent becomes the result; child is emptied
 * and freed). parent_path is the parent file's path for messages, or NULL
 * when the child extends nothing (parent is then empty).
 */
static hn_status merge(raw_doc *parent, raw_doc *child, const char *parent_path, hn_error *err)
{
    hn_status st = HN_OK;
    for (int i = 0; i < child->n_sections && st == HN_OK; i++) {
        raw_section *cs = &child->sections[i];
        int r = key_index(cs, "remove");
        int p = section_index(parent, cs->name);
        if (r >= 0) {
            const raw_key *rk = &cs->keys[r];
            if (strcmp(rk->value, "true") != 0)
                st = hn_error_at(err, rk->file, rk->line, cs->name, "remove",
                                 "`remove` takes only `true` (to keep an inherited section, "
                                 "leave `remove` out)");
            else if (!strcmp(cs->name, "scenario"))
                st = hn_error_at(err, rk->file, rk->line, cs->name, "remove",
                                 "[scenario] cannot be removed (only [demand.*], [correlation], "
                                 "[provision.*], [cost.*], [income.*] and [dsg] sections can)");
            else if (cs->n_keys > 1) {
                const raw_key *other = &cs->keys[r == 0 ? 1 : 0];
                st = hn_error_at(err, other->file, other->line, cs->name, other->key,
                                 "a section with `remove = true` (line %d) takes no other "
                                 "keys",
                                 rk->line);
            } else if (p < 0 && parent_path)
                st = hn_error_at(err, rk->file, rk->line, cs->name, "remove",
                                 "the parent %s has no [%s] to remove", parent_path, cs->name);
            else if (p < 0)
                st = hn_error_at(err, rk->file, rk->line, cs->name, "remove",
                                 "`remove = true` drops a section inherited through "
                                 "`extends`, and this file extends nothing");
            else {
                section_free(&parent->sections[p]);
                memmove(&parent->sections[p], &parent->sections[p + 1],
                        (size_t)(parent->n_sections - p - 1) * sizeof *parent->sections);
                parent->n_sections--;
            }
            continue;
        }
        if (p < 0) {
            st = check_room(parent, cs->name, cs->file, cs->line,
                            "a scenario and the files it extends have", err);
            if (st == HN_OK && !push_section(parent, cs))
                st = hn_error_set(err, HN_ERR_NOMEM, "out of memory");
            continue;
        }
        raw_section *ps = &parent->sections[p];
        ps->file = cs->file;
        ps->line = cs->line;
        for (int k = 0; k < cs->n_keys && st == HN_OK; k++) {
            raw_key *ck = &cs->keys[k];
            int pk = key_index(ps, ck->key);
            if (pk >= 0) {
                raw_key *old = &ps->keys[pk];
                free(old->key);
                free(old->value);
                free(old->comment);
                *old = *ck;
                memset(ck, 0, sizeof *ck);
            } else if (ps->n_keys >= HN_RAW_MAX_KEYS) {
                st = hn_error_at(err, ck->file, ck->line, cs->name, ck->key,
                                 "too many keys in one section: a section and the ones it "
                                 "extends have at most %d together",
                                 HN_RAW_MAX_KEYS);
            } else if (!push_key(ps, ck)) {
                st = hn_error_set(err, HN_ERR_NOMEM, "out of memory");
            }
        }
    }
    if (st == HN_OK) {
        /* Sources: the child's first, then the parent's chain. */
        int n = child->n_sources + parent->n_sources;
        raw_source *src = malloc((size_t)n * sizeof *src);
        if (!src) {
            st = hn_error_set(err, HN_ERR_NOMEM, "out of memory");
        } else {
            memcpy(src, child->sources, (size_t)child->n_sources * sizeof *src);
            if (parent->n_sources)
                memcpy(src + child->n_sources, parent->sources,
                       (size_t)parent->n_sources * sizeof *src);
            free(parent->sources);
            free(child->sources);
            parent->sources = src;
            parent->n_sources = n;
            child->sources = NULL;
            child->n_sources = 0;
        }
    }
    if (st != HN_OK) {
        /* The message is already formatted; nothing reads the keys again. */
        raw_free(child);
        raw_free(parent);
        return st;
    }
    raw_free(child);
    return HN_OK;
}

/* A file on the `extends` chain being loaded, linked to the file that extends it. */
typedef struct chain {
    const char *path; /* as opened */
    char *real;       /* canonical path, for loop detection (may be NULL) */
    const struct chain *up;
} chain;

/* Builds the parent's path: value relative to the folder of child (a new string). */
char *raw_path_beside(const char *child, const char *value)
{
    if (value[0] == '/') return strdup(value);
    const char *slash = strrchr(child, '/');
    if (!slash) return strdup(value);
    size_t dlen = (size_t)(slash - child);
    size_t n = dlen + 1 + strlen(value) + 1;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%.*s/%s", (int)dlen, child, value);
    return p;
}

/* Error for an extends chain that comes back to `again`: "a.ini -> b.ini -> a.ini". */
static hn_status loop_error(const chain *c, const raw_key *ek, const char *again, hn_error *err)
{
    const chain *nodes[MAX_EXTENDS_DEPTH + 1];
    int n = 0;
    for (const chain *q = c; q && n < MAX_EXTENDS_DEPTH + 1; q = q->up) nodes[n++] = q;
    char msg[700];
    size_t len = 0;
    msg[0] = '\0';
    for (int i = n - 1; i >= 0 && len < sizeof msg; i--)
        len += (size_t)snprintf(msg + len, sizeof msg - len, "%s -> ", nodes[i]->path);
    if (len < sizeof msg) snprintf(msg + len, sizeof msg - len, "%s", again);
    hn_utf8_fit(msg, sizeof msg);
    return hn_error_at(err, ek->file, ek->line, "scenario", "extends",
                       "the extends chain loops (%s): a file cannot extend itself or a file "
                       "that extends it",
                       msg);
}

/* Loads path (one link of the chain `up`) and, recursively, its parents; merges into doc. */
static hn_status load_chain(const char *path, const chain *up, int depth, raw_doc *doc,
                            hn_error *err)
{
    raw_doc child;
    hn_status st = load_one(path, &child, err);
    if (st != HN_OK) return st;
    memset(doc, 0, sizeof *doc);

    const raw_section *sc = raw_find_section(&child, "scenario");
    const raw_key *ek = sc ? raw_find_key(sc, "extends") : NULL;
    if (!ek) return merge(doc, &child, NULL, err);

    if (!*ek->value) {
        st = hn_error_at(err, ek->file, ek->line, "scenario", "extends",
                         "no file named: write `extends = base.ini` (relative to this file's "
                         "folder), or leave `extends` out");
        raw_free(&child);
        return st;
    }
    if (depth >= MAX_EXTENDS_DEPTH) {
        st = hn_error_at(err, ek->file, ek->line, "scenario", "extends",
                         "the extends chain is longer than %d files", MAX_EXTENDS_DEPTH);
        raw_free(&child);
        return st;
    }
    chain me = { child.sources[0].path, realpath(path, NULL), up };
    char *ppath = raw_path_beside(path, ek->value);
    char *preal = ppath ? realpath(ppath, NULL) : NULL;
    if (!ppath) {
        st = hn_error_set(err, HN_ERR_NOMEM, "out of memory");
    } else if (!preal) {
        st = hn_error_at(err, ek->file, ek->line, "scenario", "extends",
                         "cannot open the parent scenario `%s` (looked for %s): %s", ek->value,
                         ppath, strerror(errno));
    } else {
        for (const chain *q = &me; q; q = q->up)
            if (q->real && !strcmp(q->real, preal)) {
                st = loop_error(&me, ek, ppath, err);
                break;
            }
    }
    if (st == HN_OK) {
        raw_doc parent;
        st = load_chain(ppath, &me, depth + 1, &parent, err);
        if ((st == HN_ERR_IO || st == HN_ERR_SCENARIO) && err->line == 0 &&
            !strcmp(err->file, ppath)) {
            /* The parent exists but cannot be opened or read: point at `extends`, and keep
             * the class of the failure, so that an unreadable parent exits with the same
             * status as an unreadable scenario (1 for a read error, 2 for a bad file). */
            char why[sizeof err->message];
            snprintf(why, sizeof why, "%s", err->message);
            hn_status cls = st;
            hn_error_at(err, ek->file, ek->line, "scenario", "extends",
                        "cannot read the parent scenario `%s`: %s", ek->value, why);
            err->status = st = cls;
        }
        if (st == HN_OK) {
            st = merge(&parent, &child, ppath, err);
            if (st == HN_OK) *doc = parent;
        } else {
            raw_free(&child);
        }
    } else {
        raw_free(&child);
    }
    free(preal);
    free(ppath);
    free(me.real);
    return st;
}

hn_status raw_load(const char *path, raw_doc *doc, hn_error *err)
{
    memset(doc, 0, sizeof *doc);
    return load_chain(path, NULL, 0, doc, err);
}
