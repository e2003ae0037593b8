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

/* 64-bit FNV-1a hash of a stream name. */
uint64_t rng_name_hash(const char *name);

/* Seed of the stream (seed, iteration, name_hash): a splitmix64 mix of the three. */
uint64_t rng_stream_seed(uint64_t seed, uint64_t iteration, uint64_t name_hash);

/* Allocates a generator of type hn_rng_xoshiro256; caller frees with gsl_rng_free. NULL on OOM. */
gsl_rng *rng_new(void);

/* Re-seeds r (of type hn_rng_xoshiro256) to the start of stream (seed, iteration, name_hash). */
void rng_seek(gsl_rng *r, uint64_t seed, uint64_t iteration, uint64_t name_hash);

#endif
