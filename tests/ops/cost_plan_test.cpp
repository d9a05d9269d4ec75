// The cost planner against the canonical example (data/cost/example.yaml), one expectation per
// number the issue names, and the inputs it refuses.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "ops/cost_inputs.h"
#include "ops/cost_plan.h"
#include "ops/cost_report.h"
#include "ops/pricing.h"

namespace sy::ops::cost {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The canonical inputs as the command reads them: the example file, prices from data/prices.yaml.
Inputs example_inputs() {
  Inputs in;
  auto applied = apply_yaml(read_file(SWITCHYARD_SOURCE_DIR "/data/cost/example.yaml"), "example.yaml", in);
  EXPECT_TRUE(applied) << applied.error().message;
  auto prices = PriceTable::load(SWITCHYARD_SOURCE_DIR "/data/prices.yaml");
  EXPECT_TRUE(prices) << prices.error().message;
  if (prices) {
    auto resolved = resolve_cloud_prices(**prices, in);
    EXPECT_TRUE(resolved) << resolved.error().message;
  }
  auto valid = validate(in);
  EXPECT_TRUE(valid) << valid.error().message;
  return in;
}

class CanonicalExample : public ::testing::Test {
 protected:
  Inputs in = example_inputs();
  Plan p = plan(in);
};

TEST_F(CanonicalExample, HardwareIs12000Over36MonthsRoundedTo333) { EXPECT_EQ(p.owned.hardware_usd, 333); }

TEST_F(CanonicalExample, PowerIs288KWh) { EXPECT_DOUBLE_EQ(p.owned.power_kwh, 288); }
TEST_F(CanonicalExample, PowerBillIsNT1152) { EXPECT_EQ(p.owned.power_in_kwh_currency, 1152); }
TEST_F(CanonicalExample, PowerIs36DollarsAt32) { EXPECT_EQ(p.owned.power_usd, 36); }

TEST_F(CanonicalExample, StaffIsAFifthOf5500) { EXPECT_EQ(p.owned.staff_usd, 1100); }

TEST_F(CanonicalExample, OwnedTotalIsTheSumOfRoundedLines) { EXPECT_EQ(p.owned.total_usd, 1469); }
TEST_F(CanonicalExample, OwnedTotalIsNT47008) { EXPECT_EQ(in_second_currency(p.owned.total_usd, in.rate), 47008); }

TEST_F(CanonicalExample, At600WattsPowerIsNT1728) {
  in.owned.power_watts = 600;
  EXPECT_EQ(plan(in).owned.power_in_kwh_currency, 1728);
}

TEST_F(CanonicalExample, GptMiniPricesComeFromThePriceTable) {
  EXPECT_DOUBLE_EQ(in.cloud.input_usd_per_m, 0.15);
  EXPECT_DOUBLE_EQ(in.cloud.output_usd_per_m, 0.60);
}
TEST_F(CanonicalExample, CloudIs0375DollarsADay) { EXPECT_NEAR(p.cloud.usd_per_day, 0.375, 1e-12); }
TEST_F(CanonicalExample, CloudIs1125DollarsAMonth) { EXPECT_NEAR(p.cloud.usd_per_month, 11.25, 1e-12); }

TEST_F(CanonicalExample, RentedA100LowIs1062) { EXPECT_EQ(p.rented.usd_low, 1062); }
TEST_F(CanonicalExample, RentedA100HighIs2952) { EXPECT_EQ(p.rented.usd_high, 2952); }
TEST_F(CanonicalExample, RentedLowIsNT34000InHundreds) {
  EXPECT_EQ(round_to(in_second_currency(p.rented.usd_low, in.rate), 100), 34000);
}
// 2,952 × 32 = 94,464, which rounds to 94,500 (the "94,400" is 2,950 × 32).
TEST_F(CanonicalExample, RentedHighIsNT94500InHundreds) {
  EXPECT_EQ(round_to(in_second_currency(p.rented.usd_high, in.rate), 100), 94500);
}

TEST_F(CanonicalExample, HybridIsOwnedPlusCloudSharePlusOperations) {
  EXPECT_EQ(p.hybrid.local_usd_low, 1469);
  EXPECT_EQ(p.hybrid.cloud_usd, 3);  // 30% of $11.25 = $3.375
  EXPECT_EQ(p.hybrid.operations_usd, 550);
  EXPECT_EQ(p.hybrid.total_usd_low, 2022);
  EXPECT_EQ(p.hybrid.total_usd_high, 2022);
}

TEST_F(CanonicalExample, HybridOverARentedGpuIsARange) {
  in.hybrid.local = "rented";
  auto h = plan(in).hybrid;
  EXPECT_EQ(h.total_usd_low, 1062 + 3 + 550);
  EXPECT_EQ(h.total_usd_high, 2952 + 3 + 550);
}

TEST_F(CanonicalExample, BreakEvenIsWhereCloudCostsTheOwnedTotal) {
  ASSERT_TRUE(p.break_even_queries_per_day);
  // 1469 / (30 × $0.000375)
  EXPECT_NEAR(*p.break_even_queries_per_day, 130577.78, 0.01);
  Inputs there = in;
  there.traffic.queries_per_day = *p.break_even_queries_per_day;
  EXPECT_NEAR(plan(there).cloud.usd_per_month, 1469, 1e-6);
}

TEST_F(CanonicalExample, TokensPerSecondSpreadsTheDayOverEightBusyHours) {
  EXPECT_NEAR(p.tokens_per_second, 1000.0 * 375 / (8 * 3600), 1e-9);  // 13.02
}

TEST_F(CanonicalExample, UtilisationScalesTheRentedHours) {
  in.rented.utilisation = 0.5;
  EXPECT_EQ(plan(in).rented.usd_low, 531);
}

TEST_F(CanonicalExample, HostingAddsToTheOwnedTotal) {
  in.owned.hosting_usd_per_month = 200;
  EXPECT_EQ(plan(in).owned.total_usd, 1669);
}

TEST_F(CanonicalExample, TheTableShowsBothCurrencies) {
  auto table = render_table(in, p, nullptr);
  EXPECT_NE(table.find("TWD/month"), std::string::npos) << table;
  EXPECT_NE(table.find("47,008"), std::string::npos) << table;
  EXPECT_NE(table.find("34,000 - 94,500"), std::string::npos) << table;
  EXPECT_NE(table.find("TWD 1,152"), std::string::npos) << table;
}

TEST(CostPlanGrouping, ThousandsAreSeparated) {
  EXPECT_EQ(grouped(47008), "47,008");
  EXPECT_EQ(grouped(333), "333");
  EXPECT_EQ(grouped(-1200), "-1,200");
  EXPECT_EQ(grouped(1000000), "1,000,000");
}

// Each refused input names its key.
void expect_refused(const Inputs& in, const std::string& key) {
  auto s = validate(in);
  ASSERT_FALSE(s) << key << " was accepted";
  EXPECT_NE(s.error().message.find(key), std::string::npos) << s.error().message;
}

TEST(CostPlanValidation, RefusesInputsOutOfRange) {
  Inputs ok;
  ASSERT_TRUE(validate(ok));
  { auto in = ok; in.currency = "TWD"; in.rate = 0; expect_refused(in, "rate"); }
  { auto in = ok; in.traffic.queries_per_day = -1; expect_refused(in, "traffic.queries_per_day"); }
  { auto in = ok; in.traffic.busy_hours_per_day = 25; expect_refused(in, "traffic.busy_hours_per_day"); }
  { auto in = ok; in.rented.usd_per_hour_low = 5; in.rented.usd_per_hour_high = 4; expect_refused(in, "rented.usd_per_hour_high"); }
  { auto in = ok; in.rented.utilisation = 1.5; expect_refused(in, "rented.utilisation"); }
  { auto in = ok; in.owned.amortisation_months = 0; expect_refused(in, "owned.amortisation_months"); }
  { auto in = ok; in.owned.kwh_currency = "EUR"; expect_refused(in, "owned.kwh_currency"); }
  { auto in = ok; in.hybrid.cloud_share = 1.2; expect_refused(in, "hybrid.cloud_share"); }
  { auto in = ok; in.hybrid.local = "leased"; expect_refused(in, "hybrid.local"); }
}

TEST(CostPlanYaml, RefusesUnknownKeysAndBadValues) {
  Inputs in;
  auto typo = apply_yaml("owned:\n  power_wats: 400\n", "in.yaml", in);
  ASSERT_FALSE(typo);
  EXPECT_NE(typo.error().message.find("owned.power_wats: unknown key"), std::string::npos) << typo.error().message;
  auto not_number = apply_yaml("rate: lots\n", "in.yaml", in);
  ASSERT_FALSE(not_number);
  EXPECT_NE(not_number.error().message.find("in.yaml"), std::string::npos) << not_number.error().message;
}

TEST(CostPlanYaml, KeysMissingFromTheFileKeepTheirDefaults) {
  Inputs in;
  ASSERT_TRUE(apply_yaml("traffic: {queries_per_day: 50}\n", "in.yaml", in));
  EXPECT_DOUBLE_EQ(in.traffic.queries_per_day, 50);
  EXPECT_DOUBLE_EQ(in.traffic.busy_hours_per_day, 8);
  EXPECT_DOUBLE_EQ(in.owned.amortisation_months, 36);
}

TEST(CostPlanPrices, AnUnknownModelIsAnError) {
  auto prices = PriceTable::load(SWITCHYARD_SOURCE_DIR "/data/prices.yaml");
  ASSERT_TRUE(prices);
  Inputs in;
  in.cloud.model = "no-such-model";
  auto s = resolve_cloud_prices(**prices, in);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("no-such-model"), std::string::npos);
  in.cloud.model = "claude-sonnet-4";  // another provider's model is found too
  ASSERT_TRUE(resolve_cloud_prices(**prices, in));
  EXPECT_DOUBLE_EQ(in.cloud.output_usd_per_m, 15.0);
}

}  // namespace
}  // namespace sy::ops::cost
