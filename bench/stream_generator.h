// Generates a large, realistic recording for the benchmarks: many pipeline
// runs, each the webhook -> LighthouseJob -> PipelineRun -> TaskRun -> Pod
// -> Events -> PipelineActivity story of one job of an example recording
// (itself assembled from real fixture objects), with names, uids and times
// varied per run and the runs interleaved by time as a busy cluster would
// interleave them. Pods carry the managedFields a real API server sends.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/span.h"

namespace pipetrace::bench {

struct StreamGeneratorOptions {
  // A recording in the examples/ format; its lines are the templates.
  std::string template_recording;
  // Keep the webhook line and the lines of the job whose object names start
  // with this (the example's `lint` job: one TaskRun, one pod, three steps).
  std::string job_prefix = "drone-test-go-pr-1-lint";
  // This part of every name is rewritten per run ("drone-test-go-pr-7-")
  // so that names stay unique; uids and times are rewritten everywhere.
  std::string name_token = "drone-test-go-pr-1-";
  std::string name_stem = "drone-test-go-pr-";
  // A watch stream from a real API server; the managedFields of its last
  // pod line are given to every pod line of the template.
  std::string managed_fields_source;
  std::size_t runs = 10000;
  // Time between the webhooks of consecutive runs. A run of the default
  // template lasts about 3.5 minutes, so about 100 runs overlap.
  TimeNs run_interval = 2LL * 1000000000;
};

struct GeneratedStats {
  std::size_t runs = 0;
  std::size_t lines = 0;
  std::size_t bytes = 0;  // without newlines
  std::size_t pod_lines = 0;
  std::size_t pod_bytes = 0;
};

class StreamGenerator {
 public:
  // Reads and prepares the templates. On failure returns nullopt and sets
  // `error` to a message naming the file and what is wrong with it.
  static std::optional<StreamGenerator> load(const StreamGeneratorOptions& options, std::string& error);

  // Calls `line` with every line of the stream (no newline), ordered by
  // observedAt across all runs. Deterministic: the same options give the
  // same bytes.
  GeneratedStats generate(const std::function<void(std::string_view line)>& line) const;

  // Like generate() restricted to runs [first, first + count), and to the
  // template lines for which `keep` is true (all when empty).
  GeneratedStats generate_runs(std::size_t first, std::size_t count, const std::function<void(std::string_view)>& line,
                               const std::function<bool(std::string_view watch_type)>& keep = {}) const;

  // The whole stream as newline-terminated lines.
  std::string generate_text(GeneratedStats* stats = nullptr) const;

  std::size_t template_lines() const { return lines_.size(); }
  TimeNs template_span() const;

 private:
  enum class HoleKind { Time, Uid, Name };
  // A part of a template line that changes per run.
  struct Hole {
    std::size_t pos = 0;
    std::size_t len = 0;
    HoleKind kind = HoleKind::Time;
    TimeNs time = 0;          // Time: the template's value
    int fraction_digits = 0;  // Time: digits after the seconds, as written
    std::size_t uid = 0;      // Uid: index into the template's distinct uids
  };
  struct TemplateLine {
    TimeNs observed = 0;
    std::string watch_type;  // ADDED, MODIFIED, WEBHOOK
    bool pod = false;
    std::string text;
    std::vector<Hole> holes;
  };

  void render(const TemplateLine& line, std::size_t run, std::string& out) const;

  StreamGeneratorOptions options_;
  std::vector<TemplateLine> lines_;
};

}  // namespace pipetrace::bench
