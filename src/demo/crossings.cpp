#include "demo/crossings.hpp"

#include "common/error.hpp"
#include "common/output_file.hpp"
#include "demo/calendar.hpp"
#include "demo/rng.hpp"

#include <fmt/format.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/info.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

namespace migratlas::demo {

std::string_view behaviour_name(Behaviour behaviour)
{
    switch (behaviour) {
    case Behaviour::resident_trips: return "resident_trips";
    case Behaviour::visitor: return "visitor";
    case Behaviour::frontier_worker: return "frontier_worker";
    case Behaviour::seasonal_worker: return "seasonal_worker";
    case Behaviour::immigrant: return "immigrant";
    case Behaviour::emigrant: return "emigrant";
    case Behaviour::newborn: return "newborn";
    case Behaviour::left_censored: return "left_censored";
    }
    return "unknown";
}

namespace {

constexpr std::uint64_t block_stream_base = 0x43524F5300000000ULL;

/// Shares of persons by behaviour. Tuned so that an average person has about 5 rows, as in
/// real extracts where a few frontier workers account for a large part of the rows.
constexpr std::array<double, behaviour_count> behaviour_share = {0.34, 0.33, 0.007, 0.03, 0.07, 0.04, 0.02, 0.08};

/// Read-only lookups shared by all blocks.
struct Setting {
    const CrossingsConfig* config = nullptr;
    const std::vector<CrossingPoint>* points = nullptr;
    std::vector<std::string> residence_codes; ///< level-3 and level-2 codes of the reporting country
    std::vector<double> residence_cumulative;
    std::array<std::vector<std::size_t>, 2> border_points; ///< XNA-XSU, XNA-XOE (land, bridge, river)
    std::vector<std::size_t> airports;
    std::vector<std::size_t> land_points; ///< all border points of the reporting country
    std::int64_t first_day = 0;           ///< observation_start, days since 1970
    std::int64_t last_day = 0;            ///< observation_end
    std::uint64_t id_offset = 0;
    int survey_year = 0;                  ///< 0 = no border survey
};

enum class Purpose { tourism, business, family, shopping, transit, work, residence, study, return_home };
const char* purpose_name(Purpose purpose)
{
    switch (purpose) {
    case Purpose::tourism: return "tourism";
    case Purpose::business: return "business";
    case Purpose::family: return "family";
    case Purpose::shopping: return "shopping";
    case Purpose::transit: return "transit";
    case Purpose::work: return "work";
    case Purpose::residence: return "residence";
    case Purpose::study: return "study";
    case Purpose::return_home: return "return";
    }
    return "other";
}

struct Crossing {
    std::int64_t utc = 0; ///< seconds since 1970
    bool in = true;
    std::size_t point = 0;
    Purpose purpose = Purpose::tourism;
};

struct Person {
    std::string id;
    Behaviour behaviour = Behaviour::visitor;
    std::string nationality;
    char sex = 'F';
    std::int64_t birth_day = 0;
    std::string residence_code;
    std::vector<Crossing> crossings;
};

struct BlockOutput {
    std::string crossings;
    std::string truth;
    CrossingsSummary summary;
    std::vector<SurveyCandidate> survey;  ///< valid land crossings of the border survey's year
};

std::size_t weighted_point(Rng& rng, const Setting& setting, const std::vector<std::size_t>& candidates)
{
    double total = 0.0;
    for (const std::size_t i : candidates) {
        total += (*setting.points)[i].traffic_weight;
    }
    double target = rng.uniform() * total;
    for (const std::size_t i : candidates) {
        target -= (*setting.points)[i].traffic_weight;
        if (target < 0.0) {
            return i;
        }
    }
    return candidates.back();
}

/// Seconds since 1970 of a local reference-offset time `hours` after midnight of `day`.
std::int64_t at(const Setting& setting, std::int64_t day, double hours)
{
    const auto seconds = static_cast<std::int64_t>(std::clamp(hours, 0.0, 23.99) * 3600.0);
    return day * 86400 + seconds - std::int64_t{setting.config->reference_offset_minutes} * 60;
}

std::string residence(Rng& rng, const Setting& setting)
{
    const double target = rng.uniform() * setting.residence_cumulative.back();
    const auto it = std::upper_bound(setting.residence_cumulative.begin(), setting.residence_cumulative.end(), target);
    const auto index = static_cast<std::size_t>(std::min<std::ptrdiff_t>(
        it - setting.residence_cumulative.begin(), static_cast<std::ptrdiff_t>(setting.residence_codes.size()) - 1));
    return setting.residence_codes[index];
}

const char* overseas_nationality(Rng& rng)
{
    static constexpr std::array<const char*, 8> codes = {"USA", "ESP", "BRA", "MEX", "DEU", "FRA", "CHN", "ARG"};
    return codes[rng.below(codes.size())];
}

/// One trip abroad (OUT then IN) or one visit (IN then OUT), starting on `day`. Returns the
/// day of the second crossing. Crossings after observation_end are not in the extract.
std::int64_t add_trip(Rng& rng, const Setting& setting, Person& person, std::int64_t day, bool leave_first,
                      const std::vector<std::size_t>& land_candidates, bool by_air, Purpose purpose)
{
    std::size_t point = 0;
    std::int64_t nights = 0;
    double first_hour = 0.0;
    double second_hour = 0.0;
    if (by_air && !setting.airports.empty()) {
        point = weighted_point(rng, setting, setting.airports);
        nights = std::clamp<std::int64_t>(std::llround(rng.lognormal(std::log(9.0), 0.7)), 1, 120);
        first_hour = rng.uniform(5.0, 23.5);
        second_hour = rng.uniform(5.0, 23.5);
    } else {
        point = weighted_point(rng, setting, land_candidates);
        const bool same_day = rng.bernoulli(0.4);
        nights = same_day ? 0 : 1 + rng.poisson(3.0);
        first_hour = rng.uniform(6.0, 15.0);
        second_hour = same_day ? first_hour + rng.uniform(1.5, 8.0) : rng.uniform(6.0, 20.0);
        if (same_day && purpose == Purpose::tourism) {
            purpose = Purpose::shopping;
        }
    }
    person.crossings.push_back({at(setting, day, first_hour), !leave_first, point, purpose});
    const std::int64_t back = day + nights;
    if (back <= setting.last_day) {
        // Travellers mostly come back through the same kind of point, not always the same one.
        const std::size_t back_point =
            by_air || rng.bernoulli(0.8) ? point : weighted_point(rng, setting, land_candidates);
        person.crossings.push_back({at(setting, back, second_hour), leave_first, back_point, purpose});
    }
    return back;
}

/// Resident trips from `from` to the end of observation: `count` short trips in time order.
void resident_trips(Rng& rng, const Setting& setting, Person& person, std::int64_t from, int count)
{
    if (from >= setting.last_day) {
        return;
    }
    std::vector<std::int64_t> starts;
    for (int i = 0; i < count; ++i) {
        starts.push_back(from + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(setting.last_day - from + 1))));
    }
    std::sort(starts.begin(), starts.end());
    std::int64_t free_from = from;
    for (const std::int64_t start : starts) {
        if (start < free_from) {
            continue; // overlaps the previous trip: the person made fewer trips
        }
        const double roll = rng.uniform();
        const Purpose purpose = roll < 0.45 ? Purpose::tourism : roll < 0.75 ? Purpose::family
                                : roll < 0.92                 ? Purpose::business
                                                              : Purpose::study;
        free_from = add_trip(rng, setting, person, start, true, setting.land_points, rng.bernoulli(0.45), purpose) + 1;
    }
}

