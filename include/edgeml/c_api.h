/* edgeml C API: a plain C99 interface over the C++ runtime (edgeml/model.h,
 * edgeml/interpreter.h). The C layer only translates; loading, validation,
 * planning and every kernel are the C++ implementation.
 *
 * Typical use:
 *
 *   EdgemlModel* model = NULL;
 *   if (edgeml_model_create_from_file("m.tflite", &model) != kEdgemlOk) {
 *     fprintf(stderr, "%s\n", edgeml_last_error());
 *   }
 *   EdgemlInterpreter* interp = NULL;
 *   edgeml_interpreter_create(model, NULL, &interp);   // NULL = default options
 *   edgeml_model_delete(model);                         // interp keeps it alive
 *   edgeml_interpreter_allocate_tensors(interp);
 *   edgeml_tensor_copy_from_buffer(edgeml_interpreter_input(interp, 0), in, in_bytes);
 *   edgeml_interpreter_invoke(interp);
 *   edgeml_tensor_copy_to_buffer(edgeml_interpreter_output(interp, 0), out, out_bytes);
 *   edgeml_interpreter_delete(interp);
 *
 * Conventions
 * - Handles are opaque. Objects returned through an `Edgeml...**` out
 *   parameter are owned by the caller and released with the matching
 *   edgeml_..._delete(), which accepts NULL. EdgemlTensor pointers are
 *   borrowed from their interpreter and are never deleted by the caller.
 * - Every fallible call returns an EdgemlStatus. On failure out parameters
 *   are left NULL/unchanged and a message is recorded (see "Errors").
 * - A NULL handle or pointer argument is never dereferenced: status calls
 *   return kEdgemlInvalidArgument, getters return the sentinel they document.
 * - Nothing crosses this boundary as a C++ exception: an allocation failure
 *   inside a call is reported as kEdgemlResourceExhausted, any other
 *   unexpected exception as kEdgemlInternal.
 *
 * Errors
 * - edgeml_last_error(): thread-local. Every call that returns a failing
 *   status records its message here, on the calling thread. This is the
 *   only place for failures that have no interpreter yet (model loading,
 *   options, interpreter creation).
 * - edgeml_interpreter_last_error(): calls on an interpreter and on its
 *   tensors also record the message in that interpreter.
 * - Like errno, a successful call does not clear either message; read them
 *   only after a call failed. Messages look like
 *   "InvalidModel: CONV_2D (node 3): ...".
 *
 * Lifetime
 * - An EdgemlModel may be deleted as soon as the interpreters that need it
 *   have been created: each interpreter holds its own reference, and the
 *   model's storage goes away with the last holder.
 * - edgeml_model_create_from_file() maps the file read-only; the file
 *   should not be modified while a holder exists.
 * - edgeml_model_create_from_buffer() uses the caller's bytes in place (no
 *   copy): they must stay valid and unchanged until the model AND every
 *   interpreter created from it are deleted. Bytes that are not 16-byte
 *   aligned are copied once instead (then the caller's buffer may go).
 * - edgeml_model_create_from_buffer_copy() copies the bytes; the caller's
 *   buffer may be freed as soon as the call returns.
 * - An EdgemlTensor pointer is valid until its interpreter is deleted. Its
 *   data pointer (edgeml_tensor_data) and dims pointer (edgeml_tensor_dims)
 *   are valid only until the next edgeml_interpreter_resize_input() or
 *   edgeml_interpreter_allocate_tensors() on that interpreter.
 * - Strings returned by getters (names, type names, version) live as long
 *   as the object they describe; static strings live forever. Error strings
 *   are valid until the next failure recorded in the same place.
 *
 * Threading
 * - A model is immutable and may be shared by interpreters on any threads;
 *   creating and deleting model handles is thread-safe.
 * - One interpreter (and its tensors) must be used by one thread at a time;
 *   different interpreters may run concurrently.
 * - Options objects are plain data: not for concurrent mutation, but they
 *   may be deleted right after edgeml_interpreter_create() (it copies them).
 */
#ifndef EDGEML_C_API_H_
#define EDGEML_C_API_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Mirrors edgeml::StatusCode value for value. */
typedef enum EdgemlStatus {
  kEdgemlOk = 0,
  kEdgemlInvalidArgument = 1,    /* a caller's argument is wrong */
  kEdgemlInvalidModel = 2,       /* the model bytes or graph are malformed */
  kEdgemlUnsupported = 3,        /* a valid model uses an op/type edgeml lacks */
  kEdgemlFailedPrecondition = 4, /* e.g. invoke before allocate_tensors */
  kEdgemlResourceExhausted = 5,  /* out of memory or over memory_limit_bytes */
  kEdgemlIoError = 6,            /* a file could not be read */
  kEdgemlInternal = 7            /* an edgeml bug: please report it */
} EdgemlStatus;

