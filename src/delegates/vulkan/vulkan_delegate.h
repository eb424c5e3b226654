// The Vulkan GPU delegate ("vulkan"): runs float32 partitions of a graph as
// Vulkan 1.1 compute shaders. See docs/vulkan.md.
//
// Options: precision=fp32 (default) | fp16. fp16 stores tensors and weights
// as float16 where the device has 16-bit storage buffers and rounds every
// stored value to float16 elsewhere; arithmetic is float32 in both modes.
// fp16_storage=auto (default) | off: off forces that emulated path.
//
// Creating the delegate fails with kUnsupported ("vulkan: no Vulkan device
// (...)") when there is no Vulkan loader, driver or device.
#pragma once

#include <memory>
#include <string>

#include "edgeml/delegate.h"

namespace edgeml::vulkan {

// The factory registered under "vulkan".
Status CreateVulkanDelegate(const DelegateOptions& options, std::shared_ptr<Delegate>* delegate);

// "llvmpipe (LLVM 15.0.6, 256 bits) (CPU, fp16 storage)" for the device the
// delegate would use, or the reason there is none.
Status DescribeVulkanDevice(std::string* description);

}  // namespace edgeml::vulkan
