// YAML to JSON text, streamed from yaml-cpp's parser events: no node tree is
// built, mapping order is kept, and scalars are typed by the YAML 1.2 core
// schema, so unquoted timestamps stay strings (a YAML 1.1 loader would turn
// them into dates).
#include "sources/yaml_to_json.h"

#include <charconv>
#include <cstdio>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

namespace pipetrace {
namespace {

// Raised from inside the event handler; carries where the trouble began.
struct ConversionError : std::runtime_error {
  ConversionError(const YAML::Mark& where, const std::string& what) : std::runtime_error(what), mark(where) {}
  YAML::Mark mark;
};

std::string position(const YAML::Mark& mark) {
  if (mark.is_null()) return "YAML";
  return "line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1);
}

// Length of the well-formed UTF-8 sequence at text[i] (Unicode table 3-7:
// no overlongs, surrogates or code points past U+10FFFF), 0 when none is.
std::size_t utf8_sequence_at(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0u; };
  auto tail = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) { return byte(k) >= lo && byte(k) <= hi; };
  unsigned lead = byte(0);
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return tail(1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    bool second = lead == 0xE0 ? tail(1, 0xA0) : lead == 0xED ? tail(1, 0x80, 0x9F) : tail(1);
    return second && tail(2) ? 3 : 0;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    bool second = lead == 0xF0 ? tail(1, 0x90) : lead == 0xF4 ? tail(1, 0x80, 0x8F) : tail(1);
    return second && tail(2) && tail(3) ? 4 : 0;
  }
  return 0;
}

// JSON text must be UTF-8, and the extractors' parser refuses a whole
// document for one bad byte: each byte of an ill-formed sequence in a YAML
// scalar becomes U+FFFD instead, so the rest of the object is still read.
void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      std::size_t length = utf8_sequence_at(text, i);
      if (length == 0) {
        out += "\ufffd";
      } else {
        out.append(text.substr(i, length));
        i += length - 1;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_of(std::string_view text, bool (*pred)(char)) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!pred(c)) return false;
  }
  return true;
}

// JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_json_number(std::string_view text) {
  std::size_t i = 0;
  auto digits = [&] {
    std::size_t start = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    return i - start;
  };
  if (i < text.size() && text[i] == '-') ++i;
  if (i < text.size() && text[i] == '0') {
    ++i;
  } else if (digits() == 0) {
    return false;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == text.size();
}

std::string_view without_sign(std::string_view text) {
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) text.remove_prefix(1);
  return text;
}

// YAML 1.2 core: [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+. Returns false when
// the text is not an integer (or does not fit, for octal and hex).
bool append_integer(std::string& out, std::string_view text) {
  auto based = [&](std::string_view prefix, int base) {
    if (!text.starts_with(prefix) || text.size() == prefix.size()) return false;
    unsigned long long value = 0;
    auto [end, error] = std::from_chars(text.data() + prefix.size(), text.data() + text.size(), value, base);
    if (error != std::errc{} || end != text.data() + text.size()) return false;
    out += std::to_string(value);
    return true;
  };
  if (based("0o", 8) || based("0x", 16)) return true;
  std::string_view magnitude = without_sign(text);
  if (!all_of(magnitude, is_digit)) return false;
  if (is_json_number(text)) {
    out += text;
    return true;
  }
  // "+5", "007": YAML integers that JSON spells differently.
  while (magnitude.size() > 1 && magnitude[0] == '0') magnitude.remove_prefix(1);
  if (text[0] == '-') out += '-';
  out += magnitude;
  return true;
}

