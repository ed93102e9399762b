#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cw_config.h"
#include "cw_i18n.h"
#include "cw_json.h"
#include "cw_paths.h"
#include "pr_json.h"

void cw_config_default(struct cw_config *c)
{
	memset(c, 0, sizeof *c);
	c->interval_s[CW_SRC_METRICS] = 10;
	c->interval_s[CW_SRC_DISTRICTS] = 30;
	c->interval_s[CW_SRC_EVENTS] = 15;
	c->interval_s[CW_SRC_INDUSTRY] = 300;
	c->interval_s[CW_SRC_ALERTS] = 0;
	c->alerts_wait_s = 25;
	c->connect_timeout_s = 5;
	c->timeout_s = 20;
	c->backoff_max_s = 60;
	c->mode = CW_MODE_NONE;
	cw_chord_parse("Ctrl+Alt+Shift+Q", &c->admin_chord);
	c->escalate_after_s = 300;
	c->kiosk_idle_s = 90;
	snprintf(c->language, sizeof c->language, "zh");
}

bool cw_mode_parse(const char *s, enum cw_mode *mode)
{
	static const char *const names[] = {[CW_MODE_WALL] = "wall", [CW_MODE_KIOSK] = "kiosk",
	                                    [CW_MODE_DUTY] = "duty"};
	for (int m = CW_MODE_WALL; m <= CW_MODE_DUTY; m++)
		if (strcmp(s, names[m]) == 0) {
			*mode = (enum cw_mode)m;
			return true;
		}
	return false;
}

const char *cw_mode_name(enum cw_mode mode)
{
	switch (mode) {
	case CW_MODE_WALL: return "wall";
	case CW_MODE_KIOSK: return "kiosk";
	case CW_MODE_DUTY: return "duty";
	case CW_MODE_NONE: break;
	}
	return "window";
}

bool cw_chord_parse(const char *s, struct cw_chord *chord)
{
	static const struct {
		const char *name;
		unsigned bit;
	} mods[] = {{"ctrl", CW_CHORD_CTRL}, {"control", CW_CHORD_CTRL}, {"alt", CW_CHORD_ALT},
	            {"shift", CW_CHORD_SHIFT}, {"super", CW_CHORD_SUPER}};
	static const char *const keys[] = {"Escape", "Delete", "Backspace", "Pause", "Home", "End",
	                                   "Insert", "Space", "Tab", "Return", NULL};
	memset(chord, 0, sizeof *chord);
	for (;;) {
		const char *plus = strchr(s, '+');
		if (!plus || plus == s) /* the last part is the key ("Ctrl++" is not a chord) */
			break;
		size_t len = (size_t)(plus - s);
		unsigned bit = 0;
		for (size_t i = 0; i < sizeof mods / sizeof mods[0] && !bit; i++)
			if (strlen(mods[i].name) == len && strncasecmp(s, mods[i].name, len) == 0)
				bit = mods[i].bit;
		if (!bit || (chord->mods & bit))
			return false;
		chord->mods |= bit;
		s = plus + 1;
	}
	if (!chord->mods || !*s || strlen(s) >= sizeof chord->key)
		return false;
	bool ok = false;
	if (!s[1]) {
		ok = s[0] > 0x20 && s[0] < 0x7f;
	} else if ((s[0] == 'F' || s[0] == 'f') && isdigit((unsigned char)s[1])) {
		char *end;
		long n = strtol(s + 1, &end, 10);
		ok = !*end && n >= 1 && n <= 24;
	} else {
		for (int i = 0; keys[i] && !ok; i++)
			ok = strcasecmp(s, keys[i]) == 0;
	}
	if (!ok)
		return false;
	snprintf(chord->key, sizeof chord->key, "%s", s);
	if (!s[1]) /* SDL names letter keys in upper case */
		chord->key[0] = (char)toupper((unsigned char)s[0]);
	return true;
}

bool cw_url_is_http(const char *url)
{
	return strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0;
}

/* A path from the file: "~/x" is $HOME/x, a relative one is relative to the file's folder. */
static bool set_path(const char *file, const char *key, const char *val, char *out, size_t n,
                     struct rd_err *err)
{
	int len;
	if (!*val || val[0] == '/') {
		len = snprintf(out, n, "%s", val);
	} else if (strncmp(val, "~/", 2) == 0) {
		const char *home = getenv("HOME");
		if (!home || !*home)
			return rd_err_set(err, "%s: %s: \"%s\" starts with ~/ but $HOME is not set", file,
			                  key, val);
		len = snprintf(out, n, "%s/%s", home, val + 2);
	} else {
		const char *slash = strrchr(file, '/');
		len = slash ? snprintf(out, n, "%.*s/%s", (int)(slash - file), file, val)
		            : snprintf(out, n, "%s", val);
	}
	if (len < 0 || (size_t)len >= n)
		return rd_err_set(err, "%s: %s: path too long", file, key);
	return true;
}

