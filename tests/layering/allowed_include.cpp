// Must compile with the same links as forbidden_include.cpp: the product declarations are public.
#include "common/products/catalogue.hpp"
#include "geo/unit_index.hpp"

int layering_probe_allowed()
{
    return static_cast<int>(migratlas::products::all().size());
}
