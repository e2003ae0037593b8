/*
 * compare_rows.c - the rows of the comparison table, defined once.
 *
 * `hnsim compare` shows the same table twice: printed on the terminal
 * (cli/cli_compare.c) and as the Comparison sheet (xlsx_compare.c); the
 * comparison CSV (compare_csv.c) writes the rows that are not statistics
 * of a difference (p_cheaper, p_fewer_exclusions,
 * cost_per_exclusion_avoided) from the same table. Each row says which
 * figure and statistic it reads, how it is shown, and its label in each
 * place; the sheet shows every row, the terminal those with a terminal
 * label. A deterministic comparison keeps the planned values only (no
 * bands, probabilities or standard errors). Money is in £'000 as on the
 * Summary sheet (the cost per exclusion avoided in £); the saving is
 * reference - option, positive when the option costs less, so its P10 is
 * minus the difference's P90.
 *
 * What both places show is worked out here too, so that they cannot
 * disagree: which rows a place shows (compare_table, which also expands
 * the saving line by line into one row per provision, cost line and
 * income line), and each option's cell (compare_cell): a number, a year,
 * or words where a number would mislead - the cost per exclusion avoided
 * is a figure only when the option costs more and avoids exclusions;
 * otherwise the cell says what the option does ("saves £72k and avoids
 * 20.4"). The payback rows read the option's payback against
 * the reference (compare.h), never against baseline_cost.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_compare.h"

/*
 * The table. .value: source, figure, statistic (0 where the source reads
 * none), format, Monte Carlo only; .sheet: label, unit, the reference's
 * text; .term: label, deterministic label, band. The sheet and terminal
 * wordings differ (the sheet has room to say more); only the values are
 * shared.
 */
