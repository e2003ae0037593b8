/*
 * template.c - the annotated scenario of `hnsim new` (template.h).
 *
 * The sections written are those of `sections[]` below: one scenario, a
 * segment of secondary pupils at risk of exclusion, an outreach service,
 * a pupil referral unit and an uncapped independent placement (the shape
 * of the Bromley paper, seed 001), a cost line and an income line. For the
 * first section of each type, every key of the type's table is written in
 * table order, with its meaning, value and default from the table, then
 * either its example (`examples[]`) or, when it has none or the example is
 * marked optional, the key commented out. Later sections of a type hold
 * only their examples. Nothing here names a key's meaning or units: they
 * come from the tables, so a new key appears in the template, commented
 * out with its default, until it is given an example.
 */
#include "scenario/template.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/keys.h"
#include "scenario/value_parse.h"

/* The sections of the template, in order, each with the paragraph written above it. */
static const struct {
    hn_sec type;
    const char *name; /* NAME of [type.NAME]; NULL for [scenario] */
    const char *about;
} sections[] = {
    { HN_SEC_SCENARIO, NULL,
      "The scenario: its name, the years projected, and the spend they are measured against." },
    { HN_SEC_DEMAND, "secondary",
      "A segment: pupils at risk of permanent exclusion, referred each year, offered the "
      "provisions of `route` in order." },
    { HN_SEC_PROVISION, "outreach",
      "A provision: a service with a number of places (here outreach into schools)." },
    { HN_SEC_PROVISION, "pru",
      "A pupil referral unit: commissioned places; when it is full, transfers in go to "
      "`overflow`." },
    { HN_SEC_PROVISION, "independent",
      "Independent and out-of-borough placements: no `places`, so it takes every pupil sent "
      "(the last of an `excluded_route` must be uncapped)." },
    { HN_SEC_COST, "posts", "Money spent outside any provision, per year." },
    { HN_SEC_INCOME, "contributions", "Income outside any provision, per year." },
    { HN_SEC_DSG, "dsg",
      "Optional: the DSG management plan view (MODEL.md section 8), the High Needs Block's "
      "allocation against the spend, and the deficit. Delete the '; ' before [dsg] and its "
      "keys to use it; give each provision, cost and income line `s251 = CODE`, its Section "
      "251 line." },
};

/*
 * The examples: section NAME ("" for [scenario]), key as written (a
 * pattern key with its NAME), value, and whether it is written commented
 * out (an optional key shown with a plausible value). "%s" in a value is
 * the scenario's name; "%d" the start year.
 */
static const struct {
    const char *section;
    const char *key;
    const char *value;
    bool optional;
} examples[] = {
    { "", "name", "%s", false },
    { "", "title", "A new High Needs Block scenario (%s)", false },
    { "", "authority", "Example Council", false },
    { "", "note", "written by hnsim new: replace each value and cite its source", true },
    { "", "start_year", "%d", false },
    { "", "years", "5", false },
    { "", "terms", "3", false },
    { "", "iterations", "10000", false },
    { "", "seed", "1", false },
    { "", "baseline_cost", "2500000", false },
    { "", "budget", "2600000", false },
    { "", "inflation", "0.02", false },
    { "", "extends", "base.ini", true },
    { "secondary", "label", "Secondary pupils at risk of exclusion", false },
    { "secondary", "note", "referrals as reported to the Schools Forum", true },
    { "secondary", "referrals", "pert(40, 50, 65)", false },
    { "secondary", "growth", "0.03", false },
    { "secondary", "initial", "5", false },
    { "secondary", "route", "outreach", false },
    { "secondary", "exclusion", "pert(0.01, 0.02, 0.04)", false },
    { "secondary", "resolve", "0.15", false },
    { "secondary", "ehcna", "0.02", false },
    { "secondary", "excluded_route", "pru, independent", false },
    { "outreach", "label", "Outreach into schools", false },
    { "outreach", "note", "a team of four, from the service plan", true },
    { "outreach", "kind", "outreach", false },
    { "outreach", "serves", "secondary", false },
    { "outreach", "places", "20, 20, 25, 25, 30", false },
    { "outreach", "initial", "10", false },
    { "outreach", "initial.secondary", "10", true },
    { "outreach", "place_funding", "6000", true },
    { "outreach", "commissioned", "20", true },
    { "outreach", "cost_per_pupil", "pert(1000, 1500, 2500)", false },
    { "outreach", "cost_per_start", "250", false },
    { "outreach", "fixed_cost", "150000", false },
    { "outreach", "income_per_pupil", "500", true },
    { "outreach", "income_per_start", "100", true },
    { "outreach", "exit.mainstream", "0.4", false },
    { "outreach", "exit.pru", "0.02", false },
    { "outreach", "ehcna", "0.02", false },
    { "outreach", "overflow", "pru", true },
    { "pru", "label", "Pupil referral unit", false },
    { "pru", "kind", "placement", false },
    { "pru", "serves", "secondary", false },
    { "pru", "places", "30", false },
    { "pru", "initial", "25", false },
    { "pru", "place_funding", "10000", false },
    { "pru", "cost_per_pupil", "pert(8000, 9000, 11000)", false },
    { "pru", "income_per_pupil", "1500", false },
    { "pru", "exit.mainstream", "0.06", false },
    { "pru", "exit.left", "0.1", false },
    { "pru", "ehcna", "0.04", false },
    { "pru", "overflow", "independent", false },
    { "independent", "label", "Independent and out-of-borough placements", false },
    { "independent", "kind", "placement", false },
    { "independent", "serves", "secondary", false },
    { "independent", "initial.secondary", "4", false },
    { "independent", "cost_per_pupil", "pert(38000, 45000, 60000)", false },
    { "independent", "exit.left", "0.08", false },
    { "independent", "ehcna", "0.05", false },
    { "posts", "label", "Two caseworkers (2 FTE)", false },
    { "posts", "note", "two posts, as costed in the business case", true },
    { "posts", "amount", "90000", false },
    { "contributions", "label", "Schools' contributions", false },
    { "contributions", "note", "agreed by the Schools Forum for three years", true },
    { "contributions", "amount", "40000", false },
    { "dsg", "allocation", "61500000", true },
    { "dsg", "allocation_growth", "normal(0.03, 0.01)", true },
    { "dsg", "other_spend", "58000000", true },
    { "dsg", "other_growth", "pert(0.04, 0.07, 0.12)", true },
    { "dsg", "other_s251", "1.2.3", true },
    { "dsg", "opening_balance", "-5000000", true },
    { "dsg", "transfer_in", "0, 1500000, 0, 0, 0", true },
    { "dsg", "deficit_limit", "10000000", true },
    { "dsg", "targets", "-5000000, -4500000, -4000000, -3000000, -2000000", true },
    { "dsg", "override_ends", "2028", true },
};
#define N_EXAMPLES ((int)(sizeof examples / sizeof *examples))

