/*
 * bigmem.h - memory for the large arrays of figures a run writes column by
 * column (decisions P34).
 *
 * A run stores its figures column-major (engine.h): each iteration writes
 * one value into every column, so one iteration touches as many pages as
 * there are columns (hundreds). With the kernel's 4 KiB pages that is a
 * miss in the processor's page translation caches for each value, and a
 * page fault for each 4 KiB page (512 values of a column) the first time;
 * with 2 MiB pages a column's values share a page with dozens of others'.
 * bigmem_alloc asks for 2 MiB pages (transparent huge pages, madvise mode,
 * Debian's default) for arrays of 2 MiB and more. It is only a request:
 * where the kernel has no huge pages to give, or does not support them,
 * the memory is ordinary and the results are the same.
 *
 * The cost: touching one byte makes its whole 2 MiB page resident, so an
 * array filled only in part (the start of each column) becomes resident
 * whole; only arrays a run fills should come from here (engine_run.c's
 * figures_alloc). An array takes up to 2 MiB more memory (rounded up) and
 * up to 2 MiB more address space (the alignment's padding), and with
 * Debian's default `defrag` setting a fault may wait while the kernel
 * compacts memory to find a huge page.
 */
#ifndef HN_BIGMEM_H
#define HN_BIGMEM_H

#include <stddef.h>

/* The size of a huge page on x86-64 and arm64 with 4 KiB base pages; arrays smaller than this
 * are plain malloc. */
#define BIGMEM_PAGE ((size_t)2 * 1024 * 1024)

/*
 * Allocates at least `bytes` (uninitialised): below BIGMEM_PAGE through malloc; from it,
 * rounded up to a whole number of BIGMEM_PAGE and aligned to one, with the kernel asked to
 * back it by huge pages. The caller owns the memory and frees it with free() (realloc works
 * on it too). NULL when out of memory, as malloc.
 */
void *bigmem_alloc(size_t bytes);

#endif
