/*
 * par.c - the only file that calls MPI (par.h). Without HN_MPI it is a
 * single process and every exchange is a no-op.
 */
#include "base/par.h"

#include <limits.h>
#include <string.h>

#ifdef HN_MPI
#include <mpi.h>
#endif

/* Share of n items for rank r of k: the first n % k ranks take one more. */
void par_share(long n, int r, int k, long *lo, long *hi)
{
    if (k < 1) k = 1;
    long base = n / k, extra = n % k;
    *lo = r * base + (r < extra ? r : extra);
    *hi = *lo + base + (r < extra ? 1 : 0);
}

/* Rank of badness of a status for par_agree: interrupted first, then by exit code. */
static int severity(hn_status st)
{
    if (st == HN_OK) return 0;
    if (st == HN_ERR_INTERRUPTED) return 1000;
    return 10 * hn_status_exit_code(st) + (int)st;
}

#ifdef HN_MPI

static bool started;

hn_status par_init(int *argc, char ***argv, hn_error *err)
{
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        return hn_error_set(err, HN_ERR_INTERNAL, "MPI could not start");
    started = true;
    return HN_OK;
}

void par_finalize(void)
{
    if (started) MPI_Finalize();
    started = false;
}

bool par_built(void)
{
    return true;
}

int par_rank(void)
{
    int r = 0;
    if (started) MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int par_size(void)
{
    int k = 1;
    if (started) MPI_Comm_size(MPI_COMM_WORLD, &k);
    return k;
}

/* Worst status over the ranks (its severity and the lowest rank with it), then that
 * rank's error broadcast to all. */
hn_status par_agree(hn_status st, hn_error *err)
{
    if (par_size() < 2) return st;
    /* MAXLOC keeps the highest severity and, among equals, the lowest rank. */
    int mine[2] = { severity(st), par_rank() }, worst[2];
    MPI_Allreduce(mine, worst, 1, MPI_2INT, MPI_MAXLOC, MPI_COMM_WORLD);
    if (worst[0] == 0) return HN_OK;
    hn_error e = { 0 };
    if (mine[1] == worst[1]) {
        if (err) e = *err;
        e.status = st;
    }
    MPI_Bcast(&e, (int)sizeof e, MPI_BYTE, worst[1], MPI_COMM_WORLD);
    if (err) *err = e;
    return e.status;
}

/*
 * Allgatherv in place of n units of `unit` items of `type` each, the units spread by par_share
 * (so rank r's items are units lo..hi-1 of its share, unit * lo onwards). HN_ERR_LIMIT when the
 * n * unit items exceed INT_MAX.
 */
static hn_status allgather(void *data, long n, int unit, MPI_Datatype type, hn_error *err)
{
    int k = par_size();
    if (k < 2) return HN_OK;
    if (unit < 1 || n > INT_MAX / unit)
        return hn_error_set(err, HN_ERR_LIMIT,
                            "cannot exchange %.0f values at once between MPI processes (at most "
                            "%d)",
                            (double)n * unit, INT_MAX);
    int counts[k], displs[k];
    for (int r = 0; r < k; r++) {
        long lo, hi;
        par_share(n, r, k, &lo, &hi);
        counts[r] = (int)(hi - lo) * unit;
        displs[r] = (int)lo * unit;
    }
    MPI_Allgatherv(MPI_IN_PLACE, 0, type, data, counts, displs, type, MPI_COMM_WORLD);
    return HN_OK;
}

hn_status par_allgather_doubles(double *data, long n, hn_error *err)
{
    return allgather(data, n, 1, MPI_DOUBLE, err);
}

hn_status par_allgather_ints(int *data, long n, hn_error *err)
{
    return allgather(data, n, 1, MPI_INT, err);
}

hn_status par_allgather_rows(double *data, long n_rows, int row_len, hn_error *err)
{
    return allgather(data, n_rows, row_len, MPI_DOUBLE, err);
}

void par_sum_longs(long *v, int n)
{
    if (par_size() > 1) MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
}

void par_min_longs(long *v, int n)
{
    if (par_size() > 1) MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_LONG, MPI_MIN, MPI_COMM_WORLD);
}

#else /* one process */

hn_status par_init(int *argc, char ***argv, hn_error *err)
{
    (void)argc;
    (void)argv;
    (void)err;
    return HN_OK;
}

void par_finalize(void)
{
}

bool par_built(void)
{
    return false;
}

int par_rank(void)
{
    return 0;
}

int par_size(void)
{
    return 1;
}

hn_status par_agree(hn_status st, hn_error *err)
{
    (void)err;
    (void)severity;
    return st;
}

hn_status par_allgather_doubles(double *data, long n, hn_error *err)
{
    (void)data;
    (void)n;
    (void)err;
    return HN_OK;
}

hn_status par_allgather_ints(int *data, long n, hn_error *err)
{
    (void)data;
    (void)n;
    (void)err;
    return HN_OK;
}

hn_status par_allgather_rows(double *data, long n_rows, int row_len, hn_error *err)
{
    (void)data;
    (void)n_rows;
    (void)row_len;
    (void)err;
    return HN_OK;
}

void par_sum_longs(long *v, int n)
{
    (void)v;
    (void)n;
}

void par_min_longs(long *v, int n)
{
    (void)v;
    (void)n;
}

#endif
