#include "join/workspace_inputs.hpp"

#include "common/civil_date.hpp"
#include "common/parse.hpp"
#include "common/products/records.hpp"
#include "common/products/run_log.hpp"
#include "workspace/product_io.hpp"

#include <map>

namespace migratlas::join {

namespace {

std::string text(const TableValue& value)
{
    const auto* s = std::get_if<std::string>(&value);
    return s != nullptr ? *s : std::string();
}

double real(const TableValue& value)
{
    const auto* d = std::get_if<double>(&value);
    return d != nullptr ? *d : 0.0;
}

MonthIndex month_of_day(std::int32_t day)
{
    const CivilDate d = civil_from_days(day);
    return month_of(d.year, d.month);
}

} // namespace

std::vector<LocatedPoint> read_located_points(GDALDataset& dataset)
{
    std::vector<LocatedPoint> points;
    if (!workspace::has_product(dataset, products::crossing_points)) {
        return points;
    }
    const ProductSpec& s = products::crossing_points;
    const std::size_t id = s.column_index("point_id"), name = s.column_index("name"), lon = s.column_index("lon"),
                      lat = s.column_index("lat"), country = s.column_index("country_iso3"),
                      border = s.column_index("border_with_iso3"), l2 = s.column_index("unit_level2"),
                      l3 = s.column_index("unit_level3");
    workspace::for_each_row(dataset, s, [&](const std::vector<TableValue>& row) {
        points.push_back({text(row[id]), text(row[name]), real(row[lon]), real(row[lat]), text(row[country]),
            text(row[border]), text(row[l2]), text(row[l3])});
    });
    return points;
}

std::optional<ObservationWindow> read_observation_window(GDALDataset& dataset)
{
    if (!workspace::has_product(dataset, products::run_log)) {
        return std::nullopt;
    }
    const ProductSpec& s = products::run_log;
    const std::size_t run = s.column_index("run_id"), command = s.column_index("command"), kind = s.column_index("kind"),
                      name = s.column_index("name"), value = s.column_index("value");
    std::int64_t last_run = -1;
    std::map<std::string, std::string> parameters;
    workspace::for_each_row(dataset, s, [&](const std::vector<TableValue>& row) {
        const auto* id = std::get_if<std::int64_t>(&row[run]);
        if (id == nullptr || text(row[command]) != "link" || text(row[kind]) != "parameter" || *id < last_run) {
            return;
        }
        if (*id > last_run) {
            last_run = *id;
            parameters.clear();
        }
        parameters[text(row[name])] = text(row[value]);
    });
    const auto start = parse_iso_date(parameters["observation_start"]);
    const auto end = parse_iso_date(parameters["observation_end"]);
    if (!start || !end) {
        return std::nullopt;
    }
    ObservationWindow window{*start, *end, 16};
    if (const auto months = parse_int(parameters["window_months"]); months && *months > 0 && *months < 1000) {
        window.window_months = static_cast<int>(*months);
    }
    return window;
}

std::optional<MonthRange> final_months(const ObservationWindow& window)
{
    const MonthIndex first = month_of_day(window.start) + 12;
    MonthIndex last = month_of_day(window.end);
    while (last >= first) {
        const CivilDate d{year_of(last), calendar_month_of(last), 1};
        const std::int32_t last_day = days_from_civil(CivilDate{d.year, d.month, days_in_month(d.year, d.month)});
        if (add_months_clamped(last_day, window.window_months) <= window.end + 1) {
            break;
        }
        --last;
    }
    if (last < first) {
        return std::nullopt;
    }
    return MonthRange{first, last};
}

} // namespace migratlas::join
