#include "api/passwords.hpp"

#include <sodium.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <stdexcept>

#include "store/pg.hpp"

namespace roadside::api {

using boost::asio::awaitable;

namespace {

void ensure_sodium() {
    static const int ready = sodium_init();  // thread-safe, idempotent
    if (ready < 0) throw std::runtime_error("libsodium cannot be initialised");
}

void wipe(std::string& s) {
    if (!s.empty()) sodium_memzero(s.data(), s.size());
    s.clear();
}

}  // namespace

std::string hash_password_now(const std::string& password, const PasswordCost& cost) {
    ensure_sodium();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.opslimit,
                              cost.memlimit_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        throw std::runtime_error("password hashing ran out of memory");
    }
    return out;
}

bool verify_password_now(const std::string& stored, const std::string& password) {
    ensure_sodium();
    if (stored.size() >= crypto_pwhash_STRBYTES) return false;
    return crypto_pwhash_str_verify(stored.c_str(), password.data(), password.size()) == 0;
}

bool cost_is_interactive(const PasswordCost& cost) {
    return cost.opslimit >= crypto_pwhash_OPSLIMIT_INTERACTIVE &&
           cost.memlimit_bytes >= crypto_pwhash_MEMLIMIT_INTERACTIVE;
}

// One of the kMaxPending places in the queue for the workers.
class PasswordHasher::Slot {
  public:
    explicit Slot(std::atomic<int>& pending) : pending_(pending) {
        if (pending_.fetch_add(1) >= kMaxPending) {
            pending_.fetch_sub(1);
            throw store::PoolExhausted("too many password checks are waiting");
        }
    }
    ~Slot() { pending_.fetch_sub(1); }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

  private:
    std::atomic<int>& pending_;
};

PasswordHasher::PasswordHasher(PasswordCost cost, int threads)
    : cost_(cost),
      dummy_hash_(hash_password_now("not a password of anyone", cost)),
      pool_(static_cast<std::size_t>(threads)) {}

PasswordHasher::~PasswordHasher() {
    pool_.join();
}

namespace {
// The work of the pool's threads. (Plain coroutines rather than lambdas handed to co_spawn: GCC
// 12 frees a lambda's captures twice when the lambda is made inside a co_await expression.)
awaitable<std::string> hash_on_worker(std::string password, PasswordCost cost) {
    std::string h = hash_password_now(password, cost);
    wipe(password);
    co_return h;
}

awaitable<bool> verify_on_worker(std::string stored, std::string password) {
    const bool good = verify_password_now(stored, password);
    wipe(password);
    co_return good;
}
}  // namespace

awaitable<std::string> PasswordHasher::hash(std::string password) {
    const Slot slot(pending_);
    awaitable<std::string> work = hash_on_worker(std::move(password), cost_);
    std::string out =
        co_await boost::asio::co_spawn(pool_, std::move(work), boost::asio::use_awaitable);
    co_return out;
}

awaitable<bool> PasswordHasher::verify(std::string stored, std::string password) {
    const Slot slot(pending_);
    awaitable<bool> work = verify_on_worker(std::move(stored), std::move(password));
    const bool ok =
        co_await boost::asio::co_spawn(pool_, std::move(work), boost::asio::use_awaitable);
    co_return ok;
}

awaitable<void> PasswordHasher::verify_nothing(std::string password) {
    co_await verify(dummy_hash_, std::move(password));
}

bool PasswordHasher::needs_rehash(const std::string& stored) const {
    ensure_sodium();
    return crypto_pwhash_str_needs_rehash(stored.c_str(), cost_.opslimit, cost_.memlimit_bytes) !=
           0;
}

}  // namespace roadside::api