/* pr_* name a top-level field ".key" (empty path): drop the dot. */
static bool fail(struct rd_err *err, const char *file, const struct pr_err *perr)
{
	return cw_json_fail(err, file, perr->msg[0] == '.' ? perr->msg + 1 : perr->msg);
}

static bool get_int(const char *file, struct json_object *obj, const char *path, const char *key,
                    int min, int max, int *out, struct rd_err *err)
{
	int64_t v = *out;
	struct pr_err perr;
	if (!pr_get_int64(obj, path, key, min, max, &v, true, &perr))
		return fail(err, file, &perr);
	*out = (int)v;
	return true;
}

static bool load_intervals(const char *file, struct json_object *obj, struct cw_config *c,
                           struct rd_err *err)
{
	static const char *const keys[] = {"metrics", "districts", "events", "industry", NULL};
	if (!cw_json_known_keys(obj, file, "intervals", keys, err))
		return false;
	for (int s = 0; s < CW_SRC_ALERTS; s++)
		if (!get_int(file, obj, "intervals", cw_source_name(s), 1, 86400, &c->interval_s[s], err))
			return false;
	return true;
}

bool cw_config_load(const char *path, struct cw_config *c, struct rd_err *err)
{
	static const char *const keys[] = {"backend", "token_file", "ca_file", "outbox",
	                                   "intervals", "alerts_wait", "connect_timeout", "timeout",
	                                   "backoff_max", "mode", "admin_chord", "escalate_after_s",
	                                   "kiosk_idle_s", "language", NULL};
	cw_config_default(c);
	if (snprintf(c->path, sizeof c->path, "%s", path) >= (int)sizeof c->path) {
		cw_config_default(c);
		return rd_err_set(err, "%s: path too long", path);
	}
	struct json_object *root = cw_json_load(path, err);
	if (!root) {
		cw_config_default(c);
		return false;
	}
	bool ok = false;
	struct pr_err perr;
	char token_file[1024] = "", ca_file[1024] = "", outbox[1024] = "", mode[16] = "",
	     chord[64] = "";
	struct json_object *intervals;
	if (!json_object_is_type(root, json_type_object)) {
		rd_err_set(err, "%s: the config must be a JSON object", path);
		goto out;
	}
	if (!cw_json_known_keys(root, path, "", keys, err))
		goto out;
	if (!pr_get_string(root, "", "backend", c->backend, sizeof c->backend, true, &perr) ||
	    !pr_get_string(root, "", "token_file", token_file, sizeof token_file, true, &perr) ||
	    !pr_get_string(root, "", "ca_file", ca_file, sizeof ca_file, true, &perr) ||
	    !pr_get_string(root, "", "outbox", outbox, sizeof outbox, true, &perr) ||
	    !pr_get_string(root, "", "mode", mode, sizeof mode, true, &perr) ||
	    !pr_get_string(root, "", "admin_chord", chord, sizeof chord, true, &perr) ||
	    !pr_get_string(root, "", "language", c->language, sizeof c->language, true, &perr) ||
	    !pr_get_object(root, "", "intervals", true, &intervals, &perr)) {
		fail(err, path, &perr);
		goto out;
	}
	if (c->backend[0] && !cw_url_is_http(c->backend) && strncmp(c->backend, "file://", 7) != 0) {
		rd_err_set(err, "%s: backend: \"%s\" is not an http://, https:// or file:// URL", path,
		           c->backend);
		goto out;
	}
	if (!cw_i18n_known(c->language)) {
		rd_err_set(err, "%s: language: \"%s\" is not zh or en", path, c->language);
		goto out;
	}
	if (mode[0] && !cw_mode_parse(mode, &c->mode)) {
		rd_err_set(err, "%s: mode: \"%s\" is not wall, kiosk or duty", path, mode);
		goto out;
	}
	if (chord[0] && !cw_chord_parse(chord, &c->admin_chord)) {
		rd_err_set(err, "%s: admin_chord: \"%s\" is not a chord like \"Ctrl+Alt+Shift+Q\" "
		           "(modifiers Ctrl, Alt, Shift, Super, then one key)", path, chord);
		goto out;
	}
	if (!set_path(path, "token_file", token_file, c->token_file, sizeof c->token_file, err) ||
	    !set_path(path, "ca_file", ca_file, c->ca_file, sizeof c->ca_file, err) ||
	    !set_path(path, "outbox", outbox, c->outbox, sizeof c->outbox, err))
		goto out;
	if ((intervals && !load_intervals(path, intervals, c, err)) ||
	    !get_int(path, root, "", "alerts_wait", 0, 600, &c->alerts_wait_s, err) ||
	    !get_int(path, root, "", "connect_timeout", 1, 300, &c->connect_timeout_s, err) ||
	    !get_int(path, root, "", "timeout", 1, 3600, &c->timeout_s, err) ||
	    !get_int(path, root, "", "backoff_max", 1, 3600, &c->backoff_max_s, err) ||
	    !get_int(path, root, "", "escalate_after_s", 10, 86400, &c->escalate_after_s, err) ||
	    !get_int(path, root, "", "kiosk_idle_s", 5, 86400, &c->kiosk_idle_s, err))
		goto out;
	ok = true;
out:
	json_object_put(root);
	if (!ok) /* never half a config */
		cw_config_default(c);
	return ok;
}

