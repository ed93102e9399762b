#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

#include "cw_curl.h"

const struct cw_curl_api *cw_curl;

static struct cw_curl_api api;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static char error[256];

static void load(void)
{
	/* RTLD_NOW: a missing symbol shows here, not in the middle of a transfer. Never closed:
	 * libcurl's global state lives as long as the process. */
	void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		snprintf(error, sizeof error, "cannot load libcurl (libcurl.so.4, Debian's libcurl4): %s",
		         dlerror());
		return;
	}
	static const struct {
		const char *name;
		size_t at;
	} fns[] = {
#define FN(field) {"curl_" #field, offsetof(struct cw_curl_api, field)}
	    FN(global_init),      FN(global_cleanup),      FN(easy_init),       FN(easy_cleanup),
	    FN(easy_reset),       FN(easy_setopt),         FN(easy_getinfo),    FN(easy_perform),
	    FN(easy_strerror),    FN(slist_append),        FN(slist_free_all),  FN(multi_init),
	    FN(multi_cleanup),    FN(multi_add_handle),    FN(multi_remove_handle),
	    FN(multi_perform),    FN(multi_info_read),     FN(multi_poll),      FN(multi_wakeup),
#undef FN
	};
	for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
		void *fn = dlsym(lib, fns[i].name);
		if (!fn) {
			snprintf(error, sizeof error, "libcurl.so.4 has no %s: %s", fns[i].name, dlerror());
			return;
		}
		/* every field is a function pointer; POSIX makes dlsym's result convertible */
		*(void **)((char *)&api + fns[i].at) = fn;
	}
	cw_curl = &api;
}

bool cw_curl_load(struct rd_err *err)
{
	pthread_once(&once, load);
	if (!cw_curl)
		return rd_err_set(err, "%s", error);
	return true;
}
