#pragma once
// A blocking HTTP/1.1 client with one keep-alive connection, reopened when the server closes it:
// what the load generator, the benchmarks and the HTTP tests talk to the server with.
#include <chrono>
#include <map>
#include <memory>
#include <string>

namespace roadside::sim {

struct HttpResponse {
    int status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
};

class HttpClient {
  public:
    // `host` is an IP address literal (the load generator only ever passes loopback addresses).
    HttpClient(std::string host, int port, std::string token = "",
               std::chrono::milliseconds timeout = std::chrono::seconds{60});
    ~HttpClient();
    HttpClient(HttpClient&&) noexcept;
    HttpClient& operator=(HttpClient&&) noexcept;

    void set_token(std::string token) { token_ = std::move(token); }
    // Connect from this local address (a loopback address such as 127.0.0.2: tests play clients
    // at other addresses). Takes effect on the next connection.
    void set_local_address(std::string address) {
        local_address_ = std::move(address);
        close();
    }
    const std::string& token() const { return token_; }

    // Sends one request and reads the answer. A keep-alive connection the server has closed in
    // the meantime is reopened and the request sent again, once. Throws
    // boost::system::system_error when the server cannot be reached or the exchange times out.
    HttpResponse request(const std::string& method, const std::string& target,
                         const std::string& body = "",
                         const std::map<std::string, std::string>& headers = {});
    // Content-Type: application/json.
    HttpResponse post_json(const std::string& target, const std::string& json_body,
                           std::map<std::string, std::string> headers = {});
    HttpResponse get(const std::string& target) { return request("GET", target); }

    // Drops the connection; the next request opens a new one.
    void close();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::string host_;
    int port_;
    std::string token_;
    std::chrono::milliseconds timeout_;
    std::string local_address_;
};

}  // namespace roadside::sim
