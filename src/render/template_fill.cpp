#include "render/template_fill.hpp"

#include <stdexcept>

namespace migratlas::render {

namespace {

using Scope = std::vector<const TemplateValues*>;

const std::variant<std::string, TemplateList>* lookup(const Scope& scope, const std::string& name)
{
    for (auto it = scope.rbegin(); it != scope.rend(); ++it) {
        const auto found = (*it)->entries.find(name);
        if (found != (*it)->entries.end()) {
            return &found->second;
        }
    }
    return nullptr;
}

/// Position of the {{/name}} that closes the section opened before `from`, honouring nesting.
std::size_t section_end(const std::string& text, const std::string& name, std::size_t from)
{
    int depth = 1;
    std::size_t at = from;
    while (true) {
        const auto open = text.find("{{", at);
        if (open == std::string::npos) {
            throw std::logic_error("template: section '" + name + "' is not closed");
        }
        const auto close = text.find("}}", open);
        const std::string tag = text.substr(open + 2, close - open - 2);
        if ((tag[0] == '#' || tag[0] == '^') && tag.substr(1) == name) {
            ++depth;
        } else if (tag[0] == '/' && tag.substr(1) == name && --depth == 0) {
            return open;
        }
        at = close + 2;
    }
}

void render(const std::string& text, Scope& scope, std::string& out)
{
    std::size_t at = 0;
    while (at < text.size()) {
        const auto open = text.find("{{", at);
        if (open == std::string::npos) {
            out.append(text, at, std::string::npos);
            return;
        }
        out.append(text, at, open - at);
        const bool raw = text.compare(open, 3, "{{{") == 0;
        const auto close = text.find(raw ? "}}}" : "}}", open);
        if (close == std::string::npos) {
            throw std::logic_error("template: unclosed tag");
        }
        const std::string tag = text.substr(open + (raw ? 3 : 2), close - open - (raw ? 3 : 2));
        at = close + (raw ? 3 : 2);
        if (tag.empty() || tag[0] == '!') {
            continue;
        }
        if (tag[0] == '#' || tag[0] == '^') {
            const std::string name = tag.substr(1);
            const auto end = section_end(text, name, at);
            const std::string body = text.substr(at, end - at);
            at = end + name.size() + 5;
            const auto* value = lookup(scope, name);
            if (value == nullptr) {
                throw std::logic_error("template: no value for section '" + name + "'");
            }
            const auto* list = std::get_if<TemplateList>(value);
            const bool empty = list ? list->empty() : std::get<std::string>(*value).empty();
            if (tag[0] == '^') {
                if (empty) {
                    render(body, scope, out);
                }
            } else if (list) {
                for (const auto& item : *list) {
                    scope.push_back(&item);
                    render(body, scope, out);
                    scope.pop_back();
                }
            } else if (!empty) {
                render(body, scope, out);
            }
            continue;
        }
        const auto* value = lookup(scope, tag);
        if (value == nullptr || !std::holds_alternative<std::string>(*value)) {
            throw std::logic_error("template: no text value '" + tag + "'");
        }
        out += raw ? std::get<std::string>(*value) : xml_escape(std::get<std::string>(*value));
    }
}

} // namespace

std::string xml_escape(const std::string& text)
{
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string fill_template(const std::string& text, const TemplateValues& values)
{
    Scope scope{&values};
    std::string out;
    out.reserve(text.size() * 2);
    render(text, scope, out);
    return out;
}

} // namespace migratlas::render
