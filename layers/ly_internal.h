#pragma once
/* Private to layers/: the layout of a loaded layer and helpers shared by the .c files. */
#include <stddef.h>
#include <stdint.h>

#include "ly_layer.h"

struct ly_part {
	uint32_t start, count; /* into layer->x/y */
};

struct ly_feat {
	int record;            /* .shp record number, 0-based */
	uint32_t part0, nparts;
	double bbox[4];        /* lon/lat, recomputed */
};

struct ly_layer {
	char *path, *name, *encoding;
	enum ly_geom geom;
	enum ly_crs crs;
	int nfeat, skipped;
	struct ly_feat *feat;
	uint32_t npart;
	struct ly_part *part;
	size_t npt;
	double *x, *y;
	double bbox[4];
	int nfield;
	char **field_names;
	char **attr; /* nfeat * nfield, each malloc'd UTF-8 */
	int nmsg, nmsg_total, max_msg;
	char **msg;
};

/* Abort on out-of-memory, like foot's xmalloc: only for small fixed-size allocations (the
 * map handle, the band jobs of a threaded draw). Sizes that come from the data, in the loader
 * (ly_layer.h) and the map (ly_map.h), are checked instead and fail with an error. */
void *ly_xcalloc(size_t n, size_t size);

/* Web Mercator (EPSG:3857) metres from lon/lat degrees and back; latitude clamped to ±85.0511. */
void ly_merc_fwd(double lon, double lat, double *x, double *y);
void ly_merc_inv(double x, double y, double *lon, double *lat);

/* Even-odd point-in-polygon over all rings of the given runs. */
bool ly_pip(const double *x, const double *y, const struct ly_part *parts, uint32_t nparts, double px, double py);
