// Reads the few fields the watcher needs from watch lines and list pages
// (simdjson on-demand: managedFields and the rest are skipped, not parsed).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "kube/object_versions.h"

namespace pipetrace::kube {

struct WatchEventHeader {
  std::string type;       // ADDED, MODIFIED, DELETED, BOOKMARK or ERROR
  ObjectIdentity object;  // metadata of the event's object
  // For ERROR events, whose object is a Status: its code (410 when the
  // resourceVersion expired), reason and message.
  int status_code = 0;
  std::string status_reason;
  std::string status_message;
};

struct ListPage {
  std::string resource_version;  // metadata.resourceVersion of the list
  std::string continue_token;    // metadata.continue; empty on the last page
  std::string list_kind;         // "PodList"
  std::size_t items = 0;
};

class WatchEventParser {
 public:
  WatchEventParser();
  ~WatchEventParser();

  // False (and `error` set) when the line is not a JSON object.
  bool parse_event(std::string_view line, WatchEventHeader& out, std::string& error);

  // `raw` is the item's JSON text exactly as in the body; `has_kind` tells
  // whether it carries "kind" (core-group list items usually do not).
  using ItemHandler = std::function<void(std::string_view raw, const ObjectIdentity& identity, bool has_kind)>;
  // Parses in place; `body` gets padding capacity added.
  bool parse_list(std::string& body, const ItemHandler& on_item, ListPage& page, std::string& error);

 private:
  struct Parsers;
  std::unique_ptr<Parsers> parsers_;
  std::string buffer_;
};

}  // namespace pipetrace::kube
