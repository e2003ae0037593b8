/*
 * sim.c - one iteration of the model: the Y*T terms of MODEL.md section 4
 * and the yearly figures of section 5.
 *
 * A simulator belongs to one thread. sim_new allocates everything an
 * iteration needs (state, per-year parameter caches, one random generator
 * per provision and per segment, scratch counts), so sim_iteration never
 * allocates. Each term runs the five steps in the fixed order of MODEL.md
 * section 4 and docs/decisions.md items 13-15: exits (provision cells, then
 * pools), transfers along overflow chains, placement of exclusions, route
 * placement of the waiting pool and new referrals, end-of-term charges.
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
 * many pupils wait in it, which the options' provision changes. A draw whose outcome is certain is
 * skipped and consumes nothing: n == 0 (decisions.md item 15), and also a
 * multinomial whose exit probabilities are all 0, a binomial with p of 0
 * or 1, a Poisson with mean 0. In deterministic mode every flow is its
 * expected value and pupils may be fractional.
 */
#include "model/sim.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/params.h"
#include "model/rng.h"

/* Longest overflow chain followed; the loader refuses loops, this is a guard. */
#define SIM_MAX_HOPS(s) ((s)->P + 1)

struct hn_sim {
    const hn_scenario *sc;
    const hn_layout *lay;
    int P, S, Y, T;

    hn_sim_trace_fn trace_fn;
    void *trace_user;

    /* Random streams: one generator per provision and per segment. */
    gsl_rng **rng_prov;  /* P */
    gsl_rng **rng_seg;   /* S: a segment's pool flows */
    gsl_rng **rng_ref;   /* S: a segment's referrals */
    uint64_t *hash_prov; /* P: rng_name_hash("provision.NAME") */
    uint64_t *hash_seg;  /* S: rng_name_hash("demand.NAME") */
    uint64_t *hash_ref;  /* S: rng_name_hash("demand.NAME:referrals") */

    /* State. */
    double *occ;  /* P*S: occ[p*S + s] */
    double *tot;  /* P: total occupancy of p (kept in step with occ) */
    double *pool; /* S */

    /* This year's parameters. */
    double *places;     /* P: capacity; INFINITY when uncapped */
    double *exit_prob;  /* exit_off[p] + k, k = 0..n_exits (last: stay) */
    int *exit_off;      /* P */
    bool *any_exit;     /* P: some exit probability > 0 */
    double *prov_ehcna; /* P */
    double *seg_prob;   /* S*3: exclusion, resolve, stay */
    double *seg_ehcna;  /* S */
    double *ref_mean;   /* S: referrals per term */

    /* Scratch for one term. */
    double *moves;        /* move_off[p] + e*S + s: leavers of (p, s) by exit e */
    int *move_off;        /* P */
    double *excl_pool;    /* S: pool exclusions this term */
    double *excl_all;     /* S: all exclusions this term */
    double *referred;     /* S: referrals this term */
    double *cnt;          /* max_k outcome counts of one split */
    unsigned int *ucount; /* K counts for a multinomial */
    int max_k;

