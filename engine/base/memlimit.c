/*
 * memlimit.c - how much memory this process may use (memlimit.h).
 *
 * Physical memory comes from sysconf. The memory cgroup is found through
 * /proc/self/cgroup (a "0::/path" line for cgroup v2, "N:memory:/path" for
 * v1) and its limit read from the cgroup file system, at the path given
 * and, since a container often sees its own cgroup as the root, at the
 * mount point itself; "max" and v1's huge "no limit" values mean no limit.
 * The rlimits are read with getrlimit. Anything that cannot be read is
 * simply not a limit.
 *
 * Admission (memlimit_admit) compares an estimate with 3/4 of the limit;
 * the count of iterations it advises is the largest whose estimate is
 * admitted, found by bisection on the same estimate (which never decreases
 * with the count), so the advice is itself admitted.
 */
#include "base/memlimit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* Reads one number of bytes from path; 0 when absent, unreadable, "max" or absurdly large. */
static double read_limit(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char buf[64] = "";
    char *got = fgets(buf, sizeof buf, f);
    fclose(f);
    if (!got) return 0;
    char *end = NULL;
    double v = strtod(buf, &end);
    if (end == buf || v <= 0 || v >= 1e18) /* v1 says "no limit" with about 9.2e18 */
        return 0;
    return v;
}

/* Keeps the smaller positive limit in *best (and its name in *what). */
static void keep(double v, const char *name, double *best, const char **what)
{
    if (v > 0 && (*best <= 0 || v < *best)) {
        *best = v;
        *what = name;
    }
}

/* The memory cgroup's limit, or 0 when there is none or it cannot be read. */
static double cgroup_limit(void)
{
    FILE *f = fopen("/proc/self/cgroup", "r");
    if (!f) return 0;
    char line[1024];
    double best = 0;
    const char *unused = NULL;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *c1 = strchr(line, ':');
        char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2) continue;
        *c2 = '\0';
        const char *ctrl = c1 + 1, *cpath = c2 + 1;
        const char *mount, *file;
        if (!strcmp(line, "0") && !*ctrl) {
            mount = "/sys/fs/cgroup";
            file = "memory.max";
        } else if (!strcmp(ctrl, "memory")) {
            mount = "/sys/fs/cgroup/memory";
            file = "memory.limit_in_bytes";
        } else {
            continue;
        }
        char path[1400];
        snprintf(path, sizeof path, "%s%s/%s", mount, cpath, file);
        keep(read_limit(path), "", &best, &unused);
        snprintf(path, sizeof path, "%s/%s", mount, file);
        keep(read_limit(path), "", &best, &unused);
    }
    fclose(f);
    return best;
}

double memlimit_bytes(const char **what)
{
    double best = 0;
    const char *name = NULL;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0)
        keep((double)pages * (double)page, "this machine's memory", &best, &name);
    keep(cgroup_limit(), "the container's memory limit", &best, &name);
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        keep((double)rl.rlim_cur, "the process's ulimit", &best, &name);
    if (getrlimit(RLIMIT_DATA, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        keep((double)rl.rlim_cur, "the process's ulimit", &best, &name);
    if (what) *what = name;
    return best;
}

/* Share of the limit that work may take. */
#define ADMIT_SHARE 0.75

/* The largest n in [0, below) whose need is at most limit (0 when even n = 0 is not). */
static long most_that_fit(const hn_mem_request *rq, double limit, long below)
{
    long lo = 0, hi = below; /* need(lo) fits, or lo == 0; need(hi) does not */
    while (hi - lo > 1) {
        long mid = lo + (hi - lo) / 2;
        if (rq->need(rq->user, mid) <= limit)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Admits rq against avail bytes; see memlimit.h. */
hn_status memlimit_admit_within(const hn_mem_request *rq, double avail, const char *avail_name,
                                hn_error *err)
{
    if (avail <= 0) return HN_OK; /* unknown: nothing to check against */
    double limit = ADMIT_SHARE * avail;
    double need = rq->need(rq->user, rq->iterations);
    if (need <= limit) return HN_OK;
    long fit = most_that_fit(rq, limit, rq->iterations);
    char advice[96];
    if (fit > 0)
        snprintf(advice, sizeof advice, "at most %ld iterations fit (use %s %ld)", fit, rq->option,
                 fit);
    else
        snprintf(advice, sizeof advice, "not even 1 iteration fits");
    return hn_error_set(err, HN_ERR_LIMIT,
                        "%s need about %.0f MB of memory, more than 3/4 of %s (%.0f MB); %s",
                        rq->what, need / 1048576.0, avail_name, avail / 1048576.0, advice);
}

/* Admits rq against the limit this process has; see memlimit.h. */
hn_status memlimit_admit(const hn_mem_request *rq, hn_error *err)
{
    const char *name = NULL;
    double avail = memlimit_bytes(&name);
    return memlimit_admit_within(rq, avail, name ? name : "the memory available", err);
}