static const hn_compare_row rows[] = {
    { .value = { CR_OWN, HN_M_NET_COST, HN_STAT_MEAN, CR_THOUSANDS, false },
      .sheet = { "Net cost over all years, mean", "£'000" },
      .term = { "Net cost, mean (£'000)", "Net cost, planned (£'000)" } },
    { .value = { CR_OWN, HN_M_NET_COST, HN_STAT_P10, CR_THOUSANDS, true },
      .sheet = { "Net cost over all years, P10", "£'000" },
      .term = { "Net cost, P10 (£'000)" } },
    { .value = { CR_OWN, HN_M_NET_COST, HN_STAT_P90, CR_THOUSANDS, true },
      .sheet = { "Net cost over all years, P90", "£'000" },
      .term = { "Net cost, P90 (£'000)" } },
    { .value = { CR_SAVING, HN_M_NET_COST, HN_STAT_MEAN, CR_THOUSANDS, false },
      .sheet = { "Saving against the reference, mean", "£'000", "reference" },
      .term = { "Saving against the reference, mean (£'000)",
                "Saving against the reference (£'000)" } },
    { .value = { CR_SAVING, HN_M_NET_COST, HN_STAT_P90, CR_THOUSANDS, true },
      .sheet = { "Saving against the reference, P10", "£'000" } },
    { .value = { CR_SAVING, HN_M_NET_COST, HN_STAT_P10, CR_THOUSANDS, true },
      .sheet = { "Saving against the reference, P90", "£'000" } },
    { .value = { CR_P_CHEAPER, 0, 0, CR_PERCENT, true },
      .sheet = { "Probability of saving (costs less over all years)", "%" },
      .term = { "Probability of saving" } },
    { .value = { CR_OWN, HN_M_SUPPORTED, HN_STAT_MEAN, CR_COUNT, false },
      .sheet = { "Pupils supported over all years (each pupil once), mean", "pupils" },
      .term = { "Pupils supported (each once), mean", "Pupils supported (each once)" } },
    { .value = { CR_OWN, HN_M_COST_PER_SUPPORTED, HN_STAT_MEAN, CR_POUNDS, false },
      .sheet = { "Net cost per pupil supported over all years, mean", "£" },
      .term = { "Net cost per pupil supported, mean (£)", "Net cost per pupil supported (£)" } },
    { .value = { CR_OWN, HN_M_EXCLUSIONS, HN_STAT_MEAN, CR_COUNT, false },
      .sheet = { "Permanent exclusions, all years, mean", "pupils" },
      .term = { "Permanent exclusions, mean", "Permanent exclusions" } },
    { .value = { CR_SAVING, HN_M_EXCLUSIONS, HN_STAT_MEAN, CR_COUNT, false },
      .sheet = { "Exclusions avoided against the reference, mean", "pupils" },
      .term = { "Exclusions avoided, mean", "Exclusions avoided" } },
    { .value = { CR_P_FEWER, 0, 0, CR_PERCENT, true },
      .sheet = { "Probability of fewer exclusions than the reference", "%" },
      .term = { "Probability of fewer exclusions" } },
    { .value = { CR_OWN, HN_M_EHCNA, HN_STAT_MEAN, CR_COUNT, false },
      .sheet = { "EHC needs assessment requests, all years, mean", "requests" },
      .term = { "EHC needs assessment requests, mean", "EHC needs assessment requests" } },
    { .value = { CR_COST_PER_AVOIDED, 0, 0, CR_POUNDS, false },
      .sheet = { "Cost per exclusion avoided, or the outcome in words", "£" },
      .term = { "Cost per exclusion avoided (£)" } },
    { .value = { CR_PAYBACK_YEAR, HN_M_PAYBACK_YEAR, 0, CR_YEAR, false },
      .sheet = { "Payback year against the reference (the median)", "year", "reference" },
      .term = { "Payback year against the reference" } },
    { .value = { CR_PAYBACK, HN_M_PAYBACK_YEAR, 0, CR_PERCENT, true },
      .sheet = { "Probability of payback against the reference within the years", "%" },
      .term = { "Probability of payback against the ref." } },
    { .value = { CR_DIFF, HN_M_NET_COST, HN_STAT_SE, CR_THOUSANDS_FINE, true },
      .sheet = { "Standard error of the mean saving, common random numbers", "£'000" },
      .term = { "SE of the saving, common random nos (£'000)" } },
    { .value = { CR_SE_INDEPENDENT, HN_M_NET_COST, 0, CR_THOUSANDS_FINE, true },
      .sheet = { "Standard error of the mean saving, independent runs", "£'000" },
      .term = { "SE of the saving, independent runs (£'000)" } },
    { .value = { CR_PRECISION, HN_M_NET_COST, 0, CR_COUNT, true },
      .sheet = { "Precision gained (independent / common-random-numbers SE)", "times" } },
    { .value = { CR_HEADING, 0, 0, CR_THOUSANDS, false },
      .sheet = { "Saving by provision and line against the reference (a line only one option "
                 "has counts as 0 in the other)" },
      .term = { "Saving by provision and line (£'000): mean (P10 to P90)",
                "Saving by provision and line (£'000)" } },
    { .value = { CR_LINE_SAVING, HN_M_NET_COST, HN_STAT_MEAN, CR_THOUSANDS, false },
      .sheet = { "saving, mean", "£'000", "reference" },
      .term = { "", NULL, true } },
    { .value = { CR_LINE_SAVING, HN_M_NET_COST, HN_STAT_P90, CR_THOUSANDS, true },
      .sheet = { "saving, P10", "£'000" } },
    { .value = { CR_LINE_SAVING, HN_M_NET_COST, HN_STAT_P10, CR_THOUSANDS, true },
      .sheet = { "saving, P90", "£'000" } },
};

/*
 * The DSG rows (MODEL.md section 8), shown after the table when the
 * reference has [dsg]: a heading, the role of each option, then the
 * per-year rows (dsg_year_rows) once for every year, their words after the
 * year's label. Their values are the year's, not all years'.
 */