    /* Yearly accumulators. */
    double *y_occ_start; /* P: occupancy at the start of the year */
    double *y_occ_sum;   /* P: sum of end-of-term occupancy */
    double *y_starts;    /* P */
    double *y_blocked;   /* P */
    double *y_ref;       /* S */
    double *y_excl;      /* S */
    double *y_ehcna;     /* S */
    double y_entries;    /* entries into provisions from outside them */
    bool too_large;      /* a draw was capped at HN_SIM_MAX_DRAW this iteration */
};

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
    free(s->hash_prov);
    free(s->hash_seg);
    free(s->hash_ref);
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
    free(s->moves);
    free(s->move_off);
    free(s->excl_pool);
    free(s->excl_all);
    free(s->referred);
    free(s->cnt);
    free(s->ucount);
    free(s->y_occ_start);
    free(s->y_occ_sum);
    free(s->y_starts);
    free(s->y_blocked);
    free(s->y_ref);
    free(s->y_excl);
    free(s->y_ehcna);
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
    SIM_ALLOC(move_off, P);
    if (!ok) goto oom;
    for (int p = 0; p < s->P; p++) {
        int ne = sc->provisions[p].n_exits;
        s->exit_off[p] = n_prob;
        s->move_off[p] = n_moves;
        n_prob += ne + 1;
        n_moves += ne * s->S;
        if (ne > max_exits) max_exits = ne;
    }
    s->max_k = max_exits + 1 > 3 ? max_exits + 1 : 3;

    SIM_ALLOC(rng_prov, P);
    SIM_ALLOC(rng_seg, S);
    SIM_ALLOC(hash_prov, P);
    SIM_ALLOC(hash_seg, S);
    SIM_ALLOC(rng_ref, S);
    SIM_ALLOC(hash_ref, S);
    SIM_ALLOC(occ, P * S);
    SIM_ALLOC(tot, P);
    SIM_ALLOC(pool, S);
    SIM_ALLOC(places, P);
    SIM_ALLOC(exit_prob, (size_t)n_prob);
    SIM_ALLOC(any_exit, P);
    SIM_ALLOC(prov_ehcna, P);
    SIM_ALLOC(seg_prob, S * 3);
    SIM_ALLOC(seg_ehcna, S);
    SIM_ALLOC(ref_mean, S);
    SIM_ALLOC(moves, (size_t)n_moves);
    SIM_ALLOC(excl_pool, S);
    SIM_ALLOC(excl_all, S);
    SIM_ALLOC(referred, S);
    SIM_ALLOC(cnt, (size_t)s->max_k);
    SIM_ALLOC(ucount, (size_t)s->max_k);
    SIM_ALLOC(y_occ_start, P);
    SIM_ALLOC(y_occ_sum, P);
    SIM_ALLOC(y_starts, P);
    SIM_ALLOC(y_blocked, P);
    SIM_ALLOC(y_ref, S);
    SIM_ALLOC(y_excl, S);
    SIM_ALLOC(y_ehcna, S);
    if (!ok) goto oom;
