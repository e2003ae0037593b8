/*
 * scenario_keys.h - every key of the scenario format, declared once.
 *
 * One list per section type (X-macros). Each line declares one key, and
 * from it come: the field of the section's struct (scenario.h), how the
 * loader reads, checks and defaults it (scenario_load.c), where it sits in
 * the parameter vector and how it is freed (keys.c), the key reference
 * docs/keys.md and the fuzzer's dictionary tests/fuzz/scenario.dict (both
 * written by tests/keys_doc.c, checked by `make test`). Adding a key is
 * one line here plus the code that uses it (docs/decisions.md item K1).
 *
 *   X(STORE, field, "key", DOMAIN, FLAGS, LO, HI, "default", DRAW, "meaning")
 *
 * STORE    what the value is, which decides the struct field:
 *            TEXT        free text                          char *field
 *            NAME        one name of [a-z0-9_]+             char *field
 *            PROVISION   the name of one provision          int field (its index; -1 none)
 *            PROVISIONS  provision names, in order          int *field, n_field
 *            DESTINATION `pool`, `mainstream` or a provision's name
 *                                                       int field (the provision's index, or
 *                                                       HN_CLOSE_POOL, HN_CLOSE_MAINSTREAM)
 *            SEGMENTS    segment names                      int *field, n_field
 *            INT, LONG, U64  a whole number in [LO, HI]     int / long / uint64_t field
 *            PARAM       a number, per-year list or distribution(s)   hn_param field
 *            FAMILY      a parameter for each NAME of a pattern key (exit.NAME)
 *                        or of a key feeding the same set; kept in fields the
 *                        section declares itself (keys.c, keys_family_FIELD)
 *            S251        a Section 251 line's code (scenario/s251.h)
 *                                                       int field (its index; HN_S251_NONE
 *                                                       when absent)
 *            PATH        a file, its path relative to the file that
                        names the key                      char *field (the path
                                                           resolved; NULL when absent)
            EXTENDS     read by scenario_raw.c; no field
 * field    the struct member (FAMILY: the family's name; EXTENDS: unused)
 * "key"    as written; a key ending in '.' is a pattern (exit.NAME)
 * DOMAIN   PARAM and FAMILY: PROBABILITY, COUNT, MONEY, RATE or BALANCE (MODEL.md
 *          section 2; the rules are scenario/domain.h); NONE otherwise
 * FLAGS    0 or HN_KEY_REQUIRED (must be present), HN_KEY_SINGLE (one value,
 *          not a per-year list), HN_KEY_WHOLE (constants are whole numbers),
 *          HN_KEY_NUMBER (numbers only, no distribution: a known figure),
 *          joined with |
 * LO, HI   INT, LONG, U64: the range; 0 otherwise
 * default  the value when the key is absent ("" with HN_KEY_REQUIRED). TEXT:
 *          the text, or NAME for the section's NAME, or the name of another
 *          key of the section for its value. INT, LONG, U64: the number.
 *          PARAM, FAMILY: a value as written ("0"), or a word for what the
 *          section's code does without it ("uncapped"), the parameter then
 *          being the constant 0 with `set` false. Others: "" (none).
 * DRAW     PARAM, FAMILY: the parameter's place among the section's
 *          parameters (1, 2, ...), which orders the parameter vector and the
 *          sampled inputs (and with them the sensitivity rows and the
 *          correlation matrix), so an existing key never changes it. The rows
 *          of one family share theirs. 0 for the other stores.
 * meaning  one line for docs/keys.md
 *
 * Rows are listed in the order of the key reference and of the "keys of"
 * part of unknown-key messages; keys are read in this order too, so of two
 * bad keys in a section the earlier row is reported.
 */
#ifndef HN_SCENARIO_KEYS_H
#define HN_SCENARIO_KEYS_H

