// Must NOT compile: a publishing stage (export, render, tiles, serve) links common, geo and disclose,
// never the internal workspace, so the header that reads unsuppressed products is not on its path.
#include "workspace/product_io.hpp"

int layering_probe_forbidden()
{
    return 0;
}
