// Must NOT compile: a publishing stage may hold PublishedLayer objects but never make one; only the
// disclosure gate's LayerFactory (src/disclose/layer_factory.hpp) can.
#include "disclose/published_layer.hpp"

migratlas::disclose::PublishedLayer layering_probe_forbidden_construct()
{
    return {};
}
