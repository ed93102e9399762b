/* Loading and validation of shapefiles: every geometry type, both encodings, and each
 * bad-file case gives its message while the rest of the layer still loads. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <shapefil.h>

#include "ly_layer.h"
#include "ly_map.h"

const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfontconfig\n"; }

static const char *out_dir(void)
{
	const char *o = getenv("TEST_OUT");
	return o ? o : "/tmp";
}

static void asset(char *buf, size_t n, const char *name)
{
	const char *d = getenv("CBWALL_DATADIR");
	snprintf(buf, n, "%s/assets/gis/%s", d ? d : ".", name);
}

static void out_path(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/ly_%s", out_dir(), name);
}

static void write_text(const char *base, const char *ext, const char *text)
{
	char p[600];
	snprintf(p, sizeof p, "%s%s", base, ext);
	FILE *f = fopen(p, "wb");
	cr_assert(f, "cannot write %s", p);
	fputs(text, f);
	fclose(f);
}

static const char *WGS84 = "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,"
                           "298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]";

/* A shapefile of the given type with one "name" field; the caller adds shapes. */
struct mk {
	SHPHandle shp;
	DBFHandle dbf;
	char base[512];
	int n;
};

static void mk_open(struct mk *m, const char *name, int type)
{
	out_path(m->base, sizeof m->base, name);
	m->shp = SHPCreate(m->base, type);
	m->dbf = DBFCreate(m->base);
	cr_assert(m->shp && m->dbf);
	DBFAddField(m->dbf, "name", FTString, 20, 0);
	DBFAddField(m->dbf, "value", FTDouble, 12, 2);
	m->n = 0;
	write_text(m->base, ".prj", WGS84);
	write_text(m->base, ".cpg", "UTF-8");
}

static void mk_add(struct mk *m, int type, int nparts, const int *starts, int n, const double *x, const double *y,
                   const char *name)
{
	SHPObject *o = SHPCreateObject(type, -1, nparts, starts, NULL, n, x, y, NULL, NULL);
	SHPWriteObject(m->shp, -1, o);
	SHPDestroyObject(o);
	DBFWriteStringAttribute(m->dbf, m->n, 0, name);
	DBFWriteDoubleAttribute(m->dbf, m->n, 1, m->n * 10.0);
	m->n++;
}

static void mk_close(struct mk *m)
{
	SHPClose(m->shp);
	DBFClose(m->dbf);
}

static bool has_msg(const struct ly_layer *l, const char *needle)
{
	for (int i = 0; i < ly_layer_message_count(l); i++)
		if (strstr(ly_layer_message(l, i), needle))
			return true;
	return false;
}

static void dump_msgs(const struct ly_layer *l)
{
	for (int i = 0; i < ly_layer_message_count(l); i++)
		cr_log_info("%s", ly_layer_message(l, i));
}

/* three squares: a plain one, a donut (hole), and a two-part one */
static void mk_polys(struct mk *m, int type)
{
	double x1[] = {0, 0, 1, 1, 0}, y1[] = {0, 1, 1, 0, 0};
	mk_add(m, type, 1, (int[]){0}, 5, x1, y1, "plain");
	double x2[] = {2, 2, 5, 5, 2, 3, 4, 4, 3, 3}, y2[] = {0, 3, 3, 0, 0, 1, 1, 2, 2, 1};
	mk_add(m, type, 2, (int[]){0, 5}, 10, x2, y2, "donut");
	double x3[] = {6, 6, 7, 7, 6, 8, 8, 9, 9, 8}, y3[] = {0, 1, 1, 0, 0, 0, 1, 1, 0, 0};
	mk_add(m, type, 2, (int[]){0, 5}, 10, x3, y3, "two parts");
}

