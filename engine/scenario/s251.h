/*
 * s251.h - the Section 251 high-needs lines a scenario's money is reported
 * under (MODEL.md section 8).
 *
 * A provision, cost line or income line may carry `s251 = CODE`; [dsg]
 * `other_s251` names the line of the spend the scenario does not model
 * line by line. The table is fixed: an unknown code is an error that lists
 * these. Lines are kept as indices into the table; HN_S251_NONE (-1) is
 * "not assigned". Place funding always goes to line 1.0.2 (HN_S251_PLACE).
 */
#ifndef HN_S251_H
#define HN_S251_H

#include <stddef.h>

/* Known lines, in the order of the table (and of reports). */
#define HN_S251_COUNT 12
/* A line that is not assigned (no `s251`). */
#define HN_S251_NONE (-1)
/* Index of 1.0.2, high needs place funding within the ISB. */
#define HN_S251_PLACE 0

/* Code of line i ("1.2.7"); "unassigned" for HN_S251_NONE. */
const char *s251_code(int i);

/* Description of line i ("Other alternative provision services"); "Not assigned" for
 * HN_S251_NONE. */
const char *s251_line(int i);

/* Index of code in the table, or HN_S251_NONE when it is not a known code. */
int s251_find(const char *code);

/* Every known code, separated by ", ", into buf (cap bytes, always terminated). */
void s251_list(char *buf, size_t cap);

#endif
