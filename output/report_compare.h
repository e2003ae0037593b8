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
    CR_COST_PER_AVOIDED, /* mean extra net cost / mean exclusions avoided when o costs more and
                            avoids exclusions; in words otherwise (all years only) */
    CR_PAYBACK,          /* P(o has paid back against the reference): `metric` paid_back or
                            payback_year (compare.h) */
    CR_PAYBACK_YEAR,     /* the first year by whose end half the iterations have paid back
                            against the reference and stay so (payback_year >= 1/2); 0: none */
    CR_HEADING,          /* no value: a heading over the rows that follow */
    CR_LINE_SAVING,      /* one row per provision, cost line and income line (compare_table):
                            the saving on that line, minus statistic `stat` of the difference
                            in its net cost (as CR_SAVING) */
    CR_DSG_ROLE          /* no value: the words "unmitigated" (the reference) or "mitigated"
                            (an option) over the DSG rows (MODEL.md section 8) */
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
    hn_stat stat;     /* its statistic (CR_OWN, CR_SAVING, CR_DIFF, CR_LINE_SAVING: of the
                         difference, so a saving's P10 reads the difference's P90) */
    hn_compare_format format;
    bool monte_carlo_only; /* a band, probability or SE: not in a deterministic comparison */
} hn_compare_value;

/*
 * One row of the comparison table: what it shows, and its words in each
 * place. An undefined value (NAN; every difference of the reference)
 * prints as "-" on the terminal and leaves the sheet's cell empty unless
 * the sheet names a text for it. The words of a CR_LINE_SAVING row follow
 * the line's name on the terminal ("  NAME" + its label); on the sheet a
 * heading "LABEL (NAME)" comes before the line's rows, each its label
 * indented.
 */
typedef struct {
    hn_compare_value value;
    struct {
        const char *label;     /* in column A */
        const char *unit;      /* the Units column */
        const char *reference; /* the text in the reference's cell; NULL: its value */
    } sheet;                   /* the Comparison sheet: every row */
    struct {
        const char *label; /* NULL: not printed */
        const char *det;   /* in a deterministic comparison; NULL: label */
        bool band;         /* a Monte Carlo cell adds the P10 to P90 of its value: "5044 (4990
                              to 5100)" */
    } term;                /* the terminal */
} hn_compare_row;

/* The rows, in order (compare_rows.c); *n gets their count. */
const hn_compare_row *compare_rows(int *n);

/*
 * Value of row for option o in year y (0-based; years: all) in its own
 * units: pounds, a probability, pupils, a ratio, or for CR_YEAR the year
 * 1..years (0 when none); NAN when undefined, and for the rows that need
 * a line or none (CR_LINE_SAVING, CR_HEADING).
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

/* A provision, cost line or income line of a comparison (the CR_LINE_SAVING rows). */
typedef struct {
    hn_entity_kind kind; /* HN_ENT_PROVISION, HN_ENT_COST or HN_ENT_INCOME */
    const char *name;    /* its NAME (borrowed from an option's layout) */
    const char *label;   /* its label in the first option that has it (borrowed) */
} hn_compare_line;

/* One row of the table as shown in one place: a row, and its line for a CR_LINE_SAVING row
 * (and the heading above it on the sheet). It holds no memory of its own: its pointers are
 * into the table and the options' layouts, so a copy stays valid as long as they do. */
typedef struct {
    const hn_compare_row *row;
    bool has_line;        /* a row of one line (CR_LINE_SAVING, or the sheet's heading of one) */
    hn_compare_line line; /* that line when has_line */
    const hn_layout *lay; /* DSG rows: the reference's layout, for the year's label */
    int year;             /* 1..Y: a DSG row of that year (its values are that year's); 0: all
                             years */
    char label[320];      /* the row's words in the place shown */
} hn_compare_item;

/*
 * Calls visit(user, item) for every row of the table shown in one place
 * (hn_compare_place), in order, for the options opts[0..n) (the reference
 * first): a deterministic comparison skips the Monte Carlo rows; a run of
 * CR_LINE_SAVING rows is shown line by line - every provision, cost line
 * and income line of the reference in its order, then those only an option
 * has -: on the terminal each with the run's rows, on the Comparison sheet
 * as one row of the mean saving named by the line, on the Saving by line
 * sheet (which shows nothing else) the run's rows after a CR_HEADING item
 * naming the line. Outside the Saving by line sheet, when the reference
 * has [dsg] the DSG rows follow (MODEL.md section 8):
 * a heading, the role of each option (the reference unmitigated, each
 * option mitigated), then for every year the cumulative position at its
 * end, the mitigation (option - reference, common random numbers) and,
 * with a deficit limit, the probability of being within it.
 * HN_ERR_NOMEM.
 */
/* Where a comparison's table is shown (compare_table). */
typedef enum {
    COMPARE_TERMINAL,   /* the terminal: the rows with terminal words */
    COMPARE_SHEET,      /* the Comparison sheet: the saving line by line as one row of means */
    COMPARE_SHEET_LINES /* the Saving by line sheet: only the saving line by line, each line's
                           heading over its mean, P10 and P90 */
} hn_compare_place;

hn_status compare_table(const hn_report_option *opts, int n, hn_compare_place place,
                        void (*visit)(void *user, const hn_compare_item *it), void *user,
                        hn_error *err);

/* One option's cell of an item over all years: a value, or words to show instead. */
typedef struct {
    double value;     /* in the row's units (compare_row_value's); NAN when undefined */
    const char *text; /* not NULL: the words to show (the sheet: instead of the value) */
    char buf[200];    /* where text is written when it is not a constant */
} hn_compare_cell;

/*
 * The cell of item it for option opts[i] over all years (opts[0] the
 * reference). On the terminal text is always set: the value as
 * compare_row_text writes it (with its band when the row asks), a year,
 * or words. On the sheet text is set only for words: the reference's
 * text, a year ("2022/23 (year 3)", "not within 5 years"), the outcome in
 * words where the cost per exclusion avoided is not a figure ("saves
 * £5,044k and avoids 171.0").
 */
void compare_cell(const hn_compare_item *it, const hn_report_option *opts, int i, bool terminal,
                  hn_compare_cell *cell);

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
 * each option's Summary sheet as `run` writes it, named after the option,
 * the options' Assumptions side by side and the Run sheet of them all.
 * HN_ERR_IO "cannot write PATH: ..." on any failure.
 */
hn_status report_write_compare_xlsx(const hn_report_option *opts, int n, hn_error *err);

/* Writes the comparison in the format of its output path's extension. */
hn_status report_write_compare(const hn_report_option *opts, int n, hn_error *err);

#endif
