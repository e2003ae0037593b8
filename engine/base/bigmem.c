/*
 * bigmem.c - large arrays backed by huge pages where the kernel has them
 * (bigmem.h, decisions P34).
 */
#include "base/bigmem.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

void *bigmem_alloc(size_t bytes)
{
    if (bytes < BIGMEM_PAGE) return malloc(bytes);
    if (bytes > SIZE_MAX - BIGMEM_PAGE) return NULL;
    size_t whole = (bytes + BIGMEM_PAGE - 1) / BIGMEM_PAGE * BIGMEM_PAGE;
    void *p = aligned_alloc(BIGMEM_PAGE, whole);
#ifdef MADV_HUGEPAGE
    /* A request only: it fails (EINVAL) on a kernel without transparent huge pages, and then
     * the pages are ordinary ones. */
    if (p) (void)madvise(p, whole, MADV_HUGEPAGE);
#endif
    return p;
}
