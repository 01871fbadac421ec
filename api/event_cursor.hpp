#pragma once
// Where a server is in the events table, and which rows it may hand to its streams now.
//
// Event ids come from a sequence, so they are handed out in order but committed in any order:
// id 105 can be visible while 104 is still being written by a transaction that has not
// committed, and a transaction that rolls back leaves its id unused for ever. A reader that
// simply moved past the highest id it saw would skip 104 for good.
//
// So the cursor delivers rows in id order and stops at a missing id until that id is settled.
// Each read comes with the snapshot it was made in: a missing id can only belong to one of the
// transactions the snapshot lists as in progress (it was taken before a visible, later id was).
// Those transactions (narrowed to the ones of this database) are the gap's candidates. Once no
// candidate is in progress in a later read's snapshot, that read shows the row if it was
// committed — and if it does not, the id was rolled back and is passed over. A gap still open
// after `hold` is passed over too, so that one slow transaction cannot hold up every stream; its
// id is then still looked for (out of order) until its candidates finish, for at most
// kLateWatch.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace roadside::api {

class EventCursor {
  public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::size_t kMaxGaps = 10'000;
    static constexpr std::chrono::seconds kLateWatch{60};

    EventCursor(std::int64_t after_id, std::chrono::milliseconds hold)
        : after_(after_id), hold_(hold) {}

    // Every id up to this one has been delivered or passed over.
    std::int64_t after() const { return after_; }
    // Ids passed over while their transactions may still commit: read them again.
    std::vector<std::int64_t> awaited() const;
    // Whether `ids` (sorted) holds a missing id not seen before while transactions are in
    // progress: then the caller looks up which of them belong to this database.
    bool has_new_gap(const std::vector<std::int64_t>& ids, bool any_in_progress) const;

    // One read: the ids it returned (sorted; above after() or among awaited()), the in-progress
    // transactions of its snapshot, and (when the caller looked them up) the 32-bit ids of this
    // database's transactions. Returns the positions in `ids` to deliver now, in that order.
    std::vector<std::size_t> apply(const std::vector<std::int64_t>& ids,
                                   const std::vector<std::uint64_t>& in_progress,
                                   const std::optional<std::vector<std::uint32_t>>& database_xids,
                                   Clock::time_point now);

    // A gap is being held: read again soon rather than at the next poll.
    bool holding() const;
    std::size_t tracked_gaps() const { return gaps_.size(); }

  private:
    struct Gap {
        std::vector<std::uint64_t> candidates;
        Clock::time_point first_seen;
        bool passed = false;  // after_ has moved beyond it; looked for out of order
    };
    bool settled(const Gap& g, const std::vector<std::uint64_t>& in_progress) const;
    // Registers the ids [from, to) as missing; false when one of them still holds the stream.
    bool missing(std::int64_t from, std::int64_t to, const std::vector<std::uint64_t>& candidates,
                 const std::vector<std::uint64_t>& in_progress, Clock::time_point now);

    std::int64_t after_;
    std::chrono::milliseconds hold_;
    std::map<std::int64_t, Gap> gaps_;
};

}  // namespace roadside::api
