// The trace store: idempotent inserts, in-progress spans replaced by their
// finished version, round trip of attributes/events/links, and the trace list
// with its filters and paging.
#include "store/trace_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "example_traces.h"
#include "model/ids.h"
#include "store/sqlite_db.h"
#include "temp_dir.h"

namespace pipetrace {
namespace {

using examples::example_history;
using examples::example_run;
using examples::failing_pr_spec;
using examples::kMonday;
using examples::kSecond;

class TraceStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions options;
    options.data_dir = dir_.str();
    auto opened = TraceStore::open(options);
    ASSERT_TRUE(opened) << opened.error();
    store_ = std::move(*opened);
  }

  void put_all(const std::vector<SpanBatch>& batches) {
    for (const auto& b : batches) ASSERT_TRUE(store_->put(b)) << "put failed";
  }

  std::int64_t count(const char* table) {
    auto db = SqliteDb::open((dir_.path() / kStoreFileName).string());
    EXPECT_TRUE(db) << db.error();
    auto n = db->query_int(std::string("SELECT count(*) FROM ") + table);
    EXPECT_TRUE(n) << n.error();
    return n ? *n : -1;
  }

  std::vector<std::string> root_names(const TraceFilter& filter) {
    auto page = store_->list_traces(filter);
    EXPECT_TRUE(page) << page.error();
    std::vector<std::string> out;
    if (page) {
      for (const auto& t : page->traces) out.push_back(t.root_name + "@" + t.change_id);
    }
    return out;
  }

  testing::TempDir dir_;
  std::unique_ptr<TraceStore> store_;
};

TEST_F(TraceStoreTest, StoringTheSameSpansTwiceKeepsOneRowEach) {
  const SpanBatch batch = example_run(failing_pr_spec());
  ASSERT_EQ(batch.spans.size(), 16u);
  ASSERT_TRUE(store_->put(batch));
  ASSERT_TRUE(store_->put(batch));

  EXPECT_EQ(count("spans"), 16);
  EXPECT_EQ(count("traces"), 1);
  auto trace = store_->get_trace(batch.spans[0].trace_id.hex());
  ASSERT_TRUE(trace) << trace.error();
  ASSERT_TRUE(trace->has_value());
  EXPECT_EQ((*trace)->summary.span_count, 16);
  EXPECT_EQ((*trace)->spans.size(), 16u);
}

TEST_F(TraceStoreTest, SpansComeBackAsTheyWentIn) {
  SpanBatch batch = example_run(failing_pr_spec());
  // A link and typed attributes on one span, to cover every column.
  Span& test = batch.spans.back();
  SpanLink link;
  link.trace_id = derive_trace_id({"linked"});
  link.span_id = derive_span_id({"linked"});
  link.trace_state = "vendor=1";
  link.attributes = {{"pipetrace.link.kind", std::string("traceparent")}};
  test.links.push_back(link);
  test.attributes.push_back({"pipetrace.ratio", 0.25});
  test.attributes.push_back({"pipetrace.retried", true});
  ASSERT_TRUE(store_->put(batch));

  auto trace = store_->get_trace(test.trace_id.hex());
  ASSERT_TRUE(trace && trace->has_value());
  for (const Span& in : batch.spans) {
    auto it = std::find_if((*trace)->spans.begin(), (*trace)->spans.end(),
                           [&](const StoredSpan& s) { return s.span.span_id == in.span_id; });
    ASSERT_NE(it, (*trace)->spans.end()) << in.name;
    EXPECT_EQ(it->span, in) << in.name;
    EXPECT_EQ(it->resource, batch.resource);
    EXPECT_FALSE(it->in_progress);
  }
}

