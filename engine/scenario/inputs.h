/*
 * inputs.h - a scenario's sampled inputs: every distribution it writes.
 *
 * A sampled input is one distribution written in the scenario: a whole
 * parameter, or one element of a per-year list. Sampling designs,
 * correlations (the loader's [correlation] section and the model's
 * Iman-Conover reordering) and sensitivity analysis all name and order
 * inputs the same way, through this one list.
 */
#ifndef HN_INPUTS_H
#define HN_INPUTS_H

#include "scenario/scenario.h"

/* One sampled input. */
typedef struct {
    int param; /* index in sc->params */
    int item;  /* element of the list (0 for a single value) */
    int slot;  /* slot of the parameter vector that holds its draw */
    /* "provision.pru.cost_per_pupil", or "...cost_per_pupil[3]" for year 3's element */
    char name[192];
} hn_input;

/*
 * Lists the sampled inputs of sc in parameter order (item order within a
 * parameter). *out is a new array the caller frees, NULL when there are
 * none. Returns the count, or -1 when memory runs out (*out NULL).
 */
int params_inputs(const hn_scenario *sc, hn_input **out);

#endif