void generate_person(Rng& rng, const Setting& setting, Person& person)
{
    const std::int64_t first = setting.first_day;
    const std::int64_t last = setting.last_day;
    const auto day_between = [&rng](std::int64_t a, std::int64_t b) {
        return a + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(std::max<std::int64_t>(b - a + 1, 1))));
    };
    const auto adult_birth = [&]() { return first - static_cast<std::int64_t>(rng.uniform(18.0, 75.0) * 365.25); };
    const std::size_t neighbour = rng.below(2);
    const char* neighbour_code = neighbour == 0 ? "XSU" : "XOE";
    person.sex = rng.bernoulli(0.5) ? 'M' : 'F';
    person.birth_day = adult_birth();

    switch (person.behaviour) {
    case Behaviour::resident_trips: {
        person.nationality = rng.bernoulli(0.9) ? "XNA" : neighbour_code;
        person.residence_code = residence(rng, setting);
        resident_trips(rng, setting, person, first, 1 + static_cast<int>(rng.poisson(1.6)));
        break;
    }
    case Behaviour::visitor: {
        const bool from_neighbour = rng.bernoulli(0.6);
        person.nationality = from_neighbour ? neighbour_code : overseas_nationality(rng);
        const int visits = 1 + static_cast<int>(rng.poisson(0.6));
        std::int64_t from = first;
        for (int v = 0; v < visits && from < last; ++v) {
            const std::int64_t start = day_between(from, std::min(last, from + 900));
            const double roll = rng.uniform();
            const Purpose purpose = roll < 0.55 ? Purpose::tourism : roll < 0.75 ? Purpose::business
                                    : roll < 0.95                 ? Purpose::family
                                                                  : Purpose::transit;
            const bool by_air = !from_neighbour || rng.bernoulli(0.15);
            from = add_trip(rng, setting, person, start, false, setting.border_points[neighbour], by_air, purpose) + 30;
        }
        break;
    }
    case Behaviour::frontier_worker: {
        // Crosses IN in the morning and OUT in the evening on most weekdays of a work spell:
        // present on many dates but never at night, so never an immigrant (RULES.md, C11).
        person.nationality = neighbour_code;
        const std::size_t point = weighted_point(rng, setting, setting.border_points[neighbour]);
        const std::int64_t start = day_between(first, last - 30);
        const std::int64_t end = std::min(last, start + static_cast<std::int64_t>(rng.uniform(60.0, 240.0)));
        for (std::int64_t day = start; day <= end; ++day) {
            if (weekday(day) >= 5 || !rng.bernoulli(0.85)) {
                continue;
            }
            person.crossings.push_back({at(setting, day, rng.uniform(6.0, 7.75)), true, point, Purpose::work});
            person.crossings.push_back({at(setting, day, rng.uniform(16.5, 18.75)), false, point, Purpose::work});
        }
        break;
    }
    case Behaviour::seasonal_worker: {
        // Harvest season: around September, 100-150 nights, for 2-4 consecutive years.
        person.nationality = neighbour_code;
        const std::size_t point = weighted_point(rng, setting, setting.border_points[neighbour]);
        const CivilDate first_date = civil_from_days(static_cast<std::int32_t>(first));
        const int first_year = first_date.year + static_cast<int>(rng.below(4));
        const int seasons = static_cast<int>(rng.between(2, 4));
        for (int s = 0; s < seasons; ++s) {
            const std::int64_t arrive = days_from_civil(CivilDate{first_year + s, 9, 1}) + std::llround(rng.normal(0.0, 12.0));
            const std::int64_t leave = arrive + static_cast<std::int64_t>(rng.uniform(100.0, 150.0));
            if (arrive > last) {
                break;
            }
            person.crossings.push_back({at(setting, arrive, rng.uniform(7.0, 17.0)), true, point, Purpose::work});
            if (leave <= last) {
                person.crossings.push_back({at(setting, leave, rng.uniform(7.0, 17.0)), false, point, Purpose::work});
            }
        }
        break;
    }
    case Behaviour::immigrant: {
        const bool from_neighbour = rng.bernoulli(0.8);
        person.nationality = from_neighbour ? neighbour_code : (rng.bernoulli(0.5) ? "VEN" : "HTI");
        person.residence_code = residence(rng, setting);
        const std::int64_t arrival = day_between(first + 30, last);
        const bool by_air = !from_neighbour || rng.bernoulli(0.3);
        const std::size_t point = by_air ? weighted_point(rng, setting, setting.airports)
                                         : weighted_point(rng, setting, setting.border_points[neighbour]);
        person.crossings.push_back({at(setting, arrival, rng.uniform(6.0, 20.0)), true, point, Purpose::residence});
        if (rng.bernoulli(0.25)) {
            // Emigrates again after one to three years.
            const std::int64_t leave = arrival + static_cast<std::int64_t>(rng.uniform(400.0, 1200.0));
            if (leave <= last) {
                resident_trips(rng, setting, person, arrival + 200, static_cast<int>(rng.poisson(0.5)));
                std::erase_if(person.crossings, [&](const Crossing& c) { return c.utc >= at(setting, leave, 0.0); });
                person.crossings.push_back({at(setting, leave, rng.uniform(6.0, 20.0)), false, point, Purpose::residence});
            }
        } else if (rng.bernoulli(0.45)) {
            resident_trips(rng, setting, person, arrival + 200, 1 + static_cast<int>(rng.poisson(0.8)));
        }
        break;
    }
    case Behaviour::emigrant: {
        person.nationality = rng.bernoulli(0.92) ? "XNA" : neighbour_code;
        person.residence_code = residence(rng, setting);
        const std::int64_t leave = day_between(first + 400, last);
        const bool by_air = rng.bernoulli(0.6);
        const std::size_t point = by_air ? weighted_point(rng, setting, setting.airports)
                                         : weighted_point(rng, setting, setting.land_points);
        person.crossings.push_back({at(setting, leave, rng.uniform(5.0, 23.0)), false, point, Purpose::residence});
        const double roll = rng.uniform();
        if (roll < 0.3) {
            // Returns for good after more than a year abroad.
            const std::int64_t back = leave + static_cast<std::int64_t>(rng.uniform(420.0, 1100.0));
            if (back <= last) {
                person.crossings.push_back({at(setting, back, rng.uniform(5.0, 23.0)), true, point, Purpose::return_home});
            }
        } else if (roll < 0.45) {
            // Visits family back home for a couple of weeks.
            const std::int64_t visit = leave + static_cast<std::int64_t>(rng.uniform(120.0, 300.0));
            if (visit <= last) {
                add_trip(rng, setting, person, visit, false, setting.land_points, by_air, Purpose::family);
            }
        }
        break;
    }
    case Behaviour::newborn: {
        // Born during observation: resident from birth (birth rule), travels with the family.
        person.nationality = "XNA";
        person.residence_code = residence(rng, setting);
        person.birth_day = day_between(first, last - 200);
        resident_trips(rng, setting, person, person.birth_day + 60, 1 + static_cast<int>(rng.poisson(0.8)));
        break;
    }
    case Behaviour::left_censored: {
        if (rng.bernoulli(0.5)) {
            // A visitor already in the country on 1 January 2020: first record is an exit.
            person.nationality = rng.bernoulli(0.6) ? neighbour_code : overseas_nationality(rng);
            const std::int64_t out = day_between(first, first + 90);
            const bool by_air = rng.bernoulli(0.5);
            const std::size_t point = by_air ? weighted_point(rng, setting, setting.airports)
                                             : weighted_point(rng, setting, setting.border_points[neighbour]);
            person.crossings.push_back({at(setting, out, rng.uniform(6.0, 22.0)), false, point, Purpose::tourism});
            if (rng.bernoulli(0.4)) {
                add_trip(rng, setting, person, day_between(out + 60, last), false, setting.border_points[neighbour],
                         by_air, Purpose::tourism);
            }
        } else {
            // A resident abroad on 1 January 2020: first record is the return.
            person.nationality = "XNA";
            person.residence_code = residence(rng, setting);
            const std::int64_t back = day_between(first, first + 120);
            person.crossings.push_back(
                {at(setting, back, rng.uniform(6.0, 22.0)), true, weighted_point(rng, setting, setting.airports), Purpose::return_home});
            resident_trips(rng, setting, person, back + 30, static_cast<int>(rng.poisson(1.2)));
        }
        break;
    }
    }
    std::stable_sort(person.crossings.begin(), person.crossings.end(),
                     [](const Crossing& a, const Crossing& b) { return a.utc < b.utc; });
}

