/*
 * sim_term.c - one term of the model: the five steps of MODEL.md section 4
 * in the fixed order of docs/decisions.md items 13-15, and the year's
 * parameter caches they read (sim_state.h).
 *
 * Each term: exits (provision cells in file and segment order, then the
 * pools), transfers along overflow chains, placement of exclusions along
 * each segment's excluded_route, route placement of the waiting pool and
 * then new referrals, and the end-of-term occupancy record from which the
 * yearly accounts (accounts.c) charge the term's per-pupil costs. Before a
 * year's first term, the occupants of a provision closed that year (places
 * 0) leave for its on_close destination (section 4, Closing); those moves
 * draw nothing.
 *
 * Random flows draw from the generators sim.c positioned for the
 * iteration: a provision's from its own stream, a segment's pool flows and
 * its referrals from two streams of their own (see sim.c). A draw whose
 * outcome is certain is skipped and consumes nothing: n == 0
 * (decisions.md item 15), and also a multinomial whose exit probabilities
 * are all 0, a binomial with p of 0 or 1, a Poisson with mean 0. In
 * deterministic mode every flow is its expected value and pupils may be
 * fractional. Nothing here allocates or fails.
 */
#include <math.h>

#include "model/draws.h"
#include "model/params.h"
#include "model/sim_state.h"

/* Longest overflow chain followed; the loader refuses loops, this is a guard. */
#define SIM_MAX_HOPS(s) ((s)->P + 1)

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
        draws_multinomial_set(s->exit_plan + s->exit_off[p], pk, pr->n_exits + 1);
        draws_binom_set(&s->prov_plan[p], s->prov_ehcna[p]);
    }
    for (int i = 0; i < s->S; i++) {
        const hn_segment *sg = &sc->segments[i];
        double ex = prob01(params_get(pv, &sg->exclusion, y));
        double re = prob01(params_get(pv, &sg->resolve, y));
        s->seg_prob[3 * i] = ex;
        s->seg_prob[3 * i + 1] = re;
        s->seg_prob[3 * i + 2] = ex + re < 1 ? 1 - ex - re : 0;
        s->seg_ehcna[i] = prob01(params_get(pv, &sg->ehcna, y));
        draws_multinomial_set(s->seg_plan + 3 * i, s->seg_prob + 3 * i, 3);
        draws_binom_set(&s->pool_plan[i], s->seg_ehcna[i]);
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
    unsigned int whole = (unsigned int)x; /* x is in (0, 1e9]: the conversion is defined */
    return (double)whole == x ? whole : (unsigned int)llround(x);
}

/*
 * Splits n pupils over K outcomes (the last is "stay"; plan holds their probabilities prepared
 * for the draw) in Monte Carlo mode: one multinomial (draws.h) into s->ucount, skipped when n is 0
 * or only "stay" is possible (any false). split_count reads outcome k in either mode.
 */
static void split(hn_sim *s, gsl_rng *r, double n, draws_binom *plan, int K, bool any)
{
    draws_multinomial(r, ucount_of(s, n), plan, K, any, s->ucount);
}

/* Outcome k of a split of n: n * prob[k] when deterministic, else the count drawn (drawn is
 * s->ucount, which split fills). */
