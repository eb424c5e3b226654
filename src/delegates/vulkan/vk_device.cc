#include "delegates/vulkan/vk_device.h"

#include <dlfcn.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "vk_shaders_spv.h"

namespace edgeml::vulkan {

#define EDGEML_VK_DEFINE(name) PFN_##name name = nullptr;
EDGEML_VK_DEFINE(vkCreateInstance)
EDGEML_VK_FUNCTIONS(EDGEML_VK_DEFINE)
#undef EDGEML_VK_DEFINE

const char* VkResultName(VkResult r) {
  switch (r) {
    case VK_SUCCESS:
      return "VK_SUCCESS";
    case VK_NOT_READY:
      return "VK_NOT_READY";
    case VK_TIMEOUT:
      return "VK_TIMEOUT";
    case VK_INCOMPLETE:
      return "VK_INCOMPLETE";
    case VK_ERROR_OUT_OF_HOST_MEMORY:
      return "VK_ERROR_OUT_OF_HOST_MEMORY";
    case VK_ERROR_OUT_OF_DEVICE_MEMORY:
      return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
    case VK_ERROR_INITIALIZATION_FAILED:
      return "VK_ERROR_INITIALIZATION_FAILED";
    case VK_ERROR_DEVICE_LOST:
      return "VK_ERROR_DEVICE_LOST";
    case VK_ERROR_MEMORY_MAP_FAILED:
      return "VK_ERROR_MEMORY_MAP_FAILED";
    case VK_ERROR_LAYER_NOT_PRESENT:
      return "VK_ERROR_LAYER_NOT_PRESENT";
    case VK_ERROR_EXTENSION_NOT_PRESENT:
      return "VK_ERROR_EXTENSION_NOT_PRESENT";
    case VK_ERROR_FEATURE_NOT_PRESENT:
      return "VK_ERROR_FEATURE_NOT_PRESENT";
    case VK_ERROR_INCOMPATIBLE_DRIVER:
      return "VK_ERROR_INCOMPATIBLE_DRIVER";
    case VK_ERROR_TOO_MANY_OBJECTS:
      return "VK_ERROR_TOO_MANY_OBJECTS";
    case VK_ERROR_OUT_OF_POOL_MEMORY:
      return "VK_ERROR_OUT_OF_POOL_MEMORY";
    default:
      return "VK_ERROR (other)";
  }
}

namespace {

Status VkError(const char* what, VkResult r) {
  return Errorf(StatusCode::kInternal, "vulkan: %s failed: %s", what, VkResultName(r));
}

#define VK_CHECK(what, call)                                        \
  do {                                                              \
    VkResult vk_result_ = (call);                                   \
    if (vk_result_ != VK_SUCCESS) return VkError(what, vk_result_); \
  } while (0)

const char* TypeName(VkPhysicalDeviceType t) {
  switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
      return "discrete GPU";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
      return "integrated GPU";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
      return "virtual GPU";
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
      return "CPU";
    default:
      return "other";
  }
}

// Lower is better: real GPUs first, a CPU implementation last.
int TypeRank(VkPhysicalDeviceType t) {
  switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
      return 0;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
      return 1;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
      return 2;
    case VK_PHYSICAL_DEVICE_TYPE_OTHER:
      return 3;
    default:
      return 4;
  }
}

Status NoDevice(const std::string& why) {
  return Status(StatusCode::kUnsupported, "vulkan: no Vulkan device (" + why + ")");
}

std::mutex g_device_mutex;
PFN_vkGetInstanceProcAddr g_get_proc = nullptr;

// Opens the loader once (kept open: the process-wide device lives on).
Status LoadLoader() {
  if (g_get_proc != nullptr) return Status::Ok();
  void* lib = dlopen("libvulkan.so.1", RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    return Status(StatusCode::kUnsupported,
                  "vulkan: no Vulkan device (the Vulkan loader libvulkan.so.1 is not installed)");
  }
  auto get = reinterpret_cast<PFN_vkGetInstanceProcAddr>(dlsym(lib, "vkGetInstanceProcAddr"));
  if (get == nullptr) {
    return Status(StatusCode::kUnsupported,
                  "vulkan: no Vulkan device (libvulkan.so.1 has no vkGetInstanceProcAddr)");
  }
  vkCreateInstance = reinterpret_cast<PFN_vkCreateInstance>(get(nullptr, "vkCreateInstance"));
  if (vkCreateInstance == nullptr) {
    return Status(StatusCode::kUnsupported, "vulkan: no Vulkan device (no vkCreateInstance)");
  }
  g_get_proc = get;
  return Status::Ok();
}

