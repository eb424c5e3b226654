// UNIDIRECTIONAL_SEQUENCE_LSTM: a kernel test against a hand-computed step,
// single-op models (float: plain, peephole, CIFG, projection, layer norm,
// time-major, activation NONE; hybrid: symmetric and asymmetric inputs)
// compared with LiteRT goldens, and models prepare must reject.
//
// Goldens: with EDGEML_LSTM_DUMP=<dir> the op tests write each model as
// <dir>/<case>.tflite plus its two invoke inputs as <dir>/<case>.in (float32,
// back to back); LiteRT 2.3.0 (OpResolverType.BUILTIN_REF) then ran
//   it = Interpreter(model_path=m, experimental_op_resolver_type=BUILTIN_REF)
//   it.allocate_tensors(); for x in (x0, x1): set_tensor; invoke; get_tensor
// and the two outputs, concatenated, are pasted below.
#include "kernels/reference/lstm.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "util/model_builder.h"

namespace edgeml {
namespace {

using testing::ModelBuilder;
using testing::TestModel;

// ------------------------------------------------------------------ kernel

TEST(LstmKernel, OneFloatStepByHand) {
  // n_input = n_cell = n_output = 1, batch 1, one step, all weights 0.5,
  // biases 0, x = 1, h = c = 0:
  //   i = f = o = sigmoid(0.5), g = tanh(0.5), c = i * g, h = o * tanh(c).
  const float w = 0.5f, zero = 0.f;
  reference::LstmParams p;
  p.max_time = 1;
  p.batch = 1;
  p.n_input = p.n_cell = p.n_output = 1;
  p.activation = reference::LstmActivation::kTanh;
  for (auto& g : p.gate) {
    g.input = &w;
    g.recurrent = &w;
    g.bias = &zero;
  }
  std::vector<uint8_t> buf(static_cast<size_t>(reference::LstmScratchBytes(1, 1, 1, 1)));
  auto s = reference::LstmScratchAt(buf.data(), 1, 1, 1, 1);
  float x = 1.f, h = 0.f, c = 0.f, y = 0.f;
  reference::LstmSequence(p, &x, &h, &c, &y, s);
  const double sig = 1.0 / (1.0 + std::exp(-0.5));
  const double cell = sig * std::tanh(0.5);
  EXPECT_NEAR(c, cell, 1e-6);
  EXPECT_NEAR(y, sig * std::tanh(cell), 1e-6);
  EXPECT_EQ(h, y);
}

// --------------------------------------------------------------- op models

struct LstmCase {
  const char* name;
  int batch = 2, time = 3, n_input = 3, n_cell = 4, n_output = 4;
  bool cifg = false, peephole = false, projection = false, projection_bias = false;
  bool layer_norm = false, time_major = false, hybrid = false, asymmetric = false;
  tfl::ActivationFunctionType act = tfl::ActivationFunctionType::TANH;
  float cell_clip = 0.f, proj_clip = 0.f;
  bool zero_step = false;  // time step 1 of the first invoke is all zero
  // Crafted faults for the negative tests.
  bool per_channel = false;  // hybrid weights with one scale per row
  bool drop_r2i = false;     // recurrent_to_input absent, input_to_input present
};

// Deterministic values in [-a, a].
struct Lcg {
  uint32_t state;
  explicit Lcg(uint32_t seed) : state(seed) {}
  float Next(float a) {
    state = state * 1664525u + 1013904223u;
    return a * (static_cast<float>(state >> 8) / 8388608.f - 1.f);
  }
};

struct BuiltLstm {
  ModelBuilder builder;
  std::vector<float> x0, x1;  // the two invoke inputs
};

void BuildLstm(const LstmCase& k, BuiltLstm* out, int override_inputs = 0) {
  ModelBuilder& b = out->builder;
  Lcg rng(12345u + static_cast<uint32_t>(k.n_cell * 7 + k.n_output));
  auto matrix = [&](int rows, int cols, const char* name) {
    if (!k.hybrid) {
      std::vector<float> v(static_cast<size_t>(rows * cols));
      for (float& e : v) e = rng.Next(0.6f);
      return b.AddConstant<float>(DataType::kFloat32, {rows, cols}, v, name);
    }
    std::vector<int8_t> v(static_cast<size_t>(rows * cols));
    for (int8_t& e : v) e = static_cast<int8_t>(std::lround(rng.Next(127.f)));
    QuantizationParams q;
    q.scale.assign(k.per_channel ? static_cast<size_t>(rows) : 1, 0.6f / 127.f);
    q.zero_point.assign(q.scale.size(), 0);
    return b.AddConstant<int8_t>(DataType::kInt8, {rows, cols}, v, name, q);
  };
  auto vector = [&](int n, float a, float offset, const char* name, bool weight) {
    if (weight && k.hybrid) {
      std::vector<int8_t> v(static_cast<size_t>(n));
      for (int8_t& e : v) e = static_cast<int8_t>(std::lround(rng.Next(127.f)));
      QuantizationParams q;
      q.scale = {0.5f / 127.f};
      q.zero_point = {0};
      return b.AddConstant<int8_t>(DataType::kInt8, {n}, v, name, q);
    }
    std::vector<float> v(static_cast<size_t>(n));
    for (float& e : v) e = offset + rng.Next(a);
    return b.AddConstant<float>(DataType::kFloat32, {n}, v, name);
  };
  const Shape in_shape =
      k.time_major ? Shape{k.time, k.batch, k.n_input} : Shape{k.batch, k.time, k.n_input};
  const Shape out_shape =
      k.time_major ? Shape{k.time, k.batch, k.n_output} : Shape{k.batch, k.time, k.n_output};
  std::vector<int> in(24, -1);
  in[0] = b.AddTensor(DataType::kFloat32, in_shape, "input");
  const char* gates[4] = {"input", "forget", "cell", "output"};
  for (int g = 0; g < 4; ++g) {
    if (g == 0 && k.cifg) continue;
    in[1 + g] = matrix(k.n_cell, k.n_input, (std::string("i2") + gates[g]).c_str());
    in[5 + g] = matrix(k.n_cell, k.n_output, (std::string("r2") + gates[g]).c_str());
  }
  if (k.peephole) {
    if (!k.cifg) in[9] = vector(k.n_cell, 0.5f, 0.f, "c2i", true);
    in[10] = vector(k.n_cell, 0.5f, 0.f, "c2f", true);
    in[11] = vector(k.n_cell, 0.5f, 0.f, "c2o", true);
  }
  for (int g = 0; g < 4; ++g) {
    if (g == 0 && k.cifg) continue;
    in[12 + g] = vector(k.n_cell, 0.3f, g == 1 ? 1.f : 0.f, "bias", false);
  }
  if (k.projection) {
    in[16] = matrix(k.n_output, k.n_cell, "proj");
    if (k.projection_bias) in[17] = vector(k.n_output, 0.2f, 0.f, "proj_bias", false);
  }
  in[18] = b.AddTensor(DataType::kFloat32, {k.batch, k.n_output}, "output_state", {}, true);
  in[19] = b.AddTensor(DataType::kFloat32, {k.batch, k.n_cell}, "cell_state", {}, true);
  if (k.layer_norm) {
    for (int g = 0; g < 4; ++g) {
      if (g == 0 && k.cifg) continue;
      in[20 + g] = vector(k.n_cell, 0.3f, 1.f, "ln", false);
    }
  }
  if (k.drop_r2i) in[5] = -1;
  if (override_inputs > 0) in.resize(static_cast<size_t>(override_inputs));
  const int y = b.AddTensor(DataType::kFloat32, out_shape, "output");
  auto opts = tfl::CreateUnidirectionalSequenceLSTMOptions(b.fbb(), k.act, k.cell_clip, k.proj_clip,
                                                           k.time_major, k.asymmetric);
  const int version = k.hybrid ? (k.asymmetric ? 3 : 2) : 1;
  b.AddOperator(tfl::BuiltinOperator::UNIDIRECTIONAL_SEQUENCE_LSTM, in, {y},
                tfl::BuiltinOptions::UnidirectionalSequenceLSTMOptions, opts.Union(), version);
  b.SetInputs({in[0]});
  b.SetOutputs({y});
  const size_t n = static_cast<size_t>(k.batch * k.time * k.n_input);
  out->x0.resize(n);
  out->x1.resize(n);
  for (float& e : out->x0) e = rng.Next(1.5f);
  for (float& e : out->x1) e = rng.Next(1.5f);
  if (k.zero_step) {
    // Time step 1 of every batch row is zero (whole step in time-major order).
    for (int bi = 0; bi < k.batch; ++bi) {
      for (int i = 0; i < k.n_input; ++i) {
        const int row = k.time_major ? 1 * k.batch + bi : bi * k.time + 1;
        out->x0[static_cast<size_t>(row * k.n_input + i)] = 0.f;
      }
    }
  }
}

// Runs the case twice (state carries over) and compares with the golden.
void RunCase(const LstmCase& k, const std::vector<float>& golden, float tol) {
  BuiltLstm m;
  BuildLstm(k, &m);
  TestModel t;
  const Status st = t.Build(m.builder);
  ASSERT_TRUE(st.ok()) << st.ToString();
  if (const char* dir = std::getenv("EDGEML_LSTM_DUMP")) {
    const std::string base = std::string(dir) + "/" + k.name;
    std::ofstream(base + ".tflite", std::ios::binary)
        .write(reinterpret_cast<const char*>(t.bytes.data()),
               static_cast<std::streamsize>(t.bytes.size()));
    std::ofstream f(base + ".in", std::ios::binary);
    f.write(reinterpret_cast<const char*>(m.x0.data()),
            static_cast<std::streamsize>(m.x0.size() * sizeof(float)));
    f.write(reinterpret_cast<const char*>(m.x1.data()),
            static_cast<std::streamsize>(m.x1.size() * sizeof(float)));
  }
  std::vector<float> got;
  for (const auto* x : {&m.x0, &m.x1}) {
    t.SetInput<float>(0, *x);
    const Status s = t.interp->Invoke();
    ASSERT_TRUE(s.ok()) << s.ToString();
    const std::vector<float> y = t.GetOutput<float>(0);
    got.insert(got.end(), y.begin(), y.end());
  }
  ASSERT_EQ(got.size(), static_cast<size_t>(2 * k.batch * k.time * k.n_output));
  if (golden.empty()) {
    std::string s;
    for (float v : got) s += std::to_string(v) + ", ";
    GTEST_FAIL() << k.name << " has no golden; edgeml gives " << s;
  }
  ASSERT_EQ(got.size(), golden.size());
  float max_ref = 1.f;
  for (float v : golden) max_ref = std::max(max_ref, std::fabs(v));
  float max_diff = 0.f;
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i], golden[i], tol * max_ref) << k.name << " element " << i;
    max_diff = std::max(max_diff, std::fabs(got[i] - golden[i]));
  }
  if (std::getenv("EDGEML_LSTM_DUMP")) std::printf("%s: max |diff| %g\n", k.name, max_diff);
}

