// Loads an external delegate (edgeml/delegate_plugin.h) and adapts its C
// table to edgeml::Delegate.
#include "edgeml/delegate_plugin.h"

#include <dlfcn.h>

#include <cstring>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "edgeml/delegate.h"

namespace edgeml {
namespace {

static_assert(std::is_same<int, int32_t>::value, "node and tensor indices are passed as int32");

constexpr size_t kMessageSize = 512;

// The loaded library and one delegate instance made by it. Kernels share it,
// so the library stays loaded until the last kernel is gone.
struct PluginInstance {
  void* library = nullptr;
  const EdgemlDelegatePlugin* table = nullptr;
  void* delegate = nullptr;
  std::string name;
  ~PluginInstance() {
    if (delegate && table->destroy) table->destroy(delegate);
    if (library) dlclose(library);
  }
};

// Fills tensor views for the plugin on demand.
struct GraphAdapter {
  explicit GraphAdapter(const DelegateGraph& g) : graph(g) {
    c.impl = this;
    c.num_tensors = static_cast<int32_t>(g.num_tensors());
    c.num_nodes = static_cast<int32_t>(g.num_nodes());
    c.get_tensor = &GetTensor;
    c.get_node = &GetNode;
  }
  static int GetTensor(const EdgemlPluginGraph* cg, int32_t index, EdgemlPluginTensor* out) {
    const auto* self = static_cast<const GraphAdapter*>(cg->impl);
    if (index < 0 || index >= cg->num_tensors || !out) return 1;
    const Tensor& t = self->graph.tensor(index);
    std::memset(out, 0, sizeof(*out));
    out->index = index;
    out->type = static_cast<int32_t>(t.type);
    out->rank = t.rank();
    out->dims = t.shape.data();
    out->data = t.data;
    out->bytes = t.bytes;
    out->name = t.name.c_str();
    out->is_constant = t.is_constant() ? 1 : 0;
    out->num_scales = static_cast<int32_t>(t.quant.scale.size());
    out->scales = t.quant.scale.data();
    out->zero_points = t.quant.zero_point.data();
    out->quantized_dimension = t.quant.quantized_dimension;
    return 0;
  }
  static int GetNode(const EdgemlPluginGraph* cg, int32_t index, EdgemlPluginNode* out) {
    const auto* self = static_cast<const GraphAdapter*>(cg->impl);
    if (index < 0 || index >= cg->num_nodes || !out) return 1;
    const DelegateNode& n = self->graph.node(index);
    std::memset(out, 0, sizeof(*out));
    out->index = index;
    out->op_name = n.op_name.c_str();
    out->builtin_code = n.builtin_code;
    out->version = n.version;
    out->num_inputs = static_cast<int32_t>(n.inputs.size());
    out->inputs = n.inputs.data();
    out->num_outputs = static_cast<int32_t>(n.outputs.size());
    out->outputs = n.outputs.data();
    out->builtin_options = n.builtin_options;
    out->builtin_options_type = n.builtin_options_type;
    out->custom_options = n.custom_options;
    out->custom_options_size = n.custom_options_size;
    return 0;
  }
  const DelegateGraph& graph;
  EdgemlPluginGraph c;
};

struct PartitionAdapter {
  explicit PartitionAdapter(const DelegatePartition& p) {
    c.index = p.index;
    c.num_nodes = static_cast<int32_t>(p.nodes.size());
    c.nodes = p.nodes.data();
    c.num_inputs = static_cast<int32_t>(p.inputs.size());
    c.inputs = p.inputs.data();
    c.num_outputs = static_cast<int32_t>(p.outputs.size());
    c.outputs = p.outputs.data();
    c.num_internal = static_cast<int32_t>(p.internal.size());
    c.internal = p.internal.data();
  }
  EdgemlPluginPartition c;
};

std::string Message(const char* buf, const char* fallback) {
  std::string m(buf, strnlen(buf, kMessageSize));
  return m.empty() ? std::string(fallback) : m;
}

class PluginKernel : public DelegateKernel {
 public:
  PluginKernel(std::shared_ptr<PluginInstance> plugin, void* state)
      : plugin_(std::move(plugin)), state_(state) {}
  ~PluginKernel() override {
    if (state_ && plugin_->table->partition_destroy) plugin_->table->partition_destroy(state_);
  }
  Status Prepare(const DelegateGraph& graph, const DelegatePartition& partition) override {
    return Call(plugin_->table->partition_prepare, graph, partition, "prepare");
  }
  Status Invoke(const DelegateGraph& graph, const DelegatePartition& partition) override {
    return Call(plugin_->table->partition_invoke, graph, partition, "invoke");
  }

