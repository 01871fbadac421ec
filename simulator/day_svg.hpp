#pragma once
// The day as a picture: one self-contained SVG document, written by hand (no libraries), that a
// person takes in at a glance —
//   calls per hour, bars stacked by cause, Japan time on the axis, with the workload's expected
//   daily curve over them;
//   the distribution of the time from call to partner on scene, with the mean and p90 marked;
//   a map of Japan with every call as a dot coloured by how it ended.
#include <string>

#include "simulator/audit.hpp"
#include "simulator/day.hpp"

namespace roadside::sim {

// `audit` only supplies the verdict in the subtitle.
std::string day_svg(const DayOptions& options, const DayLog& log, const DayReport& report,
                    const AuditReport& audit);

}  // namespace roadside::sim
