#include <stdio.h>
#include <string.h>

#include "cw_commands.h"
#include "cw_shp2png.h"

#if defined(__SANITIZE_ADDRESS__)
/* Sanitizer builds: fontconfig and Pango keep caches for the life of the process by design;
 * do not report them as leaks (tests/lsan.supp holds the same list for the tests). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\nleak:libpangoft2\nleak:libpango-1.0\nleak:libglib-2.0\n"
	       "leak:libgobject-2.0\nleak:libharfbuzz\nleak:libSDL2\nleak:libX11\nleak:libdbus\n";
}

const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}
#endif

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("cbwall %s\n", CBWALL_VERSION);
		return 0;
	}
	if (argc > 1 && argv[1][0] != '-') {
		const char *cmd = argv[1];
		if (strcmp(cmd, "snapshot") == 0)
			return cw_cmd_snapshot(argc - 1, argv + 1);
		if (strcmp(cmd, "bench") == 0)
			return cw_cmd_bench(argc - 1, argv + 1);
		if (strcmp(cmd, "diff") == 0)
			return cw_cmd_diff(argc - 1, argv + 1);
		if (strcmp(cmd, "ack") == 0)
			return cw_cmd_ack(argc - 1, argv + 1);
		if (strcmp(cmd, "alerts") == 0)
			return cw_cmd_alerts(argc - 1, argv + 1);
		if (strcmp(cmd, "check-config") == 0)
			return cw_cmd_check_config(argc - 1, argv + 1);
		if (strcmp(cmd, "shp2png") == 0)
			return cw_shp2png_main(argc - 1, argv + 1);
		fprintf(stderr, "cbwall: unknown command \"%s\" (cbwall --help lists them)\n", cmd);
		return 2;
	}
	argv[0] = "cbwall";
	return cw_cmd_window(argc, argv);
}
