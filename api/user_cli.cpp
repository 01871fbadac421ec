#include "api/user_cli.hpp"

#include <termios.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>

#include "api/passwords.hpp"
#include "store/migrate.hpp"
#include "store/partners.hpp"
#include "store/users.hpp"

namespace roadside::api {

namespace asio = boost::asio;

namespace {

constexpr const char* kActor = "cli";

int usage() {
    std::fprintf(stderr,
                 "usage: roadside user add LOGIN --name NAME --role agent|reviewer|admin|partner\n"
                 "                         [--partner-id ID] [--password-env VAR] [--if-missing]\n"
                 "       roadside user passwd LOGIN [--password-env VAR]\n"
                 "       roadside user disable LOGIN\n"
                 "       roadside user list\n"
                 "The password is read from standard input (one line) unless --password-env names\n"
                 "an environment variable holding it.\n");
    return 2;
}

struct Options {
    std::string command;
    std::string login;
    std::map<std::string, std::string> values;  // --name, --role, --partner-id, --password-env
    bool if_missing = false;
};

std::optional<Options> parse(const std::vector<std::string>& args) {
    if (args.empty()) return std::nullopt;
    Options o;
    o.command = args[0];
    std::size_t i = 1;
    if (o.command != "list") {
        if (args.size() < 2 || args[1].starts_with("--")) return std::nullopt;
        o.login = args[1];
        i = 2;
    }
    for (; i < args.size(); ++i) {
        if (args[i] == "--if-missing") {
            o.if_missing = true;
        } else if ((args[i] == "--name" || args[i] == "--role" || args[i] == "--partner-id" ||
                    args[i] == "--password-env") &&
                   i + 1 < args.size()) {
            o.values[args[i]] = args[i + 1];
            ++i;
        } else {
            return std::nullopt;
        }
    }
    return o;
}

// One line from standard input, without echo when it is a terminal.
std::string read_password(const Options& o) {
    if (const auto it = o.values.find("--password-env"); it != o.values.end()) {
        const char* v = std::getenv(it->second.c_str());
        if (v == nullptr)
            throw std::runtime_error("environment variable " + it->second + " is not set");
        return v;
    }
    termios saved{};
    const bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
    if (tty) {
        std::fprintf(stderr, "password for %s: ", o.login.c_str());
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    std::string line;
    std::getline(std::cin, line);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        std::fprintf(stderr, "\n");
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

void check_password(const std::string& password, const std::string& login) {
    if (password.size() < kMinPasswordChars || password.size() > kMaxPasswordChars * 4 ||
        password == login) {
        throw std::runtime_error("the password must be 10 to 256 characters, other than the login");
    }
}

store::PoolOptions pool_options(const config::ServerSettings& s) {
    store::PoolOptions o;
    o.connect.conninfo = s.database_url;
    o.connect.connect_timeout = s.db_connect_timeout_ms;
    o.connect.statement_timeout = s.db_statement_timeout_ms;
    o.size = 1;
    return o;
}

PasswordCost cost_of(const config::ServerSettings& s) {
    return {s.password_opslimit, s.password_memlimit_kib * 1024};
}

asio::awaitable<int> add(store::Connection& db, const Options& o, const config::ServerSettings& s) {
    if (o.if_missing && co_await store::find_user_by_login(db, o.login)) {
        std::printf("roadside: user %s exists already\n", o.login.c_str());
        co_return 0;
    }
    store::NewUser u;
    u.login = o.login;
    u.name = o.values.contains("--name") ? o.values.at("--name") : o.login;
    u.role = o.values.contains("--role") ? o.values.at("--role") : "";
    if (o.values.contains("--partner-id")) u.partner_id = o.values.at("--partner-id");
    if (u.role != "agent" && u.role != "reviewer" && u.role != "admin" && u.role != "partner") {
        throw std::runtime_error("--role must be agent, reviewer, admin or partner");
    }
    if ((u.role == "partner") != u.partner_id.has_value()) {
        throw std::runtime_error("--partner-id is given for a partner user, and only then");
    }
    const std::string password = read_password(o);
    check_password(password, o.login);
    u.password_hash = hash_password_now(password, cost_of(s));
    u.created_by = kActor;
    const auto row = co_await store::insert_user(db, u);
    if (!row) throw std::runtime_error("a user with the login " + o.login + " exists");
    std::printf("roadside: user %s (%s) created: %s\n", row->login.c_str(), row->role.c_str(),
                row->id.c_str());
    co_return 0;
}

asio::awaitable<int> run(const Options& o, const config::ServerSettings& s) {
    store::Pool pool(co_await asio::this_coro::executor, pool_options(s));
    store::Lease lease = co_await pool.acquire();
    co_await store::migrate(*lease);
    if (o.command == "add") co_return co_await add(*lease, o, s);
    if (o.command == "list") {
        for (const auto& u : co_await store::list_users(*lease, 100'000)) {
            std::printf("%s\t%s\t%s\t%s\n", u.login.c_str(), u.role.c_str(), u.name.c_str(),
                        u.disabled_at ? "disabled" : "active");
        }
        co_return 0;
    }
    const auto user = co_await store::find_user_by_login(*lease, o.login);
    if (!user) throw std::runtime_error("no user with the login " + o.login);
    if (o.command == "disable") {
        co_await store::disable_user(*lease, user->id, kActor);
        std::printf("roadside: user %s disabled; its sessions have ended\n", user->login.c_str());
        co_return 0;
    }
    const std::string password = read_password(o);
    check_password(password, user->login);
    const std::string hash = hash_password_now(password, cost_of(s));
    co_await store::set_password(*lease, user->id, hash, true);
    std::printf("roadside: password of %s changed; its sessions have ended\n", user->login.c_str());
    co_return 0;
}

}  // namespace

int user_command(const std::vector<std::string>& args, const config::ServerSettings& settings) {
    const std::optional<Options> o = parse(args);
    if (!o || (o->command != "add" && o->command != "passwd" && o->command != "disable" &&
               o->command != "list")) {
        return usage();
    }
    asio::io_context ioc;
    int code = 1;
    asio::co_spawn(ioc, run(*o, settings), [&](std::exception_ptr e, int result) {
        if (!e) {
            code = result;
            return;
        }
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            std::fprintf(stderr, "roadside: %s\n", ex.what());
        }
    });
    ioc.run();
    return code;
}

}  // namespace roadside::api