// Float tolerance: LiteRT's dot products (ruy) and sigmoid/tanh (Eigen) round
// differently from the plain loops here.
constexpr float kFloatTol = 2e-6f;
constexpr float kHybridTol = 1e-4f;

// GOLDENS_BEGIN
const std::vector<float> kGoldenFloatPlain = {
    0.0307043251f,  -0.0331510827f, -0.0687989667f, 0.0290061105f,   0.217113778f,  -0.123510286f,
    0.0155931646f,  0.210840598f,   0.248159096f,   -0.048654452f,   0.102911912f,  0.158457518f,
    -0.0604473799f, 0.186388299f,   0.146005258f,   -0.00916469935f, 0.0382626317f, -0.093978785f,
    0.153294832f,   0.129251704f,   0.19636254f,    -0.177120313f,   0.0860220417f, 0.29269591f,
    0.0659613237f,  0.0545304306f,  -0.0248404928f, -0.0543025248f,  0.0987025127f, -0.0162706766f,
    -0.160270855f,  -0.034610115f,  0.231375739f,   -0.104409538f,   -0.13816534f,  0.153288141f,
    0.16990602f,    -0.178794786f,  -0.0736936182f, 0.00794956926f,  0.0519661121f, 0.027805835f,
    0.0594161749f,  0.00128051976f, 0.159253612f,   9.55658616e-05f, -0.123768032f, 0.00727818487f};