/* FLAGS of a key. */
#define HN_KEY_REQUIRED 1u
#define HN_KEY_SINGLE   2u
#define HN_KEY_WHOLE    4u
#define HN_KEY_NUMBER   8u

/* clang-format off */

/*
 * `note`: free text about a section (what its figures rest on), which every
 * section with a key table may carry; declared once, listed in each table
 * (docs/decisions.md item I4).
 */
#define HN_NOTE_KEY(X) \
    X(TEXT, note, "note", NONE, 0, 0, 0, "", 0, \
      "free text about the section, shown on the Assumptions sheet and by `check`")

/* [scenario] (docs/decisions.md item 2). */
#define HN_SCENARIO_KEYS(X) \
    X(NAME,    name,          "name",          NONE,  HN_KEY_REQUIRED, 0, 0, "", 0, \
      "names the default output NAME.xlsx and the scenario's CSV rows") \
    X(TEXT,    title,         "title",         NONE,  0, 0, 0, "name", 0, "shown on every sheet") \
    X(TEXT,    authority,     "authority",     NONE,  0, 0, 0, "", 0, "the council, shown on every sheet") \
    HN_NOTE_KEY(X) \
    X(INT,     start_year,    "start_year",    NONE,  HN_KEY_REQUIRED, 1990, 2100, "", 0, \
      "the first academic year: 2020 labels the years 2020/21, 2021/22, ...") \
    X(INT,     years,         "years",         NONE,  0, 1, HN_MAX_YEARS, "5", 0, "academic years simulated") \
    X(INT,     terms,         "terms",         NONE,  0, 1, HN_MAX_TERMS, "3", 0, "steps per year") \
    X(LONG,    iterations,    "iterations",    NONE,  0, 1, 100000000, "10000", 0, \
      "Monte Carlo iterations (`--iterations` overrides)") \
    X(U64,     seed,          "seed",          NONE,  0, 0, UINT64_MAX, "1", 0, "random seed (`--seed` overrides)") \
    X(PARAM,   baseline_cost, "baseline_cost", MONEY, HN_KEY_REQUIRED | HN_KEY_SINGLE | HN_KEY_NUMBER, 0, 0, "", 1, \
      "pounds spent in the baseline year (the Baseline column), a known figure; not inflated") \
    X(PARAM,   budget,        "budget",        MONEY, 0, 0, 0, "none", 2, \
      "pounds per year; adds P(within budget); not inflated") \
    X(PARAM,   inflation,     "inflation",     RATE,  0, 0, 0, "0", 3, \
      "yearly rate applied to the model's money from year 2") \
    X(EXTENDS, extends,       "extends",       NONE,  0, 0, 0, "", 0, \
      "a parent scenario, its path relative to this file: its keys apply unless this file replaces them") \
    X(PATH,    history_file,  "history",       NONE,  0, 0, 0, "", 0, \
      "the council's observed figures (a CSV, MODEL.md section 9), its path relative to this file: shown beside the projection; what calibrate and backtest fit")

/* [demand.NAME]: a segment of at-risk pupils. */
#define HN_DEMAND_KEYS(X) \
    X(TEXT,       label,          "label",          NONE,        0, 0, 0, "NAME", 0, "shown in the outputs") \
    HN_NOTE_KEY(X) \
    X(PARAM,      referrals,      "referrals",      COUNT,       0, 0, 0, "0", 1, \
      "expected new at-risk pupils in year 1, or a per-year list") \
    X(PARAM,      growth,         "growth",         RATE,        0, 0, 0, "0", 2, \
      "yearly growth of referrals from year 2 (not with a per-year referrals list)") \
    X(PARAM,      initial,        "initial",        COUNT,       HN_KEY_SINGLE | HN_KEY_WHOLE, 0, 0, "0", 3, \
      "pupils waiting at the start") \
    X(PROVISIONS, route,          "route",          NONE,        0, 0, 0, "", 0, \
      "provisions offered in order: the first with a free place takes the pupil") \
    X(PARAM,      exclusion,      "exclusion",      PROBABILITY, 0, 0, 0, "0", 4, \
      "per term: a waiting pupil is permanently excluded") \
    X(PARAM,      resolve,        "resolve",        PROBABILITY, 0, 0, 0, "0", 5, \
      "per term: a waiting pupil's needs are met in school") \
    X(PARAM,      ehcna,          "ehcna",          PROBABILITY, 0, 0, 0, "0", 6, \
      "per term: an EHC needs assessment is requested for a waiting pupil") \
    X(PROVISIONS, excluded_route, "excluded_route", NONE,        0, 0, 0, "", 0, \
      "where excluded pupils go, in order; the last must be uncapped; required when exclusions can happen")