 private:
  using Fn = int (*)(void*, const EdgemlPluginGraph*, const EdgemlPluginPartition*, char*, size_t);
  Status Call(Fn fn, const DelegateGraph& graph, const DelegatePartition& partition,
              const char* what) {
    GraphAdapter g(graph);
    PartitionAdapter p(partition);
    char msg[kMessageSize] = {};
    if (fn(state_, &g.c, &p.c, msg, sizeof(msg)) != 0) {
      return Status(StatusCode::kInternal, "plugin '" + plugin_->name + "' partition " + what +
                                               " failed: " + Message(msg, "no message"));
    }
    return Status::Ok();
  }
  std::shared_ptr<PluginInstance> plugin_;
  void* state_;
};

class PluginDelegate : public Delegate {
 public:
  explicit PluginDelegate(std::shared_ptr<PluginInstance> plugin) : plugin_(std::move(plugin)) {}
  std::string name() const override { return "plugin:" + plugin_->name; }
  Status Claim(const DelegateGraph& graph, const DelegateNode& node) const override {
    GraphAdapter g(graph);
    char msg[kMessageSize] = {};
    if (plugin_->table->claim(plugin_->delegate, &g.c, node.index, msg, sizeof(msg)) != 0) {
      return Status(StatusCode::kUnsupported, Message(msg, "refused (no reason given)"));
    }
    return Status::Ok();
  }
  Status CreateKernel(const DelegateGraph& graph, const DelegatePartition& partition,
                      std::unique_ptr<DelegateKernel>* kernel) const override {
    GraphAdapter g(graph);
    PartitionAdapter p(partition);
    char msg[kMessageSize] = {};
    void* state = plugin_->table->partition_create(plugin_->delegate, &g.c, &p.c, msg, sizeof(msg));
    if (!state) {
      return Status(StatusCode::kInternal,
                    "plugin '" + plugin_->name +
                        "' could not create a partition: " + Message(msg, "no message"));
    }
    *kernel = std::make_unique<PluginKernel>(plugin_, state);
    return Status::Ok();
  }
  bool internal_tensors_in_cpu_memory() const override {
    return plugin_->table->internal_tensors_in_cpu_memory != 0;
  }

 private:
  std::shared_ptr<PluginInstance> plugin_;
};

}  // namespace

Status LoadDelegatePlugin(const std::string& path, const DelegateOptions& options,
                          std::shared_ptr<Delegate>* delegate) {
  auto plugin = std::make_shared<PluginInstance>();
  // As with dlopen (and tflite_runtime's load_delegate): a bare name such as
  // "libvendor.so.1" is searched on the library path, a name with a slash is
  // a file.
  plugin->library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!plugin->library) {
    const char* err = dlerror();
    return Status(StatusCode::kIoError,
                  "cannot load delegate plugin '" + path + "': " + (err ? err : "dlopen failed"));
  }
  void* sym = dlsym(plugin->library, EDGEML_DELEGATE_PLUGIN_ENTRY);
  if (!sym) {
    return Status(StatusCode::kInvalidArgument,
                  "'" + path + "' is not an edgeml delegate plugin: " + "it exports no symbol " +
                      EDGEML_DELEGATE_PLUGIN_ENTRY);
  }
  EdgemlDelegatePluginEntry entry;
  static_assert(sizeof(entry) == sizeof(sym), "function and data pointers differ in size");
  std::memcpy(&entry, &sym, sizeof(entry));
  const EdgemlDelegatePlugin* table = entry();
  if (!table) {
    return Status(StatusCode::kInvalidArgument,
                  "delegate plugin '" + path + "': its entry returned no table");
  }
  if (table->abi_version != EDGEML_DELEGATE_PLUGIN_ABI_VERSION) {
    return Status(StatusCode::kUnsupported, "delegate plugin '" + path + "' has ABI version " +
                                                std::to_string(table->abi_version) +
                                                "; this edgeml supports version " +
                                                std::to_string(EDGEML_DELEGATE_PLUGIN_ABI_VERSION));
  }
  if (table->struct_size < sizeof(EdgemlDelegatePlugin)) {
    return Status(StatusCode::kInvalidArgument, "delegate plugin '" + path + "': its table is " +
                                                    std::to_string(table->struct_size) +
                                                    " bytes, version 1 needs " +
                                                    std::to_string(sizeof(EdgemlDelegatePlugin)));
  }
  if (!table->create || !table->destroy || !table->claim || !table->partition_create ||
      !table->partition_prepare || !table->partition_invoke || !table->partition_destroy) {
    return Status(StatusCode::kInvalidArgument,
                  "delegate plugin '" + path + "': its table lacks a required function");
  }
  plugin->table = table;
  plugin->name = table->name && table->name[0] ? table->name : "unnamed";
  std::vector<const char*> keys, values;
  for (const auto& kv : options) {
    keys.push_back(kv.first.c_str());
    values.push_back(kv.second.c_str());
  }
  char msg[kMessageSize] = {};
  plugin->delegate = table->create(keys.data(), values.data(), keys.size(), msg, sizeof(msg));
  if (!plugin->delegate) {
    return Status(StatusCode::kInvalidArgument,
                  "delegate plugin '" + plugin->name +
                      "' could not be created: " + Message(msg, "no message"));
  }
  *delegate = std::make_shared<PluginDelegate>(std::move(plugin));
  return Status::Ok();
}

}  // namespace edgeml