/* Element types; values equal the .tflite TensorType (and edgeml::DataType). */
typedef enum EdgemlDataType {
  kEdgemlNoType = -1, /* returned by getters for a NULL tensor */
  kEdgemlFloat32 = 0,
  kEdgemlFloat16 = 1,
  kEdgemlInt32 = 2,
  kEdgemlUInt8 = 3,
  kEdgemlInt64 = 4,
  kEdgemlString = 5,
  kEdgemlBool = 6,
  kEdgemlInt16 = 7,
  kEdgemlComplex64 = 8,
  kEdgemlInt8 = 9,
  kEdgemlFloat64 = 10,
  kEdgemlComplex128 = 11,
  kEdgemlUInt64 = 12,
  kEdgemlResource = 13,
  kEdgemlVariant = 14,
  kEdgemlUInt32 = 15,
  kEdgemlUInt16 = 16,
  kEdgemlInt4 = 17,
  kEdgemlBFloat16 = 18
} EdgemlDataType;

typedef struct EdgemlModel EdgemlModel;
typedef struct EdgemlInterpreterOptions EdgemlInterpreterOptions;
typedef struct EdgemlInterpreter EdgemlInterpreter;
typedef struct EdgemlTensor EdgemlTensor;

/* Per-tensor quantization: real = scale * (q - zero_point). */
typedef struct EdgemlQuantizationParams {
  float scale;        /* 0 when the tensor is not quantized */
  int32_t zero_point; /* 0 when the tensor is not quantized */
} EdgemlQuantizationParams;

/* Full quantization description; the arrays are borrowed from the tensor
 * and live as long as its interpreter. */
typedef struct EdgemlQuantization {
  int32_t scale_count;         /* 0: not quantized; 1: per tensor; else per channel */
  const float* scales;         /* scale_count entries, NULL when 0 */
  int32_t zero_point_count;    /* normally equal to scale_count */
  const int64_t* zero_points;  /* zero_point_count entries, NULL when 0 */
  int32_t quantized_dimension; /* the channel axis for per-channel params */
} EdgemlQuantization;

/* ---- Library information (static strings, any thread) ---- */

/* "MAJOR.MINOR.PATCH" of the library. */
const char* edgeml_version(void);
/* "OK", "InvalidArgument", ...; "Unknown" for other values. */
const char* edgeml_status_name(EdgemlStatus status);
/* "FLOAT32", "INT8", ...; "UNKNOWN" for values outside the enum. */
const char* edgeml_data_type_name(EdgemlDataType type);
/* Bytes per element; 0 for STRING/RESOURCE/VARIANT, INT4 (packed) and
 * unknown values. */
size_t edgeml_data_type_size(EdgemlDataType type);

/* Message of the last failing call on this thread ("" if none yet). */
const char* edgeml_last_error(void);

/* ---- Model ---- */

/* Loads and verifies a .tflite file (mapped read-only, not copied). A
 * missing file gives kEdgemlIoError, bad bytes kEdgemlInvalidModel. */
EdgemlStatus edgeml_model_create_from_file(const char* path, EdgemlModel** out_model);
/* Uses `data` in place; see "Lifetime" for how long it must stay valid. */
EdgemlStatus edgeml_model_create_from_buffer(const void* data, size_t size,
                                             EdgemlModel** out_model);
/* Copies `data`; the caller's buffer is free to go when this returns. */
EdgemlStatus edgeml_model_create_from_buffer_copy(const void* data, size_t size,
                                                  EdgemlModel** out_model);
/* Drops this handle's reference; interpreters keep their own. NULL is ok. */
void edgeml_model_delete(EdgemlModel* model);

/* ---- Interpreter options ---- */

/* Defaults: num_threads 1, memory_limit_bytes 0 (no limit). */
EdgemlStatus edgeml_interpreter_options_create(EdgemlInterpreterOptions** out_options);
void edgeml_interpreter_options_delete(EdgemlInterpreterOptions* options);
/* Threads an op may use inside invoke; must be >= 1 (checked at create). */
EdgemlStatus edgeml_interpreter_options_set_num_threads(EdgemlInterpreterOptions* options,
                                                        int32_t num_threads);
/* Cap on what allocate_tensors may take (arena plus folded constants);
 * over it allocation fails with kEdgemlResourceExhausted. 0 = no limit. */
EdgemlStatus edgeml_interpreter_options_set_memory_limit_bytes(EdgemlInterpreterOptions* options,
                                                               size_t memory_limit_bytes);

