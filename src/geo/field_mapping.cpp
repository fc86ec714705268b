#include "geo/field_mapping.hpp"

#include "common/error.hpp"

namespace migratlas::geo {

void FieldMapping::validate() const
{
    if (code_field.empty() || name_field.empty()) {
        throw SettingError(code_field.empty() ? "code_field" : "name_field",
            "is required: code_field and name_field name the columns holding each unit's code and name");
    }
    if (level.has_value() == !level_field.empty()) {
        throw SettingError("level", "give exactly one of level N and level_field F (MEGA level: 1 country, 2 first subnational, 3 next)");
    }
    if (level && (*level < 1 || *level > 9)) {
        throw SettingError("level", "must be between 1 and 9, got " + std::to_string(*level));
    }
    const int parent_rules = (parent_field.empty() ? 0 : 1) + (parent_code.empty() ? 0 : 1) + (parent_code_length ? 1 : 0);
    if (parent_rules > 1) {
        throw SettingError(parent_field.empty() ? "parent_code" : "parent_field",
            "give at most one of parent_field, parent_code and parent_code_length");
    }
    if (parent_code_length && *parent_code_length < 1) {
        throw SettingError("parent_code_length", "must be at least 1");
    }
}

std::vector<std::pair<std::string, std::string>> FieldMapping::parameters() const
{
    std::vector<std::pair<std::string, std::string>> out;
    auto add = [&out](const char* flag, const std::string& value) {
        if (!value.empty()) {
            out.emplace_back(flag, value);
        }
    };
    add("layer", layer);
    add("where", where);
    add("code_field", code_field);
    add("name_field", name_field);
    add("parent_field", parent_field);
    add("level", level ? std::to_string(*level) : "");
    add("level_field", level_field);
    add("parent_code", parent_code);
    add("code_prefix", code_prefix);
    add("parent_code_length", parent_code_length ? std::to_string(*parent_code_length) : "");
    add("assume_srs", assume_srs);
    return out;
}

} // namespace migratlas::geo
