/*
 * draws.c - binomial, multinomial and Poisson counts by inversion from the
 * mode, one uniform a draw, skipping certain outcomes (draws.h, decisions
 * P20).
 *
 * Inversion: the count is the smallest k with u < F(k). The search starts
 * at the mode m with f = P(m) and c = F(m); while u < F(k - 1) = c - f it
 * steps down (c -= f, f = P(k - 1)), and while u >= c it steps up (f =
 * P(k + 1), c += f). P(m) and F(m) come from the exact recurrence from 0
 * (a binomial: P(0) = q^n, P(j + 1) = P(j) s (n - j) / (j + 1); a Poisson:
 * P(0) = e^-mean, P(j + 1) = P(j) mean / (j + 1)), which stays within the
 * range of doubles for the counts and means inverted here (q >= 1/2 after
 * the flip, so q^n >= 2^-n; e^-600 is about 1e-261). Each step rounds by
 * about 2^-53, so the count differs from the exact inverse only for a u
 * within about 1e-14 of a step of F: a bias far below any Monte Carlo
 * error.
 */
#include "model/draws.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "model/rng.h"

/* 1 / j for j < RECIP_N (recip[0] unused), filled once per process: the recurrences of the
 * starts multiply by it instead of dividing (a division costs several multiplications). */
#define RECIP_N 1024
static double recip[RECIP_N];
static pthread_once_t recip_once = PTHREAD_ONCE_INIT;

/* Fills recip (pthread_once's routine). */
static void recip_init(void)
{
    for (int j = 1; j < RECIP_N; j++) recip[j] = 1.0 / j;
}

void draws_binom_set(draws_binom *b, double p)
{
    /* The starts are those of p: kept while p is the same to the bit (a constant probability
     * keeps them across years and iterations). */
    if (b->gen == 0 || memcmp(&b->pp, &p, sizeof p) != 0) {
        if (++b->gen == 0) { /* after 2^32 changes: no stale start may read as current */
            memset(b->start, 0, sizeof b->start);
            b->gen = 1;
        }
    }
    b->pp = p;
    b->flip = p > 0.5;
    b->p = b->flip ? 1 - p : p;
    b->s = b->p / (1 - b->p);
    b->draw = p > 0.0;
    b->last = false;
}

/*
 * gsl_pow_uint(x, n) to the bit: GSL's square-and-multiply, the same products in the same order,
 * but multiplying by 1.0 (exact) where a bit of n is 0 instead of branching on it.
 */
double draws_pow_uint(double x, unsigned int n)
{
    double v = 1.0;
    do {
        const double by[2] = { 1.0, x };
        v *= by[n & 1u];
        n >>= 1;
        x *= x;
    } while (n);
    return v;
}

/* The mode of n draws of b's (flipped) p: floor((n + 1) p), at most n. */
static unsigned int binom_mode(const draws_binom *b, unsigned int n)
{
    double m = floor(((double)n + 1) * b->p);
    return m < n ? (unsigned int)m : n;
}

/* Fills st's window from its mode's P and F with the walk's own steps (binom_invert), so that a
 * count read from the window is the one the walk would reach. */
static void binom_window(const draws_binom *b, unsigned int n, draws_start *st)
{
    const double s = b->s;
    unsigned int m = st->m, lo = st->lo;
    double *w = st->win;
    /* Down from m: F(k - 1) = F(k) - P(k), for k - 1 = m - 1 down to lo - 1. */
    double f = st->f, c = st->c;
    w[m - lo + 1] = m < n ? c : 2;
    for (unsigned int k = m; k >= lo && k > 0; k--) {
        c -= f;
        w[k - lo] = c; /* F(k - 1) */
        f *= k / (s * (n - k + 1));
    }
    if (lo == 0) w[0] = -1; /* F(-1): below any u */
    /* Up from m: F(k + 1) = F(k) + P(k + 1), to the window's last count. */
    f = st->f;
    c = st->c;
    for (unsigned int k = m; k + 1 <= lo + DRAWS_WIN - 1; k++) {
        if (k >= n) {
            w[k + 2 - lo] = 2; /* past n: above any u */
            continue;
        }
        f *= s * (n - k) / (k + 1);
        c += f;
        w[k + 2 - lo] = k + 1 < n ? c : 2;
    }
    st->win_gen = st->gen; /* filled for this start */
}

