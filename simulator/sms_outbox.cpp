#include "simulator/sms_outbox.hpp"

#include <algorithm>
#include <fstream>
#include <thread>

namespace roadside::sim {

namespace {
constexpr std::string_view kCodeMark = "確認コード ";
constexpr std::string_view kReferenceMark = "受付番号 ";
constexpr std::size_t kCodeDigits = 6;
constexpr std::chrono::milliseconds kPoll{20};
constexpr std::streamoff kTailBytes = 256 * 1024;
}  // namespace

std::optional<std::string> find_sign_in_code(std::string_view log, std::string_view reference) {
    const std::string wanted = std::string(kReferenceMark) + std::string(reference);
    std::optional<std::string> found;
    std::size_t start = 0;
    while (start < log.size()) {
        std::size_t end = log.find('\n', start);
        if (end == std::string_view::npos) end = log.size();
        const std::string_view line = log.substr(start, end - start);
        start = end + 1;
        if (line.find("sms to=") == std::string_view::npos) continue;
        if (line.find(wanted) == std::string_view::npos) continue;
        const std::size_t at = line.find(kCodeMark);
        if (at == std::string_view::npos) continue;
        const std::string_view code = line.substr(at + kCodeMark.size(), kCodeDigits);
        if (code.size() == kCodeDigits &&
            code.find_first_not_of("0123456789") == std::string_view::npos) {
            found = std::string(code);
        }
    }
    return found;
}

std::optional<std::string> wait_for_sign_in_code(const std::string& path,
                                                 std::string_view reference,
                                                 std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        // The message was just sent: it is near the end, so only the file's tail is read.
        std::ifstream in(path, std::ios::binary | std::ios::ate);
        std::string tail;
        if (in) {
            const std::streamoff size = in.tellg();
            const std::streamoff from = std::max<std::streamoff>(0, size - kTailBytes);
            in.seekg(from);
            tail.resize(static_cast<std::size_t>(size - from));
            in.read(tail.data(), static_cast<std::streamsize>(tail.size()));
        }
        if (auto code = find_sign_in_code(tail, reference)) return code;
        if (std::chrono::steady_clock::now() >= until) return std::nullopt;
        std::this_thread::sleep_for(kPoll);
    }
}

}  // namespace roadside::sim
