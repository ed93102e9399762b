#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cw_i18n.h"
#include "cw_json.h"
#include "cw_paths.h"
#include "rd_i18n.h"

bool cw_i18n_known(const char *lang)
{
	return strcmp(lang, "zh") == 0 || strcmp(lang, "en") == 0;
}

bool cw_i18n_use(const char *lang, struct rd_err *err)
{
	rd_i18n_reset();
	if (!lang || !*lang || strcmp(lang, "zh") == 0)
		return true;
	if (!cw_i18n_known(lang))
		return rd_err_set(err, "language \"%s\": not zh or en", lang);
	char rel[64], path[4096];
	snprintf(rel, sizeof rel, "config/i18n/%s.json", lang);
	if (!cw_data_path(rel, path, sizeof path, err))
		return false;
	struct json_object *root = cw_json_load(path, err);
	if (!root)
		return false;
	bool ok = json_object_is_type(root, json_type_object) ||
	          rd_err_set(err, "%s: a language file is one object {\"中文\": \"text\", ...}", path);
	json_object_object_foreach(root, zh, text)
	{
		if (!ok)
			break;
		if (!json_object_is_type(text, json_type_string)) {
			ok = rd_err_set(err, "%s: \"%s\": the translation must be a string", path, zh);
		} else if (!rd_i18n_add(zh, json_object_get_string(text), err)) {
			ok = rd_err_prefix(err, "%s", path);
		}
	}
	json_object_put(root);
	if (!ok)
		rd_i18n_reset();
	rd_i18n_ready();
	return ok;
}
