#include "delegates/vulkan/vk_graph.h"

#include <algorithm>
#include <cstring>

namespace edgeml::vulkan {

uint16_t FloatToHalf(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint32_t sign = (x >> 16) & 0x8000u;
  const uint32_t abs = x & 0x7fffffffu;
  if (abs >= 0x7f800000u) {  // inf or NaN
    return static_cast<uint16_t>(sign | 0x7c00u | (abs > 0x7f800000u ? 0x200u : 0u));
  }
  if (abs >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // rounds to inf
  if (abs < 0x38800000u) {                                               // subnormal half (or zero)
    if (abs < 0x33000000u) return static_cast<uint16_t>(sign);           // below half the smallest
    const uint32_t mant = (abs & 0x7fffffu) | 0x800000u;
    const int shift = 126 - static_cast<int>(abs >> 23);  // 14..24
    uint32_t h = mant >> shift;
    const uint32_t rem = mant & ((1u << shift) - 1);
    const uint32_t half = 1u << (shift - 1);
    if (rem > half || (rem == half && (h & 1u))) ++h;
    return static_cast<uint16_t>(sign | h);
  }
  uint32_t h = ((abs >> 13) - (112u << 10));
  const uint32_t rem = abs & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) ++h;
  return static_cast<uint16_t>(sign | h);
}

float HalfToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t mant = h & 0x3ffu;
  uint32_t x;
  if (exp == 0x1f) {
    x = sign | 0x7f800000u | (mant << 13);
  } else if (exp != 0) {
    x = sign | ((exp + 112u) << 23) | (mant << 13);
  } else if (mant == 0) {
    x = sign;
  } else {  // subnormal: normalize
    exp = 113;
    while (!(mant & 0x400u)) {
      mant <<= 1;
      --exp;
    }
    x = sign | (exp << 23) | ((mant & 0x3ffu) << 13);
  }
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}

struct Graph::Vk {
  std::shared_ptr<Device> device;
  std::vector<std::unique_ptr<Buffer>> buffers;  // one per tensor
  std::unique_ptr<Buffer> dummy;                 // for unused bindings
  VkDescriptorPool pool = VK_NULL_HANDLE;
  VkCommandPool cmd_pool = VK_NULL_HANDLE;
  VkCommandBuffer cmd = VK_NULL_HANDLE;

  ~Vk() {
    if (!device) return;
    VkDevice d = device->device();
    if (cmd_pool) vkDestroyCommandPool(d, cmd_pool, nullptr);
    if (pool) vkDestroyDescriptorPool(d, pool, nullptr);
  }
};

namespace {
Status VkFail(const char* what, VkResult r) {
  return Errorf(StatusCode::kInternal, "vulkan: %s failed: %s", what, VkResultName(r));
}
#define VK_CHECK(what, call)                                       \
  do {                                                             \
    VkResult vk_result_ = (call);                                  \
    if (vk_result_ != VK_SUCCESS) return VkFail(what, vk_result_); \
  } while (0)

void HostBarrier(VkCommandBuffer cmd, VkPipelineStageFlags src_stage, VkAccessFlags src,
                 VkPipelineStageFlags dst_stage, VkAccessFlags dst) {
  VkMemoryBarrier b{};
  b.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER;
  b.srcAccessMask = src;
  b.dstAccessMask = dst;
  vkCmdPipelineBarrier(cmd, src_stage, dst_stage, 0, 1, &b, 0, nullptr, 0, nullptr);
}
}  // namespace

Graph::Graph() = default;
Graph::~Graph() = default;

int Graph::AddTensor(const Shape& shape, const std::string& name) {
  GraphTensor t;
  t.shape = shape;
  t.elements = 1;
  for (int32_t d : shape) t.elements *= d;
  t.name = name;
  tensors_.push_back(std::move(t));
  return static_cast<int>(tensors_.size()) - 1;
}

int Graph::AddConstant(const Shape& shape, const float* data, const std::string& name) {
  int t = AddTensor(shape, name);
  tensors_[t].is_constant = true;
  if (data != nullptr) tensors_[t].constant.assign(data, data + tensors_[t].elements);
  return t;
}