// The other functions, through the instance (device functions come back as
// the loader's dispatching trampolines).
Status LoadFunctions(VkInstance instance) {
#define EDGEML_VK_LOAD(name)                                                \
  name = reinterpret_cast<PFN_##name>(g_get_proc(instance, #name));         \
  if (name == nullptr) {                                                    \
    return Status(StatusCode::kUnsupported,                                 \
                  "vulkan: no Vulkan device (the loader lacks " #name ")"); \
  }
  EDGEML_VK_FUNCTIONS(EDGEML_VK_LOAD)
#undef EDGEML_VK_LOAD
  return Status::Ok();
}
// Created on first use and kept until the process exits, never destroyed:
// tearing a Vulkan instance down leaks inside some drivers (lavapipe), and
// at exit it could run after the driver's own static destructors.
std::shared_ptr<Device>* g_device = nullptr;

}  // namespace

Buffer::~Buffer() {
  if (!device_) return;
  VkDevice d = device_->device();
  if (mapped) vkUnmapMemory(d, memory);
  if (buffer != VK_NULL_HANDLE) vkDestroyBuffer(d, buffer, nullptr);
  if (memory != VK_NULL_HANDLE) vkFreeMemory(d, memory, nullptr);
}

Status Device::Get(std::shared_ptr<Device>* out) {
  std::lock_guard<std::mutex> lock(g_device_mutex);
  if (g_device == nullptr) {
    std::shared_ptr<Device> d(new Device());
    // A failed Init() is retried at the next Get (a driver may appear).
    EDGEML_RETURN_IF_ERROR(d->Init());
    g_device = new std::shared_ptr<Device>(std::move(d));
  }
  *out = *g_device;
  return Status::Ok();
}

