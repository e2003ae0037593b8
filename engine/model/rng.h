/*
 * rng.h - reproducible random streams (MODEL.md section 6).
 *
 * Iteration i of a run draws only from streams derived from (seed, i, name),
 * where name is a section ("provision.secondary_pru") for the flows of that
 * section, or "section.key" for a sampled parameter. Adding or removing one
 * section therefore does not shift the draws of another, and results are
 * the same whatever thread runs the iteration.
 *
 * The generator is a GSL generator type of our own (xoshiro256**) because
 * GSL's fast generators take 32-bit seeds only, which would make millions of
 * derived streams collide; all GSL samplers work with it unchanged.
 */
#ifndef HN_RNG_H
#define HN_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* The GSL generator type: xoshiro256** seeded through splitmix64 (64-bit seeds). */
extern const gsl_rng_type *hn_rng_xoshiro256;

/* The generator's whole state (the type's `state`). */
typedef struct {
    uint64_t s[4];
} rng_xoshiro_state;

/* Rotates x left by k bits (0 < k < 64). */
static inline uint64_t rng_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256**: advances the state and returns 64 random bits. */
static inline uint64_t rng_xoshiro_next(rng_xoshiro_state *st)
{
    uint64_t *s = st->s;
    const uint64_t result = rng_rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rng_rotl(s[3], 45);
    return result;
}

/* The type's `get_double`: the upper 53 bits of the next output, scaled to [0, 1). */
static inline double rng_xoshiro_double(rng_xoshiro_state *st)
{
    return (double)(rng_xoshiro_next(st) >> 11) * 0x1.0p-53;
}

/*
 * gsl_rng_uniform(r): the next uniform in [0, 1). For a generator of
 * hn_rng_xoshiro256 the same number without GSL's indirect call (the
 * samplers of draws.c draw about a thousand an iteration).
 */
static inline double rng_uniform(const gsl_rng *r)
{
    if (r->type == hn_rng_xoshiro256) return rng_xoshiro_double(r->state);
    return gsl_rng_uniform(r);
}

/* 64-bit FNV-1a hash of a stream name. */
uint64_t rng_name_hash(const char *name);

/* Seed of the stream (seed, iteration, name_hash): a splitmix64 mix of the three. */
uint64_t rng_stream_seed(uint64_t seed, uint64_t iteration, uint64_t name_hash);

/*
 * The stream seed's two halves, for a caller that seeks many streams of one iteration
 * (decisions P31): the part of (seed, iteration), computed once an iteration, and the part of
 * a name's hash, computed once a run. rng_seek_key(r, rng_iteration_key(seed, i),
 * rng_name_key(h)) is rng_seek(r, seed, i, h). Pure functions; never fail.
 */
uint64_t rng_iteration_key(uint64_t seed, uint64_t iteration);
uint64_t rng_name_key(uint64_t name_hash);

/* Allocates a generator of type hn_rng_xoshiro256; caller frees with gsl_rng_free. NULL on OOM. */
gsl_rng *rng_new(void);

/* Re-seeds r (of type hn_rng_xoshiro256) to the start of stream (seed, iteration, name_hash). */
void rng_seek(gsl_rng *r, uint64_t seed, uint64_t iteration, uint64_t name_hash);

/* rng_seek from the stream seed's two halves (rng_iteration_key, rng_name_key). */
void rng_seek_key(gsl_rng *r, uint64_t iteration_key, uint64_t name_key);

#endif
