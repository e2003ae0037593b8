/*
 * keys.c - the key tables as data (keys.h), and the parameter list and
 * freeing they drive.
 *
 * Each list of scenario_keys.h is expanded here once into an hn_key table
 * (ROW below): the STORE picks the field's offsets (OFF_*) and, for a
 * family, its functions (FAM_*). Nothing else in the loader names a
 * section's numeric keys one by one: the parameter vector, its length and
 * freeing all walk these tables.
 */
#include "scenario/keys.h"

#include "scenario/domain.h"
#include "scenario/value_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Families                                                           */
/* ------------------------------------------------------------------ */

/* initial / initial.SEGMENT: a provision's occupants at the start, one per segment. */
static int initial_size(const hn_scenario *sc, const void *obj)
{
    const hn_provision *p = obj;
    return p->initial ? sc->n_segments : 0;
}

/* The initial occupants from segment i. */
static hn_param *initial_param(void *obj, int i)
{
    return &((hn_provision *)obj)->initial[i];
}

/* Frees a provision's initial[] (sized by sc's segments). */
static void initial_free(const hn_scenario *sc, void *obj)
{
    hn_provision *p = obj;
    if (p->initial)
        for (int g = 0; g < sc->n_segments; g++) keys_param_free(&p->initial[g]);
    free(p->initial);
    p->initial = NULL;
}

/* exit.TARGET: a provision's exits, in file order. */
static int exit_size(const hn_scenario *sc, const void *obj)
{
    (void)sc;
    return ((const hn_provision *)obj)->n_exits;
}

/* The probability of exit i. */
static hn_param *exit_param(void *obj, int i)
{
    return &((hn_provision *)obj)->exits[i].prob;
}

/* Frees a provision's exits[]. */
static void exit_free(const hn_scenario *sc, void *obj)
{
    (void)sc;
    hn_provision *p = obj;
    for (int e = 0; e < p->n_exits; e++) {
        free(p->exits[e].target_name);
        keys_param_free(&p->exits[e].prob);
    }
    free(p->exits);
    p->exits = NULL;
    p->n_exits = 0;
}

const hn_key_family keys_family_initial = { initial_size, initial_param, initial_free };
const hn_key_family keys_family_exit = { exit_size, exit_param, exit_free };

/* ------------------------------------------------------------------ */
/* The tables                                                         */
/* ------------------------------------------------------------------ */

/* DOMAIN column to hn_domain (-1: not numeric). */
#define KD_NONE        (-1)
#define KD_PROBABILITY HN_DOMAIN_PROBABILITY
#define KD_COUNT       HN_DOMAIN_COUNT
#define KD_MONEY       HN_DOMAIN_MONEY
#define KD_RATE        HN_DOMAIN_RATE
#define KD_BALANCE     HN_DOMAIN_BALANCE

/* A STORE's field offsets in struct T: .off, .off_n. */
#define OFF_TEXT(T, f)        offsetof(T, f), 0
#define OFF_NAME(T, f)        offsetof(T, f), 0
#define OFF_PROVISION(T, f)   offsetof(T, f), 0
#define OFF_PROVISIONS(T, f)  offsetof(T, f), offsetof(T, n_##f)
#define OFF_DESTINATION(T, f) offsetof(T, f), 0
#define OFF_SEGMENTS(T, f)    offsetof(T, f), offsetof(T, n_##f)
#define OFF_INT(T, f)         offsetof(T, f), 0
#define OFF_LONG(T, f)        offsetof(T, f), 0
#define OFF_U64(T, f)         offsetof(T, f), 0
#define OFF_PARAM(T, f)       offsetof(T, f), 0
#define OFF_FAMILY(T, f)      0, 0
#define OFF_PATH(T, f)        offsetof(T, f), 0
#define OFF_EXTENDS(T, f)     0, 0
#define OFF_S251(T, f)        offsetof(T, f), 0

/* A STORE's family: FAMILY rows name theirs. */
#define FAM_TEXT(f)        NULL
#define FAM_NAME(f)        NULL
#define FAM_PROVISION(f)   NULL
#define FAM_PROVISIONS(f)  NULL
#define FAM_DESTINATION(f) NULL
#define FAM_SEGMENTS(f)    NULL
#define FAM_INT(f)         NULL
#define FAM_LONG(f)        NULL
#define FAM_U64(f)         NULL
#define FAM_PARAM(f)       NULL
#define FAM_FAMILY(f)      &keys_family_##f
#define FAM_PATH(f)        NULL
#define FAM_EXTENDS(f)     NULL
#define FAM_S251(f)        NULL

