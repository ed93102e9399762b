#pragma once
/* Shapefile layers: loading and validation.
 *
 * ly_layer_load() reads FILE.shp/.shx/.dbf (+ .prj, .cpg) with Shapelib and checks what
 * Shapelib does not: record counts of the three files against each other, each .shx entry
 * against the record it points at, recomputed bounding boxes, finite and in-range
 * coordinates, ring sizes and closure, empty shapes, shape types that differ from the
 * header's, caps on vertices per shape and bytes per file. Each bad feature is skipped with
 * a message "FILE: record N: reason" (ly_layer_message); a layer that cannot be used at all
 * makes ly_layer_load return NULL with a message naming the file.
 *
 * Geometry is kept as longitude/latitude degrees (Web Mercator input is unprojected on
 * load); polygon rings crossing the ±180° meridian are split there (and rings that circle
 * a pole are closed along it), so every ring lies within [-180, 180]. Z and M are dropped.
 *
 * Attributes are UTF-8 strings decoded by the .cpg (UTF-8, CP936/GBK/GB2312/GB18030 through
 * iconv, or any other name iconv knows). Without a .cpg: a .dbf whose language-driver byte
 * says CP936 is GBK; otherwise the layer is UTF-8 if every text value is valid UTF-8, else
 * GBK (the legacy encoding of Chinese shapefiles). Bytes that do not decode, including a
 * multi-byte character cut at a field's end, become U+FFFD.
 *
 * Ownership: the caller owns the layer (ly_layer_free) until it hands it to a map
 * (ly_map_add_layer). Strings returned by accessors live as long as the layer.
 * Threads: loading is reentrant (any thread, any number at once); a loaded layer is
 * immutable and may be read from any thread. */
#include <stdbool.h>
#include <stddef.h>

#include "rd_err.h"

enum ly_geom {
	LY_GEOM_POINT,   /* point and multipoint */
	LY_GEOM_LINE,    /* polyline (arc) */
	LY_GEOM_POLYGON, /* polygon, multipart, with holes */
};

enum ly_crs {
	LY_CRS_WGS84,   /* longitude/latitude degrees (EPSG:4326; CGCS2000 accepted as equal) */
	LY_CRS_WEBMERC, /* EPSG:3857 metres, unprojected to lon/lat on load */
};

struct ly_load_opts {
	const char *encoding;       /* force an attribute encoding (iconv name); NULL: .cpg/default */
	size_t max_file_bytes;      /* per .shp/.dbf file; default 1 GiB */
	int max_vertices_per_shape; /* default 10 million */
	int max_parts_per_shape;    /* default 1 million */
	int max_messages;           /* messages kept (more are counted); default 200 */
};

void ly_load_opts_default(struct ly_load_opts *opts);

/* path names the .shp (the extension may be omitted). opts may be NULL. Returns NULL with
 * err set ("FILE: reason") when the layer cannot be used; otherwise the layer, possibly with
 * skipped features listed by ly_layer_message(). ly_layer_load_hooks (ly_hooks.h) does the
 * same through Shapelib's I/O hooks, e.g. from memory.
 *
 * Besides bad data, the load fails (NULL, nothing half-built, nothing leaked) on
 *  - out of memory anywhere in the loader: "FILE.shp: out of memory for 120000 vertices of
 *    record 17" (or for the attributes of a record, N features, field names, a message...);
 *    sizes come from the file, so this is an error for the layer, never an abort;
 *  - an I/O error on any of its files: one that exists but cannot be opened ("FILE.dbf:
 *    cannot open: Permission denied"), or a read that comes back short inside the file
 *    ("FILE.dbf: read error at byte 4096 (got 0 of 226 bytes)"). A file that is absent (.dbf,
 *    .prj, .cpg) or ends early is data, handled as above. Shapelib's own reads are watched
 *    too, so a .dbf Shapelib cannot read is an error, not a layer without attributes;
 *  - an attribute decoder iconv cannot open ("FILE.cpg: cannot open the CP936 decoder: ..."). */
struct ly_layer *ly_layer_load(const char *path, const struct ly_load_opts *opts, struct rd_err *err);
void ly_layer_free(struct ly_layer *layer);

const char *ly_layer_path(const struct ly_layer *layer); /* as given, with .shp */
const char *ly_layer_name(const struct ly_layer *layer); /* base name without folder and extension */
enum ly_geom ly_layer_geom(const struct ly_layer *layer);
enum ly_crs ly_layer_crs(const struct ly_layer *layer);
const char *ly_layer_encoding(const struct ly_layer *layer); /* "UTF-8", "CP936", ... */
int ly_layer_count(const struct ly_layer *layer);   /* features kept */
int ly_layer_skipped(const struct ly_layer *layer); /* records skipped */
size_t ly_layer_vertex_count(const struct ly_layer *layer);
/* Recomputed extent of the kept features in lon/lat: minx, miny, maxx, maxy. */
void ly_layer_bbox(const struct ly_layer *layer, double bbox[4]);

/* Validation messages, "FILE: record N: reason" or "FILE: reason"; n may exceed those kept
 * (the last message then says how many were not kept). */
int ly_layer_message_count(const struct ly_layer *layer);
const char *ly_layer_message(const struct ly_layer *layer, int i);

int ly_layer_field_count(const struct ly_layer *layer);
const char *ly_layer_field_name(const struct ly_layer *layer, int field);
int ly_layer_field_index(const struct ly_layer *layer, const char *name); /* -1 if absent */
/* The UTF-8 value of a feature's field, trimmed; "" for a null or missing value. */
const char *ly_layer_attr(const struct ly_layer *layer, int feature, int field);
/* The 0-based record number of a feature in the .shp (for messages and joins). */
int ly_layer_record(const struct ly_layer *layer, int feature);
/* Index of the first feature whose field equals value, or -1. */
int ly_layer_find(const struct ly_layer *layer, int field, const char *value);

/* Geometry of a feature: parts (rings or lines; points have one part per point) as runs of
 * lon/lat vertices. Pointers stay valid as long as the layer. */
int ly_layer_part_count(const struct ly_layer *layer, int feature);
int ly_layer_part(const struct ly_layer *layer, int feature, int part, const double **x, const double **y);
