#pragma once
/* `cbwall shp2png FILE.shp... -o OUT.png [--size WxH] [--label FIELD] [--theme NAME]
 * [--proj auto|merc|eqc] [--pad PX] [--style KEY=VALUE]... [-q]`: the operator's quick look
 * at a shapefile (MapServer's shp2img). Fits all files to the image, draws them with the
 * theme's map colors, labels from FIELD, and prints every validation message on stderr.
 * Exits 0 when at least one layer drew, 1 when nothing could be drawn, 2 on bad usage.
 * Main thread only. */

/* argv[0] is "shp2png". */
int cw_shp2png_main(int argc, char **argv);
