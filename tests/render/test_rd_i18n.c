/* The language table: lookups, formats that must keep their conversions, western numbers. */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "rd_format.h"
#include "rd_i18n.h"

static void clean(void)
{
	rd_i18n_reset();
}

TestSuite(i18n, .fini = clean);

Test(i18n, chinese_when_nothing_is_loaded)
{
	cr_assert_str_eq(rd_tr("本地数据"), "本地数据");
	char num[32], unit[32];
	rd_format_value(8879230, 0, "人", num, sizeof num, unit, sizeof unit);
	cr_assert_str_eq(num, "887.9");
	cr_assert_str_eq(unit, "万人");
}

Test(i18n, a_table_translates_whole_strings_and_leaves_the_rest)
{
	struct rd_err err;
	cr_assert(rd_i18n_add("本地数据", "Local data", &err), "%s", err.msg);
	cr_assert(rd_i18n_add("数据更新于 %lld 分钟前", "Updated %lld min ago", &err), "%s", err.msg);
	rd_i18n_ready();
	cr_assert_str_eq(rd_tr("本地数据"), "Local data");
	cr_assert_str_eq(rd_tr("瑶海区"), "瑶海区", "no entry: stays Chinese");
	char buf[64];
	snprintf(buf, sizeof buf, rd_tr("数据更新于 %lld 分钟前"), 3LL);
	cr_assert_str_eq(buf, "Updated 3 min ago");
}

Test(i18n, a_translated_format_must_take_the_same_arguments)
{
	struct rd_err err;
	cr_assert_not(rd_i18n_add("连接中断 %lld 分钟", "Offline %s", &err));
	cr_assert(strstr(err.msg, "连接中断 %lld 分钟"), "%s", err.msg);
	cr_assert_not(rd_i18n_add("%s产业链", "Chain", &err));
	cr_assert(rd_i18n_add("100%% 完成", "100%% done", &err), "%%%% is not a conversion");
}

Test(i18n, western_magnitudes_when_the_table_asks)
{
	struct rd_err err;
	cr_assert(rd_i18n_add("__magnitudes__", "western", &err));
	cr_assert(rd_i18n_add("人", "people", &err));
	rd_i18n_ready();
	char num[32], unit[32];
	rd_format_value(8879230, 0, "人", num, sizeof num, unit, sizeof unit);
	cr_assert_str_eq(num, "8.88");
	cr_assert_str_eq(unit, "M people");
	rd_format_value(879764383562, 0, "元", num, sizeof num, unit, sizeof unit);
	cr_assert_str_eq(num, "879.8");
	cr_assert_str_eq(unit, "B 元", "a unit without an entry stays as it is");
	rd_format_value(12846, 0, "", num, sizeof num, unit, sizeof unit);
	cr_assert_str_eq(num, "12,846");
	cr_assert_str_eq(unit, "");
}
