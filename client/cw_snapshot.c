#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cw_paths.h"
#include "cw_snapshot.h"
#include "pr_json.h"

struct cw_snapshot *cw_snapshot_new(void)
{
	struct cw_snapshot *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	s->refs = 1;
	return s;
}

struct cw_snapshot *cw_snapshot_ref(struct cw_snapshot *s)
{
	if (s)
		__atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
	return s;
}

void cw_snapshot_unref(struct cw_snapshot *s)
{
	if (s && __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) == 0)
		free(s);
}

static const char *dir_of(const char *url)
{
	if (strncmp(url, "file://", 7) == 0)
		return url + 7;
	if (strstr(url, "://"))
		return NULL;
	return url;
}

static bool read_json(const char *dir, const char *name, struct json_object **out,
                      struct rd_err *err)
{
	char path[4096];
	size_t len;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	char *body = cw_read_file(path, PR_BODY_MAX, &len, err);
	if (!body)
		return false;
	struct pr_err perr;
	bool ok = pr_json_parse(body, len, out, &perr);
	free(body);
	if (!ok)
		return rd_err_set(err, "%s: %s", path, perr.msg);
	return true;
}

struct cw_snapshot *cw_feed_read(const char *url, int64_t now, struct rd_err *err)
{
	const char *dir = dir_of(url);
	if (!dir || !*dir) {
		rd_err_set(err, "%s: unsupported feed URL (use file:///DIR)", url);
		return NULL;
	}
	struct json_object *obj;
	if (!read_json(dir, "metrics.json", &obj, err))
		return NULL;
	struct cw_snapshot *s = cw_snapshot_new();
	snprintf(s->source, sizeof s->source, "%s", url);
	struct pr_err perr;
	bool ok = pr_metrics_from_json(obj, &s->metrics, &perr);
	json_object_put(obj);
	if (!ok) {
		rd_err_set(err, "%s/metrics.json: %s", dir, perr.msg);
		cw_snapshot_unref(s);
		return NULL;
	}
	s->has_metrics = true;
	s->metrics_at = now;
	char path[4096];
	snprintf(path, sizeof path, "%s/districts.json", dir);
	if (access(path, F_OK) == 0) {
		if (!read_json(dir, "districts.json", &obj, err)) {
			cw_snapshot_unref(s);
			return NULL;
		}
		ok = pr_districts_from_json(obj, &s->districts, &perr);
		json_object_put(obj);
		if (!ok) {
			rd_err_set(err, "%s: %s", path, perr.msg);
			cw_snapshot_unref(s);
			return NULL;
		}
		s->has_districts = true;
		s->districts_at = now;
	}
	s->generation = 1;
	return s;
}

bool cw_feed_default_url(char *buf, size_t size, struct rd_err *err)
{
	char path[4096];
	if (!cw_data_path("assets/fixtures/demo/metrics.json", path, sizeof path, err))
		return false;
	*strrchr(path, '/') = '\0';
	if (snprintf(buf, size, "file://%s", path) >= (int)size)
		return rd_err_set(err, "feed path too long");
	return true;
}
