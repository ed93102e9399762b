#include <math.h>

#include <criterion/criterion.h>

#include "rd_format.h"

static void check(double v, int dec, const char *unit, const char *num, const char *u)
{
	char n[48], o[48];
	rd_format_value(v, dec, unit, n, sizeof n, o, sizeof o);
	cr_assert_str_eq(n, num, "%g", v);
	cr_assert_str_eq(o, u, "%g", v);
}

Test(format, thousands_separators_below_100k)
{
	check(12846, 0, "件", "12,846", "件");
	check(99999.4, 0, "件", "99,999", "件");
	check(96.34, 1, "%", "96.3", "%");
	check(0, 0, "", "0", "");
	check(-1234.5, 1, "元", "-1,234.5", "元");
	check(999, 0, "", "999", "");
}

Test(format, wan_yi_and_wanyi)
{
	check(9853000, 0, "人", "985.3", "万人");
	check(123456, 0, "件", "12.35", "万件");
	check(2.5e8, 0, "元", "2.50", "亿元");
	check(1267350000000, 0, "元", "1.27", "万亿元");
	check(4.8e15, 0, "元", "4,800.0", "万亿元");
}

Test(format, not_a_number_is_shown_as_dashes)
{
	char n[16];
	rd_format_grouped(NAN, 0, n, sizeof n);
	cr_assert_str_eq(n, "--");
}
