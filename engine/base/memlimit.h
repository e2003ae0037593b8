/*
 * memlimit.h - how much memory this process may use.
 *
 * engine_run refuses a run whose memory estimate passes 3/4 of this, so
 * that a run too large fails up front with a message instead of being
 * killed part-way. The machine's physical memory is not the whole story:
 * a container's memory cgroup or a `ulimit -v` can allow much less, and
 * the kernel kills (or malloc fails) at that limit, not at the machine's.
 */
#ifndef HN_MEMLIMIT_H
#define HN_MEMLIMIT_H

/*
 * The smallest of: physical memory, the memory cgroup's limit (v2
 * memory.max or v1 memory.limit_in_bytes, when one is set) and the
 * RLIMIT_AS / RLIMIT_DATA soft limits. 0 when none can be read. *what
 * (when what is not NULL) names the one that applies, for messages:
 * "this machine's memory", "the container's memory limit" or "the
 * process's ulimit" (static strings).
 */
double memlimit_bytes(const char **what);

#endif
