#pragma once
// spec/api.md "Products": the required product ids, one per plan in the source documents.
#include <string>
#include <vector>

namespace roadside::testing {

inline const std::vector<std::string> kSpecProductIds = {"cartender-domestic-standard",
                                                         "cartender-domestic-premium",
                                                         "cartender-import-light",
                                                         "cartender-import-standard",
                                                         "kaitokuten-premium",
                                                         "kaitokuten-basic",
                                                         "kaitokuten-minimum",
                                                         "kaitokuten-lexus",
                                                         "kaitokuten-gt",
                                                         "kaitokuten-vt",
                                                         "kaitokuten-import",
                                                         "aucnet-simple",
                                                         "aucnet-basic",
                                                         "aucnet-premium",
                                                         "aucnet-platinum"};

}  // namespace roadside::testing
