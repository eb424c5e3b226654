// The Vulkan device the delegate computes on: instance, physical device
// choice, logical device with one compute queue, buffers and the compute
// pipelines of the embedded shaders.
//
// One Device is shared by every graph of the process (Device::Get); it is
// created on first use and kept until the process exits. Device choice:
// EDGEML_VULKAN_DEVICE=<index> picks one by its index in vkEnumeratePhysicalDevices; otherwise a
// discrete GPU, then an integrated, virtual, other and finally a CPU implementation (lavapipe).
// Without a loader, driver or device, Get returns Unsupported with "no Vulkan device" in the
// message.
//
// Threading: Get, GetPipeline and Submit are thread-safe (the queue and the
// pipeline cache are guarded); buffers and command pools belong to one graph.
#pragma once

// The loader is opened at run time (dlopen libvulkan.so.1), so that programs
// linking edgeml start on machines without Vulkan; the functions used are
// pointers in this namespace, loaded by Device::Get().
#define VK_NO_PROTOTYPES
#include <vulkan/vulkan.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "edgeml/status.h"

namespace edgeml::vulkan {

// Every Vulkan function the delegate calls, besides vkCreateInstance (loaded
// first, from vkGetInstanceProcAddr).
#define EDGEML_VK_FUNCTIONS(X)                \
  X(vkAllocateCommandBuffers)                 \
  X(vkAllocateDescriptorSets)                 \
  X(vkAllocateMemory)                         \
  X(vkBeginCommandBuffer)                     \
  X(vkBindBufferMemory)                       \
  X(vkCmdBindDescriptorSets)                  \
  X(vkCmdBindPipeline)                        \
  X(vkCmdCopyBuffer)                          \
  X(vkCmdDispatch)                            \
  X(vkCmdPipelineBarrier)                     \
  X(vkCmdPushConstants)                       \
  X(vkCreateBuffer)                           \
  X(vkCreateCommandPool)                      \
  X(vkCreateComputePipelines)                 \
  X(vkCreateDescriptorPool)                   \
  X(vkCreateDescriptorSetLayout)              \
  X(vkCreateDevice)                           \
  X(vkCreateFence)                            \
  X(vkCreatePipelineLayout)                   \
  X(vkCreateShaderModule)                     \
  X(vkDestroyBuffer)                          \
  X(vkDestroyCommandPool)                     \
  X(vkDestroyDescriptorPool)                  \
  X(vkDestroyDescriptorSetLayout)             \
  X(vkDestroyDevice)                          \
  X(vkDestroyFence)                           \
  X(vkDestroyInstance)                        \
  X(vkDestroyPipeline)                        \
  X(vkDestroyPipelineLayout)                  \
  X(vkDestroyShaderModule)                    \
  X(vkDeviceWaitIdle)                         \
  X(vkEndCommandBuffer)                       \
  X(vkEnumeratePhysicalDevices)               \
  X(vkFreeMemory)                             \
  X(vkGetBufferMemoryRequirements)            \
  X(vkGetDeviceQueue)                         \
  X(vkGetPhysicalDeviceFeatures2)             \
  X(vkGetPhysicalDeviceMemoryProperties)      \
  X(vkGetPhysicalDeviceProperties)            \
  X(vkGetPhysicalDeviceQueueFamilyProperties) \
  X(vkMapMemory)                              \
  X(vkQueueSubmit)                            \
  X(vkResetCommandBuffer)                     \
  X(vkResetFences)                            \
  X(vkUnmapMemory)                            \
  X(vkUpdateDescriptorSets)                   \
  X(vkWaitForFences)

#define EDGEML_VK_DECLARE(name) extern PFN_##name name;
EDGEML_VK_DECLARE(vkCreateInstance)
EDGEML_VK_FUNCTIONS(EDGEML_VK_DECLARE)
#undef EDGEML_VK_DECLARE

// Where a buffer lives: kDevice for tensors only shaders touch, kHost for
// tensors the host writes or reads every invoke (partition edges), kUpload
// for constants written once (host-visible device memory when there is some,
// else device memory filled through a staging copy).
enum class MemoryUse { kDevice, kHost, kUpload };

class Device;

// A buffer and its memory. `mapped` is set for host-visible memory.
class Buffer {
 public:
  Buffer() = default;
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  VkDeviceSize size = 0;
  void* mapped = nullptr;

 private:
  friend class Device;
  std::shared_ptr<Device> device_;
};

struct DeviceInfo {
  std::string name;  // "llvmpipe (LLVM 15.0.6, 256 bits)", "NVIDIA H100 ..."
  std::string type;  // "discrete GPU", "integrated GPU", "CPU", ...
  uint32_t api_version = 0;
  bool is_cpu = false;            // a CPU implementation such as lavapipe
  bool fp16_storage = false;      // storageBuffer16BitAccess
  uint64_t max_buffer_bytes = 0;  // maxStorageBufferRange
};

class Device : public std::enable_shared_from_this<Device> {
 public:
  // The process-wide device, created on first use.
  static Status Get(std::shared_ptr<Device>* out);
  ~Device();

  const DeviceInfo& info() const { return info_; }
  VkDevice device() const { return device_; }
  uint32_t queue_family() const { return queue_family_; }
  VkDescriptorSetLayout set_layout() const { return set_layout_; }
  VkPipelineLayout pipeline_layout() const { return pipeline_layout_; }

  // A buffer of at least `bytes` (rounded up to 16; never 0) for `use`.
  Status CreateBuffer(size_t bytes, MemoryUse use, std::unique_ptr<Buffer>* out);

  // The compute pipeline of shader `name` ("conv2d"), in its fp16-storage or
  // fp32-storage variant, with results rounded to float16 when `round16`.
  // Cached; owned by the device.
  Status GetPipeline(const std::string& name, bool fp16_storage, bool round16, VkPipeline* out);

  // Submits `cmd` to the compute queue and waits for it to finish.
  Status Submit(VkCommandBuffer cmd);

  // Number of storage-buffer bindings of every shader (inputs 0-3, output 4).
  static constexpr uint32_t kBindings = 5;
  static constexpr uint32_t kPushConstantWords = 32;

 private:
  Device() = default;
  Status Init();
  int FindMemoryType(uint32_t type_bits, VkMemoryPropertyFlags required,
                     VkMemoryPropertyFlags preferred) const;

  DeviceInfo info_;
  VkInstance instance_ = VK_NULL_HANDLE;
  VkPhysicalDevice physical_ = VK_NULL_HANDLE;
  VkPhysicalDeviceMemoryProperties memory_props_{};
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  uint32_t queue_family_ = 0;
  VkFence fence_ = VK_NULL_HANDLE;
  VkDescriptorSetLayout set_layout_ = VK_NULL_HANDLE;
  VkPipelineLayout pipeline_layout_ = VK_NULL_HANDLE;
  std::mutex queue_mutex_;
  std::mutex pipeline_mutex_;
  std::map<std::string, VkShaderModule> modules_;
  std::map<std::string, VkPipeline> pipelines_;
};

// "VK_ERROR_OUT_OF_DEVICE_MEMORY", ... for messages.
const char* VkResultName(VkResult r);

}  // namespace edgeml::vulkan
