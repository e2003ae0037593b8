/*
 * report_compare.h - the comparison writers: options side by side.
 *
 * `hnsim compare` runs every option with the same seed and iterations and
 * hands the writers each option's run (its hn_run_report, all built with
 * one origin) and its comparison with the reference option (compare.h),
 * the first of the list. The rows of the comparison table - what the
 * terminal prints and the Comparison sheet shows - are defined once, in
 * compare_rows.c. Like every writer they only read, and write atomically
 * through atomic.h, to the reference's origin->out_path.
 */
#ifndef HN_REPORT_COMPARE_H
#define HN_REPORT_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "analysis/compare.h"
#include "report.h"

/* One option of a comparison. */
typedef struct {
    const hn_run_report *run; /* the option's run */
    const hn_comparison *cmp; /* against the reference; NULL for the reference itself */
} hn_report_option;

/* Where a row's value comes from, for an option o in year y ("all" is years). */
typedef enum {
    CR_OWN,              /* o's own statistic `stat` of the total figure `metric` */
    CR_SAVING,           /* minus statistic `stat` of the difference option - reference */
    CR_DIFF,             /* statistic `stat` of the difference option - reference */
    CR_SE_INDEPENDENT,   /* SE of the mean difference of `metric` without common random numbers */
    CR_PRECISION,        /* that SE over the paired one (common random numbers) */
    CR_P_CHEAPER,        /* P(o's total net cost < the reference's) */
    CR_P_FEWER,          /* P(o's permanent exclusions < the reference's) */
    CR_COST_PER_AVOIDED, /* mean extra net cost / mean exclusions avoided; all years only */
    CR_PAYBACK_YEAR      /* first year by whose end half the iterations have paid back; 0: none */
} hn_compare_source;

/* How a row's value is shown. */
typedef enum {
    CR_THOUSANDS,      /* pounds in £'000, whole: the sheet's accounting format */
    CR_THOUSANDS_FINE, /* pounds in £'000 with one decimal (standard errors) */
    CR_POUNDS,         /* pounds, whole: the sheet's accounting format */
    CR_PERCENT,        /* a probability as a whole percentage */
    CR_COUNT,          /* pupils, requests or a ratio, with one decimal */
    CR_YEAR            /* a year of the plan, as text ("2022/23 (year 3)") */
} hn_compare_format;

/* What a row shows and how: the figure read, its statistic, the format. */
typedef struct {
    hn_compare_source source;
    hn_metric metric; /* the total figure read, where the source reads one */
    hn_stat stat;     /* its statistic (CR_OWN, CR_SAVING, CR_DIFF) */
    hn_compare_format format;
    bool monte_carlo_only; /* a band, probability or SE: not in a deterministic comparison */
} hn_compare_value;

/*
 * One row of the comparison table: what it shows, and its words in each
 * place. An undefined value (NAN; every difference of the reference)
 * prints as "-" on the terminal and leaves the sheet's cell empty unless
 * the sheet names a text for it.
 */
typedef struct {
    hn_compare_value value;
    struct {
        const char *label;     /* in column A */
        const char *unit;      /* the Units column */
        const char *reference; /* the text in the reference's cell; NULL: its value */
        const char *none;      /* the text for an option's undefined value; NULL: empty */
    } sheet;                   /* the Comparison sheet: every row */
    struct {
        const char *label; /* NULL: not printed */
        const char *det;   /* in a deterministic comparison; NULL: label */
    } term;                /* the terminal */
} hn_compare_row;

/* The rows, in order (compare_rows.c); *n gets their count. */
const hn_compare_row *compare_rows(int *n);

/*
 * Value of row for option o in year y (0-based; years: all) in its own
 * units: pounds, a probability, pupils, a ratio, or for CR_YEAR the year
 * 1..years (0 when none); NAN when undefined.
 */
double compare_row_value(const hn_compare_row *row, const hn_report_option *o, int y);

/*
 * The comparison CSV's metric of the row: p_cheaper, p_fewer_exclusions
 * and cost_per_exclusion_avoided for the comparison's own figures; NULL
 * for a statistic of a figure or of a difference (the CSV has those as
 * such: METRIC and delta_METRIC rows).
 */
const char *compare_row_csv_metric(const hn_compare_row *row);

/* The comparison CSV's stat of the row: "p" for a probability, else "mean". */
const char *compare_row_csv_stat(const hn_compare_row *row);

/* A value as the row's format holds it: pounds / 1000 for £'000, else unchanged. */
double compare_row_shown(const hn_compare_row *row, double v);

/* The terminal's cell of value v (compare_row_value's) into buf: "-" when undefined, "4995", "100%", "170.3". */
void compare_row_text(const hn_compare_row *row, double v, char *buf, size_t cap);

/*
 * Writes the comparison's tidy CSV (atomically): for each option in
 * order, its own rows as `run` writes them, then, for every option but the
 * reference, its difference rows (metric delta_METRIC, the 12 statistics
 * plus se_independent), and the rows of the comparison table that have a
 * CSV metric (p_cheaper and p_fewer_exclusions with stat p per year,
 * cost_per_exclusion_avoided), all with scenario = the option's name.
 */
hn_status report_write_compare_csv(const hn_report_option *opts, int n, hn_error *err);

/*
 * Writes the comparison workbook (atomically): the Comparison sheet, then
 * each option's Summary sheet as `run` writes it, named after the option.
 * HN_ERR_IO "cannot write PATH: ..." on any failure.
 */
hn_status report_write_compare_xlsx(const hn_report_option *opts, int n, hn_error *err);

/* Writes the comparison in the format of its output path's extension. */
hn_status report_write_compare(const hn_report_option *opts, int n, hn_error *err);

#endif