const std::vector<float> kGoldenFloatPeepholeProjection = {
    0.188760564f,   0.193333745f, -0.114169709f, 0.204701945f,  0.168233991f, -0.193075746f,
    0.161979645f,   0.178994074f, -0.214242339f, -0.010657236f, 0.173473775f, -0.20736599f,
    0.0663585365f,  0.107287616f, -0.197774827f, 0.11223565f,   0.162066534f, -0.182869107f,
    -0.014769271f,  0.213278472f, -0.278601527f, 0.219835162f,  0.265004069f, -0.300000012f,
    0.00144059956f, 0.277934313f, -0.300000012f, 0.241558582f,  0.194009528f, -0.274450898f,
    0.271933496f,   0.182767808f, -0.219291508f, 0.0700199902f, 0.190106139f, -0.300000012f};
const std::vector<float> kGoldenFloatCifgLayerNormTimeMajor = {
    -0.0777426511f, 0.451389432f,    0.0167473536f,  -0.0757555068f, 0.0403536111f,
    -0.109025389f,  0.0275224112f,   0.136472836f,   -0.0642190203f, 0.0559882596f,
    -0.0127271833f, 0.183185339f,    0.110579535f,   -0.111935914f,  0.0498165041f,
    0.172472626f,   0.0624443591f,   -0.0183110926f, 0.002527826f,   -0.0171603877f,
    0.150301084f,   -0.125917777f,   0.054796502f,   0.292825848f,   0.0269806199f,
    -0.10416802f,   -0.00136406859f, 0.103010498f,   -0.131383076f,  -0.29538992f,
    -0.0550449938f, 0.118820362f,    0.180765301f,   -0.0479306616f, -0.079369612f,
    0.121290013f,   -0.201511458f,   -0.134971082f,  0.00773180416f, 0.277812541f,
    -0.133842736f,  0.268201917f,    -0.0275311042f, 0.0213554706f,  -0.0935098305f,
    -0.223328322f,  0.0141724292f,   -0.00294701383f};