Test(load, every_geometry_type)
{
	static const struct {
		int type;
		enum ly_geom geom;
	} cases[] = {
		{SHPT_POINT, LY_GEOM_POINT},     {SHPT_POINTZ, LY_GEOM_POINT},     {SHPT_POINTM, LY_GEOM_POINT},
		{SHPT_MULTIPOINT, LY_GEOM_POINT}, {SHPT_MULTIPOINTZ, LY_GEOM_POINT}, {SHPT_ARC, LY_GEOM_LINE},
		{SHPT_ARCZ, LY_GEOM_LINE},       {SHPT_ARCM, LY_GEOM_LINE},        {SHPT_POLYGON, LY_GEOM_POLYGON},
		{SHPT_POLYGONZ, LY_GEOM_POLYGON}, {SHPT_POLYGONM, LY_GEOM_POLYGON},
	};
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		struct mk m;
		char name[64];
		snprintf(name, sizeof name, "type%d", cases[c].type);
		mk_open(&m, name, cases[c].type);
		int expect_parts = 0;
		if (cases[c].geom == LY_GEOM_POLYGON) {
			mk_polys(&m, cases[c].type);
			expect_parts = 5;
		} else if (cases[c].geom == LY_GEOM_LINE) {
			double x[] = {0, 1, 2, 5, 6}, y[] = {0, 1, 0, 5, 6};
			mk_add(&m, cases[c].type, 2, (int[]){0, 3}, 5, x, y, "line");
			mk_add(&m, cases[c].type, 1, (int[]){0}, 2, x, y, "short");
			expect_parts = 3;
		} else if (cases[c].type == SHPT_MULTIPOINT || cases[c].type == SHPT_MULTIPOINTZ) {
			double x[] = {1, 2, 3}, y[] = {1, 2, 3};
			mk_add(&m, cases[c].type, 0, NULL, 3, x, y, "three");
			expect_parts = 3;
		} else {
			mk_add(&m, cases[c].type, 0, NULL, 1, (double[]){117.2}, (double[]){31.8}, "合肥");
			mk_add(&m, cases[c].type, 0, NULL, 1, (double[]){118}, (double[]){32}, "two");
			expect_parts = 2;
		}
		mk_close(&m);
		struct rd_err err = {{0}};
		struct ly_layer *l = ly_layer_load(m.base, NULL, &err);
		cr_assert(l, "%s: %s", name, err.msg);
		dump_msgs(l);
		cr_expect_eq(ly_layer_geom(l), cases[c].geom, "%s", name);
		cr_expect_eq(ly_layer_skipped(l), 0, "%s", name);
		int parts = 0;
		for (int f = 0; f < ly_layer_count(l); f++)
			parts += ly_layer_part_count(l, f);
		cr_expect_eq(parts, expect_parts, "%s: %d parts", name, parts);
		cr_expect_str_eq(ly_layer_attr(l, 0, ly_layer_field_index(l, "name")),
		                 cases[c].geom == LY_GEOM_POLYGON ? "plain" : cases[c].geom == LY_GEOM_LINE ? "line"
		                 : expect_parts == 3 ? "three" : "合肥");
		ly_layer_free(l);
	}
}

Test(load, real_layers_utf8_and_gbk)
{
	char p[600];
	struct rd_err err = {{0}};
	asset(p, sizeof p, "hefei_districts.shp");
	struct ly_layer *l = ly_layer_load(p, NULL, &err);
	cr_assert(l, "%s", err.msg);
	cr_expect_eq(ly_layer_count(l), 9);
	cr_expect_str_eq(ly_layer_encoding(l), "UTF-8");
	int name = ly_layer_field_index(l, "name");
	cr_expect_geq(ly_layer_find(l, name, "瑶海区"), 0);
	cr_expect_geq(ly_layer_find(l, name, "巢湖市"), 0);
	cr_expect_gt(ly_layer_vertex_count(l), 8000);
	ly_layer_free(l);

	asset(p, sizeof p, "chizhou_districts_gbk.shp");
	l = ly_layer_load(p, NULL, &err);
	cr_assert(l, "%s", err.msg);
	cr_expect_str_eq(ly_layer_encoding(l), "CP936");
	cr_expect_eq(ly_layer_count(l), 4);
	name = ly_layer_field_index(l, "name");
	cr_expect_geq(ly_layer_find(l, name, "东至县"), 0, "GBK decoded: %s", ly_layer_attr(l, 0, name));
	cr_expect_eq(ly_layer_message_count(l), 0);
	ly_layer_free(l);

	asset(p, sizeof p, "anhui_city_borders.shp");
	l = ly_layer_load(p, NULL, &err);
	cr_assert(l, "%s", err.msg);
	cr_expect_eq(ly_layer_geom(l), LY_GEOM_LINE);
	cr_expect_eq(ly_layer_count(l), 16);
	ly_layer_free(l);
}

