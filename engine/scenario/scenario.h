/*
 * scenario.h - a validated scenario: what the engine simulates.
 *
 * scenario_load() reads an INI file (and its `extends` chain), checks every
 * rule of MODEL.md sections 2 and 3, and returns this structure. Nothing
 * here is raw text any more except labels and the audit trail (sources and
 * entries) that the writers show. The engine never sees an invalid scenario.
 */
#ifndef HN_SCENARIO_H
#define HN_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>

#include "scenario/dist.h"
#include "base/hn_error.h"

#define HN_MAX_YEARS 20
#define HN_MAX_TERMS 6

/*
 * Limits on what a scenario may describe (docs/reliability.md, decisions
 * items R1-R3): beyond them a run could take hours, or counts would leave
 * the range the random draws handle exactly. The loader refuses a scenario
 * that passes one, naming the key or section.
 */
#define HN_MAX_PROVISIONS  100  /* [provision.*] sections */
#define HN_MAX_SEGMENTS    30   /* [demand.*] sections */
#define HN_MAX_MONEY_LINES 100  /* [cost.*] sections, and [income.*] sections */
#define HN_MAX_COUNT       1e6  /* pupils or places in one count value */
#define HN_MAX_MONEY       1e12 /* pounds in one money value */
#define HN_MAX_RATE        1.0  /* a yearly growth or inflation rate (+100%) */

/* What a numeric key measures; decides its domain checks (MODEL.md section 2). */
typedef enum {
    HN_DOMAIN_PROBABILITY, /* in [0,1], bounded distributions only       */
    HN_DOMAIN_COUNT,       /* >= 0; sampled values rounded to an integer  */
    HN_DOMAIN_MONEY,       /* pounds; sampled values below 0 clamped to 0 */
    HN_DOMAIN_RATE         /* growth, inflation: any real                 */
} hn_domain;

/*
 * A numeric key: a constant, a per-year list, a distribution or a list of
 * them. Each iteration turns it into `years` numbers, stored in the
 * parameter vector at [slot, slot + years).
 */
typedef struct {
    char *name; /* "provision.secondary_pru.cost_per_pupil": stream and report name */
    hn_domain domain;
    int n;          /* 1 (one value for every year) or years */
    hn_dist *items; /* n items; a single distribution is drawn once per iteration */
    int slot;       /* first slot in the parameter vector */
    bool set;       /* written in the file (false: the default) */
    char *text;     /* value as written ("" for a default) */
    char *file;     /* where written (NULL for a default) */
    int line;
} hn_param;

/* Targets of exit.* keys that are not provisions. */
enum {
    HN_EXIT_MAINSTREAM = -1, /* exit.mainstream: reintegrated, leaves the model */
    HN_EXIT_LEFT = -2,       /* exit.left: leaves (age, moves away)             */
    HN_EXIT_EXCLUDED = -3    /* exit.excluded: permanently excluded             */
};

/* One exit.* key of a provision, in file order. */
typedef struct {
    char *target_name; /* the part after "exit." */
    int target;        /* provision index, or one of HN_EXIT_* */
    hn_param prob;     /* per-term probability */
} hn_exit;

/* A [demand.NAME] section: a segment of at-risk pupils. */
typedef struct {
    char *name;
    char *label;
    hn_param referrals;      /* expected referrals in year 1, or per year */
    bool referrals_per_year; /* referrals written as a per-year list (no growth then) */
    hn_param growth;         /* yearly growth from year 2; default 0 */
    hn_param initial;        /* waiting at start; default 0 */
    hn_param exclusion;      /* per term; default 0 */
    hn_param resolve;        /* per term; default 0 */
    hn_param ehcna;          /* per term; default 0 */
    int *route;              /* provision indices, in order; may be empty */
    int n_route;
    int *excluded_route; /* provision indices; the last is uncapped */
    int n_excluded_route;
} hn_segment;

