/* A minimal external delegate for edgeml (edgeml/delegate_plugin.h): it
 * claims float32 ADD nodes whose two inputs have the same shape and no fused
 * activation, and runs them on the CPU. It exists to show and test the
 * plugin path; a real plugin would hand its partitions to a device.
 *
 * Build: cc -shared -fPIC -I include sample_add_delegate.c -o libedgeml_sample_delegate.so
 * Options: min_elements=N refuses ADDs with fewer than N output elements. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edgeml/delegate_plugin.h"

enum { kFloat32 = 0, kBuiltinAdd = 0 };

typedef struct {
  long min_elements;
} SampleDelegate;

static void* Create(const char* const* keys, const char* const* values, size_t n, char* msg,
                    size_t msg_size) {
  SampleDelegate* d = (SampleDelegate*)calloc(1, sizeof(SampleDelegate));
  if (!d) {
    snprintf(msg, msg_size, "out of memory");
    return NULL;
  }
  for (size_t i = 0; i < n; ++i) {
    char* end = NULL;
    if (strcmp(keys[i], "min_elements") == 0) {
      d->min_elements = strtol(values[i], &end, 10);
      if (!end || *end != '\0' || d->min_elements < 0) {
        snprintf(msg, msg_size, "min_elements must be a count >= 0, got '%s'", values[i]);
        free(d);
        return NULL;
      }
    } else {
      snprintf(msg, msg_size, "unknown option '%s' (known: min_elements)", keys[i]);
      free(d);
      return NULL;
    }
  }
  return d;
}

static void Destroy(void* d) { free(d); }

static long Elements(const EdgemlPluginTensor* t) {
  long n = 1;
  for (int i = 0; i < t->rank; ++i) n *= t->dims[i];
  return n;
}

static int SameShape(const EdgemlPluginTensor* a, const EdgemlPluginTensor* b) {
  if (a->rank != b->rank) return 0;
  for (int i = 0; i < a->rank; ++i) {
    if (a->dims[i] != b->dims[i]) return 0;
  }
  return 1;
}

/* AddOptions.fused_activation_function (field 0) read from the flatbuffer
 * table: the table starts with a signed offset back to its vtable, whose
 * entries after the two size fields are field offsets (0 = default). */
static int FusedActivation(const void* table) {
  if (!table) return 0;
  const unsigned char* t = (const unsigned char*)table;
  int32_t back;
  memcpy(&back, t, sizeof(back));
  const unsigned char* vt = t - back;
  uint16_t vt_size, field;
  memcpy(&vt_size, vt, sizeof(vt_size));
  if (vt_size < 6) return 0;
  memcpy(&field, vt + 4, sizeof(field));
  return field ? (int)(signed char)t[field] : 0;
}

static int Claim(void* delegate, const EdgemlPluginGraph* g, int32_t index, char* msg,
                 size_t msg_size) {
  const SampleDelegate* d = (const SampleDelegate*)delegate;
  EdgemlPluginNode node;
  EdgemlPluginTensor a, b, y;
  if (g->get_node(g, index, &node) != 0) {
    snprintf(msg, msg_size, "no node %d", (int)index);
    return 1;
  }
  if (node.builtin_code != kBuiltinAdd) {
    snprintf(msg, msg_size, "only ADD is supported");
    return 1;
  }
  if (node.num_inputs != 2 || node.num_outputs != 1 || g->get_tensor(g, node.inputs[0], &a) ||
      g->get_tensor(g, node.inputs[1], &b) || g->get_tensor(g, node.outputs[0], &y)) {
    snprintf(msg, msg_size, "ADD needs 2 inputs and 1 output");
    return 1;
  }
  if (a.type != kFloat32 || b.type != kFloat32 || y.type != kFloat32) {
    snprintf(msg, msg_size, "only FLOAT32 is supported (input types %d, %d)", (int)a.type,
             (int)b.type);
    return 1;
  }
  if (!SameShape(&a, &b) || !SameShape(&a, &y)) {
    snprintf(msg, msg_size, "broadcasting is not supported");
    return 1;
  }
  if (FusedActivation(node.builtin_options) != 0) {
    snprintf(msg, msg_size, "fused activation %d is not supported",
             FusedActivation(node.builtin_options));
    return 1;
  }
  if (Elements(&y) < d->min_elements) {
    snprintf(msg, msg_size, "%ld elements, under min_elements=%ld", Elements(&y), d->min_elements);
    return 1;
  }
  return 0;
}

/* No per-partition state is needed; a non-NULL pointer says "created". */
static void* PartitionCreate(void* delegate, const EdgemlPluginGraph* g,
                             const EdgemlPluginPartition* p, char* msg, size_t msg_size) {
  (void)g;
  (void)p;
  (void)msg;
  (void)msg_size;
  return delegate;
}

static int PartitionPrepare(void* state, const EdgemlPluginGraph* g, const EdgemlPluginPartition* p,
                            char* msg, size_t msg_size) {
  (void)state;
  (void)g;
  (void)p;
  (void)msg;
  (void)msg_size;
  return 0;
}

static int PartitionInvoke(void* state, const EdgemlPluginGraph* g, const EdgemlPluginPartition* p,
                           char* msg, size_t msg_size) {
  (void)state;
  for (int32_t i = 0; i < p->num_nodes; ++i) {
    EdgemlPluginNode node;
    EdgemlPluginTensor a, b, y;
    if (g->get_node(g, p->nodes[i], &node) || g->get_tensor(g, node.inputs[0], &a) ||
        g->get_tensor(g, node.inputs[1], &b) || g->get_tensor(g, node.outputs[0], &y)) {
      snprintf(msg, msg_size, "node %d: cannot read its tensors", (int)p->nodes[i]);
      return 1;
    }
    if (!a.data || !b.data || !y.data) {
      snprintf(msg, msg_size, "node %d: a tensor has no CPU memory", (int)p->nodes[i]);
      return 1;
    }
    const float* x0 = (const float*)a.data;
    const float* x1 = (const float*)b.data;
    float* out = (float*)y.data;
    long n = Elements(&y);
    for (long k = 0; k < n; ++k) out[k] = x0[k] + x1[k];
  }
  return 0;
}

static void PartitionDestroy(void* state) { (void)state; }

static const EdgemlDelegatePlugin kPlugin = {
    EDGEML_DELEGATE_PLUGIN_ABI_VERSION,
    sizeof(EdgemlDelegatePlugin),
    "sample_add",
    Create,
    Destroy,
    Claim,
    PartitionCreate,
    PartitionPrepare,
    PartitionInvoke,
    PartitionDestroy,
    1, /* internal tensors in CPU memory: chained ADDs read each other's outputs */
};

__attribute__((visibility("default"))) const EdgemlDelegatePlugin* edgeml_delegate_plugin(void) {
  return &kPlugin;
}
