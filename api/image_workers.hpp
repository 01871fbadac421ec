#pragma once
// Worker threads for CPU-heavy work on uploads (decoding and re-encoding images with libvips), so
// that the I/O threads keep answering while a 10 MB photo is re-encoded. Bounded: `threads` run at
// once and at most `queue_max` more wait; beyond that a request is refused at once (503
// overloaded) instead of queueing without limit.
#include <atomic>
#include <chrono>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdint>
#include <type_traits>

#include "api/errors.hpp"

namespace roadside::api {

class ImageWorkers {
  public:
    // `busy_us` adds up the time the work took on the worker threads (GET /metrics). Wall time:
    // libvips runs a pipeline on threads of its own while the worker waits for it, so the
    // worker thread's own CPU clock would miss most of the work.
    ImageWorkers(int threads, int queue_max, std::atomic<std::uint64_t>& busy_us)
        : pool_(static_cast<std::size_t>(threads)), limit_(threads + queue_max), busy_us_(busy_us) {}
    ~ImageWorkers() { pool_.join(); }
    ImageWorkers(const ImageWorkers&) = delete;
    ImageWorkers& operator=(const ImageWorkers&) = delete;

    // Runs `fn` (which must own everything it reads) on a worker thread; the caller resumes on
    // its own executor with the result. Throws ApiError 503 overloaded when the queue is full.
    template <class F>
    boost::asio::awaitable<std::invoke_result_t<F>> run(F fn) {
        using R = std::invoke_result_t<F>;
        if (in_flight_.fetch_add(1) >= limit_) {
            in_flight_.fetch_sub(1);
            throw ApiError(503, "overloaded",
                           "too many uploads are being processed; retry shortly");
        }
        struct Release {
            std::atomic<int>& n;
            ~Release() { n.fetch_sub(1); }
        } release{in_flight_};
        // The work is a named object handed over by move, never a temporary inside the co_await
        // (GCC 12 destroys such temporaries twice).
        auto work = [this, fn = std::move(fn)]() mutable -> boost::asio::awaitable<R> {
            const auto started = std::chrono::steady_clock::now();
            R result = fn();
            busy_us_.fetch_add(static_cast<std::uint64_t>(
                std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count()));
            co_return result;
        };
        co_return co_await boost::asio::co_spawn(pool_.get_executor(), std::move(work),
                                                 boost::asio::use_awaitable);
    }

    int in_flight() const { return in_flight_.load(); }

  private:
    boost::asio::thread_pool pool_;
    const int limit_;
    std::atomic<std::uint64_t>& busy_us_;
    std::atomic<int> in_flight_{0};
};

}  // namespace roadside::api
