#include "ops/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/metrics_text.h"

namespace sy::ops {

namespace {

// /proc/self/stat's fields after the command name (which may hold spaces and parentheses, so the
// split starts after its last ')'): fields[0] is the state (field 3 in proc(5)).
std::vector<std::string> stat_fields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return {};
  auto close = line.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream rest(line.substr(close + 1));
  std::vector<std::string> fields;
  for (std::string f; rest >> f;) fields.push_back(f);
  return fields;
}

double boot_time_seconds() {
  std::ifstream in("/proc/stat");
  for (std::string key; in >> key;) {
    if (key == "btime") {
      double t = 0;
      in >> t;
      return t;
    }
    in.ignore(1 << 20, '\n');
  }
  return 0;
}

size_t open_fds() {
  std::error_code ec;
  size_t n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec)) {
    ++n;
  }
  return n > 0 ? n - 1 : 0;  // the listing's own descriptor
}

// Whole numbers (bytes, descriptors, a start time in seconds) in full; CPU seconds to the microsecond.
void gauge(std::string& out, const char* name, const char* type, const char* help, double value) {
  core::metric_header(out, name, type, help);
  char buf[48];
  std::snprintf(buf, sizeof buf, value == static_cast<double>(static_cast<int64_t>(value)) ? "%.0f" : "%.6f", value);
  out.append(name).append(" ").append(buf).append("\n");
}

}  // namespace

void render_process_metrics(std::string& out) {
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  auto f = stat_fields();
  // proc(5) numbering: utime 14, stime 15, num_threads 20, starttime 22, vsize 23, rss 24; fields[0] is 3.
  if (f.size() > 21 && ticks > 0) {
    gauge(out, "process_cpu_seconds_total", "counter", "User and system CPU time spent, in seconds.",
          (std::stod(f[11]) + std::stod(f[12])) / ticks);
    gauge(out, "process_threads", "gauge", "Threads in the process.", std::stod(f[17]));
    if (double boot = boot_time_seconds(); boot > 0) {
      gauge(out, "process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch, in seconds.",
            boot + std::stod(f[19]) / ticks);
    }
    gauge(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size, in bytes.", std::stod(f[20]));
    gauge(out, "process_resident_memory_bytes", "gauge", "Resident memory size, in bytes.", std::stod(f[21]) * page);
  }
  gauge(out, "process_open_fds", "gauge", "Open file descriptors.", static_cast<double>(open_fds()));
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    gauge(out, "process_max_fds", "gauge", "The most file descriptors the process may open.", static_cast<double>(limit.rlim_cur));
  }
}

}  // namespace sy::ops
