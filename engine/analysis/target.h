/*
 * target.h - a condition on one figure of a run: `METRIC:YEAR[:STAT] OP VALUE`.
 *
 * `hnsim solve --target` takes one: `net_cost:all <= 20000000`,
 * `net_cost:all:p90 <= 21000000`, `payback_year:3 >= 0.8`,
 * `exclusions:5 <= 10`. METRIC and STAT are the tidy CSV's names (MODEL.md
 * section 7) for the figure's total entity; YEAR is 1..years or `all`;
 * STAT defaults to `mean`, and is `p` (the default and the only choice) for
 * a probability (within_budget, paid_back, payback_year); OP is <=, <, >= or >;
 * VALUE a plain number (pounds, pupils or a probability). Spaces are
 * allowed around OP.
 */
#ifndef HN_TARGET_H
#define HN_TARGET_H

#include <stdbool.h>

#include "base/hn_error.h"
#include "model/layout.h"
#include "analysis/stats.h"

typedef enum { HN_OP_LE, HN_OP_LT, HN_OP_GE, HN_OP_GT } hn_target_op;

typedef struct {
    hn_metric metric;
    int year;         /* 0-based year, or layout years for "all" */
    hn_stat stat;     /* HN_STAT_MEAN holds a probability's p */
    bool probability; /* a yes/no figure: stat p */
    hn_target_op op;
    double value;
    char figure[96]; /* "net_cost:all:mean", "payback_year:3:p" */
    int col;         /* the figure's column in the layout parsed against (scaling changes none) */
} hn_target;

/*
 * Parses text against the figures of lay. HN_ERR_USAGE with a message that
 * quotes the text, says what is wrong and shows the syntax with examples.
 */
hn_status target_parse(const char *text, const hn_layout *lay, hn_target *t, hn_error *err);

/* The target's figure in st (NAN when undefined, e.g. no iteration had a value). */
double target_figure(const hn_target *t, const hn_stats *st);

/* True when v satisfies the target. */
bool target_holds(const hn_target *t, double v);

/* "<=", "<", ">=" or ">". */
const char *target_op_text(hn_target_op op);

#endif
