/*
 * cli_history.c - a history file on the command line (cli_history.h).
 */
#include "cli_history.h"

#include "scenario/history.h"

void cli_history_help(FILE *f)
{
    fprintf(f, "      --history FILE.csv  the council's observed figures (year,metric,entity,\n"
               "                        value) to show beside the projection, in place of the\n"
               "                        scenario's `history` (History sheet, observed_* rows)\n");
}

hn_status cli_history_attach(hn_scenario *sc, const char *path, hn_error *err)
{
    if (!path) return HN_OK;
    hn_history *h = NULL;
    hn_status st = history_load(path, sc, &h, err);
    if (st != HN_OK) return st;
    history_free(sc->history);
    sc->history = h;
    return HN_OK;
}

void cli_history_print_summary(const hn_observed *o)
{
    if (o->deterministic) {
        printf("history %s: %d observation%s beside the planned figures\n",
               o->history->path, o->n, o->n == 1 ? "" : "s");
        return;
    }
    int inside = 0;
    for (int i = 0; i < o->n; i++) inside += o->rows[i].inside;
    printf("history %s: %d of %d observation%s inside the projection's P10-P90 band\n",
           o->history->path, inside, o->n, o->n == 1 ? "" : "s");
}
