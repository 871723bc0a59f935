// The plain-text rule, host by host: loopback and in-cluster names pass,
// public names and non-loopback addresses need TLS.
#include <gtest/gtest.h>

#include "sinks/endpoint_url.h"
#include "sinks/plain_text_policy.h"

namespace pipetrace {
namespace {

struct HostCase {
  const char* host;
  bool allowed;
  const char* why;
};

constexpr HostCase kHosts[] = {
    {"127.0.0.1", true, "IPv4 loopback"},
    {"127.9.8.7", true, "all of 127.0.0.0/8 is loopback"},
    {"127.1", true, "short IPv4 form of 127.0.0.1"},
    {"2130706433", true, "decimal form of 127.0.0.1"},
    {"::1", true, "IPv6 loopback"},
    {"::ffff:127.0.0.1", true, "IPv4-mapped loopback"},
    {"localhost", true, "loopback name"},
    {"LOCALHOST.", true, "case and the root dot do not matter"},
    {"otel-collector", true, "Service in the same namespace"},
    {"tempo.observability", true, "name.namespace"},
    {"collector.jx", true, "jx is a namespace, not a TLD"},
    {"tempo.observability.svc", true, "*.svc"},
    {"tempo.observability.svc.cluster.local", true, "*.svc.cluster.local"},
    {"tempo.observability.svc.cluster.local.", true, "fully qualified"},
    {"10.0.0.12", false, "a pod or node address crosses the network"},
    {"192.168.1.10", false, "private but not loopback"},
    {"0x08080808", false, "hex form of 8.8.8.8"},
    {"8.8", false, "short form of 8.0.0.8"},
    {"::2", false, "not loopback"},
    {"::ffff:10.0.0.1", false, "mapped non-loopback"},
    {"collector.example.com", false, "public name"},
    {"collector.io", false, "io is a TLD"},
    {"tempo.ci", false, "ci is a TLD (write tempo.ci.svc)"},
    {"tempo.ci.svc", true, "explicit in-cluster suffix"},
    {"grafana.xn--p1ai", false, "internationalized TLD"},
    {"a.b.c", false, "three labels without a cluster suffix"},
    {"svc.cluster.local", false, "the suffix alone is not a service"},
    {"collector.svc.example.com", false, "svc in the middle does not count"},
    {"under_score", false, "not a DNS label"},
    {"-bad", false, "not a DNS label"},
    {"", false, "empty"},
};

TEST(PlainTextPolicy, FollowsTheDocumentedRule) {
  for (const HostCase& c : kHosts) {
    EXPECT_EQ(plain_text_allowed_to(c.host), c.allowed) << "'" << c.host << "': " << c.why;
  }
}

TEST(PlainTextPolicy, KnowsTheTopLevelDomains) {
  for (const char* tld : {"com", "org", "dev", "io", "cloud", "de", "uk", "zw"}) {
    EXPECT_TRUE(is_public_top_level_domain(tld)) << tld;
  }
  for (const char* namespace_name : {"jx", "observability", "monitoring", "tekton-pipelines", "svc", "local"}) {
    EXPECT_FALSE(is_public_top_level_domain(namespace_name)) << namespace_name;
  }
}

TEST(EndpointUrl, SplitsSchemeHostPortAndPath) {
  const EndpointUrl https = parse_endpoint_url("HTTPS://Collector.Example.com:4318/v1/traces");
  ASSERT_TRUE(https.ok()) << https.error;
  EXPECT_EQ(https.scheme, "https");
  EXPECT_EQ(https.host, "collector.example.com");
  EXPECT_EQ(https.port, "4318");
  EXPECT_EQ(https.path, "/v1/traces");

  const EndpointUrl bare = parse_endpoint_url("tempo.observability:4317");
  ASSERT_TRUE(bare.ok()) << bare.error;
  EXPECT_EQ(bare.scheme, "");
  EXPECT_EQ(bare.authority(), "tempo.observability:4317");
  EXPECT_FALSE(bare.has_explicit_path());

  const EndpointUrl v6 = parse_endpoint_url("http://[::1]:4318");
  ASSERT_TRUE(v6.ok()) << v6.error;
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.authority(), "[::1]:4318");

  EXPECT_FALSE(parse_endpoint_url("ftp://collector/").ok());
  EXPECT_FALSE(parse_endpoint_url("").ok());
  EXPECT_FALSE(parse_endpoint_url("http://").ok());
}

}  // namespace
}  // namespace pipetrace
