/*
 * report_compare.h - the comparison writers: options side by side.
 *
 * `hnsim compare` runs every option with the same seed and iterations and
 * hands the writers each option's run (its description, statistics and
 * results) and its comparison with the reference option (compare.h), the
 * first of the list. Like every writer they only read, and write
 * atomically through atomic.h.
 */
#ifndef HN_REPORT_COMPARE_H
#define HN_REPORT_COMPARE_H

#include "analysis/compare.h"
#include "report.h"

/* One option of a comparison. */
typedef struct {
    const hn_report_meta *meta; /* the option's run */
    const hn_stats *st;
    const hn_results *res;    /* may be NULL for the CSV */
    const hn_comparison *cmp; /* against the reference; NULL for the reference itself */
} hn_report_option;

/*
 * Writes the comparison's tidy CSV to path (atomically): for each option in
 * order, its own rows as `run` writes them, then, for every option but the
 * reference, its difference rows (metric delta_METRIC, the 12 statistics
 * plus se_independent), p_cheaper and p_fewer_exclusions (stat p) and
 * cost_per_exclusion_avoided, all with scenario = the option's name.
 */
hn_status report_write_compare_csv(const char *path, const hn_report_option *opts, int n,
                                   hn_error *err);

/*
 * Writes the comparison workbook to path (atomically): the Comparison
 * sheet, then each option's Summary sheet as `run` writes it, named after
 * the option. HN_ERR_IO "cannot write PATH: ..." on any failure.
 */
hn_status report_write_compare_xlsx(const char *path, const hn_report_option *opts, int n,
                                    hn_error *err);

#endif
