#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rd_format.h"
#include "rd_i18n.h"

void rd_format_grouped(double value, int decimals, char *buf, size_t size)
{
	char raw[64];
	if (decimals < 0)
		decimals = 0;
	if (decimals > 6)
		decimals = 6;
	if (!isfinite(value)) {
		snprintf(buf, size, "--");
		return;
	}
	snprintf(raw, sizeof raw, "%.*f", decimals, fabs(value) < 1e15 ? value : copysign(1e15, value));
	const char *p = raw;
	char out[96];
	size_t o = 0;
	if (*p == '-')
		out[o++] = *p++;
	const char *dot = strchr(p, '.');
	size_t intlen = dot ? (size_t)(dot - p) : strlen(p);
	for (size_t i = 0; i < intlen; i++) {
		if (i > 0 && (intlen - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = p[i];
	}
	if (dot) {
		size_t rest = strlen(dot);
		memcpy(out + o, dot, rest);
		o += rest;
	}
	out[o] = '\0';
	snprintf(buf, size, "%s", strcmp(out, "-0") == 0 ? "0" : out);
}

/* Western magnitudes for a language table that asks for them: "8.88" "M people". */
static void format_western(double value, int decimals, const char *unit, char *num,
                           size_t num_size, char *unit_out, size_t unit_size)
{
	static const struct {
		double scale;
		const char *prefix;
	} steps[] = {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}};
	const char *u = unit && *unit ? rd_tr(unit) : "";
	double a = fabs(value);
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		if (isfinite(a) && a >= steps[i].scale) {
			double v = value / steps[i].scale;
			rd_format_grouped(v, fabs(v) >= 100 ? 1 : 2, num, num_size);
			snprintf(unit_out, unit_size, "%s%s%s", steps[i].prefix, *u ? " " : "", u);
			return;
		}
	}
	rd_format_grouped(value, decimals, num, num_size);
	snprintf(unit_out, unit_size, "%s", u);
}

void rd_format_value(double value, int decimals, const char *unit, char *num, size_t num_size,
                     char *unit_out, size_t unit_size)
{
	static const struct {
		double scale;
		const char *prefix;
	} steps[] = {{1e12, "万亿"}, {1e8, "亿"}, {1e5, "万"}};
	if (rd_i18n_western()) {
		format_western(value, decimals, unit, num, num_size, unit_out, unit_size);
		return;
	}
	double a = fabs(value);
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		if (isfinite(a) && a >= steps[i].scale) {
			double v = value / (steps[i].scale == 1e5 ? 1e4 : steps[i].scale);
			int d = fabs(v) >= 100 ? 1 : 2;
			rd_format_grouped(v, d, num, num_size);
			snprintf(unit_out, unit_size, "%s%s", steps[i].prefix, unit ? unit : "");
			return;
		}
	}
	rd_format_grouped(value, decimals, num, num_size);
	snprintf(unit_out, unit_size, "%s", unit ? unit : "");
}
