/*
 * Unit tests: AES-256 decryption against the published known answers
 * (FIPS-197 appendix C.3, SP 800-38A F.2.6 CBC-AES256), and the secret
 * object's base64 decoding as GLib's (padding, newlines, QEMU's checks).
 */
#include <stdlib.h>
#include <string.h>

#include "aes.h"
#include "check-main.h"
#include "secret.h"

static void unhex(const char *hex, uint8_t *out)
{
    for (size_t i = 0; hex[2 * i]; i++) {
        char b[3] = { hex[2 * i], hex[2 * i + 1], 0 };

        out[i] = (uint8_t)strtoul(b, NULL, 16);
    }
}

START_TEST(test_fips197_block)
{
    uint8_t key[32], ct[16], want[16], out[16], iv[16] = { 0 };

    unhex("000102030405060708090a0b0c0d0e0f"
          "101112131415161718191a1b1c1d1e1f",
          key);
    unhex("8ea2b7ca516745bfeafc49904b496089", ct);
    unhex("00112233445566778899aabbccddeeff", want);
    /* One block with a zero IV is the block cipher itself. */
    aes256_cbc_decrypt(key, iv, ct, out, 16);
    ck_assert_mem_eq(out, want, 16);
}
END_TEST

START_TEST(test_sp800_38a_cbc)
{
    uint8_t key[32], iv[16], ct[64], want[64], out[64];

    unhex("603deb1015ca71be2b73aef0857d7781"
          "1f352c073b6108d72d9810a30914dff4",
          key);
    unhex("000102030405060708090a0b0c0d0e0f", iv);
    unhex("f58c4c04d6e5f1ba779eabfb5f7bfbd6"
          "9cfc4e967edb808d679f777bc6702c7d"
          "39f23369a9d9bacfa530e26304231461"
          "b2eb05e2c39be9fcda6c19078c6a9d1b",
          ct);
    unhex("6bc1bee22e409f96e93d7e117393172a"
          "ae2d8a571e03ac9c9eb76fac45af8e51"
          "30c81c46a35ce411e5fbc1191a0a52ef"
          "f69f2445df4f9b17ad2b417be66c3710",
          want);
    aes256_cbc_decrypt(key, iv, ct, out, 64);
    ck_assert_mem_eq(out, want, 64);
    /* In place. */
    aes256_cbc_decrypt(key, iv, ct, ct, 64);
    ck_assert_mem_eq(ct, want, 64);
}
END_TEST

START_TEST(test_base64)
{
    static const struct {
        const char *in;
        const char *out; /* NULL: error */
        size_t len;
    } cases[] = {
        { "aGVsbG8=", "hello", 5 },
        { "aGVsbG8h", "hello!", 6 },
        { "aGVs\nbG8=", "hello", 5 },
        { "aGVsbA==", "hell", 4 },
        { "aGVsbG8", "hel", 3 }, /* an incomplete group is dropped */
        { "", "", 0 },
        { "a!b", NULL, 0 },
        { "aGVs bG8=", NULL, 0 },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        Error *err = NULL;
        size_t len = 99;
        uint8_t *out =
            secret_base64_decode(cases[i].in, (size_t)-1, &len, &err);

        if (!cases[i].out) {
            ck_assert_ptr_null(out);
            ck_assert_str_eq(error_get_pretty(err),
                             "Base64 data contains invalid characters");
            error_free(err);
            continue;
        }
        ck_assert_ptr_nonnull(out);
        ck_assert_uint_eq(len, cases[i].len);
        ck_assert_mem_eq(out, cases[i].out, len);
        free(out);
    }
}
END_TEST

START_TEST(test_base64_embedded_nul)
{
    static const char in[] = "aGVs\0bG8=";
    Error *err = NULL;
    size_t len;

    ck_assert_ptr_null(secret_base64_decode(in, sizeof(in) - 1, &len, &err));
    ck_assert_str_eq(error_get_pretty(err),
                     "Base64 data contains embedded NUL characters");
    error_free(err);
}
END_TEST

static Suite *secret_suite(void)
{
    Suite *s = suite_create("secret");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_fips197_block);
    tcase_add_test(tc, test_sp800_38a_cbc);
    tcase_add_test(tc, test_base64);
    tcase_add_test(tc, test_base64_embedded_nul);
    suite_add_tcase(s, tc);
    return s;
}

const CheckSpec check_spec = { secret_suite };
