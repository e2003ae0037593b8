/*
 * correlation.c - imposing rank correlations on a block of input draws by
 * the Iman-Conover method (correlation.h).
 *
 * The work per block of n rows with m correlated inputs is O(n m^2) for
 * the score products and O(m n log n) for the sorts, on one thread, with
 * n * (m + 3) doubles of scratch. Which iteration receives which value of
 * an input depends only on the block's draws and on the streams (seed,
 * block, "iman_conover." + input name), never on the thread count.
 */
#include "model/correlation.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/rng.h"

/* Index of the input (param, item) in inputs, or -1 when it is not sampled. */
static int input_index(const hn_input *inputs, int n_inputs, int param, int item)
{
    for (int k = 0; k < n_inputs; k++)
        if (inputs[k].param == param && inputs[k].item == item) return k;
    return -1;
}

/* Position of input k in the plan's increasing list, or -1. */
static int plan_pos(const hn_corr_plan *p, int k)
{
    for (int c = 0; c < p->m; c++)
        if (p->input[c] == k) return c;
    return -1;
}

void corr_plan_free(hn_corr_plan *p)
{
    if (!p) return;
    free(p->input);
    free(p->stream);
    if (p->chol) gsl_matrix_free(p->chol);
    free(p);
}

hn_status corr_plan_new(const hn_scenario *sc, const hn_input *inputs, int n_inputs,
                        hn_corr_plan **out, hn_error *err)
{
    *out = NULL;
    if (sc->n_correlations == 0 || n_inputs < 2) return HN_OK;
    bool *used = calloc((size_t)n_inputs, sizeof *used);
    if (!used) return hn_error_set(err, HN_ERR_NOMEM, "out of memory for the correlations");
    int m = 0;
    for (int q = 0; q < sc->n_correlations; q++) {
        const hn_correlation *c = &sc->correlations[q];
        int a = input_index(inputs, n_inputs, c->param[0], c->item[0]);
        int b = input_index(inputs, n_inputs, c->param[1], c->item[1]);
        if (a < 0 || b < 0 || a == b)
            continue; /* an input that is no longer sampled carries no correlation */
        m += !used[a] + !used[b];
        used[a] = used[b] = true;
    }
    if (m < 2) {
        free(used);
        return HN_OK;
    }
    hn_corr_plan *p = calloc(1, sizeof *p);
    if (!p || !(p->input = malloc((size_t)m * sizeof *p->input)) ||
        !(p->stream = malloc((size_t)m * sizeof *p->stream)) ||
        !(p->chol = gsl_matrix_alloc((size_t)m, (size_t)m))) {
        free(used);
        corr_plan_free(p);
        return hn_error_set(err, HN_ERR_NOMEM, "out of memory for the correlations");
    }
    for (int k = 0; k < n_inputs; k++) {
        if (!used[k]) continue;
        char name[sizeof inputs[k].name + 16];
        snprintf(name, sizeof name, "iman_conover.%s", inputs[k].name);
        p->stream[p->m] = rng_name_hash(name);
        p->input[p->m++] = k;
    }
    free(used);
    gsl_matrix_set_identity(p->chol);
    for (int q = 0; q < sc->n_correlations; q++) {
        const hn_correlation *c = &sc->correlations[q];
        int a = plan_pos(p, input_index(inputs, n_inputs, c->param[0], c->item[0]));
        int b = plan_pos(p, input_index(inputs, n_inputs, c->param[1], c->item[1]));
        if (a < 0 || b < 0 || a == b) continue;
        double r = corr_score_pearson(c->rho);
        gsl_matrix_set(p->chol, (size_t)a, (size_t)b, r);
        gsl_matrix_set(p->chol, (size_t)b, (size_t)a, r);
    }
    if (!corr_cholesky(p->chol)) {
        corr_plan_free(p);
        return hn_error_set(err, HN_ERR_USAGE,
                            "the correlations are not a valid correlation matrix (not positive "
                            "definite)");
    }
    *out = p;
    return HN_OK;
}

