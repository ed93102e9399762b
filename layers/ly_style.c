/* Style defaults and the text setter (see ly_style.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ly_style.h"

void ly_style_default(struct ly_style *s)
{
	memset(s, 0, sizeof *s);
	s->visible = true;
	s->stroke_width = 1;
	s->opacity = 1;
	s->classes = 5;
	s->symbol = LY_SYMBOL_CIRCLE;
	s->symbol_size = 10;
	s->heat_radius = 40;
}

static bool parse_color(const char *v, struct ly_paint *p)
{
	if (!strcmp(v, "none")) {
		p->set = true;
		p->color = (struct rd_color){0, 0, 0, 0};
		return true;
	}
	if (v[0] != '#')
		return false;
	size_t n = strlen(v + 1);
	if (n != 6 && n != 8)
		return false;
	unsigned c[4] = {0, 0, 0, 255};
	for (size_t i = 0; i < n / 2; i++) {
		char hex[3] = {v[1 + 2 * i], v[2 + 2 * i], 0};
		char *end;
		c[i] = (unsigned)strtoul(hex, &end, 16);
		if (*end)
			return false;
	}
	p->set = true;
	p->color = (struct rd_color){c[0] / 255.0, c[1] / 255.0, c[2] / 255.0, c[3] / 255.0};
	return true;
}

static bool parse_num(const char *v, double lo, double hi, double *out)
{
	char *end;
	double d = strtod(v, &end);
	if (end == v || *end || !(d >= lo && d <= hi))
		return false;
	*out = d;
	return true;
}

static bool copy_field(char *dst, size_t cap, const char *v)
{
	if (strlen(v) >= cap)
		return false;
	strcpy(dst, v);
	return true;
}

bool ly_style_set(struct ly_style *s, const char *key, const char *v, struct rd_err *err)
{
	bool ok = false;
	double d;
	if (!strcmp(key, "visible") || !strcmp(key, "legend")) {
		bool *b = key[0] == 'v' ? &s->visible : &s->legend;
		ok = !strcmp(v, "true") || !strcmp(v, "false");
		*b = ok ? !strcmp(v, "true") : *b;
	} else if (!strcmp(key, "fill")) {
		ok = parse_color(v, &s->fill);
	} else if (!strcmp(key, "stroke")) {
		ok = parse_color(v, &s->stroke);
	} else if (!strcmp(key, "stroke_width")) {
		ok = parse_num(v, 0, 100, &s->stroke_width);
	} else if (!strcmp(key, "opacity")) {
		ok = parse_num(v, 0, 1, &s->opacity);
	} else if (!strcmp(key, "dash")) {
		char buf[64];
		ok = strlen(v) < sizeof buf;
		s->dash_count = 0;
		if (ok && *v) {
			strcpy(buf, v);
			for (char *save, *t = strtok_r(buf, ",", &save); t && ok; t = strtok_r(NULL, ",", &save)) {
				ok = s->dash_count < 4 && parse_num(t, 0, 1000, &d);
				if (ok)
					s->dash[s->dash_count++] = d;
			}
		}
	} else if (!strcmp(key, "classify")) {
		static const char *const names[] = {"none", "quantile", "equal", "categorical"};
		for (int i = 0; i < 4; i++)
			if (!strcmp(v, names[i]))
				s->classify = (enum ly_classify)i, ok = true;
	} else if (!strcmp(key, "symbol")) {
		static const char *const names[] = {"circle", "square", "pulse"};
		for (int i = 0; i < 3; i++)
			if (!strcmp(v, names[i]))
				s->symbol = (enum ly_symbol)i, ok = true;
	} else if (!strcmp(key, "classes")) {
		ok = parse_num(v, 2, LY_CLASSES_MAX, &d);
		if (ok)
			s->classes = (int)d;
	} else if (!strcmp(key, "symbol_size")) {
		ok = parse_num(v, 0, 1000, &s->symbol_size);
	} else if (!strcmp(key, "heat")) {
		ok = !strcmp(v, "true") || !strcmp(v, "false");
		s->heat = ok ? !strcmp(v, "true") : s->heat;
	} else if (!strcmp(key, "heat_radius")) {
		ok = parse_num(v, 1, 1000, &s->heat_radius);
	} else if (!strcmp(key, "label_priority")) {
		ok = parse_num(v, -1e9, 1e9, &s->label_priority);
	} else if (!strcmp(key, "label_size")) {
		ok = parse_num(v, 0, 500, &s->label_size);
	} else if (!strcmp(key, "value_field")) {
		ok = copy_field(s->value_field, sizeof s->value_field, v);
	} else if (!strcmp(key, "join_field")) {
		ok = copy_field(s->join_field, sizeof s->join_field, v);
	} else if (!strcmp(key, "size_field")) {
		ok = copy_field(s->size_field, sizeof s->size_field, v);
	} else if (!strcmp(key, "heat_weight_field")) {
		ok = copy_field(s->heat_weight_field, sizeof s->heat_weight_field, v);
	} else if (!strcmp(key, "label_field")) {
		ok = copy_field(s->label_field, sizeof s->label_field, v);
	} else if (!strcmp(key, "priority_field")) {
		ok = copy_field(s->priority_field, sizeof s->priority_field, v);
	} else if (!strcmp(key, "ramp")) {
		ok = copy_field(s->ramp, sizeof s->ramp, v);
	} else if (!strcmp(key, "legend_title")) {
		ok = copy_field(s->legend_title, sizeof s->legend_title, v);
	} else {
		return rd_err_set(err, "style: unknown key \"%s\"", key);
	}
	if (!ok)
		return rd_err_set(err, "style: %s: bad value \"%s\"", key, v);
	return true;
}
