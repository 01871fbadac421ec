#include "simulator/sse_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace roadside::sim {

nlohmann::json SseEvent::json() const {
    auto j = nlohmann::json::parse(data, nullptr, false);
    return j.is_discarded() ? nlohmann::json::object() : j;
}

SseClient::SseClient(int port, std::map<std::string, std::string> headers, std::string target,
                     int receive_buffer_bytes) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    if (receive_buffer_bytes > 0) {
        setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes, sizeof receive_buffer_bytes);
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd_);
        throw std::runtime_error("connect failed");
    }
    std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                          "\r\nAccept: text/event-stream\r\n";
    for (const auto& [k, v] : headers) request += k + ": " + v + "\r\n";
    request += "\r\n";
    if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size())) {
        throw std::runtime_error("send failed");
    }
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds{30};
    while (raw_.find("\r\n\r\n") == std::string::npos) {
        if (!fill(until)) throw std::runtime_error("no response head: " + raw_);
    }
    const auto head_end = raw_.find("\r\n\r\n");
    std::istringstream head(raw_.substr(0, head_end));
    raw_.erase(0, head_end + 4);
    std::string line;
    std::getline(head, line);
    status_ = std::atoi(line.c_str() + 9);
    while (std::getline(head, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string name = line.substr(0, colon);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        headers_[name] = line.substr(std::min(line.size(), colon + 2));
    }
    if (status_ != 200) {
        const std::size_t length = std::strtoul(header("content-length").c_str(), nullptr, 10);
        while (raw_.size() < length && fill(until)) {
        }
        error_body_ = raw_;
        ended_ = true;
    }
}

SseClient::~SseClient() {
    if (fd_ >= 0) ::close(fd_);
}

std::string SseClient::header(const std::string& name) const {
    const auto it = headers_.find(name);
    return it == headers_.end() ? "" : it->second;
}

bool SseClient::fill(std::chrono::steady_clock::time_point until) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(std::max<std::int64_t>(0, left.count()))) <= 0) return false;
    char buf[16384];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
        ended_ = true;
        return false;
    }
    raw_.append(buf, static_cast<std::size_t>(n));
    return true;
}

// One chunk of the chunked body from raw_, when a whole one is there.
std::optional<std::string> SseClient::next_chunk_data() {
    const auto eol = raw_.find("\r\n");
    if (eol == std::string::npos) return std::nullopt;
    const std::size_t size = std::strtoul(raw_.substr(0, eol).c_str(), nullptr, 16);
    if (raw_.size() < eol + 2 + size + 2) return std::nullopt;
    std::string data = raw_.substr(eol + 2, size);
    raw_.erase(0, eol + 2 + size + 2);
    if (size == 0) ended_ = true;
    return data;
}

std::optional<SseEvent> SseClient::next(std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        while (const auto chunk = next_chunk_data()) stream_ += *chunk;
        const auto end = stream_.find("\n\n");
        if (end != std::string::npos) {
            const std::string block = stream_.substr(0, end);
            stream_.erase(0, end + 2);
            SseEvent e;
            bool any = false;
            std::istringstream lines(block);
            std::string line;
            while (std::getline(lines, line)) {
                if (line.starts_with(":")) {
                    ++comments_;
                    continue;
                }
                const auto colon = line.find(':');
                const std::string field = line.substr(0, colon);
                std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
                if (value.starts_with(" ")) value.erase(0, 1);
                if (field == "id") e.id = value;
                if (field == "event") e.event = value;
                if (field == "data") e.data += value;
                if (field == "retry") retry_ = value;
                any = any || field == "event" || field == "data";
            }
            if (any) return e;
            continue;
        }
        if (!fill(until)) {
            // Whatever arrived with the end is decoded once more before giving up.
            while (const auto chunk = next_chunk_data()) stream_ += *chunk;
            if (stream_.find("\n\n") != std::string::npos) continue;
            return std::nullopt;
        }
    }
}

std::vector<SseEvent> SseClient::drain(std::chrono::milliseconds quiet) {
    std::vector<SseEvent> out;
    while (auto e = next(quiet)) out.push_back(std::move(*e));
    return out;
}

}  // namespace roadside::sim
