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
#include "scenario/scenario_keys.h"
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
/* The most draws in which a rate distribution may fall below -1 (decisions R16): 1 in 10,000. */
#define HN_RATE_TAIL 1e-4

/* What a numeric key measures; decides its domain checks (MODEL.md section 2). */
typedef enum {
    HN_DOMAIN_PROBABILITY, /* in [0,1], bounded distributions only       */
    HN_DOMAIN_COUNT,       /* >= 0; sampled values rounded to an integer  */
    HN_DOMAIN_MONEY,       /* pounds; sampled values below 0 clamped to 0 */
    HN_DOMAIN_RATE,        /* growth, inflation: draws below -1 clamped   */
    HN_DOMAIN_BALANCE      /* a DSG balance, pounds of either sign, never clamped */
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
    bool whole;     /* constants are whole numbers (places, initial): scaling rounds them */
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

/* Where a closed provision's occupants go (on_close) when it is not a provision (MODEL.md
 * section 4, Closing). */
enum {
    HN_CLOSE_POOL = -1,      /* on_close = pool (the default): back to their segment's pool */
    HN_CLOSE_MAINSTREAM = -2 /* on_close = mainstream: no longer at risk, they leave the model */
};

/* One exit.* key of a provision, in file order. */
typedef struct {
    char *target_name; /* the part after "exit." */
    int target;        /* provision index, or one of HN_EXIT_* */
    hn_param prob;     /* per-term probability */
} hn_exit;

/*
 * The sections' structs. Their key fields come from the key tables of
 * scenario/scenario_keys.h (one field per key, named as the key: a
 * [provision.*] has `hn_param cost_per_pupil`, `int *serves` with
 * `int n_serves`, `int overflow`, ...); the fields written here are
 * derived or belong to a key family.
 */

/* A [demand.NAME] section: a segment of at-risk pupils. */
typedef struct {
    char *name;
    HN_DEMAND_KEYS(HN_KEY_FIELD)
    bool referrals_per_year; /* referrals written as a per-year list (no growth then) */
} hn_segment;

/* A [provision.NAME] section. */
typedef struct {
    char *name;
    HN_PROVISION_KEYS(HN_KEY_FIELD)
    bool capped;                 /* `places` present */
    bool commissioned_is_places; /* `commissioned` absent and capped: use places' slot */
    hn_param *initial;           /* initial and initial.SEGMENT: one per segment (n_segments) */
    hn_exit *exits;              /* exit.TARGET, in file order */
    int n_exits;
} hn_provision;

/* A [cost.NAME] or [income.NAME] line outside any provision. */
typedef struct {
    char *name;
    HN_MONEY_KEYS(HN_KEY_FIELD)
} hn_money_line;

/* The [dsg] section (MODEL.md section 8): at most one; sc->n_dsg is 0 or 1. */
typedef struct {
    char *name; /* "dsg" */
    HN_DSG_KEYS(HN_KEY_FIELD)
} hn_dsg;

/* A file read to build the scenario: the file itself, then its extends chain. */
typedef struct {
    char *path;      /* as opened */
    char sha256[65]; /* lowercase hex of the file's bytes */
} hn_source;

/* One key as loaded after extends, for the audit trail (Assumptions sheet). */
typedef struct {
    char *section;
    char *key;
    char *value;   /* as written, comments stripped */
    char *comment; /* its source: the comment on its line or above it (decisions I3); NULL: none */
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
    HN_SCENARIO_KEYS(HN_KEY_FIELD) /* [scenario]: name, title, ..., inflation, history_file */
    bool has_budget;               /* budget.set */
    bool has_inflation;            /* inflation.set */
    struct hn_history *history;    /* history_file read and checked (history.h); NULL: none */

    hn_segment *segments;
    int n_segments;
    hn_provision *provisions;
    int n_provisions;
    hn_money_line *costs;
    int n_costs;
    hn_money_line *incomes;
    int n_incomes;
    hn_dsg *dsg; /* [dsg]: NULL, or one (n_dsg 1) */
    int n_dsg;

    hn_param **params; /* every parameter, in the order they are drawn */
    int n_params;
    int n_slots; /* length of a parameter vector: n_params * years */

    hn_correlation *correlations; /* [correlation], file order */
    int n_correlations;

    hn_source *sources;
    int n_sources;
    hn_entry *entries;
    int n_entries;
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