/* $VAR/cbwall/name, or $HOME/fallback/cbwall/name when VAR is unset or relative (XDG rules). */
static bool xdg_path(const char *var, const char *fallback, const char *name, char *buf, size_t n,
                     struct rd_err *err)
{
	const char *base = getenv(var);
	int len;
	if (base && base[0] == '/') {
		len = snprintf(buf, n, "%s/cbwall/%s", base, name);
	} else {
		const char *home = getenv("HOME");
		if (!home || !*home)
			return rd_err_set(err, "neither $%s nor $HOME is set", var);
		len = snprintf(buf, n, "%s/%s/cbwall/%s", home, fallback, name);
	}
	if (len < 0 || (size_t)len >= n)
		return rd_err_set(err, "$%s/cbwall/%s: path too long", var, name);
	return true;
}

bool cw_config_resolve(const char *config_path, const char *backend, const char *token_file,
                       struct cw_config *c, struct rd_err *err)
{
	char path[1024];
	cw_config_default(c);
	if (config_path) {
		if (!cw_config_load(config_path, c, err))
			return false;
	} else if (xdg_path("XDG_CONFIG_HOME", ".config", "config.json", path, sizeof path, NULL) &&
	           access(path, F_OK) == 0) {
		if (!cw_config_load(path, c, err))
			return false;
	}
	if (backend) {
		if (!cw_url_is_http(backend) && strncmp(backend, "file://", 7) != 0)
			return rd_err_set(err, "--backend %s: expected an http://, https:// or file:// URL",
			                  backend);
		if (snprintf(c->backend, sizeof c->backend, "%s", backend) >= (int)sizeof c->backend)
			return rd_err_set(err, "--backend: URL too long");
	}
	if (token_file &&
	    snprintf(c->token_file, sizeof c->token_file, "%s", token_file) >= (int)sizeof c->token_file)
		return rd_err_set(err, "--token-file: path too long");
	return true;
}

bool cw_config_token(const struct cw_config *c, char *buf, size_t n, struct rd_err *err)
{
	buf[0] = '\0';
	if (!c->token_file[0])
		return true;
	size_t len;
	char *text = cw_read_file(c->token_file, 64 << 10, &len, err);
	if (!text)
		return rd_err_prefix(err, "token file");
	struct stat st;
	if (stat(c->token_file, &st) == 0 && (st.st_mode & 077))
		fprintf(stderr, "cbwall: warning: %s: token file is readable by others (chmod 600)\n",
		        c->token_file);
	size_t end = strcspn(text, "\r\n");
	while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\t'))
		end--;
	size_t start = strspn(text, " \t");
	bool ok = end > start && end - start >= 8 && end - start <= 512 && end - start < n;
	for (size_t i = start; ok && i < end; i++)
		ok = text[i] > 0x20 && text[i] < 0x7f;
	if (ok) {
		memcpy(buf, text + start, end - start);
		buf[end - start] = '\0';
	}
	free(text);
	if (!ok)
		return rd_err_set(err, "%s: line 1 is not a token (8..512 printable ASCII characters, "
		                  "no spaces)", c->token_file);
	return true;
}

bool cw_config_outbox(const struct cw_config *c, char *buf, size_t n, struct rd_err *err)
{
	if (c->outbox[0]) {
		if (snprintf(buf, n, "%s", c->outbox) >= (int)n)
			return rd_err_set(err, "outbox: path too long");
		return true;
	}
	return xdg_path("XDG_STATE_HOME", ".local/state", "outbox.db", buf, n, err);
}
