/* External delegates: the plain-C ABI a vendor's shared library implements
 * so that edgeml can hand it nodes (an Edge TPU, an NPU, a DSP).
 *
 * The library exports one symbol, EDGEML_DELEGATE_PLUGIN_ENTRY
 * ("edgeml_delegate_plugin"), a function returning a pointer to a static
 * EdgemlDelegatePlugin table. edgeml loads it with dlopen (the CLI's
 * --delegate-plugin PATH, the C API's EdgemlInterpreterOptionsAddDelegatePlugin,
 * Python's load_delegate) and adapts it to the C++ edgeml::Delegate, so the
 * rules of edgeml/delegate.h apply unchanged: claim per node with final
 * shapes and constness, partitions as one step, partition inputs and outputs
 * in CPU memory, prepare at every AllocateTensors(), invoke per Invoke().
 *
 * Versioning: abi_version must equal the EDGEML_DELEGATE_PLUGIN_ABI_VERSION
 * edgeml was built with; edgeml refuses any other value with a message
 * naming both. struct_size lets later versions append fields: edgeml reads
 * only the fields that fit in struct_size.
 *
 * Lifetime: the library stays loaded while any delegate or partition made
 * from it lives. Every pointer passed to a plugin function is valid only
 * during that call, except tensor data pointers, which stay valid until the
 * next prepare of the same partition.
 *
 * Errors: functions returning int return 0 on success; on failure they write
 * a NUL-terminated message of at most `message_size` bytes (including the
 * NUL) into `message`, which edgeml reports prefixed by the plugin's name.
 * Plugin functions must not throw or longjmp across the boundary.
 *
 * Threading: create/destroy and claim may be called from any thread, but
 * never concurrently for the same delegate instance; a partition is used by
 * one thread at a time.
 *
 * This header is plain C99 and needs nothing but the C library. */
#ifndef EDGEML_DELEGATE_PLUGIN_H_
#define EDGEML_DELEGATE_PLUGIN_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EDGEML_DELEGATE_PLUGIN_ABI_VERSION 1
#define EDGEML_DELEGATE_PLUGIN_ENTRY "edgeml_delegate_plugin"

/* One tensor. `type` uses the .tflite TensorType values (FLOAT32 = 0,
 * INT32 = 2, UINT8 = 3, INT64 = 4, BOOL = 6, INT16 = 7, INT8 = 9, ...). */
typedef struct EdgemlPluginTensor {
  int32_t index;
  int32_t type;
  int32_t rank;
  const int32_t* dims; /* rank entries, outermost first (NHWC) */
  /* CPU memory of the data; NULL for a partition's internal tensors (the
   * plugin keeps those itself) and before the arena is planned (claim and
   * prepare see NULL for every non-constant tensor). Writable for the
   * partition's outputs during invoke. */
  void* data;
  size_t bytes; /* bytes of data for the current shape */
  const char* name;
  int32_t is_constant; /* 1: data is fixed for the interpreter's lifetime */
  /* Quantization: num_scales == 0 when not quantized; 1 per tensor;
   * dims[quantized_dimension] per channel. */
  int32_t num_scales;
  const float* scales;
  const int64_t* zero_points;
  int32_t quantized_dimension;
} EdgemlPluginTensor;

/* One node. builtin_code is the .tflite BuiltinOperator value (ADD = 0,
 * CONV_2D = 3, CUSTOM = 32, ...); op_name is "ADD", "CONV_2D" or the custom
 * code. builtin_options points at the node's flatbuffer options table
 * (e.g. AddOptions; readable with the .tflite schema) or is NULL. */
typedef struct EdgemlPluginNode {
  int32_t index;
  const char* op_name;
  int32_t builtin_code;
  int32_t version;
  int32_t num_inputs;
  const int32_t* inputs; /* tensor indices; -1 = omitted optional input */
  int32_t num_outputs;
  const int32_t* outputs;
  const void* builtin_options;
  uint8_t builtin_options_type;
  const uint8_t* custom_options;
  size_t custom_options_size;
} EdgemlPluginNode;

/* The graph, read through functions so that nothing is copied up front. */
typedef struct EdgemlPluginGraph {
  const void* impl; /* edgeml's; do not touch */
  int32_t num_tensors;
  int32_t num_nodes;
  /* 0 on success, nonzero for an index out of range. */
  int (*get_tensor)(const struct EdgemlPluginGraph* graph, int32_t index,
                    EdgemlPluginTensor* tensor);
  int (*get_node)(const struct EdgemlPluginGraph* graph, int32_t index, EdgemlPluginNode* node);
} EdgemlPluginGraph;

/* A set of nodes the plugin claimed, run as one step. inputs: non-constant
 * tensors read from outside (in CPU memory at invoke); outputs: tensors the
 * partition must write to CPU memory; internal: produced and consumed only
 * inside (data NULL unless internal_tensors_in_cpu_memory). */
typedef struct EdgemlPluginPartition {
  int32_t index;
  int32_t num_nodes;
  const int32_t* nodes; /* in a valid execution order */
  int32_t num_inputs;
  const int32_t* inputs;
  int32_t num_outputs;
  const int32_t* outputs;
  int32_t num_internal;
  const int32_t* internal;
} EdgemlPluginPartition;

typedef struct EdgemlDelegatePlugin {
  uint32_t abi_version; /* EDGEML_DELEGATE_PLUGIN_ABI_VERSION */
  uint32_t struct_size; /* sizeof(EdgemlDelegatePlugin) */
  const char* name;     /* short, lowercase: "edgetpu" */

  /* Makes a delegate instance from key=value options (num_options pairs).
   * Returns NULL on failure (unknown option, no device) with a message. */
  void* (*create)(const char* const* keys, const char* const* values, size_t num_options,
                  char* message, size_t message_size);
  void (*destroy)(void* delegate);

  /* 0 = the plugin takes node `node_index`; nonzero = it refuses, with the
   * reason in `message` ("INT8 is not supported"). */
  int (*claim)(void* delegate, const EdgemlPluginGraph* graph, int32_t node_index, char* message,
               size_t message_size);

  /* A partition's state (NULL on failure), made once per partition and
   * kept while the partition's node set does not change. */
  void* (*partition_create)(void* delegate, const EdgemlPluginGraph* graph,
                            const EdgemlPluginPartition* partition, char* message,
                            size_t message_size);
  /* At every AllocateTensors(): shapes may have changed. */
  int (*partition_prepare)(void* partition_state, const EdgemlPluginGraph* graph,
                           const EdgemlPluginPartition* partition, char* message,
                           size_t message_size);
  /* Reads the partition's inputs, writes its outputs (CPU memory). */
  int (*partition_invoke)(void* partition_state, const EdgemlPluginGraph* graph,
                          const EdgemlPluginPartition* partition, char* message,
                          size_t message_size);
  void (*partition_destroy)(void* partition_state);

  /* Nonzero: internal tensors of partitions get CPU memory too. */
  int32_t internal_tensors_in_cpu_memory;
} EdgemlDelegatePlugin;

/* The entry symbol's type. */
typedef const EdgemlDelegatePlugin* (*EdgemlDelegatePluginEntry)(void);

#ifdef __cplusplus
}
#endif

#endif /* EDGEML_DELEGATE_PLUGIN_H_ */
