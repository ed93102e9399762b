/* The proto JSON decoders, the wire cbwall and cbwalld trust each other with. The first byte
 * picks the decoder (its value modulo 8, see `decoders`); the rest is the body, parsed with
 * pr_json_parse exactly as the feed thread and the API do. Whatever a decoder accepts is
 * encoded again and must decode again (what we accept we can also send). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "pr_alert.h"
#include "pr_district.h"
#include "pr_event.h"
#include "pr_industry.h"
#include "pr_json.h"
#include "pr_metrics.h"

/* Each case decodes obj into a fresh value, and when that worked encodes it again into *again
 * (NULL when re-encoding is not checked). */
static bool decode(int which, struct json_object *obj, struct json_object **again, struct pr_err *err)
{
	bool ok = false;
	*again = NULL;
	switch (which) {
	case 0: {
		struct pr_metrics *m = calloc(1, sizeof *m);
		if ((ok = pr_metrics_from_json(obj, m, err))) {
			(void)pr_metrics_find(m, "aqi");
			*again = pr_metrics_to_json(m, 480);
		}
		free(m);
		break;
	}
	case 1: {
		struct pr_districts *d = calloc(1, sizeof *d);
		if ((ok = pr_districts_from_json(obj, d, err))) {
			(void)pr_districts_indicator(d, "aqi");
			(void)pr_districts_find(d, "340104");
			*again = pr_districts_to_json(d, 480);
		}
		free(d);
		break;
	}
	case 2: {
		struct pr_event_list l = {0};
		if ((ok = pr_event_list_from_json(obj, &l, err))) {
			for (size_t i = 0; i < l.count; i++) {
				(void)strlen(pr_event_status_name(l.items[i].status));
				(void)strlen(pr_event_status_label(l.items[i].status));
			}
			*again = pr_event_list_to_json(&l, 480);
		}
		pr_event_list_finish(&l);
		break;
	}
	case 3: {
		struct pr_industry *in = calloc(1, sizeof *in);
		if ((ok = pr_industry_from_json(obj, in, err)))
			*again = pr_industry_to_json(in, 480);
		free(in);
		break;
	}
	case 4: {
		struct pr_alert_list l = {0};
		if ((ok = pr_alert_list_from_json(obj, &l, err))) {
			for (size_t i = 0; i < l.count; i++) {
				(void)strlen(pr_alert_status_name(l.items[i].status));
				(void)strlen(pr_grade_name(l.items[i].grade));
				(void)strlen(pr_grade_color(l.items[i].grade));
			}
			*again = pr_alert_list_to_json(&l, 480);
		}
		pr_alert_list_finish(&l);
		break;
	}
	case 5: {
		struct pr_alert_in in = {0};
		if ((ok = pr_alert_in_from_json(obj, &in, err)))
			*again = pr_alert_in_to_json(&in, 480);
		break;
	}
	case 6: {
		struct pr_ack_in in = {0};
		if ((ok = pr_ack_in_from_json(obj, &in, err)))
			*again = pr_ack_in_to_json(&in);
		break;
	}
	default: {
		struct pr_api_error *e = calloc(1, sizeof *e);
		if ((ok = pr_api_error_from_json(obj, e, err)))
			*again = pr_api_error_to_json(e, 480);
		free(e);
		break;
	}
	}
	return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int which = data[0] % 8;
	struct json_object *obj = NULL;
	struct pr_err err = {{0}};
	if (!pr_json_parse((const char *)data + 1, size - 1, &obj, &err)) {
		FUZZ_CHECK(err.msg[0], "parse failed without a message");
		if (getenv("CBWALL_FUZZ_VERBOSE"))
			fprintf(stderr, "  %s\n", err.msg);
		return 0;
	}
	struct json_object *again = NULL;
	bool ok = decode(which, obj, &again, &err);
	json_object_put(obj);
	if (getenv("CBWALL_FUZZ_VERBOSE"))
		fprintf(stderr, "  decoder %d: %s\n", which, ok ? "accepted" : err.msg);
	if (!ok) {
		FUZZ_CHECK(err.msg[0], "decoder %d failed without a message", which);
		return 0;
	}
	FUZZ_CHECK(again, "decoder %d: accepted value not encoded", which);
	size_t n;
	const char *s = json_object_to_json_string_length(again, JSON_C_TO_STRING_PLAIN, &n);
	struct json_object *obj2 = NULL, *again2 = NULL;
	bool reparsed = pr_json_parse(s, n, &obj2, &err);
	FUZZ_CHECK(reparsed, "decoder %d: own output does not parse: %s", which, err.msg);
	bool redecoded = decode(which, obj2, &again2, &err);
	FUZZ_CHECK(redecoded, "decoder %d: own output does not decode: %s\n%.*s", which, err.msg, (int)n, s);
	json_object_put(obj2);
	json_object_put(again2);
	json_object_put(again);
	return 0;
}
