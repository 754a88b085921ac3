/*
 * AES-256 in CBC mode, decryption only: what the secret object needs to
 * read a value libvirt encrypted with its master key (FIPS-197, SP 800-38A).
 */
#ifndef QMACHINED_AES_H
#define QMACHINED_AES_H

#include <stddef.h>
#include <stdint.h>

#define AES_BLOCK_SIZE 16
#define AES256_KEY_SIZE 32

/*
 * Decrypts len bytes (a multiple of AES_BLOCK_SIZE) from in to out (which
 * may be the same buffer) with key and iv.
 */
void aes256_cbc_decrypt(const uint8_t key[AES256_KEY_SIZE],
                        const uint8_t iv[AES_BLOCK_SIZE], const uint8_t *in,
                        uint8_t *out, size_t len);

#endif
