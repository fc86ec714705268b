// Fills the Mapnik XML templates of styles/: {{name}} is replaced by a value (XML-escaped unless
// written {{{name}}}), {{#list}}...{{/list}} repeats its body once per item, {{^name}}...{{/name}}
// keeps its body only when the list is empty or the value is empty. A small subset of Mustache.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace migratlas::render {

struct TemplateValues;
using TemplateList = std::vector<TemplateValues>;

struct TemplateValues {
    std::map<std::string, std::variant<std::string, TemplateList>> entries;

    TemplateValues& set(const std::string& name, std::string value)
    {
        entries[name] = std::move(value);
        return *this;
    }
    TemplateValues& set_list(const std::string& name, TemplateList list)
    {
        entries[name] = std::move(list);
        return *this;
    }
};

/// Fills `text`; a name not found in the item or in its enclosing items throws std::logic_error
/// (templates and the program must agree: a typo is our bug, not the user's).
[[nodiscard]] std::string fill_template(const std::string& text, const TemplateValues& values);
[[nodiscard]] std::string xml_escape(const std::string& text);

/// The templates compiled in from styles/ (name without .xml -> text).
[[nodiscard]] const std::map<std::string, std::string>& builtin_templates();

} // namespace migratlas::render
