/* cbwall ack: the duty officer's terminal path. The ack is committed to the outbox before
 * anything is said or sent; then this process tries to deliver it (and, with --flush, every
 * pending ack of the same token) once, synchronously. What is not delivered stays pending for
 * any running cbwall with the same token, or the next `cbwall ack --flush`. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cw_commands.h"
#include "cw_config.h"
#include "cw_curl.h"
#include "cw_feed.h"
#include "cw_opts.h"
#include "cw_outbox.h"
#include "pr_alert.h"

enum { EXIT_QUEUED = 75 }; /* EX_TEMPFAIL: saved, will be delivered later */

static const char usage[] =
    "usage: cbwall ack ALERT_ID [--note TEXT] [--flush] [--backend URL] [--config FILE]\n"
    "                  [--token-file FILE]\n"
    "       cbwall ack --flush [...]\n"
    "Acknowledges an alert as the officer whose token is in the token file. The ack is saved in\n"
    "the outbox (docs/config.md) before it is sent, and retried until cbwalld answers for good.\n"
    "  --note TEXT   what was done (at most 511 bytes)\n"
    "  --flush       also deliver every pending ack of this token now\n"
    "Exit status: 0 delivered (also when someone else acked first), 75 saved and queued for\n"
    "later delivery, 1 refused for good, 2 bad usage or configuration.\n";

/* Sends one row synchronously and records the answer. */
static void deliver(CURL *easy, const struct cw_feed_config *cfg, struct cw_outbox *ob,
                    struct cw_ack *a)
{
	char url[1024], errbuf[CURL_ERROR_SIZE], neterr[1200] = "";
	snprintf(url, sizeof url, "%s/api/v1/alerts/%s/ack", cfg->url, a->alert_id);
	struct pr_ack_in in = {{0}};
	snprintf(in.note, sizeof in.note, "%s", a->note);
	struct json_object *o = pr_ack_in_to_json(&in);
	struct cw_body body = {0};
	struct curl_slist *headers;
	cw_http_setup(easy, cfg, url, 0, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
	              a->key, &body, &headers, errbuf);
	json_object_put(o);
	CURLcode rc = cw_curl->easy_perform(easy);
	long status = 0;
	if (rc == CURLE_OK)
		cw_curl->easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	else
		cw_http_describe(url, rc, errbuf, 0, &body, neterr, sizeof neterr);
	cw_ack_judge(a, status, body.data, body.len, neterr, cw_now() * 1000, cfg->backoff_min_ms,
	             cfg->backoff_max_ms);
	struct rd_err err;
	if (!cw_outbox_record(ob, a, cw_now(), &err))
		fprintf(stderr, "cbwall ack: %s\n", err.msg);
	cw_curl->slist_free_all(headers);
	cw_body_finish(&body);
}

static void say(const struct cw_ack *a)
{
	switch (a->state) {
	case CW_ACK_DONE: printf("%s: acknowledged (%s)\n", a->alert_id, a->text); break;
	case CW_ACK_CONFLICT: printf("%s: already acknowledged: %s\n", a->alert_id, a->text); break;
	case CW_ACK_REFUSED: printf("%s: refused: %s\n", a->alert_id, a->text); break;
	case CW_ACK_PENDING:
		printf("%s: saved, queued for delivery by a running cbwall or `cbwall ack --flush` "
		       "(%s)\n", a->alert_id, a->text);
		break;
	}
}

