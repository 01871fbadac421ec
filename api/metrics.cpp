#include "api/metrics.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace roadside::api {

void Metrics::observe(const std::string& route, const std::string& method, int status,
                      std::chrono::nanoseconds elapsed) {
    const double s = std::chrono::duration<double>(elapsed).count();
    std::lock_guard lock(mutex_);
    ++requests_[{route, method, status}];
    Histogram& h = latency_[{route, method}];
    for (std::size_t i = 0; i < kBucketsS.size(); ++i) {
        if (s <= kBucketsS[i]) ++h.buckets[i];
    }
    ++h.count;
    h.sum_s += s;
}

std::int64_t resident_memory_bytes() {
    std::ifstream statm("/proc/self/statm");
    std::int64_t size_pages = 0;
    std::int64_t resident_pages = 0;
    if (!(statm >> size_pages >> resident_pages)) return 0;
    return resident_pages * sysconf(_SC_PAGESIZE);
}

std::string Metrics::render(const store::PoolStats& pool) const {
    std::ostringstream out;
    out << "# HELP roadside_http_requests_total HTTP requests by route, method and status.\n"
        << "# TYPE roadside_http_requests_total counter\n";
    std::lock_guard lock(mutex_);
    for (const auto& [key, n] : requests_) {
        const auto& [route, method, status] = key;
        out << "roadside_http_requests_total{route=\"" << route << "\",method=\"" << method
            << "\",status=\"" << status << "\"} " << n << "\n";
    }
    out << "# HELP roadside_http_request_duration_seconds Time from request read to response.\n"
        << "# TYPE roadside_http_request_duration_seconds histogram\n";
    for (const auto& [key, h] : latency_) {
        const auto& [route, method] = key;
        const std::string labels = "route=\"" + route + "\",method=\"" + method + "\"";
        for (std::size_t i = 0; i < kBucketsS.size(); ++i) {
            char le[32];
            std::snprintf(le, sizeof le, "%g", kBucketsS[i]);
            out << "roadside_http_request_duration_seconds_bucket{" << labels << ",le=\"" << le
                << "\"} " << h.buckets[i] << "\n";
        }
        out << "roadside_http_request_duration_seconds_bucket{" << labels << ",le=\"+Inf\"} "
            << h.count << "\n";
        out << "roadside_http_request_duration_seconds_sum{" << labels << "} " << h.sum_s << "\n";
        out << "roadside_http_request_duration_seconds_count{" << labels << "} " << h.count << "\n";
    }
    out << "# TYPE roadside_http_connections_open gauge\n"
        << "roadside_http_connections_open " << connections_open.load() << "\n"
        << "# TYPE roadside_http_connections_total counter\n"
        << "roadside_http_connections_total " << connections_total.load() << "\n"
        << "# TYPE roadside_http_connections_rejected_total counter\n"
        << "roadside_http_connections_rejected_total " << connections_rejected.load() << "\n"
        << "# TYPE roadside_dispatch_offers_total counter\n"
        << "roadside_dispatch_offers_total " << offers_made.load() << "\n"
        << "# TYPE roadside_dispatch_offers_expired_total counter\n"
        << "roadside_dispatch_offers_expired_total " << offers_expired.load() << "\n"
        << "# TYPE roadside_dispatch_jobs_unassigned_total counter\n"
        << "roadside_dispatch_jobs_unassigned_total " << jobs_unassigned.load() << "\n"
        << "# TYPE roadside_dispatch_sweep_failures_total counter\n"
        << "roadside_dispatch_sweep_failures_total " << sweep_failures.load() << "\n"
        << "# TYPE roadside_dispatch_partners_indexed gauge\n"
        << "roadside_dispatch_partners_indexed " << partners_indexed.load() << "\n"
        << "# TYPE roadside_customer_signins_total counter\n";
    for (std::size_t i = 0; i < kSigninOutcomes.size(); ++i) {
        out << "roadside_customer_signins_total{outcome=\"" << kSigninOutcomes[i] << "\"} "
            << signins[i].load() << "\n";
    }
    out << "# TYPE roadside_event_streams_open gauge\n"
        << "roadside_event_streams_open " << event_streams_open.load() << "\n"
        << "# TYPE roadside_event_streams_total counter\n"
        << "roadside_event_streams_total " << event_streams_total.load() << "\n"
        << "# TYPE roadside_event_streams_cut_total counter\n"
        << "roadside_event_streams_cut_total " << event_streams_cut_total.load() << "\n"
        << "# TYPE roadside_events_published_total counter\n"
        << "roadside_events_published_total " << events_published_total.load() << "\n"
        << "# TYPE roadside_events_listener_up gauge\n"
        << "roadside_events_listener_up " << events_listener_up.load() << "\n"
        << "# TYPE roadside_staff_signins_total counter\n"
        << "roadside_staff_signins_total{outcome=\"succeeded\"} " << staff_signins_succeeded.load()
        << "\n"
        << "roadside_staff_signins_total{outcome=\"failed\"} " << staff_signins_failed.load()
        << "\n"
        << "roadside_staff_signins_total{outcome=\"throttled\"} " << staff_signins_throttled.load()
        << "\n";
    out << "# TYPE roadside_claims_total counter\n";
    for (std::size_t i = 0; i < kClaimDecisions.size(); ++i) {
        out << "roadside_claims_total{decision=\"" << kClaimDecisions[i] << "\"} "
            << claims[i].load() << "\n";
    }
    out << "# TYPE roadside_receipt_images_total counter\n";
    for (std::size_t i = 0; i < kImageOutcomes.size(); ++i) {
        out << "roadside_receipt_images_total{outcome=\"" << kImageOutcomes[i] << "\"} "
            << images[i].load() << "\n";
    }
    out << "# TYPE roadside_image_work_seconds_total counter\n"
        << "roadside_image_work_seconds_total " << static_cast<double>(image_busy_us.load()) / 1e6
        << "\n";
    out
        << "# TYPE roadside_db_pool_connections gauge\n"
        << "roadside_db_pool_connections " << pool.size << "\n"
        << "# TYPE roadside_db_pool_idle gauge\n"
        << "roadside_db_pool_idle " << pool.idle << "\n"
        << "# TYPE roadside_db_pool_waiters gauge\n"
        << "roadside_db_pool_waiters " << pool.waiters << "\n"
        << "# TYPE roadside_db_acquired_total counter\n"
        << "roadside_db_acquired_total " << pool.acquired_total << "\n"
        << "# TYPE roadside_db_unavailable_total counter\n"
        << "roadside_db_unavailable_total " << pool.unavailable_total << "\n"
        << "# TYPE roadside_db_connects_total counter\n"
        << "roadside_db_connects_total " << pool.connects_total << "\n"
        << "# TYPE roadside_db_connect_failures_total counter\n"
        << "roadside_db_connect_failures_total " << pool.connect_failures_total << "\n"
        << "# TYPE roadside_process_resident_memory_bytes gauge\n"
        << "roadside_process_resident_memory_bytes " << resident_memory_bytes() << "\n";
    return out.str();
}

}  // namespace roadside::api

namespace roadside::api {

void Metrics::count_signin(std::string_view outcome) {
    for (std::size_t i = 0; i < kSigninOutcomes.size(); ++i) {
        if (outcome == kSigninOutcomes[i]) signins[i].fetch_add(1);
    }
}

void Metrics::count_image(std::string_view outcome) {
    for (std::size_t i = 0; i < kImageOutcomes.size(); ++i) {
        if (outcome == kImageOutcomes[i]) images[i].fetch_add(1);
    }
}

void Metrics::count_claim(std::string_view decision) {
    for (std::size_t i = 0; i < kClaimDecisions.size(); ++i) {
        if (decision == kClaimDecisions[i]) claims[i].fetch_add(1);
    }
}

}  // namespace roadside::api
