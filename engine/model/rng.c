/*
 * rng.c - reproducible random streams: a GSL generator type of our own
 * (xoshiro256**, seeded through splitmix64 from a full 64-bit seed) and the
 * derivation of a stream's seed from (seed, iteration, name).
 *
 * Every GSL sampler works with the type unchanged: `get` gives 32 uniformly
 * random bits (the generator's upper half, its best bits) with min 0 and
 * max 0xffffffff, which is what gsl_ran_gaussian_ziggurat and
 * gsl_rng_uniform_int expect of a full-range generator, and `get_double`
 * gives 53 random bits in [0, 1). Like GSL's own types (taus2, mt19937:
 * get / 2^32), get_double may return exactly 0 (here with probability
 * 2^-53); GSL samplers that must not see 0 (gamma, beta, the polar and
 * tail methods) call gsl_rng_uniform_pos, which redraws it.
 */
#include "model/rng.h"

#include <assert.h>
#include <limits.h>
#include <stdlib.h>

/* gsl_rng_set passes the seed as an unsigned long: it must hold 64 bits. */
_Static_assert(ULONG_MAX >= UINT64_MAX, "unsigned long must have 64 bits");

/* splitmix64's output function: a bijective mix of all 64 bits. */
static inline uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* 2^64 / golden ratio: splitmix64's counter increment. */
#define GOLDEN UINT64_C(0x9e3779b97f4a7c15)

/* Advances a splitmix64 counter and returns its next output. */
static inline uint64_t splitmix64_next(uint64_t *x)
{
    *x += GOLDEN;
    return mix64(*x);
}

/* GSL `set`: fills the state with four splitmix64 outputs of the seed (never all zero). */
static void xoshiro_set(void *vstate, unsigned long seed)
{
    rng_xoshiro_state *st = vstate;
    uint64_t x = (uint64_t)seed;
    for (int i = 0; i < 4; i++) st->s[i] = splitmix64_next(&x);
}

/* GSL `get`: the upper 32 bits of the next output. */
static unsigned long xoshiro_get(void *vstate)
{
    return (unsigned long)(rng_xoshiro_next(vstate) >> 32);
}

/* GSL `get_double`: rng_xoshiro_double (rng.h). */
static double xoshiro_get_double(void *vstate)
{
    return rng_xoshiro_double(vstate);
}

/* The type's table, as GSL expects it. */
static const gsl_rng_type xoshiro_type = {
    "hn_xoshiro256", /* name */
    0xffffffffUL,    /* max */
    0,               /* min */
    sizeof(rng_xoshiro_state),
    &xoshiro_set,
    &xoshiro_get,
    &xoshiro_get_double,
};

/* The public handle on the type (static storage, never freed). */
const gsl_rng_type *hn_rng_xoshiro256 = &xoshiro_type;

/* 64-bit FNV-1a of a stream name (NUL-terminated). */
uint64_t rng_name_hash(const char *name)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

/*
 * Seed of a stream: a splitmix64 mix of seed, iteration and name hash.
 * Each input goes through its own round of the splitmix64 mix before the
 * next is folded in, so seeds or iterations that differ in one bit, or by
 * one, give unrelated stream seeds; distinct inputs collide only by chance
 * (about one pair in 2^64).
 */
uint64_t rng_stream_seed(uint64_t seed, uint64_t iteration, uint64_t name_hash)
{
    return mix64(rng_iteration_key(seed, iteration) ^ rng_name_key(name_hash));
}

/* rng_stream_seed's rounds of seed and iteration: mix64(mix64(seed + G) ^ mix64(iteration + 2G)). */
uint64_t rng_iteration_key(uint64_t seed, uint64_t iteration)
{
    return mix64(mix64(seed + GOLDEN) ^ mix64(iteration + 2 * GOLDEN));
}

/* rng_stream_seed's round of the name hash: mix64(name_hash + 3G). */
uint64_t rng_name_key(uint64_t name_hash)
{
    return mix64(name_hash + 3 * GOLDEN);
}

/*
 * A new generator of our type seeded with 0; the caller frees it with
 * gsl_rng_free. NULL when out of memory. Allocated by hand rather than with gsl_rng_alloc, which
 * reports an allocation failure through GSL's (aborting) error handler; the layout is what
 * gsl_rng_free expects (the state and the struct, each malloc'ed).
 */
gsl_rng *rng_new(void)
{
    gsl_rng *r = malloc(sizeof *r);
    if (!r) return NULL;
    r->type = hn_rng_xoshiro256;
    r->state = calloc(1, hn_rng_xoshiro256->size);
    if (!r->state) {
        free(r);
        return NULL;
    }
    gsl_rng_set(r, 0);
    return r;
}

/* Puts r (the caller's, of our type) at the start of stream (seed, iteration, name_hash). */
void rng_seek(gsl_rng *r, uint64_t seed, uint64_t iteration, uint64_t name_hash)
{
    rng_seek_key(r, rng_iteration_key(seed, iteration), rng_name_key(name_hash));
}

/* Puts r (the caller's, of our type) at the start of the stream of the two keys. */
void rng_seek_key(gsl_rng *r, uint64_t iteration_key, uint64_t name_key)
{
    assert(r && r->type == hn_rng_xoshiro256);
    xoshiro_set(r->state, (unsigned long)mix64(iteration_key ^ name_key));
}
