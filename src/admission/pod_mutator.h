// The webhook's decision for one AdmissionReview, from body to answer:
// recognise a task pod being created, compute its span contexts, build the
// patch. Safe by construction: every answer allows the pod, and anything
// unexpected (malformed review, internal error) gives an empty patch and a
// log line, never an error status.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>

#include "admission/admission_options.h"
#include "admission/trace_lookup.h"

namespace pipetrace::admission {

struct MutatorCounts {
  std::size_t reviews = 0;
  std::size_t patched = 0;        // answers with a non-empty patch
  std::size_t without_trace = 0;  // task pods whose trace was not known (no TRACEPARENT)
  std::size_t malformed = 0;      // reviews that could not be read
  std::size_t errors = 0;         // internal errors (answered with an empty patch)
};

class PodMutator {
 public:
  // `lookup` may be null: decisions are then made from the pod alone.
  PodMutator(AdmissionOptions options, TraceLookup* lookup);

  // The AdmissionReview answer for `body`. Never throws.
  std::string review(std::string_view body) noexcept;

  MutatorCounts counts() const;

 private:
  std::string mutate(std::string_view body);

  AdmissionOptions options_;
  TraceLookup* lookup_;
  std::atomic<std::size_t> reviews_{0}, patched_{0}, without_trace_{0}, malformed_{0}, errors_{0};
};

}  // namespace pipetrace::admission
