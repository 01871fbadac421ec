#pragma once
// Counters and latency histograms, rendered in the Prometheus text format at GET /metrics.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

#include "store/pg.hpp"

namespace roadside::api {

class Metrics {
  public:
    static constexpr std::array<double, 13> kBucketsS = {
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0};

    // `route` is the route pattern (bounded cardinality), never the raw path.
    void observe(const std::string& route, const std::string& method, int status,
                 std::chrono::nanoseconds elapsed);
    std::string render(const store::PoolStats& pool) const;

    std::atomic<std::int64_t> connections_open{0};
    std::atomic<std::uint64_t> connections_total{0};
    std::atomic<std::uint64_t> connections_rejected{0};

    // Dispatch, as seen by this server (several servers share the work).
    std::atomic<std::uint64_t> offers_made{0};
    std::atomic<std::uint64_t> offers_expired{0};  // lapses this server's sweeper handled
    std::atomic<std::uint64_t> jobs_unassigned{0};
    std::atomic<std::uint64_t> sweep_failures{0};
    std::atomic<std::int64_t> partners_indexed{0};

    // Live events (GET /v1/events).
    std::atomic<std::int64_t> event_streams_open{0};
    std::atomic<std::uint64_t> event_streams_total{0};
    std::atomic<std::uint64_t> event_streams_cut_total{0};  // slow readers cut off
    std::atomic<std::uint64_t> events_published_total{0};
    std::atomic<std::int64_t> events_listener_up{0};
    std::atomic<std::uint64_t> staff_signins_succeeded{0};
    std::atomic<std::uint64_t> staff_signins_failed{0};
    std::atomic<std::uint64_t> staff_signins_throttled{0};

    // Customer sign-ins by outcome ("succeeded", "failed", "throttled") and claims by decision
    // ("approved", "partially_approved", "rejected", "pending_review"); other labels are ignored.
    void count_signin(std::string_view outcome);
    void count_claim(std::string_view decision);
    // Receipt image uploads by outcome: "stored" or the refusal (media::ImageRefusal).
    void count_image(std::string_view outcome);
    static constexpr std::array<const char*, 4> kImageOutcomes = {
        "stored", "unsupported_type", "too_many_pixels", "unreadable"};
    std::array<std::atomic<std::uint64_t>, 4> images{};
    // Time the image workers spent on uploads (decoding, re-encoding), wall clock.
    std::atomic<std::uint64_t> image_busy_us{0};
    // "code_sent": the pair was right and a one-time code went out; "code_failed": a wrong,
    // expired, used or exhausted code (issue 14).
    static constexpr std::array<const char*, 5> kSigninOutcomes = {
        "succeeded", "failed", "throttled", "code_sent", "code_failed"};
    static constexpr std::array<const char*, 4> kClaimDecisions = {
        "approved", "partially_approved", "rejected", "pending_review"};
    std::array<std::atomic<std::uint64_t>, 5> signins{};
    std::array<std::atomic<std::uint64_t>, 4> claims{};

  private:
    struct Histogram {
        std::array<std::uint64_t, kBucketsS.size()> buckets{};
        std::uint64_t count = 0;
        double sum_s = 0;
    };
    mutable std::mutex mutex_;
    std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
    std::map<std::pair<std::string, std::string>, Histogram> latency_;
};

// Resident set size of this process in bytes (/proc/self/statm), 0 if unknown.
std::int64_t resident_memory_bytes();

}  // namespace roadside::api