TEST_F(TraceStoreTest, FinishedSpanReplacesItsInProgressSnapshotButNotTheOtherWayRound) {
  auto running_spec = failing_pr_spec();
  running_spec.running = true;
  running_spec.test_seconds = 40;  // seen 40 s into the test step
  const SpanBatch running = example_run(running_spec);
  const SpanBatch finished = example_run(failing_pr_spec());
  const std::string id = finished.spans[0].trace_id.hex();

  ASSERT_TRUE(store_->put(running));
  auto before = store_->get_trace(id);
  ASSERT_TRUE(before && before->has_value());
  EXPECT_TRUE((*before)->summary.running());
  EXPECT_EQ((*before)->summary.in_progress_count, 5);  // job, run, task, pod, test step
  EXPECT_EQ((*before)->summary.result, "");  // no pipeline has reported a result yet

  ASSERT_TRUE(store_->put(finished));
  // A snapshot arriving late (a retried batch) must not undo the finished spans.
  ASSERT_TRUE(store_->put(running));

  auto after = store_->get_trace(id);
  ASSERT_TRUE(after && after->has_value());
  EXPECT_FALSE((*after)->summary.running());
  EXPECT_EQ((*after)->summary.result, "failure");
  EXPECT_EQ((*after)->summary.span_count, 16);
  const Span& test_in = examples::span_named(finished, "step test");
  for (const auto& s : (*after)->spans) {
    EXPECT_FALSE(s.in_progress) << s.span.name;
    if (s.span.name == "step test") {
      EXPECT_EQ(s.span.end, test_in.end);
      EXPECT_EQ(s.span.status, StatusCode::Error);
    }
  }
}

TEST_F(TraceStoreTest, SummaryNamesRootRepositoryWorstResultAndErrors) {
  const SpanBatch batch = example_run(failing_pr_spec());
  ASSERT_TRUE(store_->put(batch));
  auto trace = store_->get_trace(batch.spans[0].trace_id.hex());
  ASSERT_TRUE(trace && trace->has_value());
  const TraceSummary& s = (*trace)->summary;
  EXPECT_EQ(s.root_name, "pull_request.opened acme/web-app");
  EXPECT_EQ(s.repository, "https://github.com/acme/web-app");
  EXPECT_EQ(s.pipeline, "pr-build");
  EXPECT_EQ(s.run_id, "web-app-pr-42-pr-build-failing-pr-42");
  EXPECT_EQ(s.change_id, "42");
  EXPECT_EQ(s.commit, "6077d805b0fc49f65e6dbaefc2d1fc9b4f92aa4e");
  EXPECT_EQ(s.result, "failure");
  EXPECT_EQ(s.error_count, 4);  // job, PipelineRun, TaskRun, step test
  EXPECT_EQ(s.start, kMonday);
  EXPECT_EQ(s.duration(), 612 * kSecond);
}

TEST_F(TraceStoreTest, ListsNewestFirstWithFilters) {
  put_all(example_history());

  auto all = store_->list_traces({});
  ASSERT_TRUE(all) << all.error();
  EXPECT_EQ(all->total, 8);
  ASSERT_EQ(all->traces.size(), 8u);
  EXPECT_TRUE(std::is_sorted(all->traces.begin(), all->traces.end(),
                             [](const auto& a, const auto& b) { return a.start > b.start; }));
  EXPECT_EQ(all->traces.front().change_id, "7");  // the running one started last

  TraceFilter f;
  f.repository = "https://github.com/acme/api-server";
  EXPECT_EQ(root_names(f).size(), 3u);

  f = {};
  f.pipeline = "release";
  EXPECT_EQ(root_names(f), (std::vector<std::string>{"pull_request.opened acme/api-server@",
                                                     "pull_request.opened acme/api-server@"}));
  f = {};
  f.result = "failure";
  EXPECT_EQ(root_names(f), std::vector<std::string>{"pull_request.opened acme/web-app@42"});
  f = {};
  f.result = "running";
  EXPECT_EQ(root_names(f), std::vector<std::string>{"pull_request.opened acme/api-server@7"});
  f = {};
  f.change_id = "32";
  EXPECT_EQ(root_names(f), std::vector<std::string>{"pull_request.opened acme/web-app@32"});
  f = {};
  f.commit = "6077D805";  // a prefix, in any case
  EXPECT_EQ(root_names(f), std::vector<std::string>{"pull_request.opened acme/web-app@42"});
  f = {};
  f.text = "api-server";
  EXPECT_EQ(root_names(f).size(), 3u);
  f = {};
  f.text = "50%";  // wildcards in user text match literally
  EXPECT_TRUE(root_names(f).empty());
  // A pipeline filter also finds a trace by the name of a nested PipelineRun.
  f = {};
  f.pipeline = "web-app-pr-42-pr-build-failing-pr-42";
  EXPECT_EQ(root_names(f), std::vector<std::string>{"pull_request.opened acme/web-app@42"});
}

