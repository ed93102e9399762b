#include <stdio.h>
#include <string.h>

#include "pr_industry.h"
#include "pr_json.h"
#include "pr_num.h"

static const char *stage_names[] = {"upstream", "midstream", "downstream"};
static const char *phase_names[] = {"signed", "started", "building", "producing"};

const char *pr_stage_name(enum pr_stage s)
{
	return (unsigned)s < 3 ? stage_names[s] : "";
}

const char *pr_stage_label(enum pr_stage s)
{
	static const char *l[] = {"上游", "中游", "下游"};
	return (unsigned)s < 3 ? l[s] : "";
}

const char *pr_project_phase_name(enum pr_project_phase p)
{
	return (unsigned)p < 4 ? phase_names[p] : "";
}

const char *pr_project_phase_label(enum pr_project_phase p)
{
	static const char *l[] = {"签约", "开工", "在建", "投产"};
	return (unsigned)p < 4 ? l[p] : "";
}

static bool get_enum(const struct json_object *o, const char *path, const char *key,
                     const char *const *names, int n, int *out, struct pr_err *err)
{
	char buf[32];
	if (!pr_get_string(o, path, key, buf, sizeof buf, false, err))
		return false;
	for (int i = 0; i < n; i++) {
		if (strcmp(buf, names[i]) == 0) {
			*out = i;
			return true;
		}
	}
	return pr_err_set(err, "%s.%s: \"%s\" is not a known value", path, key, buf);
}

static bool chain_from_json(const struct json_object *o, const char *path, struct pr_chain *c,
                            struct pr_err *err)
{
	struct json_object *nodes, *links;
	if (!pr_get_string(o, path, "id", c->id, sizeof c->id, false, err) ||
	    !pr_get_string(o, path, "name", c->name, sizeof c->name, false, err) ||
	    !pr_get_double(o, path, "output", 0, 1e9, &c->output, false, err) ||
	    !pr_get_double(o, path, "growth_pct", -100, 1e4, &c->growth_pct, false, err) ||
	    !pr_get_array(o, path, "nodes", PR_CHAIN_NODES_MAX, false, &nodes, err) ||
	    !pr_get_array(o, path, "links", PR_CHAIN_LINKS_MAX, false, &links, err))
		return false;
	c->node_count = json_object_array_length(nodes);
	for (size_t i = 0; i < c->node_count; i++) {
		char p[96];
		int stage = 0;
		int64_t ent = 0;
		struct pr_chain_node *n = &c->nodes[i];
		struct json_object *v = json_object_array_get_idx(nodes, i);
		snprintf(p, sizeof p, "%s.nodes[%zu]", path, i);
		if (!pr_get_string(v, p, "id", n->id, sizeof n->id, false, err) ||
		    !pr_get_string(v, p, "name", n->name, sizeof n->name, false, err) ||
		    !get_enum(v, p, "stage", stage_names, 3, &stage, err) ||
		    !pr_get_double(v, p, "output", 0, 1e9, &n->output, false, err) ||
		    !pr_get_double(v, p, "growth_pct", -100, 1e4, &n->growth_pct, false, err) ||
		    !pr_get_int64(v, p, "enterprises", 0, 1000000, &ent, true, err))
			return false;
		n->stage = (enum pr_stage)stage;
		n->enterprises = (int)ent;
	}
	c->link_count = json_object_array_length(links);
	for (size_t i = 0; i < c->link_count; i++) {
		char p[96];
		struct pr_chain_link *l = &c->links[i];
		struct json_object *v = json_object_array_get_idx(links, i);
		snprintf(p, sizeof p, "%s.links[%zu]", path, i);
		if (!pr_get_string(v, p, "from", l->from, sizeof l->from, false, err) ||
		    !pr_get_string(v, p, "to", l->to, sizeof l->to, false, err))
			return false;
		bool from = false, to = false;
		for (size_t k = 0; k < c->node_count; k++) {
			from |= strcmp(c->nodes[k].id, l->from) == 0;
			to |= strcmp(c->nodes[k].id, l->to) == 0;
		}
		if (!from || !to)
			return pr_err_set(err, "%s: links a node that is not in the chain", p);
	}
	return true;
}

