/* cbwall check-config FILE: loads a config file as every subcommand would, and says what it
 * found or names the bad key. */
#include <stdio.h>
#include <string.h>

#include "cw_commands.h"
#include "cw_config.h"

int cw_cmd_check_config(int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '-') {
		bool help = argc == 2 && strcmp(argv[1], "--help") == 0;
		fputs("usage: cbwall check-config FILE\n"
		      "Validates a cbwall config file (docs/config.md); exit 0 when it is good, 1 with\n"
		      "the file and the bad key otherwise.\n",
		      help ? stdout : stderr);
		return help ? 0 : 2;
	}
	struct cw_config c;
	struct rd_err err;
	char token[600], outbox[1024];
	if (!cw_config_load(argv[1], &c, &err) || !cw_config_token(&c, token, sizeof token, &err) ||
	    !cw_config_outbox(&c, outbox, sizeof outbox, &err)) {
		fprintf(stderr, "cbwall check-config: %s\n", err.msg);
		return 1;
	}
	printf("%s: ok\n  backend    %s\n  token      %s\n  ca_file    %s\n  outbox     %s\n"
	       "  intervals  metrics %d s, districts %d s, events %d s, industry %d s; alerts "
	       "long-poll %d s\n"
	       "  mode       %s\n  admin      %s%s%s%s%s\n  escalate   after %d s\n"
	       "  kiosk      back to the overview after %d s idle\n  language   %s\n",
	       argv[1], c.backend[0] ? c.backend : "(none: the demo fixtures)",
	       c.token_file[0] ? c.token_file : "(none)", c.ca_file[0] ? c.ca_file : "(system)",
	       outbox, c.interval_s[CW_SRC_METRICS], c.interval_s[CW_SRC_DISTRICTS],
	       c.interval_s[CW_SRC_EVENTS], c.interval_s[CW_SRC_INDUSTRY], c.alerts_wait_s,
	       c.mode == CW_MODE_NONE ? "(not set: --mode, else a plain window)" : cw_mode_name(c.mode),
	       c.admin_chord.mods & CW_CHORD_CTRL ? "Ctrl+" : "",
	       c.admin_chord.mods & CW_CHORD_ALT ? "Alt+" : "",
	       c.admin_chord.mods & CW_CHORD_SHIFT ? "Shift+" : "",
	       c.admin_chord.mods & CW_CHORD_SUPER ? "Super+" : "", c.admin_chord.key,
	       c.escalate_after_s, c.kiosk_idle_s, c.language);
	return 0;
}
