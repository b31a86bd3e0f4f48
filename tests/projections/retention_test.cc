// DecideRetention (projections/retention.cc): archive at closure, erase at
// closure + 3 years or at the 25th birthday; DecideKnownErasures: erase the
// subjects whose keys are known to be destroyed.
#include <gtest/gtest.h>

#include "projections/rfc3339.h"
#include "tests/projections/decide_fixture.h"

namespace vigie::projections::domain_testing {
namespace {

class RetentionTest : public DecideTest {
 protected:
  void Open(std::string_view id, int birth_year) {
    Run("ref", "open-situation", std::string(R"({"situation_id": ")") + std::string(id) +
        R"(", "cell_id": "partenariale", "pseudonym": "P", "birth_year": )" + std::to_string(birth_year) +
        R"(, "referral_source": "mairie", "reason": "absenteisme", "need_to_know": ["ville"]})");
    birth_years_[std::string(id)] = birth_year;
  }
  std::vector<Decided> Due(std::string_view now) {
    return DecideRetention(state_, At(now), RetentionPolicy{}, [&](const Situation& s) -> std::optional<int> {
      auto it = birth_years_.find(s.id);
      if (it == birth_years_.end()) return std::nullopt;
      return it->second;
    });
  }
  static std::vector<std::string_view> Types(const Decided& d) {
    std::vector<std::string_view> types;
    for (const PlannedEvent& e : d.events) types.push_back(e.type());
    return types;
  }
  // Event i of `d` as a SubjectErased or a SituationClosed: an empty one,
  // and a failure, when it is not one.
  static const schema::SubjectErasedT& Erased(const Decided& d, std::size_t i) {
    static const schema::SubjectErasedT kNone;
    const auto* e = i < d.events.size() ? d.events[i].event.body.AsSubjectErased() : nullptr;
    if (!e) ADD_FAILURE() << "event " << i << " is not a SubjectErased";
    return e ? *e : kNone;
  }
  static const schema::SituationClosedT& Closed(const Decided& d, std::size_t i) {
    static const schema::SituationClosedT kNone;
    const auto* e = i < d.events.size() ? d.events[i].event.body.AsSituationClosed() : nullptr;
    if (!e) ADD_FAILURE() << "event " << i << " is not a SituationClosed";
    return e ? *e : kNone;
  }
  std::map<std::string, int> birth_years_;
};

TEST_F(RetentionTest, OpenYoungSituationsAreLeftAlone) {
  Open("s1", 2000);
  EXPECT_TRUE(Due("2013-06-01T00:00:00Z").empty());
}

TEST_F(RetentionTest, ClosedSituationsAreArchivedThenErasedAfterThreeYears) {
  Open("s1", 2000);
  Run("ref", "close-situation", R"({"situation_id": "s1", "outcome": "sortie_positive",
      "occurred_at": "2013-06-01T10:00:00Z"})");
  std::vector<Decided> due = Due("2013-06-02T00:00:00Z");
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(Types(due[0]), std::vector<std::string_view>{"SituationArchived"});
  EXPECT_EQ(due[0].role, "system");
  EXPECT_EQ(due[0].events[0].stream, "situation-s1");
  FoldDecided(state_, std::move(due[0]), At("2013-06-02T00:00:00Z"));
  EXPECT_TRUE(Due("2016-06-01T09:59:59Z").empty());
  due = Due("2016-06-01T10:00:00Z");
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(Types(due[0]), std::vector<std::string_view>{"SubjectErased"});
  EXPECT_EQ(Erased(due[0], 0).reason, "archive_expired");
  EXPECT_EQ(Erased(due[0], 0).key_id, "test-key");
  FoldDecided(state_, std::move(due[0]), At("2016-06-01T10:00:00Z"));
  EXPECT_TRUE(state_.situations.at("s1").erased.has_value());
  EXPECT_TRUE(Due("2030-01-01T00:00:00Z").empty());
}

TEST_F(RetentionTest, NeverPastTheTwentyFifthBirthday) {
  Open("s1", 1990);  // 25 on 1 January 2015 at the earliest
  Run("ref", "close-situation", R"({"situation_id": "s1", "outcome": "sans_suite",
      "occurred_at": "2014-03-01T00:00:00Z"})");
  std::vector<Decided> due = Due("2015-01-01T00:00:00Z");
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(Types(due[0]), (std::vector<std::string_view>{"SituationArchived", "SubjectErased"}));
  EXPECT_EQ(Erased(due[0], 1).reason, "age_limit");
}

TEST_F(RetentionTest, AFollowedSubjectReachingTheAgeLimitIsClosedAndErased) {
  Open("s1", 1990);
  std::vector<Decided> due = Due("2015-01-01T00:00:00Z");
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(Types(due[0]),
            (std::vector<std::string_view>{"SituationClosed", "SituationArchived", "SubjectErased"}));
  EXPECT_EQ(Closed(due[0], 0).outcome, "limite_age");
  FoldDecided(state_, std::move(due[0]), At("2015-01-01T00:00:00Z"));
  EXPECT_TRUE(Due("2016-01-01T00:00:00Z").empty());
}

TEST_F(RetentionTest, UnreadableBirthYearFallsBackOnTheArchivePeriod) {
  Open("s1", 1990);
  birth_years_.clear();
  EXPECT_TRUE(Due("2015-01-01T00:00:00Z").empty());
}

// DecideKnownErasures: subjects whose keys a restore withheld.
TEST_F(RetentionTest, AKnownErasureEndsTheSituationWithItsReason) {
  Open("s1", 2000);
  std::vector<Decided> due = DecideKnownErasures(state_, {{"test-key", "archive_expired"}});
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].role, "system");
  EXPECT_EQ(Types(due[0]),
            (std::vector<std::string_view>{"SituationClosed", "SituationArchived", "SubjectErased"}));
  EXPECT_EQ(Closed(due[0], 0).outcome, "autre");
  EXPECT_EQ(Erased(due[0], 2).reason, "archive_expired");
  EXPECT_EQ(Erased(due[0], 2).key_id, "test-key");
  FoldDecided(state_, std::move(due[0]), At("2022-06-01T00:00:00Z"));
  EXPECT_TRUE(state_.situations.at("s1").erased.has_value());
  EXPECT_TRUE(DecideKnownErasures(state_, {{"test-key", "archive_expired"}}).empty());
}

TEST_F(RetentionTest, AKnownAgeLimitErasureClosesWithTheAgeLimitOutcome) {
  Open("s1", 2000);
  std::vector<Decided> due = DecideKnownErasures(state_, {{"test-key", "age_limit"}});
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(Closed(due[0], 0).outcome, "limite_age");
  EXPECT_EQ(Erased(due[0], 2).reason, "age_limit");
}

TEST_F(RetentionTest, AKnownErasureOfAnotherKeyLeavesTheSituationAlone) {
  Open("s1", 2000);
  EXPECT_TRUE(DecideKnownErasures(state_, {{"other-key", "key_destroyed"}}).empty());
}

}  // namespace
}  // namespace vigie::projections::domain_testing
