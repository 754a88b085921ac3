/* See aes.h.  Tables are computed on first use, not stored. */
#include "aes.h"

#include <stdbool.h>
#include <string.h>

#define AES256_ROUNDS 14

static uint8_t sbox[256], inv_sbox[256];

/* Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1. */
static uint8_t gf_mul(uint8_t a, uint8_t b)
{
    uint8_t r = 0;

    while (b) {
        if (b & 1) {
            r ^= a;
        }
        a = (uint8_t)((a << 1) ^ ((a & 0x80) ? 0x1b : 0));
        b >>= 1;
    }
    return r;
}

static uint8_t rotl8(uint8_t x, int n)
{
    return (uint8_t)((x << n) | (x >> (8 - n)));
}

static void tables_init(void)
{
    static bool done;

    if (done) {
        return;
    }
    for (int x = 0; x < 256; x++) {
        uint8_t inv = 0, s;

        /* The multiplicative inverse is x^254 (0 maps to 0). */
        if (x) {
            uint8_t p = (uint8_t)x;

            inv = 1;
            for (int e = 254; e; e >>= 1) {
                if (e & 1) {
                    inv = gf_mul(inv, p);
                }
                p = gf_mul(p, p);
            }
        }
        s = inv ^ rotl8(inv, 1) ^ rotl8(inv, 2) ^ rotl8(inv, 3) ^
            rotl8(inv, 4) ^ 0x63;
        sbox[x] = s;
        inv_sbox[s] = (uint8_t)x;
    }
    done = true;
}

/* Round keys: 15 of 16 bytes, byte j of round r at rk[16 * r + j]. */
static void expand_key(const uint8_t key[AES256_KEY_SIZE],
                       uint8_t rk[16 * (AES256_ROUNDS + 1)])
{
    uint8_t rcon = 1;

    memcpy(rk, key, AES256_KEY_SIZE);
    for (int i = 8; i < 4 * (AES256_ROUNDS + 1); i++) {
        uint8_t t[4];

        memcpy(t, rk + 4 * (i - 1), 4);
        if (i % 8 == 0) {
            uint8_t t0 = t[0];

            t[0] = sbox[t[1]] ^ rcon;
            t[1] = sbox[t[2]];
            t[2] = sbox[t[3]];
            t[3] = sbox[t0];
            rcon = gf_mul(rcon, 2);
        } else if (i % 8 == 4) {
            for (int j = 0; j < 4; j++) {
                t[j] = sbox[t[j]];
            }
        }
        for (int j = 0; j < 4; j++) {
            rk[4 * i + j] = rk[4 * (i - 8) + j] ^ t[j];
        }
    }
}

/* s[r + 4c] is row r, column c, as the input bytes are laid out. */
static void inv_shift_sub(uint8_t s[16])
{
    uint8_t t[16];

    for (int r = 0; r < 4; r++) {
        for (int c = 0; c < 4; c++) {
            t[r + 4 * c] = inv_sbox[s[r + 4 * ((c + 4 - r) % 4)]];
        }
    }
    memcpy(s, t, 16);
}

static void inv_mix_columns(uint8_t s[16])
{
    for (int c = 0; c < 4; c++) {
        uint8_t *a = s + 4 * c;
        uint8_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];

        a[0] = gf_mul(a0, 14) ^ gf_mul(a1, 11) ^ gf_mul(a2, 13) ^ gf_mul(a3, 9);
        a[1] = gf_mul(a0, 9) ^ gf_mul(a1, 14) ^ gf_mul(a2, 11) ^ gf_mul(a3, 13);
        a[2] = gf_mul(a0, 13) ^ gf_mul(a1, 9) ^ gf_mul(a2, 14) ^ gf_mul(a3, 11);
        a[3] = gf_mul(a0, 11) ^ gf_mul(a1, 13) ^ gf_mul(a2, 9) ^ gf_mul(a3, 14);
    }
}

static void add_round_key(uint8_t s[16], const uint8_t *k)
{
    for (int j = 0; j < 16; j++) {
        s[j] ^= k[j];
    }
}

static void decrypt_block(const uint8_t *rk, uint8_t s[16])
{
    add_round_key(s, rk + 16 * AES256_ROUNDS);
    for (int round = AES256_ROUNDS - 1; round > 0; round--) {
        inv_shift_sub(s);
        add_round_key(s, rk + 16 * round);
        inv_mix_columns(s);
    }
    inv_shift_sub(s);
    add_round_key(s, rk);
}

void aes256_cbc_decrypt(const uint8_t key[AES256_KEY_SIZE],
                        const uint8_t iv[AES_BLOCK_SIZE], const uint8_t *in,
                        uint8_t *out, size_t len)
{
    uint8_t rk[16 * (AES256_ROUNDS + 1)];
    uint8_t prev[AES_BLOCK_SIZE], cur[AES_BLOCK_SIZE];

    tables_init();
    expand_key(key, rk);
    memcpy(prev, iv, AES_BLOCK_SIZE);
    for (size_t off = 0; off + AES_BLOCK_SIZE <= len; off += AES_BLOCK_SIZE) {
        memcpy(cur, in + off, AES_BLOCK_SIZE);
        memcpy(out + off, cur, AES_BLOCK_SIZE);
        decrypt_block(rk, out + off);
        for (int j = 0; j < AES_BLOCK_SIZE; j++) {
            out[off + j] ^= prev[j];
        }
        memcpy(prev, cur, AES_BLOCK_SIZE);
    }
    memset(rk, 0, sizeof(rk));
}
