#pragma once
/* The cbwall subcommands. Each takes argv with argv[0] the subcommand's name and returns the
 * process exit code (0 ok, 1 failed, 2 bad usage). */

int cw_cmd_window(int argc, char **argv);
int cw_cmd_snapshot(int argc, char **argv);
int cw_cmd_bench(int argc, char **argv);
int cw_cmd_diff(int argc, char **argv);
int cw_cmd_ack(int argc, char **argv);
int cw_cmd_alerts(int argc, char **argv);
int cw_cmd_check_config(int argc, char **argv);
