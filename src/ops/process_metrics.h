#pragma once
// The process's own series, under the names every Prometheus client library gives them
// (process_cpu_seconds_total, process_resident_memory_bytes, process_open_fds, ...), so an
// operator's existing alerts and dashboards work on switchyard unchanged. Read from /proc at
// scrape time; a file that cannot be read leaves its series out rather than reporting zero.
#include <string>

namespace sy::ops {

void render_process_metrics(std::string& out);

}  // namespace sy::ops
