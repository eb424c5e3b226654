#include "core/cpu_features.h"

#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#endif

namespace edgeml {
namespace {

#if defined(__x86_64__) || defined(__i386__)
uint64_t ReadXcr0() {
  uint32_t eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<uint64_t>(edx) << 32) | eax;
}
#endif

CpuFeatures Detect() {
  CpuFeatures f;
#if defined(__x86_64__) || defined(__i386__)
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return f;
  const bool osxsave = c & (1u << 27);
  const bool fma = c & (1u << 12);
  const bool avx = c & (1u << 28);
  const uint64_t xcr0 = osxsave ? ReadXcr0() : 0;
  const bool ymm_state = (xcr0 & 0x6) == 0x6;
  const bool zmm_state = (xcr0 & 0xe6) == 0xe6;
  if (__get_cpuid_max(0, nullptr) < 7) return f;
  __cpuid_count(7, 0, a, b, c, d);
  f.fma = fma && avx && ymm_state;
  f.avx2 = f.fma && (b & (1u << 5));
  f.avx512f = f.avx2 && zmm_state && (b & (1u << 16));
  f.avx512bw = f.avx512f && (b & (1u << 30));
  f.avx512vl = f.avx512f && (b & (1u << 31));
  f.avx512vnni = f.avx512bw && (c & (1u << 11));
  unsigned a1, b1, c1, d1;
  __cpuid_count(7, 1, a1, b1, c1, d1);
  f.avxvnni = f.avx2 && (a1 & (1u << 4));
#elif defined(__aarch64__)
  f.neon = true;
#if defined(__linux__)
  const unsigned long hwcap = getauxval(AT_HWCAP);
  f.neon_dotprod = hwcap & (1ul << 20);  // HWCAP_ASIMDDP
#endif
#endif
  return f;
}

bool Listed(const char* list, const char* name) {
  const size_t n = std::strlen(name);
  for (const char* p = list; (p = std::strstr(p, name)) != nullptr; p += n) {
    const bool start = p == list || p[-1] == ',' || p[-1] == ' ';
    const bool end = p[n] == '\0' || p[n] == ',' || p[n] == ' ';
    if (start && end) return true;
  }
  return false;
}

CpuFeatures Capped(CpuFeatures f) {
  const char* cap = std::getenv("EDGEML_CPU_FEATURES");
  if (cap == nullptr || *cap == '\0') return f;
  auto keep = [cap](bool& flag, const char* name) { flag = flag && Listed(cap, name); };
  keep(f.avx2, "avx2");
  keep(f.fma, "fma");
  keep(f.avx512f, "avx512f");
  keep(f.avx512bw, "avx512bw");
  keep(f.avx512vl, "avx512vl");
  keep(f.avx512vnni, "avx512vnni");
  keep(f.avxvnni, "avxvnni");
  keep(f.neon, "neon");
  keep(f.neon_dotprod, "neon_dotprod");
  // Dependent features fall with what they build on.
  if (!f.avx2) f.avx512f = false;
  if (!f.avx512f) f.avx512bw = f.avx512vl = f.avx512vnni = false;
  return f;
}

}  // namespace

std::string CpuFeatures::ToString() const {
  std::string s;
  auto add = [&s](bool on, const char* name) {
    if (!on) return;
    if (!s.empty()) s += ' ';
    s += name;
  };
  add(avx2, "avx2");
  add(fma, "fma");
  add(avx512f, "avx512f");
  add(avx512bw, "avx512bw");
  add(avx512vl, "avx512vl");
  add(avx512vnni, "avx512vnni");
  add(avxvnni, "avxvnni");
  add(neon, "neon");
  add(neon_dotprod, "neon_dotprod");
  return s;
}

const CpuFeatures& GetHardwareCpuFeatures() {
  static const CpuFeatures features = Detect();
  return features;
}

const CpuFeatures& GetCpuFeatures() {
  static const CpuFeatures features = Capped(GetHardwareCpuFeatures());
  return features;
}

}  // namespace edgeml
