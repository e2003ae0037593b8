/*
 * s251.c - the table of Section 251 high-needs lines (s251.h; MODEL.md
 * section 8).
 */
#include "scenario/s251.h"

#include <stdio.h>
#include <string.h>

/* The lines of MODEL.md section 8, in its order. */
static const struct {
    const char *code, *line;
} lines[HN_S251_COUNT] = {
    { "1.0.2", "High needs place funding within Individual Schools Budget" },
    { "1.2.1", "Top-up funding: maintained schools" },
    { "1.2.2", "Top-up funding: academies, free schools and colleges" },
    { "1.2.3", "Top-up and other funding: non-maintained and independent providers" },
    { "1.2.4", "Additional high needs targeted funding for mainstream schools and academies" },
    { "1.2.5", "SEN support service" },
    { "1.2.6", "Hospital education services" },
    { "1.2.7", "Other alternative provision services" },
    { "1.2.8", "Support for inclusion" },
    { "1.2.9", "Special schools and PRUs in financial difficulty" },
    { "1.2.11", "Direct payments (SEN and disability)" },
    { "1.2.13", "Therapies and other health related services" },
};

const char *s251_code(int i)
{
    return i >= 0 && i < HN_S251_COUNT ? lines[i].code : "unassigned";
}

const char *s251_line(int i)
{
    return i >= 0 && i < HN_S251_COUNT ? lines[i].line : "Not assigned";
}

int s251_find(const char *code)
{
    for (int i = 0; i < HN_S251_COUNT; i++)
        if (!strcmp(code, lines[i].code)) return i;
    return HN_S251_NONE;
}

void s251_list(char *buf, size_t cap)
{
    size_t used = 0;
    if (cap) buf[0] = '\0';
    for (int i = 0; i < HN_S251_COUNT && used < cap; i++) {
        int w = snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", lines[i].code);
        if (w < 0) break;
        used += (size_t)w;
    }
}