#undef SIM_ALLOC

    for (int p = 0; p < s->P; p++) {
        s->hash_prov[p] = section_hash("provision", sc->provisions[p].name, "");
        if (!(s->rng_prov[p] = rng_new())) goto oom;
    }
    for (int i = 0; i < s->S; i++) {
        s->hash_seg[i] = section_hash("demand", sc->segments[i].name, "");
        s->hash_ref[i] = section_hash("demand", sc->segments[i].name, ":referrals");
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

/* Probability clamped to [0, 1] (guards the samplers against rounding). */
static double prob01(double p)
{
    return p < 0 ? 0 : (p > 1 ? 1 : p);
}

/* Loads year y's parameters into the simulator's caches. */
static void load_year(hn_sim *s, const double *pv, int y)
{
    const hn_scenario *sc = s->sc;
    for (int p = 0; p < s->P; p++) {
        const hn_provision *pr = &sc->provisions[p];
        s->places[p] = pr->capped ? params_get(pv, &pr->places, y) : INFINITY;
        double *pk = s->exit_prob + s->exit_off[p];
        double sum = 0;
        for (int e = 0; e < pr->n_exits; e++) {
            pk[e] = prob01(params_get(pv, &pr->exits[e].prob, y));
            sum += pk[e];
        }
        pk[pr->n_exits] = sum < 1 ? 1 - sum : 0;
        s->any_exit[p] = sum > 0;
        s->prov_ehcna[p] = prob01(params_get(pv, &pr->ehcna, y));
    }
    for (int i = 0; i < s->S; i++) {
        const hn_segment *sg = &sc->segments[i];
        double ex = prob01(params_get(pv, &sg->exclusion, y));
        double re = prob01(params_get(pv, &sg->resolve, y));
        s->seg_prob[3 * i] = ex;
        s->seg_prob[3 * i + 1] = re;
        s->seg_prob[3 * i + 2] = ex + re < 1 ? 1 - ex - re : 0;
        s->seg_ehcna[i] = prob01(params_get(pv, &sg->ehcna, y));
        double ref;
        if (sg->referrals_per_year) {
            ref = params_get(pv, &sg->referrals, y);
        } else {
            ref = params_get(pv, &sg->referrals, 0);
            for (int k = 1; k <= y; k++) ref *= 1 + params_get(pv, &sg->growth, k);
        }
        s->ref_mean[i] = ref > 0 ? ref / s->T : 0;
    }
}

/*
 * Whole number of pupils held in a double (Monte Carlo mode). Above
 * HN_SIM_MAX_DRAW the draws would leave the range GSL handles exactly (its
 * counts are unsigned int; its Poisson never ends above about 4e9): the
 * count is capped to keep the arithmetic defined and the iteration marked
 * too large, so that the run is refused (docs/decisions.md item R4).
 */
static unsigned int ucount_of(hn_sim *s, double x)
{
    if (!(x > 0)) return 0u;
    if (x > HN_SIM_MAX_DRAW) {
        s->too_large = true;
        x = HN_SIM_MAX_DRAW;
    }
    return (unsigned int)llround(x);
}

/*
 * Splits n pupils over K outcomes with probabilities prob (summing to 1):
 * out[k] = the count of outcome k (expected value when deterministic).
 * Skipped (all zero but the last outcome, "stay") when n is 0 or only the
 * last outcome is possible.
 */
static void split(hn_sim *s, gsl_rng *r, bool det, double n, const double *prob, int K, bool any,
                  double *out)
{
    if (det) {
        for (int k = 0; k < K; k++) out[k] = n * prob[k];
        return;
    }
    unsigned int un = ucount_of(s, n);
    if (un == 0 || !any) {
        for (int k = 0; k < K - 1; k++) out[k] = 0;
        out[K - 1] = un;
        return;
    }
    gsl_ran_multinomial(r, (size_t)K, un, prob, s->ucount);
    for (int k = 0; k < K; k++) out[k] = s->ucount[k];
}

/* A Poisson mean capped at HN_SIM_MAX_DRAW (marking the iteration too large when it is). */
static double poisson_mean(hn_sim *s, double mean)
{
    if (mean > HN_SIM_MAX_DRAW) {
        s->too_large = true;
        return HN_SIM_MAX_DRAW;
    }
    return mean;
}

/* Binomial(n, p), or n*p when deterministic; skipped when the outcome is certain. */
static double binom(hn_sim *s, gsl_rng *r, bool det, double n, double p)
{
    if (det) return n * p;
    unsigned int un = ucount_of(s, n);
    if (un == 0 || p <= 0) return 0;
    if (p >= 1) return un;
    return gsl_ran_binomial(r, p, un);
}

/* Free places in provision p now (INFINITY when uncapped, never negative). */
static double free_places(const hn_sim *s, int p)
{
    double f = s->places[p] - s->tot[p];
    return f > 0 ? f : 0;
}

/* Puts n pupils of segment g into provision p as starts. */
static void admit(hn_sim *s, int p, int g, double n)
{
    s->occ[p * s->S + g] += n;
    s->tot[p] += n;
    s->y_starts[p] += n;
}

/*
 * Step 1: exits from provisions (file order, segment order), then pools.
 * Leavers leave their source; transfers wait in s->moves, exclusions in
 * s->excl_*. Returns the pupils who left the model (mainstream, left).
 */
static double step_exits(hn_sim *s, bool det)
{
    const hn_scenario *sc = s->sc;
    int S = s->S;
    double left = 0;
    double *cnt = s->cnt; /* max_k >= every K */

    for (int g = 0; g < S; g++) {
        s->excl_pool[g] = 0;
        s->excl_all[g] = 0;
    }
    for (int p = 0; p < s->P; p++) {
        const hn_provision *pr = &sc->provisions[p];
        const double *prob = s->exit_prob + s->exit_off[p];
        int K = pr->n_exits + 1;
        gsl_rng *r = s->rng_prov[p];
        for (int g = 0; g < S; g++) {
            double n = s->occ[p * S + g];
            double *mv = s->moves + s->move_off[p];
            double gone = 0;
            if (pr->n_exits > 0) {
                split(s, r, det, n, prob, K, s->any_exit[p], cnt);
                for (int e = 0; e < pr->n_exits; e++) {
                    double c = cnt[e];
                    mv[e * S + g] = 0;
                    if (c == 0) continue;
                    gone += c;
                    switch (pr->exits[e].target) {
                    case HN_EXIT_MAINSTREAM:
                    case HN_EXIT_LEFT: left += c; break;
                    case HN_EXIT_EXCLUDED: s->excl_all[g] += c; break;
                    default: mv[e * S + g] = c; break;
                    }
                }
            }
            s->y_ehcna[g] += binom(s, r, det, n, s->prov_ehcna[p]);
            s->occ[p * S + g] = det ? n * prob[K - 1] : n - gone;
        }
    }
    for (int g = 0; g < S; g++) {
        const double *prob = s->seg_prob + 3 * g;
        gsl_rng *r = s->rng_seg[g];
        double n = s->pool[g];
        split(s, r, det, n, prob, 3, prob[0] > 0 || prob[1] > 0, cnt);
        s->excl_pool[g] = cnt[0];
        s->excl_all[g] += cnt[0];
        left += cnt[1];
        s->pool[g] = det ? n * prob[2] : n - cnt[0] - cnt[1];
        s->y_ehcna[g] += binom(s, r, det, n, s->seg_ehcna[g]);
    }
    return left;
}

/*
 * Step 2: transfers by source provision, exit key, segment: to the target
 * while it has places, then along its overflow chain, the rest back to the
 * source (a blocked transfer of the target; not a start).
 */
static void step_transfers(hn_sim *s)
{
    const hn_scenario *sc = s->sc;
    int S = s->S;
    for (int p = 0; p < s->P; p++) {
        const hn_provision *pr = &sc->provisions[p];
        const double *mv = s->moves + s->move_off[p];
        for (int e = 0; e < pr->n_exits; e++) {
            int target = pr->exits[e].target;
            if (target < 0) continue;
            for (int g = 0; g < S; g++) {
                double rem = mv[e * S + g];
                if (rem <= 0) continue;
                int hops = 0;
                for (int q = target; q >= 0 && rem > 0 && hops < SIM_MAX_HOPS(s);
                     q = sc->provisions[q].overflow, hops++) {
                    double take = fmin(rem, free_places(s, q));
                    if (take > 0) {
                        admit(s, q, g, take);
                        rem -= take;
                    }
                }
                if (rem > 0) {
                    s->occ[p * S + g] += rem;
                    s->tot[p] += rem;
                    s->y_blocked[target] += rem;
                }
            }
        }
    }
}

/*
 * Step 3: this term's exclusions, segment by segment, placed along the
 * segment's excluded_route (the last provision takes the rest). Placed pool
 * exclusions are entries from outside the provisions.
 */
static void step_exclusions(hn_sim *s)
{
    const hn_scenario *sc = s->sc;
    for (int g = 0; g < s->S; g++) {
        double rem = s->excl_all[g];
        s->y_excl[g] += rem;
        if (rem <= 0) continue;
        const hn_segment *sg = &sc->segments[g];
        for (int i = 0; i < sg->n_excluded_route && rem > 0; i++) {
            int q = sg->excluded_route[i];
            double take = i == sg->n_excluded_route - 1 ? rem : fmin(rem, free_places(s, q));
            if (take > 0) {
                admit(s, q, g, take);
                rem -= take;
            }
        }
        /* Only without an excluded_route (the loader refuses that): they wait. */
        double placed = s->excl_all[g] - rem;
        s->y_entries += fmin(s->excl_pool[g], placed);
        if (rem > 0) s->pool[g] += rem;
    }
}

/*
 * Step 4: segment by segment, the waiting pool and then new referrals are
 * offered the route in order; who finds no place waits. Returns referrals.
 */
static double step_route(hn_sim *s, bool det)
{
    const hn_scenario *sc = s->sc;
    double entered = 0;
    for (int g = 0; g < s->S; g++) {
        double mean = det ? s->ref_mean[g] : poisson_mean(s, s->ref_mean[g]);
        double ref;
        if (det)
            ref = mean;
        else
            ref = mean > 0 ? (double)gsl_ran_poisson(s->rng_ref[g], mean) : 0;
        s->y_ref[g] += ref;
        entered += ref;
        double rem = s->pool[g] + ref;
        const hn_segment *sg = &sc->segments[g];
        for (int i = 0; i < sg->n_route && rem > 0; i++) {
            int q = sg->route[i];
            double take = fmin(rem, free_places(s, q));
            if (take > 0) {
                admit(s, q, g, take);
                s->y_entries += take;
                rem -= take;
            }
        }
        s->pool[g] = rem;
    }
    return entered;
}

/*
 * Pointer to year 0 of figure (m, k, i) in row; NULL when the layout lacks
 * it. The same column as layout_col(lay, m, k, i, 0), inlined: i is always
 * a valid entity index here.
 */
static inline double *fig(const hn_sim *s, double *row, hn_metric m, hn_entity_kind k, int i)
{
    int f = s->lay->first[m][k];
    return f < 0 ? NULL : row + (long)(f + i) * (s->Y + 1);
}

/* Stores v in year y of figure f when present. */
static void put(double *f, int y, double v)
{
    if (f) f[y] = v;
}

/* Simulates one iteration with parameter vector pv and writes every column of row; returns the payback year (0: never). */
int sim_iteration(hn_sim *s, const double *pv, uint64_t seed, uint64_t iteration,
                  bool deterministic, double *row)
{
    const hn_scenario *sc = s->sc;
    const hn_layout *lay = s->lay;
    int P = s->P, S = s->S, Y = s->Y, T = s->T;
    bool det = deterministic;

    memset(row, 0, (size_t)lay->n_cols * sizeof *row);
    s->too_large = false;

    /* Initial state and streams. */
    for (int p = 0; p < P; p++) {
        const hn_provision *pr = &sc->provisions[p];
        s->tot[p] = 0;
        for (int g = 0; g < S; g++) {
            double v = params_get(pv, &pr->initial[g], 0);
            s->occ[p * S + g] = v;
            s->tot[p] += v;
        }
        if (!det) rng_seek(s->rng_prov[p], seed, iteration, s->hash_prov[p]);
    }
    for (int g = 0; g < S; g++) {
        s->pool[g] = params_get(pv, &sc->segments[g].initial, 0);
        if (!det) {
            rng_seek(s->rng_seg[g], seed, iteration, s->hash_seg[g]);
            rng_seek(s->rng_ref[g], seed, iteration, s->hash_ref[g]);
        }
    }

    double baseline = params_get(pv, &sc->baseline_cost, 0);
    double infl = 1;
    double cum = 0, sum_net = 0, sum_supported = 0, sum_budget = 0;
    int payback_year = 0;

    double *f_gross = fig(s, row, HN_M_GROSS_COST, HN_ENT_TOTAL, 0);
    double *f_income = fig(s, row, HN_M_INCOME, HN_ENT_TOTAL, 0);
    double *f_net = fig(s, row, HN_M_NET_COST, HN_ENT_TOTAL, 0);
    double *f_vs = fig(s, row, HN_M_VS_BASELINE, HN_ENT_TOTAL, 0);
    double *f_cum = fig(s, row, HN_M_CUMULATIVE_PAYBACK, HN_ENT_TOTAL, 0);
    double *f_cps = fig(s, row, HN_M_COST_PER_SUPPORTED, HN_ENT_TOTAL, 0);
    double *f_sup = fig(s, row, HN_M_SUPPORTED, HN_ENT_TOTAL, 0);
    double *f_ref = fig(s, row, HN_M_REFERRALS, HN_ENT_TOTAL, 0);
    double *f_excl = fig(s, row, HN_M_EXCLUSIONS, HN_ENT_TOTAL, 0);
    double *f_ehcna = fig(s, row, HN_M_EHCNA, HN_ENT_TOTAL, 0);
    double *f_wait = fig(s, row, HN_M_WAITING, HN_ENT_TOTAL, 0);
    double *f_budget = sc->has_budget ? fig(s, row, HN_M_WITHIN_BUDGET, HN_ENT_TOTAL, 0) : NULL;
    double *f_payback = fig(s, row, HN_M_PAYBACK_BY_YEAR, HN_ENT_TOTAL, 0);

    for (int y = 0; y < Y; y++) {
        if (y > 0 && sc->has_inflation) infl *= 1 + params_get(pv, &sc->inflation, y);
        load_year(s, pv, y);
        for (int p = 0; p < P; p++) {
            s->y_occ_start[p] = s->tot[p];
            s->y_occ_sum[p] = 0;
            s->y_starts[p] = 0;
            s->y_blocked[p] = 0;
        }
        for (int g = 0; g < S; g++) {
            s->y_ref[g] = 0;
            s->y_excl[g] = 0;
            s->y_ehcna[g] = 0;
        }
        s->y_entries = 0;

        for (int t = 0; t < T; t++) {
            double left = step_exits(s, det);
            /* Totals after the leavers have gone. */
            for (int p = 0; p < P; p++) {
                double sum = 0;
                for (int g = 0; g < S; g++) sum += s->occ[p * S + g];
                s->tot[p] = sum;
            }
            step_transfers(s);
            step_exclusions(s);
            double entered = step_route(s, det);
            for (int p = 0; p < P; p++) s->y_occ_sum[p] += s->tot[p];
            if (s->trace_fn) {
                hn_sim_trace tr = { y * T + t, y, s->occ, s->pool, entered, left };
                s->trace_fn(s->trace_user, &tr);
            }
        }

        /* Yearly figures. */
        double gross = 0, income = 0, occ_start = 0;
        for (int p = 0; p < P; p++) {
            const hn_provision *pr = &sc->provisions[p];
            double commissioned = pr->commissioned_is_places ? params_get(pv, &pr->places, y)
                                                             : params_get(pv, &pr->commissioned, y);
            double occ_years = s->y_occ_sum[p] / T; /* pupil-years of occupancy */
            double g_p = (params_get(pv, &pr->fixed_cost, y) +
                          params_get(pv, &pr->place_funding, y) * commissioned +
                          params_get(pv, &pr->cost_per_pupil, y) * occ_years +
                          params_get(pv, &pr->cost_per_start, y) * s->y_starts[p]) *
                         infl;
            double i_p = (params_get(pv, &pr->income_per_pupil, y) * occ_years +
                          params_get(pv, &pr->income_per_start, y) * s->y_starts[p]) *
                         infl;
            put(fig(s, row, HN_M_GROSS_COST, HN_ENT_PROVISION, p), y, g_p);
            put(fig(s, row, HN_M_INCOME, HN_ENT_PROVISION, p), y, i_p);
            put(fig(s, row, HN_M_NET_COST, HN_ENT_PROVISION, p), y, g_p - i_p);
            put(fig(s, row, HN_M_SUPPORTED, HN_ENT_PROVISION, p), y,
                s->y_occ_start[p] + s->y_starts[p]);
            put(fig(s, row, HN_M_OCCUPANCY, HN_ENT_PROVISION, p), y, occ_years);
            put(fig(s, row, HN_M_STARTS, HN_ENT_PROVISION, p), y, s->y_starts[p]);
            put(fig(s, row, HN_M_BLOCKED, HN_ENT_PROVISION, p), y, s->y_blocked[p]);
            gross += g_p;
            income += i_p;
            occ_start += s->y_occ_start[p];
        }
        for (int c = 0; c < sc->n_costs; c++) {
            double a = params_get(pv, &sc->costs[c].amount, y) * infl;
            put(fig(s, row, HN_M_GROSS_COST, HN_ENT_COST, c), y, a);
            put(fig(s, row, HN_M_INCOME, HN_ENT_COST, c), y, 0);
            put(fig(s, row, HN_M_NET_COST, HN_ENT_COST, c), y, a);
            gross += a;
        }
        for (int c = 0; c < sc->n_incomes; c++) {
            double a = params_get(pv, &sc->incomes[c].amount, y) * infl;
            put(fig(s, row, HN_M_GROSS_COST, HN_ENT_INCOME, c), y, 0);
            put(fig(s, row, HN_M_INCOME, HN_ENT_INCOME, c), y, a);
            put(fig(s, row, HN_M_NET_COST, HN_ENT_INCOME, c), y, -a);
            income += a;
        }
        double net = gross - income;
        double supported = occ_start + s->y_entries;
        cum += net - baseline;
        if (payback_year == 0 && cum <= 0) payback_year = y + 1;
        sum_net += net;
        sum_supported += supported;
        put(f_gross, y, gross);
        put(f_income, y, income);
        put(f_net, y, net);
        put(f_vs, y, net - baseline);
        put(f_cum, y, cum);
        put(f_sup, y, supported);
        put(f_cps, y, supported > 0 ? net / supported : NAN);
        if (f_budget) {
            double b = params_get(pv, &sc->budget, y);
            sum_budget += b;
            f_budget[y] = net <= b ? 1 : 0;
        }

        double t_ref = 0, t_excl = 0, t_ehcna = 0, t_wait = 0;
        for (int g = 0; g < S; g++) {
            put(fig(s, row, HN_M_REFERRALS, HN_ENT_SEGMENT, g), y, s->y_ref[g]);
            put(fig(s, row, HN_M_EXCLUSIONS, HN_ENT_SEGMENT, g), y, s->y_excl[g]);
            put(fig(s, row, HN_M_EHCNA, HN_ENT_SEGMENT, g), y, s->y_ehcna[g]);
            put(fig(s, row, HN_M_WAITING, HN_ENT_SEGMENT, g), y, s->pool[g]);
            t_ref += s->y_ref[g];
            t_excl += s->y_excl[g];
            t_ehcna += s->y_ehcna[g];
            t_wait += s->pool[g];
        }
        put(f_ref, y, t_ref);
        put(f_excl, y, t_excl);
        put(f_ehcna, y, t_ehcna);
        put(f_wait, y, t_wait);
    }

    /* "All" columns: the layout's rules, then the special ones. */
    layout_fill_all(lay, row);
    put(f_cps, Y, sum_supported > 0 ? sum_net / sum_supported : NAN);
    if (f_budget) f_budget[Y] = sum_net <= sum_budget ? 1 : 0;
    if (f_payback) {
        for (int y = 0; y < Y; y++)
            f_payback[y] = payback_year > 0 && payback_year <= y + 1 ? 1 : 0;
        f_payback[Y] = payback_year > 0 ? 1 : 0;
    }
    return s->too_large ? HN_SIM_TOO_LARGE : payback_year;
}

hn_status sim_check_sizes(const int *payback, long n, hn_error *err)
{
    for (long i = 0; i < n; i++)
        if (payback[i] == HN_SIM_TOO_LARGE)
            return hn_error_set(err, HN_ERR_LIMIT,
                                "iteration %ld drew more than %.0f pupils in one flow: a "
                                "referrals, growth or initial distribution reaches an impossible "
                                "size; narrow it (e.g. a smaller sd)",
                                i + 1, HN_SIM_MAX_DRAW);
    return HN_OK;
}
