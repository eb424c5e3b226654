/* Tests of the C API, written in C99 so that the header is checked from C.
 *
 * Usage: c_api_test [testdata_dir]
 * The default directory comes from the EDGEML_TESTDATA_DIR definition.
 * Prints "N passed, M failed" last and exits non-zero on any failure. */
#include "edgeml/c_api.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef EDGEML_TESTDATA_DIR
#define EDGEML_TESTDATA_DIR "testdata"
#endif

static const char* g_testdata = EDGEML_TESTDATA_DIR;
static int g_current_failed;

#define CHECK(cond)                                                              \
  do {                                                                           \
    if (!(cond)) {                                                               \
      g_current_failed = 1;                                                      \
      fprintf(stderr, "  %s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                            \
  } while (0)

/* A status check that also prints the library's message. */
#define CHECK_STATUS(expr, expected)                                                            \
  do {                                                                                          \
    EdgemlStatus check_status_ = (expr);                                                        \
    if (check_status_ != (expected)) {                                                          \
      g_current_failed = 1;                                                                     \
      fprintf(stderr, "  %s:%d: %s returned %s, expected %s (last error: %s)\n", __FILE__,      \
              __LINE__, #expr, edgeml_status_name(check_status_), edgeml_status_name(expected), \
              edgeml_last_error());                                                             \
    }                                                                                           \
  } while (0)

#define CHECK_OK(expr) CHECK_STATUS(expr, kEdgemlOk)

static void path_join(char* out, size_t cap, const char* rel) {
  snprintf(out, cap, "%s/%s", g_testdata, rel);
}

static const char* kModel = "models/face_detection_short_range.tflite";

/* ---- a tiny .npy reader (format 1.0/2.0, little-endian f4 or f2, C order) ---- */

typedef struct Npy {
  int rank;
  int64_t dims[8];
  size_t count;
  float* data; /* converted to float32 */
} Npy;

static void* read_file(const char* path, size_t* size) {
  FILE* f = fopen(path, "rb");
  if (!f) return NULL;
  if (fseek(f, 0, SEEK_END) != 0) {
    fclose(f);
    return NULL;
  }
  long n = ftell(f);
  if (n < 0 || fseek(f, 0, SEEK_SET) != 0) {
    fclose(f);
    return NULL;
  }
  /* malloc alignment (16 on x86-64/arm64) lets the model be used in place. */
  void* buf = malloc(n > 0 ? (size_t)n : 1);
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  *size = (size_t)n;
  return buf;
}

static float half_to_float(uint16_t h) {
  const int sign = (h >> 15) & 1;
  const int exponent = (h >> 10) & 0x1f;
  const int mantissa = h & 0x3ff;
  float v;
  if (exponent == 0) {
    v = ldexpf((float)mantissa, -24);
  } else if (exponent == 31) {
    v = mantissa ? NAN : INFINITY;
  } else {
    v = ldexpf((float)(mantissa | 0x400), exponent - 25);
  }
  return sign ? -v : v;
}

/* Returns 0 on success. */
static int npy_load(const char* path, Npy* out) {
  size_t size = 0;
  unsigned char* bytes = (unsigned char*)read_file(path, &size);
  memset(out, 0, sizeof(*out));
  if (!bytes) return -1;
  int rc = -1;
  size_t header_len = 0, data_offset = 0;
  if (size < 10 || memcmp(bytes, "\x93NUMPY", 6) != 0) goto done;
  if (bytes[6] == 1) {
    header_len = (size_t)bytes[8] | ((size_t)bytes[9] << 8);
    data_offset = 10 + header_len;
  } else if (bytes[6] == 2 && size >= 12) {
    header_len = (size_t)bytes[8] | ((size_t)bytes[9] << 8) | ((size_t)bytes[10] << 16) |
                 ((size_t)bytes[11] << 24);
    data_offset = 12 + header_len;
  } else {
    goto done;
  }
  if (data_offset > size) goto done;
  {
    char header[512];
    size_t hl = header_len < sizeof(header) - 1 ? header_len : sizeof(header) - 1;
    memcpy(header, bytes + data_offset - header_len, hl);
    header[hl] = '\0';
    int is_f2;
    if (strstr(header, "'descr': '<f4'")) {
      is_f2 = 0;
    } else if (strstr(header, "'descr': '<f2'")) {
      is_f2 = 1;
    } else {
      goto done;
    }
    if (!strstr(header, "'fortran_order': False")) goto done;
    const char* p = strstr(header, "'shape': (");
    if (!p) goto done;
    p += strlen("'shape': (");
    out->count = 1;
    while (*p && *p != ')') {
      char* end;
      long long d = strtoll(p, &end, 10);
      if (end == p || out->rank >= 8 || d < 0) goto done;
      out->dims[out->rank++] = d;
      out->count *= (size_t)d;
      p = end;
      while (*p == ',' || *p == ' ') ++p;
    }
    const size_t elem = is_f2 ? 2 : 4;
    if (size - data_offset != out->count * elem) goto done;
    out->data = (float*)malloc(out->count * sizeof(float) + 1);
    if (!out->data) goto done;
    const unsigned char* d = bytes + data_offset;
    for (size_t i = 0; i < out->count; ++i) {
      if (is_f2) {
        out->data[i] = half_to_float((uint16_t)(d[2 * i] | (d[2 * i + 1] << 8)));
      } else {
        uint32_t u = (uint32_t)d[4 * i] | ((uint32_t)d[4 * i + 1] << 8) |
                     ((uint32_t)d[4 * i + 2] << 16) | ((uint32_t)d[4 * i + 3] << 24);
        memcpy(&out->data[i], &u, 4);
      }
    }
    rc = 0;
  }
done:
  free(bytes);
  return rc;
}

/* ---- helpers ---- */

static EdgemlInterpreter* make_interpreter(EdgemlModel* model) {
  EdgemlInterpreter* interp = NULL;
  CHECK_OK(edgeml_interpreter_create(model, NULL, &interp));
  if (interp) CHECK_OK(edgeml_interpreter_allocate_tensors(interp));
  return interp;
}

static void fill_pattern(float* x, size_t n) {
  for (size_t i = 0; i < n; ++i) x[i] = (float)((int)((i * 7919u) % 2001u) - 1000) / 1000.0f;
}

/* Runs `interp` on the pattern input and returns both outputs (malloc'd). */
static void run_pattern(EdgemlInterpreter* interp, float** out0, float** out1) {
  *out0 = *out1 = NULL;
  EdgemlTensor* in = edgeml_interpreter_input(interp, 0);
  size_t in_bytes = edgeml_tensor_byte_size(in);
  float* x = (float*)malloc(in_bytes);
  CHECK(x != NULL);
  if (!x) return;
  fill_pattern(x, in_bytes / sizeof(float));
  CHECK_OK(edgeml_tensor_copy_from_buffer(in, x, in_bytes));
  free(x);
  CHECK_OK(edgeml_interpreter_invoke(interp));
  const EdgemlTensor* o0 = edgeml_interpreter_output(interp, 0);
  const EdgemlTensor* o1 = edgeml_interpreter_output(interp, 1);
  *out0 = (float*)malloc(edgeml_tensor_byte_size(o0));
  *out1 = (float*)malloc(edgeml_tensor_byte_size(o1));
  CHECK_OK(edgeml_tensor_copy_to_buffer(o0, *out0, edgeml_tensor_byte_size(o0)));
  CHECK_OK(edgeml_tensor_copy_to_buffer(o1, *out1, edgeml_tensor_byte_size(o1)));
}

static float max_abs_diff(const float* a, const float* b, size_t n) {
  float m = 0.0f;
  for (size_t i = 0; i < n; ++i) {
    float e = fabsf(a[i] - b[i]);
    if (!(e <= m)) m = e; /* NaN propagates */
  }
  return m;
}

/* ---- tests ---- */

static void test_library_info(void) {
  const char* v = edgeml_version();
  CHECK(v != NULL && strlen(v) >= 5 && strchr(v, '.') != NULL);
  CHECK(strcmp(edgeml_status_name(kEdgemlOk), "OK") == 0);
  CHECK(strcmp(edgeml_status_name(kEdgemlIoError), "IoError") == 0);
  CHECK(strcmp(edgeml_status_name((EdgemlStatus)42), "Unknown") == 0);
  CHECK(strcmp(edgeml_data_type_name(kEdgemlFloat32), "FLOAT32") == 0);
  CHECK(strcmp(edgeml_data_type_name(kEdgemlInt8), "INT8") == 0);
  CHECK(strcmp(edgeml_data_type_name(kEdgemlNoType), "UNKNOWN") == 0);
  CHECK(strcmp(edgeml_data_type_name((EdgemlDataType)99), "UNKNOWN") == 0);
  CHECK(edgeml_data_type_size(kEdgemlFloat32) == 4);
  CHECK(edgeml_data_type_size(kEdgemlInt16) == 2);
  CHECK(edgeml_data_type_size(kEdgemlString) == 0);
}

static void check_tensor(const EdgemlTensor* t, const char* name, int rank, const int32_t* dims) {
  CHECK(t != NULL);
  if (!t) return;
  CHECK(edgeml_tensor_name(t) != NULL && strcmp(edgeml_tensor_name(t), name) == 0);
  CHECK(edgeml_tensor_type(t) == kEdgemlFloat32);
  CHECK(edgeml_tensor_rank(t) == rank);
  int64_t count = 1;
  const int32_t* all = edgeml_tensor_dims(t);
  CHECK(all != NULL);
  for (int i = 0; i < rank; ++i) {
    CHECK(edgeml_tensor_dim(t, i) == dims[i]);
    if (all) CHECK(all[i] == dims[i]);
    count *= dims[i];
  }
  CHECK(edgeml_tensor_dim(t, rank) == -1);
  CHECK(edgeml_tensor_dim(t, -1) == -1);
  CHECK(edgeml_tensor_element_count(t) == count);
  CHECK(edgeml_tensor_byte_size(t) == (size_t)count * 4);
  CHECK(edgeml_tensor_data(t) != NULL);
  /* Float tensors carry no quantization. */
  EdgemlQuantizationParams qp = edgeml_tensor_quantization_params(t);
  CHECK(qp.scale == 0.0f && qp.zero_point == 0);
  EdgemlQuantization q;
  memset(&q, 0xff, sizeof(q));
  CHECK_OK(edgeml_tensor_quantization(t, &q));
  CHECK(q.scale_count == 0 && q.scales == NULL && q.zero_point_count == 0 && q.zero_points == NULL);
}

static void test_model_io(void) {
  char path[1024];
  path_join(path, sizeof(path), kModel);
  EdgemlModel* model = NULL;
  CHECK_OK(edgeml_model_create_from_file(path, &model));
  if (!model) return;
  EdgemlInterpreter* interp = make_interpreter(model);
  edgeml_model_delete(model);
  if (!interp) return;
  CHECK(edgeml_interpreter_input_count(interp) == 1);
  CHECK(edgeml_interpreter_output_count(interp) == 2);
  const int32_t in_dims[] = {1, 128, 128, 3};
  const int32_t out0_dims[] = {1, 896, 16};
  const int32_t out1_dims[] = {1, 896, 1};
  check_tensor(edgeml_interpreter_input(interp, 0), "input", 4, in_dims);
  check_tensor(edgeml_interpreter_output(interp, 0), "regressors", 3, out0_dims);
  check_tensor(edgeml_interpreter_output(interp, 1), "classificators", 3, out1_dims);
  CHECK(edgeml_interpreter_input(interp, 1) == NULL);
  CHECK(edgeml_interpreter_input(interp, -1) == NULL);
  CHECK(edgeml_interpreter_output(interp, 2) == NULL);
  CHECK(edgeml_interpreter_find_input(interp, "input") == 0);
  CHECK(edgeml_interpreter_find_output(interp, "classificators") == 1);
  CHECK(edgeml_interpreter_find_output(interp, "nope") == -1);
  /* Handles are stable: asking twice gives the same pointer. */
  CHECK(edgeml_interpreter_input(interp, 0) == edgeml_interpreter_input(interp, 0));
  edgeml_interpreter_delete(interp);
}

/* Compares against LiteRT reference outputs stored as .npy
 * (testdata/golden/face_detection_short_range, see its manifest.json). */
static void test_golden(void) {
  char path[1024];
  Npy input, ref[2];
  path_join(path, sizeof(path), "golden/face_detection_short_range/input_0.npy");
  CHECK(npy_load(path, &input) == 0);
  path_join(path, sizeof(path), "golden/face_detection_short_range/output_0.npy");
  CHECK(npy_load(path, &ref[0]) == 0);
  path_join(path, sizeof(path), "golden/face_detection_short_range/output_1.npy");
  CHECK(npy_load(path, &ref[1]) == 0);
  if (!input.data || !ref[0].data || !ref[1].data) goto cleanup;
  CHECK(input.rank == 4 && input.dims[1] == 128 && input.dims[3] == 3);
  CHECK(ref[0].count == 896 * 16 && ref[1].count == 896);

  path_join(path, sizeof(path), kModel);
  EdgemlModel* model = NULL;
  CHECK_OK(edgeml_model_create_from_file(path, &model));
  EdgemlInterpreter* interp = model ? make_interpreter(model) : NULL;
  edgeml_model_delete(model);
  if (!interp) goto cleanup;
  EdgemlTensor* in = edgeml_interpreter_input(interp, 0);
  CHECK_OK(edgeml_tensor_copy_from_buffer(in, input.data, input.count * sizeof(float)));
  CHECK_OK(edgeml_interpreter_invoke(interp));
  for (int k = 0; k < 2; ++k) {
    const EdgemlTensor* o = edgeml_interpreter_output(interp, k);
    CHECK(edgeml_tensor_byte_size(o) == ref[k].count * sizeof(float));
    float* got = (float*)malloc(ref[k].count * sizeof(float));
    if (!got) continue;
    CHECK_OK(edgeml_tensor_copy_to_buffer(o, got, ref[k].count * sizeof(float)));
    /* The raw pointer shows the same bytes that were copied out. */
    CHECK(memcmp(got, edgeml_tensor_data(o), ref[k].count * sizeof(float)) == 0);
    /* Tolerance from the manifest: 1e-4 * max(1, max|ref|). */
    float max_ref = 1.0f, max_err = 0.0f;
    for (size_t i = 0; i < ref[k].count; ++i) {
      if (fabsf(ref[k].data[i]) > max_ref) max_ref = fabsf(ref[k].data[i]);
    }
    for (size_t i = 0; i < ref[k].count; ++i) {
      float e = fabsf(got[i] - ref[k].data[i]);
      if (!(e <= max_err)) max_err = e; /* NaN propagates */
    }
    if (!(max_err <= 1e-4f * max_ref)) {
      fprintf(stderr, "  output %d: max_abs_err %g > %g\n", k, max_err, 1e-4f * max_ref);
    }
    CHECK(max_err <= 1e-4f * max_ref);
    CHECK(max_ref > 10.0f); /* the goldens are not trivially small */
    free(got);
  }
  edgeml_interpreter_delete(interp);
cleanup:
  free(input.data);
  free(ref[0].data);
  free(ref[1].data);
}

/* Same input, same bits: across invokes, interpreters and load paths. */
static void test_determinism_and_load_paths(void) {
  char path[1024];
  path_join(path, sizeof(path), kModel);
  size_t size = 0;
  void* bytes = read_file(path, &size);
  CHECK(bytes != NULL && size > 0);
  if (!bytes) return;

  EdgemlModel* from_file = NULL;
  EdgemlModel* in_place = NULL;
  EdgemlModel* copied = NULL;
  CHECK_OK(edgeml_model_create_from_file(path, &from_file));
  CHECK_OK(edgeml_model_create_from_buffer(bytes, size, &in_place));
  CHECK_OK(edgeml_model_create_from_buffer_copy(bytes, size, &copied));
  if (!from_file || !in_place || !copied) goto cleanup;
  {
    /* Two interpreters share one model; the copied model outlives the
     * caller's buffer only through its own copy: scribble on it below. */
    EdgemlInterpreter* a = make_interpreter(from_file);
    EdgemlInterpreter* b = make_interpreter(from_file);
    EdgemlInterpreter* c = make_interpreter(in_place);
    EdgemlInterpreter* d = make_interpreter(copied);
    edgeml_model_delete(copied);
    copied = NULL;
    if (a && b && c && d) {
      float *a0, *a1, *x0, *x1;
      const size_t n0 = 896 * 16 * sizeof(float), n1 = 896 * sizeof(float);
      run_pattern(a, &a0, &a1);
      /* a0 holds values that differ from a zero input's outputs. */
      int nonzero = 0;
      for (size_t i = 0; a0 && i < 896 * 16; ++i) nonzero += a0[i] != 0.0f;
      CHECK(nonzero > 1000);
      EdgemlInterpreter* others[4] = {a, b, c, NULL};
      for (int k = 0; k < 3; ++k) {
        run_pattern(others[k], &x0, &x1);
        CHECK(a0 && x0 && memcmp(a0, x0, n0) == 0);
        CHECK(a1 && x1 && memcmp(a1, x1, n1) == 0);
        free(x0);
        free(x1);
      }
      /* The copying load must not depend on the caller's bytes. */
      edgeml_interpreter_delete(c);
      c = NULL;
      edgeml_model_delete(in_place);
      in_place = NULL;
      memset(bytes, 0xA5, size);
      run_pattern(d, &x0, &x1);
      CHECK(a0 && x0 && memcmp(a0, x0, n0) == 0);
      CHECK(a1 && x1 && memcmp(a1, x1, n1) == 0);
      free(x0);
      free(x1);
      free(a0);
      free(a1);
    }
    edgeml_interpreter_delete(a);
    edgeml_interpreter_delete(b);
    edgeml_interpreter_delete(c);
    edgeml_interpreter_delete(d);
  }
cleanup:
  edgeml_model_delete(from_file);
  edgeml_model_delete(in_place);
  edgeml_model_delete(copied);
  free(bytes);
}

static void test_load_errors(void) {
  char path[1024];
  path_join(path, sizeof(path), "models/does_not_exist.tflite");
  EdgemlModel* model = (EdgemlModel*)&path; /* must be reset to NULL */
  CHECK_STATUS(edgeml_model_create_from_file(path, &model), kEdgemlIoError);
  CHECK(model == NULL);
  CHECK(strstr(edgeml_last_error(), "does_not_exist.tflite") != NULL);
  CHECK(strstr(edgeml_last_error(), "IoError") != NULL);

  static const char garbage[64] = "this is not a flatbuffer, not even close";
  CHECK_STATUS(edgeml_model_create_from_buffer_copy(garbage, sizeof(garbage), &model),
               kEdgemlInvalidModel);
  CHECK(model == NULL);
  CHECK(strlen(edgeml_last_error()) > 0);

  CHECK_STATUS(edgeml_model_create_from_file(NULL, &model), kEdgemlInvalidArgument);
  CHECK_STATUS(edgeml_model_create_from_file(path, NULL), kEdgemlInvalidArgument);
  CHECK_STATUS(edgeml_model_create_from_buffer(NULL, 10, &model), kEdgemlInvalidArgument);
  CHECK_STATUS(edgeml_model_create_from_buffer_copy(garbage, 0, &model), kEdgemlInvalidModel);
  edgeml_model_delete(NULL);
}

static void test_null_arguments(void) {
  EdgemlInterpreter* interp = NULL;
  CHECK_STATUS(edgeml_interpreter_create(NULL, NULL, &interp), kEdgemlInvalidArgument);
  CHECK(interp == NULL);
  CHECK(strstr(edgeml_last_error(), "model") != NULL);
  CHECK_STATUS(edgeml_interpreter_allocate_tensors(NULL), kEdgemlInvalidArgument);
  CHECK_STATUS(edgeml_interpreter_invoke(NULL), kEdgemlInvalidArgument);
  CHECK_STATUS(edgeml_interpreter_resize_input(NULL, 0, NULL, 0), kEdgemlInvalidArgument);
  CHECK_STATUS(edgeml_interpreter_options_create(NULL), kEdgemlInvalidArgument);
  CHECK_STATUS(edgeml_interpreter_options_set_num_threads(NULL, 2), kEdgemlInvalidArgument);
  CHECK_STATUS(edgeml_interpreter_options_set_memory_limit_bytes(NULL, 1), kEdgemlInvalidArgument);
  CHECK(strcmp(edgeml_interpreter_last_error(NULL), "") == 0);
  CHECK(edgeml_interpreter_input_count(NULL) == -1);
  CHECK(edgeml_interpreter_output_count(NULL) == -1);
  CHECK(edgeml_interpreter_input(NULL, 0) == NULL);
  CHECK(edgeml_interpreter_output(NULL, 0) == NULL);
  CHECK(edgeml_interpreter_find_input(NULL, "input") == -1);
  CHECK(edgeml_tensor_type(NULL) == kEdgemlNoType);
  CHECK(edgeml_tensor_name(NULL) == NULL);
  CHECK(edgeml_tensor_rank(NULL) == -1);
  CHECK(edgeml_tensor_dim(NULL, 0) == -1);
  CHECK(edgeml_tensor_dims(NULL) == NULL);
  CHECK(edgeml_tensor_element_count(NULL) == -1);
  CHECK(edgeml_tensor_byte_size(NULL) == 0);
  CHECK(edgeml_tensor_data(NULL) == NULL);
  EdgemlQuantizationParams qp = edgeml_tensor_quantization_params(NULL);
  CHECK(qp.scale == 0.0f && qp.zero_point == 0);
  EdgemlQuantization q;
  CHECK_STATUS(edgeml_tensor_quantization(NULL, &q), kEdgemlInvalidArgument);
  float x = 0;
  CHECK_STATUS(edgeml_tensor_copy_from_buffer(NULL, &x, 4), kEdgemlInvalidArgument);
  CHECK_STATUS(edgeml_tensor_copy_to_buffer(NULL, &x, 4), kEdgemlInvalidArgument);
  edgeml_interpreter_delete(NULL);
  edgeml_interpreter_options_delete(NULL);
}

static void test_interpreter_errors(void) {
  char path[1024];
  path_join(path, sizeof(path), kModel);
  EdgemlModel* model = NULL;
  CHECK_OK(edgeml_model_create_from_file(path, &model));
  if (!model) return;
  EdgemlInterpreter* interp = NULL;
  CHECK_OK(edgeml_interpreter_create(model, NULL, &interp));
  if (!interp) {
    edgeml_model_delete(model);
    return;
  }
  CHECK(strcmp(edgeml_interpreter_last_error(interp), "") == 0);
  EdgemlTensor* in = edgeml_interpreter_input(interp, 0);
  const size_t in_bytes = 128 * 128 * 3 * sizeof(float);
  float* x = (float*)calloc(1, in_bytes);
  float* y = (float*)calloc(1, in_bytes);
  CHECK(x != NULL && y != NULL);

  /* Before allocation: invoke and copies are refused. */
  CHECK_STATUS(edgeml_interpreter_invoke(interp), kEdgemlFailedPrecondition);
  CHECK(strstr(edgeml_interpreter_last_error(interp), "AllocateTensors") != NULL);
  CHECK(strcmp(edgeml_interpreter_last_error(interp), edgeml_last_error()) == 0);
  CHECK_STATUS(edgeml_tensor_copy_from_buffer(in, x, in_bytes), kEdgemlFailedPrecondition);
  CHECK(strstr(edgeml_interpreter_last_error(interp), "allocate_tensors") != NULL);

  CHECK_OK(edgeml_interpreter_allocate_tensors(interp));
  /* Wrong sizes and NULL buffers. */
  CHECK_STATUS(edgeml_tensor_copy_from_buffer(in, x, in_bytes - 4), kEdgemlInvalidArgument);
  CHECK(strstr(edgeml_interpreter_last_error(interp), "'input'") != NULL);
  CHECK_STATUS(edgeml_tensor_copy_from_buffer(in, x, in_bytes + 4), kEdgemlInvalidArgument);
  CHECK_STATUS(edgeml_tensor_copy_from_buffer(in, NULL, in_bytes), kEdgemlInvalidArgument);
  const EdgemlTensor* out = edgeml_interpreter_output(interp, 1);
  CHECK_STATUS(edgeml_tensor_copy_to_buffer(out, y, 100), kEdgemlInvalidArgument);
  CHECK(strstr(edgeml_interpreter_last_error(interp), "classificators") != NULL);
  CHECK_STATUS(edgeml_tensor_copy_to_buffer(out, NULL, 896 * 4), kEdgemlInvalidArgument);
  EdgemlQuantization q;
  CHECK_STATUS(edgeml_tensor_quantization(in, NULL), kEdgemlInvalidArgument);
  (void)q;

  /* Copy in, then back out: the same bytes. */
  fill_pattern(x, in_bytes / sizeof(float));
  CHECK_OK(edgeml_tensor_copy_from_buffer(in, x, in_bytes));
  CHECK_OK(edgeml_tensor_copy_to_buffer(in, y, in_bytes));
  CHECK(memcmp(x, y, in_bytes) == 0);

  /* Resizing: bad shapes are refused; a resize requires allocation again. */
  const int32_t bad_dims[] = {1, -3, 128, 3};
  CHECK_STATUS(edgeml_interpreter_resize_input(interp, 0, bad_dims, 4), kEdgemlInvalidArgument);
  CHECK_STATUS(edgeml_interpreter_resize_input(interp, 0, NULL, 4), kEdgemlInvalidArgument);
  CHECK_STATUS(edgeml_interpreter_resize_input(interp, 0, bad_dims, -1), kEdgemlInvalidArgument);
  const int32_t dims[] = {1, 128, 128, 3};
  CHECK_STATUS(edgeml_interpreter_resize_input(interp, 1, dims, 4), kEdgemlInvalidArgument);
  CHECK_OK(edgeml_interpreter_resize_input(interp, 0, dims, 4));
  CHECK_STATUS(edgeml_interpreter_invoke(interp), kEdgemlFailedPrecondition);
  CHECK_OK(edgeml_interpreter_allocate_tensors(interp));
  in = edgeml_interpreter_input(interp, 0);
  CHECK(edgeml_tensor_dim(in, 1) == 128);
  CHECK_OK(edgeml_tensor_copy_from_buffer(in, x, in_bytes));
  CHECK_OK(edgeml_interpreter_invoke(interp));

  free(x);
  free(y);
  edgeml_interpreter_delete(interp);
  edgeml_model_delete(model);
}

static void test_options(void) {
  char path[1024];
  path_join(path, sizeof(path), kModel);
  EdgemlModel* model = NULL;
  CHECK_OK(edgeml_model_create_from_file(path, &model));
  EdgemlInterpreterOptions* options = NULL;
  CHECK_OK(edgeml_interpreter_options_create(&options));
  if (!model || !options) goto cleanup;

  /* num_threads is checked by interpreter creation. */
  CHECK_OK(edgeml_interpreter_options_set_num_threads(options, 0));
  EdgemlInterpreter* interp = NULL;
  CHECK_STATUS(edgeml_interpreter_create(model, options, &interp), kEdgemlInvalidArgument);
  CHECK(interp == NULL);
  CHECK(strstr(edgeml_last_error(), "num_threads") != NULL);

  /* A memory cap far below what the model needs fails allocation. */
  CHECK_OK(edgeml_interpreter_options_set_num_threads(options, 2));
  CHECK_OK(edgeml_interpreter_options_set_memory_limit_bytes(options, 1024));
  CHECK_OK(edgeml_interpreter_create(model, options, &interp));
  edgeml_interpreter_options_delete(options); /* copied by create */
  options = NULL;
  if (interp) {
    CHECK_STATUS(edgeml_interpreter_allocate_tensors(interp), kEdgemlResourceExhausted);
    CHECK(strlen(edgeml_interpreter_last_error(interp)) > 0);
    CHECK_STATUS(edgeml_interpreter_invoke(interp), kEdgemlFailedPrecondition);
    edgeml_interpreter_delete(interp);
  }

  /* A generous cap and two threads give the single-thread answer (up to
   * float summation order, should a kernel split a reduction). */
  CHECK_OK(edgeml_interpreter_options_create(&options));
  if (!options) goto cleanup;
  CHECK_OK(edgeml_interpreter_options_set_num_threads(options, 2));
  CHECK_OK(edgeml_interpreter_options_set_memory_limit_bytes(options, (size_t)1 << 30));
  interp = NULL;
  CHECK_OK(edgeml_interpreter_create(model, options, &interp));
  EdgemlInterpreter* single = make_interpreter(model);
  if (interp && single) {
    CHECK_OK(edgeml_interpreter_allocate_tensors(interp));
    float *a0, *a1, *b0, *b1;
    run_pattern(interp, &a0, &a1);
    run_pattern(single, &b0, &b1);
    CHECK(a0 && b0 && max_abs_diff(a0, b0, 896 * 16) <= 1e-3f);
    CHECK(a1 && b1 && max_abs_diff(a1, b1, 896) <= 1e-3f);
    free(a0);
    free(a1);
    free(b0);
    free(b1);
  }
  edgeml_interpreter_delete(interp);
  edgeml_interpreter_delete(single);
cleanup:
  edgeml_interpreter_options_delete(options);
  edgeml_model_delete(model);
}

/* Quantization getters on an int8 conv model (testdata/quant, values from
 * its manifest.json): per-tensor activations, per-channel weights. */
static void test_quantization(void) {
  char path[1024];
  path_join(path, sizeof(path), "quant/conv_s1_same.tflite");
  EdgemlModel* model = NULL;
  CHECK_OK(edgeml_model_create_from_file(path, &model));
  if (!model) return;
  EdgemlInterpreter* interp = make_interpreter(model);
  edgeml_model_delete(model);
  if (!interp) return;
  const EdgemlTensor* in = edgeml_interpreter_input(interp, 0);
  const EdgemlTensor* out = edgeml_interpreter_output(interp, 0);
  CHECK(edgeml_tensor_type(in) == kEdgemlInt8 && edgeml_tensor_type(out) == kEdgemlInt8);
  CHECK(edgeml_tensor_byte_size(in) == 1 * 8 * 8 * 4);
  EdgemlQuantizationParams qi = edgeml_tensor_quantization_params(in);
  EdgemlQuantizationParams qo = edgeml_tensor_quantization_params(out);
  CHECK(fabs(qi.scale - 0.00784143153578043) < 1e-9 && qi.zero_point == 0);
  CHECK(fabs(qo.scale - 0.02895020879805088) < 1e-9 && qo.zero_point == 4);
  EdgemlQuantization q;
  CHECK_OK(edgeml_tensor_quantization(out, &q));
  CHECK(q.scale_count == 1 && q.zero_point_count == 1 && q.scales && q.zero_points);
  if (q.scales && q.zero_points) CHECK(q.scales[0] == qo.scale && q.zero_points[0] == 4);

  /* The weights: int8, one symmetric scale per output channel (dim 0). */
  int found = 0;
  const int32_t n = edgeml_interpreter_tensor_count(interp);
  CHECK(n >= 4);
  CHECK(edgeml_interpreter_tensor(interp, n) == NULL);
  CHECK(edgeml_interpreter_tensor(interp, -1) == NULL);
  for (int32_t i = 0; i < n; ++i) {
    const EdgemlTensor* t = edgeml_interpreter_tensor(interp, i);
    if (edgeml_tensor_type(t) != kEdgemlInt8 || edgeml_tensor_rank(t) != 4) continue;
    CHECK_OK(edgeml_tensor_quantization(t, &q));
    if (q.scale_count <= 1) continue;
    ++found;
    CHECK(q.scale_count == 8 && q.zero_point_count == 8);
    CHECK(q.quantized_dimension == 0);
    CHECK(edgeml_tensor_dim(t, q.quantized_dimension) == q.scale_count);
    for (int32_t c = 0; c < q.scale_count && c < 8; ++c) {
      CHECK(q.scales[c] > 0.0f && q.zero_points[c] == 0);
    }
    CHECK(edgeml_tensor_quantization_params(t).scale == q.scales[0]);
    CHECK(edgeml_tensor_data(t) != NULL);
  }
  CHECK(found == 1);
  edgeml_interpreter_delete(interp);
}

typedef struct TestCase {
  const char* name;
  void (*fn)(void);
} TestCase;

/* ---- custom ops written in C ---- */

static const char* g_custom_model = NULL;
static int g_free_calls = 0;

typedef struct AffineState {
  float a, b;
} AffineState;

static void affine_free(void* state) {
  ++g_free_calls;
  free(state);
}

static EdgemlStatus affine_prepare(EdgemlOpContext* ctx, void* user_data) {
  (void)user_data;
  size_t size = 0;
  const uint8_t* opts = edgeml_op_custom_options(ctx, &size);
  if (edgeml_op_input_count(ctx) != 1 || edgeml_op_output_count(ctx) != 1) {
    return edgeml_op_error(ctx, kEdgemlInvalidModel, "expects 1 input and 1 output");
  }
  if (size != 2 * sizeof(float)) {
    return edgeml_op_error(ctx, kEdgemlInvalidModel, "custom options must hold two floats");
  }
  AffineState* st = (AffineState*)malloc(sizeof(AffineState));
  if (st == NULL) return edgeml_op_error(ctx, kEdgemlResourceExhausted, "out of memory");
  memcpy(&st->a, opts, sizeof(float));
  memcpy(&st->b, opts + sizeof(float), sizeof(float));
  edgeml_op_set_state(ctx, st);
  const EdgemlTensor* in = edgeml_op_input(ctx, 0);
  return edgeml_op_set_output_shape(ctx, 0, edgeml_tensor_dims(in), edgeml_tensor_rank(in));
}

static EdgemlStatus affine_eval(EdgemlOpContext* ctx, void* user_data) {
  const float* bias = (const float*)user_data; /* an extra offset from the application */
  const AffineState* st = (const AffineState*)edgeml_op_state(ctx);
  const EdgemlTensor* in = edgeml_op_input(ctx, 0);
  EdgemlTensor* out = edgeml_op_output(ctx, 0);
  const float* x = (const float*)edgeml_tensor_data(in);
  float* y = (float*)edgeml_tensor_data(out);
  for (int64_t i = 0; i < edgeml_tensor_element_count(in); ++i) y[i] = x[i] * st->a + st->b + *bias;
  return kEdgemlOk;
}

static EdgemlStatus failing_prepare(EdgemlOpContext* ctx, void* user_data) {
  (void)user_data;
  return edgeml_op_error(ctx, kEdgemlInvalidModel, "refusing on purpose");
}

static void test_custom_op(void) {
  if (g_custom_model == NULL) {
    fprintf(stderr, "custom op model path not given (argv[2])\n");
    CHECK(0);
    return;
  }
  EdgemlModel* model = NULL;
  CHECK_OK(edgeml_model_create_from_file(g_custom_model, &model));
  if (!model) return;
  EdgemlInterpreter* interp = NULL;
  /* Without the op: an unsupported-op error that names it. */
  CHECK_STATUS(edgeml_interpreter_create(model, NULL, &interp), kEdgemlUnsupported);
  CHECK(strstr(edgeml_last_error(), "Affine") != NULL);

  EdgemlInterpreterOptions* options = NULL;
  CHECK_OK(edgeml_interpreter_options_create(&options));
  static float extra = 0.5f;
  EdgemlCustomOp op = {"Affine", 1, 1, affine_prepare, affine_eval, affine_free, &extra};
  CHECK_OK(edgeml_interpreter_options_add_custom_op(options, &op));
  CHECK_OK(edgeml_interpreter_create(model, options, &interp));
  if (interp) {
    g_free_calls = 0;
    CHECK_OK(edgeml_interpreter_allocate_tensors(interp));
    const float x[4] = {1, 2, -3, 0.25f};
    float y[4] = {0, 0, 0, 0};
    CHECK_OK(edgeml_tensor_copy_from_buffer(edgeml_interpreter_input(interp, 0), x, sizeof(x)));
    CHECK_OK(edgeml_interpreter_invoke(interp));
    CHECK_OK(edgeml_tensor_copy_to_buffer(edgeml_interpreter_output(interp, 0), y, sizeof(y)));
    for (int i = 0; i < 4; ++i) CHECK(y[i] == x[i] * 3.0f - 1.0f + 0.5f);
    CHECK_OK(edgeml_interpreter_allocate_tensors(interp)); /* replaces the node state */
    CHECK(g_free_calls == 1);
    edgeml_interpreter_delete(interp);
    CHECK(g_free_calls == 2);
    interp = NULL;
  }
  /* A failing prepare reports the op, the node and the op's own message. */
  EdgemlCustomOp bad = {"Affine", 1, 1, failing_prepare, affine_eval, NULL, NULL};
  CHECK_OK(edgeml_interpreter_options_add_custom_op(options, &bad)); /* later one wins */
  CHECK_OK(edgeml_interpreter_create(model, options, &interp));
  if (interp) {
    CHECK_STATUS(edgeml_interpreter_allocate_tensors(interp), kEdgemlInvalidModel);
    CHECK(strstr(edgeml_interpreter_last_error(interp), "Affine (node 0): refusing on purpose") !=
          NULL);
    edgeml_interpreter_delete(interp);
  }
  EdgemlCustomOp no_eval = {"X", 1, 1, NULL, NULL, NULL, NULL};
  CHECK_STATUS(edgeml_interpreter_options_add_custom_op(options, &no_eval), kEdgemlInvalidArgument);
  edgeml_interpreter_options_delete(options);
  edgeml_model_delete(model);
}

#ifndef EDGEML_SAMPLE_DELEGATE
#define EDGEML_SAMPLE_DELEGATE "libedgeml_sample_delegate.so"
#endif

/* The sample external delegate (examples/delegate_plugin) takes the zoo's
 * float32 ADD; the result equals LiteRT's recorded output. */
static void test_delegate_plugin(void) {
  char path[1024], in0_path[1024], in1_path[1024], out_path[1024];
  path_join(path, sizeof(path), "zoo/add.tflite");
  path_join(in0_path, sizeof(in0_path), "zoo/add.input_0.npy");
  path_join(in1_path, sizeof(in1_path), "zoo/add.input_1.npy");
  path_join(out_path, sizeof(out_path), "zoo/add.output_0.npy");
  EdgemlModel* model = NULL;
  EdgemlInterpreterOptions* options = NULL;
  EdgemlInterpreter* interp = NULL;
  Npy in0, in1, expected;
  memset(&in0, 0, sizeof(in0));
  memset(&in1, 0, sizeof(in1));
  memset(&expected, 0, sizeof(expected));
  CHECK_OK(edgeml_model_create_from_file(path, &model));
  CHECK_OK(edgeml_interpreter_options_create(&options));
  if (!model || !options) goto cleanup;

  /* Bad plugins and options fail at add time and leave the options usable. */
  CHECK_STATUS(edgeml_interpreter_options_add_delegate_plugin(options, "/nonexistent/lib.so", NULL,
                                                              NULL, 0),
               kEdgemlIoError);
  CHECK(strstr(edgeml_last_error(), "/nonexistent/lib.so") != NULL);
  {
    const char* keys[] = {"colour"};
    const char* values[] = {"blue"};
    CHECK_STATUS(edgeml_interpreter_options_add_delegate_plugin(options, EDGEML_SAMPLE_DELEGATE,
                                                                keys, values, 1),
                 kEdgemlInvalidArgument);
    CHECK(strstr(edgeml_last_error(), "unknown option 'colour'") != NULL);
  }
  CHECK_STATUS(edgeml_interpreter_options_add_delegate(options, "no_such_delegate", NULL, NULL, 0),
               kEdgemlInvalidArgument);
  CHECK(strstr(edgeml_last_error(), "no_such_delegate") != NULL);

  {
    const char* keys[] = {"min_elements"};
    const char* values[] = {"1"};
    CHECK_OK(edgeml_interpreter_options_add_delegate_plugin(options, EDGEML_SAMPLE_DELEGATE, keys,
                                                            values, 1));
  }
  CHECK_OK(edgeml_interpreter_create(model, options, &interp));
  edgeml_interpreter_options_delete(options); /* the interpreter keeps the delegate */
  options = NULL;
  if (!interp) goto cleanup;
  CHECK(edgeml_interpreter_node_count(interp) == 1);
  CHECK(edgeml_interpreter_node_delegate(interp, 0) != NULL &&
        strcmp(edgeml_interpreter_node_delegate(interp, 0), "") == 0); /* before allocation */
  CHECK_OK(edgeml_interpreter_allocate_tensors(interp));
  CHECK(edgeml_interpreter_node_delegate(interp, 0) != NULL &&
        strcmp(edgeml_interpreter_node_delegate(interp, 0), "plugin:sample_add") == 0);
  CHECK(edgeml_interpreter_node_delegate(interp, 1) == NULL);
  CHECK(npy_load(in0_path, &in0) == 0);
  CHECK(npy_load(in1_path, &in1) == 0);
  CHECK(npy_load(out_path, &expected) == 0);
  if (!in0.data || !in1.data || !expected.data) goto cleanup;
  CHECK_OK(edgeml_tensor_copy_from_buffer(edgeml_interpreter_input(interp, 0), in0.data,
                                          in0.count * sizeof(float)));
  CHECK_OK(edgeml_tensor_copy_from_buffer(edgeml_interpreter_input(interp, 1), in1.data,
                                          in1.count * sizeof(float)));
  CHECK_OK(edgeml_interpreter_invoke(interp));
  {
    const EdgemlTensor* out = edgeml_interpreter_output(interp, 0);
    CHECK(edgeml_tensor_byte_size(out) == expected.count * sizeof(float));
    if (edgeml_tensor_byte_size(out) == expected.count * sizeof(float)) {
      CHECK(memcmp(edgeml_tensor_data(out), expected.data, expected.count * sizeof(float)) == 0);
    }
  }
cleanup:
  free(in0.data);
  free(in1.data);
  free(expected.data);
  edgeml_interpreter_delete(interp);
  edgeml_interpreter_options_delete(options);
  edgeml_model_delete(model);
}

int main(int argc, char** argv) {
  if (argc > 1) g_testdata = argv[1];
  if (argc > 2) g_custom_model = argv[2];
  static const TestCase tests[] = {
      {"library_info", test_library_info},
      {"model_io", test_model_io},
      {"golden", test_golden},
      {"determinism_and_load_paths", test_determinism_and_load_paths},
      {"load_errors", test_load_errors},
      {"null_arguments", test_null_arguments},
      {"interpreter_errors", test_interpreter_errors},
      {"options", test_options},
      {"quantization", test_quantization},
      {"custom_op", test_custom_op},
      {"delegate_plugin", test_delegate_plugin},
  };
  int passed = 0, failed = 0;
  for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); ++i) {
    g_current_failed = 0;
    tests[i].fn();
    printf("[%s] %s\n", g_current_failed ? "FAIL" : " OK ", tests[i].name);
    if (g_current_failed) {
      ++failed;
    } else {
      ++passed;
    }
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
