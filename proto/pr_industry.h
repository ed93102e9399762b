#pragma once
/* The industry panorama (产业发展全景图): the body of GET /api/v1/industry. Industry chains
 * with upstream/midstream/downstream nodes and links between them, output and growth by
 * industry, key enterprises, investment (招商) projects with their progress. Money is in
 * `unit` (always "亿元" from cbwalld). Plain value type with fixed capacities (about 60 KB:
 * keep it on the heap). Any thread. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "pr_err.h"

enum {
	PR_CHAINS_MAX = 8,
	PR_CHAIN_NODES_MAX = 24,
	PR_CHAIN_LINKS_MAX = 48,
	PR_SECTORS_MAX = 16,
	PR_ENTERPRISES_MAX = 32,
	PR_PROJECTS_MAX = 32
};

enum pr_stage { PR_STAGE_UPSTREAM, PR_STAGE_MIDSTREAM, PR_STAGE_DOWNSTREAM };
enum pr_project_phase { PR_PHASE_SIGNED, PR_PHASE_STARTED, PR_PHASE_BUILDING, PR_PHASE_PRODUCING };

struct pr_chain_node {
	char id[24];          /* unique within its chain */
	char name[64];        /* "动力电池" */
	enum pr_stage stage;
	double output;        /* in unit */
	double growth_pct;
	int enterprises;      /* number of enterprises at this node */
};

struct pr_chain_link {
	char from[24], to[24]; /* node ids of the same chain */
};

struct pr_chain {
	char id[24];          /* "nev" */
	char name[64];        /* "新能源汽车" */
	double output;
	double growth_pct;
	size_t node_count;
	struct pr_chain_node nodes[PR_CHAIN_NODES_MAX];
	size_t link_count;
	struct pr_chain_link links[PR_CHAIN_LINKS_MAX];
};

struct pr_sector {
	char name[64];        /* output by industry */
	double output;
	double growth_pct;
};

struct pr_enterprise {
	char name[96];
	char chain[24];       /* chain id */
	char adcode[8];
	double lon, lat;
	double output;
	double growth_pct;
};

struct pr_project {
	char id[24];
	char name[128];
	char chain[24];
	char adcode[8];
	double investment;    /* in unit */
	enum pr_project_phase phase;
	double progress_pct;  /* 0..100 */
	int64_t signed_at;
};

struct pr_industry {
	int64_t generated_at;
	char unit[16];
	size_t chain_count;
	struct pr_chain chains[PR_CHAINS_MAX];
	size_t sector_count;
	struct pr_sector sectors[PR_SECTORS_MAX];
	size_t enterprise_count;
	struct pr_enterprise enterprises[PR_ENTERPRISES_MAX];
	size_t project_count;
	struct pr_project projects[PR_PROJECTS_MAX];
};

const char *pr_stage_name(enum pr_stage s);             /* "upstream", ... */
const char *pr_stage_label(enum pr_stage s);            /* "上游", "中游", "下游" */
const char *pr_project_phase_name(enum pr_project_phase p); /* "signed", ... */
const char *pr_project_phase_label(enum pr_project_phase p); /* "签约", "开工", "在建", "投产" */

bool pr_industry_from_json(const struct json_object *obj, struct pr_industry *out,
                           struct pr_err *err);
struct json_object *pr_industry_to_json(const struct pr_industry *in, int offset_min);
