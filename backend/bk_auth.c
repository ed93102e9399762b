#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bk_auth.h"
#include "bk_sha256.h"

struct entry {
	unsigned char hash[32];
	enum bk_role role;
	char name[64];
};

struct bk_auth {
	bool enabled;
	size_t count;
	struct entry *e;
};

const char *bk_role_name(enum bk_role r)
{
	static const char *n[] = {"none", "viewer", "officer", "ingest"};
	return (unsigned)r < 4 ? n[r] : "none";
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

struct bk_auth *bk_auth_load(const char *path, struct pr_err *err)
{
	struct bk_auth *a = calloc(1, sizeof *a);
	if (!a)
		abort();
	if (!path)
		return a;
	a->enabled = true;
	FILE *f = fopen(path, "r");
	if (!f) {
		pr_err_set(err, "%s: %s", path, strerror(errno));
		free(a);
		return NULL;
	}
	char line[512];
	int lineno = 0;
	size_t cap = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		char *p = line + strspn(line, " \t");
		if (!*p || *p == '#')
			continue;
		char hex[80] = "", role[32] = "";
		int used = 0;
		if (sscanf(p, "%79s %31s %n", hex, role, &used) != 2 || !p[used]) {
			pr_err_set(err, "%s:%d: expected `SHA256-HEX ROLE NAME`", path, lineno);
			goto fail;
		}
		struct entry e = {0};
		if (strlen(hex) != 64) {
			pr_err_set(err, "%s:%d: the hash must be 64 hex digits", path, lineno);
			goto fail;
		}
		for (int i = 0; i < 32; i++) {
			int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
			if (hi < 0 || lo < 0) {
				pr_err_set(err, "%s:%d: the hash must be 64 hex digits", path, lineno);
				goto fail;
			}
			e.hash[i] = (unsigned char)(hi << 4 | lo);
		}
		if (strcmp(role, "viewer") == 0)
			e.role = BK_ROLE_VIEWER;
		else if (strcmp(role, "officer") == 0)
			e.role = BK_ROLE_OFFICER;
		else if (strcmp(role, "ingest") == 0)
			e.role = BK_ROLE_INGEST;
		else {
			pr_err_set(err, "%s:%d: role \"%s\" is not viewer, officer or ingest", path,
			           lineno, role);
			goto fail;
		}
		char *name = p + used;
		size_t nl = strlen(name);
		while (nl && (name[nl - 1] == ' ' || name[nl - 1] == '\t'))
			name[--nl] = '\0';
		if (nl >= sizeof e.name) {
			pr_err_set(err, "%s:%d: name longer than %zu bytes", path, lineno,
			           sizeof e.name - 1);
			goto fail;
		}
		memcpy(e.name, name, nl + 1);
		if (a->count == cap) {
			cap = cap ? cap * 2 : 16;
			a->e = realloc(a->e, cap * sizeof *a->e);
			if (!a->e)
				abort();
		}
		a->e[a->count++] = e;
	}
	fclose(f);
	return a;
fail:
	fclose(f);
	bk_auth_free(a);
	return NULL;
}

void bk_auth_free(struct bk_auth *a)
{
	if (!a)
		return;
	free(a->e);
	free(a);
}

bool bk_auth_enabled(const struct bk_auth *a)
{
	return a->enabled;
}

void bk_auth_roles(const struct bk_auth *a, size_t counts[4])
{
	memset(counts, 0, 4 * sizeof *counts);
	for (size_t i = 0; a && i < a->count; i++)
		counts[a->e[i].role]++;
}

size_t bk_auth_count(const struct bk_auth *a)
{
	return a->count;
}

enum bk_role bk_auth_check(const struct bk_auth *a, const char *token, size_t len, char name[64])
{
	unsigned char h[32];
	bk_sha256(token, len, h);
	size_t found = (size_t)-1;
	/* Every line is compared in full, so the time does not depend on which one matches. */
	for (size_t i = 0; i < a->count; i++) {
		unsigned diff = 0;
		for (int k = 0; k < 32; k++)
			diff |= (unsigned)(a->e[i].hash[k] ^ h[k]);
		size_t mask = (size_t)0 - (size_t)(diff == 0);
		found = (found & ~mask) | (i & mask);
	}
	if (found == (size_t)-1 || len == 0)
		return BK_ROLE_NONE;
	memcpy(name, a->e[found].name, 64);
	return a->e[found].role;
}

bool bk_auth_new_token(char out[64], struct pr_err *err)
{
	static const char b64[] =
	        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char r[33];
	FILE *f = fopen("/dev/urandom", "rb");
	if (!f || fread(r, 1, 33, f) != 33) {
		if (f)
			fclose(f);
		return pr_err_set(err, "/dev/urandom: cannot read");
	}
	fclose(f);
	size_t o = 0;
	for (int i = 0; i < 33; i += 3) {
		unsigned v = (unsigned)r[i] << 16 | (unsigned)r[i + 1] << 8 | r[i + 2];
		for (int k = 3; k >= 0; k--)
			out[o++] = b64[(v >> (6 * k)) & 63];
	}
	out[o] = '\0';
	return true;
}
