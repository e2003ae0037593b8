/*
 * correlation.h - rank correlations between sampled inputs (Iman-Conover).
 *
 * A scenario's [correlation] pairs ask for Spearman rank correlations
 * between sampled inputs. They are imposed by the Iman-Conover method
 * (Iman and Conover 1982) on the draws of a block of iterations: each
 * correlated input keeps exactly the values it drew (its marginal), and
 * only which iteration receives which value changes. The method: build van
 * der Waerden scores Phi^-1(j / (n + 1)), one independently shuffled column
 * of them per correlated input; correct the columns' own sample
 * correlation E away (Cholesky E = F F'), give them the target (Cholesky
 * C = P P', scores S * inv(F') * P'); then reorder each input's values so
 * that their ranks follow the ranks of its score column.
 *
 * Scores that are normal with Pearson correlation r have Spearman rank
 * correlation (6/pi) asin(r/2), so the target C of the scores is
 * 2 sin(pi rho / 6) for a requested rank correlation rho (0.6 -> 0.618);
 * without this the achieved rank correlation falls short by up to 0.018.
 *
 * Everything is deterministic given (seed, block, input names): the score
 * columns are shuffled from streams of their own.
 */
#ifndef HN_CORRELATION_H
#define HN_CORRELATION_H

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/hn_error.h"
#include "scenario/corr_matrix.h"
#include "model/params.h"
#include "scenario/scenario.h"

/* What a run needs to impose a scenario's correlations. */
typedef struct {
    int m;            /* correlated inputs (>= 2) */
    int *input;       /* m indices into the run's input list, increasing */
    uint64_t *stream; /* m stream-name hashes for the score shuffles */
    gsl_matrix *chol; /* m x m lower Cholesky factor of the scores' target */
} hn_corr_plan;

/*
 * Builds the plan for sc's correlations over the run's inputs (params_inputs
 * order). *out is a new plan (free with corr_plan_free), or NULL when no
 * pair involves two sampled inputs. HN_ERR_NOMEM, or HN_ERR_USAGE when the
 * target is not positive definite (the loader refuses such scenarios).
 */
hn_status corr_plan_new(const hn_scenario *sc, const hn_input *inputs, int n_inputs,
                        hn_corr_plan **out, hn_error *err);

/* Frees a plan. NULL is fine. */
void corr_plan_free(hn_corr_plan *p);

/*
 * Iman-Conover on rows first..first+n-1 of the input matrix x (input k's
 * value in iteration i at x[k * stride + i]): reorders the correlated
 * inputs' values within those rows. Score columns are shuffled from the
 * streams (seed, block, plan stream) with the scratch generator r (type
 * hn_rng_xoshiro256). Fewer than 3 rows are left as they are. Checks *stop
 * (may be NULL) between columns: HN_ERR_INTERRUPTED. HN_ERR_NOMEM.
 */
hn_status corr_reorder(const hn_corr_plan *p, double *x, long stride, long first, long n,
                       uint64_t seed, uint64_t block, gsl_rng *r, volatile sig_atomic_t *stop,
                       hn_error *err);

#endif