Status Graph::Prepare(std::shared_ptr<Device> device, const GraphOptions& options) {
  vk_ = std::make_unique<Vk>();
  vk_->device = device;
  prepared_ = false;
  const VkDevice d = device->device();
  fp16_storage_ = options.fp16 && options.fp16_storage && device->info().fp16_storage;
  const bool round16 = options.fp16 && !fp16_storage_;
  const size_t elem = fp16_storage_ ? 2 : 4;

  // Buffers; constants uploaded once (through a staging buffer when the
  // device memory isn't host-visible).
  std::vector<std::unique_ptr<Buffer>> staging;
  std::vector<std::pair<int, int>> copies;  // (tensor, staging index)
  vk_->buffers.resize(tensors_.size());
  for (size_t i = 0; i < tensors_.size(); ++i) {
    GraphTensor& t = tensors_[i];
    const size_t bytes = static_cast<size_t>(t.elements) * elem;
    MemoryUse use = t.is_constant                 ? MemoryUse::kUpload
                    : (t.is_input || t.is_output) ? MemoryUse::kHost
                                                  : MemoryUse::kDevice;
    if (bytes > device->info().max_buffer_bytes) {
      return Errorf(StatusCode::kUnsupported,
                    "vulkan: tensor '%s' needs %zu bytes; the device's storage buffers hold %llu",
                    t.name.c_str(), bytes,
                    static_cast<unsigned long long>(device->info().max_buffer_bytes));
    }
    EDGEML_RETURN_IF_ERROR(device->CreateBuffer(bytes, use, &vk_->buffers[i]));
    if (!t.is_constant) continue;
    if (static_cast<int64_t>(t.constant.size()) != t.elements) {
      return Errorf(StatusCode::kInternal, "vulkan: constant '%s' has no data", t.name.c_str());
    }
    Buffer* target = vk_->buffers[i].get();
    if (!target->mapped) {
      staging.emplace_back();
      EDGEML_RETURN_IF_ERROR(device->CreateBuffer(bytes, MemoryUse::kHost, &staging.back()));
      copies.emplace_back(static_cast<int>(i), static_cast<int>(staging.size()) - 1);
      target = staging.back().get();
    }
    if (fp16_storage_) {
      uint16_t* dst = static_cast<uint16_t*>(target->mapped);
      for (int64_t k = 0; k < t.elements; ++k) dst[k] = FloatToHalf(t.constant[k]);
    } else {
      float* dst = static_cast<float*>(target->mapped);
      for (int64_t k = 0; k < t.elements; ++k) {
        dst[k] = round16 ? RoundToHalf(t.constant[k]) : t.constant[k];
      }
    }
    std::vector<float>().swap(t.constant);  // uploaded: the host copy goes
  }
  EDGEML_RETURN_IF_ERROR(device->CreateBuffer(16, MemoryUse::kDevice, &vk_->dummy));

  VkCommandPoolCreateInfo cpci{};
  cpci.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
  cpci.queueFamilyIndex = device->queue_family();
  VK_CHECK("vkCreateCommandPool", vkCreateCommandPool(d, &cpci, nullptr, &vk_->cmd_pool));
  VkCommandBufferAllocateInfo cbai{};
  cbai.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
  cbai.commandPool = vk_->cmd_pool;
  cbai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  cbai.commandBufferCount = 1;
  VK_CHECK("vkAllocateCommandBuffers", vkAllocateCommandBuffers(d, &cbai, &vk_->cmd));
  VkCommandBufferBeginInfo begin{};
  begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;

  if (!copies.empty()) {
    VK_CHECK("vkBeginCommandBuffer", vkBeginCommandBuffer(vk_->cmd, &begin));
    for (auto [t, s] : copies) {
      VkBufferCopy region{0, 0, staging[s]->size};
      vkCmdCopyBuffer(vk_->cmd, staging[s]->buffer, vk_->buffers[t]->buffer, 1, &region);
    }
    VK_CHECK("vkEndCommandBuffer", vkEndCommandBuffer(vk_->cmd));
    EDGEML_RETURN_IF_ERROR(device->Submit(vk_->cmd));
    VK_CHECK("vkResetCommandBuffer", vkResetCommandBuffer(vk_->cmd, 0));
  }

  // One descriptor set per dispatch.
  const uint32_t sets = static_cast<uint32_t>(std::max<size_t>(dispatches_.size(), 1));
  VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, sets * Device::kBindings};
  VkDescriptorPoolCreateInfo dpci{};
  dpci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
  dpci.maxSets = sets;
  dpci.poolSizeCount = 1;
  dpci.pPoolSizes = &size;
  VK_CHECK("vkCreateDescriptorPool", vkCreateDescriptorPool(d, &dpci, nullptr, &vk_->pool));

  VK_CHECK("vkBeginCommandBuffer", vkBeginCommandBuffer(vk_->cmd, &begin));
  HostBarrier(vk_->cmd, VK_PIPELINE_STAGE_HOST_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
              VK_ACCESS_HOST_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT,
              VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT);
  const VkDescriptorSetLayout layout = device->set_layout();
  for (const Dispatch& dp : dispatches_) {
    if (dp.invocations <= 0) continue;
    VkPipeline pipeline;
    EDGEML_RETURN_IF_ERROR(device->GetPipeline(dp.shader, fp16_storage_, round16, &pipeline));
    VkDescriptorSetAllocateInfo dsai{};
    dsai.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
    dsai.descriptorPool = vk_->pool;
    dsai.descriptorSetCount = 1;
    dsai.pSetLayouts = &layout;
    VkDescriptorSet set;
    VK_CHECK("vkAllocateDescriptorSets", vkAllocateDescriptorSets(d, &dsai, &set));
    VkDescriptorBufferInfo infos[Device::kBindings];
    VkWriteDescriptorSet writes[Device::kBindings];
    for (uint32_t b = 0; b < Device::kBindings; ++b) {
      const int t = b < 4 ? dp.inputs[b] : dp.output;
      const Buffer* buf = t >= 0 ? vk_->buffers[t].get() : vk_->dummy.get();
      infos[b] = {buf->buffer, 0, VK_WHOLE_SIZE};
      writes[b] = {};
      writes[b].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
      writes[b].dstSet = set;
      writes[b].dstBinding = b;
      writes[b].descriptorCount = 1;
      writes[b].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
      writes[b].pBufferInfo = &infos[b];
    }
    vkUpdateDescriptorSets(d, Device::kBindings, writes, 0, nullptr);
    vkCmdBindPipeline(vk_->cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
    vkCmdBindDescriptorSets(vk_->cmd, VK_PIPELINE_BIND_POINT_COMPUTE, device->pipeline_layout(), 0,
                            1, &set, 0, nullptr);
    vkCmdPushConstants(vk_->cmd, device->pipeline_layout(), VK_SHADER_STAGE_COMPUTE_BIT, 0,
                       Device::kPushConstantWords * 4, dp.push.data());
    if (dp.grid[0] > 0) {
      const int64_t gx = (dp.grid[0] + 7) / 8, gy = (dp.grid[1] + 7) / 8, gz = dp.grid[2];
      if (gx > 65535 || gy > 65535 || gz > 65535) {
        return Errorf(StatusCode::kUnsupported,
                      "vulkan: %s needs a grid of %lld x %lld x %lld groups", dp.what.c_str(),
                      static_cast<long long>(gx), static_cast<long long>(gy),
                      static_cast<long long>(gz));
      }
      vkCmdDispatch(vk_->cmd, static_cast<uint32_t>(gx), static_cast<uint32_t>(gy),
                    static_cast<uint32_t>(gz));
    } else {
      const int64_t groups = (dp.invocations + 63) / 64;
      const uint32_t gx = static_cast<uint32_t>(std::min<int64_t>(groups, 65535));
      const uint32_t gy = static_cast<uint32_t>((groups + gx - 1) / gx);
      vkCmdDispatch(vk_->cmd, gx, gy, 1);
    }
    HostBarrier(vk_->cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
                VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
  }
  HostBarrier(vk_->cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
              VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
  VK_CHECK("vkEndCommandBuffer", vkEndCommandBuffer(vk_->cmd));
  prepared_ = true;
  return Status::Ok();
}

Status Graph::SetInput(int t, const float* data, int64_t count) {
  if (!prepared_ || t < 0 || t >= num_tensors() || !tensors_[t].is_input) {
    return Errorf(StatusCode::kInternal, "vulkan: tensor %d is not a prepared graph input", t);
  }
  if (count != tensors_[t].elements) {
    return Errorf(StatusCode::kInternal, "vulkan: input %d has %lld elements, expected %lld", t,
                  static_cast<long long>(count), static_cast<long long>(tensors_[t].elements));
  }
  void* dst = vk_->buffers[t]->mapped;
  if (fp16_storage_) {
    uint16_t* h = static_cast<uint16_t*>(dst);
    for (int64_t i = 0; i < count; ++i) h[i] = FloatToHalf(data[i]);
  } else {
    std::memcpy(dst, data, static_cast<size_t>(count) * 4);
  }
  return Status::Ok();
}

Status Graph::Run() {
  if (!prepared_) return Status(StatusCode::kFailedPrecondition, "vulkan: graph not prepared");
  return vk_->device->Submit(vk_->cmd);
}

Status Graph::GetOutput(int t, float* data, int64_t count) const {
  if (!prepared_ || t < 0 || t >= num_tensors() || !tensors_[t].is_output) {
    return Errorf(StatusCode::kInternal, "vulkan: tensor %d is not a prepared graph output", t);
  }
  if (count != tensors_[t].elements) {
    return Errorf(StatusCode::kInternal, "vulkan: output %d has %lld elements, expected %lld", t,
                  static_cast<long long>(tensors_[t].elements), static_cast<long long>(count));
  }
  const void* src = vk_->buffers[t]->mapped;
  if (fp16_storage_) {
    const uint16_t* h = static_cast<const uint16_t*>(src);
    for (int64_t i = 0; i < count; ++i) data[i] = HalfToFloat(h[i]);
  } else {
    std::memcpy(data, src, static_cast<size_t>(count) * 4);
  }
  return Status::Ok();
}

}  // namespace edgeml::vulkan
