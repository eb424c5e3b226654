// cpuid-based detection agrees with what the kernel reports in /proc/cpuinfo.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/cpu_features.h"

namespace edgeml {
namespace {

TEST(CpuFeatures, AgreesWithProcCpuinfo) {
  std::ifstream f("/proc/cpuinfo");
  if (!f.good()) GTEST_SKIP() << "no /proc/cpuinfo on this system";
  std::string line, flags;
  while (std::getline(f, line)) {
    if (line.rfind("flags", 0) == 0 || line.rfind("Features", 0) == 0) {
      flags = " " + line.substr(line.find(':') + 1) + " ";
      break;
    }
  }
  ASSERT_FALSE(flags.empty());
  auto has = [&flags](const char* name) {
    return flags.find(std::string(" ") + name + " ") != std::string::npos;
  };
  const CpuFeatures& hw = GetHardwareCpuFeatures();
#if defined(__x86_64__)
  EXPECT_EQ(hw.avx2, has("avx2") && has("fma"));
  EXPECT_EQ(hw.avx512f, has("avx512f") && hw.avx2);
  EXPECT_EQ(hw.avx512bw, has("avx512bw") && hw.avx512f);
  EXPECT_EQ(hw.avx512vnni, has("avx512_vnni") && hw.avx512bw);
#elif defined(__aarch64__)
  EXPECT_TRUE(hw.neon);
  EXPECT_EQ(hw.neon_dotprod, has("asimddp"));
#endif
  // Without a cap in the environment, the effective features are the hardware's.
  if (std::getenv("EDGEML_CPU_FEATURES") == nullptr) {
    EXPECT_EQ(GetCpuFeatures().ToString(), hw.ToString());
  }
}

}  // namespace
}  // namespace edgeml
