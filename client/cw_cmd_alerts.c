/* cbwall alerts: the alert list in a terminal, and with --follow every change as it happens
 * (the same long-poll the screens use). Text from the backend is valid UTF-8 (proto checks it);
 * control characters are printed as '?' so an alert title cannot drive the terminal. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cw_commands.h"
#include "cw_curl.h"
#include "cw_feed.h"
#include "cw_opts.h"
#include "cw_outbox.h"
#include "pr_json.h"

static const char usage[] =
    "usage: cbwall alerts [--follow] [--active] [--backend URL] [--config FILE]\n"
    "                     [--token-file FILE]\n"
    "Lists the alerts cbwalld holds, oldest change first: id, grade, status, raised, category,\n"
    "title, and who acknowledged. --follow keeps printing changes as they come (Ctrl-C ends);\n"
    "--active leaves out resolved alerts.\n";

static void put_safe(const char *s)
{
	for (; *s; s++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

static void print_alert(const struct pr_alert *a)
{
	static const char *const status[] = {"新", "已确认", "已处置"};
	char raised[32];
	pr_time_format(a->raised_at, 480, raised);
	printf("%-10s [%d %s] %s  %.10s %.5s  ", a->id, a->grade, pr_grade_name(a->grade),
	       status[a->status], raised, raised + 11);
	put_safe(a->category);
	fputs("  ", stdout);
	put_safe(a->title);
	if (a->acked_by[0]) {
		char at[32];
		pr_time_format(a->acked_at, 480, at);
		fputs("  — ", stdout);
		put_safe(a->acked_by);
		printf(" %.5s", at + 11);
		if (a->note[0]) {
			fputs(" “", stdout);
			put_safe(a->note);
			fputs("”", stdout);
		}
	}
	putchar('\n');
}

/* One GET of the alerts after since; the list or NULL with the reason in why. */
static bool fetch(CURL *easy, const struct cw_feed_config *cfg, int64_t since, int wait,
                  struct pr_alert_list *list, char *why, size_t n)
{
	char url[1024], errbuf[CURL_ERROR_SIZE];
	snprintf(url, sizeof url, "%s/api/v1/alerts?since=%lld&wait=%d&limit=%d", cfg->url,
	         (long long)since, wait, PR_ALERT_PAGE_MAX);
	struct cw_body body = {0};
	struct curl_slist *headers;
	cw_http_setup(easy, cfg, url, wait, NULL, NULL, &body, &headers, errbuf);
	CURLcode rc = cw_curl->easy_perform(easy);
	long status = 0;
	cw_curl->easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	bool ok = false;
	struct json_object *obj = NULL;
	struct pr_err perr;
	*list = (struct pr_alert_list){0};
	if (rc != CURLE_OK || status != 200)
		cw_http_describe(url, rc, errbuf, status, &body, why, n);
	else if (!pr_json_parse(body.data, body.len, &obj, &perr) ||
	         !pr_alert_list_from_json(obj, list, &perr))
		snprintf(why, n, "%.600s: bad answer: %.500s", url, perr.msg);
	else
		ok = true;
	json_object_put(obj);
	cw_curl->slist_free_all(headers);
	cw_body_finish(&body);
	return ok;
}

int cw_cmd_alerts(int argc, char **argv)
{
	static const struct option longs[] = {
	    {"follow", no_argument, NULL, 'f'},           {"active", no_argument, NULL, 'a'},
	    {"backend", required_argument, NULL, 'B'},    {"config", required_argument, NULL, 'G'},
	    {"token-file", required_argument, NULL, 'T'}, {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	const char *backend = NULL, *config = NULL, *token_file = NULL;
	bool follow = false, active = false;
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":h", longs, NULL)) != -1) {
		switch (c) {
		case 'f': follow = true; break;
		case 'a': active = true; break;
		case 'B': backend = optarg; break;
		case 'G': config = optarg; break;
		case 'T': token_file = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		default:
			fprintf(stderr, "cbwall alerts: %s %s\n%s", argv[optind - 1],
			        c == ':' ? "needs a value" : "is not an option", usage);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "cbwall alerts: unexpected argument %s\n%s", argv[optind], usage);
		return 2;
	}
	struct cw_config cfgfile;
	struct cw_feed_config cfg;
	char token[600], why[1200];
	struct rd_err err;
	if (!cw_feed_config_resolve(config, backend, token_file, &cfgfile, token, sizeof token, &cfg,
	                            &err)) {
		fprintf(stderr, "cbwall alerts: %s\n", err.msg);
		return 2;
	}
	if (!cw_curl_load(&err)) {
		fprintf(stderr, "cbwall alerts: %s\n", err.msg);
		return 1;
	}
	cw_curl->global_init(CURL_GLOBAL_DEFAULT);
	CURL *easy = cw_curl->easy_init();
	int64_t since = 0;
	int code = 0, fails = 0;
	bool listed = false;
	for (;;) { /* --follow ends with Ctrl-C */
		struct pr_alert_list l;
		/* the first pages answer at once; following waits for changes */
		int wait = listed && follow ? cfg.alerts_wait_s : 0;
		if (!fetch(easy, &cfg, since, wait, &l, why, sizeof why)) {
			fprintf(stderr, "cbwall alerts: %s\n", why);
			if (!follow) {
				code = 1;
				break;
			}
			int64_t ms = cw_backoff_ms(++fails, cfg.backoff_min_ms, cfg.backoff_max_ms);
			usleep((useconds_t)ms * 1000);
			continue;
		}
		if (fails)
			fprintf(stderr, "cbwall alerts: %s answers again\n", cfg.url);
		fails = 0;
		for (size_t i = 0; i < l.count; i++)
			if (!active || l.items[i].status != PR_ALERT_RESOLVED)
				print_alert(&l.items[i]);
		fflush(stdout);
		bool full = l.count >= PR_ALERT_PAGE_MAX;
		since = l.next;
		pr_alert_list_finish(&l);
		if (!full)
			listed = true;
		if (listed && !follow)
			break;
	}
	cw_curl->easy_cleanup(easy);
	cw_curl->global_cleanup();
	return code;
}
