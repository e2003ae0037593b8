/*
 * sim_state.h - the simulator's state, shared by the files that make up one
 * iteration (private to engine/model/: nothing outside sim.c and sim_term.c
 * includes it).
 *
 * sim.c owns the state (sim_new, sim_free) and drives an iteration: it sets
 * the start-of-iteration state, then for every year calls sim_year_begin,
 * sim_term for each term and the yearly accounts (accounts.h) with what the
 * year's terms tallied. sim_term.c holds the term itself: the five steps of
 * MODEL.md section 4 and the year's parameter caches they read.
 */
#ifndef HN_SIM_STATE_H
#define HN_SIM_STATE_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stdint.h>

#include "model/draws.h"
#include "model/layout.h"
#include "model/sim.h"
#include "scenario/scenario.h"

/* An exit's kind as factors of 1 or 0 that its counts are multiplied by (decisions P25, P28). */
typedef struct {
    double transfer; /* to a provision: the count waits in s->moves */
    double leaves;   /* to mainstream or left: it leaves the model */
    double excludes; /* permanently excluded */
} sim_exit_kind;

/* What step_exits reads of one provision, gathered once by sim_new (the arrays it points into
 * never move): a term's loop over provisions reads one struct instead of following s's fields
 * and offsets again after every draw (decisions P32). */
typedef struct {
    const double *prob;        /* exit_prob + exit_off[p]: n_exits + 1 probabilities */
    draws_binom *plan;         /* exit_plan + exit_off[p] */
    const sim_exit_kind *kind; /* exit_kind + exit_off[p] */
    double *moves;             /* p's leavers by exit: moves[e*S + s] */
    gsl_rng *r;                /* rng_prov[p] */
    int n_exits;
} sim_prov_exits;

/* An exit to a provision: exit e of provision p, to provision target. */
typedef struct {
    int p, e, target;
} sim_transfer;

struct hn_sim {
    const hn_scenario *sc;
    const hn_layout *lay;
    int P, S, Y, T;

    hn_sim_trace_fn trace_fn;
    void *trace_user;

    /* Random streams: one generator per provision and per segment. */
    gsl_rng **rng_prov; /* P */
    gsl_rng **rng_seg;  /* S: a segment's pool flows */
    gsl_rng **rng_ref;  /* S: a segment's referrals */
    /* Their streams' name keys (rng_name_key of the rng_name_hash of these names). */
    uint64_t *key_prov; /* P: "provision.NAME" */
    uint64_t *key_seg;  /* S: "demand.NAME" */
    uint64_t *key_ref;  /* S: "demand.NAME:referrals" */

    /* State. */
    double *occ;  /* P*S: occ[p*S + s] */
    double *tot;  /* P: total occupancy of p (kept in step with occ) */
    double *pool; /* S */

    /* This year's parameters. */
    double *places;     /* P: capacity; INFINITY when uncapped */
    double *exit_prob;  /* exit_off[p] + k, k = 0..n_exits (last: stay) */
    bool *any_exit;     /* P: some exit probability > 0 */
    int *exit_off;      /* P */
    double *prov_ehcna; /* P */
    double *seg_prob;   /* S*3: exclusion, resolve, stay */
    double *seg_ehcna;  /* S */
    double *ref_mean;   /* S: referrals per term */
    /* The same probabilities prepared for the draws (draws.h, decisions P12, P20). */
    draws_binom *exit_plan;  /* exit_off[p] + k: a cell's exit multinomial */
    draws_binom *seg_plan;   /* S*3: a pool's multinomial */
    draws_poisson *ref_plan; /* S: a segment's referrals, prepared for their mean */
    draws_binom *prov_plan;  /* P: a cell's EHC needs assessment binomial */
    draws_binom *pool_plan;  /* S: a pool's */

    /* The scenario's exits as step_exits and step_transfers walk them (sim_new). */
    sim_exit_kind *exit_kind; /* exit_off[p] + e: exit e of provision p */
    sim_transfer *xfer;       /* n_xfer: the exits to a provision, in p, e order */
    int n_xfer;
    sim_prov_exits *prov_exits; /* P */

    /* Scratch for one term. */
    double *moves;        /* every provision's in turn, read through prov_exits[p].moves */
    double *excl_pool;    /* S: pool exclusions this term */
    double *excl_all;     /* S: all exclusions this term */
    unsigned int *ucount; /* max_k outcome counts of one split, as drawn */
    int max_k;

    /* Yearly accumulators. */
    double *y_occ_start;  /* P: occupancy at the start of the year */
    double *y_occ_sum;    /* P: sum of end-of-term occupancy */
    double *y_starts;     /* P */
    double *y_blocked;    /* P */
    double *y_closed_out; /* P: occupants a closure moved out as the year began */
    double *y_ref;        /* S */
    double *y_excl;       /* S */
    double *y_ehcna;      /* S */
    double *y_cell_n;     /* P*S: a cell's start-of-term occupants summed over the year's terms */
    double *y_pool_n;     /* S: the same for a segment's pool */
    double y_entries;     /* entries into provisions from outside them */
    double y_closed_in;   /* pupils a closure moved into another provision as the year began */
    double y_closed_left; /* pupils a closure sent to mainstream as the year began */
    bool too_large;       /* a draw was capped at HN_SIM_MAX_DRAW this iteration */
};

/*
 * Begins year y (0-based) of an iteration with parameters pv: loads the
 * year's parameters into the caches, zeroes the year's tallies, moves the
 * occupants of every provision closed this year (places 0) to its
 * on_close destination (MODEL.md section 4, Closing) and records the
 * occupancy at the start of the year. Never fails.
 */
void sim_year_begin(hn_sim *s, const double *pv, int y);

/*
 * Runs term t (0-based) of year y: exits, transfers, exclusions, route
 * placement of the waiting pool and new referrals, and the end-of-term
 * occupancy record (MODEL.md section 4, steps 1-5); then calls the trace
 * callback when one is set. In Monte Carlo mode (det false) the flows are
 * drawn from the generators sim.c positioned for the iteration; a count
 * past HN_SIM_MAX_DRAW is capped and sets s->too_large. Never fails.
 */
void sim_term(hn_sim *s, bool det, int y, int t);

/*
 * Ends a year after its terms: in Monte Carlo mode draws the year's EHC
 * needs assessment requests of every cell and pool, one binomial of the
 * occupants summed over the year's terms each (the probability is the
 * year's, so this is the sum of the terms' binomials in distribution).
 * Never fails.
 */
void sim_year_end(hn_sim *s, bool det);

#endif