/* The inverse at u of n draws of b's p (before the flip), from the mode's start. */
static unsigned int binom_invert(const draws_binom *b, unsigned int n, unsigned int m, double f,
                                 double c, double u)
{
    const double s = b->s;
    unsigned int k = m;
    if (u < c) {
        while (k > 0) {
            double below = c - f; /* F(k - 1) */
            if (u >= below) break;
            c = below;
            f *= k / (s * (n - k + 1));
            k--;
        }
    } else {
        while (k < n) {
            f *= s * (n - k) / (k + 1);
            k++;
            c += f;
            if (u < c) break;
        }
    }
    return k;
}

/* The values of a window w[0..len] at or below u, counted without a branch on u. */
static inline unsigned int count_below(const double *w, int len, double u)
{
    unsigned int below = 0;
    for (int j = 0; j <= len; j++) below += u >= w[j];
    return below;
}

/* The window's values at or below u (st has its window). */
static inline unsigned int window_count(const draws_start *st, double u)
{
    return count_below(st->win, DRAWS_WIN, u);
}

/* The count a window's `below` (1..DRAWS_WIN) gives, F(k - 1) <= u < F(k), after the flip. */
static inline unsigned int below_to_count(const draws_binom *b, unsigned int n,
                                          const draws_start *st, unsigned int below)
{
    unsigned int k = st->lo - 1 + below;
    return b->flip ? n - k : k;
}

/* Whether n draws of b's p are inverted here (else GSL's rejection sampler draws them). */
static bool binom_inverts(const draws_binom *b, unsigned int n)
{
    return n < DRAWS_POW_N || n * b->p < DRAWS_WALK_MEAN;
}

/*
 * The inverse at u of n draws of b's p (before the flip) by a search up from 0, for a count
 * whose start is not kept: F(k) = P(0) + ... + P(k) by the recurrence from P(0) = q^n; when the
 * search reaches the mode m its P(m) and F(m) are the start, kept in st then (when st is not
 * NULL). One loop whose end is the only branch it cannot predict, where computing the start
 * and walking from it took three (decisions P21).
 */
static unsigned int binom_search(const draws_binom *b, unsigned int n, unsigned int m, double u,
                                 draws_start *st)
{
    const double s = b->s;
    double pf = draws_pow_uint(1 - b->p, n), pc = pf;
    unsigned int k = 0;
    while (k < m && u >= pc) { /* up to the mode */
        pf *= s * (n - k) / (k + 1);
        pc += pf;
        k++;
    }
    if (k < m) return k;
    if (st) {
        st->f = pf;
        st->c = pc;
        st->gen = b->gen;
        st->win_gen = 0; /* no window yet (gen is never 0) */
    }
    return binom_invert(b, n, m, pf, pc, u); /* u >= F(m): it walks up from the mode */
}

/* The count of n draws (0 < n, 0 < pp < 1, inverted) for uniform u when the window of b's kept
 * start for n does not give it: searches from 0 when n has no start (binom_search keeps it when
 * the search reaches the mode), fills the window of a start used again, or walks from the mode
 * past the window. */
static unsigned int binom_at_slow(draws_binom *b, unsigned int n, double u)
{
    unsigned int k;
    if (n < DRAWS_POW_N) {
        draws_start *st = &b->start[n];
        if (st->gen != b->gen) {
            st->m = binom_mode(b, n);
            st->lo = st->m > DRAWS_WIN / 2 - 1 ? st->m - (DRAWS_WIN / 2 - 1) : 0;
            k = binom_search(b, n, st->m, u, st);
            return b->flip ? n - k : k;
        }
        if (st->win_gen != st->gen) {
            binom_window(b, n, st);
            unsigned int below = window_count(st, u);
            if (below > 0 && below <= DRAWS_WIN) return below_to_count(b, n, st, below);
        }
        k = binom_invert(b, n, st->m, st->f, st->c, u);
    } else {
        k = binom_search(b, n, binom_mode(b, n), u, NULL);
    }
    return b->flip ? n - k : k;
}

