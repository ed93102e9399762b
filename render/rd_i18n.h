#pragma once
/* UI text in the configured language. The program's own strings are written in Chinese, the
 * wall's default language, and go through rd_tr where they are drawn; a table of translations
 * (filled by the client from config/i18n/LANG.json) maps them. A string without an entry
 * stays Chinese, so a partial table never gives a blank. Data (district names, alert titles
 * from cbwalld) is not translated, except labels the table happens to list.
 *
 * Fill the table at start-up, before any thread draws; lookups are read-only after that. */
#include <stdbool.h>

#include "rd_err.h"

/* Adds zh -> text (copies both). False with err, the table unchanged, when text does not
 * keep zh's printf conversions in the same order (a translated format must take the same
 * arguments) or when out of memory. */
bool rd_i18n_add(const char *zh, const char *text, struct rd_err *err);
/* Sorts what was added; call once after the last rd_i18n_add. */
void rd_i18n_ready(void);
/* Empties the table: back to Chinese. */
void rd_i18n_reset(void);
/* True when the table asks for western magnitudes (its entry "__magnitudes__": "western"):
 * numbers in K/M/B instead of 万/亿 (rd_format.h). */
bool rd_i18n_western(void);
/* The translation of zh, or zh itself. */
const char *rd_tr(const char *zh) __attribute__((format_arg(1)));
