/*
 * sim.c - one iteration of the model: the simulator's state and the driver
 * that runs the Y*T terms of MODEL.md section 4 and books each year
 * (section 5).
 *
 * A simulator belongs to one thread. sim_new allocates everything an
 * iteration needs (state, per-year parameter caches, one random generator
 * per provision and per segment, scratch counts), so sim_iteration never
 * allocates. The state is laid out in sim_state.h; one term's five steps
 * are in sim_term.c and the yearly accounts (money, pupils supported,
 * payback, budget, the "all" columns) in accounts.c. sim_iteration sets
 * the start-of-iteration state and positions the streams, then for every
 * year begins it (sim_year_begin), runs its terms (sim_term) and books it
 * (accounts_year), and closes the accounts (accounts_end).
 *
 * Random flows: the provision NAME draws from the stream
 * (seed, iteration, "provision.NAME"), the segment NAME's pool from
 * (seed, iteration, "demand.NAME") and its referrals from
 * (seed, iteration, "demand.NAME:referrals") (a colon, so that it can never
 * be the stream of a sampled parameter "demand.NAME.KEY"); each stream is
 * positioned once per iteration and drawn from across the terms, so the
 * draws of a section do not depend on any other section. Referrals have a
 * stream of their own so that two options which describe demand alike get
 * the same referrals in every iteration (common random numbers, MODEL.md
 * section 6) even when their pools differ: a pool's draws depend on how
 * many pupils wait in it, which the options' provision changes.
 */
#include "model/sim.h"

#include <stdio.h>
#include <stdlib.h>

#include "model/accounts.h"
#include "model/params.h"
#include "model/rng.h"
#include "model/sim_state.h"

/* Frees a simulator and every buffer it owns; NULL is fine. */
void sim_free(hn_sim *s)
{
    if (!s) return;
    if (s->rng_prov)
        for (int p = 0; p < s->P; p++)
            if (s->rng_prov[p]) gsl_rng_free(s->rng_prov[p]);
    for (int i = 0; i < s->S; i++) {
        if (s->rng_seg && s->rng_seg[i]) gsl_rng_free(s->rng_seg[i]);
        if (s->rng_ref && s->rng_ref[i]) gsl_rng_free(s->rng_ref[i]);
    }
    free(s->rng_prov);
    free(s->rng_seg);
    free(s->rng_ref);
    free(s->key_prov);
    free(s->key_seg);
    free(s->key_ref);
    free(s->occ);
    free(s->tot);
    free(s->pool);
    free(s->places);
    free(s->exit_prob);
    free(s->exit_off);
    free(s->any_exit);
    free(s->prov_ehcna);
    free(s->seg_prob);
    free(s->seg_ehcna);
    free(s->ref_mean);
    free(s->ref_plan);
    free(s->exit_plan);
    free(s->seg_plan);
    free(s->prov_plan);
    free(s->pool_plan);
    free(s->moves);
    free(s->exit_kind);
    free(s->xfer);
    free(s->prov_exits);
    free(s->excl_pool);
    free(s->excl_all);
    free(s->ucount);
    free(s->y_occ_start);
    free(s->y_occ_sum);
    free(s->y_starts);
    free(s->y_blocked);
    free(s->y_closed_out);
    free(s->y_ref);
    free(s->y_excl);
    free(s->y_ehcna);
    free(s->y_cell_n);
    free(s->y_pool_n);
    free(s);
}

/* calloc of n (at least 1) elements of size sz; NULL on OOM. */
static void *zalloc(size_t n, size_t sz)
{
    return calloc(n > 0 ? n : 1, sz);
}

/* Stream hash of "PREFIX.NAME" followed by suffix ("" for none). */
static uint64_t section_hash(const char *prefix, const char *name, const char *suffix)
{
    char buf[320];
    snprintf(buf, sizeof buf, "%s.%s%s", prefix, name, suffix);
    return rng_name_hash(buf);
}

