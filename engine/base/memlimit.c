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
