// Classification of exporter hosts for the plain-text rule (see the header).
#include "sinks/plain_text_policy.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>

namespace pipetrace {

namespace {

constexpr std::string_view kTopLevelDomains[] = {
#include "sinks/top_level_domains.inc"
};

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool is_dns_label(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(),
                     [](unsigned char c) { return std::isalnum(c) != 0 || c == '-'; });
}

bool all_digits(std::string_view label) {
  return std::all_of(label.begin(), label.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::vector<std::string_view> split_labels(std::string_view host) {
  std::vector<std::string_view> labels;
  std::size_t start = 0;
  while (true) {
    const auto dot = host.find('.', start);
    labels.push_back(host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) return labels;
    start = dot + 1;
  }
}

// IP literals: loopback only. Returns true when `host` is an IP literal at
// all, with the verdict in `allowed`.
bool classify_ip_literal(const std::string& host, bool& allowed) {
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    static const in6_addr loopback = IN6ADDR_LOOPBACK_INIT;
    const bool mapped_loopback = IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
    allowed = IN6_ARE_ADDR_EQUAL(&v6, &loopback) || mapped_loopback;
    return true;
  }
  // inet_aton, not inet_pton: resolvers read the legacy forms ("127.1",
  // "0x7f000001", "2130706433") too, so they must not pass as names.
  in_addr v4{};
  if (inet_aton(host.c_str(), &v4) != 0) {
    allowed = (ntohl(v4.s_addr) >> 24) == 127;
    return true;
  }
  return false;
}

}  // namespace

bool is_public_top_level_domain(std::string_view label) {
  if (label.starts_with("xn--")) return true;  // internationalized TLDs, which the list holds in Unicode
  return std::binary_search(std::begin(kTopLevelDomains), std::end(kTopLevelDomains), label);
}

bool plain_text_allowed_to(std::string_view raw_host) {
  std::string host(raw_host);
  std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return std::tolower(c); });
  if (!host.empty() && host.back() == '.') host.pop_back();
  if (host.empty()) return false;

  bool allowed = false;
  if (classify_ip_literal(host, allowed)) return allowed;
  if (host == "localhost") return true;

  const std::vector<std::string_view> labels = split_labels(host);
  if (!std::all_of(labels.begin(), labels.end(), is_dns_label)) return false;
  if (labels.size() >= 2 && (ends_with(host, ".svc") || ends_with(host, ".svc.cluster.local"))) return true;
  if (labels.size() == 1) return !all_digits(labels[0]);
  if (labels.size() == 2) return !all_digits(labels[1]) && !is_public_top_level_domain(labels[1]);
  return false;
}

}  // namespace pipetrace
