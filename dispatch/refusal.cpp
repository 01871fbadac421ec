#include "dispatch/refusal.hpp"

#include <array>

namespace roadside::dispatch {

namespace {
constexpr std::array kGrounds = {
    RefusalGround{"dangerous_weather", "第6条(1)",
                  "typhoon, heavy rain or snow, storm: danger to the crew"},
    RefusalGround{"natural_disaster", "第6条(1)",
                  "earthquake, tsunami, eruption or other disaster"},
    RefusalGround{"closed_road", "第6条(2)", "closed or seasonally closed road, prohibited area"},
    RefusalGround{"remote_island", "第6条(2)", "vehicle on a remote island"},
    RefusalGround{"ferry", "第6条(2)", "vehicle on a ferry"},
    RefusalGround{"beach", "第6条(2)", "vehicle on a beach"},
    RefusalGround{"forest_road", "第6条(2)", "vehicle on a forest road"},
    RefusalGround{"riverbed", "第6条(2)", "vehicle on a riverbed or other rough ground"},
    RefusalGround{"impassable_road", "第6条(2)", "road the service truck cannot use"},
    RefusalGround{"war_or_riot", "第6条(3)", "war, riot or exercise of public power"},
    RefusalGround{"illegal_modification", "第6条(4)", "illegal modification"},
    RefusalGround{"no_valid_inspection", "第6条(4)",
                  "no valid vehicle inspection (車検登録のない場合)"},
    RefusalGround{"special_equipment", "第6条(4)", "special working equipment fitted"},
    RefusalGround{"law_violation", "第6条(5)", "violation of the law"},
    RefusalGround{"illegal_driving_risk", "第6条(6)",
                  "risk of drunk, drugged or unlicensed driving afterwards"},
    RefusalGround{"beyond_maker_limits", "第6条(7)",
                  "use or modification beyond the maker's limits"},
    RefusalGround{"racing_or_display", "第6条(8)",
                  "racing, rally, display or other non-ordinary use"},
    RefusalGround{"damage_risk", "第6条(9)", "service would damage the vehicle or its cargo"},
    RefusalGround{"valuable_or_dangerous_cargo", "第6条(10)",
                  "valuable, irreplaceable or dangerous cargo"},
    RefusalGround{"third_party_harm", "第6条(11)", "harm to a third party without their consent"},
    RefusalGround{"consent_unconfirmable", "第6条(12)",
                  "the customer's consent cannot be confirmed"},
    RefusalGround{"impracticable", "第6条(13)", "judged impracticable by the operator or the crew"},
    RefusalGround{"documents_refused", "第3条(3)",
                  "the customer refuses to show the warranty, licence or 車検証, or the vehicle, "
                  "or to sign the work report"},
    RefusalGround{"waiver_refused", "第3条(4)",
                  "the customer refuses to sign the waiver (念書) for foreseeable damage"},
    RefusalGround{"no_police_report", "第3条(5)",
                  "accident not reported to or permitted by the police"},
    RefusalGround{"instructions_not_followed", "第3条(6)",
                  "the customer does not follow the operator's or the crew's instructions"},
    RefusalGround{"customer_absent", "第3条(7)",
                  "the customer cannot be present (except for tows)"},
    RefusalGround{"no_dangerous_goods_licensee", "第3条(8)",
                  "dangerous-goods vehicle without a licensed person"},
};
}  // namespace

std::span<const RefusalGround> refusal_grounds() {
    return kGrounds;
}

const RefusalGround* find_refusal_ground(std::string_view code) {
    for (const RefusalGround& g : kGrounds) {
        if (g.code == code) return &g;
    }
    return nullptr;
}

}  // namespace roadside::dispatch
