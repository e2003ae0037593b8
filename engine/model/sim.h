/*
 * sim.h - one iteration of the model: Y*T terms of MODEL.md section 4 and
 * the yearly figures of section 5.
 *
 * A simulator holds the state and scratch space of one thread. It reads a
 * filled parameter vector (params.h) and writes one row of figures
 * (layout.h): sim_term.c runs each term, accounts.h books each year. In
 * Monte Carlo mode the flows are drawn from the streams (seed, iteration,
 * section name); in deterministic mode every flow is its expected value
 * and pupils may be fractional.
 */
#ifndef HN_SIM_H
#define HN_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "base/hn_error.h"
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

/* How an iteration went. */
typedef enum {
    HN_SIM_OK = 0,   /* the row holds the iteration's figures */
    HN_SIM_TOO_LARGE /* a Monte Carlo count passed HN_SIM_MAX_DRAW: the row is not meaningful */
} hn_sim_status;

/*
 * Simulates one iteration with parameters pv. Writes lay->n_cols values into
 * row (every "all" column included) and, when payback_year is not NULL, the
 * iteration's payback year into it (accounts_payback: 1..years, 0 when it
 * never pays back). Returns HN_SIM_TOO_LARGE when a Monte Carlo count
 * passed HN_SIM_MAX_DRAW (the count was capped, the row is then not
 * meaningful and the run must be refused: sim_size_error), else HN_SIM_OK.
 * Never allocates.
 */
hn_sim_status sim_iteration(hn_sim *s, const double *pv, uint64_t seed, uint64_t iteration,
                            bool deterministic, double *row, int *payback_year);

/*
 * Sets err to the draw guard's refusal of a run (decisions item R4) naming
 * iteration (0-based; the message counts from 1) and returns HN_ERR_LIMIT.
 * engine_run calls it for the first iteration that was HN_SIM_TOO_LARGE.
 */
hn_status sim_size_error(long iteration, hn_error *err);

#endif
