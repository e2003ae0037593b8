/*
 * report_calibrate.h - the calibrated scenario file that `hnsim calibrate`
 * writes.
 *
 * The output is the input scenario's text, byte for byte, comments
 * included, except that: a comment block at the top says how it was made;
 * each fitted key's line is replaced by the fitted distribution (its
 * inline comment kept) under two comment lines citing the history file,
 * its SHA-256, the estimate, standard error and 80% interval and the value
 * as it was written; a key the input inherits through `extends` is added
 * to its section in the input (the section is added when the input has
 * none), so that it overrides the parent's; and the correlations of the
 * fitted estimates go into [correlation] (the input's, or a new one at the
 * end). A relative `extends` or `history` path of the input is rewritten
 * relative to the output's folder when that is another folder. The file is
 * written atomically, and a caller's check vets the
 * temporary file before it is renamed into place (cli_calibrate.c loads it
 * as a scenario).
 */
#ifndef HN_REPORT_CALIBRATE_H
#define HN_REPORT_CALIBRATE_H

#include "analysis/calibrate.h"
#include "base/hn_error.h"

/* What the calibrated file is made from. */
typedef struct {
    const char *input_path;   /* the scenario file calibrated (its text is copied) */
    const char *output_path;  /* where it will be written: relative `extends` and `history`
                                 paths are rewritten to stay right from its folder */
    const hn_fit *fit;        /* the fit, made on that scenario */
    const hn_fit_pair *pairs; /* the correlations to add (calibrate_pairs) */
    int n_pairs;
    const char *engine_version;
    const char *command_line; /* as typed */
    const char *first_year;   /* academic-year labels of the years fitted: "2012/13" */
    const char *last_year;
} hn_calibrated;

/*
 * The calibrated scenario's text into *text (a new string the caller
 * frees). HN_ERR_IO when the input cannot be read, HN_ERR_NOMEM.
 */
hn_status report_calibrated_text(const hn_calibrated *c, char **text, hn_error *err);

/*
 * Writes text to path atomically. Before the temporary file is renamed
 * into place, check(temporary path, user) vets it (NULL: no check); an
 * error from it aborts the write, leaving path untouched, and is
 * returned. HN_ERR_IO "cannot write PATH: ..." on a failed write.
 */
hn_status report_write_text_checked(const char *path, const char *text,
                                    hn_status (*check)(const char *tmp, void *user), void *user,
                                    hn_error *err);

#endif
