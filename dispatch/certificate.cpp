#include "dispatch/certificate.hpp"
namespace roadside::dispatch {
CertificateResult import_certificate(const CertificateFields&) {
    return CertificateError{"CertInfo", "not implemented yet"};
}
std::optional<core::Date> parse_era_date(std::string_view, std::string_view, std::string_view,
                                         std::string_view) {
    return std::nullopt;
}
}  // namespace roadside::dispatch
