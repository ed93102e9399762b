#include <stdlib.h>
#include <string.h>

#include "rd_i18n.h"

struct entry {
	char *zh, *text;
};

static struct entry *entries;
static size_t entry_count, entry_cap;
static bool sorted;

static int by_zh(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->zh, ((const struct entry *)b)->zh);
}

void rd_i18n_reset(void)
{
	for (size_t i = 0; i < entry_count; i++) {
		free(entries[i].zh);
		free(entries[i].text);
	}
	free(entries);
	entries = NULL;
	entry_count = entry_cap = 0;
	sorted = false;
}

/* The printf conversions of s in order ("%d%s" -> "ds"); "%%" left out. */
static void conversions(const char *s, char *out, size_t n)
{
	size_t k = 0;
	for (const char *p = s; *p && k + 1 < n; p++) {
		if (*p != '%')
			continue;
		p++;
		if (*p == '%')
			continue;
		while (*p && strchr("-+ #0123456789.lhzjt", *p))
			p++;
		if (!*p)
			break;
		out[k++] = *p;
	}
	out[k] = '\0';
}

bool rd_i18n_add(const char *zh, const char *text, struct rd_err *err)
{
	char a[32], b[32];
	conversions(zh, a, sizeof a);
	conversions(text, b, sizeof b);
	if (strcmp(a, b) != 0)
		return rd_err_set(err, "\"%s\": the translation must keep the same %% conversions in "
		                  "the same order", zh);
	/* the table grows with the language file: out of memory is an error, not an abort */
	if (entry_count == entry_cap) {
		size_t cap = entry_cap ? entry_cap * 2 : 64;
		struct entry *e = realloc(entries, cap * sizeof *entries);
		if (!e)
			return rd_err_set(err, "\"%s\": out of memory for %zu entries", zh, cap);
		entries = e;
		entry_cap = cap;
	}
	char *z = strdup(zh), *t = strdup(text);
	if (!z || !t) {
		free(z);
		free(t);
		return rd_err_set(err, "\"%s\": out of memory", zh);
	}
	entries[entry_count].zh = z;
	entries[entry_count].text = t;
	entry_count++;
	sorted = false;
	return true;
}

void rd_i18n_ready(void)
{
	if (entry_count)
		qsort(entries, entry_count, sizeof *entries, by_zh);
	sorted = true;
}

bool rd_i18n_western(void)
{
	const char *m = rd_tr("__magnitudes__");
	return strcmp(m, "western") == 0;
}

const char *rd_tr(const char *zh)
{
	if (!entry_count || !sorted || !zh)
		return zh;
	struct entry key = {.zh = (char *)zh};
	const struct entry *e = bsearch(&key, entries, entry_count, sizeof *entries, by_zh);
	return e ? e->text : zh;
}
