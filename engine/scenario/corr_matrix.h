/*
 * corr_matrix.h - the matrix arithmetic of rank correlations that both the
 * loader (is a [correlation] section's matrix positive definite?) and the
 * model (Iman-Conover's Cholesky factors) need.
 */
#ifndef HN_CORR_MATRIX_H
#define HN_CORR_MATRIX_H

#include <gsl/gsl_matrix.h>
#include <stdbool.h>

/* Pearson correlation of normal scores whose Spearman rank correlation is rho. */
double corr_score_pearson(double rho);

/*
 * Cholesky factorisation of a (symmetric, lower triangle read) in place with
 * gsl_linalg_cholesky_decomp1; false when a is not positive definite. GSL's
 * error handler is switched off for the call and restored after it (call it
 * when no other thread is using GSL's handler: the loader, or between a
 * run's parallel phases).
 */
bool corr_cholesky(gsl_matrix *a);

/*
 * 0 when the symmetric matrix a is positive definite; otherwise k, the size
 * of its smallest leading block (rows and columns 0..k-1) that is not; -1
 * when its m x m copy cannot be allocated (or GSL fails to copy).
 */
int corr_first_failure(const gsl_matrix *a);

#endif