/* A [provision.NAME] section. */
typedef struct {
    char *name;
    char *label;
    char *kind;  /* free text grouping ("placement"); "" when absent */
    int *serves; /* segment indices, informational */
    int n_serves;
    bool capped;                 /* `places` present */
    hn_param places;             /* capacity (meaningful when capped) */
    bool commissioned_is_places; /* `commissioned` absent and capped: use places' slot */
    hn_param commissioned;       /* commissioned places; default 0 when uncapped */
    hn_param *initial;           /* one per segment (n_segments); default 0 */
    hn_param place_funding, cost_per_pupil, cost_per_start, fixed_cost;
    hn_param income_per_pupil, income_per_start;
    hn_param ehcna; /* per term; default 0 */
    hn_exit *exits; /* file order */
    int n_exits;
    int overflow; /* provision index, or -1 */
} hn_provision;

/* A [cost.NAME] or [income.NAME] line outside any provision. */
typedef struct {
    char *name;
    char *label;
    hn_param amount; /* pounds per year */
} hn_money_line;

/* A file read to build the scenario: the file itself, then its extends chain. */
typedef struct {
    char *path;      /* as opened */
    char sha256[65]; /* lowercase hex of the file's bytes */
} hn_source;

/* One key as loaded after extends, for the audit trail (Assumptions sheet). */
typedef struct {
    char *section;
    char *key;
    char *value; /* as written, comments stripped */
    char *file;
    int line;
    bool has_mean; /* numeric: mean of its (first) value */
    double mean;
    int n_means; /* numeric: its values (1, or a list's length; at most HN_MAX_YEARS) */
    double means[HN_MAX_YEARS]; /* the mean of each value, in order */
} hn_entry;

/*
 * One pair of the [correlation] section: a rank (Spearman) correlation
 * between two sampled inputs (params.h), each named by its parameter and
 * the item of that parameter (0 for a single value, the year's index for
 * an element of a per-year list). Pairs written as 0 are not kept.
 */
typedef struct {
    int param[2]; /* indices in sc->params */
    int item[2];
    double rho; /* in [-1, 1], not 0; the matrix is positive definite */
    char *file; /* where written (owned) */
    int line;
} hn_correlation;

/* A whole validated scenario. Owned by the caller of scenario_load. */
typedef struct {
    char *name, *title, *authority;
    int start_year, years, terms;
    long iterations;
    uint64_t seed;
    hn_param baseline_cost;
    bool has_budget;
    hn_param budget;
    bool has_inflation;
    hn_param inflation;

    hn_segment *segments;
    int n_segments;
    hn_provision *provisions;
    int n_provisions;
    hn_money_line *costs;
    int n_costs;
    hn_money_line *incomes;
    int n_incomes;

    hn_param **params; /* every parameter, in the order they are drawn */
    int n_params;
    int n_slots; /* length of a parameter vector: n_params * years */

    hn_correlation *correlations; /* [correlation], file order */
    int n_correlations;

    hn_source *sources;
    int n_sources;
    hn_entry *entries;
    int n_entries;

    struct hn_history *history; /* `history = FILE.csv`, read and checked (history.h); NULL: none */
} hn_scenario;

/*
 * Reads, applies `extends`, validates. On success returns HN_OK and *out is
 * a new scenario the caller frees with scenario_free. On failure returns
 * HN_ERR_SCENARIO (or HN_ERR_IO / HN_ERR_NOMEM), fills err, *out is NULL.
 */
hn_status scenario_load(const char *path, hn_scenario **out, hn_error *err);

/* Frees a scenario and everything it owns. NULL is fine. */
void scenario_free(hn_scenario *sc);

/* Finds a provision by name; -1 when absent. */
int scenario_provision_index(const hn_scenario *sc, const char *name);

/* Finds a segment by name; -1 when absent. */
int scenario_segment_index(const hn_scenario *sc, const char *name);

#endif