int cw_cmd_ack(int argc, char **argv)
{
	static const struct option longs[] = {
	    {"note", required_argument, NULL, 'n'},       {"flush", no_argument, NULL, 'f'},
	    {"backend", required_argument, NULL, 'B'},    {"config", required_argument, NULL, 'G'},
	    {"token-file", required_argument, NULL, 'T'}, {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	const char *note = "", *backend = NULL, *config = NULL, *token_file = NULL;
	bool flush = false;
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":h", longs, NULL)) != -1) {
		switch (c) {
		case 'n': note = optarg; break;
		case 'f': flush = true; break;
		case 'B': backend = optarg; break;
		case 'G': config = optarg; break;
		case 'T': token_file = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		default:
			fprintf(stderr, "cbwall ack: %s %s\n%s", argv[optind - 1],
			        c == ':' ? "needs a value" : "is not an option", usage);
			return 2;
		}
	}
	const char *alert_id = optind < argc ? argv[optind++] : NULL;
	if ((!alert_id && !flush) || optind < argc) {
		fprintf(stderr, "cbwall ack: %s\n%s", optind < argc ? "one ALERT_ID only" : "which alert?",
		        usage);
		return 2;
	}
	struct cw_config cfgfile;
	struct cw_feed_config cfg;
	char token[600], outbox[1024], tag[17];
	struct rd_err err;
	if (!cw_feed_config_resolve(config, backend, token_file, &cfgfile, token, sizeof token, &cfg,
	                            &err) ||
	    !cw_config_outbox(&cfgfile, outbox, sizeof outbox, &err)) {
		fprintf(stderr, "cbwall ack: %s\n", err.msg);
		return 2;
	}
	if (!token[0]) {
		fprintf(stderr, "cbwall ack: no token: give --token-file FILE or set \"token_file\" in "
		                "the config (an officer's token from `cbwalld hash-token officer NAME`)\n");
		return 2;
	}
	cw_outbox_token_tag(token, tag);
	struct cw_outbox *ob = cw_outbox_open(outbox, &err);
	if (!ob) {
		fprintf(stderr, "cbwall ack: %s\n", err.msg);
		return 1;
	}
	struct cw_ack mine = {0};
	if (alert_id && !cw_outbox_add(ob, alert_id, note, tag, cw_now(), &mine, &err)) {
		fprintf(stderr, "cbwall ack: %s\n", err.msg);
		cw_outbox_close(ob);
		return 2;
	}
	/* from here on the ack is on disk: whatever happens, it is pending */
	if (!cw_curl_load(&err)) {
		fprintf(stderr, "cbwall ack: %s; %s stays in the outbox %s\n", err.msg,
		        alert_id ? "the ack" : "every pending ack", outbox);
		cw_outbox_close(ob);
		return EXIT_QUEUED;
	}
	cw_curl->global_init(CURL_GLOBAL_DEFAULT);
	CURL *easy = cw_curl->easy_init();
	int code = 0;
	if (alert_id) {
		deliver(easy, &cfg, ob, &mine);
		say(&mine);
		code = mine.state == CW_ACK_PENDING   ? EXIT_QUEUED
		       : mine.state == CW_ACK_REFUSED ? 1
		                                      : 0;
	}
	if (flush) {
		/* every pending row of this token, due or not, each once; stop at the first network
		 * failure (the rest would fail the same way) */
		struct cw_ack rows[64];
		int64_t after = 0;
		bool down = mine.state == CW_ACK_PENDING && alert_id;
		for (;;) {
			int n = down ? 0 : cw_outbox_due(ob, tag, INT64_MAX, rows, 64, &err);
			int sent = 0;
			for (int i = 0; i < n && !down; i++) {
				if (rows[i].id <= after || rows[i].id == mine.id)
					continue;
				after = rows[i].id;
				deliver(easy, &cfg, ob, &rows[i]);
				say(&rows[i]);
				sent++;
				if (rows[i].state == CW_ACK_PENDING)
					down = true, code = EXIT_QUEUED;
				else if (rows[i].state == CW_ACK_REFUSED && code == 0)
					code = 1;
			}
			if (n < 0)
				fprintf(stderr, "cbwall ack: %s\n", err.msg), code = 1;
			if (n < 64 || !sent || down)
				break;
		}
		if (down && code != EXIT_QUEUED)
			code = EXIT_QUEUED;
	}
	cw_curl->easy_cleanup(easy);
	cw_curl->global_cleanup();
	cw_outbox_close(ob);
	return code;
}
