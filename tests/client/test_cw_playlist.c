#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "cw_playlist.h"
#include "pr_json.h"

static const char *write_file(const char *name, const char *text)
{
	static char path[1024];
	snprintf(path, sizeof path, "%s/%s.%d", getenv("TEST_OUT") ? getenv("TEST_OUT") : "/tmp",
	         name, (int)getpid());
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static const char sample[] =
    "{\"name\":\"t\",\"transition\":{\"type\":\"fade\",\"seconds\":2},\"schedules\":["
    "{\"from\":\"08:00\",\"to\":\"08:30\",\"scenes\":[{\"scene\":\"briefing\",\"seconds\":600}]},"
    "{\"from\":\"22:00\",\"to\":\"06:00\",\"scenes\":[{\"scene\":\"night\",\"seconds\":300}]},"
    "{\"scenes\":[{\"scene\":\"city\",\"seconds\":60},{\"scene\":\"industry\",\"seconds\":40},"
    "{\"scene\":\"governance\",\"seconds\":20}]}]}";

static double at(const char *iso)
{
	int64_t t;
	cr_assert(pr_time_parse(iso, &t, NULL), "%s", iso);
	return (double)t;
}

Test(playlist, the_clock_picks_the_scene)
{
	struct cw_playlist pl;
	struct rd_err err;
	cr_assert(cw_playlist_load_file(write_file("pl.json", sample), &pl, &err), "%s", err.msg);
	struct cw_playlist_pos p;
	cr_assert(cw_playlist_at(&pl, at("2026-11-23T08:10:00+08:00"), 480, &p));
	cr_assert_str_eq(p.item->scene, "briefing", "morning briefing");
	cr_assert(cw_playlist_at(&pl, at("2026-11-23T23:10:00+08:00"), 480, &p));
	cr_assert_str_eq(p.item->scene, "night");
	cr_assert(cw_playlist_at(&pl, at("2026-11-24T05:59:59+08:00"), 480, &p));
	cr_assert_str_eq(p.item->scene, "night", "the night schedule wraps past midnight");
	/* Daytime: a 120 s cycle counted from the epoch in local time. 14:30:00 local is a
	 * multiple of 120 s after local midnight, and local midnight is one of the epoch. */
	double t = at("2026-11-23T14:30:00+08:00");
	cr_assert(cw_playlist_at(&pl, t, 480, &p));
	cr_assert_str_eq(p.item->scene, "city");
	cr_assert_float_eq(p.into, 0, 1e-9);
	cr_assert_float_eq(p.transition, 0, 1e-9, "a scene starts with its transition");
	cr_assert(cw_playlist_at(&pl, t + 1, 480, &p));
	cr_assert_float_eq(p.transition, 0.5, 1e-9, "two-second fade, one second in");
	cr_assert(cw_playlist_at(&pl, t + 61, 480, &p));
	cr_assert_str_eq(p.item->scene, "industry");
	cr_assert_str_eq(p.previous->scene, "city");
	cr_assert_float_eq(p.into, 1, 1e-9);
	cr_assert(cw_playlist_at(&pl, t + 110, 480, &p));
	cr_assert_str_eq(p.item->scene, "governance");
	cr_assert(cw_playlist_at(&pl, t + 120, 480, &p));
	cr_assert_str_eq(p.item->scene, "city", "and round again");
	cr_assert_str_eq(p.previous->scene, "governance");
}

Test(playlist, every_tile_agrees_because_it_is_the_clock)
{
	struct cw_playlist pl;
	struct rd_err err;
	cr_assert(cw_playlist_load_file(write_file("pl2.json", sample), &pl, &err), "%s", err.msg);
	for (double t = at("2026-11-23T12:00:00+08:00"); t < at("2026-11-23T12:10:00+08:00"); t += 0.25) {
		struct cw_playlist pl2 = pl, *copies[2] = {&pl, &pl2};
		struct cw_playlist_pos a, b;
		cr_assert(cw_playlist_at(copies[0], t, 480, &a));
		cr_assert(cw_playlist_at(copies[1], t, 480, &b));
		cr_assert_str_eq(a.item->scene, b.item->scene);
		cr_assert_float_eq(a.into, b.into, 1e-9);
	}
}

Test(playlist, a_single_scene_never_transitions)
{
	struct cw_playlist pl;
	cw_playlist_single(&pl, "city");
	struct cw_playlist_pos p;
	cr_assert(cw_playlist_at(&pl, at("2026-11-23T00:00:00+08:00"), 480, &p));
	cr_assert_str_eq(p.item->scene, "city");
	cr_assert_float_eq(p.transition, 1, 1e-9);
}

Test(playlist, shipped_default_loads)
{
	struct cw_playlist pl;
	struct rd_err err;
	cr_assert(cw_playlist_load("default", &pl, &err), "%s", err.msg);
	cr_assert_gt(pl.count, 0);
}

static void fails(const char *text, const char *expect)
{
	struct cw_playlist pl;
	struct rd_err err;
	cr_assert_not(cw_playlist_load_file(write_file("bad.json", text), &pl, &err), "%s", text);
	cr_assert(strstr(err.msg, "bad.json"), "names the file: %s", err.msg);
	cr_assert(strstr(err.msg, expect), "expected \"%s\" in: %s", expect, err.msg);
}

Test(playlist, bad_files_name_file_and_key)
{
	fails("{\"name\":\"x\",\"schedules\":[]}", "schedules: empty");
	fails("{\"name\":\"x\",\"schedules\":[{\"from\":\"25:00\",\"scenes\":[{\"scene\":\"a\"}]}]}",
	      "schedules[0].from: \"25:00\" is not HH:MM");
	fails("{\"name\":\"x\",\"schedules\":[{\"scenes\":[{\"scene\":\"a\",\"seconds\":1}]}]}",
	      "schedules[0].scenes[0].seconds: 1 is outside [5, 86400]");
	fails("{\"name\":\"x\",\"transition\":{\"type\":\"spin\"},\"schedules\":[{\"scenes\":[{\"scene\":\"a\"}]}]}",
	      "transition.type: \"spin\"");
	fails("{\"name\":\"x\",\"schedules\":[{\"scenes\":[{\"scene\":\"a\",\"secs\":5}]}]}",
	      "schedules[0].scenes[0].secs: unknown key");
}
