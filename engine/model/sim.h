/*
 * sim.h - one iteration of the model: Y*T terms of MODEL.md section 4.
 *
 * A simulator holds the state and scratch space of one thread. It reads a
 * filled parameter vector (params.h) and writes one row of figures
 * (layout.h). In Monte Carlo mode the flows are drawn from the streams
 * (seed, iteration, section name); in deterministic mode every flow is its
 * expected value and pupils may be fractional.
 */
#ifndef HN_SIM_H
#define HN_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "model/layout.h"
#include "scenario/scenario.h"

typedef struct hn_sim hn_sim;

/* State after a term, for tests and tracing (counts of pupils; may be fractional when deterministic). */
typedef struct {
    int term;                /* 0-based step t */
    int year;                /* 0-based */
    const double *occupancy; /* occupancy[p * n_segments + s] */
    const double *pool;      /* pool[s]: waiting, unsupported */
    double entered;          /* pupils who entered the model this term (referrals) */
    double left;             /* pupils who left the model this term (mainstream, left) */
} hn_sim_trace;

typedef void (*hn_sim_trace_fn)(void *user, const hn_sim_trace *t);

/* New simulator for sc and lay (both must outlive it); caller frees with sim_free. NULL on OOM. */
hn_sim *sim_new(const hn_scenario *sc, const hn_layout *lay);

/* Frees a simulator. NULL is fine. */
void sim_free(hn_sim *s);

/* Calls fn after every term (NULL to stop tracing). */
void sim_set_trace(hn_sim *s, hn_sim_trace_fn fn, void *user);

/* Most pupils one random draw of a Monte Carlo iteration may involve (decisions item R4). */
#define HN_SIM_MAX_DRAW 1e9

/* sim_iteration's result when a count passed HN_SIM_MAX_DRAW: the iteration is not valid. */
#define HN_SIM_TOO_LARGE (-1)

/*
 * Simulates one iteration with parameters pv. Writes lay->n_cols values into
 * row (every "all" column included) and returns the payback year
 * (1..years, 0 when never), or HN_SIM_TOO_LARGE when a Monte Carlo count
 * passed HN_SIM_MAX_DRAW (the row is then not meaningful).
 */
int sim_iteration(hn_sim *s, const double *pv, uint64_t seed, uint64_t iteration,
                  bool deterministic, double *row);

/*
 * Checks the payback years sim_iteration returned for n iterations: HN_OK,
 * or HN_ERR_LIMIT naming the first iteration that was HN_SIM_TOO_LARGE
 * (decisions item R4). engine_run calls it before returning results.
 */
hn_status sim_check_sizes(const int *payback, long n, hn_error *err);

#endif
