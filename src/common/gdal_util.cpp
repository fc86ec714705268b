#include "common/gdal_util.hpp"

#include <cpl_error.h>
#include <gdal.h>

#include <mutex>

namespace migratlas {

void gdal_register_all()
{
    static std::once_flag once;
    std::call_once(once, [] { GDALAllRegister(); });
}

namespace {
void CPL_STDCALL collect(CPLErr level, CPLErrorNum /*number*/, const char* message)
{
    auto* self = static_cast<std::vector<std::string>*>(CPLGetErrorHandlerUserData());
    if (self != nullptr && message != nullptr && level >= CE_Warning) {
        self->emplace_back(message);
    }
}
} // namespace

GdalErrorCollector::GdalErrorCollector()
{
    CPLPushErrorHandlerEx(&collect, &m_messages);
}

GdalErrorCollector::~GdalErrorCollector()
{
    CPLPopErrorHandler();
}

std::string GdalErrorCollector::text() const
{
    std::string joined;
    for (const auto& m : m_messages) {
        joined += (joined.empty() ? "" : "; ") + m;
    }
    return joined;
}

} // namespace migratlas