static const hn_compare_row dsg_head_rows[] = {
    { .value = { CR_HEADING, 0, 0, CR_THOUSANDS, false },
      .sheet = { "DSG cumulative position at the end of each year (negative: a deficit); the "
                 "mitigation is the option's position less the reference's" },
      .term = { "DSG position at the end of each year (£'000): mean",
                "DSG position at the end of each year (£'000): planned" } },
    { .value = { CR_DSG_ROLE, 0, 0, CR_THOUSANDS, false },
      .sheet = { "Position", "" },
      .term = { "  position" } },
};
static const hn_compare_row dsg_year_rows[] = {
    { .value = { CR_OWN, HN_M_DSG_BALANCE, HN_STAT_MEAN, CR_THOUSANDS, false },
      .sheet = { ", cumulative position, mean", "£'000" },
      .term = { "", ", planned" } },
    { .value = { CR_DIFF, HN_M_DSG_BALANCE, HN_STAT_MEAN, CR_THOUSANDS, false },
      .sheet = { ", mitigation, mean", "£'000", "unmitigated" },
      .term = { ", mitigation" } },
    { .value = { CR_OWN, HN_M_DSG_WITHIN_LIMIT, HN_STAT_MEAN, CR_PERCENT, false },
      .sheet = { ", probability within the deficit limit", "%" },
      .term = { ", P(within limit)" } },
};

/* On the Saving by line sheet, the heading above a line's rows: its label and name (item_label). */
static const hn_compare_row line_heading = { .value = { CR_HEADING, 0, 0, CR_THOUSANDS, false } };

/* On the Comparison sheet, a line's one row: the mean saving, named by the line (item_label),
 * under a heading that sends the reader to the Saving by line sheet for the band. */
static const hn_compare_row line_mean = { .value = { CR_LINE_SAVING, HN_M_NET_COST, HN_STAT_MEAN,
                                                     CR_THOUSANDS, false },
                                          .sheet = { NULL, "£'000", "reference" } };
static const hn_compare_row line_means_heading = {
    .value = { CR_HEADING, 0, 0, CR_THOUSANDS, false },
    .sheet = { "Saving by provision and line against the reference, mean (P10 and P90: the "
               "Saving by line sheet)" }
};

const hn_compare_row *compare_rows(int *n)
{
    *n = (int)(sizeof rows / sizeof rows[0]);
    return rows;
}

/* The statistic that is minus st: P10 for P90 and the other way round; the mean stays. */
static hn_stat negated(hn_stat st)
{
    switch (st) {
    case HN_STAT_P5: return HN_STAT_P95;
    case HN_STAT_P10: return HN_STAT_P90;
    case HN_STAT_P25: return HN_STAT_P75;
    case HN_STAT_P75: return HN_STAT_P25;
    case HN_STAT_P90: return HN_STAT_P10;
    case HN_STAT_P95: return HN_STAT_P5;
    case HN_STAT_MIN: return HN_STAT_MAX;
    case HN_STAT_MAX: return HN_STAT_MIN;
    default: return st;
    }
}

/* The first year by whose end at least half the iterations have paid back against the
 * reference and stay so (P(payback year <= y) >= 1/2); 0 when none. */
static int payback_year(const hn_comparison *c)
{
    for (int y = 0; y < c->years; y++)
        if (compare_stat(c, HN_M_PAYBACK_YEAR, HN_ENT_TOTAL, 0, y, HN_STAT_MEAN) >= 0.5)
            return y + 1;
    return 0;
}