/* [provision.NAME]. */
#define HN_PROVISION_KEYS(X) \
    X(TEXT,      label,            "label",            NONE,        0, 0, 0, "NAME", 0, "shown in the outputs") \
    HN_NOTE_KEY(X) \
    X(TEXT,      kind,             "kind",             NONE,        0, 0, 0, "", 0, \
      "free text grouping provisions (\"placement\", \"outreach\")") \
    X(SEGMENTS,  serves,           "serves",           NONE,        0, 0, 0, "", 0, "the segments it takes") \
    X(PARAM,     places,           "places",           COUNT,       HN_KEY_WHOLE, 0, 0, "uncapped", 1, \
      "capacity at any one time, per year") \
    X(FAMILY,    initial,          "initial",          COUNT,       HN_KEY_SINGLE | HN_KEY_WHOLE, 0, 0, "0", 3, \
      "occupants at the start, of the first segment in `serves`") \
    X(FAMILY,    initial,          "initial.",         COUNT,       HN_KEY_SINGLE | HN_KEY_WHOLE, 0, 0, "0", 3, \
      "occupants at the start from segment NAME") \
    X(PARAM,     place_funding,    "place_funding",    MONEY,       0, 0, 0, "0", 4, \
      "pounds per commissioned place per year (the place funding)") \
    X(PARAM,     commissioned,     "commissioned",     COUNT,       0, 0, 0, "places", 2, \
      "commissioned places per year (0 when uncapped)") \
    X(PARAM,     cost_per_pupil,   "cost_per_pupil",   MONEY,       0, 0, 0, "0", 5, \
      "pounds of top-up per pupil-year of occupancy") \
    X(PARAM,     cost_per_start,   "cost_per_start",   MONEY,       0, 0, 0, "0", 6, "pounds per new start") \
    X(PARAM,     fixed_cost,       "fixed_cost",       MONEY,       0, 0, 0, "0", 7, "pounds per year") \
    X(PARAM,     income_per_pupil, "income_per_pupil", MONEY,       0, 0, 0, "0", 8, \
      "pounds of recoupment or contributions per pupil-year") \
    X(PARAM,     income_per_start, "income_per_start", MONEY,       0, 0, 0, "0", 9, \
      "pounds of recoupment or contributions per start") \
    X(FAMILY,    exit,             "exit.",            PROBABILITY, 0, 0, 0, "0", 11, \
      "per term: an occupant leaves to NAME: mainstream, left, excluded or a provision (in file order)") \
    X(PARAM,     ehcna,            "ehcna",            PROBABILITY, 0, 0, 0, "0", 10, \
      "per term: an EHC needs assessment is requested for an occupant") \
    X(PROVISION, overflow,         "overflow",         NONE,        0, 0, 0, "", 0, \
      "where a transfer in goes when this provision is full") \
    X(DESTINATION, on_close,       "on_close",         NONE,        0, 0, 0, "pool", 0, \
      "where the occupants go as a year whose `places` is 0 begins: pool (back to their segment's pool, still at risk), mainstream, or a provision (its overflow chain, else the pool)") \
    X(S251,      s251,             "s251",             NONE,        0, 0, 0, "", 0, \
      "the Section 251 line its money other than place funding is reported under in the DSG view (place funding always goes to 1.0.2)")

