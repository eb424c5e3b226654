// The application commands: classify, detect, segment, landmarks. They take
// images or folders of images, run the apps/ pipelines (public API only)
// and write pictures and JSON a person or a script can use.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "apps/detect.h"
#include "apps/image.h"
#include "apps/vision.h"
#include "command_table.h"
#include "commands.h"
#include "format/metadata.h"

namespace edgeml::cli {
namespace {

namespace fs = std::filesystem;
using apps::Image;

struct AppOptions {
  std::string model;
  std::vector<std::string> images;
  std::string out_dir;
  int threads = 1;
  bool json = false;
  // classify
  std::string labels;
  int top_k = 5;
  // detect
  float min_score = 0.5f;
  // segment
  std::string background = "blur";
};

std::string JsonEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string Num(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", v);
  return buf;
}

bool IsImageFile(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg";
}

// Files as given; folders expand to their PNG/JPEG files, sorted.
Status ExpandImages(const std::vector<std::string>& args, std::vector<std::string>* out,
                    bool* folder) {
  *folder = false;
  for (const std::string& a : args) {
    std::error_code ec;
    if (fs::is_directory(a, ec)) {
      *folder = true;
      std::vector<std::string> found;
      for (const auto& e : fs::directory_iterator(a, ec)) {
        if (e.is_regular_file() && IsImageFile(e.path())) found.push_back(e.path().string());
      }
      std::sort(found.begin(), found.end());
      if (found.empty()) {
        return Errorf(StatusCode::kInvalidArgument, "folder '%s' has no .png/.jpg images",
                      a.c_str());
      }
      out->insert(out->end(), found.begin(), found.end());
    } else {
      out->push_back(a);
    }
  }
  if (out->empty()) return Errorf(StatusCode::kInvalidArgument, "no images given");
  return Status::Ok();
}

Status MakeOutDir(const std::string& dir) {
  if (dir.empty()) return Status::Ok();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return Errorf(StatusCode::kIoError, "cannot create output folder '%s': %s", dir.c_str(),
                  ec.message().c_str());
  }
  return Status::Ok();
}

std::string OutPath(const std::string& dir, const std::string& image, const std::string& suffix) {
  return (fs::path(dir) / (fs::path(image).stem().string() + suffix)).string();
}

Status WriteText(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  f << text;
  if (!f) return Errorf(StatusCode::kIoError, "cannot write '%s'", path.c_str());
  return Status::Ok();
}

// Progress on stderr for folders / many images, and the latency summary.
class Progress {
 public:
  Progress(size_t total, bool show) : total_(total), show_(show) {}
  void Step(size_t done, const std::string& name) {
    if (!show_) return;
    const int width = 30;
    const int fill = static_cast<int>(width * done / std::max<size_t>(total_, 1));
    std::fprintf(stderr, "\r[%s%s] %zu/%zu %-40.40s", std::string(fill, '#').c_str(),
                 std::string(width - fill, ' ').c_str(), done, total_, name.c_str());
    if (done == total_) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }

 private:
  size_t total_;
  bool show_;
};

struct Latency {
  std::vector<double> invoke_ms, total_ms;
  static void Stats(std::vector<double> v, double* mean, double* median, double* lo, double* hi) {
    std::sort(v.begin(), v.end());
    double sum = 0;
    for (double x : v) sum += x;
    *mean = v.empty() ? 0 : sum / v.size();
    *median = v.empty()
                  ? 0
                  : (v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2);
    *lo = v.empty() ? 0 : v.front();
    *hi = v.empty() ? 0 : v.back();
  }
  std::string Json() const {
    std::ostringstream s;
    s << "{";
    const char* names[2] = {"invoke_ms", "per_image_ms"};
    const std::vector<double>* sets[2] = {&invoke_ms, &total_ms};
    for (int i = 0; i < 2; ++i) {
      double mean, median, lo, hi;
      Stats(*sets[i], &mean, &median, &lo, &hi);
      s << (i ? ", " : "") << "\"" << names[i] << "\": {\"mean\": " << Num(mean)
        << ", \"median\": " << Num(median) << ", \"min\": " << Num(lo) << ", \"max\": " << Num(hi)
        << "}";
    }
    s << "}";
    return s.str();
  }
  void Print() const {
    double mean, median, lo, hi;
    Stats(invoke_ms, &mean, &median, &lo, &hi);
    std::printf("latency over %zu image(s): invoke mean %.2f ms, median %.2f, min %.2f, max %.2f",
                invoke_ms.size(), mean, median, lo, hi);
    Stats(total_ms, &mean, &median, &lo, &hi);
    std::printf("; per image (decode+run+draw+write) mean %.2f ms\n", mean);
  }
};

double MsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// Runs `one(path, &invoke_ms, &json)` over every image with progress and the
// summary; prints the JSON document or the text summary.
template <typename Fn>
int ForEachImage(const AppOptions& o, const char* command, Fn one) {
  std::vector<std::string> images;
  bool folder = false;
  Status st = ExpandImages(o.images, &images, &folder);
  if (st.ok()) st = MakeOutDir(o.out_dir);
  if (!st.ok()) return Fail(st.message());
  Progress progress(images.size(), (folder || images.size() > 1) && !o.json);
  Latency lat;
  std::vector<std::string> results;
  for (size_t i = 0; i < images.size(); ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    double invoke_ms = 0;
    std::string json;
    st = one(images[i], &invoke_ms, &json);
    if (!st.ok()) {
      if (!o.json) progress.Step(images.size(), "");
      return Fail(images[i] + ": " + st.ToString());
    }
    lat.invoke_ms.push_back(invoke_ms);
    lat.total_ms.push_back(MsSince(t0));
    results.push_back(json);
    progress.Step(i + 1, fs::path(images[i]).filename().string());
  }
  if (o.json) {
    std::printf("{\"command\": \"%s\", \"model\": \"%s\", \"images\": [", command,
                JsonEscape(o.model).c_str());
    for (size_t i = 0; i < results.size(); ++i)
      std::printf("%s%s", i ? ", " : "", results[i].c_str());
    std::printf("], \"latency\": %s}\n", lat.Json().c_str());
  } else {
    lat.Print();
  }
  return 0;
}

Status LoadLabels(const std::string& path, const Model* model, std::vector<std::string>* labels) {
  labels->clear();
  if (!path.empty()) {
    std::ifstream f(path);
    if (!f) return Errorf(StatusCode::kIoError, "cannot read labels '%s'", path.c_str());
    std::string line;
    while (std::getline(f, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      labels->push_back(line);
    }
    return Status::Ok();
  }
  if (model != nullptr) return format::ReadLabels(*model, labels);
  return Status::Ok();
}

std::string LabelOf(const std::vector<std::string>& labels, int i) {
  if (i >= 0 && i < static_cast<int>(labels.size()) && !labels[i].empty()) return labels[i];
  return "class " + std::to_string(i);
}

// --- classify --------------------------------------------------------------

int Classify(const AppOptions& o) {
  apps::Classifier clf;
  Status st = clf.Load(o.model, o.threads);
  std::vector<std::string> labels;
  if (st.ok()) st = LoadLabels(o.labels, &clf.model().model(), &labels);
  if (!st.ok()) return Fail(st.ToString());
  return ForEachImage(o, "classify", [&](const std::string& path, double* ms, std::string* json) {
    Image img;
    EDGEML_RETURN_IF_ERROR(apps::LoadImage(path, &img));
    std::vector<apps::Class> top;
    EDGEML_RETURN_IF_ERROR(clf.Classify(img, o.top_k, apps::kMinusOneToOne, &top, ms));
    std::ostringstream js;
    js << "{\"image\": \"" << JsonEscape(path) << "\", \"classes\": [";
    if (!o.json) std::printf("%s (%.2f ms)\n  rank  score     class\n", path.c_str(), *ms);
    for (size_t r = 0; r < top.size(); ++r) {
      const std::string label = LabelOf(labels, top[r].index);
      js << (r ? ", " : "") << "{\"index\": " << top[r].index << ", \"label\": \""
         << JsonEscape(label) << "\", \"score\": " << Num(top[r].score) << "}";
      if (!o.json) std::printf("  %4zu  %-8.5f  %s\n", r + 1, top[r].score, label.c_str());
    }
    js << "]}";
    *json = js.str();
    return Status::Ok();
  });
}

// --- detect ----------------------------------------------------------------

int Detect(const AppOptions& o) {
  apps::Detector det;
  Status st = det.Load(o.model, o.threads);
  std::vector<std::string> labels;
  if (st.ok()) st = LoadLabels(o.labels, &det.model().model(), &labels);
  if (!st.ok()) return Fail(st.ToString());
  const bool face = det.kind() == apps::DetectorKind::kMediaPipeFace;
  return ForEachImage(o, "detect", [&](const std::string& path, double* ms, std::string* json) {
    Image img;
    EDGEML_RETURN_IF_ERROR(apps::LoadImage(path, &img));
    std::vector<apps::Detection> dets;
    EDGEML_RETURN_IF_ERROR(det.Detect(img, o.min_score, &dets, ms));
    std::ostringstream js;
    js << "{\"image\": \"" << JsonEscape(path) << "\", \"width\": " << img.width
       << ", \"height\": " << img.height << ", \"detections\": [";
    const int thick = std::max(2, std::max(img.width, img.height) / 250);
    for (size_t i = 0; i < dets.size(); ++i) {
      const apps::Detection& d = dets[i];
      const std::string label = face ? "face" : LabelOf(labels, d.class_id);
      js << (i ? ", " : "") << "{\"label\": \"" << JsonEscape(label)
         << "\", \"class\": " << d.class_id << ", \"score\": " << Num(d.score)
         << ", \"box\": {\"xmin\": " << Num(d.xmin) << ", \"ymin\": " << Num(d.ymin)
         << ", \"xmax\": " << Num(d.xmax) << ", \"ymax\": " << Num(d.ymax) << "}, \"keypoints\": [";
      for (size_t k = 0; k < d.keypoints.size(); ++k) {
        js << (k ? ", " : "") << "[" << Num(d.keypoints[k].x) << ", " << Num(d.keypoints[k].y)
           << "]";
      }
      js << "]}";
      const apps::Color c = apps::Palette(face ? 0 : d.class_id);
      apps::DrawRect(&img, d.xmin, d.ymin, d.xmax, d.ymax, c, thick);
      for (const apps::Keypoint& k : d.keypoints)
        apps::DrawDisc(&img, k.x, k.y, thick * 1.5f, apps::Palette(1));
      char text[96];
      std::snprintf(text, sizeof(text), "%s %.2f", label.c_str(), d.score);
      apps::DrawLabel(&img, d.xmin, std::max(0.0f, d.ymin - 20.0f), text, c);
      if (!o.json) {
        std::printf("%s: %-12s %.3f  box (%.0f, %.0f)-(%.0f, %.0f)\n", path.c_str(), label.c_str(),
                    d.score, d.xmin, d.ymin, d.xmax, d.ymax);
      }
    }
    js << "]";
    if (!o.out_dir.empty()) {
      const std::string png = OutPath(o.out_dir, path, "_detections.png");
      const std::string jpath = OutPath(o.out_dir, path, "_detections.json");
      js << ", \"picture\": \"" << JsonEscape(png) << "\"";
      EDGEML_RETURN_IF_ERROR(apps::SavePng(png, img));
      EDGEML_RETURN_IF_ERROR(WriteText(jpath, js.str() + "}\n"));
    }
    js << ", \"invoke_ms\": " << Num(*ms) << "}";
    if (!o.json) std::printf("%s: %zu detection(s), %.2f ms\n", path.c_str(), dets.size(), *ms);
    *json = js.str();
    return Status::Ok();
  });
}

// --- segment ---------------------------------------------------------------

Status ParseBackground(const std::string& s, apps::Background* bg) {
  if (s == "blur") {
    bg->kind = apps::Background::kBlur;
    return Status::Ok();
  }
  unsigned r, g, b;
  char extra;
  if (s.size() == 7 && s[0] == '#' &&
      std::sscanf(s.c_str(), "#%2x%2x%2x%c", &r, &g, &b, &extra) == 3) {
    bg->kind = apps::Background::kColor;
    bg->color = {static_cast<uint8_t>(r), static_cast<uint8_t>(g), static_cast<uint8_t>(b)};
    return Status::Ok();
  }
  if (std::sscanf(s.c_str(), "%u,%u,%u%c", &r, &g, &b, &extra) == 3 && r < 256 && g < 256 &&
      b < 256) {
    bg->kind = apps::Background::kColor;
    bg->color = {static_cast<uint8_t>(r), static_cast<uint8_t>(g), static_cast<uint8_t>(b)};
    return Status::Ok();
  }
  static const struct {
    const char* name;
    apps::Color c;
  } kNamed[] = {{"green", {0, 177, 64}},
                {"blue", {30, 90, 200}},
                {"white", {255, 255, 255}},
                {"black", {0, 0, 0}},
                {"gray", {128, 128, 128}}};
  for (const auto& n : kNamed) {
    if (s == n.name) {
      bg->kind = apps::Background::kColor;
      bg->color = n.c;
      return Status::Ok();
    }
  }
  std::error_code ec;
  if (fs::is_regular_file(s, ec)) {
    bg->kind = apps::Background::kImage;
    return apps::LoadImage(s, &bg->image);
  }
  return Errorf(StatusCode::kInvalidArgument,
                "--background '%s' is not 'blur', a color (#RRGGBB, R,G,B, green, blue, white, "
                "black, gray) or an image file",
                s.c_str());
}

int Segment(const AppOptions& o) {
  if (o.out_dir.empty()) return Fail("segment needs --out DIR");
  apps::Segmenter seg;
  apps::Background bg;
  Status st = ParseBackground(o.background, &bg);
  if (st.ok()) st = seg.Load(o.model, o.threads);
  if (!st.ok()) return Fail(st.ToString());
  return ForEachImage(o, "segment", [&](const std::string& path, double* ms, std::string* json) {
    Image img;
    EDGEML_RETURN_IF_ERROR(apps::LoadImage(path, &img));
    apps::FloatMap mask;
    EDGEML_RETURN_IF_ERROR(seg.Segment(img, &mask, ms));
    const std::string comp = OutPath(o.out_dir, path, "_composite.png");
    const std::string mpath = OutPath(o.out_dir, path, "_mask.png");
    EDGEML_RETURN_IF_ERROR(apps::SavePng(comp, apps::ReplaceBackground(img, mask, bg)));
    EDGEML_RETURN_IF_ERROR(apps::SavePng(mpath, apps::MaskToGray(mask)));
    double person = 0;
    for (float v : mask.values) person += v >= 0.5f;
    person /= std::max<size_t>(1, mask.values.size());
    if (!o.json) {
      std::printf("%s: person %.1f%% of the picture, %.2f ms -> %s, %s\n", path.c_str(),
                  100 * person, *ms, comp.c_str(), mpath.c_str());
    }
    std::ostringstream js;
    js << "{\"image\": \"" << JsonEscape(path) << "\", \"composite\": \"" << JsonEscape(comp)
       << "\", \"mask\": \"" << JsonEscape(mpath) << "\", \"person_fraction\": " << Num(person)
       << ", \"invoke_ms\": " << Num(*ms) << "}";
    *json = js.str();
    return Status::Ok();
  });
}

// --- landmarks -------------------------------------------------------------

int Landmarks(const AppOptions& o) {
  apps::LandmarkModel lm;
  Status st = lm.Load(o.model, o.threads);
  if (!st.ok()) return Fail(st.ToString());
  const bool pose = lm.kind() == apps::LandmarkKind::kPose;
  return ForEachImage(o, "landmarks", [&](const std::string& path, double* ms, std::string* json) {
    Image img;
    EDGEML_RETURN_IF_ERROR(apps::LoadImage(path, &img));
    std::vector<apps::Landmark> pts;
    float presence = 0;
    EDGEML_RETURN_IF_ERROR(lm.Run(img, &pts, &presence, ms));
    std::ostringstream js;
    js << "{\"image\": \"" << JsonEscape(path) << "\", \"kind\": \"" << (pose ? "pose" : "hand")
       << "\", \"presence\": " << Num(presence) << ", \"landmarks\": [";
    for (size_t i = 0; i < pts.size(); ++i) {
      js << (i ? ", " : "") << "{\"x\": " << Num(pts[i].x) << ", \"y\": " << Num(pts[i].y)
         << ", \"z\": " << Num(pts[i].z) << ", \"visibility\": " << Num(pts[i].visibility) << "}";
    }
    js << "]";
    if (!o.out_dir.empty()) {
      apps::DrawLandmarks(&img, pts, lm.connections());
      const std::string png = OutPath(o.out_dir, path, "_landmarks.png");
      EDGEML_RETURN_IF_ERROR(apps::SavePng(png, img));
      EDGEML_RETURN_IF_ERROR(
          WriteText(OutPath(o.out_dir, path, "_landmarks.json"), js.str() + "}\n"));
      js << ", \"picture\": \"" << JsonEscape(png) << "\"";
    }
    js << ", \"invoke_ms\": " << Num(*ms) << "}";
    if (!o.json) {
      std::printf("%s: %s presence %.2f, %zu landmarks, %.2f ms\n", path.c_str(),
                  pose ? "pose" : "hand", presence, pts.size(), *ms);
    }
    *json = js.str();
    return Status::Ok();
  });
}

void AddCommon(CLI::App* c, AppOptions& o, bool out_required) {
  c->add_option("model", o.model, "Path of the .tflite model")->required();
  c->add_option("images", o.images, "Image files (.png/.jpg) or folders of them")->required();
  auto* out = c->add_option("-o,--out", o.out_dir, "Folder for the result pictures and JSON");
  if (out_required) out->required();
  c->add_option("-t,--threads", o.threads, "Threads an op may use")->check(CLI::Range(1, 1024));
  c->add_flag("--json", o.json, "Print one JSON document instead of text");
}

}  // namespace

void AddAppCommands(CLI::App& app, CommandTable& table) {
  auto opts = std::make_shared<std::vector<AppOptions>>(4);
  AppOptions& co = (*opts)[0];
  AppOptions& dopt = (*opts)[1];
  AppOptions& so = (*opts)[2];
  AppOptions& lo = (*opts)[3];

  CLI::App* classify = app.add_subcommand("classify", "Classify images: a ranked table of classes");
  AddCommon(classify, co, false);
  classify->add_option("--labels", co.labels,
                       "Label file, one per line (default: the model's TFLite metadata labels)");
  classify->add_option("-k,--top-k", co.top_k, "How many classes to show")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  table.push_back({classify, [opts] { return Classify((*opts)[0]); }});

  CLI::App* detect = app.add_subcommand(
      "detect", "Detect objects (SSD with TFLite_Detection_PostProcess) or faces (MediaPipe)");
  AddCommon(detect, dopt, true);
  detect->add_option("--labels", dopt.labels, "Label file for SSD class ids, one per line");
  detect->add_option("--min-score", dopt.min_score, "Keep detections scoring at least this")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  table.push_back({detect, [opts] { return Detect((*opts)[1]); }});

  CLI::App* segment =
      app.add_subcommand("segment", "Virtual background: keep the person, replace the rest");
  AddCommon(segment, so, true);
  segment
      ->add_option("--background", so.background,
                   "blur, a color (#RRGGBB, R,G,B or green/blue/white/black/gray) or an image")
      ->capture_default_str();
  table.push_back({segment, [opts] { return Segment((*opts)[2]); }});

  CLI::App* landmarks =
      app.add_subcommand("landmarks", "Pose or hand landmarks with the skeleton drawn");
  AddCommon(landmarks, lo, true);
  table.push_back({landmarks, [opts] { return Landmarks((*opts)[3]); }});
}

}  // namespace edgeml::cli