// YAML 1.2 core: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?.
// Infinities and NaN have no JSON form and stay strings.
bool append_float(std::string& out, std::string_view text) {
  std::string_view rest = without_sign(text);
  std::size_t i = 0;
  std::size_t int_digits = 0, frac_digits = 0;
  while (i < rest.size() && is_digit(rest[i])) ++i, ++int_digits;
  if (i < rest.size() && rest[i] == '.') {
    ++i;
    while (i < rest.size() && is_digit(rest[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < rest.size() && (rest[i] == 'e' || rest[i] == 'E')) {
    ++i;
    if (i < rest.size() && (rest[i] == '+' || rest[i] == '-')) ++i;
    std::size_t exp_digits = 0;
    while (i < rest.size() && is_digit(rest[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  if (i != rest.size()) return false;
  if (is_json_number(text)) {
    out += text;
    return true;
  }
  // ".5", "1.", "+1.5": valid YAML, not JSON; rewrite through a double.
  std::string digits(text[0] == '+' ? text.substr(1) : text);
  double value = std::strtod(digits.c_str(), nullptr);
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (error != std::errc{}) return false;
  out.append(buffer, end);
  return true;
}

void append_plain_scalar(std::string& out, const std::string& text) {
  if (text == "~" || text == "null" || text == "Null" || text == "NULL") {
    out += "null";
  } else if (text == "true" || text == "True" || text == "TRUE") {
    out += "true";
  } else if (text == "false" || text == "False" || text == "FALSE") {
    out += "false";
  } else if (!append_integer(out, text) && !append_float(out, text)) {
    append_json_string(out, text);
  }
}

void append_tagged_scalar(std::string& out, const std::string& tag, const std::string& text) {
  static const std::string kCore = "tag:yaml.org,2002:";
  if (tag == "?") {
    append_plain_scalar(out, text);
  } else if (tag == kCore + "null") {
    out += "null";
  } else if (tag == kCore + "bool" || tag == kCore + "int" || tag == kCore + "float") {
    append_plain_scalar(out, text);  // an !!int that is no integer stays text
  } else {
    // "!" (quoted scalars), !!str, !!timestamp and application tags.
    append_json_string(out, text);
  }
}

// Builds one JSON text per YAML document from the parser's events.
class JsonWriter : public YAML::EventHandler {
 public:
  explicit JsonWriter(std::size_t output_limit) : output_limit_(output_limit) {}

  std::vector<std::string> documents;

  void OnDocumentStart(const YAML::Mark& mark) override {
    // yaml-cpp 0.7 can report a document without consuming any input (a
    // stray ',' outside a flow collection): the next call would start the
    // same document again, forever.
    if (documents_started_ > 0 && mark.pos == last_document_pos_) {
      throw ConversionError(mark, "unexpected character where a document or node should start");
    }
    ++documents_started_;
    last_document_pos_ = mark.pos;
    out_.clear();
    frames_.clear();
    anchors_.clear();
    root_is_null_ = false;
  }

  void OnDocumentEnd() override {
    if (!out_.empty() && !root_is_null_) documents.push_back(std::move(out_));
    out_.clear();
  }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    bool key = begin_node(mark);
    if (frames_.empty() && out_.empty()) root_is_null_ = true;
    std::size_t start = out_.size();
    out_ += key ? "\"null\"" : "null";
    remember(anchor, start);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    bool key = begin_node(mark);
    auto found = anchors_.find(anchor);
    if (found == anchors_.end()) throw ConversionError(mark, "alias to an anchor that is not complete");
    const std::string& text = found->second;
    if (key && (text.empty() || text[0] != '"')) {
      append_json_string(out_, text);
    } else {
      out_ += text;
    }
    check_size(mark);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    bool key = begin_node(mark);
    std::size_t start = out_.size();
    if (key) {
      append_json_string(out_, value);  // JSON keys are strings, whatever the YAML type
    } else {
      append_tagged_scalar(out_, tag, value);
    }
    remember(anchor, start);
    check_size(mark);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor, false);
  }

  void OnSequenceEnd() override { close(']'); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor, true);
  }

  void OnMapEnd() override { close('}'); }

 private:
  struct Frame {
    bool is_map = false;
    bool is_key = false;  // a sequence or mapping used as a mapping key
    std::size_t children = 0;
    std::size_t start = 0;
    YAML::anchor_t anchor = 0;
  };

  // Writes the separator a new node needs; returns whether it is a mapping key.
  bool begin_node(const YAML::Mark& mark) {
    if (frames_.empty()) {
      if (!out_.empty()) throw ConversionError(mark, "more than one root node in a document");
      return false;
    }
    Frame& parent = frames_.back();
    bool key = false;
    if (parent.is_map) {
      key = parent.children % 2 == 0;
      if (key && parent.children > 0) out_ += ',';
      if (!key) out_ += ':';
    } else if (parent.children > 0) {
      out_ += ',';
    }
    ++parent.children;
    return key;
  }

  void open(const YAML::Mark& mark, YAML::anchor_t anchor, bool is_map) {
    bool key = begin_node(mark);
    frames_.push_back(Frame{is_map, key, 0, out_.size(), anchor});
    out_ += is_map ? '{' : '[';
  }

  void close(char bracket) {
    Frame frame = frames_.back();
    frames_.pop_back();
    out_ += bracket;
    remember(frame.anchor, frame.start);
    if (frame.is_key) {
      // JSON has no complex keys: the key becomes its JSON text, as a string.
      std::string text = out_.substr(frame.start);
      out_.resize(frame.start);
      append_json_string(out_, text);
    }
  }

  void remember(YAML::anchor_t anchor, std::size_t start) {
    if (anchor != 0) anchors_[anchor] = out_.substr(start);
  }

  // Aliases can multiply a small text into a huge one ("billion laughs").
  void check_size(const YAML::Mark& mark) {
    if (out_.size() > output_limit_) throw ConversionError(mark, "document expands beyond the size limit through aliases");
  }

  std::size_t output_limit_;
  std::string out_;
  std::vector<Frame> frames_;
  std::unordered_map<YAML::anchor_t, std::string> anchors_;
  bool root_is_null_ = false;
  std::size_t documents_started_ = 0;
  int last_document_pos_ = -1;
};

}  // namespace

YamlConversion yaml_to_json(std::string_view text) {
  YamlConversion result;
  std::istringstream stream{std::string(text)};
  JsonWriter writer(16 * text.size() + (1u << 20));
  try {
    YAML::Parser parser(stream);
    while (parser.HandleNextDocument(writer)) {
    }
  } catch (const YAML::Exception& e) {
    result.error = position(e.mark) + ": " + e.msg;
  } catch (const ConversionError& e) {
    result.error = position(e.mark) + ": " + e.what();
  }
  // Documents before a broken one are kept: callers may still use them.
  result.documents = std::move(writer.documents);
  return result;
}

}  // namespace pipetrace
