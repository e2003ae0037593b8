/*
 * test_sha256.c - SHA-256 against the FIPS 180-2 example vectors ("abc",
 * the empty string, the two-block 448-bit message, one million 'a'), and
 * one-shot against chunked hashing across the padding boundaries.
 */
#include <string.h>

#include "base/sha256.h"
#include "support/testutil.h"

/* Hex of a chunked hash of data, fed `step` bytes at a time. */
static void hex_chunked(const char *data, size_t n, size_t step, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    sha256_ctx c;
    unsigned char d[32];
    sha256_init(&c);
    for (size_t i = 0; i < n; i += step) sha256_update(&c, data + i, n - i < step ? n - i : step);
    sha256_final(&c, d);
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[64] = '\0';
}

static void test_abc(void **state)
{
    (void)state;
    char hex[65];
    sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_empty(void **state)
{
    (void)state;
    char hex[65];
    sha256_hex("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_hex(NULL, 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_two_blocks(void **state)
{
    (void)state;
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    char hex[65];
    sha256_hex(m, strlen(m), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_million_a(void **state)
{
    (void)state;
    static char m[1000000];
    memset(m, 'a', sizeof m);
    char hex[65];
    hex_chunked(m, sizeof m, 997, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    sha256_hex(m, sizeof m, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Lengths around 55, 56 and 64 bytes take the padding's two branches. */
static void test_chunked_matches_one_shot(void **state)
{
    (void)state;
    char m[200];
    for (int i = 0; i < 200; i++) m[i] = (char)('A' + i % 53);
    for (size_t n = 0; n <= 130; n++) {
        char a[65], b[65], c[65];
        sha256_hex(m, n, a);
        hex_chunked(m, n, 1, b);
        hex_chunked(m, n, 63, c);
        assert_string_equal(a, b);
        assert_string_equal(a, c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_abc),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_two_blocks),
        cmocka_unit_test(test_million_a),
        cmocka_unit_test(test_chunked_matches_one_shot),
    };
    return cmocka_run_group_tests_name("sha256", tests, NULL, NULL);
}
