#ifndef CW_CURL_H
#define CW_CURL_H
/* libcurl, loaded when a feed or a command first needs it (dlopen of libcurl.so.4), not when
 * cbwall starts: libcurl and the ~25 libraries it pulls in (GnuTLS, Kerberos, LDAP, SSH, …)
 * cost ~25 ms of every process start on these machines, and a wall's first frame, the bench
 * and shp2png need none of them. The live feed loads it on its own thread.
 *
 * cw_curl_load resolves the functions below into cw_curl once per process (thread-safe);
 * afterwards they are called as cw_curl->easy_init() and so on, with libcurl's own
 * signatures. Errors: the library or a function missing, named with dlerror's reason. */
#include <stdbool.h>

#include <curl/curl.h>

#include "rd_err.h"

struct cw_curl_api {
	CURLcode (*global_init)(long flags);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	void (*easy_cleanup)(CURL *easy);
	void (*easy_reset)(CURL *easy);
	CURLcode (*easy_setopt)(CURL *easy, CURLoption option, ...);
	CURLcode (*easy_getinfo)(CURL *easy, CURLINFO info, ...);
	CURLcode (*easy_perform)(CURL *easy);
	const char *(*easy_strerror)(CURLcode code);
	struct curl_slist *(*slist_append)(struct curl_slist *list, const char *string);
	void (*slist_free_all)(struct curl_slist *list);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_cleanup)(CURLM *multi);
	CURLMcode (*multi_add_handle)(CURLM *multi, CURL *easy);
	CURLMcode (*multi_remove_handle)(CURLM *multi, CURL *easy);
	CURLMcode (*multi_perform)(CURLM *multi, int *running);
	CURLMsg *(*multi_info_read)(CURLM *multi, int *left);
	CURLMcode (*multi_poll)(CURLM *multi, struct curl_waitfd extra[], unsigned n, int timeout_ms,
	                        int *ret);
	CURLMcode (*multi_wakeup)(CURLM *multi);
};

/* NULL until cw_curl_load succeeds. */
extern const struct cw_curl_api *cw_curl;

bool cw_curl_load(struct rd_err *err);

#endif