/* Column the `=` of a key line is aligned to. */
#define KEY_WIDTH 17

/* The opening paragraph, how to read and edit the file: a format taking the scenario's name twice. */
#define HEADER                                                                           \
    ";\n"                                                                                \
    "; Every key is explained above it: what it means, what its value is, and its\n"     \
    "; default. Replace each value with your own, and the \"; assumption\" after it\n"   \
    "; with where the figure comes from (\"; Schools Forum paper, March 2025, para\n"    \
    "; 6.2\"): that comment is the value's Source on the workbook's Assumptions\n"       \
    "; sheet. A line starting with ';' is a comment; a key shown as \"; key = value\"\n" \
    "; is optional: delete the '; ' to use it.\n"                                        \
    ";\n"                                                                                \
    "; A numeric value is a number (4258000, 0.15: no separators, no %%), one value\n"   \
    "; per year separated by \", \" (30, 34, 38, 40, 40), or a distribution for a\n"     \
    "; figure you are unsure of: pert(min, likely, max), triangular(min, mode,\n"        \
    "; max), uniform(min, max), normal(mean, sd), lognormal(mean, sd), beta(a, b).\n"    \
    "; Money is in pounds, a count is pupils or places, a probability is from 0\n"       \
    "; to 1 (per term where the key says so), a rate is a yearly fraction (0.03\n"       \
    "; is 3%%).\n"                                                                       \
    ";\n"                                                                                \
    "; Check it with `hnsim check %s.ini`, run it with `hnsim run %s.ini`; every\n"      \
    "; key is in docs/keys.md and `man hnsim`.\n"

/* Widest comment line written, in characters. */
#define LINE_WIDTH 78

/*
 * Writes text to f as comment lines of at most LINE_WIDTH characters,
 * broken between words: the first line starts "; " + first, the others
 * "; " + rest (blanks that indent them).
 */
static void comment(FILE *f, const char *first, const char *rest, const char *text)
{
    const char *lead = first;
    while (*text) {
        size_t room = LINE_WIDTH - 2 - strlen(lead), n = strlen(text);
        if (n > room) {
            n = room;
            while (n > 0 && text[n] != ' ') n--;
            if (n == 0) n = strcspn(text, " "); /* one word longer than the line */
        }
        fprintf(f, ";%s%s%.*s\n", *lead || n ? " " : "", lead, (int)n, text);
        text += n;
        while (*text == ' ') text++;
        lead = rest;
    }
}

/* True when example e belongs to section sec ("" for [scenario]) and to table row k. */
static bool example_of(int e, const char *sec, const hn_key *k)
{
    if (strcmp(examples[e].section, sec) != 0) return false;
    if (keys_is_pattern(k))
        return !strncmp(examples[e].key, k->key, strlen(k->key)) &&
               examples[e].key[strlen(k->key)] != '\0';
    return !strcmp(examples[e].key, k->key);
}