/* ---- Custom ops ---- */

/* A custom op implemented in C, registered on an options object; every
 * interpreter created with those options runs nodes whose custom code equals
 * `name` (and whose version lies in [min_version, max_version]) with it,
 * replacing a shipped op of the same name.
 *
 * prepare (may be NULL) runs in allocate_tensors: check the inputs, set every
 * output's shape with edgeml_op_set_output_shape, keep per-node data with
 * edgeml_op_set_state. eval runs in invoke and only computes; it must not
 * block on other threads or call back into the interpreter. Both return
 * kEdgemlOk or report a failure with edgeml_op_error. `user_data` is passed
 * to both; it must outlive every interpreter using the options. `free_state`
 * (may be NULL) releases a node's state when it is replaced or the
 * interpreter is deleted. */
typedef struct EdgemlOpContext EdgemlOpContext;
typedef struct EdgemlCustomOp {
  const char* name; /* copied */
  int32_t min_version;
  int32_t max_version;
  EdgemlStatus (*prepare)(EdgemlOpContext* context, void* user_data);
  EdgemlStatus (*eval)(EdgemlOpContext* context, void* user_data);
  void (*free_state)(void* state);
  void* user_data;
} EdgemlCustomOp;

EdgemlStatus edgeml_interpreter_options_add_custom_op(EdgemlInterpreterOptions* options,
                                                      const EdgemlCustomOp* op);

/* Inside prepare/eval only. Inputs that the model omits (-1) are NULL. */
int32_t edgeml_op_input_count(const EdgemlOpContext* context);
int32_t edgeml_op_output_count(const EdgemlOpContext* context);
EdgemlTensor* edgeml_op_input(EdgemlOpContext* context, int32_t index);
EdgemlTensor* edgeml_op_output(EdgemlOpContext* context, int32_t index);
/* The node's custom options bytes (MediaPipe keeps C structs there). */
const uint8_t* edgeml_op_custom_options(const EdgemlOpContext* context, size_t* size);
int32_t edgeml_op_node_index(const EdgemlOpContext* context);
/* prepare only: sets output `index`'s shape (checked for overflow). */
EdgemlStatus edgeml_op_set_output_shape(EdgemlOpContext* context, int32_t index,
                                        const int32_t* dims, int32_t rank);
void edgeml_op_set_state(EdgemlOpContext* context, void* state);
void* edgeml_op_state(const EdgemlOpContext* context);
/* Records `message` (prefixed with the op name and node index) and returns
 * `status`, so that `return edgeml_op_error(ctx, kEdgemlInvalidModel, "...");`
 * reports it through the interpreter's error. */
EdgemlStatus edgeml_op_error(EdgemlOpContext* context, EdgemlStatus status, const char* message);

/* ---- Delegates (edgeml/delegate.h, edgeml/delegate_plugin.h) ---- */

/* Adds the built-in delegate `name` (e.g. "vulkan"), made with `num_options`
 * key=value options (keys/values may be NULL when num_options is 0; the
 * strings are copied). The delegate is created here, so one that cannot run
 * on this machine ("no Vulkan device") or rejects an option fails now with
 * its reason and the options object is unchanged. Delegates take nodes in the
 * order they are added (first = highest precedence); every interpreter
 * created with these options shares them. */
EdgemlStatus edgeml_interpreter_options_add_delegate(EdgemlInterpreterOptions* options,
                                                     const char* name, const char* const* keys,
                                                     const char* const* values,
                                                     size_t num_options);
/* The same for an external delegate: a shared library implementing
 * edgeml/delegate_plugin.h, loaded from `path` (a missing file, a library
 * without the entry symbol or of another ABI version fails here). */
EdgemlStatus edgeml_interpreter_options_add_delegate_plugin(EdgemlInterpreterOptions* options,
                                                            const char* path,
                                                            const char* const* keys,
                                                            const char* const* values,
                                                            size_t num_options);

/* ---- Interpreter ---- */

/* Resolves every op of `model` (an unsupported op or version fails here).
 * `options` may be NULL for defaults; it is copied. */
EdgemlStatus edgeml_interpreter_create(const EdgemlModel* model,
                                       const EdgemlInterpreterOptions* options,
                                       EdgemlInterpreter** out_interpreter);
/* Frees the interpreter, its tensors and its model reference. NULL is ok. */
void edgeml_interpreter_delete(EdgemlInterpreter* interpreter);

/* Runs every op's prepare and plans memory. Required before the first
 * invoke and after every resize_input; moves tensor data. */
EdgemlStatus edgeml_interpreter_allocate_tensors(EdgemlInterpreter* interpreter);
/* Sets the shape of input `input_index` (dims[0..rank)); allocate_tensors
 * must run again before invoke. */
