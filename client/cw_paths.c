#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cw_paths.h"

bool cw_data_path(const char *rel, char *buf, size_t size, struct rd_err *err)
{
	const char *dirs[] = {getenv("CBWALL_DATADIR"), CBWALL_SOURCE_DATADIR, CBWALL_INSTALL_DATADIR};
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		if (!dirs[i] || !*dirs[i])
			continue;
		int n = snprintf(buf, size, "%s/%s", dirs[i], rel);
		if (n > 0 && (size_t)n < size && access(buf, R_OK) == 0)
			return true;
	}
	return rd_err_set(err, "%s: not found in $CBWALL_DATADIR, %s or %s", rel,
	                  CBWALL_SOURCE_DATADIR, CBWALL_INSTALL_DATADIR);
}

char *cw_read_file(const char *path, size_t max, size_t *len, struct rd_err *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		rd_err_set(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fileno(f), &st) != 0) {
		rd_err_set(err, "%s: %s", path, strerror(errno));
		fclose(f);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		fclose(f);
		rd_err_set(err, "%s: not a regular file", path);
		return NULL;
	}
	if ((unsigned long long)st.st_size > max) {
		fclose(f);
		rd_err_set(err, "%s: %lld bytes, more than the %zu byte limit", path,
		           (long long)st.st_size, max);
		return NULL;
	}
	/* the size comes from the file: out of memory is an error, not an abort */
	size_t n = (size_t)st.st_size;
	char *data = malloc(n + 1);
	if (!data) {
		fclose(f);
		rd_err_set(err, "%s: out of memory for %zu bytes", path, n + 1);
		return NULL;
	}
	size_t got = fread(data, 1, n, f);
	if (got != n) {
		rd_err_set(err, "%s: read error (got %zu of %zu bytes)%s%s", path, got, n,
		           ferror(f) ? ": " : "", ferror(f) ? strerror(errno) : "");
		fclose(f);
		free(data);
		return NULL;
	}
	fclose(f);
	data[n] = '\0';
	if (len)
		*len = n;
	return data;
}