double compare_row_value(const hn_compare_row *row, const hn_report_option *o, int y)
{
    const hn_compare_value *what = &row->value;
    const hn_comparison *c = o->cmp;
    if (what->source == CR_OWN)
        return report_stat(o->run, what->metric, HN_ENT_TOTAL, 0, y, what->stat);
    if (!c) return NAN; /* the reference has no difference from itself */
    int k = compare_find(c, what->metric, HN_ENT_TOTAL, 0);
    switch (what->source) {
    case CR_SAVING: return -compare_get(c, k, y, what->stat);
    case CR_DIFF: return compare_get(c, k, y, what->stat);
    case CR_SE_INDEPENDENT: return compare_se_independent(c, k, y);
    case CR_PRECISION: {
        double paired = compare_get(c, k, y, HN_STAT_SE);
        return paired > 0 ? compare_se_independent(c, k, y) / paired : NAN;
    }
    case CR_P_CHEAPER: return c->p_cheaper[y];
    case CR_P_FEWER: return c->p_fewer_exclusions[y];
    case CR_COST_PER_AVOIDED: return c->cost_per_exclusion_avoided;
    case CR_PAYBACK: return compare_get(c, k, y, HN_STAT_MEAN);
    case CR_PAYBACK_YEAR: return payback_year(c);
    default: return NAN;
    }
}

const char *compare_row_csv_metric(const hn_compare_row *row)
{
    switch (row->value.source) {
    case CR_P_CHEAPER: return "p_cheaper";
    case CR_P_FEWER: return "p_fewer_exclusions";
    case CR_COST_PER_AVOIDED: return "cost_per_exclusion_avoided";
    default: return NULL; /* a statistic of a figure: the CSV has it as such */
    }
}

const char *compare_row_csv_stat(const hn_compare_row *row)
{
    return row->value.format == CR_PERCENT ? "p" : "mean";
}

double compare_row_shown(const hn_compare_row *row, double v)
{
    hn_compare_format f = row->value.format;
    return f == CR_THOUSANDS || f == CR_THOUSANDS_FINE ? v / 1000.0 : v;
}

/*
 * x rounded to `decimals` places as a spreadsheet shows it: first to 15
 * significant digits (so 0.745, stored as 0.74499999..., is 0.745), then
 * half away from zero - so that the terminal and the sheet print the same
 * figure (74.5% is 75% in both).
 */
static double display_round(double x, int decimals)
{
    char t[64];
    snprintf(t, sizeof t, "%.15g", x);
    double y = strtod(t, NULL), m = decimals ? pow(10.0, decimals) : 1.0;
    return round(y * m) / m;
}

void compare_row_text(const hn_compare_row *row, double v, char *buf, size_t cap)
{
    if (isnan(v)) {
        snprintf(buf, cap, "-");
        return;
    }
    hn_compare_format f = row->value.format;
    bool fine = f == CR_THOUSANDS_FINE || f == CR_COUNT;
    bool pct = f == CR_PERCENT;
    snprintf(buf, cap, "%.*f%s", fine ? 1 : 0,
             display_round(pct ? v * 100 : compare_row_shown(row, v), fine ? 1 : 0),
             pct ? "%" : "");
    /* A value that rounds to zero is "0", whatever its sign ("-0" would read as a saving). */
    if (buf[0] == '-' && !strpbrk(buf, "123456789")) memmove(buf, buf + 1, strlen(buf));
}

/* ------------------------------------------------------------------ */
/* Lines, items and cells                                             */
/* ------------------------------------------------------------------ */

/* The kinds of line the saving is shown for, in this order within an option. */
static const hn_entity_kind line_kinds[] = { HN_ENT_PROVISION, HN_ENT_COST, HN_ENT_INCOME };

/* Index of the entity (kind, name) in lay; -1 when it has none. */
static int entity_index(const hn_layout *lay, hn_entity_kind kind, const char *name)
{
    for (int i = 0; i < lay->count[kind]; i++)
        if (!strcmp(lay->names[kind][i], name)) return i;
    return -1;
}

/*
 * The lines of opts[0..n) into a new array (*out, the caller frees): the
 * reference's provisions, cost and income lines in its order, then each
 * line only a later option has, in option order. Returns the count, or -1
 * when out of memory.
 */
