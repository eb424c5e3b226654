// A small PNG bar chart (no font library: a built-in 3x5 pixel font, scaled),
// for `edgeml optimize-report`.
#pragma once

#include <string>
#include <vector>

#include "edgeml/status.h"

namespace edgeml::optimize {

struct BarPanel {
  std::string title;           // e.g. "SIZE % OF FLOAT"
  std::vector<double> values;  // one per label
};

// Panels side by side; every panel has one bar per label. Labels and titles
// use A-Z, 0-9, space and . % - x ( ) /.
Status WriteBarChartPng(const std::string& path, const std::vector<std::string>& labels,
                        const std::vector<BarPanel>& panels);

}  // namespace edgeml::optimize
