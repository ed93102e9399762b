#pragma once
/* A feed snapshot: everything a screen shows, decoded and validated, at one moment.
 * Immutable once published and reference-counted: the feed makes it, the render thread
 * holds a reference while it draws, whoever drops the last reference frees it. */
#include <stdbool.h>
#include <stdint.h>

#include "pr_district.h"
#include "pr_metrics.h"
#include "rd_err.h"

struct cw_snapshot {
	int refs;              /* atomic; use cw_snapshot_ref/unref */
	uint64_t generation;   /* increases with every new snapshot of a feed */
	char source[256];      /* the feed URL it came from */
	bool has_metrics;
	int64_t metrics_at;    /* when metrics were last fetched successfully (Unix s) */
	struct pr_metrics metrics;
	bool has_districts;
	int64_t districts_at;
	struct pr_districts districts;
};

/* A new empty snapshot with one reference. Aborts on out of memory. */
struct cw_snapshot *cw_snapshot_new(void);
struct cw_snapshot *cw_snapshot_ref(struct cw_snapshot *s);
void cw_snapshot_unref(struct cw_snapshot *s);

/* Reads a feed once, synchronously: "file:///dir" (or a plain directory path) reads the
 * fixture files of docs/feed.md. Every file that is present must be valid; metrics.json is
 * required, districts.json optional. Returns a new snapshot or NULL with err naming the file and field. */
struct cw_snapshot *cw_feed_read(const char *url, int64_t now, struct rd_err *err);
/* The feed used when none is given: the demo fixtures in assets/fixtures/demo. */
bool cw_feed_default_url(char *buf, size_t size, struct rd_err *err);
