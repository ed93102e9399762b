#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cw_snapshot.h"
#include "rd_i18n.h"

struct cw_snapshot *cw_snapshot_new(void)
{
	struct cw_snapshot *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	s->refs = 1;
	s->conn = CW_CONN_CONNECTING;
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
	if (s && __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		free(s->alerts);
		free(s->events);
		free(s->acks);
		free(s);
	}
}

static void *dup_array(const void *p, size_t count, size_t size)
{
	if (!count)
		return NULL;
	void *q = calloc(count, size); /* calloc checks count * size for overflow */
	if (!q)
		abort();
	memcpy(q, p, count * size);
	return q;
}

struct cw_snapshot *cw_snapshot_dup(const struct cw_snapshot *s)
{
	struct cw_snapshot *d = malloc(sizeof *d);
	if (!d)
		abort();
	*d = *s;
	d->refs = 1;
	d->alerts = dup_array(s->alerts, s->alert_count, sizeof *s->alerts);
	d->events = dup_array(s->events, s->event_count, sizeof *s->events);
	d->acks = dup_array(s->acks, s->ack_count, sizeof *s->acks);
	return d;
}

const char *cw_source_name(int source)
{
	static const char *const names[CW_SRC_COUNT] = {"metrics", "districts", "events", "industry",
	                                                "alerts"};
	return source >= 0 && source < CW_SRC_COUNT ? names[source] : "?";
}

bool cw_snapshot_stale(const struct cw_snapshot *s, int source, int64_t now)
{
	if (!s || source < 0 || source >= CW_SRC_COUNT || !s->src[source].has)
		return false;
	const struct cw_source_state *st = &s->src[source];
	if (st->failed || (s->live && s->conn == CW_CONN_DOWN))
		return true;
	return st->stale_after > 0 && now - st->fetched_at > st->stale_after;
}

void cw_snapshot_age_text(const struct cw_snapshot *s, int source, int64_t now, char *buf,
                          size_t n)
{
	char text[64];
	bool known = s && source >= 0 && source < CW_SRC_COUNT && s->src[source].fetched_at;
	int64_t age = known ? now - s->src[source].fetched_at : 0;
	if (!known)
		snprintf(text, sizeof text, "暂无数据");
	else if (age < 60)
		snprintf(text, sizeof text, "数据更新于 刚刚");
	else if (age < 3600)
		snprintf(text, sizeof text, rd_tr("数据更新于 %lld 分钟前"), (long long)(age / 60));
	else if (age < 86400 * 2)
		snprintf(text, sizeof text, rd_tr("数据更新于 %lld 小时前"), (long long)(age / 3600));
	else
		snprintf(text, sizeof text, rd_tr("数据更新于 %lld 天前"), (long long)(age / 86400));
	cw_utf8_copy(buf, n, text);
}

const struct pr_alert *cw_snapshot_alert(const struct cw_snapshot *s, const char *id)
{
	for (size_t i = 0; s && i < s->alert_count; i++)
		if (strcmp(s->alerts[i].id, id) == 0)
			return &s->alerts[i];
	return NULL;
}

void cw_utf8_copy(char *dst, size_t n, const char *src)
{
	if (!n)
		return;
	size_t len = strlen(src);
	if (len >= n) {
		len = n - 1;
		while (len > 0 && ((unsigned char)src[len] & 0xc0) == 0x80)
			len--; /* src[len] would be the first byte cut off: back up to a lead byte */
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
}
