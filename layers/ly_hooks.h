#pragma once
/* Loading a shapefile layer through Shapelib's I/O hooks instead of the file system: every
 * file the loader touches (.shp, .shx, .dbf, .prj, .cpg and their upper-case variants) is
 * opened with hooks->FOpen(name, "rb") and read with FRead/FSeek/FTell/FClose, so a layer can
 * come from memory, an archive or a test fixture (the fuzzer, tests/fuzz/fuzz_shp.c, serves
 * the five files from one input; tests/client/loader_faults.c fails them one call at a time).
 * Kept apart from ly_layer.h so that only callers that bring their own hooks see Shapelib's
 * header.
 *
 * The hooks are copied; their Error member is replaced by the loader's own (messages end up
 * in err and ly_layer_message), and the loader wraps the file calls to watch them. FOpen
 * returns NULL with errno ENOENT (or left 0) for a file that does not exist; NULL with any
 * other errno is an I/O error that fails the load ("FILE: cannot open: strerror"). FRead
 * returns fewer items than asked only at the end of the file (fread's contract): short inside
 * the file is an I/O error that fails the load. FSeek to SEEK_END and FTell must give the
 * file's size. Threads: as ly_layer_load, provided the hooks are reentrant; the hooks are
 * called only from the loading thread, during the call. */
#include <shapefil.h>

#include "ly_layer.h"

/* As ly_layer_load, with path naming the .shp as the hooks know it. hooks NULL: the file
 * system (Shapelib's default hooks), which is what ly_layer_load does. */
struct ly_layer *ly_layer_load_hooks(const char *path, const SAHooks *hooks, const struct ly_load_opts *opts,
                                     struct rd_err *err);
