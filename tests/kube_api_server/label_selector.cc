// Selector parsing and matching (see label_selector.h).
#include "label_selector.h"

#include <algorithm>

namespace pipetrace::testing {
namespace {

std::string trim(std::string_view s) {
  std::size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  std::size_t e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

// Splits on commas that are not inside parentheses.
std::vector<std::string> split_terms(std::string_view text) {
  std::vector<std::string> terms;
  int depth = 0;
  std::string current;
  for (char c : text) {
    if (c == '(') depth++;
    if (c == ')') depth--;
    if (c == ',' && depth == 0) {
      terms.push_back(trim(current));
      current.clear();
    } else {
      current += c;
    }
  }
  terms.push_back(trim(current));
  return terms;
}

}  // namespace

std::optional<Selector> Selector::parse_labels(std::string_view text, std::string& error) {
  return parse(text, false, error);
}

std::optional<Selector> Selector::parse_fields(std::string_view text, std::string& error) {
  return parse(text, true, error);
}

std::optional<Selector> Selector::parse(std::string_view text, bool fields, std::string& error) {
  Selector selector;
  selector.fields_ = fields;
  if (trim(text).empty()) return selector;
  for (const auto& term : split_terms(text)) {
    if (term.empty()) {
      error = "empty term in selector '" + std::string(text) + "'";
      return std::nullopt;
    }
    Requirement r;
    std::size_t pos;
    if ((pos = term.find(" notin ")) != std::string::npos || (pos = term.find(" in ")) != std::string::npos) {
      bool notin = term.compare(pos, 7, " notin ") == 0;
      r.key = trim(term.substr(0, pos));
      r.op = notin ? Op::NotIn : Op::In;
      std::string rest = trim(term.substr(pos + (notin ? 7 : 4)));
      if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')') {
        error = "expected a (value, ...) list in '" + term + "'";
        return std::nullopt;
      }
      for (const auto& v : split_terms(rest.substr(1, rest.size() - 2))) r.values.push_back(v);
    } else if ((pos = term.find("!=")) != std::string::npos) {
      r.key = trim(term.substr(0, pos));
      r.op = Op::NotEquals;
      r.values = {trim(term.substr(pos + 2))};
    } else if ((pos = term.find("==")) != std::string::npos) {
      r.key = trim(term.substr(0, pos));
      r.op = Op::Equals;
      r.values = {trim(term.substr(pos + 2))};
    } else if ((pos = term.find('=')) != std::string::npos) {
      r.key = trim(term.substr(0, pos));
      r.op = Op::Equals;
      r.values = {trim(term.substr(pos + 1))};
    } else if (term.front() == '!') {
      r.key = trim(term.substr(1));
      r.op = Op::NotExists;
    } else {
      r.key = term;
      r.op = Op::Exists;
    }
    if (r.key.empty()) {
      error = "missing key in selector term '" + term + "'";
      return std::nullopt;
    }
    selector.requirements_.push_back(std::move(r));
  }
  return selector;
}

std::optional<std::string> Selector::value_of(const Json& object, const std::string& key) const {
  const Json* meta = object.contains("metadata") && object["metadata"].is_object() ? &object["metadata"] : nullptr;
  if (fields_) {
    if (!meta) return std::nullopt;
    if (key == "metadata.name") return meta->value("name", "");
    if (key == "metadata.namespace") return meta->value("namespace", "");
    return std::nullopt;
  }
  if (!meta || !meta->contains("labels") || !(*meta)["labels"].is_object()) return std::nullopt;
  const Json& labels = (*meta)["labels"];
  auto it = labels.find(key);
  if (it == labels.end()) return std::nullopt;
  return it->is_string() ? it->get<std::string>() : it->dump();
}

bool Selector::matches(const Json& object) const {
  for (const auto& r : requirements_) {
    auto value = value_of(object, r.key);
    bool in = value && std::find(r.values.begin(), r.values.end(), *value) != r.values.end();
    switch (r.op) {
      case Op::Exists:
        if (!value) return false;
        break;
      case Op::NotExists:
        if (value) return false;
        break;
      case Op::Equals:
      case Op::In:
        if (!in) return false;
        break;
      case Op::NotEquals:
      case Op::NotIn:
        if (in) return false;
        break;
    }
  }
  return true;
}

}  // namespace pipetrace::testing
