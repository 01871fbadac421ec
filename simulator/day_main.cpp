#include <cstdio>

#include "simulator/commands.hpp"

namespace roadside::sim {

int day_command(const std::vector<std::string>&) {
    std::fputs("roadside-sim day: not built yet\n", stderr);
    return 2;
}

}  // namespace roadside::sim