/* The count of n draws (0 < n, 0 < pp < 1, inverted) for uniform u: from the window of b's kept
 * start for n when it has one and u falls inside it (most draws), else binom_at_slow. */
static inline unsigned int binom_at(draws_binom *b, unsigned int n, double u)
{
    if (n < DRAWS_POW_N) {
        const draws_start *st = &b->start[n];
        if (st->win_gen == b->gen) { /* a window of the current start (gen is never 0) */
            unsigned int below = window_count(st, u);
            if (below > 0 && below <= DRAWS_WIN) return below_to_count(b, n, st, below);
        }
    }
    return binom_at_slow(b, n, u);
}

unsigned int draws_binomial_at(draws_binom *b, unsigned int n, double u)
{
    return binom_at(b, n, u);
}

/*
 * Binomial(n, b->pp) for n > 0 and 0 < pp < 1: one uniform when inverted. With st NULL the
 * uniform comes from r; else r is of type hn_rng_xoshiro256 and the caller holds its state in
 * *st, a local copy (r->state is stale until the caller writes *st back), so a multinomial's
 * chain does not load and store the state in memory for every draw (decisions P30). GSL's
 * sampler, past the inversion's range, draws from r itself: *st goes back to r before it and
 * is read again after. The compiler makes a copy for each kind of caller, as st is NULL or not.
 */
static inline unsigned int binomial_draw(gsl_rng *r, rng_xoshiro_state *st, draws_binom *b,
                                         unsigned int n)
{
    if (!binom_inverts(b, n)) {
        if (!st) return gsl_ran_binomial(r, b->pp, n);
        *(rng_xoshiro_state *)r->state = *st;
        unsigned int k = gsl_ran_binomial(r, b->pp, n);
        *st = *(rng_xoshiro_state *)r->state;
        return k;
    }
    return binom_at(b, n, st ? rng_xoshiro_double(st) : rng_uniform(r));
}

/* draws_binomial's body (st NULL), and the multinomial's chain's (binomial_draw's st). */
static inline unsigned int binomial(gsl_rng *r, rng_xoshiro_state *st, draws_binom *b,
                                    unsigned int n)
{
    if (n == 0 || b->pp <= 0) return 0;
    if (b->pp >= 1) return n;
    return binomial_draw(r, st, b, n);
}

unsigned int draws_binomial(gsl_rng *r, draws_binom *b, unsigned int n)
{
    return binomial(r, NULL, b, n);
}

void draws_multinomial_set(draws_binom *plan, const double *prob, int K)
{
    bool same = true; /* set before to these weights, to the bit: nothing changes */
    for (int k = 0; k < K && same; k++)
        same = plan[k].gen != 0 && memcmp(&plan[k].weight, &prob[k], sizeof prob[k]) == 0;
    if (same) return;
    double norm = 0.0, sum_p = 0.0;
    int last = K - 1;
    for (int k = 0; k < K; k++) {
        norm += prob[k];
        if (prob[k] > 0.0) last = k;
    }
    for (int k = 0; k < K; k++) {
        draws_binom_set(&plan[k], prob[k] > 0.0 ? prob[k] / (norm - sum_p) : 0.0);
        plan[k].draw = prob[k] > 0.0;
        plan[k].weight = prob[k];
        sum_p += prob[k];
    }
    plan[last].last = true;
}

/*
 * The multinomial's chain of binomials (draws_multinomial, n > 0 and `any`), written once for
 * both generators: with st NULL each draw takes its uniform from r; with st, r's xoshiro state
 * copied into *st (binomial_draw). The compiler makes a copy of this loop for each, as st is
 * NULL or not where it is called.
 */
static inline void multinomial_chain(gsl_rng *r, rng_xoshiro_state *st, unsigned int n,
                                     draws_binom *plan, int K, unsigned int *out)
{
    unsigned int left = n;
    int k = 0;
    for (; k < K && !plan[k].last; k++) {
        unsigned int c = 0;
        if (plan[k].draw) c = binomial(r, st, &plan[k], left);
        out[k] = c;
        left -= c;
    }
    if (k < K) out[k++] = left; /* the last outcome of weight > 0 takes the rest */
    for (; k < K; k++) out[k] = 0;
}