static void mk_gbk(const char *name, const char *cpg)
{
	char base[512];
	out_path(base, sizeof base, name);
	SHPHandle shp = SHPCreate(base, SHPT_POINT);
	DBFHandle dbf = DBFCreate(base);
	DBFAddField(dbf, "name", FTString, 5, 0);
	/* "东至县" in GBK is 6 bytes: the 5-byte field cuts 县 after its lead byte */
	const char *values[] = {"\xb6\xab\xd6\xc1\xcf\xd8", "\xb3\xd8\xd6\xdd"};
	for (int i = 0; i < 2; i++) {
		SHPObject *o = SHPCreateSimpleObject(SHPT_POINT, 1, (double[]){117 + i}, (double[]){30}, NULL);
		SHPWriteObject(shp, -1, o);
		SHPDestroyObject(o);
		DBFWriteStringAttribute(dbf, i, 0, values[i]);
	}
	SHPClose(shp);
	DBFClose(dbf);
	write_text(base, ".prj", WGS84);
	if (cpg)
		write_text(base, ".cpg", cpg);
}

Test(load, gbk_cut_at_field_end_is_replacement_char)
{
	char base[512];
	struct rd_err err = {{0}};
	mk_gbk("gbk_cut", "CP936");
	out_path(base, sizeof base, "gbk_cut");
	struct ly_layer *l = ly_layer_load(base, NULL, &err);
	cr_assert(l, "%s", err.msg);
	cr_expect_eq(ly_layer_count(l), 2, "no record dropped");
	cr_expect_str_eq(ly_layer_attr(l, 0, 0), "东至\xEF\xBF\xBD");
	cr_expect_str_eq(ly_layer_attr(l, 1, 0), "池州");
	cr_expect(has_msg(l, "U+FFFD"));
	ly_layer_free(l);

	/* no .cpg: text that is not UTF-8 is read as GBK, and the message says so */
	mk_gbk("gbk_nocpg", NULL);
	out_path(base, sizeof base, "gbk_nocpg");
	l = ly_layer_load(base, NULL, &err);
	cr_assert(l, "%s", err.msg);
	cr_expect_str_eq(ly_layer_attr(l, 1, 0), "池州");
	cr_expect(has_msg(l, "no .cpg"));
	ly_layer_free(l);
}

Test(load, prj_web_mercator_and_unsupported)
{
	struct mk m;
	mk_open(&m, "merc", SHPT_POINT);
	mk_add(&m, SHPT_POINT, 0, NULL, 1, (double[]){13046776.0}, (double[]){3741945.0}, "p");
	mk_close(&m);
	write_text(m.base, ".prj", "PROJCS[\"WGS_1984_Web_Mercator_Auxiliary_Sphere\",GEOGCS[\"GCS_WGS_1984\"],"
	                           "PROJECTION[\"Mercator_Auxiliary_Sphere\"]]");
	struct rd_err err = {{0}};
	struct ly_layer *l = ly_layer_load(m.base, NULL, &err);
	cr_assert(l, "%s", err.msg);
	cr_expect_eq(ly_layer_crs(l), LY_CRS_WEBMERC);
	const double *x, *y;
	cr_assert_eq(ly_layer_part(l, 0, 0, &x, &y), 1);
	cr_expect(fabs(x[0] - 117.2) < 0.01 && fabs(y[0] - 31.837) < 0.001, "unprojected to %f %f", x[0], y[0]);
	ly_layer_free(l);

	write_text(m.base, ".prj", "PROJCS[\"WGS_1984_UTM_Zone_50N\",GEOGCS[\"GCS_WGS_1984\"],"
	                           "PROJECTION[\"Transverse_Mercator\"]]");
	l = ly_layer_load(m.base, NULL, &err);
	cr_expect_null(l);
	cr_expect(strstr(err.msg, "merc.prj") && strstr(err.msg, "unsupported coordinate system"), "%s", err.msg);
}

/* ---- bad files ---- */

static void copy_file(const char *from, const char *to)
{
	FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
	cr_assert(a && b, "%s -> %s", from, to);
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, a)) > 0)
		fwrite(buf, 1, n, b);
	fclose(a);
	fclose(b);
}

/* Copies hefei_districts to TEST_OUT/ly_NAME.* and returns the base path. */
static void copy_hefei(const char *name, char *base, size_t n)
{
	out_path(base, n, name);
	static const char *const ext[] = {".shp", ".shx", ".dbf", ".prj", ".cpg"};
	for (int i = 0; i < 5; i++) {
		char a[512], b[512];
		asset(a, sizeof a, "hefei_districts");
		strcat(a, ext[i]);
		snprintf(b, sizeof b, "%s%s", base, ext[i]);
		copy_file(a, b);
	}
}

