/*
 * memlimit.h - how much memory this process may use.
 *
 * engine_run refuses a run whose memory estimate passes 3/4 of this, so
 * that a run too large fails up front with a message instead of being
 * killed part-way. The machine's physical memory is not the whole story:
 * a container's memory cgroup or a `ulimit -v` can allow much less, and
 * the kernel kills (or malloc fails) at that limit, not at the machine's.
 *
 * memlimit_admit is the one admission rule every command uses (`run`, its
 * sensitivity runs, `compare`): work whose estimate passes 3/4 of this
 * limit is refused, and the refusal says how many iterations would fit,
 * found from the same estimate, so that following the advice is admitted.
 */
#ifndef HN_MEMLIMIT_H
#define HN_MEMLIMIT_H

#include "base/hn_error.h"

/*
 * The smallest of: physical memory, the memory cgroup's limit (v2
 * memory.max or v1 memory.limit_in_bytes, when one is set) and the
 * RLIMIT_AS / RLIMIT_DATA soft limits. 0 when none can be read. *what
 * (when what is not NULL) names the one that applies, for messages:
 * "this machine's memory", "the container's memory limit" or "the
 * process's ulimit" (static strings).
 */
double memlimit_bytes(const char **what);

/* Bytes some work needs when it runs n iterations (n >= 0); must not decrease as n grows. */
typedef double (*hn_mem_need_fn)(const void *user, long n);

/* A request for memory, for memlimit_admit. */
typedef struct {
    hn_mem_need_fn need; /* the work's estimate */
    const void *user;    /* passed to need */
    long iterations;     /* the iterations asked for (>= 0) */
    const char *what;    /* the subject of the message: "100000 iterations", ... */
    const char *option;  /* where the user sets the count: "--iterations", ... */
} hn_mem_request;

/*
 * Admits rq when need(rq->iterations) is at most 3/4 of memlimit_bytes()
 * (HN_OK, also when no limit can be read). Otherwise HN_ERR_LIMIT with
 * "WHAT need about N MB of memory, more than 3/4 of LIMIT (M MB); at most
 * K iterations fit (use OPTION K)", K being the largest count whose need
 * is admitted ("not even 1 iteration fits" when there is none).
 */
hn_status memlimit_admit(const hn_mem_request *rq, hn_error *err);

/* memlimit_admit against `avail` bytes named `avail_name` (<= 0: admitted); for tests. */
hn_status memlimit_admit_within(const hn_mem_request *rq, double avail, const char *avail_name,
                                hn_error *err);

#endif