TEST_F(TraceStoreTest, FiltersByTimeAndPages) {
  put_all(example_history());
  TraceFilter f;
  f.since = kMonday - 60 * 60 * kSecond;  // the last hour: failing PR and the running one
  EXPECT_EQ(root_names(f), (std::vector<std::string>{"pull_request.opened acme/api-server@7",
                                                     "pull_request.opened acme/web-app@42"}));
  f = {};
  f.until = kMonday - 4 * 3600 * kSecond;  // only the first web-app run started before
  EXPECT_EQ(root_names(f), std::vector<std::string>{"pull_request.opened acme/web-app@30"});

  auto all = store_->list_traces({});
  ASSERT_TRUE(all);
  f = {};
  f.limit = 3;
  f.offset = 3;
  auto page = store_->list_traces(f);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 8);
  ASSERT_EQ(page->traces.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(page->traces[i].trace_id, all->traces[3 + i].trace_id);
}

TEST_F(TraceStoreTest, UnknownAndMalformedTraceIds) {
  put_all(example_history());
  auto missing = store_->get_trace(std::string(32, 'a'));
  ASSERT_TRUE(missing) << missing.error();
  EXPECT_FALSE(missing->has_value());
  auto bad = store_->get_trace("not-a-trace");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("not-a-trace"), std::string::npos);
}

TEST_F(TraceStoreTest, SpansWhoseParentArrivesLaterJoinTheTree) {
  // The tracer may deliver children first; the summary must settle on the
  // real root once it arrives.
  SpanBatch batch = example_run(failing_pr_spec());
  SpanBatch root_only{batch.resource, {batch.spans.front()}};
  SpanBatch rest{batch.resource, {batch.spans.begin() + 1, batch.spans.end()}};
  ASSERT_TRUE(store_->put(rest));
  auto early = store_->get_trace(batch.spans[0].trace_id.hex());
  ASSERT_TRUE(early && early->has_value());
  EXPECT_EQ((*early)->summary.root_name, "LighthouseJob pr-build");
  ASSERT_TRUE(store_->put(root_only));
  auto later = store_->get_trace(batch.spans[0].trace_id.hex());
  ASSERT_TRUE(later && later->has_value());
  EXPECT_EQ((*later)->summary.root_name, "pull_request.opened acme/web-app");
}

TEST(TraceStoreOpen, RefusesADatabaseFromANewerPipetrace) {
  testing::TempDir dir;
  {
    auto db = SqliteDb::open((dir.path() / kStoreFileName).string());
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->exec("PRAGMA user_version=99"));
  }
  StoreOptions options;
  options.data_dir = dir.str();
  auto store = TraceStore::open(options);
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().find("newer"), std::string::npos) << store.error();
}

TEST(TraceStoreOpen, NamesTheDirectoryItCannotCreate) {
  testing::TempDir dir;
  const auto file = dir.path() / "a-file";
  { std::ofstream(file) << "x"; }
  StoreOptions options;
  options.data_dir = (file / "store").string();
  auto store = TraceStore::open(options);
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().find(options.data_dir), std::string::npos) << store.error();
}

}  // namespace
}  // namespace pipetrace
