/* Theme and scene files: the shipped ones load; every kind of bad file gives an error that
 * names the file and the key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "cw_scene.h"
#include "cw_theme.h"

static char dir[512];

static void setup(void)
{
	snprintf(dir, sizeof dir, "%s/files.%d", getenv("TEST_OUT") ? getenv("TEST_OUT") : "/tmp",
	         (int)getpid());
	mkdir(dir, 0755);
}

TestSuite(theme, .init = setup);
TestSuite(scene, .init = setup);

static const char *write_file(const char *name, const char *text)
{
	static char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

Test(theme, shipped_themes_load)
{
	struct rd_theme t;
	struct rd_err err;
	cr_assert(cw_theme_load("dark", &t, &err), "%s", err.msg);
	cr_assert_str_eq(t.name, "dark");
	cr_assert_str_eq(t.font_family, "Noto Sans CJK SC");
	cr_assert_not_null(rd_theme_ramp(&t, "blue_orange"));
	cr_assert(cw_theme_load("high-contrast", &t, &err), "%s", err.msg);
	cr_assert_str_eq(t.name, "high-contrast");
	cr_assert_float_eq(t.colors[RD_BG].r, 0, 1e-9);
	cr_assert_float_eq(t.grade[0].r, 1, 1e-9, "特别重大 is red");
}

Test(theme, a_partial_theme_overrides_the_default)
{
	const char *p = write_file("partial.json", "{\"name\":\"p\",\"colors\":{\"bg\":\"#ff000080\"}}");
	struct rd_theme t, d;
	struct rd_err err;
	rd_theme_default(&d);
	cr_assert(cw_theme_load(p, &t, &err), "%s", err.msg);
	cr_assert_float_eq(t.colors[RD_BG].r, 1, 1e-9);
	cr_assert_float_eq(t.colors[RD_BG].a, 128 / 255.0, 1e-9);
	cr_assert_float_eq(t.colors[RD_TEXT].g, d.colors[RD_TEXT].g, 1e-9);
}

static void theme_fails(const char *text, const char *expect)
{
	const char *p = write_file("bad-theme.json", text);
	struct rd_theme t;
	struct rd_err err;
	cr_assert_not(cw_theme_load(p, &t, &err), "%s should fail", text);
	cr_assert(strstr(err.msg, "bad-theme.json"), "names the file: %s", err.msg);
	cr_assert(strstr(err.msg, expect), "expected \"%s\" in: %s", expect, err.msg);
}

Test(theme, bad_files_name_file_and_key)
{
	theme_fails("{\"name\":\"x\",\"colors\":{\"bg\":\"blue\"}}", "colors.bg: not a color");
	theme_fails("{\"name\":\"x\",\"colors\":{\"bg\":\"#12345g\"}}", "colors.bg");
	theme_fails("{\"name\":\"x\",\"colors\":{\"backgorund\":\"#123456\"}}",
	            "colors.backgorund: unknown color role");
	theme_fails("{\"name\":\"x\",\"sizes\":{\"title\":3}}", "sizes.title");
	theme_fails("{\"name\":\"x\",\"sizes\":{\"huge\":0.1}}", "sizes.huge: unknown size");
	theme_fails("{\"name\":\"x\",\"grades\":[\"#ff0000\"]}", "grades");
	theme_fails("{\"name\":\"x\",\"ramps\":{\"r\":[\"#ff0000\"]}}", "ramps.r");
	theme_fails("{\"name\":\"x\",\"colour\":{}}", "colour: unknown key");
	theme_fails("{\"colors\":{}}", "name: missing");
	theme_fails("{\"name\":\"x\",", "JSON");
	theme_fails("[]", "must be a JSON object");
}

Test(theme, unknown_name_says_where_it_looked)
{
	struct rd_theme t;
	struct rd_err err;
	cr_assert_not(cw_theme_load("no-such-theme", &t, &err));
	cr_assert(strstr(err.msg, "themes/no-such-theme.json: not found"), "%s", err.msg);
}

Test(scene, city_loads_with_a_layout_per_aspect)
{
	struct cw_scene s;
	struct rd_err err;
	cr_assert(cw_scene_load("city", &s, &err), "%s", err.msg);
	cr_assert_str_eq(s.name, "city");
	cr_assert_gt(s.header_h, 0);
	const struct cw_layout_def *l169 = cw_scene_layout(&s, 1920, 1080);
	const struct cw_layout_def *l4k = cw_scene_layout(&s, 3840, 2160);
	const struct cw_layout_def *l329 = cw_scene_layout(&s, 7680, 2160);
	const struct cw_layout_def *l916 = cw_scene_layout(&s, 1080, 1920);
	cr_assert_eq(l169, l4k, "one layout for every 16:9 size");
	cr_assert_neq(l169, l329);
	cr_assert_neq(l169, l916);
	cr_assert_neq(l329, l916);
	cr_assert_gt(l169->panel_count, 4);
}

static void scene_fails(const char *panels, const char *expect)
{
	char text[2048];
	snprintf(text, sizeof text,
	         "{\"name\":\"t\",\"layouts\":[{\"grid\":{\"cols\":4,\"rows\":4},\"panels\":[%s]}]}",
	         panels);
	const char *p = write_file("bad-scene.json", text);
	struct cw_scene s;
	struct rd_err err;
	cr_assert_not(cw_scene_load(p, &s, &err), "%s should fail", panels);
	cr_assert(strstr(err.msg, "bad-scene.json"), "names the file: %s", err.msg);
	cr_assert(strstr(err.msg, expect), "expected \"%s\" in: %s", expect, err.msg);
}

Test(scene, bad_files_name_file_and_key)
{
	scene_fails("{\"type\":\"kpi\",\"metric\":\"aqi\",\"at\":[3,0,2,1]}",
	            "layouts[0].panels[0].at: [3, 0, 2, 1] does not fit the 4x4 grid");
	/* found by the fuzzer: col + colspan overflowed int */
	scene_fails("{\"type\":\"kpi\",\"metric\":\"aqi\",\"at\":[2147483647,0,6,1]}",
	            "layouts[0].panels[0].at: [2147483647, 0, 6, 1] does not fit the 4x4 grid");
	scene_fails("{\"type\":\"kpi\",\"metric\":\"aqi\",\"at\":[0,0,2,2]},"
	            "{\"type\":\"kpi\",\"metric\":\"gdp\",\"at\":[1,1,2,2]}",
	            "panels[1].at: overlaps panel \"layouts[0].panels[0]\"");
	scene_fails("{\"type\":\"pie\",\"at\":[0,0,1,1]}", "panels[0].type: unknown panel type");
	scene_fails("{\"type\":\"kpi\",\"at\":[0,0,1,1]}", "panels[0].metric: missing");
	scene_fails("{\"type\":\"kpi\",\"metric\":\"aqi\",\"at\":[0,0,1]}", "panels[0].at");
	scene_fails("{\"type\":\"kpi\",\"metric\":\"aqi\",\"at\":[0,0,1,1],\"colour\":1}",
	            "panels[0].colour: unknown key");
	scene_fails("{\"type\":\"kpi\",\"metric\":\"aqi\",\"at\":[0,0,1,\"1\"]}", "panels[0].at");
}

Test(scene, unknown_scene_fails_clearly)
{
	struct cw_scene s;
	struct rd_err err;
	cr_assert_not(cw_scene_load("nowhere", &s, &err));
	cr_assert(strstr(err.msg, "config/scenes/nowhere.json"), "%s", err.msg);
}
