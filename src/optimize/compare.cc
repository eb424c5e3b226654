#include "optimize/compare.h"

#include <algorithm>
#include <cmath>

namespace edgeml::optimize {

double Agreement::min_cosine() const {
  double c = 1;
  for (const auto& o : outputs) c = std::min(c, o.cosine);
  return c;
}

namespace {

size_t ArgMax(const std::vector<float>& v) {
  return static_cast<size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

}  // namespace

Status CompareOutputs(Runner& a, Runner& b, const std::vector<Sample>& samples, Agreement* out) {
  *out = Agreement();
  const int n = a.num_outputs();
  if (b.num_outputs() != n) {
    return Status(StatusCode::kInvalidArgument, "model A has " + std::to_string(n) +
                                                    " outputs, model B " +
                                                    std::to_string(b.num_outputs()));
  }
  struct Acc {
    double sum_abs = 0, dot = 0, na = 0, nb = 0, inter = 0, uni = 0;
    int64_t count = 0;
  };
  std::vector<Acc> acc(n);
  out->outputs.resize(n);
  for (int i = 0; i < n; ++i) {
    const Tensor* t = a.interpreter().output(i);
    OutputAgreement& o = out->outputs[i];
    o.name = t->name;
    o.shape = ShapeToString(t->shape);
    const bool classifier = (t->rank() == 2 && t->dim(0) == 1 && t->dim(1) >= 10) ||
                            (t->rank() == 1 && t->dim(0) >= 10);
    if (classifier) o.top1_agree = 0;
    if (t->rank() == 4 && t->dim(0) == 1 && t->dim(3) == 1 && t->dim(1) > 1 && t->dim(2) > 1)
      o.mask_iou = 0;
  }
  std::vector<float> va, vb;
  for (const Sample& s : samples) {
    EDGEML_RETURN_IF_ERROR(a.Run(s).WithPrefix("model A, sample '" + s.source + "'"));
    EDGEML_RETURN_IF_ERROR(b.Run(s).WithPrefix("model B, sample '" + s.source + "'"));
    for (int i = 0; i < n; ++i) {
      EDGEML_RETURN_IF_ERROR(a.Output(i, &va));
      EDGEML_RETURN_IF_ERROR(b.Output(i, &vb));
      if (va.size() != vb.size()) {
        return Status(StatusCode::kInvalidArgument,
                      "output " + std::to_string(i) + " has " + std::to_string(va.size()) +
                          " values in model A, " + std::to_string(vb.size()) + " in model B");
      }
      OutputAgreement& o = out->outputs[i];
      Acc& c = acc[i];
      for (size_t k = 0; k < va.size(); ++k) {
        const double x = va[k], y = vb[k];
        const double d = std::fabs(x - y);
        o.max_abs = std::max(o.max_abs, d);
        c.sum_abs += d;
        c.dot += x * y;
        c.na += x * x;
        c.nb += y * y;
        if (o.mask_iou >= 0) {
          const bool ia = x > 0.5, ib = y > 0.5;
          c.inter += ia && ib;
          c.uni += ia || ib;
        }
      }
      c.count += static_cast<int64_t>(va.size());
      if (o.top1_agree >= 0 && !va.empty() && ArgMax(va) == ArgMax(vb)) ++o.top1_agree;
    }
    ++out->samples;
  }
  for (int i = 0; i < n; ++i) {
    OutputAgreement& o = out->outputs[i];
    const Acc& c = acc[i];
    o.mean_abs = c.count ? c.sum_abs / static_cast<double>(c.count) : 0;
    if (c.na == 0 && c.nb == 0) {
      o.cosine = 1;
    } else if (c.na == 0 || c.nb == 0) {
      o.cosine = 0;
    } else {
      o.cosine = c.dot / (std::sqrt(c.na) * std::sqrt(c.nb));
    }
    if (o.mask_iou >= 0) o.mask_iou = c.uni > 0 ? c.inter / c.uni : 1.0;
  }
  return Status::Ok();
}

}  // namespace edgeml::optimize