/* Copies pattern into buf with each "%s" replaced by name and each "%d" by year. */
static void expand(const char *pattern, const char *name, int year, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (const char *p = pattern; *p && used + 1 < cap; p++) {
        if (p[0] == '%' && (p[1] == 's' || p[1] == 'd')) {
            int n = p[1] == 's' ? snprintf(buf + used, cap - used, "%s", name)
                                : snprintf(buf + used, cap - used, "%d", year);
            used = n > 0 && used + (size_t)n < cap ? used + (size_t)n : cap - 1;
            p++;
        } else {
            buf[used++] = *p;
            buf[used] = '\0';
        }
    }
}

/* Writes example e's line to f, filled in by expand, commented out when optional. */
static void write_example(FILE *f, int e, const char *name, int start_year)
{
    char value[160];
    expand(examples[e].value, name, start_year, value, sizeof value);
    if (examples[e].optional)
        fprintf(f, "; %s = %s\n", examples[e].key, value);
    else
        fprintf(f, "%-*s = %-24s ; assumption\n", KEY_WIDTH, examples[e].key, value);
}

/*
 * Writes row k of table (section sec, "" for [scenario]) to f: its
 * explanation when explain, then its examples, or the key commented out
 * with its default when it has none.
 */
static void write_key(FILE *f, const hn_key *table, const hn_key *k, const char *sec, bool explain,
                      const char *name, int start_year)
{
    int written = 0;
    if (explain) {
        char value[128], def[128], line[512];
        keys_describe_value(k, value, sizeof value);
        keys_describe_default(table, k, def, sizeof def);
        size_t m = strlen(k->meaning);
        snprintf(line, sizeof line, "%s%s: %s%s", k->key, keys_is_pattern(k) ? "NAME" : "",
                 k->meaning, m && k->meaning[m - 1] == '.' ? "" : ".");
        comment(f, "", "  ", line);
        snprintf(line, sizeof line, "Value: %s; %s%s.", value,
                 strcmp(def, "required") ? "default " : "", def);
        comment(f, "  ", "    ", line);
    }
    for (int e = 0; e < N_EXAMPLES; e++)
        if (example_of(e, sec, k)) {
            write_example(f, e, name, start_year);
            written++;
        }
    if (written == 0 && explain) {
        const char *def = k->def;
        if (!*def || !strcmp(def, "NAME") || keys_find(table, def) ||
            (keys_is_param(k) && !isdigit((unsigned char)*def)))
            def = "...";
        fprintf(f, "; %s%s = %s\n", k->key, keys_is_pattern(k) ? "NAME" : "", def);
    }
    if (explain) fputc('\n', f);
}

/* Writes section s of sections[] to f; explain: the first of its type, every key explained. */
static void write_section(FILE *f, int s, bool explain, const char *name, int start_year)
{
    const hn_key_section *ks = &keys_sections[sections[s].type];
    const char *sec = sections[s].name ? sections[s].name : "";
    fprintf(f, "\n; ------------------------------------------------------------------------\n");
    comment(f, "", "", sections[s].about);
    if (!explain)
        fprintf(f, "; Its keys are explained in the first %s section above.\n", ks->shown);
    if (KEYS_SINGLE(ks)) /* an optional section ([dsg]): written commented out */
        fprintf(f, "; [%s]\n", ks->prefix);
    else if (ks->named)
        fprintf(f, "[%s%s]\n", ks->prefix, sec);
    else
        fprintf(f, "[%s]\n", ks->prefix);
    if (explain) fprintf(f, "\n");
    for (const hn_key *k = ks->keys; k->key; k++) {
        /* `note` is explained in every other section; in the commented-out [dsg] its line would
         * be one more "; note = " for an editor (or a script) to uncomment into the section
         * above it. */
        if (KEYS_SINGLE(ks) && !strcmp(k->key, "note")) continue;
        write_key(f, ks->keys, k, sec, explain, name, start_year);
    }
}

hn_status scenario_template(const char *name, int start_year, char **out, hn_error *err)
{
    *out = NULL;
    if (!value_is_name(name))
        return hn_error_set(err, HN_ERR_USAGE,
                            "`%s` is not a valid scenario name: use lowercase letters, digits "
                            "and '_' (it names the file, the outputs and the CSV rows)",
                            name);
    if (start_year < 1990 || start_year > 2100)
        return hn_error_set(err, HN_ERR_USAGE, "start year %d is not in 1990..2100", start_year);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return hn_error_set(err, HN_ERR_NOMEM, "out of memory writing the template");
    fprintf(f, "; %s.ini - a High Needs Block scenario for hnsim, written by `hnsim new %s`.\n",
            name, name);
    fprintf(f, HEADER, name, name);
    bool seen[HN_SEC__COUNT] = { false };
    for (int s = 0; s < (int)(sizeof sections / sizeof *sections); s++) {
        write_section(f, s, !seen[sections[s].type], name, start_year);
        seen[sections[s].type] = true;
    }
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad || !buf) {
        free(buf);
        return hn_error_set(err, HN_ERR_NOMEM, "out of memory writing the template");
    }
    *out = buf;
    return HN_OK;
}