void append_row(std::string& out, const Setting& setting, const Person& person, const Crossing& crossing,
                std::string_view id, std::string_view direction, OffsetStyle style, int offset_minutes)
{
    const CrossingPoint& point = (*setting.points)[crossing.point];
    out += id;
    out += ',';
    append_instant(out, crossing.utc, offset_minutes, style);
    out += ',';
    out += direction;
    out += ',';
    out += point.point_id;
    out += ',';
    out += person.nationality;
    out += ',';
    out += person.sex;
    out += ',';
    append_date(out, person.birth_day);
    out += ',';
    out += person.residence_code;
    out += ',';
    out += transport_mode(point.kind);
    out += ',';
    out += purpose_name(crossing.purpose);
    out += '\n';
}

/// Writes a person's crossings with the noise real extracts have: missing records, exact
/// duplicates, double scans at another lane or point, a few invalid rows, and timestamps written
/// in UTC or at the neighbour's offset.
/// A valid record at a land point in the survey year is a crossing the border survey may interview.
void add_survey_candidate(const Setting& setting, const Person& person, const Crossing& crossing,
                          std::vector<SurveyCandidate>& survey)
{
    const CrossingPoint& point = (*setting.points)[crossing.point];
    if (setting.survey_year == 0 || point.kind == PointKind::airport) {
        return;
    }
    const std::int64_t day = floor_div(crossing.utc + std::int64_t{setting.config->reference_offset_minutes} * 60, 86400);
    const CivilDate date = civil_from_days(static_cast<std::int32_t>(day));
    if (date.year != setting.survey_year) {
        return;
    }
    const CivilDate birth = civil_from_days(static_cast<std::int32_t>(person.birth_day));
    int age = date.year - birth.year - ((date.month < birth.month || (date.month == birth.month && date.day < birth.day)) ? 1 : 0);
    survey.push_back(SurveyCandidate{static_cast<std::uint32_t>(crossing.point), (date.month - 1) / 3 + 1, crossing.in,
        person.sex, std::max(age, 0), person.nationality, crossing.purpose == Purpose::residence,
        person.behaviour == Behaviour::frontier_worker});
}