static int compare_lines(const hn_report_option *opts, int n, hn_compare_line **out)
{
    int cap = 0;
    for (int i = 0; i < n; i++)
        for (size_t k = 0; k < sizeof line_kinds / sizeof *line_kinds; k++)
            cap += opts[i].run->lay->count[line_kinds[k]];
    hn_compare_line *lines = calloc((size_t)(cap > 0 ? cap : 1), sizeof *lines);
    if (!lines) return -1;
    int m = 0;
    for (int i = 0; i < n; i++) {
        const hn_layout *lay = opts[i].run->lay;
        for (size_t k = 0; k < sizeof line_kinds / sizeof *line_kinds; k++) {
            hn_entity_kind kind = line_kinds[k];
            for (int e = 0; e < lay->count[kind]; e++) {
                bool seen = false;
                for (int j = 0; j < m && !seen; j++)
                    seen = lines[j].kind == kind && !strcmp(lines[j].name, lay->names[kind][e]);
                if (!seen)
                    lines[m++] =
                        (hn_compare_line){ kind, lay->names[kind][e], lay->labels[kind][e] };
            }
        }
    }
    *out = lines;
    return m;
}

/* Writes it's words for the place into it->label. */
static void item_label(hn_compare_item *it, bool terminal, bool det)
{
    const hn_compare_row *row = it->row;
    const char *words =
        terminal ? (det && row->term.det ? row->term.det : row->term.label) : row->sheet.label;
    if (!words) words = "";
    if (it->year > 0) { /* a DSG row: "  2024/25, mitigation" */
        char year[16];
        layout_year_label(it->lay, it->year - 1, year, sizeof year);
        snprintf(it->label, sizeof it->label, "  %s%s", year, words);
        return;
    }
    if (!it->has_line) {
        snprintf(it->label, sizeof it->label, "%s", words);
        return;
    }
    const char *prefix = it->line.kind == HN_ENT_COST     ? "cost."
                         : it->line.kind == HN_ENT_INCOME ? "income."
                                                          : "";
    if (terminal)
        snprintf(it->label, sizeof it->label, "  %s%s%s", prefix, it->line.name, words);
    else if (row == &line_heading || row == &line_mean)
        snprintf(it->label, sizeof it->label, "%s (%s%s)", it->line.label, prefix, it->line.name);
    else
        snprintf(it->label, sizeof it->label, "    %s", words);
}

/* True when the place shows the row. */
static bool shown(const hn_compare_row *row, bool terminal, bool det)
{
    return !(terminal && !row->term.label) && !(det && row->value.monte_carlo_only);
}

/* True when rows[r] is the heading of the line-by-line rows that follow it. */
static bool heads_lines(int r, int n_rows)
{
    return rows[r].value.source == CR_HEADING && r + 1 < n_rows &&
           rows[r + 1].value.source == CR_LINE_SAVING;
}