bool pr_industry_from_json(const struct json_object *obj, struct pr_industry *in,
                           struct pr_err *err)
{
	const char *path = "industry";
	struct json_object *chains, *sectors, *ents, *projs;
	memset(in, 0, sizeof *in);
	if (!pr_get_time(obj, path, "generated_at", &in->generated_at, false, err) ||
	    !pr_get_string(obj, path, "unit", in->unit, sizeof in->unit, false, err) ||
	    !pr_get_array(obj, path, "chains", PR_CHAINS_MAX, false, &chains, err) ||
	    !pr_get_array(obj, path, "sectors", PR_SECTORS_MAX, false, &sectors, err) ||
	    !pr_get_array(obj, path, "enterprises", PR_ENTERPRISES_MAX, false, &ents, err) ||
	    !pr_get_array(obj, path, "projects", PR_PROJECTS_MAX, false, &projs, err))
		return false;
	in->chain_count = json_object_array_length(chains);
	for (size_t i = 0; i < in->chain_count; i++) {
		char p[48];
		snprintf(p, sizeof p, "chains[%zu]", i);
		if (!chain_from_json(json_object_array_get_idx(chains, i), p, &in->chains[i], err))
			return false;
	}
	in->sector_count = json_object_array_length(sectors);
	for (size_t i = 0; i < in->sector_count; i++) {
		char p[48];
		struct pr_sector *s = &in->sectors[i];
		struct json_object *v = json_object_array_get_idx(sectors, i);
		snprintf(p, sizeof p, "sectors[%zu]", i);
		if (!pr_get_string(v, p, "name", s->name, sizeof s->name, false, err) ||
		    !pr_get_double(v, p, "output", 0, 1e9, &s->output, false, err) ||
		    !pr_get_double(v, p, "growth_pct", -100, 1e4, &s->growth_pct, false, err))
			return false;
	}
	in->enterprise_count = json_object_array_length(ents);
	for (size_t i = 0; i < in->enterprise_count; i++) {
		char p[48];
		struct pr_enterprise *e = &in->enterprises[i];
		struct json_object *v = json_object_array_get_idx(ents, i);
		snprintf(p, sizeof p, "enterprises[%zu]", i);
		if (!pr_get_string(v, p, "name", e->name, sizeof e->name, false, err) ||
		    !pr_get_string(v, p, "chain", e->chain, sizeof e->chain, false, err) ||
		    !pr_get_string(v, p, "adcode", e->adcode, sizeof e->adcode, false, err) ||
		    !pr_get_double(v, p, "lon", -180, 180, &e->lon, false, err) ||
		    !pr_get_double(v, p, "lat", -90, 90, &e->lat, false, err) ||
		    !pr_get_double(v, p, "output", 0, 1e9, &e->output, false, err) ||
		    !pr_get_double(v, p, "growth_pct", -100, 1e4, &e->growth_pct, false, err))
			return false;
	}
	in->project_count = json_object_array_length(projs);
	for (size_t i = 0; i < in->project_count; i++) {
		char p[48];
		int phase = 0;
		struct pr_project *q = &in->projects[i];
		struct json_object *v = json_object_array_get_idx(projs, i);
		snprintf(p, sizeof p, "projects[%zu]", i);
		if (!pr_get_string(v, p, "id", q->id, sizeof q->id, false, err) ||
		    !pr_get_string(v, p, "name", q->name, sizeof q->name, false, err) ||
		    !pr_get_string(v, p, "chain", q->chain, sizeof q->chain, false, err) ||
		    !pr_get_string(v, p, "adcode", q->adcode, sizeof q->adcode, false, err) ||
		    !pr_get_double(v, p, "investment", 0, 1e9, &q->investment, false, err) ||
		    !get_enum(v, p, "phase", phase_names, 4, &phase, err) ||
		    !pr_get_double(v, p, "progress_pct", 0, 100, &q->progress_pct, false, err) ||
		    !pr_get_time(v, p, "signed_at", &q->signed_at, false, err))
			return false;
		q->phase = (enum pr_project_phase)phase;
	}
	return true;
}