/* Allocates a simulator for sc and lay (borrowed; they must outlive it); caller frees with sim_free; NULL on OOM. */
hn_sim *sim_new(const hn_scenario *sc, const hn_layout *lay)
{
    hn_sim *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->sc = sc;
    s->lay = lay;
    s->P = sc->n_provisions;
    s->S = sc->n_segments;
    s->Y = sc->years;
    s->T = sc->terms;
    size_t P = (size_t)s->P, S = (size_t)s->S;

    /* Allocates n zeroed elements for field f of s; a failure clears ok (checked after a batch). */
#define SIM_ALLOC(f, n) (ok = (s->f = zalloc((n), sizeof *s->f)) != NULL && ok)
    bool ok = true;
    int n_prob = 0, n_moves = 0, max_exits = 0;
    SIM_ALLOC(exit_off, P);
    if (!ok) goto oom;
    for (int p = 0; p < s->P; p++) {
        int ne = sc->provisions[p].n_exits;
        s->exit_off[p] = n_prob;
        n_prob += ne + 1;
        n_moves += ne * s->S;
        if (ne > max_exits) max_exits = ne;
    }
    s->max_k = max_exits + 1 > 3 ? max_exits + 1 : 3;

    SIM_ALLOC(rng_prov, P);
    SIM_ALLOC(prov_exits, P);
    SIM_ALLOC(rng_seg, S);
    SIM_ALLOC(key_prov, P);
    SIM_ALLOC(key_seg, S);
    SIM_ALLOC(rng_ref, S);
    SIM_ALLOC(key_ref, S);
    SIM_ALLOC(occ, P * S);
    SIM_ALLOC(tot, P);
    SIM_ALLOC(pool, S);
    SIM_ALLOC(places, P);
    SIM_ALLOC(exit_prob, (size_t)n_prob);
    SIM_ALLOC(exit_kind, (size_t)n_prob);
    SIM_ALLOC(xfer, (size_t)n_prob);
    SIM_ALLOC(any_exit, P);
    SIM_ALLOC(prov_ehcna, P);
    SIM_ALLOC(seg_prob, S * 3);
    SIM_ALLOC(seg_ehcna, S);
    SIM_ALLOC(ref_mean, S);
    SIM_ALLOC(ref_plan, S);
    SIM_ALLOC(exit_plan, (size_t)n_prob);
    SIM_ALLOC(seg_plan, S * 3);
    SIM_ALLOC(prov_plan, P);
    SIM_ALLOC(pool_plan, S);
    SIM_ALLOC(moves, (size_t)n_moves);
    SIM_ALLOC(excl_pool, S);
    SIM_ALLOC(excl_all, S);
    SIM_ALLOC(ucount, (size_t)s->max_k);
    SIM_ALLOC(y_occ_start, P);
    SIM_ALLOC(y_occ_sum, P);
    SIM_ALLOC(y_starts, P);
    SIM_ALLOC(y_blocked, P);
    SIM_ALLOC(y_closed_out, P);
    SIM_ALLOC(y_ref, S);
    SIM_ALLOC(y_excl, S);
    SIM_ALLOC(y_ehcna, S);
    SIM_ALLOC(y_cell_n, P * S);
    SIM_ALLOC(y_pool_n, S);
    if (!ok) goto oom;
#undef SIM_ALLOC

    double *moves = s->moves; /* provision p's: n_exits * S, in file order */
    for (int p = 0; p < s->P; p++) {
        const hn_provision *pr = &sc->provisions[p];
        for (int e = 0; e < pr->n_exits; e++) {
            int target = pr->exits[e].target;
            s->exit_kind[s->exit_off[p] + e] = (sim_exit_kind){
                .transfer = target >= 0,
                .leaves = target == HN_EXIT_MAINSTREAM || target == HN_EXIT_LEFT,
                .excludes = target == HN_EXIT_EXCLUDED,
            };
            if (target >= 0) s->xfer[s->n_xfer++] = (sim_transfer){ p, e, target };
        }
        s->key_prov[p] = rng_name_key(section_hash("provision", pr->name, ""));
        if (!(s->rng_prov[p] = rng_new())) goto oom;
        s->prov_exits[p] = (sim_prov_exits){ .prob = s->exit_prob + s->exit_off[p],
                                             .plan = s->exit_plan + s->exit_off[p],
                                             .kind = s->exit_kind + s->exit_off[p],
                                             .moves = moves,
                                             .r = s->rng_prov[p],
                                             .n_exits = pr->n_exits };
        moves += pr->n_exits * s->S;
    }
    for (int i = 0; i < s->S; i++) {
        s->key_seg[i] = rng_name_key(section_hash("demand", sc->segments[i].name, ""));
        s->key_ref[i] = rng_name_key(section_hash("demand", sc->segments[i].name, ":referrals"));
        if (!(s->rng_seg[i] = rng_new()) || !(s->rng_ref[i] = rng_new())) goto oom;
    }
    return s;

oom:
    sim_free(s);
    return NULL;
}

