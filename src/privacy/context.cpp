#include "privacy/context.h"

#include <algorithm>

#include "privacy/boundaries.h"
#include "privacy/names.h"

namespace sy::privacy {
namespace {

// Kinds of finding that belong to someone: their owner's name is reported with them.
bool has_owner(Kind kind) {
  switch (kind) {
    case Kind::address:
    case Kind::date_of_birth:
    case Kind::account_number:
    case Kind::passport:
    case Kind::medical_record:
    case Kind::case_number: return true;
    default: return false;
  }
}

// "1983", "民國72年", "72.05.30": a birth date with a year names one person far more closely than
// "March 5". A year is a four-digit run, 年, or a third group of digits.
bool has_year(std::string_view date) {
  if (date.find("年") != std::string_view::npos) return true;
  int run = 0, groups = 0;
  for (char c : date) {
    bool digit = is_digit(c);
    if (digit && run == 0) ++groups;
    run = digit ? run + 1 : 0;
    if (run == 4 || groups == 3) return true;
  }
  return false;
}

PeopleNearby people_around(std::string_view text, const Finding& f, std::span<const size_t> fact_starts) {
  auto around = [&](size_t radius) { return Span{f.start > radius ? f.start - radius : 0, f.end + radius}; };
  return people_in(text, around(kPersonRadius), around(kHanPersonRadius), fact_starts);
}

void add_all(std::vector<Finding>& found, const std::vector<Person>& people) {
  for (const Person& p : people) found.push_back({Kind::person, p.span.start, p.span.end});
}

}  // namespace

void add_people(std::string_view text, const std::vector<Finding>& facts, std::vector<Finding>& found) {
  size_t given = found.size();
  std::vector<bool> drop(given, false);
  for (size_t i = 0; i < given; ++i) {
    Finding f = found[i];
    if (!has_owner(f.kind)) continue;
    const size_t start = f.start;
    PeopleNearby near = people_around(text, f, {&start, 1});
    if (f.kind == Kind::date_of_birth && near.people.empty() &&
        (near.famous || !has_year(text.substr(f.start, f.end - f.start)))) {
      drop[i] = true;
      continue;
    }
    add_all(found, near.people);
  }
  // Facts close together share one look for names (a medical note has dozens of health words;
  // looking around each would read the same text again and again).
  std::vector<Finding> sorted = facts;
  std::sort(sorted.begin(), sorted.end(), [](const Finding& a, const Finding& b) { return a.start < b.start; });
  std::vector<size_t> starts;
  for (size_t i = 0; i < sorted.size();) {
    size_t j = i + 1;
    size_t end = sorted[i].end;
    while (j < sorted.size() && sorted[j].start <= end + 2 * kPersonRadius) end = std::max(end, sorted[j++].end);
    Finding cluster{sorted[i].kind, sorted[i].start, end};
    starts.clear();
    for (size_t k = i; k < j; ++k) starts.push_back(sorted[k].start);
    PeopleNearby near = people_around(text, cluster, starts);
    // A person counts for the cluster unless every fact in it is a topic of their work (Role).
    std::erase_if(near.people, [&](const Person& p) {
      return std::all_of(sorted.begin() + static_cast<std::ptrdiff_t>(i), sorted.begin() + static_cast<std::ptrdiff_t>(j),
                         [&](const Finding& fact) { return professional_topic(p.roles, fact.kind); });
    });
    if (!near.people.empty()) {
      found.insert(found.end(), sorted.begin() + static_cast<std::ptrdiff_t>(i), sorted.begin() + static_cast<std::ptrdiff_t>(j));
      add_all(found, near.people);
    }
    i = j;
  }
  size_t k = 0;
  for (size_t i = 0; i < found.size(); ++i) {
    if (i < given && drop[i]) continue;
    found[k++] = found[i];
  }
  found.resize(k);
}

}  // namespace sy::privacy
