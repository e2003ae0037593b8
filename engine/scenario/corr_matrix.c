/*
 * corr_matrix.c - normal-score correlation and Cholesky checks (corr_matrix.h).
 */
#include "scenario/corr_matrix.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>

double corr_score_pearson(double rho)
{
    return 2.0 * sin(M_PI * rho / 6.0);
}

bool corr_cholesky(gsl_matrix *a)
{
    for (size_t i = 0; i < a->size1; i++)
        for (size_t j = 0; j <= i; j++)
            if (!isfinite(gsl_matrix_get(a, i, j))) return false;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int rc = gsl_linalg_cholesky_decomp1(a);
    gsl_set_error_handler(old);
    return rc == GSL_SUCCESS;
}

int corr_first_failure(const gsl_matrix *a)
{
    size_t m = a->size1;
    gsl_matrix *w = gsl_matrix_alloc(m, m);
    if (!w) return -1;
    int bad = 0;
    if (gsl_matrix_memcpy(w, a) != GSL_SUCCESS) bad = -1; /* cannot happen: same sizes */
    if (!bad && !corr_cholesky(w)) {
        /* The whole matrix fails: find its smallest failing leading block. */
        for (size_t k = 1; k <= m && !bad; k++) {
            gsl_matrix_const_view lead = gsl_matrix_const_submatrix(a, 0, 0, k, k);
            gsl_matrix_view wk = gsl_matrix_submatrix(w, 0, 0, k, k);
            if (gsl_matrix_memcpy(&wk.matrix, &lead.matrix) != GSL_SUCCESS)
                bad = -1;
            else if (!corr_cholesky(&wk.matrix))
                bad = (int)k;
        }
        if (!bad) bad = (int)m; /* rounding: the blocks passed one by one */
    }
    gsl_matrix_free(w);
    return bad;
}
