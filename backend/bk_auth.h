#pragma once
/* Roles from a tokens file: one line per token, `SHA256-HEX ROLE NAME` (roles viewer, officer,
 * ingest; NAME is the rest of the line, shown on acks; # starts a comment). The server never
 * holds a token, only its hash; a presented token is hashed and compared with every line in
 * constant time. Loaded once at start; lookups from any thread. */
#include <stdbool.h>
#include <stddef.h>

#include "pr_err.h"

enum bk_role { BK_ROLE_NONE, BK_ROLE_VIEWER, BK_ROLE_OFFICER, BK_ROLE_INGEST };

struct bk_auth;

/* path NULL: no tokens file (anonymous read-only access, no writes). */
struct bk_auth *bk_auth_load(const char *path, struct pr_err *err);
void bk_auth_free(struct bk_auth *a);
bool bk_auth_enabled(const struct bk_auth *a);
size_t bk_auth_count(const struct bk_auth *a);
/* How many tokens each role has, indexed by enum bk_role (counts[BK_ROLE_NONE] is 0). */
void bk_auth_roles(const struct bk_auth *a, size_t counts[4]);
/* The role of token (len bytes), BK_ROLE_NONE when unknown; name (64 bytes) gets its name. */
enum bk_role bk_auth_check(const struct bk_auth *a, const char *token, size_t len, char name[64]);
const char *bk_role_name(enum bk_role r);
/* A new random token (43 chars base64url of 32 bytes from /dev/urandom) into out[64]. */
bool bk_auth_new_token(char out[64], struct pr_err *err);
