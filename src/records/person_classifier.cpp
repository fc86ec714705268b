#include "records/person_classifier.hpp"

#include "common/civil_date.hpp"

#include <algorithm>
#include <cassert>
#include <tuple>

namespace migratlas::records {

std::string_view to_string(Direction direction)
{
    return direction == Direction::in ? "IN" : "OUT";
}

std::string_view to_string(EventType type)
{
    switch (type) {
    case EventType::immigrant_arrival: return "immigrant_arrival";
    case EventType::emigrant_departure: return "emigrant_departure";
    case EventType::short_term: return "short_term";
    case EventType::visitor: return "visitor";
    case EventType::unresolved: return "unresolved";
    }
    return "unresolved";
}

std::string_view to_string(DuplicateReason reason)
{
    return reason == DuplicateReason::exact_duplicate ? "exact_duplicate" : "near_duplicate";
}

Outcome window_outcome(std::int32_t side_days, std::int32_t remaining, int min_days)
{
    if (side_days >= min_days) {
        return Outcome::long_stay;
    }
    if (side_days + remaining < min_days) {
        return Outcome::short_stay;
    }
    return Outcome::open;
}

Transition label_crossing(ResidenceStatus before, Direction direction, Outcome outcome)
{
    switch (before) {
    case ResidenceStatus::nonresident:
        if (direction == Direction::out) {
            return {EventType::visitor, ResidenceStatus::nonresident};
        }
        switch (outcome) {
        case Outcome::long_stay: return {EventType::immigrant_arrival, ResidenceStatus::resident};
        case Outcome::short_stay: return {EventType::visitor, ResidenceStatus::nonresident};
        case Outcome::open: return {EventType::unresolved, ResidenceStatus::unknown};
        }
        break;
    case ResidenceStatus::resident:
        if (direction == Direction::in) {
            return {EventType::short_term, ResidenceStatus::resident};
        }
        switch (outcome) {
        case Outcome::long_stay: return {EventType::emigrant_departure, ResidenceStatus::nonresident};
        case Outcome::short_stay: return {EventType::short_term, ResidenceStatus::resident};
        case Outcome::open: return {EventType::unresolved, ResidenceStatus::unknown};
        }
        break;
    case ResidenceStatus::unknown:
        if (outcome == Outcome::long_stay) {
            return {EventType::unresolved,
                direction == Direction::in ? ResidenceStatus::resident : ResidenceStatus::nonresident};
        }
        return {EventType::unresolved, ResidenceStatus::unknown};
    }
    return {EventType::unresolved, ResidenceStatus::unknown};
}

void PersonClassifier::keep_or_drop(const PersonCrossing& crossing, std::vector<DuplicateCrossing>& duplicates)
{
    // Double scan (RULES.md §3.4): same direction and same reference date as the crossing kept just
    // before it. The same direction on another date is a missing record, not a duplicate.
    if (!m_kept.empty() && m_kept.back().direction == crossing.direction && m_kept.back().date == crossing.date) {
        duplicates.push_back({crossing.source, DuplicateReason::near_duplicate});
        return;
    }
    m_kept.push_back({crossing.date, crossing.direction, crossing.source, crossing.birth_date});
}

std::int64_t PersonClassifier::present_days_before(std::int32_t day) const
{
    // Segments cover [start_j, start_{j+1}); the last one runs on without end.
    const auto it = std::upper_bound(m_segment_start.begin(), m_segment_start.end(), day);
    assert(it != m_segment_start.begin());
    const auto j = static_cast<std::size_t>(it - m_segment_start.begin()) - 1;
    return m_present_before[j] + (m_segment_present[j] ? day - m_segment_start[j] : 0);
}

void PersonClassifier::classify(std::span<PersonCrossing> crossings, std::vector<ClassifiedEvent>& events,
    std::vector<DuplicateCrossing>& duplicates)
{
    if (crossings.empty()) {
        return;
    }
    // RULES.md §3.1: the kept crossings must not depend on input order.
    std::sort(crossings.begin(), crossings.end(), [](const PersonCrossing& a, const PersonCrossing& b) {
        return std::tie(a.instant, a.direction, a.crossing_point, a.nationality, a.sex, a.birth_date_text, a.line) <
            std::tie(b.instant, b.direction, b.crossing_point, b.nationality, b.sex, b.birth_date_text, b.line);
    });

    m_kept.clear();
    std::size_t i = 0;
    while (i < crossings.size()) {
        // One instant: at most one IN and one OUT survive the exact-duplicate step (§3.2).
        const PersonCrossing* first_in = nullptr;
        const PersonCrossing* first_out = nullptr;
        std::size_t j = i;
        for (; j < crossings.size() && crossings[j].instant == crossings[i].instant; ++j) {
            const PersonCrossing*& first = crossings[j].direction == Direction::in ? first_in : first_out;
            if (first == nullptr) {
                first = &crossings[j];
            } else {
                duplicates.push_back({crossings[j].source, DuplicateReason::exact_duplicate});
            }
        }
        if (first_in != nullptr && first_out != nullptr) {
            // §3.3: a same-instant pair alternates with the crossing kept before it.
            const bool after_in = !m_kept.empty() && m_kept.back().direction == Direction::in;
            keep_or_drop(after_in ? *first_out : *first_in, duplicates);
            keep_or_drop(after_in ? *first_in : *first_out, duplicates);
        } else {
            keep_or_drop(first_in != nullptr ? *first_in : *first_out, duplicates);
        }
        i = j;
    }

    // §4 end-of-day rule: the last kept crossing of a date decides where the person spends the night.
    m_segment_start.clear();
    m_segment_present.clear();
    m_present_before.clear();
    for (const Kept& kept : m_kept) {
        const bool present = kept.direction == Direction::in;
        if (!m_segment_start.empty() && m_segment_start.back() == kept.date) {
            m_segment_present.back() = present;
        } else {
            m_segment_start.push_back(kept.date);
            m_segment_present.push_back(present);
        }
    }
    m_present_before.resize(m_segment_start.size());
    std::int64_t present_total = 0;
    for (std::size_t s = 0; s < m_segment_start.size(); ++s) {
        m_present_before[s] = present_total;
        if (s + 1 < m_segment_start.size() && m_segment_present[s]) {
            present_total += m_segment_start[s + 1] - m_segment_start[s];
        }
    }

    // §6.1 status before the first kept crossing.
    const Kept& first = m_kept.front();
    const bool observed_long_enough = static_cast<std::int64_t>(first.date) - m_params.observation_start >= m_params.min_days;
    const bool born_during_observation = first.birth_date != unknown_date &&
        first.birth_date >= m_params.observation_start && first.birth_date <= first.date;
    ResidenceStatus status = ResidenceStatus::unknown;
    if (observed_long_enough || born_during_observation) {
        status = first.direction == Direction::in ? ResidenceStatus::nonresident : ResidenceStatus::resident;
    }

    const std::int32_t observed_until = m_params.observation_end + 1;
    for (const Kept& kept : m_kept) {
        // §5: window [d, E) with end-of-month clamping, observed part [d, X).
        const std::int32_t window_end = add_months_clamped(kept.date, m_params.window_months);
        const std::int32_t observed_end = std::min(window_end, observed_until);
        const std::int64_t present = present_days_before(observed_end) - present_days_before(kept.date);
        const std::int64_t observed = observed_end - kept.date;
        const auto side_days = static_cast<std::int32_t>(kept.direction == Direction::in ? present : observed - present);
        const std::int32_t remaining = window_end - observed_end;
        const Transition transition = label_crossing(status, kept.direction,
            window_outcome(side_days, remaining, m_params.min_days));
        status = transition.after;
        events.push_back({kept.source, transition.type, side_days});
    }
}

} // namespace migratlas::records
