// docs/configuration.md is generated from the code (`pipetrace docs
// configuration`, written by scripts/gen-config-doc): it must equal what the
// binary prints now, and list every option `pipetrace serve --help` shows.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

#include "deploy_test_support.h"

namespace pipetrace::deploy_test {
namespace {

const std::filesystem::path kDoc = source_path("docs/configuration.md");

ProcessResult pipetrace(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {PIPETRACE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, scratch_dir("configuration-doc"));
}

// Every long or short option named in a --help text ("-o,--output TEXT ...").
std::set<std::string> options_in_help(const std::string& help) {
  std::set<std::string> options;
  std::istringstream lines(help);
  static const std::regex option(R"((?:^|[\s,])(--?[A-Za-z0-9][A-Za-z0-9-]*))");
  for (std::string line; std::getline(lines, line);) {
    // Option lines start with blanks then a dash; descriptions that mention
    // other flags are on the same line, after the names, and name real flags too.
    auto first = line.find_first_not_of(' ');
    if (first == std::string::npos || line[first] != '-') continue;
    std::string names = line.substr(first, line.find_first_of(' ', first) - first);
    for (std::sregex_iterator it(names.begin(), names.end(), option), end; it != end; ++it) options.insert((*it)[1]);
  }
  return options;
}

TEST(ConfigurationDocTest, CommittedDocEqualsTheGeneratedOne) {
  ProcessResult generated = pipetrace({"docs", "configuration"});
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  ASSERT_TRUE(std::filesystem::exists(kDoc)) << kDoc;
  EXPECT_EQ(read_text(kDoc), generated.out)
      << "docs/configuration.md is out of date: run scripts/gen-config-doc and commit the result";
}

TEST(ConfigurationDocTest, EveryServeOptionOfTheHelpIsInTheDoc) {
  ProcessResult help = pipetrace({"serve", "--help"});
  ASSERT_EQ(help.exit_code, 0) << help.err;
  std::set<std::string> options = options_in_help(help.out);
  options.erase("-h");
  options.erase("--help");
  // The flags every deployment uses; if the parsing above found none of
  // them, it is broken rather than the doc complete.
  for (const char* known : {"--listen-addr", "--data-dir", "--lighthouse-hmac-key", "-o", "--output"})
    EXPECT_TRUE(options.contains(known)) << known << " not found in serve --help:\n" << help.out;
  const std::string doc = read_text(kDoc);
  for (const auto& option : options)
    EXPECT_NE(doc.find("`" + option + "`"), std::string::npos) << option << " is missing from docs/configuration.md";
}

TEST(ConfigurationDocTest, EnvironmentVariablesOfTheHelpAreInTheDoc) {
  ProcessResult help = pipetrace({"serve", "--help"});
  ASSERT_EQ(help.exit_code, 0) << help.err;
  // CLI11 prints an option's variable as "(Env:NAME)".
  static const std::regex env(R"(\(Env:([A-Z0-9_]+)\))");
  const std::string doc = read_text(kDoc);
  std::size_t seen = 0;
  for (std::sregex_iterator it(help.out.begin(), help.out.end(), env), end; it != end; ++it, ++seen)
    EXPECT_NE(doc.find("`" + (*it)[1].str() + "`"), std::string::npos) << (*it)[1] << " is missing from the doc";
  EXPECT_GE(seen, 1u) << "no (Env:...) in serve --help:\n" << help.out;
}

TEST(ConfigurationDocTest, DocsSubcommandIsHiddenFromHelp) {
  ProcessResult help = pipetrace({"--help"});
  ASSERT_EQ(help.exit_code, 0) << help.err;
  EXPECT_NE(help.out.find("serve"), std::string::npos) << help.out;
  EXPECT_EQ(help.out.find("docs"), std::string::npos) << help.out;
}

}  // namespace
}  // namespace pipetrace::deploy_test
