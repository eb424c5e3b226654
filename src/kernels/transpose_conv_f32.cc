#include "kernels/transpose_conv_f32.h"

#include "core/cpu_features.h"

#if defined(__x86_64__) || defined(__i386__)
#include "kernels/x86/transpose_conv_f32_x86.h"
#define EDGEML_TRANSPOSE_CONV_X86 1
#endif

namespace edgeml::fast {

void PrepareFastTransposeConvF32(const reference::ConvShape& s, const float* filter,
                                 const float* bias, FastTransposeConvF32* f) {
  f->rows = nullptr;
  int lanes = 0;
#ifdef EDGEML_TRANSPOSE_CONV_X86
  const CpuFeatures& cpu = GetCpuFeatures();
  if (cpu.avx512f) {
    lanes = x86::kAvx512Lanes;
    f->rows = x86::TransposeConvF32Avx512;
  } else if (cpu.avx2) {
    lanes = x86::kAvx2Lanes;
    f->rows = x86::TransposeConvF32Avx2;
  }
#endif
  if (f->rows == nullptr) return;
  f->filter.resize(PackedConvF32Size(s, lanes));
  f->bias.resize(static_cast<size_t>(RoundUpChannels(s.out_ch, lanes)));
  PackConvF32(s, lanes, filter, bias, f->filter.data(), f->bias.data());
}

}  // namespace edgeml::fast