void draws_multinomial(gsl_rng *r, unsigned int n, draws_binom *plan, int K, bool any,
                       unsigned int *out)
{
    if (n == 0 || !any) {
        for (int k = 0; k < K - 1; k++) out[k] = 0;
        out[K - 1] = n;
        return;
    }
    if (r->type == hn_rng_xoshiro256) { /* the engine's generators: the state in registers */
        rng_xoshiro_state st = *(rng_xoshiro_state *)r->state;
        multinomial_chain(r, &st, n, plan, K, out);
        *(rng_xoshiro_state *)r->state = st;
    } else {
        multinomial_chain(r, NULL, n, plan, K, out);
    }
}

/* Fills d's window from its mode's P and F with the walk's own steps (draws_poisson_at), so that
 * a count read from the window is the one the walk would reach. */
static void poisson_window(draws_poisson *d)
{
    const double mean = d->mean;
    unsigned int m = d->m, lo = m > DRAWS_PWIN / 2 - 1 ? m - (DRAWS_PWIN / 2 - 1) : 0;
    double *w = d->win;
    d->lo = lo;
    double f = d->f, c = d->c;
    w[m - lo + 1] = c;
    for (unsigned int k = m; k >= lo && k > 0; k--) { /* down: F(k - 1) = F(k) - P(k) */
        c -= f;
        w[k - lo] = c;
        f *= k / mean;
    }
    if (lo == 0) w[0] = -1; /* F(-1): below any u */
    f = d->f;
    c = d->c;
    for (unsigned int k = m + 1; k + 1 <= lo + DRAWS_PWIN; k++) { /* up: F(k) = F(k - 1) + P(k) */
        f *= mean / k;
        c += f;
        w[k - lo + 1] = c;
    }
}

void draws_poisson_set(draws_poisson *d, double mean)
{
    if (memcmp(&d->mean, &mean, sizeof mean) == 0 && (d->f > 0 || !(mean > 0))) return;
    d->mean = mean;
    d->m = 0;
    d->f = d->c = 0;
    if (!(mean > 0) || mean > DRAWS_POISSON_MEAN) return;
    unsigned int m = (unsigned int)floor(mean);
    pthread_once(&recip_once, recip_init);
    /* Two chains, P(j) of even and of odd j, each stepping by two (P(j + 2) = P(j) mean^2 /
     * ((j + 1)(j + 2))), so that the multiplications of one need not wait for the other's. */
    const double m2 = mean * mean;
    double fe = exp(-mean), fo = fe * mean, ce = fe, co = m >= 1 ? fo : 0;
    unsigned int j = 0; /* fe = P(j), fo = P(j + 1) */
    for (; j + 3 <= m; j += 2) {
        fe *= m2 * recip[j + 1] * recip[j + 2];
        fo *= m2 * recip[j + 2] * recip[j + 3];
        ce += fe;
        co += fo;
    }
    if (j + 2 == m) { /* one even term more */
        fe *= m2 * recip[j + 1] * recip[j + 2];
        ce += fe;
        j += 2;
    }
    d->m = m;
    d->f = j == m ? fe : fo; /* P(m) */
    d->c = ce + co;
    poisson_window(d);
}

unsigned int draws_poisson_at(const draws_poisson *d, double u)
{
    unsigned int in = count_below(d->win, DRAWS_PWIN, u);
    if (in > 0 && in <= DRAWS_PWIN) return d->lo - 1 + in; /* F(k - 1) <= u < F(k) */
    const double mean = d->mean;
    unsigned int k = d->m;
    double f = d->f, c = d->c;
    if (u < c) {
        while (k > 0) {
            double below = c - f; /* F(k - 1) */
            if (u >= below) break;
            c = below;
            f *= k / mean;
            k--;
        }
    } else {
        for (;;) { /* P(k) underflows to 0 far in the tail: the walk ends there at the latest */
            k++;
            f *= mean / k;
            c += f;
            if (u < c || f == 0) break;
        }
    }
    return k;
}

unsigned int draws_poisson_draw(gsl_rng *r, draws_poisson *d)
{
    if (!(d->mean > 0)) return 0;
    if (d->mean > DRAWS_POISSON_MEAN) return gsl_ran_poisson(r, d->mean);
    return draws_poisson_at(d, rng_uniform(r));
}