const std::vector<float> kGoldenFloatPeepholeTimeMajor = {
    0.0418790542f,   -0.174187124f,   0.0586297922f,  0.0794175416f,   0.133575484f,
    -0.155386358f,   -0.0224350765f,  0.0975499377f,  -0.0999784768f,  0.111627959f,
    -0.136654139f,   -0.127968118f,   0.105482832f,   -0.229068309f,   -0.104962453f,
    -0.0416002385f,  0.287090927f,    -0.200650439f,  -0.0599664152f,  0.186890185f,
    -0.137844682f,   0.108693749f,    -0.213455319f,  -0.192215621f,   0.0231295563f,
    -0.0616037287f,  -0.103016175f,   -0.0519036688f, 0.39459905f,     -0.21999222f,
    -0.152572304f,   -0.0103638582f,  -0.0872664601f, 0.0382173993f,   -0.184857652f,
    -0.184451088f,   -0.00416038511f, -0.154236987f,  0.0766815618f,   -0.0249034949f,
    0.120969169f,    -0.176903784f,   -0.317753136f,  -0.105795719f,   0.0251035374f,
    -0.126533732f,   -0.187220633f,   -0.0588675998f, -0.0439595766f,  -0.15842995f,
    0.0248609334f,   -0.0750821084f,  0.156647518f,   -0.204042301f,   -0.158978313f,
    -0.00991706923f, 0.00506209442f,  -0.194798917f,  -0.281654567f,   -0.038772352f,
    -0.215940148f,   -0.01514736f,    -0.118083484f,  -0.209584847f,   0.0882532373f,
    -0.101205498f,   -0.339779705f,   -0.112068228f,  0.000310655159f, -0.197949842f,
    -0.20146957f,    -0.0585232191f};
const std::vector<float> kGoldenFloatActNoneZeroStep = {
    0.059357971f,     -0.085683465f,  -0.128830224f, 0.0562415197f,  0.338397831f,
    -0.252478004f,    0.148674384f,   0.595363975f,  0.0366351344f,  -0.0501729399f,
    -0.000531396014f, 0.0705462322f,  0.0383972749f, -0.0480451286f, -0.00054287503f,
    0.0703009292f,    0.112537898f,   -0.29185161f,  0.293675601f,   0.315233111f,
    0.258262902f,     -0.315931529f,  0.0160480328f, 0.445284069f,   -0.160329118f,
    0.334562451f,     -0.166159347f,  -0.198428974f, 0.178784236f,   -0.175752729f,
    -0.2537027f,      -0.0992596447f, 0.287593782f,  -0.444202423f,  -0.111107945f,
    0.622507036f,     -0.123931818f,  0.250741571f,  -0.290565461f,  -0.123507544f,
    -0.112556137f,    0.324847281f,   1.29254246f,   -0.0766313076f, 0.0964386985f,
    0.0192094427f,    -0.246711254f,  0.0308874939f};
