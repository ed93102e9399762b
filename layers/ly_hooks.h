#pragma once
/* Loading a shapefile layer through Shapelib's I/O hooks instead of the file system: every
 * file the loader touches (.shp, .shx, .dbf, .prj, .cpg and their upper-case variants) is
 * opened with hooks->FOpen(name, "rb") and read with FRead/FSeek/FTell/FClose, so a layer can
 * come from memory, an archive or a test fixture (the fuzzer, tests/fuzz/fuzz_shp.c, serves
 * the five files from one input). Kept apart from ly_layer.h so that only callers that bring
 * their own hooks see Shapelib's header.
 *
 * The hooks are copied; their Error member is replaced by the loader's own (messages end up
 * in err and ly_layer_message). FOpen returns NULL for a file that does not exist, and may set
 * errno for the "cannot open" message. Threads: as ly_layer_load, provided the hooks are
 * reentrant. */
#include <shapefil.h>

#include "ly_layer.h"

/* As ly_layer_load, with path naming the .shp as the hooks know it. hooks NULL: the file
 * system (Shapelib's default hooks), which is what ly_layer_load does. */
struct ly_layer *ly_layer_load_hooks(const char *path, const SAHooks *hooks, const struct ly_load_opts *opts,
                                     struct rd_err *err);