/* [cost.NAME] and [income.NAME]: money outside any provision. */
#define HN_MONEY_KEYS(X) \
    X(TEXT,  label,  "label",  NONE,  0, 0, 0, "NAME", 0, "shown in the outputs") \
    HN_NOTE_KEY(X) \
    X(PARAM, amount, "amount", MONEY, 0, 0, 0, "0", 1, "pounds per year") \
    X(S251,  s251,   "s251",   NONE,  0, 0, 0, "", 0, "the Section 251 line it is reported under in the DSG view")

/* [dsg]: the Dedicated Schools Grant view (MODEL.md section 8; docs/decisions.md "The DSG view"). */
#define HN_DSG_KEYS(X) \
    HN_NOTE_KEY(X) \
    X(PARAM, allocation,        "allocation",        MONEY,   HN_KEY_REQUIRED, 0, 0, "", 1, \
      "High Needs Block allocation, pounds per year (cash: not inflated)") \
    X(PARAM, allocation_growth, "allocation_growth", RATE,    0, 0, 0, "0", 2, \
      "yearly growth of the allocation from year 2 (only with one allocation value)") \
    X(PARAM, other_spend,       "other_spend",       MONEY,   0, 0, 0, "0", 3, \
      "pounds per year of High Needs spend the scenario does not model line by line (inflated like the model's money)") \
    X(PARAM, other_growth,      "other_growth",      RATE,    0, 0, 0, "0", 4, \
      "yearly growth of other_spend from year 2 (only with one other_spend value)") \
    X(S251,  other_s251,        "other_s251",        NONE,    0, 0, 0, "", 0, \
      "the Section 251 line other_spend is reported under") \
    X(PARAM, opening_balance,   "opening_balance",   BALANCE, HN_KEY_SINGLE, 0, 0, "0", 5, \
      "DSG reserve at the start of year 1, pounds: negative is a deficit") \
    X(PARAM, transfer_in,       "transfer_in",       MONEY,   0, 0, 0, "0", 6, \
      "pounds moved in from the Schools Block each year") \
    X(PARAM, deficit_limit,     "deficit_limit",     MONEY,   0, 0, 0, "none", 7, \
      "a cumulative deficit to stay within, pounds (positive); adds P(within the limit)") \
    X(PARAM, targets,           "targets",           BALANCE, 0, 0, 0, "none", 8, \
      "year-end balance targets, one a year (safety valve or recovery plan); adds P(on target)") \
    X(INT,   override_ends,     "override_ends",     NONE,    0, 2000, 2100, "", 0, \
      "the statutory override ends on 31 March of this year; the DSG view marks it")

/* clang-format on */

/* The struct field each STORE declares (used by scenario.h). */
#define HN_KEY_FIELD(store, field, ...) HN_KEY_FIELD_##store(field)
#define HN_KEY_FIELD_TEXT(f)            char *f;
#define HN_KEY_FIELD_NAME(f)            char *f;
#define HN_KEY_FIELD_PROVISION(f)       int f;
#define HN_KEY_FIELD_DESTINATION(f)     int f;
#define HN_KEY_FIELD_PROVISIONS(f) \
    int *f;                        \
    int n_##f;
#define HN_KEY_FIELD_SEGMENTS(f) \
    int *f;                      \
    int n_##f;
#define HN_KEY_FIELD_INT(f)   int f;
#define HN_KEY_FIELD_LONG(f)  long f;
#define HN_KEY_FIELD_U64(f)   uint64_t f;
#define HN_KEY_FIELD_PARAM(f) hn_param f;
#define HN_KEY_FIELD_PATH(f)  char *f;
#define HN_KEY_FIELD_S251(f)  int f;
#define HN_KEY_FIELD_FAMILY(f)
#define HN_KEY_FIELD_EXTENDS(f)

#endif