const std::vector<float> kGoldenHybridSymmetric = {
    0.188885778f,   0.19335562f,  -0.113506481f, 0.209295794f,   0.144580007f, -0.0954852849f,
    0.183076084f,   0.142347828f, -0.159781784f, -0.0101317614f, 0.17418471f,  -0.20913367f,
    0.0295718759f,  0.136016935f, -0.178701267f, 0.096993804f,   0.172943726f, -0.177143618f,
    0.00180917978f, 0.177573293f, -0.280050844f, 0.247417584f,   0.229716808f, -0.328214496f,
    0.00693590939f, 0.259593874f, -0.339441985f, 0.232660115f,   0.203667969f, -0.2670542f,
    0.261324853f,   0.189968705f, -0.222263083f, 0.0650175139f,  0.19409202f,  -0.322319269f};
const std::vector<float> kGoldenHybridAsymmetric = {
    0.268535197f,    0.121545568f,   0.0118008992f,  -0.0915291086f, -0.0599663258f,  0.164377183f,
    0.0734400302f,   0.0342904814f,  -0.0786734447f, -0.0268409103f, -0.095790565f,   -0.167172819f,
    6.8248999e-05f,  -0.0674734414f, -0.120931014f,  -0.0602300577f, -0.16958873f,    0.152181104f,
    -0.00543762418f, -0.102174863f,  0.156641662f,   0.00614298787f, 0.0241636299f,   -0.125727087f,
    -0.1028338f,     -0.116578877f,  -0.233869746f,  0.171536371f,   -0.00161312497f, -0.127837375f,
    0.137262762f,    0.0409650989f,  -0.134088457f,  -0.160543606f,  -0.0992661491f,  0.218326062f,
    0.0111288931f,   0.160038605f,   -0.0161231924f, -0.104915671f,  0.19577533f,     0.0826131329f,
    -0.202297419f,   -0.221232876f,  -0.116699211f,  0.233746096f,   0.0748607367f,   -0.052728679f,
    -0.100746743f,   -0.110833727f,  0.206820548f,   0.0843953714f,  -0.0833810866f,  -0.20888409f,
    -0.0818421766f,  0.106269389f,   -0.0647805706f, 0.0235752463f,  -0.0186120365f,  -0.15479216f};
// GOLDENS_END

TEST(LstmOp, FloatPlain) {
  LstmCase k;
  k.name = "float_plain";
  RunCase(k, kGoldenFloatPlain, kFloatTol);
}

TEST(LstmOp, FloatPeepholeProjectionClips) {
  LstmCase k;
  k.name = "float_peephole_projection";
  k.n_output = 3;
  k.peephole = k.projection = k.projection_bias = true;
  k.cell_clip = 0.8f;
  k.proj_clip = 0.3f;
  RunCase(k, kGoldenFloatPeepholeProjection, kFloatTol);
}

TEST(LstmOp, FloatCifgLayerNormTimeMajor) {
  LstmCase k;
  k.name = "float_cifg_layer_norm_time_major";
  k.cifg = k.layer_norm = k.time_major = true;
  k.peephole = true;
  RunCase(k, kGoldenFloatCifgLayerNormTimeMajor, kFloatTol);
}

TEST(LstmOp, FloatPeepholeTimeMajor) {
  LstmCase k;
  k.name = "float_peephole_time_major";
  k.peephole = k.time_major = true;
  k.batch = 3;
  RunCase(k, kGoldenFloatPeepholeTimeMajor, kFloatTol);
}

TEST(LstmOp, FloatActivationNoneWithZeroStep) {
  // LiteRT's NONE activation writes nothing: covered with an all-zero step.
  LstmCase k;
  k.name = "float_act_none_zero_step";
  k.act = tfl::ActivationFunctionType::NONE;
  k.time_major = true;
  k.zero_step = true;
  RunCase(k, kGoldenFloatActNoneZeroStep, kFloatTol);
}

TEST(LstmOp, HybridSymmetric) {
  LstmCase k;
  k.name = "hybrid_symmetric";
  k.hybrid = true;
  k.peephole = k.projection = k.projection_bias = true;
  k.n_output = 3;
  k.zero_step = true;
  RunCase(k, kGoldenHybridSymmetric, kHybridTol);
}

