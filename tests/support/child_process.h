#pragma once
// Starting the real servers tests need (PostgreSQL, Redis, nginx) as children of the test process.
#include <sys/types.h>

#include <string>
#include <vector>

namespace sy::testing {

// A free TCP port on 127.0.0.1, 0 if none could be had. Free until someone binds it: a tiny race
// a test server wins in practice.
int free_loopback_port();

// fork + exec of argv[0] (a path) with stdin, stdout and stderr on /dev/null and no other
// descriptor of the test's; killed (SIGKILL) if the test process dies. -1 when fork fails.
// Between fork and exec the child makes only async-signal-safe calls (the tests have threads).
pid_t spawn_quiet(const std::vector<std::string>& argv);

}  // namespace sy::testing
