/* bench/soak's steady load on cbwalld: CONNS keep-alive connections sending RATE requests a
 * second in all (GET /alerts, /metrics, /districts, /events, /health and one officer ack in
 * twenty, most of them 409) for SECONDS. Prints one line every 10 s and, at the end,
 * `requests N errors E p50_ms X p99_ms Y max_ms Z`.
 * usage: load URL VIEWER_TOKEN OFFICER_TOKEN SECONDS [RATE] [CONNS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static size_t sink(char *p, size_t s, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return s * n;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct conn {
	CURL *e;
	struct curl_slist *h;
	double start;
	int busy;
	char url[512];
};

int main(int argc, char **argv)
{
	if (argc < 5) {
		fputs("usage: load URL VIEWER_TOKEN OFFICER_TOKEN SECONDS [RATE] [CONNS]\n", stderr);
		return 2;
	}
	const char *base = argv[1];
	double seconds = atof(argv[4]);
	int rate = argc > 5 ? atoi(argv[5]) : 200, nconn = argc > 6 ? atoi(argv[6]) : 16;
	char auth_v[300], auth_o[300];
	snprintf(auth_v, sizeof auth_v, "Authorization: Bearer %s", argv[2]);
	snprintf(auth_o, sizeof auth_o, "Authorization: Bearer %s", argv[3]);
	static const char *const paths[] = {"/api/v1/alerts", "/api/v1/metrics", "/api/v1/districts",
	                                    "/api/v1/events?since=0&limit=100", "/api/v1/health",
	                                    "/api/v1/alerts?since=0&limit=50"};
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURLM *m = curl_multi_init();
	struct conn *c = calloc((size_t)nconn, sizeof *c);
	size_t cap = (size_t)(seconds * rate * 1.2) + 1024, n = 0, errors = 0, window_n = 0;
	double *lat = malloc(cap * sizeof *lat), window_max = 0;
	for (int i = 0; i < nconn; i++)
		c[i].e = curl_easy_init();
	double t0 = now_ms(), next_send = t0, next_report = t0 + 10000;
	unsigned long seq = 0;
	while (now_ms() - t0 < seconds * 1000) {
		double t = now_ms();
		for (int i = 0; i < nconn && next_send <= t; i++) {
			if (c[i].busy)
				continue;
			seq++;
			curl_slist_free_all(c[i].h);
			c[i].h = NULL;
			CURL *e = c[i].e;
			curl_easy_reset(e);
			if (seq % 20 == 0) {
				char key[80];
				snprintf(c[i].url, sizeof c[i].url, "%s/api/v1/alerts/AL%08lu/ack", base,
				         1 + seq / 20 % 40);
				snprintf(key, sizeof key, "Idempotency-Key: soak-%lu", seq);
				c[i].h = curl_slist_append(c[i].h, auth_o);
				c[i].h = curl_slist_append(c[i].h, key);
				curl_easy_setopt(e, CURLOPT_POSTFIELDS, "{\"note\":\"soak\"}");
			} else {
				snprintf(c[i].url, sizeof c[i].url, "%s%s", base, paths[seq % 6]);
				c[i].h = curl_slist_append(c[i].h, auth_v);
			}
			curl_easy_setopt(e, CURLOPT_URL, c[i].url);
			curl_easy_setopt(e, CURLOPT_HTTPHEADER, c[i].h);
			curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, sink);
			curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
			curl_easy_setopt(e, CURLOPT_TIMEOUT, 10L);
			c[i].start = t;
			c[i].busy = 1;
			curl_multi_add_handle(m, e);
			next_send += 1000.0 / rate;
		}
		if (next_send < t - 1000)
			next_send = t - 1000; /* do not pile up more than a second of backlog */
		int running;
		curl_multi_perform(m, &running);
		CURLMsg *msg;
		int left;
		while ((msg = curl_multi_info_read(m, &left))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			for (int i = 0; i < nconn; i++) {
				if (c[i].e != msg->easy_handle)
					continue;
				double ms = now_ms() - c[i].start;
				long status = 0;
				curl_easy_getinfo(c[i].e, CURLINFO_RESPONSE_CODE, &status);
				if (msg->data.result != CURLE_OK ||
				    (status != 200 && status != 409 && status != 404))
					errors++;
				if (n < cap)
					lat[n++] = ms;
				window_n++;
				window_max = ms > window_max ? ms : window_max;
				curl_multi_remove_handle(m, c[i].e);
				c[i].busy = 0;
			}
		}
		if (now_ms() >= next_report) {
			printf("load: t=%.0fs requests=%zu (%.0f/s) errors=%zu max_ms=%.1f\n",
			       (now_ms() - t0) / 1000, n, window_n / 10.0, errors, window_max);
			fflush(stdout);
			window_n = 0;
			window_max = 0;
			next_report += 10000;
		}
		curl_multi_poll(m, NULL, 0, 1, NULL);
	}
	qsort(lat, n, sizeof *lat, cmp);
	printf("requests %zu errors %zu p50_ms %.2f p99_ms %.2f max_ms %.2f\n", n, errors,
	       n ? lat[n / 2] : 0, n ? lat[(size_t)(n * 0.99)] : 0, n ? lat[n - 1] : 0);
	for (int i = 0; i < nconn; i++) {
		curl_multi_remove_handle(m, c[i].e);
		curl_easy_cleanup(c[i].e);
		curl_slist_free_all(c[i].h);
	}
	curl_multi_cleanup(m);
	free(c);
	free(lat);
	return 0;
}
