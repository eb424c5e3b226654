// What the CPU this process runs on can execute, read once from cpuid (x86)
// or the auxiliary vector (ARM64). Kernels are chosen from this at prepare.
#pragma once

#include <string>

namespace edgeml {

struct CpuFeatures {
  bool avx2 = false;        // with FMA3 and OS support for YMM state
  bool fma = false;
  bool avx512f = false;     // with OS support for ZMM state
  bool avx512bw = false;
  bool avx512vl = false;
  bool avx512vnni = false;
  bool avxvnni = false;
  bool neon = false;        // ARM64 Advanced SIMD
  bool neon_dotprod = false;

  std::string ToString() const;  // "avx2 fma avx512f ..." (empty: portable only)
};

// The running CPU's features. Setting EDGEML_CPU_FEATURES=portable (or a
// subset such as "avx2,fma") in the environment caps them, so every kernel
// variant can be exercised and compared on one machine.
const CpuFeatures& GetCpuFeatures();

// The hardware's features before any cap (for tests that iterate variants).
const CpuFeatures& GetHardwareCpuFeatures();

}  // namespace edgeml
