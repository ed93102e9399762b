#pragma once
/* SHA-256 (FIPS 180-4), enough for hashing bearer tokens; no dependency. Any thread. */
#include <stddef.h>
#include <stdint.h>

void bk_sha256(const void *data, size_t len, uint8_t out[32]);
/* Lower-case hex of the SHA-256 of data (64 chars + NUL). */
void bk_sha256_hex(const void *data, size_t len, char out[65]);
