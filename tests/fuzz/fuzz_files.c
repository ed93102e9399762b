/* The client's own JSON files: scenes, themes, the config. The first byte picks the parser (its
 * value modulo 3: scene, theme, config); the rest is the file. The loaders only read paths, so
 * the input is written to a file of this process in /tmp (removed at exit) and loaded from
 * there, through cw_json_load's size cap and proto's strict parser. An accepted scene is laid
 * out at a few aspects. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cw_config.h"
#include "cw_scene.h"
#include "cw_theme.h"
#include "fuzz.h"

static char path[64];

static void cleanup(void)
{
	if (path[0])
		unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (!path[0]) {
		snprintf(path, sizeof path, "/tmp/cbwall-fuzz-files-%ld.json", (long)getpid());
		atexit(cleanup);
	}
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data + 1, 1, size - 1, f) != size - 1 || fclose(f) != 0) {
		fprintf(stderr, "fuzz_files: cannot write %s\n", path);
		abort();
	}
	struct rd_err err = {{0}};
	bool ok;
	switch (data[0] % 3) {
	case 0: {
		static struct cw_scene scene; /* large: not on the stack */
		memset(&scene, 0, sizeof scene);
		ok = cw_scene_load_file(path, &scene, &err);
		if (ok) {
			static const int sizes[][2] = {{1920, 1080}, {7680, 2160}, {1080, 1920}, {1, 1}};
			for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
				FUZZ_CHECK(cw_scene_layout(&scene, sizes[i][0], sizes[i][1]), "no layout for %dx%d",
				           sizes[i][0], sizes[i][1]);
		}
		break;
	}
	case 1: {
		struct rd_theme theme;
		memset(&theme, 0, sizeof theme);
		ok = cw_theme_load_file(path, &theme, &err);
		break;
	}
	default: {
		struct cw_config c;
		cw_config_default(&c);
		ok = cw_config_load(path, &c, &err);
		break;
	}
	}
	FUZZ_CHECK(ok || err.msg[0], "failed without a message");
	return 0;
}
