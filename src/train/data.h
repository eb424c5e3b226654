// Training data: IDX files (MNIST, Fashion-MNIST; gzip or plain), a folder
// of images with one subfolder per class, or .npy arrays.
//
// A DATA path is one of:
//   - a directory with {train,t10k|test}-{images-idx3,labels-idx1}-ubyte[.gz]
//     (the test pair is optional);
//   - a directory with x_train.npy and y_train.npy (x_test.npy/y_test.npy
//     optional);
//   - a directory whose subdirectories are classes of images (sorted names
//     are the labels; PNG/JPEG/BMP...); an optional "test" split is taken from
//     a sibling folder named in DataOptions::test_path.
// Byte-valued inputs (IDX, images, uint8 .npy) are scaled by `scale`
// (default 1/255) to floats; float .npy data is used as is.
#pragma once

#include <string>
#include <vector>

#include "edgeml/status.h"
#include "train/sequential.h"

namespace edgeml::train {

struct DataOptions {
  float scale = 1.f / 255.f;
  // Image folders: every image is resized to this size (0: the first image's);
  // channels 1 (gray) or 3 (RGB).
  int image_height = 0, image_width = 0, image_channels = 0;
  std::string test_path;  // image folders: a second folder for the test split
};

// Reads an IDX file (magic 0x0000080N, ubyte data), gzip-compressed or not.
// `shape` receives the dimensions, `bytes` the data.
Status ReadIdx(const std::string& path, std::vector<int>* shape, std::vector<uint8_t>* bytes);

// Loads `path` (see above). `test` is left empty when there is no test split.
Status LoadData(const std::string& path, const DataOptions& options, Dataset* train, Dataset* test);

// Splits off the last `fraction` of `data` as validation (Keras
// validation_split: no shuffling before the split).
void SplitValidation(float fraction, Dataset* data, Dataset* validation);

// Number of classes: max label + 1 for class-index targets, else 0.
int NumClasses(const Dataset& data);

}  // namespace edgeml::train