void emit_person(Rng& rng, const Setting& setting, const Person& person, std::vector<std::string>& rows,
                 CrossingsSummary& summary, std::vector<SurveyCandidate>& survey)
{
    const CrossingsConfig& config = *setting.config;
    std::uint64_t written = 0;
    for (std::size_t k = 0; k < person.crossings.size(); ++k) {
        const Crossing& crossing = person.crossings[k];
        if (person.crossings.size() >= 3 && k > 0 && rng.bernoulli(0.01)) {
            ++summary.missing_records;
            continue;
        }
        const CrossingPoint& point = (*setting.points)[crossing.point];
        OffsetStyle style = OffsetStyle::offset;
        int offset = config.reference_offset_minutes;
        if (point.kind == PointKind::airport && rng.bernoulli(0.06)) {
            style = OffsetStyle::utc_z;
            ++summary.utc_rows;
        } else if (point.border_with_iso3 == "XOE" && rng.bernoulli(0.3)) {
            offset = config.neighbour_offset_minutes;
            ++summary.neighbour_offset_rows;
        }
        std::string_view id = person.id;
        std::string_view direction = crossing.in ? "IN" : "OUT";
        if (rng.bernoulli(0.0008)) {
            // An invalid row replaces the real record (RULES.md section 2 rejects it).
            ++summary.invalid_rows;
            switch (rng.below(4)) {
            case 0: style = OffsetStyle::none; break;
            case 1: direction = crossing.in ? "ENTRADA" : "SALIDA"; break;
            case 2: direction = crossing.in ? "in" : "out"; break;
            default: id = ""; break;
            }
        }
        std::string row;
        row.reserve(128);
        append_row(row, setting, person, crossing, id, direction, style, offset);
        if (style != OffsetStyle::none && (direction == "IN" || direction == "OUT") && !id.empty()) {
            add_survey_candidate(setting, person, crossing, survey);
        }
        if (rng.bernoulli(0.003)) {
            rows.push_back(row);
            ++summary.exact_duplicates;
            ++written;
        }
        if (rng.bernoulli(0.003)) {
            // Double scan: same direction a few minutes later at another lane or point of the same kind.
            Crossing again = crossing;
            again.utc += static_cast<std::int64_t>(rng.between(120, 900));
            const std::vector<std::size_t>& same_kind =
                point.kind == PointKind::airport ? setting.airports
                : point.border_with_iso3 == "XSU" ? setting.border_points[0]
                                                  : setting.border_points[1];
            again.point = same_kind[rng.below(same_kind.size())];
            std::string second;
            append_row(second, setting, person, again, id, direction, style, offset);
            rows.push_back(std::move(second));
            ++summary.double_scans;
            ++written;
        }
        rows.push_back(std::move(row));
        ++written;
    }
    summary.rows += written;
    summary.rows_by_behaviour[static_cast<std::size_t>(person.behaviour)] += written;
}

