#pragma once
// Customer sign-in challenges (migration 0006): the one-time code sent to the holder's phone.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "core/calendar.hpp"
#include "store/pg.hpp"

namespace roadside::store {

struct NewChallenge {
    std::string contract_id;
    std::string code_hash;  // raw bytes (api/signin: salt and keyed hash)
    std::string sent_to;    // masked
    std::string address;
    int max_attempts = 5;
    int lifetime_s = 600;  // from now, by the database's clock
};
struct ChallengeCreated {
    std::string id;
    core::Instant expires_at;
};
boost::asio::awaitable<ChallengeCreated> insert_challenge(Connection& db, const NewChallenge& c);

// One try at a challenge, counted before the code is compared (atomically: parallel tries each
// get their own number). nullopt when there is no such challenge.
struct ChallengeTry {
    std::string contract_id;
    std::string code_hash;
    int attempt = 0;  // this try's number, 1 for the first
    int max_attempts = 0;
    bool expired = false;
    bool used = false;
    core::Instant expires_at;
};
boost::asio::awaitable<std::optional<ChallengeTry>> count_challenge_try(Connection& db,
                                                                        std::string_view id);
// Marks the challenge used; false when it was used meanwhile (a code signs in once).
boost::asio::awaitable<bool> use_challenge(Connection& db, std::string_view id);
// Forgets challenges that ended long ago (a bounded table); at most 1000 a call.
boost::asio::awaitable<void> forget_old_challenges(Connection& db, int older_than_s);

}  // namespace roadside::store
