/*
 * keys.h - the key tables of scenario_keys.h as data, and what they drive.
 *
 * keys.c expands the X-macro lists of scenario/scenario_keys.h into one
 * table of hn_key per section type, with each key's field offset in its
 * section's struct, and the sections into keys_sections[]. From them come
 * the loader's reading of each key (scenario_load.c), the parameter vector
 * (keys_params: every parameter in drawing order, so its length is counted,
 * never written by hand), freeing (keys_free), and the key reference and
 * fuzz dictionary (tests/keys_doc.c).
 */
#ifndef HN_KEYS_H
#define HN_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario/scenario.h"

/* What a key's value is and how it is kept (STORE in scenario_keys.h). */
typedef enum {
    HN_KEY_TEXT,
    HN_KEY_NAME,
    HN_KEY_PROVISION,
    HN_KEY_PROVISIONS,
    HN_KEY_DESTINATION,
    HN_KEY_SEGMENTS,
    HN_KEY_INT,
    HN_KEY_LONG,
    HN_KEY_U64,
    HN_KEY_PARAM,
    HN_KEY_FAMILY,
    HN_KEY_PATH,
    HN_KEY_EXTENDS,
    HN_KEY_S251
} hn_key_store;

/*
 * A family of parameters kept in fields its section declares itself
 * (a provision's initial[] and exits[]): how many there are, the i-th, and
 * how to free them all. sc gives the counts the family depends on.
 */
typedef struct {
    int (*size)(const hn_scenario *sc, const void *obj);
    hn_param *(*param)(void *obj, int i);
    void (*free)(const hn_scenario *sc, void *obj);
} hn_key_family;

/* The families of scenario_keys.h, named keys_family_FIELD: initial[] and exits[] of a provision. */
extern const hn_key_family keys_family_initial;
extern const hn_key_family keys_family_exit;

/* One key: a row of scenario_keys.h. A table ends with a row whose key is NULL. */
typedef struct {
    const char *key; /* as written; ends in '.' for a pattern (exit.NAME) */
    hn_key_store store;
    int domain;      /* an hn_domain for PARAM and FAMILY; -1 otherwise */
    unsigned flags;  /* HN_KEY_REQUIRED, HN_KEY_SINGLE, HN_KEY_WHOLE, HN_KEY_NUMBER */
    uint64_t lo, hi; /* INT, LONG, U64: the range */
    const char *def; /* default, as scenario_keys.h describes */
    int draw;        /* PARAM, FAMILY: place among the section's parameters; 0 otherwise */
    const char *meaning;
    size_t off;                  /* offset of the field in the section's struct */
    size_t off_n;                /* PROVISIONS, SEGMENTS: offset of the n_ count */
    const hn_key_family *family; /* FAMILY */
} hn_key;

/* Section types, in the order their parameters are drawn. */
typedef enum {
    HN_SEC_SCENARIO,
    HN_SEC_DEMAND,
    HN_SEC_PROVISION,
    HN_SEC_COST,
    HN_SEC_INCOME,
    HN_SEC_DSG,
    HN_SEC__COUNT
} hn_sec;

/* A section type: how it is written, its keys, and where its objects are in hn_scenario. */
typedef struct {
    const char *prefix; /* "provision." ("scenario" for the one without a name) */
    const char *shown;  /* "[provision.*]" */
    const hn_key *keys;
    bool named;        /* [type.NAME] (or a single section, [dsg]): an array of objects; else the
                         scenario itself */
    size_t array_off;  /* named: offset of the array pointer in hn_scenario */
    size_t count_off;  /* named: offset of its int count */
    size_t size;       /* named: one object's size */
    size_t name_off;   /* named: offset of the object's char *name (the section's NAME) */
    const char *title; /* single: the section's words in parameter names ("DSG"); else NULL */
} hn_key_section;

/* True for a section written without NAME that appears at most once but, unlike [scenario],
 * is held as an array of 0 or 1 objects ([dsg]): ks->title is set. */
#define KEYS_SINGLE(ks) ((ks)->title != NULL)

extern const hn_key_section keys_sections[HN_SEC__COUNT];

/* Exit targets that are not provisions (docs/decisions.md item 1): exit.mainstream, ... */
typedef struct {
    const char *name;
    int target; /* HN_EXIT_* */
} hn_exit_target;

#define HN_N_EXIT_TARGETS 3
extern const hn_exit_target keys_exit_targets[HN_N_EXIT_TARGETS];

/* True for a pattern key (exit.NAME). */
bool keys_is_pattern(const hn_key *k);

/* True for a numeric key: PARAM or FAMILY. */
bool keys_is_param(const hn_key *k);

/* The row of table for key as written, or NULL. A pattern needs a non-empty NAME. */
const hn_key *keys_find(const hn_key *table, const char *key);

/* Type of a section called name (already checked by scenario_raw.c). */
hn_sec keys_section_type(const char *name);

/* How many objects of type t sc holds (1 for [scenario]). */
int keys_count(const hn_scenario *sc, hn_sec t);

/*
 * Gives sc a new zeroed array of n objects of named type t (room for one
 * more; the count stays as it is). False when memory runs out.
 */
bool keys_alloc(hn_scenario *sc, hn_sec t, int n);

/* The i-th object of type t in sc: an hn_segment, hn_provision, ... (sc itself for [scenario]). */
void *keys_object(hn_scenario *sc, hn_sec t, int i);

/* The field of key k in object obj. */
void *keys_field(void *obj, const hn_key *k);

/*
 * Every parameter of sc in drawing order: [scenario], the segments, the
 * provisions, the costs, the incomes, each section's in DRAW order (a
 * family's members in their own order). Writes them into out when it is
 * not NULL and returns how many.
 */
int keys_params(hn_scenario *sc, hn_param **out);

/*
 * Parameter `name` of sc ("SECTION.KEY", as hn_param.name) in words, into
 * buf: the section's `label` ("Scenario" for [scenario]), a colon, and the
 * key with blanks for '_' and a pattern key's NAME in brackets:
 * "BTA secondary PRU: cost per pupil", "BTA Midfield: exit (secondary pru)".
 * A name that names no section of sc is copied as it is.
 */
void keys_param_words(const hn_scenario *sc, const char *name, char *buf, size_t cap);

/*
 * What key k's value is, in words, into buf: "text", "a name of
 * `[a-z0-9_]+`", "provision NAMEs, separated by commas", "whole number, 1
 * to 10", "count, one value, whole numbers", ... (docs/keys.md's "value").
 */
void keys_describe_value(const hn_key *k, char *buf, size_t cap);

/*
 * Key k's default in words, into buf: "required", "none", "the value of
 * `places`", "NAME", a value as written in backticks ("`0`"), or the word
 * saying what the section does without it ("uncapped"); table is k's
 * section table (docs/keys.md's "default").
 */
void keys_describe_default(const hn_key *table, const hn_key *k, char *buf, size_t cap);

/* Frees what a parameter owns and zeroes it. */
void keys_param_free(hn_param *p);

/* Frees every section object of sc (their keys' fields, names and arrays). */
void keys_free(hn_scenario *sc);

#endif
