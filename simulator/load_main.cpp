#include <cstdio>

#include "simulator/commands.hpp"

namespace roadside::sim {

int load_command(const std::vector<std::string>&) {
    std::fputs("roadside-sim load: not built yet\n", stderr);
    return 2;
}

}  // namespace roadside::sim
