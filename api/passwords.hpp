#pragma once
// Staff passwords: Argon2id through libsodium (crypto_pwhash_str), off the I/O threads.
//
// Hashing costs password_opslimit passes over password_memlimit_kib of memory (64 MiB and 2
// passes by default: about 0.1 s of one core). The I/O threads never do it: a small pool of
// worker threads does, and at most kMaxPending hashings wait for it (beyond that, 503
// overloaded), which also bounds the memory they take. The stored string carries its own
// parameters, so a hash made with other settings still verifies, and is replaced by one with the
// current settings at the next successful sign-in.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstddef>
#include <string>

namespace roadside::api {

struct PasswordCost {
    unsigned long long opslimit = 2;
    std::size_t memlimit_bytes = 64 * 1024 * 1024;
};

// Rules for a new password (spec: none; ours): 10 to 256 characters.
inline constexpr std::size_t kMinPasswordChars = 10;
inline constexpr std::size_t kMaxPasswordChars = 256;

// Synchronous: for the command-line tools.
std::string hash_password_now(const std::string& password, const PasswordCost& cost);
bool verify_password_now(const std::string& stored, const std::string& password);
// Whether libsodium's interactive minimum is met (the server warns when it is not).
bool cost_is_interactive(const PasswordCost& cost);

class PasswordHasher {
  public:
    static constexpr int kMaxPending = 16;
    PasswordHasher(PasswordCost cost, int threads);
    ~PasswordHasher();

    boost::asio::awaitable<std::string> hash(std::string password);
    // False for a wrong password and for a stored string that is not an Argon2id hash.
    boost::asio::awaitable<bool> verify(std::string stored, std::string password);
    // Spends the time a verification takes, for a login that does not exist (so that its answer
    // takes as long as a wrong password's).
    boost::asio::awaitable<void> verify_nothing(std::string password);
    bool needs_rehash(const std::string& stored) const;

  private:
    class Slot;
    PasswordCost cost_;
    std::string dummy_hash_;
    boost::asio::thread_pool pool_;
    std::atomic<int> pending_{0};
};

}  // namespace roadside::api
