#pragma once
/* Theme files (themes/NAME.json): colors by role, the four alert-grade colors, map ramps,
 * the font family and text sizes as fractions of the screen height. Format: docs/themes.md.
 * A theme file overrides the built-in dark theme key by key; an unknown key, a bad color or
 * a size out of range is an error naming the file and key. */
#include <stdbool.h>

#include "rd_err.h"
#include "rd_theme.h"

/* name_or_file: "dark", "high-contrast" (looked up as themes/NAME.json) or a path to a file.
 * False with err naming the file (and key) when it cannot be found, opened or read in full,
 * is over 1 MiB, is not valid JSON, fails validation, or its buffer cannot be allocated
 * ("FILE: out of memory for N bytes"); *theme is then the built-in dark theme, never a mix. */
bool cw_theme_load(const char *name_or_file, struct rd_theme *theme, struct rd_err *err);
bool cw_theme_load_file(const char *path, struct rd_theme *theme, struct rd_err *err);
