#include "tests/tools/tools_test_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "tools/demo_year.h"

namespace vigie::tools::testing {
namespace {

std::string Quote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

}  // namespace

TempDir::TempDir(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string templ = std::string(base && *base ? base : "/tmp") + "/" + prefix + "-XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

RunResult RunVigie(const std::vector<std::string>& args, const std::string& stdin_file) {
  static TempDir io("vigie-run");  // removed at exit
  static int runs = 0;
  const std::string out_path = io / ("out-" + std::to_string(runs));
  const std::string err_path = io / ("err-" + std::to_string(runs++));
  std::string command = Quote(VIGIE_BINARY);
  for (const std::string& arg : args) command += " " + Quote(arg);
  command += " < " + Quote(stdin_file.empty() ? "/dev/null" : stdin_file);
  command += " > " + Quote(out_path) + " 2> " + Quote(err_path);
  const int status = std::system(command.c_str());
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = ReadFile(out_path);
  result.err = ReadFile(err_path);
  return result;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> ErrorLines(const std::string& err) {
  static const std::regex progress(R"(.*: [0-9]+% \([0-9]+/[0-9]+\))");  // tools/cli.cc, Progress
  std::vector<std::string> out;
  for (std::string& line : Lines(err)) {
    if (!std::regex_match(line, progress)) out.push_back(std::move(line));
  }
  return out;
}

bool DamageLargestTable(const std::string& store_dir) {
  std::filesystem::path largest;
  std::uintmax_t size = 0;
  for (const auto& entry : std::filesystem::directory_iterator(store_dir)) {
    if (entry.path().extension() == ".sst" && entry.file_size() > size) {
      size = entry.file_size();
      largest = entry.path();
    }
  }
  if (largest.empty()) return false;
  std::fstream file(largest, std::ios::in | std::ios::out | std::ios::binary);
  file.seekg(static_cast<std::streamoff>(size / 2));
  char c = 0;
  file.read(&c, 1);
  c = static_cast<char>(c ^ 0x20);
  file.seekp(static_cast<std::streamoff>(size / 2));
  file.write(&c, 1);
  return file.good();
}

namespace {

struct SharedDemo {
  TempDir dir{"vigie-demo-shared"};
  std::string data;
  std::string root;
  SharedDemo() {
    data = dir / "data";
    DemoOptions options;
    options.dir = data;
    auto result = LoadDemoYear(options);
    if (!result) throw std::runtime_error("demo load failed: " + result.error().message());
    root = result->root_hash;
  }
};

SharedDemo& Demo() {
  static SharedDemo demo;  // removed at exit
  return demo;
}

}  // namespace

const std::string& SharedDemoDir() { return Demo().data; }
const std::string& SharedDemoRoot() { return Demo().root; }

const std::vector<std::string>& PersonalStrings() {
  static const auto* strings = new std::vector<std::string>{
      "Pivert",  "Mésange", "Loriot",     "Bouvreuil",   "Fauvette",
      "Martinet", "Grive",  "Étourneau",  "Hirondelle",  "Rouge-gorge",
      "fictif",  "fictive", "Absences répétées depuis novembre", "consultation jeunes consommateurs"};
  return *strings;
}

}  // namespace vigie::tools::testing
