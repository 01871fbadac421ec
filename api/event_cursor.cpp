#include "api/event_cursor.hpp"

#include <algorithm>

namespace roadside::api {

std::vector<std::int64_t> EventCursor::awaited() const {
    std::vector<std::int64_t> out;
    for (const auto& [id, gap] : gaps_) {
        if (gap.passed) out.push_back(id);
    }
    return out;
}

bool EventCursor::holding() const {
    return std::any_of(gaps_.begin(), gaps_.end(), [](const auto& e) { return !e.second.passed; });
}

bool EventCursor::has_new_gap(const std::vector<std::int64_t>& ids, bool any_in_progress) const {
    if (!any_in_progress) return false;
    std::int64_t expected = after_ + 1;
    for (const std::int64_t id : ids) {
        if (id <= after_) continue;
        if (id - expected > static_cast<std::int64_t>(kMaxGaps)) return false;  // see missing()
        for (std::int64_t g = expected; g < id; ++g) {
            if (!gaps_.contains(g)) return true;
        }
        expected = id + 1;
    }
    return false;
}

bool EventCursor::settled(const Gap& g, const std::vector<std::uint64_t>& in_progress) const {
    return std::none_of(g.candidates.begin(), g.candidates.end(), [&](std::uint64_t x) {
        return std::find(in_progress.begin(), in_progress.end(), x) != in_progress.end();
    });
}

bool EventCursor::missing(std::int64_t from, std::int64_t to,
                          const std::vector<std::uint64_t>& candidates,
                          const std::vector<std::uint64_t>& in_progress, Clock::time_point now) {
    // A jump larger than anything concurrent writers could leave (a sequence reset by hand) is
    // not waited for.
    if (to - from > static_cast<std::int64_t>(kMaxGaps)) return true;
    for (std::int64_t g = from; g < to; ++g) {
        auto it = gaps_.find(g);
        if (it == gaps_.end()) {
            // Nothing in progress here could still write it: it was rolled back.
            if (candidates.empty() || gaps_.size() >= kMaxGaps) continue;
            it = gaps_.emplace(g, Gap{candidates, now, false}).first;
        }
        if (settled(it->second, in_progress)) {
            gaps_.erase(it);  // its transaction ended, and this read does not show the row
            continue;
        }
        if (now - it->second.first_seen >= hold_) {
            it->second.passed = true;
            continue;
        }
        return false;
    }
    return true;
}

std::vector<std::size_t> EventCursor::apply(
    const std::vector<std::int64_t>& ids, const std::vector<std::uint64_t>& in_progress,
    const std::optional<std::vector<std::uint32_t>>& database_xids, Clock::time_point now) {
    // Another database's transactions never write our events: they are not candidates.
    std::vector<std::uint64_t> candidates;
    for (const std::uint64_t x : in_progress) {
        const auto low = static_cast<std::uint32_t>(x & 0xFFFF'FFFFu);
        if (!database_xids ||
            std::find(database_xids->begin(), database_xids->end(), low) != database_xids->end()) {
            candidates.push_back(x);
        }
    }
    std::vector<std::size_t> out;
    // Late rows first: ids passed over, committed at last.
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (ids[i] <= after_ && gaps_.erase(ids[i]) > 0) out.push_back(i);
    }
    std::int64_t expected = after_ + 1;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (ids[i] <= after_) continue;
        if (ids[i] > expected && !missing(expected, ids[i], candidates, in_progress, now)) break;
        gaps_.erase(ids[i]);  // a gap that has filled
        out.push_back(i);
        after_ = ids[i];
        expected = after_ + 1;
    }
    std::erase_if(gaps_, [&](const auto& e) {
        return e.second.passed &&
               (settled(e.second, in_progress) || now - e.second.first_seen > kLateWatch);
    });
    return out;
}

}  // namespace roadside::api
