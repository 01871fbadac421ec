#pragma once
// The subcommands of roadside-sim. Each takes the arguments after its name and returns the exit
// status: 0 success, 1 a failed check (an invariant violated, a 5xx seen), 2 bad arguments.
#include <string>
#include <vector>

namespace roadside::sim {

int day_command(const std::vector<std::string>& args);   // simulator/day_main.cpp
int load_command(const std::vector<std::string>& args);  // simulator/load_main.cpp

}  // namespace roadside::sim