TEST(LstmOp, HybridAsymmetric) {
  LstmCase k;
  k.name = "hybrid_asymmetric";
  k.hybrid = k.asymmetric = true;
  k.cifg = k.layer_norm = k.time_major = k.projection = true;
  k.n_output = 5;
  RunCase(k, kGoldenHybridAsymmetric, kHybridTol);
}

// ---------------------------------------------------------------- negatives

void ExpectPrepareError(BuiltLstm& m, const char* needle) {
  TestModel t;
  const Status s = t.Build(m.builder);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("UNIDIRECTIONAL_SEQUENCE_LSTM"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find(needle), std::string::npos) << s.ToString();
}

TEST(LstmOp, RejectsWrongInputCount) {
  LstmCase k;
  k.name = "bad_count";
  BuiltLstm m;
  BuildLstm(k, &m, /*override_inputs=*/19);
  ExpectPrepareError(m, "20 or 24 inputs");
}

TEST(LstmOp, RejectsHalfCifg) {
  LstmCase k;
  k.name = "half_cifg";
  k.drop_r2i = true;
  BuiltLstm m;
  BuildLstm(k, &m);
  ExpectPrepareError(m, "recurrent_to_input_weights");
}

TEST(LstmOp, RejectsPerChannelHybridWeights) {
  LstmCase k;
  k.name = "per_channel";
  k.hybrid = k.per_channel = true;
  BuiltLstm m;
  BuildLstm(k, &m);
  ExpectPrepareError(m, "quantization scales");
}

TEST(LstmOp, RejectsGateWeightShapeMismatch) {
  // input_to_forget_weights with one column too many.
  ModelBuilder b;
  std::vector<int> in(20, -1);
  in[0] = b.AddTensor(DataType::kFloat32, {1, 2, 3}, "input");
  for (int g = 1; g < 4; ++g) {
    const int cols = g == 1 ? 4 : 3;
    in[1 + g] = b.AddConstant<float>(DataType::kFloat32, {4, cols},
                                     std::vector<float>(static_cast<size_t>(4 * cols), 0.1f));
    in[5 + g] = b.AddConstant<float>(DataType::kFloat32, {4, 4}, std::vector<float>(16, 0.1f));
    in[12 + g] = b.AddConstant<float>(DataType::kFloat32, {4}, std::vector<float>(4, 0.f));
  }
  in[18] = b.AddTensor(DataType::kFloat32, {1, 4}, "h", {}, true);
  in[19] = b.AddTensor(DataType::kFloat32, {1, 4}, "c", {}, true);
  const int y = b.AddTensor(DataType::kFloat32, {1, 2, 4}, "output");
  auto opts =
      tfl::CreateUnidirectionalSequenceLSTMOptions(b.fbb(), tfl::ActivationFunctionType::TANH);
  b.AddOperator(tfl::BuiltinOperator::UNIDIRECTIONAL_SEQUENCE_LSTM, in, {y},
                tfl::BuiltinOptions::UnidirectionalSequenceLSTMOptions, opts.Union());
  b.SetInputs({in[0]});
  b.SetOutputs({y});
  TestModel t;
  const Status s = t.Build(b);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("input_to_forget_weights"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("[4,4]"), std::string::npos) << s.ToString();
}

TEST(LstmOp, RejectsNonVariableState) {
  ModelBuilder b;
  std::vector<int> in(20, -1);
  in[0] = b.AddTensor(DataType::kFloat32, {1, 2, 3}, "input");
  for (int g = 1; g < 4; ++g) {
    in[1 + g] = b.AddConstant<float>(DataType::kFloat32, {4, 3}, std::vector<float>(12, 0.1f));
    in[5 + g] = b.AddConstant<float>(DataType::kFloat32, {4, 4}, std::vector<float>(16, 0.1f));
    in[12 + g] = b.AddConstant<float>(DataType::kFloat32, {4}, std::vector<float>(4, 0.f));
  }
  in[18] = b.AddTensor(DataType::kFloat32, {1, 4}, "h");  // not variable
  in[19] = b.AddTensor(DataType::kFloat32, {1, 4}, "c", {}, true);
  const int y = b.AddTensor(DataType::kFloat32, {1, 2, 4}, "output");
  b.AddOperator(tfl::BuiltinOperator::UNIDIRECTIONAL_SEQUENCE_LSTM, in, {y});
  b.SetInputs({in[0], in[18]});
  b.SetOutputs({y});
  TestModel t;
  const Status s = t.Build(b);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("variable"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace edgeml
