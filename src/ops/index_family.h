// The index op family (index.cc, index_more.cc, and REDUCE_MIN/PROD/ANY which share
// reduce.cc's machinery): registrations RegisterIndexOps() adds.
#pragma once

#include "edgeml/op.h"
#include "edgeml/op_resolver.h"

namespace edgeml::ops::index_family {

OpRegistration ReduceMinRegistration();   // reduce.cc
OpRegistration ReduceProdRegistration();  // reduce.cc
OpRegistration ReduceAnyRegistration();   // reduce.cc

// SPLIT_V, ONE_HOT, SCATTER_ND, TOPK_V2, SPACE_TO_BATCH_ND, BATCH_TO_SPACE_ND.
void RegisterIndexMoreOps(OpResolver* r);  // index_more.cc

OpRegistration UnidirectionalSequenceLstmRegistration();  // lstm.cc

}  // namespace edgeml::ops::index_family
