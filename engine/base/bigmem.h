/*
 * bigmem.h - memory for the large arrays of figures a run writes column by
 * column (decisions P34).
 *
 * A run stores its figures column-major (engine.h): each iteration writes
 * one value into every column, so one iteration touches as many pages as
 * there are columns (hundreds). With the kernel's 4 KiB pages that is a
 * translation-cache miss and, the first time, a page fault per value; with
 * 2 MiB pages a column's values share a page with dozens of others'.
 * bigmem_alloc asks for 2 MiB pages (transparent huge pages, madvise mode,
 * Debian's default) for arrays of 2 MiB and more. It is only a request:
 * where the kernel has no huge pages to give, or does not support them,
 * the memory is ordinary and everything works the same.
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
