#pragma once
// `roadside user add|disable|passwd|list`: staff accounts from the command line, straight to the
// database (migrations applied first). Passwords come from standard input (prompted without echo
// on a terminal) or from an environment variable named with --password-env, never from the
// command line, where `ps` would show them.
#include <string>
#include <vector>

#include "config/settings.hpp"

namespace roadside::api {

// args: everything after "user". Returns the exit status (2: usage, 1: failure, 0: done).
int user_command(const std::vector<std::string>& args, const config::ServerSettings& settings);

}  // namespace roadside::api
