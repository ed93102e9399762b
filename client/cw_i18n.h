#pragma once
/* The language of the screens: "zh" (the default, nothing to load) or a language file
 * config/i18n/LANG.json ({"中文": "translation", ...}; render/rd_i18n.h). Call before anything
 * draws. */
#include <stdbool.h>

#include "rd_err.h"

/* True for the languages the product ships: "zh", "en". */
bool cw_i18n_known(const char *lang);
/* Switches the screens to lang; errors name the language file and the entry (a bad entry,
 * a file that cannot be read, out of memory for the table). On failure the table is empty:
 * the screens stay in Chinese, never half translated. */
bool cw_i18n_use(const char *lang, struct rd_err *err);