struct json_object *pr_industry_to_json(const struct pr_industry *in, int off)
{
	struct json_object *root = json_object_new_object();
	json_object_object_add(root, "generated_at", pr_time_new(in->generated_at, off));
	json_object_object_add(root, "unit", json_object_new_string(in->unit));
	struct json_object *chains = json_object_new_array();
	for (size_t i = 0; i < in->chain_count; i++) {
		const struct pr_chain *c = &in->chains[i];
		struct json_object *o = json_object_new_object(), *nodes = json_object_new_array(),
		                   *links = json_object_new_array();
		json_object_object_add(o, "id", json_object_new_string(c->id));
		json_object_object_add(o, "name", json_object_new_string(c->name));
		json_object_object_add(o, "output", pr_num_new(c->output, 2));
		json_object_object_add(o, "growth_pct", pr_num_new(c->growth_pct, 1));
		for (size_t k = 0; k < c->node_count; k++) {
			const struct pr_chain_node *n = &c->nodes[k];
			struct json_object *v = json_object_new_object();
			json_object_object_add(v, "id", json_object_new_string(n->id));
			json_object_object_add(v, "name", json_object_new_string(n->name));
			json_object_object_add(v, "stage", json_object_new_string(pr_stage_name(n->stage)));
			json_object_object_add(v, "output", pr_num_new(n->output, 2));
			json_object_object_add(v, "growth_pct", pr_num_new(n->growth_pct, 1));
			json_object_object_add(v, "enterprises", json_object_new_int(n->enterprises));
			json_object_array_add(nodes, v);
		}
		for (size_t k = 0; k < c->link_count; k++) {
			struct json_object *v = json_object_new_object();
			json_object_object_add(v, "from", json_object_new_string(c->links[k].from));
			json_object_object_add(v, "to", json_object_new_string(c->links[k].to));
			json_object_array_add(links, v);
		}
		json_object_object_add(o, "nodes", nodes);
		json_object_object_add(o, "links", links);
		json_object_array_add(chains, o);
	}
	json_object_object_add(root, "chains", chains);
	struct json_object *sectors = json_object_new_array();
	for (size_t i = 0; i < in->sector_count; i++) {
		struct json_object *v = json_object_new_object();
		json_object_object_add(v, "name", json_object_new_string(in->sectors[i].name));
		json_object_object_add(v, "output", pr_num_new(in->sectors[i].output, 2));
		json_object_object_add(v, "growth_pct", pr_num_new(in->sectors[i].growth_pct, 1));
		json_object_array_add(sectors, v);
	}
	json_object_object_add(root, "sectors", sectors);
	struct json_object *ents = json_object_new_array();
	for (size_t i = 0; i < in->enterprise_count; i++) {
		const struct pr_enterprise *e = &in->enterprises[i];
		struct json_object *v = json_object_new_object();
		json_object_object_add(v, "name", json_object_new_string(e->name));
		json_object_object_add(v, "chain", json_object_new_string(e->chain));
		json_object_object_add(v, "adcode", json_object_new_string(e->adcode));
		json_object_object_add(v, "lon", pr_num_new(e->lon, 6));
		json_object_object_add(v, "lat", pr_num_new(e->lat, 6));
		json_object_object_add(v, "output", pr_num_new(e->output, 2));
		json_object_object_add(v, "growth_pct", pr_num_new(e->growth_pct, 1));
		json_object_array_add(ents, v);
	}
	json_object_object_add(root, "enterprises", ents);
	struct json_object *projs = json_object_new_array();
	for (size_t i = 0; i < in->project_count; i++) {
		const struct pr_project *q = &in->projects[i];
		struct json_object *v = json_object_new_object();
		json_object_object_add(v, "id", json_object_new_string(q->id));
		json_object_object_add(v, "name", json_object_new_string(q->name));
		json_object_object_add(v, "chain", json_object_new_string(q->chain));
		json_object_object_add(v, "adcode", json_object_new_string(q->adcode));
		json_object_object_add(v, "investment", pr_num_new(q->investment, 2));
		json_object_object_add(v, "phase",
		                       json_object_new_string(pr_project_phase_name(q->phase)));
		json_object_object_add(v, "progress_pct", pr_num_new(q->progress_pct, 1));
		json_object_object_add(v, "signed_at", pr_time_new(q->signed_at, off));
		json_object_array_add(projs, v);
	}
	json_object_object_add(root, "projects", projs);
	return root;
}