/* Sets (or with fn NULL, clears) the per-term trace callback. */
void sim_set_trace(hn_sim *s, hn_sim_trace_fn fn, void *user)
{
    s->trace_fn = fn;
    s->trace_user = user;
}

/* Sets the occupancy and pools at the start of the iteration and positions its streams. */
static void sim_start(hn_sim *s, const double *pv, uint64_t seed, uint64_t iteration, bool det)
{
    const hn_scenario *sc = s->sc;
    int S = s->S;
    uint64_t ik = det ? 0 : rng_iteration_key(seed, iteration); /* once for all its streams */
    for (int p = 0; p < s->P; p++) {
        const hn_provision *pr = &sc->provisions[p];
        s->tot[p] = 0;
        for (int g = 0; g < S; g++) {
            double v = params_get(pv, &pr->initial[g], 0);
            s->occ[p * S + g] = v;
            s->tot[p] += v;
        }
        if (!det) rng_seek_key(s->rng_prov[p], ik, s->key_prov[p]);
    }
    for (int g = 0; g < S; g++) {
        s->pool[g] = params_get(pv, &sc->segments[g].initial, 0);
        if (!det) {
            rng_seek_key(s->rng_seg[g], ik, s->key_seg[g]);
            rng_seek_key(s->rng_ref[g], ik, s->key_ref[g]);
        }
    }
    s->too_large = false;
}

/* Simulates one iteration: every term of every year, each year booked; see sim.h. */
hn_sim_status sim_iteration(hn_sim *s, const double *pv, uint64_t seed, uint64_t iteration,
                            bool deterministic, double *row, int *payback_year)
{
    hn_accounts acc;
    accounts_begin(&acc, s->sc, s->lay, pv, row);
    sim_start(s, pv, seed, iteration, deterministic);
    hn_year_tally tally = { .occ_start = s->y_occ_start,
                            .occ_sum = s->y_occ_sum,
                            .starts = s->y_starts,
                            .blocked = s->y_blocked,
                            .closed_out = s->y_closed_out,
                            .referrals = s->y_ref,
                            .exclusions = s->y_excl,
                            .ehcna = s->y_ehcna,
                            .waiting = s->pool };
    for (int y = 0; y < s->Y; y++) {
        sim_year_begin(s, pv, y);
        for (int t = 0; t < s->T; t++) sim_term(s, deterministic, y, t);
        sim_year_end(s, deterministic);
        tally.entries = s->y_entries;
        tally.closed_in = s->y_closed_in;
        accounts_year(&acc, y, &tally);
    }
    int year = accounts_end(&acc);
    if (payback_year) *payback_year = year;
    return s->too_large ? HN_SIM_TOO_LARGE : HN_SIM_OK;
}

/* The draw guard's refusal (decisions item R4) naming iteration (0-based). */
hn_status sim_size_error(long iteration, hn_error *err)
{
    return hn_error_set(err, HN_ERR_LIMIT,
                        "iteration %ld drew more than %.0f pupils in one flow: a referrals, "
                        "growth or initial distribution reaches an impossible size; narrow it "
                        "(e.g. a smaller sd)",
                        iteration + 1, HN_SIM_MAX_DRAW);
}