Status Device::Init() {
  EDGEML_RETURN_IF_ERROR(LoadLoader());
  VkApplicationInfo app{};
  app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
  app.pApplicationName = "edgeml";
  app.pEngineName = "edgeml";
  app.apiVersion = VK_API_VERSION_1_1;
  VkInstanceCreateInfo ici{};
  ici.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
  ici.pApplicationInfo = &app;
  VkResult r = vkCreateInstance(&ici, nullptr, &instance_);
  if (r != VK_SUCCESS) {
    instance_ = VK_NULL_HANDLE;
    return NoDevice(std::string("vkCreateInstance: ") + VkResultName(r) +
                    "; is a Vulkan driver installed, e.g. mesa-vulkan-drivers?");
  }
  EDGEML_RETURN_IF_ERROR(LoadFunctions(instance_));
  uint32_t count = 0;
  vkEnumeratePhysicalDevices(instance_, &count, nullptr);
  if (count == 0) return NoDevice("the loader found no physical device");
  std::vector<VkPhysicalDevice> devices(count);
  vkEnumeratePhysicalDevices(instance_, &count, devices.data());

  int chosen = -1;
  if (const char* env = std::getenv("EDGEML_VULKAN_DEVICE"); env && *env) {
    char* end = nullptr;
    long v = std::strtol(env, &end, 10);
    if (*end != '\0' || v < 0 || v >= static_cast<long>(count)) {
      return Errorf(StatusCode::kInvalidArgument,
                    "vulkan: EDGEML_VULKAN_DEVICE=%s is not a device index in [0, %u)", env, count);
    }
    chosen = static_cast<int>(v);
  }
  int best_rank = 1 << 30;
  for (uint32_t i = 0; i < count && chosen < 0; ++i) {
    VkPhysicalDeviceProperties p;
    vkGetPhysicalDeviceProperties(devices[i], &p);
    if (p.apiVersion < VK_API_VERSION_1_1) continue;
    if (TypeRank(p.deviceType) < best_rank) best_rank = TypeRank(p.deviceType);
  }
  for (uint32_t i = 0; i < count && chosen < 0; ++i) {
    VkPhysicalDeviceProperties p;
    vkGetPhysicalDeviceProperties(devices[i], &p);
    if (p.apiVersion >= VK_API_VERSION_1_1 && TypeRank(p.deviceType) == best_rank) chosen = i;
  }
  if (chosen < 0) return NoDevice("no device supports Vulkan 1.1");
  physical_ = devices[chosen];

  VkPhysicalDeviceProperties props;
  vkGetPhysicalDeviceProperties(physical_, &props);
  info_.name = props.deviceName;
  info_.type = TypeName(props.deviceType);
  info_.api_version = props.apiVersion;
  info_.is_cpu = props.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU;
  info_.max_buffer_bytes = props.limits.maxStorageBufferRange;
  vkGetPhysicalDeviceMemoryProperties(physical_, &memory_props_);

  VkPhysicalDevice16BitStorageFeatures storage16{};
  storage16.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES;
  VkPhysicalDeviceFeatures2 features2{};
  features2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
  features2.pNext = &storage16;
  vkGetPhysicalDeviceFeatures2(physical_, &features2);
  info_.fp16_storage = storage16.storageBuffer16BitAccess == VK_TRUE;

  uint32_t qcount = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(physical_, &qcount, nullptr);
  std::vector<VkQueueFamilyProperties> families(qcount);
  vkGetPhysicalDeviceQueueFamilyProperties(physical_, &qcount, families.data());
  int family = -1;
  for (uint32_t i = 0; i < qcount; ++i) {
    if (families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) {
      family = static_cast<int>(i);
      break;
    }
  }
  if (family < 0) return NoDevice(info_.name + " has no compute queue");
  queue_family_ = static_cast<uint32_t>(family);

  float priority = 1.0f;
  VkDeviceQueueCreateInfo qci{};
  qci.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO;
  qci.queueFamilyIndex = queue_family_;
  qci.queueCount = 1;
  qci.pQueuePriorities = &priority;
  VkPhysicalDevice16BitStorageFeatures enable16{};
  enable16.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES;
  enable16.storageBuffer16BitAccess = info_.fp16_storage ? VK_TRUE : VK_FALSE;
  VkDeviceCreateInfo dci{};
  dci.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO;
  dci.pNext = &enable16;
  dci.queueCreateInfoCount = 1;
  dci.pQueueCreateInfos = &qci;
  VK_CHECK("vkCreateDevice", vkCreateDevice(physical_, &dci, nullptr, &device_));
  vkGetDeviceQueue(device_, queue_family_, 0, &queue_);

  VkFenceCreateInfo fci{};
  fci.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
  VK_CHECK("vkCreateFence", vkCreateFence(device_, &fci, nullptr, &fence_));

  VkDescriptorSetLayoutBinding bindings[kBindings];
  for (uint32_t i = 0; i < kBindings; ++i) {
    bindings[i] = {};
    bindings[i].binding = i;
    bindings[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    bindings[i].descriptorCount = 1;
    bindings[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
  }
  VkDescriptorSetLayoutCreateInfo dslci{};
  dslci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
  dslci.bindingCount = kBindings;
  dslci.pBindings = bindings;
  VK_CHECK("vkCreateDescriptorSetLayout",
           vkCreateDescriptorSetLayout(device_, &dslci, nullptr, &set_layout_));
  VkPushConstantRange range{};
  range.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
  range.size = kPushConstantWords * 4;
  VkPipelineLayoutCreateInfo plci{};
  plci.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO;
  plci.setLayoutCount = 1;
  plci.pSetLayouts = &set_layout_;
  plci.pushConstantRangeCount = 1;
  plci.pPushConstantRanges = &range;
  VK_CHECK("vkCreatePipelineLayout",
           vkCreatePipelineLayout(device_, &plci, nullptr, &pipeline_layout_));
  return Status::Ok();
}

Device::~Device() {
  if (device_ != VK_NULL_HANDLE) {
    vkDeviceWaitIdle(device_);
    for (auto& [name, p] : pipelines_) vkDestroyPipeline(device_, p, nullptr);
    for (auto& [name, m] : modules_) vkDestroyShaderModule(device_, m, nullptr);
    if (pipeline_layout_) vkDestroyPipelineLayout(device_, pipeline_layout_, nullptr);
    if (set_layout_) vkDestroyDescriptorSetLayout(device_, set_layout_, nullptr);
    if (fence_) vkDestroyFence(device_, fence_, nullptr);
    vkDestroyDevice(device_, nullptr);
  }
  if (instance_ != VK_NULL_HANDLE && vkDestroyInstance) vkDestroyInstance(instance_, nullptr);
}

int Device::FindMemoryType(uint32_t type_bits, VkMemoryPropertyFlags required,
                           VkMemoryPropertyFlags preferred) const {
  int fallback = -1;
  for (uint32_t i = 0; i < memory_props_.memoryTypeCount; ++i) {
    if (!(type_bits & (1u << i))) continue;
    VkMemoryPropertyFlags f = memory_props_.memoryTypes[i].propertyFlags;
    if ((f & required) != required) continue;
    if ((f & preferred) == preferred) return static_cast<int>(i);
    if (fallback < 0) fallback = static_cast<int>(i);
  }
  return fallback;
}

Status Device::CreateBuffer(size_t bytes, MemoryUse use, std::unique_ptr<Buffer>* out) {
  auto b = std::make_unique<Buffer>();
  b->device_ = shared_from_this();
  b->size = (bytes + 15) / 16 * 16;
  if (b->size == 0) b->size = 16;
  VkBufferCreateInfo bci{};
  bci.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
  bci.size = b->size;
  bci.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
              VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  bci.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  VK_CHECK("vkCreateBuffer", vkCreateBuffer(device_, &bci, nullptr, &b->buffer));
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(device_, b->buffer, &req);
  const VkMemoryPropertyFlags host =
      VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  int type = -1;
  switch (use) {
    case MemoryUse::kDevice:
      type = FindMemoryType(req.memoryTypeBits, 0, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
      break;
    case MemoryUse::kHost:
      type = FindMemoryType(req.memoryTypeBits, host, VK_MEMORY_PROPERTY_HOST_CACHED_BIT);
      break;
    case MemoryUse::kUpload:
      type = FindMemoryType(req.memoryTypeBits, host | VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0);
      if (type < 0) {
        type = FindMemoryType(req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0);
      }
      if (type < 0) type = FindMemoryType(req.memoryTypeBits, host, 0);
      break;
  }
  if (type < 0) {
    return Errorf(StatusCode::kInternal, "vulkan: no memory type for a %zu-byte buffer", bytes);
  }
  VkMemoryAllocateInfo mai{};
  mai.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
  mai.allocationSize = req.size;
  mai.memoryTypeIndex = static_cast<uint32_t>(type);
  VkResult r = vkAllocateMemory(device_, &mai, nullptr, &b->memory);
  if (r != VK_SUCCESS) {
    return Errorf(StatusCode::kResourceExhausted, "vulkan: allocating %llu bytes failed: %s",
                  static_cast<unsigned long long>(req.size), VkResultName(r));
  }
  VK_CHECK("vkBindBufferMemory", vkBindBufferMemory(device_, b->buffer, b->memory, 0));
  if ((memory_props_.memoryTypes[type].propertyFlags & host) == host) {
    VK_CHECK("vkMapMemory", vkMapMemory(device_, b->memory, 0, VK_WHOLE_SIZE, 0, &b->mapped));
  }
  *out = std::move(b);
  return Status::Ok();
}

Status Device::GetPipeline(const std::string& name, bool fp16_storage, bool round16,
                           VkPipeline* out) {
  std::lock_guard<std::mutex> lock(pipeline_mutex_);
  const std::string module_name = name + (fp16_storage ? "_fp1" : "_fp0");
  const std::string key = module_name + (round16 ? "_r16" : "");
  if (auto it = pipelines_.find(key); it != pipelines_.end()) {
    *out = it->second;
    return Status::Ok();
  }
  VkShaderModule module = VK_NULL_HANDLE;
  if (auto it = modules_.find(module_name); it != modules_.end()) {
    module = it->second;
  } else {
    const spirv::Module* found = nullptr;
    for (const spirv::Module& m : spirv::kModules) {
      if (module_name == m.name) found = &m;
    }
    if (!found) {
      return Errorf(StatusCode::kInternal, "vulkan: no embedded shader '%s'", module_name.c_str());
    }
    VkShaderModuleCreateInfo smci{};
    smci.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO;
    smci.codeSize = found->count * 4;
    smci.pCode = found->words;
    VK_CHECK("vkCreateShaderModule", vkCreateShaderModule(device_, &smci, nullptr, &module));
    modules_[module_name] = module;
  }
  const int32_t round_value = round16 ? 1 : 0;
  VkSpecializationMapEntry entry{0, 0, sizeof(int32_t)};
  VkSpecializationInfo spec{1, &entry, sizeof(int32_t), &round_value};
  VkComputePipelineCreateInfo cpci{};
  cpci.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO;
  cpci.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  cpci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  cpci.stage.module = module;
  cpci.stage.pName = "main";
  cpci.stage.pSpecializationInfo = &spec;
  cpci.layout = pipeline_layout_;
  VkPipeline pipeline = VK_NULL_HANDLE;
  VK_CHECK("vkCreateComputePipelines",
           vkCreateComputePipelines(device_, VK_NULL_HANDLE, 1, &cpci, nullptr, &pipeline));
  pipelines_[key] = pipeline;
  *out = pipeline;
  return Status::Ok();
}

Status Device::Submit(VkCommandBuffer cmd) {
  std::lock_guard<std::mutex> lock(queue_mutex_);
  VkSubmitInfo si{};
  si.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
  si.commandBufferCount = 1;
  si.pCommandBuffers = &cmd;
  VK_CHECK("vkQueueSubmit", vkQueueSubmit(queue_, 1, &si, fence_));
  VkResult r = vkWaitForFences(device_, 1, &fence_, VK_TRUE, UINT64_MAX);
  vkResetFences(device_, 1, &fence_);
  if (r != VK_SUCCESS) return VkError("vkWaitForFences", r);
  return Status::Ok();
}

}  // namespace edgeml::vulkan