/* One row of scenario_keys.h as an hn_key of struct T. */
/* clang-format off */
#define ROW(T, store, field, key, dom, flags, lo, hi, def, draw, meaning)                       \
    { key, HN_KEY_##store, KD_##dom, flags, lo, hi, def, draw, meaning, OFF_##store(T, field), \
      FAM_##store(field) },
/* clang-format on */

#define SCENARIO_ROW(...)  ROW(hn_scenario, __VA_ARGS__)
#define DEMAND_ROW(...)    ROW(hn_segment, __VA_ARGS__)
#define PROVISION_ROW(...) ROW(hn_provision, __VA_ARGS__)
#define MONEY_ROW(...)     ROW(hn_money_line, __VA_ARGS__)
#define DSG_ROW(...)       ROW(hn_dsg, __VA_ARGS__)

static const hn_key scenario_keys[] = { HN_SCENARIO_KEYS(SCENARIO_ROW){ .key = NULL } };
static const hn_key demand_keys[] = { HN_DEMAND_KEYS(DEMAND_ROW){ .key = NULL } };
static const hn_key provision_keys[] = { HN_PROVISION_KEYS(PROVISION_ROW){ .key = NULL } };
static const hn_key money_keys[] = { HN_MONEY_KEYS(MONEY_ROW){ .key = NULL } };
static const hn_key dsg_keys[] = { HN_DSG_KEYS(DSG_ROW){ .key = NULL } };

/* A named section type whose objects are T in the hn_scenario fields arr[n]. */
#define NAMED(T, arr, n) \
    true, offsetof(hn_scenario, arr), offsetof(hn_scenario, n), sizeof(T), offsetof(T, name), NULL

const hn_key_section keys_sections[HN_SEC__COUNT] = {
    [HN_SEC_SCENARIO] = { "scenario", "[scenario]", scenario_keys, false, 0, 0, 0, 0, NULL },
    [HN_SEC_DEMAND] = { "demand.", "[demand.*]", demand_keys,
                        NAMED(hn_segment, segments, n_segments) },
    [HN_SEC_PROVISION] = { "provision.", "[provision.*]", provision_keys,
                           NAMED(hn_provision, provisions, n_provisions) },
    [HN_SEC_COST] = { "cost.", "[cost.*]", money_keys, NAMED(hn_money_line, costs, n_costs) },
    [HN_SEC_INCOME] = { "income.", "[income.*]", money_keys,
                        NAMED(hn_money_line, incomes, n_incomes) },
    [HN_SEC_DSG] = { "dsg", "[dsg]", dsg_keys, true, offsetof(hn_scenario, dsg),
                     offsetof(hn_scenario, n_dsg), sizeof(hn_dsg), offsetof(hn_dsg, name), "DSG" },
};

const hn_exit_target keys_exit_targets[HN_N_EXIT_TARGETS] = { { "mainstream", HN_EXIT_MAINSTREAM },
                                                              { "left", HN_EXIT_LEFT },
                                                              { "excluded", HN_EXIT_EXCLUDED } };

/* ------------------------------------------------------------------ */
/* Lookups                                                            */
/* ------------------------------------------------------------------ */

bool keys_is_pattern(const hn_key *k)
{
    size_t n = strlen(k->key);
    return n > 0 && k->key[n - 1] == '.';
}

bool keys_is_param(const hn_key *k)
{
    return k->store == HN_KEY_PARAM || k->store == HN_KEY_FAMILY;
}

const hn_key *keys_find(const hn_key *table, const char *key)
{
    for (const hn_key *k = table; k->key; k++) {
        if (keys_is_pattern(k)) {
            size_t n = strlen(k->key);
            if (!strncmp(key, k->key, n) && key[n]) return k;
        } else if (!strcmp(key, k->key)) {
            return k;
        }
    }
    return NULL;
}

hn_sec keys_section_type(const char *name)
{
    for (int t = 0; t < HN_SEC__COUNT; t++) {
        size_t n = strlen(keys_sections[t].prefix);
        if (KEYS_SINGLE(&keys_sections[t]) ? !strcmp(name, keys_sections[t].prefix)
                                           : !strncmp(name, keys_sections[t].prefix, n))
            return (hn_sec)t;
    }
    return HN_SEC_SCENARIO;
}

int keys_count(const hn_scenario *sc, hn_sec t)
{
    const hn_key_section *ks = &keys_sections[t];
    return ks->named ? *(const int *)((const char *)sc + ks->count_off) : 1;
}

/*
 * The array pointer of named type t in sc, read and written through
 * memcpy: the field is an hn_segment *, hn_provision *, ... and is not
 * accessed through another pointer type.
 */
static char *array_of(const hn_scenario *sc, const hn_key_section *ks)
{
    char *base;
    memcpy(&base, (const char *)sc + ks->array_off, sizeof base);
    return base;
}

/* Sets the array pointer of named type ks in sc to base. */
static void set_array(hn_scenario *sc, const hn_key_section *ks, void *base)
{
    memcpy((char *)sc + ks->array_off, &base, sizeof base);
}

bool keys_alloc(hn_scenario *sc, hn_sec t, int n)
{
    const hn_key_section *ks = &keys_sections[t];
    void *base = calloc((size_t)n + 1, ks->size);
    if (!base) return false;
    set_array(sc, ks, base);
    return true;
}

void *keys_object(hn_scenario *sc, hn_sec t, int i)
{
    const hn_key_section *ks = &keys_sections[t];
    if (!ks->named) return sc;
    return array_of(sc, ks) + (size_t)i * ks->size;
}

void *keys_field(void *obj, const hn_key *k)
{
    return (char *)obj + k->off;
}

/*
 * The label of the object of named type t called name[0..n) in sc, or
 * NULL when there is none (the object's NAME when its table has no
 * `label`).
 */
static const char *label_of(const hn_scenario *sc, hn_sec t, const char *name, size_t n)
{
    const hn_key_section *ks = &keys_sections[t];
    const hn_key *lk = keys_find(ks->keys, "label");
    for (int i = 0; i < keys_count(sc, t); i++) {
        /* keys_object only reads sc here. */
        void *obj = keys_object((hn_scenario *)sc, t, i);
        const char *oname = *(char **)((char *)obj + ks->name_off);
        if (!oname || strlen(oname) != n || strncmp(oname, name, n) != 0) continue;
        const char *label = lk ? *(char **)keys_field(obj, lk) : NULL;
        return label && *label ? label : oname;
    }
    return NULL;
}

void keys_param_words(const hn_scenario *sc, const char *name, char *buf, size_t cap)
{
    const char *label = NULL, *key = NULL;
    for (int t = 0; t < HN_SEC__COUNT && !label; t++) {
        const hn_key_section *ks = &keys_sections[t];
        size_t n = strlen(ks->prefix);
        if (strncmp(name, ks->prefix, n) != 0) continue;
        if ((!ks->named || KEYS_SINGLE(ks)) && name[n] == '.') {
            label = ks->named ? ks->title : "Scenario";
            key = name + n + 1;
        } else if (ks->named && !KEYS_SINGLE(ks)) {
            const char *dot = strchr(name + n, '.');
            if (!dot) continue;
            label = label_of(sc, (hn_sec)t, name + n, (size_t)(dot - name - n));
            key = dot + 1;
        }
    }
    if (!label) {
        snprintf(buf, cap, "%s", name);
        return;
    }
    size_t used = (size_t)snprintf(buf, cap, "%s: ", label);
    const char *dot = strchr(key, '.');
    for (const char *p = key; *p && used + 2 < cap; p++) {
        if (p == dot) {
            used += (size_t)snprintf(buf + used, cap - used, " (");
            continue;
        }
        buf[used++] = *p == '_' ? ' ' : *p;
    }
    if (dot && used + 2 < cap) buf[used++] = ')';
    if (used < cap) buf[used] = '\0';
}

void keys_describe_value(const hn_key *k, char *buf, size_t cap)
{
    switch (k->store) {
    case HN_KEY_TEXT: snprintf(buf, cap, "text"); return;
    case HN_KEY_NAME: snprintf(buf, cap, "a name of `[a-z0-9_]+`"); return;
    case HN_KEY_PROVISION: snprintf(buf, cap, "a provision's NAME"); return;
    case HN_KEY_PROVISIONS: snprintf(buf, cap, "provision NAMEs, separated by commas"); return;
    case HN_KEY_DESTINATION:
        snprintf(buf, cap, "`pool`, `mainstream` or a provision's NAME");
        return;
    case HN_KEY_SEGMENTS: snprintf(buf, cap, "segment NAMEs, separated by commas"); return;
    case HN_KEY_INT:
    case HN_KEY_LONG:
    case HN_KEY_U64:
        snprintf(buf, cap, "whole number, %llu to %llu", (unsigned long long)k->lo,
                 (unsigned long long)k->hi);
        return;
    case HN_KEY_PARAM:
    case HN_KEY_FAMILY:
        snprintf(buf, cap, "%s%s%s", domain_name((hn_domain)k->domain),
                 k->flags & HN_KEY_NUMBER   ? ", one number (not a distribution)"
                 : k->flags & HN_KEY_SINGLE ? ", one value"
                                            : "",
                 k->flags & HN_KEY_WHOLE ? ", whole numbers" : "");
        return;
    case HN_KEY_PATH:
    case HN_KEY_EXTENDS: snprintf(buf, cap, "a file"); return;
    case HN_KEY_S251: snprintf(buf, cap, "a Section 251 line's code (`1.2.7`)"); return;
    }
    snprintf(buf, cap, "?");
}

void keys_describe_default(const hn_key *table, const hn_key *k, char *buf, size_t cap)
{
    hn_dist *items = NULL;
    int n;
    char msg[16];
    bool value = keys_is_param(k) && value_parse(k->def, &items, &n, msg, sizeof msg) == HN_OK;
    free(items);
    if (k->flags & HN_KEY_REQUIRED)
        snprintf(buf, cap, "required");
    else if (!*k->def)
        snprintf(buf, cap, "none");
    else if (!strcmp(k->def, "NAME"))
        snprintf(buf, cap, "NAME");
    else if (keys_find(table, k->def))
        snprintf(buf, cap, "the value of `%s`", k->def);
    else if (value || k->store == HN_KEY_INT || k->store == HN_KEY_LONG || k->store == HN_KEY_U64)
        snprintf(buf, cap, "`%s`", k->def);
    else
        snprintf(buf, cap, "%s", k->def);
}

/* True when k is the first row of its family in table (the one that builds and frees it). */
static bool family_first(const hn_key *table, const hn_key *k)
{
    for (const hn_key *j = table; j < k; j++)
        if (j->store == HN_KEY_FAMILY && j->family == k->family) return false;
    return true;
}

/* ------------------------------------------------------------------ */
/* Parameters and freeing                                             */
/* ------------------------------------------------------------------ */

int keys_params(hn_scenario *sc, hn_param **out)
{
    int n = 0;
    for (int t = 0; t < HN_SEC__COUNT; t++) {
        const hn_key *table = keys_sections[t].keys;
        int last = 0;
        for (const hn_key *k = table; k->key; k++) last = k->draw > last ? k->draw : last;
        for (int i = 0; i < keys_count(sc, (hn_sec)t); i++) {
            void *obj = keys_object(sc, (hn_sec)t, i);
            for (int d = 1; d <= last; d++) {
                const hn_key *k = table;
                while (k->key && k->draw != d) k++;
                if (!k->key) continue;
                if (k->store == HN_KEY_PARAM) {
                    if (out) out[n] = keys_field(obj, k);
                    n++;
                } else if (k->store == HN_KEY_FAMILY) {
                    int m = k->family->size(sc, obj);
                    for (int j = 0; j < m; j++, n++)
                        if (out) out[n] = k->family->param(obj, j);
                }
            }
        }
    }
    return n;
}

void keys_param_free(hn_param *p)
{
    free(p->name);
    free(p->items);
    free(p->text);
    free(p->file);
    memset(p, 0, sizeof *p);
}

/* Frees the fields of object obj of table's section. */
static void free_fields(const hn_scenario *sc, const hn_key *table, void *obj)
{
    for (const hn_key *k = table; k->key; k++) {
        void *f = keys_field(obj, k);
        switch (k->store) {
        case HN_KEY_TEXT:
        case HN_KEY_NAME:
        case HN_KEY_PATH: free(*(char **)f); break;
        case HN_KEY_PROVISIONS:
        case HN_KEY_SEGMENTS: free(*(int **)f); break;
        case HN_KEY_PARAM: keys_param_free(f); break;
        case HN_KEY_FAMILY:
            if (family_first(table, k)) k->family->free(sc, obj);
            break;
        case HN_KEY_PROVISION:
        case HN_KEY_DESTINATION:
        case HN_KEY_INT:
        case HN_KEY_LONG:
        case HN_KEY_U64:
        case HN_KEY_S251:
        case HN_KEY_EXTENDS: break;
        }
    }
}

void keys_free(hn_scenario *sc)
{
    /* Every object first: a family may need another section's count (initial[] the segments'). */
    for (int t = 0; t < HN_SEC__COUNT; t++) {
        const hn_key_section *ks = &keys_sections[t];
        for (int i = 0; i < keys_count(sc, (hn_sec)t); i++) {
            void *obj = keys_object(sc, (hn_sec)t, i);
            if (ks->named) free(*(char **)((char *)obj + ks->name_off));
            free_fields(sc, ks->keys, obj);
        }
    }
    for (int t = 0; t < HN_SEC__COUNT; t++) {
        const hn_key_section *ks = &keys_sections[t];
        if (!ks->named) continue;
        free(array_of(sc, ks));
        set_array(sc, ks, NULL);
        *(int *)((char *)sc + ks->count_off) = 0;
    }
}
