#pragma once
/* The cbwall subcommands. Each takes argv with argv[0] the subcommand's name and returns the
 * process exit code (0 ok, 1 failed, 2 bad usage). */
#include <stdbool.h>
#include <stdint.h>

int cw_cmd_window(int argc, char **argv);
int cw_cmd_snapshot(int argc, char **argv);
int cw_cmd_bench(int argc, char **argv);
int cw_cmd_diff(int argc, char **argv);
int cw_cmd_ack(int argc, char **argv);
int cw_cmd_alerts(int argc, char **argv);
int cw_cmd_check_config(int argc, char **argv);

/* The bench's steady workload, shared with the window's hidden frame count
 * (CBWALL_BENCH_FRAMES): the metric of the first KPI or gauge card of the scene on screen at
 * now (else of the playlist's other scenes) at w x h (false, "" when none) ... */
struct cw_playlist;
struct cw_snapshot;
bool cw_bench_metric(const struct cw_playlist *pl, double now, int utc_offset_min, int w, int h,
                     char metric[32]);
/* ... and a private copy of base (cw_snapshot_dup; the caller owns it) in which that metric
 * (the first one when NULL or unknown) has another value for every second sec. */
struct cw_snapshot *cw_bench_snapshot(const struct cw_snapshot *base, const char *metric,
                                      int64_t sec);
/* Sorts ms[n] (frame times) and prints bench's line:
 * frame_ms p50=... p99=... max=... fps=... first_ms=... rss_mb=... late=... scene=... [tag] */
void cw_bench_print(double *ms, int n, double first_ms, const char *scene, int w, int h,
                    const char *tag);
/* Milliseconds since this process started (10 ms resolution); -1 when unknown. */
double cw_bench_since_start_ms(void);