static struct ly_layer *load_ok(const char *base)
{
	struct rd_err err = {{0}};
	struct ly_layer *l = ly_layer_load(base, NULL, &err);
	cr_assert(l, "%s", err.msg);
	dump_msgs(l);
	return l;
}

Test(bad, truncated_shp)
{
	char base[512], p[600];
	copy_hefei("trunc", base, sizeof base);
	snprintf(p, sizeof p, "%s.shp", base);
	struct stat st;
	stat(p, &st);
	cr_assert_eq(truncate(p, st.st_size - 1000), 0);
	struct ly_layer *l = load_ok(base);
	cr_expect_eq(ly_layer_count(l), 8, "the other 8 districts still load");
	cr_expect(has_msg(l, "truncated .shp"));
	cr_expect(has_msg(l, "ly_trunc.shp: record 8: .shx points past the end of the .shp"));
	ly_layer_free(l);
}

static void patch(const char *path, long off, const void *bytes, size_t n)
{
	FILE *f = fopen(path, "r+b");
	cr_assert(f);
	fseek(f, off, SEEK_SET);
	fwrite(bytes, 1, n, f);
	fclose(f);
}

static void read_at(const char *path, long off, void *bytes, size_t n)
{
	FILE *f = fopen(path, "rb");
	cr_assert(f);
	fseek(f, off, SEEK_SET);
	cr_assert_eq(fread(bytes, 1, n, f), n);
	fclose(f);
}

Test(bad, shx_disagrees_with_shp)
{
	char base[512], p[600];
	copy_hefei("shxbad", base, sizeof base);
	snprintf(p, sizeof p, "%s.shx", base);
	/* point entry 3 at record 4's offset */
	unsigned char e[8];
	read_at(p, 100 + 4 * 8, e, 8);
	patch(p, 100 + 3 * 8, e, 8);
	struct ly_layer *l = load_ok(base);
	cr_expect_eq(ly_layer_count(l), 8);
	cr_expect(has_msg(l, "record 3: .shx disagrees with .shp"));
	ly_layer_free(l);
}

Test(bad, missing_dbf)
{
	char base[512], p[600];
	copy_hefei("nodbf", base, sizeof base);
	snprintf(p, sizeof p, "%s.dbf", base);
	unlink(p);
	struct ly_layer *l = load_ok(base);
	cr_expect_eq(ly_layer_count(l), 9, "geometry still draws");
	cr_expect(has_msg(l, "missing") && has_msg(l, "no attributes"));
	cr_expect_eq(ly_layer_field_count(l), 0);
	ly_layer_free(l);
}

Test(bad, record_count_larger_than_file)
{
	char base[512], p[600];
	copy_hefei("dbfcount", base, sizeof base);
	snprintf(p, sizeof p, "%s.dbf", base);
	unsigned char n[4] = {200, 0, 0, 0}; /* claims 200 records */
	patch(p, 4, n, 4);
	struct ly_layer *l = load_ok(base);
	cr_expect_eq(ly_layer_count(l), 9);
	cr_expect(has_msg(l, "the header claims 200 records but the file holds 9"));
	cr_expect_str_eq(ly_layer_attr(l, 0, ly_layer_field_index(l, "name")), "瑶海区");
	ly_layer_free(l);

	/* the .shx claiming more records than it holds: the layer is refused, naming the file */
	copy_hefei("shxcount", base, sizeof base);
	snprintf(p, sizeof p, "%s.shx", base);
	unsigned char len[4] = {0, 0, 0x10, 0}; /* file length in 16-bit words, big-endian */
	patch(p, 24, len, 4);
	struct rd_err err = {{0}};
	l = ly_layer_load(base, NULL, &err);
	if (l) {
		dump_msgs(l);
		cr_expect(has_msg(l, ".shx"));
		ly_layer_free(l);
	} else {
		cr_expect(strstr(err.msg, "ly_shxcount.shp"), "%s", err.msg);
	}
}

