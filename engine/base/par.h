/*
 * par.h - spreading work over processes (MPI), in one module.
 *
 * Built with MPI (`make MPI=1`, HN_MPI defined) these functions wrap Open
 * MPI's; built without, they describe a single process (rank 0 of 1) and
 * do nothing, so the rest of hnsim has no #ifdef. Every function that
 * communicates is collective: every rank calls it, in the same order, with
 * the same sizes, or the ranks wait for ever. The engine keeps that rule by
 * agreeing on a status (par_agree) before every exchange that follows work
 * that may fail on one rank only.
 */
#ifndef HN_PAR_H
#define HN_PAR_H

#include <stdbool.h>

#include "base/hn_error.h"

/* Starts MPI when built with it (MPI_Init_thread, funneled); nothing otherwise.
 * HN_ERR_INTERNAL when MPI cannot start. Call once, first thing in main. */
hn_status par_init(int *argc, char ***argv, hn_error *err);

/* Ends MPI when it was started; nothing otherwise. Call once, last thing in main. */
void par_finalize(void);

/* True when built with MPI. */
bool par_built(void);

/* This process's rank, 0 when not built with MPI or MPI is not started. */
int par_rank(void);

/* Processes in the job, 1 when not built with MPI or MPI is not started. */
int par_size(void);

/*
 * Collective: every rank's status; returns the worst (the highest exit
 * code's, HN_ERR_INTERRUPTED first) and, when it is not HN_OK, copies into
 * every rank's err the error of the lowest rank that has it, so every rank
 * ends with the same status and message. One process: returns st, err
 * untouched. A failure of MPI itself aborts the job (MPI's own handler).
 */
hn_status par_agree(hn_status st, hn_error *err);

/* The share of n items (0..n-1) of rank r of k: [*lo, *hi), contiguous, in rank order. */
void par_share(long n, int r, int k, long *lo, long *hi);

/*
 * Collective: data[0..n-1] holds, on each rank, its own share (par_share)
 * of the n items; afterwards every rank holds every item. One process:
 * nothing. n is at most INT_MAX (HN_ERR_LIMIT otherwise, on every rank).
 */
hn_status par_allgather_doubles(double *data, long n, hn_error *err);

/* As par_allgather_doubles, for ints. */
hn_status par_allgather_ints(int *data, long n, hn_error *err);

/*
 * Collective: data holds n_rows rows of row_len doubles (row i at data[i *
 * row_len]); on each rank its own share (par_share over n_rows) of the rows
 * is filled; afterwards every rank holds every row. One process: nothing.
 * n_rows * row_len is at most INT_MAX (HN_ERR_LIMIT otherwise, on every
 * rank, with nothing exchanged).
 */
hn_status par_allgather_rows(double *data, long n_rows, int row_len, hn_error *err);

/* Collective: v[0..n-1] becomes the sum over the ranks, element by element. */
void par_sum_longs(long *v, int n);

/* Collective: v[0..n-1] becomes the minimum over the ranks, element by element. */
void par_min_longs(long *v, int n);

#endif