hn_status compare_table(const hn_report_option *opts, int n, hn_compare_place place,
                        void (*visit)(void *user, const hn_compare_item *it), void *user,
                        hn_error *err)
{
    bool terminal = place == COMPARE_TERMINAL, lines_only = place == COMPARE_SHEET_LINES;
    bool det = opts[0].run->res->deterministic;
    hn_compare_line *lines = NULL;
    int n_lines = compare_lines(opts, n, &lines);
    if (n_lines < 0) return hn_error_set(err, HN_ERR_NOMEM, "out of memory writing a comparison");
    int n_rows = (int)(sizeof rows / sizeof rows[0]);
    for (int r = 0; r < n_rows; r++) {
        hn_compare_item it = { .row = &rows[r] };
        if (rows[r].value.source != CR_LINE_SAVING) {
            if (!shown(&rows[r], terminal, det) || (lines_only && !heads_lines(r, n_rows)))
                continue;
            if (place == COMPARE_SHEET && heads_lines(r, n_rows)) it.row = &line_means_heading;
            item_label(&it, terminal, det);
            visit(user, &it);
            continue;
        }
        /* A run of line rows: line by line, each with the run's rows. */
        int end = r;
        while (end < n_rows && rows[end].value.source == CR_LINE_SAVING) end++;
        for (int l = 0; l < n_lines; l++) {
            if (place == COMPARE_SHEET) { /* one row of means, named by the line */
                it = (hn_compare_item){ .row = &line_mean, .has_line = true, .line = lines[l] };
                item_label(&it, terminal, det);
                visit(user, &it);
                continue;
            }
            if (lines_only) { /* the line's name above its rows */
                it = (hn_compare_item){ .row = &line_heading, .has_line = true, .line = lines[l] };
                item_label(&it, terminal, det);
                visit(user, &it);
            }
            for (int q = r; q < end; q++) {
                if (!shown(&rows[q], terminal, det)) continue;
                it = (hn_compare_item){ .row = &rows[q], .has_line = true, .line = lines[l] };
                item_label(&it, terminal, det);
                visit(user, &it);
            }
        }
        r = end - 1;
    }
    free(lines);
    const hn_layout *lay = opts[0].run->lay;
    if (!lay->has_dsg || lines_only) return HN_OK;
    for (size_t r = 0; r < sizeof dsg_head_rows / sizeof *dsg_head_rows; r++) {
        hn_compare_item it = { .row = &dsg_head_rows[r], .lay = lay };
        item_label(&it, terminal, det);
        visit(user, &it);
    }
    for (int y = 1; y <= lay->years; y++)
        for (size_t r = 0; r < sizeof dsg_year_rows / sizeof *dsg_year_rows; r++) {
            const hn_compare_row *row = &dsg_year_rows[r];
            if (row->value.metric == HN_M_DSG_WITHIN_LIMIT &&
                lay->first[HN_M_DSG_WITHIN_LIMIT][HN_ENT_TOTAL] < 0)
                continue;
            if (!shown(row, terminal, det)) continue;
            hn_compare_item it = { .row = row, .year = y, .lay = lay };
            item_label(&it, terminal, det);
            visit(user, &it);
        }
    return HN_OK;
}

/*
 * The saving on a line over all years for option opts[i]: minus statistic
 * st of the difference in its net cost, option - reference (as CR_SAVING:
 * the saving's P10 is minus the difference's P90). The difference is the
 * paired one where both options have the line; where only one has it, the
 * other counts 0, so it is the option's own net cost of the line, or minus
 * the reference's; NAN when neither has it (another option's line).
 */
static double line_saving(const hn_compare_line *line, const hn_report_option *opts, int i,
                          hn_stat st)
{
    const hn_report_option *o = &opts[i], *ref = &opts[0];
    int Y = o->run->lay->years;
    int in_opt = entity_index(o->run->lay, line->kind, line->name);
    int in_ref = entity_index(ref->run->lay, line->kind, line->name);
    if (in_opt >= 0 && in_ref >= 0)
        return -compare_stat(o->cmp, HN_M_NET_COST, line->kind, in_opt, Y, st);
    if (in_opt >= 0) return -report_stat(o->run, HN_M_NET_COST, line->kind, in_opt, Y, st);
    if (in_ref < 0) return NAN;
    /* minus statistic st of minus the reference's net cost: its statistic negated(st) */
    return report_stat(ref->run, HN_M_NET_COST, line->kind, in_ref, Y, negated(st));
}

/* "£72k" (pounds in whole thousands, with separators) into buf. */
static void thousands_text(double pounds, char *buf, size_t cap)
{
    char k[32];
    report_thousands(lround(fabs(pounds) / 1000.0), k, sizeof k);
    snprintf(buf, cap, "£%sk", k);
}

/*
 * The outcome in words where the cost per exclusion avoided is not a
 * figure (the option does not both cost more and avoid exclusions), the
 * row saying they are exclusions: "saves £72k and avoids 20.4", "costs
 * £378k more and avoids none", "saves £10k but adds 1.2", ... NULL when
 * it is a figure or undefined.
 */
