/*
 * sha256.h - SHA-256 (FIPS 180-4) of a byte buffer.
 *
 * The Run and Assumptions sheets record the SHA-256 of every scenario file
 * read (the file and its `extends` chain), so that a workbook can be traced
 * to the exact bytes that produced it. No crypto library is in our stack,
 * so this is a small self-contained implementation, tested against the
 * FIPS 180 example vectors.
 */
#ifndef HN_SHA256_H
#define HN_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* Running state of one hash; fill with sha256_init, never touch the fields. */
typedef struct {
    uint32_t h[8];
    uint64_t total;        /* bytes hashed so far */
    unsigned char buf[64]; /* partial block */
    size_t used;           /* bytes in buf */
} sha256_ctx;

/* Starts a hash. */
void sha256_init(sha256_ctx *c);

/* Adds n bytes (data may be NULL when n is 0). */
void sha256_update(sha256_ctx *c, const void *data, size_t n);

/* Finishes the hash and writes the 32-byte digest; c must be re-initialised to reuse. */
void sha256_final(sha256_ctx *c, unsigned char digest[32]);

/* Hashes n bytes and writes 64 lowercase hex digits plus a NUL into hex (caller's buffer). */
void sha256_hex(const void *data, size_t n, char hex[65]);

#endif
