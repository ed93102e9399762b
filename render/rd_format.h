#pragma once
/* Numbers as a Chinese command center writes them: thousands separators below 100 000,
 * then 万 (1e4), 亿 (1e8) and 万亿 (1e12) prefixed to the unit ("985.3" "万人",
 * "1.27" "万亿元", "12,846" "件"). Output is always valid UTF-8 and NUL-terminated. */
#include <stddef.h>

/* Formats value with `decimals` digits when unscaled (scaled values get 1-2 significant
 * decimals). num receives the digits, unit_out the scaled unit. */
void rd_format_value(double value, int decimals, const char *unit, char *num, size_t num_size,
                     char *unit_out, size_t unit_size);
/* Digits with thousands separators: 12846.5, 1 -> "12,846.5". */
void rd_format_grouped(double value, int decimals, char *buf, size_t size);