static const char *outcome_words(const hn_comparison *c, char *buf, size_t cap)
{
    hn_outcome oc = compare_outcome(c);
    if (isnan(oc.extra) || isnan(oc.avoided) || (oc.extra > 0 && oc.avoided > 0)) return NULL;
    char money[40], excl[64];
    thousands_text(oc.extra, money, sizeof money);
    if (oc.avoided > 0)
        snprintf(excl, sizeof excl, "and avoids %.1f", oc.avoided);
    else if (oc.avoided < 0)
        snprintf(excl, sizeof excl, "%s adds %.1f", oc.extra < 0 ? "but" : "and", -oc.avoided);
    else
        snprintf(excl, sizeof excl, "and avoids none");
    if (oc.extra > 0)
        snprintf(buf, cap, "costs %s more %s", money, excl);
    else if (oc.extra < 0)
        snprintf(buf, cap, "saves %s %s", money, excl);
    else
        snprintf(buf, cap, "costs the same %s", excl);
    return buf;
}

/* The year y (1-based; 0: none) as the place shows it. */
static void year_text(const hn_layout *lay, int y, bool terminal, char *buf, size_t cap)
{
    char label[16];
    if (y > 0) {
        layout_year_label(lay, y - 1, label, sizeof label);
        if (terminal)
            snprintf(buf, cap, "%s", label);
        else
            snprintf(buf, cap, "%s (year %d)", label, y);
    } else {
        snprintf(buf, cap, terminal ? "none in %d years" : "not within %d years", lay->years);
    }
}

/* The value of item it for option opts[i] over all years (in the row's units). */
static double item_value(const hn_compare_item *it, const hn_report_option *opts, int i, hn_stat st)
{
    if (it->has_line) return opts[i].cmp ? line_saving(&it->line, opts, i, st) : NAN;
    hn_compare_row row = *it->row;
    row.value.stat = st;
    return compare_row_value(&row, &opts[i], it->year > 0 ? it->year - 1 : opts[i].run->lay->years);
}

void compare_cell(const hn_compare_item *it, const hn_report_option *opts, int i, bool terminal,
                  hn_compare_cell *cell)
{
    const hn_compare_row *row = it->row;
    const hn_report_option *o = &opts[i];
    cell->text = NULL;
    cell->value = item_value(it, opts, i, row->value.stat);
    if (row->value.source == CR_HEADING) {
        cell->text = "";
        return;
    }
    if (row->value.source == CR_DSG_ROLE) {
        cell->text = o->cmp ? "mitigated" : "unmitigated";
        return;
    }
    if (!o->cmp && row->sheet.reference) {
        cell->text = terminal ? "-" : row->sheet.reference;
        return;
    }
    if (row->value.format == CR_YEAR && o->cmp) {
        year_text(o->run->lay, (int)cell->value, terminal, cell->buf, sizeof cell->buf);
        cell->text = cell->buf;
        return;
    }
    if (row->value.source == CR_COST_PER_AVOIDED && o->cmp &&
        (cell->text = outcome_words(o->cmp, cell->buf, sizeof cell->buf)))
        return;
    if (!terminal) return;
    compare_row_text(row, cell->value, cell->buf, sizeof cell->buf);
    bool det = o->run->res->deterministic;
    if (row->term.band && !det && !isnan(cell->value)) {
        /* A saving: its P10 is minus the difference's P90 (line_saving). */
        char lo[32], hi[32];
        compare_row_text(row, item_value(it, opts, i, HN_STAT_P90), lo, sizeof lo);
        compare_row_text(row, item_value(it, opts, i, HN_STAT_P10), hi, sizeof hi);
        size_t len = strlen(cell->buf);
        snprintf(cell->buf + len, sizeof cell->buf - len, " (%s to %s)", lo, hi);
    }
    cell->text = cell->buf;
}
