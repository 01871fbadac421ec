#include "simulator/http_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <optional>

namespace roadside::sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct HttpClient::Impl {
    asio::io_context ioc;
    std::optional<beast::tcp_stream> stream;
    beast::flat_buffer buffer;
};

HttpClient::HttpClient(std::string host, int port, std::string token,
                       std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()),
      host_(std::move(host)),
      port_(port),
      token_(std::move(token)),
      timeout_(timeout) {}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

void HttpClient::close() {
    impl_->stream.reset();
    impl_->buffer.clear();
}

HttpResponse HttpClient::post_json(const std::string& target, const std::string& json_body,
                                   std::map<std::string, std::string> headers) {
    headers.emplace("Content-Type", "application/json");
    return request("POST", target, json_body, headers);
}

HttpResponse HttpClient::request(const std::string& method, const std::string& target,
                                 const std::string& body,
                                 const std::map<std::string, std::string>& headers) {
    for (int attempt = 0;; ++attempt) {
        const bool reused = impl_->stream.has_value();
        try {
            if (!impl_->stream) {
                impl_->stream.emplace(impl_->ioc);
                impl_->stream->expires_after(timeout_);
                if (!local_address_.empty()) {
                    impl_->stream->socket().open(tcp::v4());
                    impl_->stream->socket().bind(
                        tcp::endpoint(asio::ip::make_address(local_address_), 0));
                }
                impl_->stream->connect(tcp::endpoint(asio::ip::make_address(host_),
                                                     static_cast<unsigned short>(port_)));
                impl_->stream->socket().set_option(tcp::no_delay(true));
                impl_->buffer.clear();
            }
            http::request<http::string_body> req;
            req.method_string(method);
            req.target(target);
            req.version(11);
            req.set(http::field::host, host_ + ":" + std::to_string(port_));  // as browsers send it
            if (!token_.empty()) req.set(http::field::authorization, "Bearer " + token_);
            for (const auto& [k, v] : headers) req.set(k, v);
            req.body() = body;
            if (!body.empty() || method == "POST") req.prepare_payload();
            impl_->stream->expires_after(timeout_);
            http::write(*impl_->stream, req);
            http::response_parser<http::string_body> parser;
            parser.body_limit(64 * 1024 * 1024);
            http::read(*impl_->stream, impl_->buffer, parser);
            auto res = parser.release();
            HttpResponse out;
            out.status = static_cast<int>(res.result_int());
            for (const auto& f : res) {
                std::string name(f.name_string());
                for (auto& c : name)
                    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                out.headers[name] = std::string(f.value());
            }
            out.body = std::move(res.body());
            if (!res.keep_alive()) impl_->stream.reset();
            return out;
        } catch (const boost::system::system_error&) {
            impl_->stream.reset();
            if (!reused || attempt > 0) throw;  // a stale keep-alive connection is retried once
        }
    }
}

}  // namespace roadside::sim
