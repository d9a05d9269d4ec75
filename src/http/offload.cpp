#include "http/offload.h"


namespace sy::http {

// One thread: the work it takes is the large requests' (which the body budget admits a few at a
// time anyway), and on one thread their big allocations come from one heap arena, where the next
// large request finds the pages the last one freed instead of growing another arena.
boost::asio::thread_pool& offload_pool() {
  static boost::asio::thread_pool pool(1);
  return pool;
}

}  // namespace sy::http