static inline double split_count(bool det, double n, const double *prob, const unsigned int *drawn,
                                 int k)
{
    return det ? n * prob[k] : drawn[k];
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

/* Binomial(n, p) of b's p (Monte Carlo mode); skipped when the outcome is certain. */
static double binom(hn_sim *s, gsl_rng *r, double n, draws_binom *b)
{
    return draws_binomial(r, b, ucount_of(s, n));
}

/* The smaller of a and b, without fmin's call to the library (which minds NaN): the same answer
 * here, where a is a positive count (or b is NaN with it) and no tie of +0 and -0 arises. */
static inline double smaller(double a, double b)
{
    return b < a ? b : a;
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
 * Places up to n pupils of segment g in provision target or, where it is
 * full, along its overflow chain, each as a start; returns how many found
 * no place (MODEL.md section 4, step 2, and Closing).
 */
static double place_along(hn_sim *s, int target, int g, double n)
{
    int hops = 0;
    for (int q = target; q >= 0 && n > 0 && hops < SIM_MAX_HOPS(s);
         q = s->sc->provisions[q].overflow, hops++) {
        double take = smaller(n, free_places(s, q));
        if (take > 0) {
            admit(s, q, g, take);
            n -= take;
        }
    }
    return n;
}

/*
 * Step 1: exits from provisions (file order, segment order), then pools.
 * Leavers leave their source; transfers wait in s->moves, exclusions in
 * s->excl_*; each provision's total is its occupants who stayed. Returns
 * the pupils who left the model (mainstream, left).
 */
static inline __attribute__((always_inline)) double step_exits(hn_sim *s, bool det)
{
    const int S = s->S, P = s->P;
    double left = 0;
    const unsigned int *drawn = s->ucount; /* what split draws (Monte Carlo mode) */
    /* s's arrays in locals: s itself might be changed by the draws' calls, as the compiler sees
     * it, so its fields would be read again after each (decisions P32). */
    double *occ = s->occ, *excl_all = s->excl_all, *cell_n = s->y_cell_n, *tot = s->tot;
    const sim_prov_exits *pe = s->prov_exits;
    const bool *any_exit = s->any_exit;

    for (int g = 0; g < S; g++) {
        s->excl_pool[g] = 0;
        excl_all[g] = 0;
    }
    for (int p = 0; p < P; p++, occ += S, cell_n += S) {
        const int ne = pe[p].n_exits, K = ne + 1;
        const double *prob = pe[p].prob;
        const sim_exit_kind *kind = pe[p].kind;
        double *mv = pe[p].moves;
        double stay = 0; /* p's occupants after the leavers, summed in segment order */
        for (int g = 0; g < S; g++) {
            double n = occ[g];
            double gone = 0;
            if (n == 0) { /* an empty cell: nobody moves, nothing to draw or tally */
                for (int e = 0; e < ne; e++) mv[e * S + g] = 0;
                continue;
            }
            if (ne > 0) {
                if (!det) split(s, pe[p].r, n, pe[p].plan, K, any_exit[p]);
                /* Each count goes to its exit's tallies multiplied by 1 or 0 (exact, as counts
                 * are finite and never negative), not by branching on the exit's kind: the same
                 * sums, about 3% faster a run (decisions P25). */
                double excl = excl_all[g];
                for (int e = 0; e < ne; e++) {
                    double c = split_count(det, n, prob, drawn, e);
                    gone += c;
                    mv[e * S + g] = c * kind[e].transfer;
                    left += c * kind[e].leaves;
                    excl += c * kind[e].excludes;
                }
                excl_all[g] = excl;
            }
            if (det)
                s->y_ehcna[g] += n * s->prov_ehcna[p];
            else
                cell_n[g] += n; /* drawn at the year's end (sim_year_end) */
            occ[g] = det ? n * prob[K - 1] : n - gone;
            stay += occ[g]; /* an empty cell's +0 would change no sum */
        }
        tot[p] = stay;
    }
    for (int g = 0; g < S; g++) {
        const double *prob = s->seg_prob + 3 * g;
        gsl_rng *r = s->rng_seg[g];
        double n = s->pool[g];
        if (!det) split(s, r, n, s->seg_plan + 3 * g, 3, prob[0] > 0 || prob[1] > 0);
        double excluded = split_count(det, n, prob, drawn, 0);
        double resolved = split_count(det, n, prob, drawn, 1);
        s->excl_pool[g] = excluded;
        s->excl_all[g] += excluded;
        left += resolved;
        s->pool[g] = det ? n * prob[2] : n - excluded - resolved;
        if (det)
            s->y_ehcna[g] += n * s->seg_ehcna[g];
        else
            s->y_pool_n[g] += n;
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
    const int S = s->S, n_xfer = s->n_xfer;
    const sim_transfer *xfer = s->xfer;
    const sim_prov_exits *pe = s->prov_exits;
    for (int i = 0; i < n_xfer; i++) {
        int p = xfer[i].p, target = xfer[i].target;
        const double *mv = pe[p].moves + xfer[i].e * S;
        for (int g = 0; g < S; g++) {
            double rem = mv[g];
            if (rem <= 0) continue;
            rem = place_along(s, target, g, rem);
            if (rem > 0) {
                s->occ[p * S + g] += rem;
                s->tot[p] += rem;
                s->y_blocked[target] += rem;
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
            double take = i == sg->n_excluded_route - 1 ? rem : smaller(rem, free_places(s, q));
            if (take > 0) {
                admit(s, q, g, take);
                rem -= take;
            }
        }
        /* Only without an excluded_route (the loader refuses that): they wait. */
        double placed = s->excl_all[g] - rem;
        s->y_entries += smaller(s->excl_pool[g], placed);
        if (rem > 0) s->pool[g] += rem;
    }
}

/*
 * Step 4: segment by segment, the waiting pool and then new referrals are
 * offered the route in order; who finds no place waits. Returns referrals.
 */
static inline __attribute__((always_inline)) double step_route(hn_sim *s, bool det)
{
    const hn_scenario *sc = s->sc;
    double entered = 0;
    for (int g = 0; g < s->S; g++) {
        double mean = det ? s->ref_mean[g] : poisson_mean(s, s->ref_mean[g]);
        double ref = mean;
        if (!det) {
            draws_poisson_set(&s->ref_plan[g], mean); /* kept while the year's mean is the same */
            ref = draws_poisson_draw(s->rng_ref[g], &s->ref_plan[g]);
        }
        s->y_ref[g] += ref;
        entered += ref;
        double rem = s->pool[g] + ref;
        const hn_segment *sg = &sc->segments[g];
        for (int i = 0; i < sg->n_route && rem > 0; i++) {
            int q = sg->route[i];
            double take = smaller(rem, free_places(s, q));
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
 * Closing (MODEL.md section 4): every provision whose places are 0 this
 * year, in file order, sends its occupants segment by segment to its
 * on_close destination - back to the segment's pool, to mainstream (they
 * leave the model), or into a provision or along its overflow chain (a
 * start there; whoever finds no place goes back to the pool). Counted as
 * the provision's closed_out; the pupils placed in another provision as
 * y_closed_in, those sent to mainstream as y_closed_left.
 */
static void close_provisions(hn_sim *s)
{
    const hn_scenario *sc = s->sc;
    int S = s->S;
    for (int p = 0; p < s->P; p++) {
        if (!(s->places[p] <= 0) || !(s->tot[p] > 0)) continue;
        int dest = sc->provisions[p].on_close;
        for (int g = 0; g < S; g++) {
            double rem = s->occ[p * S + g];
            if (rem <= 0) continue;
            s->occ[p * S + g] = 0;
            s->y_closed_out[p] += rem;
            if (dest == HN_CLOSE_MAINSTREAM) {
                s->y_closed_left += rem;
                continue;
            }
            double unplaced = place_along(s, dest, g, rem); /* dest < 0 (pool): places none */
            s->y_closed_in += rem - unplaced;
            s->pool[g] += unplaced;
        }
        s->tot[p] = 0;
    }
}

/* Begins year y: parameter caches, zeroed tallies, closures, occupancy at the start of the year. */
void sim_year_begin(hn_sim *s, const double *pv, int y)
{
    load_year(s, pv, y);
    for (int p = 0; p < s->P; p++) {
        s->y_occ_sum[p] = 0;
        s->y_starts[p] = 0;
        s->y_blocked[p] = 0;
        s->y_closed_out[p] = 0;
    }
    for (int g = 0; g < s->S; g++) {
        s->y_ref[g] = 0;
        s->y_excl[g] = 0;
        s->y_ehcna[g] = 0;
        s->y_pool_n[g] = 0;
    }
    for (int c = 0; c < s->P * s->S; c++) s->y_cell_n[c] = 0;
    s->y_entries = 0;
    s->y_closed_in = 0;
    s->y_closed_left = 0;
    close_provisions(s);
    /* A pupil a closure moved in is a start of its new provision, not one of its occupants at
     * the start of the year (the closures are the year's only starts so far). */
    for (int p = 0; p < s->P; p++) s->y_occ_start[p] = s->tot[p] - s->y_starts[p];
}

/* sim_term's body, inlined twice: det is a constant in each copy. */
static inline __attribute__((always_inline)) void term(hn_sim *s, bool det, int y, int t)
{
    int P = s->P;
    double left = step_exits(s, det);
    if (t == 0) left += s->y_closed_left; /* the year's closures, before its first term */
    step_transfers(s); /* step_exits left each provision's total after the leavers */
    step_exclusions(s);
    double entered = step_route(s, det);
    /* Step 5: the end-of-term occupancy, which the accounts charge per pupil. */
    for (int p = 0; p < P; p++) s->y_occ_sum[p] += s->tot[p];
    if (s->trace_fn) {
        hn_sim_trace tr = { y * s->T + t, y, s->occ, s->pool, entered, left };
        s->trace_fn(s->trace_user, &tr);
    }
}

/* Runs term t of year y: steps 1-5 of MODEL.md section 4, then the trace callback. */
void sim_term(hn_sim *s, bool det, int y, int t)
{
    if (det)
        term(s, true, y, t);
    else
        term(s, false, y, t);
}

/*
 * Binomial(n, p) of b's p of a year's summed occupants n (Monte Carlo mode): in parts of at most
 * HN_SIM_MAX_DRAW, so that a sum of terms each within the draw guard is not mistaken for a
 * count past it (a sum of binomials of one p is the binomial of the sum).
 */
static inline double binom_sum(hn_sim *s, gsl_rng *r, double n, draws_binom *b)
{
    double k = 0;
    for (; n > HN_SIM_MAX_DRAW; n -= HN_SIM_MAX_DRAW) k += binom(s, r, HN_SIM_MAX_DRAW, b);
    return k + binom(s, r, n, b);
}

/* Ends the year: its EHC needs assessment requests, one draw per cell and pool (sim_state.h). */
void sim_year_end(hn_sim *s, bool det)
{
    if (det) return; /* already the expected values, term by term */
    int S = s->S;
    for (int p = 0; p < s->P; p++)
        for (int g = 0; g < S; g++)
            s->y_ehcna[g] += binom_sum(s, s->rng_prov[p], s->y_cell_n[p * S + g], &s->prov_plan[p]);
    for (int g = 0; g < S; g++)
        s->y_ehcna[g] += binom_sum(s, s->rng_seg[g], s->y_pool_n[g], &s->pool_plan[g]);
}
