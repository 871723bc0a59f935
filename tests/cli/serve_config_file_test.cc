// `serve --config FILE.yaml` / PIPETRACE_CONFIG: YAML read with yaml-cpp
// through CLI11's config mechanism, precedence flags > file > environment >
// defaults, and errors that name the key and the file.
#include "cli/serve_config_file.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace pipetrace {
namespace {

// A stand-in for serve with one option of each shape serve has.
struct ServeLike {
  CLI::App app{"test"};
  CLI::App* serve = nullptr;
  std::string listen_addr = ":8080";
  std::string hmac_key;
  int read_timeout = 30;
  std::size_t queue_size = 10000;
  std::vector<std::string> namespaces;
  bool no_store = false;
  bool no_annotate = false;

  ServeLike() {
    serve = app.add_subcommand("serve");
    serve->add_option("--listen-addr", listen_addr);
    serve->add_option("--lighthouse-hmac-key", hmac_key)->envname("PIPETRACE_TEST_HMAC_KEY");
    serve->add_option("--read-timeout", read_timeout)->check(CLI::Range(1, 600));
    serve->add_option("--queue-size", queue_size);
    serve->add_option("--namespace", namespaces);
    serve->add_flag("--no-store", no_store);
    serve->add_flag("--no-annotate", no_annotate);
    add_serve_config_file(app, *serve);
  }
  // Empty when the command line parsed, else CLI11's message.
  std::string parse(const std::string& line) {
    try {
      app.parse(line);
      return "";
    } catch (const CLI::ParseError& e) {
      return e.what();
    }
  }
};

class ServeConfigFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("serve_config_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    ::unsetenv("PIPETRACE_CONFIG");
    ::unsetenv("PIPETRACE_TEST_HMAC_KEY");
  }
  void TearDown() override {
    ::unsetenv("PIPETRACE_CONFIG");
    ::unsetenv("PIPETRACE_TEST_HMAC_KEY");
    std::filesystem::remove_all(dir_);
  }
  std::string write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(ServeConfigFile, KeysAreTheLongFlagNames) {
  std::string file = write("serve.yaml",
                           "listen-addr: \":9090\"\nnamespace: [jx, tekton-pipelines]\nno-store: true\n"
                           "no-annotate: false\nread-timeout: 45\n");
  ServeLike cli;
  ASSERT_EQ(cli.parse("serve --config " + file), "");
  EXPECT_EQ(cli.listen_addr, ":9090");
  EXPECT_EQ(cli.namespaces, (std::vector<std::string>{"jx", "tekton-pipelines"}));
  EXPECT_TRUE(cli.no_store);
  EXPECT_FALSE(cli.no_annotate);
  EXPECT_EQ(cli.read_timeout, 45);
  // A single value for a repeatable flag is a list of one.
  ServeLike one;
  ASSERT_EQ(one.parse("serve --config " + write("one.yaml", "namespace: jx\n")), "");
  EXPECT_EQ(one.namespaces, std::vector<std::string>{"jx"});
}

TEST_F(ServeConfigFile, FlagsWinOverTheFileWhichWinsOverTheEnvironment) {
  std::string file = write("serve.yaml", "listen-addr: \":9090\"\nlighthouse-hmac-key: from-file\n");
  ::setenv("PIPETRACE_TEST_HMAC_KEY", "from-env", 1);
  ServeLike cli;
  ASSERT_EQ(cli.parse("serve --listen-addr :7070 --config " + file), "");
  EXPECT_EQ(cli.listen_addr, ":7070");
  EXPECT_EQ(cli.hmac_key, "from-file");

  ServeLike flag_after;
  ASSERT_EQ(flag_after.parse("serve --config " + file + " --lighthouse-hmac-key from-flag"), "");
  EXPECT_EQ(flag_after.hmac_key, "from-flag");

  // What the file does not set still comes from the environment.
  ServeLike without;
  ASSERT_EQ(without.parse("serve --config " + write("other.yaml", "listen-addr: \":1\"\n")), "");
  EXPECT_EQ(without.hmac_key, "from-env");
}

TEST_F(ServeConfigFile, PipetraceConfigNamesTheFileAndConfigReplacesIt) {
  ::setenv("PIPETRACE_CONFIG", write("env.yaml", "listen-addr: \":1111\"\nread-timeout: 5\n").c_str(), 1);
  ServeLike from_env;
  ASSERT_EQ(from_env.parse("serve"), "");
  EXPECT_EQ(from_env.listen_addr, ":1111");
  EXPECT_EQ(from_env.read_timeout, 5);

  ServeLike replaced;
  ASSERT_EQ(replaced.parse("serve --config " + write("flag.yaml", "listen-addr: \":2222\"\n")), "");
  EXPECT_EQ(replaced.listen_addr, ":2222");
  EXPECT_EQ(replaced.read_timeout, 30) << "settings of the PIPETRACE_CONFIG file do not leak in";
}

TEST_F(ServeConfigFile, UnknownKeysAreErrorsNamingKeyAndFile) {
  std::string file = write("typo.yaml", "listen-addr: \":1\"\nlisten-adress: \":2\"\n");
  ServeLike cli;
  std::string error = cli.parse("serve --config " + file);
  EXPECT_NE(error.find("listen-adress"), std::string::npos) << error;
  EXPECT_NE(error.find(file), std::string::npos) << error;
  EXPECT_NE(error.find("line 2"), std::string::npos) << error;

  ServeLike dashed;
  error = dashed.parse("serve --config " + write("dashes.yaml", "--listen-addr: \":1\"\n"));
  EXPECT_NE(error.find("without"), std::string::npos) << error;
}

TEST_F(ServeConfigFile, WrongTypesAreClearErrors) {
  struct Case {
    std::string yaml;
    std::string says;
  };
  for (const Case& c : std::vector<Case>{{"read-timeout: soon\n", "whole number"},
                                          {"queue-size: -5\n", "0 or more"},
                                          {"listen-addr: [\":1\", \":2\"]\n", "one value"},
                                          {"namespace: {a: b}\n", "map"},
                                          {"no-store: maybe\n", "true or false"},
                                          {"listen-addr:\n", "no value"},
                                          {"- listen-addr\n", "map of settings"},
                                          {"listen-addr: [unclosed\n", "not valid YAML"}}) {
    ServeLike cli;
    std::string file = write("bad.yaml", c.yaml);
    std::string error = cli.parse("serve --config " + file);
    EXPECT_NE(error.find(c.says), std::string::npos) << c.yaml << " -> " << error;
    EXPECT_NE(error.find(file), std::string::npos) << c.yaml << " -> " << error;
  }
  // In range and of the right type, CLI11's own checks still apply.
  ServeLike range;
  EXPECT_NE(range.parse("serve --config " + write("range.yaml", "read-timeout: 0\n")), "");
}

TEST_F(ServeConfigFile, AMissingFileIsAnError) {
  ServeLike cli;
  std::string error = cli.parse("serve --config " + (dir_ / "absent.yaml").string());
  EXPECT_NE(error.find("absent.yaml"), std::string::npos) << error;
}

TEST_F(ServeConfigFile, AnEmptyFileSetsNothing) {
  ServeLike cli;
  ASSERT_EQ(cli.parse("serve --config " + write("empty.yaml", "# nothing yet\n")), "");
  EXPECT_EQ(cli.listen_addr, ":8080");
}

}  // namespace
}  // namespace pipetrace