EdgemlStatus edgeml_interpreter_resize_input(EdgemlInterpreter* interpreter, int32_t input_index,
                                             const int32_t* dims, int32_t rank);
/* Runs the graph; allocates nothing. kEdgemlFailedPrecondition if tensors
 * are not allocated. */
EdgemlStatus edgeml_interpreter_invoke(EdgemlInterpreter* interpreter);

/* Message of the last failing call on this interpreter or one of its
 * tensors; "" if none, or for a NULL interpreter. */
const char* edgeml_interpreter_last_error(const EdgemlInterpreter* interpreter);

/* Counts are -1 for a NULL interpreter. */
int32_t edgeml_interpreter_input_count(const EdgemlInterpreter* interpreter);
int32_t edgeml_interpreter_output_count(const EdgemlInterpreter* interpreter);
/* Borrowed tensors; NULL for a NULL interpreter or an index out of range. */
EdgemlTensor* edgeml_interpreter_input(EdgemlInterpreter* interpreter, int32_t input_index);
const EdgemlTensor* edgeml_interpreter_output(const EdgemlInterpreter* interpreter,
                                              int32_t output_index);
/* Every tensor of the primary subgraph (weights, intermediates, ...), by
 * tensor index in [0, tensor_count); -1 / NULL as above. Read-only use:
 * constant tensors point into the model's bytes. */
int32_t edgeml_interpreter_tensor_count(const EdgemlInterpreter* interpreter);
const EdgemlTensor* edgeml_interpreter_tensor(const EdgemlInterpreter* interpreter,
                                              int32_t tensor_index);
/* Nodes of the primary subgraph; -1 for a NULL interpreter. */
int32_t edgeml_interpreter_node_count(const EdgemlInterpreter* interpreter);
/* Name of the delegate that runs node `node_index` as of the last successful
 * allocate_tensors ("vulkan", "plugin:sample_add"), "" when the CPU runs it,
 * NULL for a NULL interpreter or an index out of range. Valid until the next
 * allocate_tensors. */
const char* edgeml_interpreter_node_delegate(const EdgemlInterpreter* interpreter,
                                             int32_t node_index);
/* Position of the input/output named `name`, or -1. */
int32_t edgeml_interpreter_find_input(const EdgemlInterpreter* interpreter, const char* name);
int32_t edgeml_interpreter_find_output(const EdgemlInterpreter* interpreter, const char* name);

/* ---- Tensors (borrowed from an interpreter) ---- */

EdgemlDataType edgeml_tensor_type(const EdgemlTensor* tensor); /* kEdgemlNoType if NULL */
const char* edgeml_tensor_name(const EdgemlTensor* tensor);    /* NULL if NULL */
int32_t edgeml_tensor_rank(const EdgemlTensor* tensor);        /* -1 if NULL */
/* Dim `dim_index`, or -1 for a NULL tensor or an index out of range. */
int32_t edgeml_tensor_dim(const EdgemlTensor* tensor, int32_t dim_index);
/* All dims (rank entries); NULL for rank 0 or a NULL tensor. */
const int32_t* edgeml_tensor_dims(const EdgemlTensor* tensor);
/* Product of dims (1 for a scalar); -1 if NULL. */
int64_t edgeml_tensor_element_count(const EdgemlTensor* tensor);
/* Bytes of data for the current shape; 0 before allocation or if NULL. */
size_t edgeml_tensor_byte_size(const EdgemlTensor* tensor);
/* Raw data; NULL before allocate_tensors (for non-constant tensors) or if
 * NULL. Writable for inputs; constant tensors must not be written. */
void* edgeml_tensor_data(const EdgemlTensor* tensor);

/* Per-tensor params (the first entry for per-channel); zeros if the tensor
 * is not quantized or is NULL. */
EdgemlQuantizationParams edgeml_tensor_quantization_params(const EdgemlTensor* tensor);
/* The complete params, including per-channel arrays. */
EdgemlStatus edgeml_tensor_quantization(const EdgemlTensor* tensor,
                                        EdgemlQuantization* out_quantization);

/* Copies exactly edgeml_tensor_byte_size(tensor) bytes in or out; `size`
 * must equal it (kEdgemlInvalidArgument otherwise). Fails with
 * kEdgemlFailedPrecondition before allocation, and copy_from_buffer also
 * for constant tensors. */
EdgemlStatus edgeml_tensor_copy_from_buffer(EdgemlTensor* tensor, const void* data, size_t size);
EdgemlStatus edgeml_tensor_copy_to_buffer(const EdgemlTensor* tensor, void* data, size_t size);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* EDGEML_C_API_H_ */
