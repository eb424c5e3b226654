#include "delegates/vulkan/vulkan_delegate.h"

#include <utility>
#include <vector>

#include "delegates/vulkan/vk_device.h"
#include "delegates/vulkan/vk_graph.h"
#include "delegates/vulkan/vk_lower.h"

namespace edgeml::vulkan {
namespace {

class VulkanKernel : public DelegateKernel {
 public:
  VulkanKernel(std::shared_ptr<Device> device, GraphOptions options)
      : device_(std::move(device)), options_(options) {}

  // Rebuilt at every AllocateTensors(): shapes may have changed.
  Status Prepare(const DelegateGraph& graph, const DelegatePartition& partition) override {
    graph_ = std::make_unique<Graph>();
    inputs_.clear();
    outputs_.clear();
    Lowering lowering(graph, graph_.get(), /*dry_run=*/false);
    for (int n : partition.nodes) {
      Status s = lowering.Lower(graph.node(n));
      if (!s.ok()) {
        return s.WithPrefix("vulkan: " + graph.node(n).op_name + " (node " + std::to_string(n) +
                            ")");
      }
    }
    for (int t : partition.inputs) {
      const int g = lowering.Find(t);
      if (g >= 0 && graph_->tensor(g).is_input) inputs_.emplace_back(t, g);
    }
    for (int t : partition.outputs) {
      const int g = lowering.Find(t);
      if (g < 0) {
        return Errorf(StatusCode::kInternal, "vulkan: partition output %s is not computed",
                      graph.Describe(t).c_str());
      }
      graph_->MarkOutput(g);
      outputs_.emplace_back(t, g);
    }
    return graph_->Prepare(device_, options_);
  }

  Status Invoke(const DelegateGraph& graph, const DelegatePartition& partition) override {
    (void)partition;
    for (auto [t, g] : inputs_) {
      const Tensor& tensor = graph.tensor(t);
      if (tensor.data == nullptr) {
        return Errorf(StatusCode::kInternal, "vulkan: input %s has no data",
                      graph.Describe(t).c_str());
      }
      EDGEML_RETURN_IF_ERROR(graph_->SetInput(g, tensor.data_as<float>(), tensor.num_elements()));
    }
    EDGEML_RETURN_IF_ERROR(graph_->Run());
    for (auto [t, g] : outputs_) {
      Tensor& tensor = graph.tensor(t);
      if (tensor.data == nullptr) {
        return Errorf(StatusCode::kInternal, "vulkan: output %s has no memory",
                      graph.Describe(t).c_str());
      }
      EDGEML_RETURN_IF_ERROR(graph_->GetOutput(g, tensor.data_as<float>(), tensor.num_elements()));
    }
    return Status::Ok();
  }

 private:
  std::shared_ptr<Device> device_;
  GraphOptions options_;
  std::unique_ptr<Graph> graph_;
  std::vector<std::pair<int, int>> inputs_, outputs_;  // (edgeml tensor, graph tensor)
};

class VulkanDelegate : public Delegate {
 public:
  VulkanDelegate(std::shared_ptr<Device> device, GraphOptions options)
      : device_(std::move(device)), options_(options) {}

  std::string name() const override { return "vulkan"; }

  Status Claim(const DelegateGraph& graph, const DelegateNode& node) const override {
    Graph scratch;
    Lowering lowering(graph, &scratch, /*dry_run=*/true);
    return lowering.Lower(node);
  }

  Status CreateKernel(const DelegateGraph& graph, const DelegatePartition& partition,
                      std::unique_ptr<DelegateKernel>* kernel) const override {
    (void)graph;
    (void)partition;
    *kernel = std::make_unique<VulkanKernel>(device_, options_);
    return Status::Ok();
  }

 private:
  std::shared_ptr<Device> device_;
  GraphOptions options_;
};

}  // namespace

Status CreateVulkanDelegate(const DelegateOptions& options, std::shared_ptr<Delegate>* delegate) {
  GraphOptions graph_options;
  for (const auto& [key, value] : options) {
    if (key == "precision") {
      if (value == "fp16") {
        graph_options.fp16 = true;
      } else if (value != "fp32") {
        return Status(StatusCode::kInvalidArgument,
                      "vulkan: precision '" + value + "' is neither fp32 nor fp16");
      }
    } else if (key == "fp16_storage") {
      if (value == "off") {
        graph_options.fp16_storage = false;
      } else if (value != "auto") {
        return Status(StatusCode::kInvalidArgument,
                      "vulkan: fp16_storage '" + value + "' is neither auto nor off");
      }
    } else {
      return Status(StatusCode::kInvalidArgument,
                    "vulkan: unknown option '" + key +
                        "' (known: precision=fp32|fp16, fp16_storage=auto|off)");
    }
  }
  std::shared_ptr<Device> device;
  EDGEML_RETURN_IF_ERROR(Device::Get(&device));
  *delegate = std::make_shared<VulkanDelegate>(std::move(device), graph_options);
  return Status::Ok();
}

Status DescribeVulkanDevice(std::string* description) {
  std::shared_ptr<Device> device;
  EDGEML_RETURN_IF_ERROR(Device::Get(&device));
  const DeviceInfo& i = device->info();
  *description = i.name + " (" + i.type + (i.fp16_storage ? ", fp16 storage" : "") + ")";
  return Status::Ok();
}

}  // namespace edgeml::vulkan