BlockOutput generate_block(const Setting& setting, std::uint64_t block)
{
    const CrossingsConfig& config = *setting.config;
    Rng rng(config.seed, block_stream_base + block);
    const std::uint64_t begin = block * config.persons_per_block;
    const std::uint64_t end = std::min<std::uint64_t>(config.persons, begin + config.persons_per_block);
    BlockOutput output;
    std::vector<std::string> rows;
    rows.reserve(static_cast<std::size_t>(end - begin) * 6);
    Person person;
    for (std::uint64_t i = begin; i < end; ++i) {
        // An opaque but unique key: an affine bijection of the index modulo 10^9.
        const std::uint64_t key = (i * 387420489ULL + setting.id_offset) % 1000000000ULL;
        person.id = fmt::format("P{:09d}", key);
        person.behaviour = static_cast<Behaviour>(rng.choice(behaviour_share));
        person.crossings.clear();
        person.residence_code.clear();
        generate_person(rng, setting, person);
        ++output.summary.persons;
        ++output.summary.persons_by_behaviour[static_cast<std::size_t>(person.behaviour)];
        output.truth += person.id;
        output.truth += ',';
        output.truth += behaviour_name(person.behaviour);
        output.truth += '\n';
        emit_person(rng, setting, person, rows, output.summary, output.survey);
    }
    // Extracts are not sorted: shuffle locally (each row moves a few dozen places at most).
    constexpr std::size_t window = 24;
    for (std::size_t i = 0; i + 1 < rows.size(); ++i) {
        const std::size_t j = i + rng.below(std::min(window, rows.size() - i));
        std::swap(rows[i], rows[j]);
    }
    std::size_t bytes = 0;
    for (const std::string& row : rows) {
        bytes += row.size();
    }
    output.crossings.reserve(bytes);
    for (const std::string& row : rows) {
        output.crossings += row;
    }
    return output;
}


} // namespace