/*
 * The m x m mixing matrix inv(F') P' of the block's score columns S
 * (column c at s + c * n): E = S'S / (base'base) = F F' is their own
 * correlation, P the plan's Cholesky factor. When E is not positive
 * definite (a tiny block) F is taken as the identity. Returns GSL's status
 * of the triangular solve (GSL_SUCCESS, or an error code: GSL's handler is
 * off, decisions R19).
 */
static int mixing_matrix(const hn_corr_plan *p, const double *s, long n, double base_ss,
                         gsl_matrix *mix, gsl_matrix *f)
{
    size_t m = (size_t)p->m;
    for (size_t a = 0; a < m; a++)
        for (size_t b = 0; b <= a; b++) {
            double d = 0;
            for (long i = 0; i < n; i++) d += s[(long)a * n + i] * s[(long)b * n + i];
            gsl_matrix_set(f, a, b, d / base_ss);
            gsl_matrix_set(f, b, a, d / base_ss);
        }
    if (!corr_cholesky(f)) gsl_matrix_set_identity(f);
    /* mix = P' (upper), then solve F' X = P' in place. */
    for (size_t a = 0; a < m; a++)
        for (size_t b = 0; b < m; b++)
            gsl_matrix_set(mix, a, b, b >= a ? gsl_matrix_get(p->chol, b, a) : 0.0);
    return gsl_blas_dtrsm(CblasLeft, CblasLower, CblasTrans, CblasNonUnit, 1.0, f, mix);
}

hn_status corr_reorder(const hn_corr_plan *p, double *x, long stride, long first, long n,
                       uint64_t seed, uint64_t block, gsl_rng *r, volatile sig_atomic_t *stop,
                       hn_error *err)
{
    if (!p || n < 3) return HN_OK;
    int m = p->m;
    double *s = malloc((size_t)n * (size_t)m * sizeof *s);
    double *t = malloc((size_t)n * sizeof *t);
    double *sorted = malloc((size_t)n * sizeof *sorted);
    size_t *order = malloc((size_t)n * sizeof *order);
    gsl_matrix *mix = gsl_matrix_alloc((size_t)m, (size_t)m);
    gsl_matrix *f = gsl_matrix_alloc((size_t)m, (size_t)m);
    hn_status st = HN_OK;
    if (!s || !t || !sorted || !order || !mix || !f) {
        st = hn_error_set(err, HN_ERR_NOMEM,
                          "out of memory imposing the correlations on %ld iterations", n);
        goto done;
    }

    /* Van der Waerden scores, one independently shuffled column per input. */
    double base_ss = 0;
    for (long i = 0; i < n; i++) {
        double v = gsl_cdf_ugaussian_Pinv((double)(i + 1) / (double)(n + 1));
        t[i] = v;
        base_ss += v * v;
    }
    for (int c = 0; c < m; c++) {
        double *col = s + (long)c * n;
        memcpy(col, t, (size_t)n * sizeof *col);
        rng_seek(r, seed, block, p->stream[c]);
        gsl_ran_shuffle(r, col, (size_t)n, sizeof *col);
    }
    int gs = mixing_matrix(p, s, n, base_ss, mix, f);
    if (gs != GSL_SUCCESS) {
        st = hn_error_set(err, HN_ERR_INTERNAL, "imposing the correlations failed in GSL: %s",
                          gsl_strerror(gs));
        goto done;
    }

    /* Each input's values follow the ranks of its mixed score column. */
    for (int c = 0; c < m; c++) {
        if (stop && *stop) {
            st = hn_error_set(err, HN_ERR_INTERRUPTED, "interrupted");
            goto done;
        }
        for (long i = 0; i < n; i++) {
            double v = 0;
            for (int j = 0; j < m; j++)
                v += s[(long)j * n + i] * gsl_matrix_get(mix, (size_t)j, (size_t)c);
            t[i] = v;
        }
        gsl_sort_index(order, t, 1, (size_t)n);
        double *col = x + (long)p->input[c] * stride + first;
        memcpy(sorted, col, (size_t)n * sizeof *sorted);
        gsl_sort(sorted, 1, (size_t)n);
        for (long k = 0; k < n; k++) col[order[k]] = sorted[k];
    }

done:
    if (f) gsl_matrix_free(f);
    if (mix) gsl_matrix_free(mix);
    free(order);
    free(sorted);
    free(t);
    free(s);
    return st;
}
