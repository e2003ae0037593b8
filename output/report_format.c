/*
 * report_format.c - number formats shared by the writers and the command
 * line (report.h): whole numbers with thousands separators, as a finance
 * officer reads them ("10,000 iterations").
 */
#include <stdio.h>

#include "report.h"

void report_thousands(long n, char *buf, size_t cap)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%ld", n < 0 ? -n : n);
    size_t o = 0;
    if (n < 0 && o + 1 < cap) buf[o++] = '-';
    for (int i = 0; i < len && o + 1 < cap; i++) {
        if (i > 0 && (len - i) % 3 == 0 && o + 1 < cap) buf[o++] = ',';
        if (o + 1 < cap) buf[o++] = digits[i];
    }
    if (cap > 0) buf[o < cap ? o : cap - 1] = '\0';
}