CrossingsSummary write_crossings(const std::filesystem::path& crossings_path,
                                 const std::filesystem::path& truth_path, const DemoRegion& region,
                                 const std::vector<CrossingPoint>& points, const CrossingsConfig& config,
                                 Progress& progress, BorderSurveySampler* survey)
{
    Setting setting;
    setting.survey_year = survey != nullptr ? survey->design().year : 0;
    setting.config = &config;
    setting.points = &points;
    setting.first_day = days_from_civil(CivilDate{config.observation_start_year, 1, 1});
    setting.last_day = days_from_civil(CivilDate{config.observation_end_year, 12, 31});
    setting.id_offset = Rng::mix(config.seed) % 1000000000ULL;
    double cumulative = 0.0;
    for (const RegionUnit& unit : region.level3) {
        if (unit.code.compare(0, 3, reporting_country) == 0) {
            // 4 in 5 declare their level-3 unit, the others only the level-2 unit.
            cumulative += 0.8 * unit.expected_population;
            setting.residence_codes.push_back(unit.code);
            setting.residence_cumulative.push_back(cumulative);
            cumulative += 0.2 * unit.expected_population;
            setting.residence_codes.push_back(unit.parent_code);
            setting.residence_cumulative.push_back(cumulative);
        }
    }
    for (std::size_t i = 0; i < points.size(); ++i) {
        const CrossingPoint& point = points[i];
        if (point.country_iso3 != reporting_country) {
            continue;
        }
        if (point.kind == PointKind::airport) {
            setting.airports.push_back(i);
        } else {
            setting.land_points.push_back(i);
            setting.border_points[point.border_with_iso3 == "XSU" ? 0 : 1].push_back(i);
        }
    }
    if (setting.airports.empty() || setting.border_points[0].empty() || setting.border_points[1].empty()) {
        throw DataError("demo crossings: the reporting country needs an airport and points on both land borders");
    }

    OutputFile crossings(crossings_path);
    OutputFile truth(truth_path);
    crossings.write("person_id,crossing_time,direction,crossing_point,nationality,sex,birth_date,residence_code,"
                    "transport_mode,purpose\n");
    truth.write("person_id,behaviour\n");
    CrossingsSummary summary;
    const std::uint64_t blocks = (config.persons + config.persons_per_block - 1) / config.persons_per_block;
    std::uint64_t next_block = 0;
    std::uint64_t done_blocks = 0;
    const auto threads = static_cast<std::size_t>(std::max(1, tbb::info::default_concurrency()));
    tbb::parallel_pipeline(
        2 * threads + 1,
        tbb::make_filter<void, std::uint64_t>(tbb::filter_mode::serial_in_order,
                                              [&](tbb::flow_control& control) -> std::uint64_t {
                                                  if (next_block >= blocks) {
                                                      control.stop();
                                                      return 0;
                                                  }
                                                  return next_block++;
                                              }) &
            tbb::make_filter<std::uint64_t, BlockOutput>(
                tbb::filter_mode::parallel, [&](std::uint64_t block) { return generate_block(setting, block); }) &
            tbb::make_filter<BlockOutput, void>(tbb::filter_mode::serial_in_order, [&](const BlockOutput& output) {
                crossings.write(output.crossings);
                truth.write(output.truth);
                if (survey != nullptr) {
                    for (const SurveyCandidate& candidate : output.survey) {
                        survey->add(candidate);
                    }
                }
                const CrossingsSummary& part = output.summary;
                summary.persons += part.persons;
                summary.rows += part.rows;
                for (std::size_t b = 0; b < behaviour_count; ++b) {
                    summary.persons_by_behaviour[b] += part.persons_by_behaviour[b];
                    summary.rows_by_behaviour[b] += part.rows_by_behaviour[b];
                }
                summary.exact_duplicates += part.exact_duplicates;
                summary.double_scans += part.double_scans;
                summary.missing_records += part.missing_records;
                summary.invalid_rows += part.invalid_rows;
                summary.utc_rows += part.utc_rows;
                summary.neighbour_offset_rows += part.neighbour_offset_rows;
                progress.update(static_cast<double>(++done_blocks) / static_cast<double>(blocks));
            }));
    crossings.commit();
    truth.commit();
    return summary;
}

void write_linkage_params(const std::filesystem::path& path, const CrossingsConfig& config)
{
    const int offset = config.reference_offset_minutes;
    const std::string text = fmt::format(
        "# parameters of the 12/16 rule for the demo crossings (see shared/reference/linkage/RULES.md)\n"
        "observation_start={}-01-01\nobservation_end={}-12-31\nreference_utc_offset={}{:02d}:{:02d}\n"
        "window_months=16\nmin_days=365\n",
        config.observation_start_year, config.observation_end_year, offset < 0 ? '-' : '+', std::abs(offset) / 60,
        std::abs(offset) % 60);
    OutputFile file(path);
    file.write(text);
    file.commit();
}

} // namespace migratlas::demo