Test(bad, nan_two_point_ring_unclosed_empty_mismatch)
{
	struct mk m;
	mk_open(&m, "badgeom", SHPT_POLYGON);
	double gx[] = {0, 0, 1, 1, 0}, gy[] = {0, 1, 1, 0, 0};
	mk_add(&m, SHPT_POLYGON, 1, (int[]){0}, 5, gx, gy, "good");
	double nx[] = {0, 0, NAN, 1, 0};
	mk_add(&m, SHPT_POLYGON, 1, (int[]){0}, 5, nx, gy, "nan");
	mk_add(&m, SHPT_POLYGON, 1, (int[]){0}, 2, gx, gy, "two points");
	double ux[] = {0, 0, 1, 1, 0.5};
	mk_add(&m, SHPT_POLYGON, 1, (int[]){0}, 5, ux, gy, "unclosed");
	mk_add(&m, SHPT_POLYGON, 1, (int[]){0}, 5, gx, gy, "becomes arc");
	double ix[] = {0, 0, 1e300, 1, 0};
	mk_add(&m, SHPT_POLYGON, 1, (int[]){0}, 5, ix, gy, "out of range");
	mk_add(&m, SHPT_POLYGON, 1, (int[]){0}, 5, gx, gy, "good too");
	mk_close(&m);
	/* make record 4 claim to be a polyline (shape type at the start of its content) */
	char p[600];
	snprintf(p, sizeof p, "%s.shx", m.base);
	unsigned char e[4];
	read_at(p, 100 + 4 * 8, e, 4);
	long off = ((long)e[0] << 24 | (long)e[1] << 16 | (long)e[2] << 8 | e[3]) * 2;
	snprintf(p, sizeof p, "%s.shp", m.base);
	unsigned char arc[4] = {3, 0, 0, 0};
	patch(p, off + 8, arc, 4);

	struct ly_layer *l = load_ok(m.base);
	cr_expect_eq(ly_layer_count(l), 2);
	cr_expect_eq(ly_layer_skipped(l), 5);
	cr_expect(has_msg(l, "ly_badgeom.shp: record 1: non-finite coordinate"));
	cr_expect(has_msg(l, "record 2: ring 0 has 2 points"));
	cr_expect(has_msg(l, "record 3: ring 0 is not closed"));
	cr_expect(has_msg(l, "record 4: shape type Arc does not match the file's Polygon"));
	cr_expect(has_msg(l, "record 5: coordinate out of range"));
	int name = ly_layer_field_index(l, "name");
	cr_expect_str_eq(ly_layer_attr(l, 1, name), "good too");
	cr_expect_eq(ly_layer_record(l, 1), 6);

	/* the rest still draws */
	struct ly_map *map = ly_map_new(LY_PROJ_MERCATOR);
	cr_assert_geq(ly_map_add_layer(map, l, NULL, NULL), 0);
	ly_map_fit(map, 64, 64, 4);
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 64, 64);
	cairo_t *cr = cairo_create(s);
	struct rd_theme th;
	rd_theme_default(&th);
	ly_map_set_opaque(map, true);
	struct rd_err err = {{0}};
	cr_expect(ly_map_render(map, cr, &th, &err), "%s", err.msg);
	cairo_surface_flush(s);
	uint32_t *px = (uint32_t *)(void *)cairo_image_surface_get_data(s);
	uint32_t bg = px[0], centre = px[32 * cairo_image_surface_get_stride(s) / 4 + 32];
	cr_expect_neq(bg, centre, "the good squares are drawn");
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	ly_map_free(map);
}

Test(bad, not_a_shapefile_and_missing)
{
	char base[512], p[600];
	out_path(base, sizeof base, "garbage");
	write_text(base, ".shp", "this is not a shapefile, just some text that is longer than one hundred bytes "
	                         "so the header check is the one that fires ..........................");
	write_text(base, ".shx", "x");
	struct rd_err err = {{0}};
	cr_expect_null(ly_layer_load(base, NULL, &err));
	cr_expect(strstr(err.msg, "ly_garbage.shp: not a shapefile"), "%s", err.msg);
	out_path(p, sizeof p, "does_not_exist.shp");
	cr_expect_null(ly_layer_load(p, NULL, &err));
	cr_expect(strstr(err.msg, "does_not_exist.shp: cannot open"), "%s", err.msg);
}

Test(bad, vertex_cap)
{
	char base[512];
	copy_hefei("cap", base, sizeof base);
	struct ly_load_opts o;
	ly_load_opts_default(&o);
	o.max_vertices_per_shape = 1000;
	struct rd_err err = {{0}};
	struct ly_layer *l = ly_layer_load(base, &o, &err);
	cr_assert(l, "%s", err.msg);
	cr_expect_lt(ly_layer_count(l), 9);
	cr_expect(has_msg(l, "exceed the limit of 1000"));
	ly_layer_free(l);
}
