#include "atelier/orders/schedule.h"

#include <gtest/gtest.h>

#include "internal/test_support.h"

namespace atelier::orders {
namespace {

using testing::FakeClock;
using testing::Must;

class ScheduleTest : public ::testing::Test {
 protected:
  ScheduleTest() : db_(testing::OpenMemoryDb()), shop_(*db_), scheduler_(*db_, ScheduleOptions{60, 7}) {
    plant_a_ = shop_.AddLocation("PLANT-A", catalog::LocationType::kPlant, "us-central");
    plant_b_ = shop_.AddLocation("PLANT-B", catalog::LocationType::kPlant, "us-west");
    shop_.AddLocation("DC-EAST", catalog::LocationType::kDistributionCentre, "us-east");
    testing::MustOk(scheduler_.SetCapacity("PLANT-A", "suv", 2));
    testing::MustOk(scheduler_.SetTransit("PLANT-A", "us-east", 3));
    testing::MustOk(scheduler_.SetTransit("PLANT-B", "us-east", 6));
  }

  BuildRequest Suv(int64_t quantity = 1) { return BuildRequest{"suv", {"PLANT-A"}, 10, quantity, "us-east"}; }

  // Books the quote inside a transaction, as checkout does.
  bool Book(const DeliveryQuote& q, int64_t quantity = 1) {
    bool booked = false;
    testing::MustOk(db_->Transact([&](store::Session& s) -> Status {
      ATELIER_ASSIGN_OR_RETURN(booked, scheduler_.Reserve(s, q, quantity));
      return Ok();
    }));
    return booked;
  }

  FakeClock clock_;
  std::unique_ptr<store::Database> db_;
  testing::Shop shop_;
  Scheduler scheduler_;
  int64_t plant_a_ = 0;
  int64_t plant_b_ = 0;
};

TEST_F(ScheduleTest, QuotesEarliestDayAfterLeadTimePlusTransit) {
  const int64_t today = clock_.today();
  DeliveryQuote q = Must(scheduler_.Quote(Suv(), today));
  EXPECT_EQ(q.plant_code, "PLANT-A");
  EXPECT_EQ(q.build_day, today + 10);
  EXPECT_EQ(q.transit_days, 3);
  EXPECT_EQ(q.delivery_day, today + 13);
  EXPECT_EQ(q.delivery_date, FormatDay(today + 13));
  EXPECT_EQ(q.delivery_date, "2026-12-06");
}

TEST_F(ScheduleTest, QuotesAreDeterministicAndDoNotBook) {
  const int64_t today = clock_.today();
  DeliveryQuote a = Must(scheduler_.Quote(Suv(), today));
  DeliveryQuote b = Must(scheduler_.Quote(Suv(), today));
  EXPECT_EQ(a.build_day, b.build_day);
  EXPECT_EQ(Must(scheduler_.Booked("PLANT-A", "suv", a.build_day)), 0);
}

TEST_F(ScheduleTest, FullDayMovesTheQuoteToTheNextDay) {
  const int64_t today = clock_.today();
  DeliveryQuote q = Must(scheduler_.Quote(Suv(2), today));
  ASSERT_TRUE(Book(q, 2));
  EXPECT_EQ(Must(scheduler_.Booked("PLANT-A", "suv", q.build_day)), 2);
  EXPECT_EQ(Must(scheduler_.Quote(Suv(), today)).build_day, today + 11);
}

TEST_F(ScheduleTest, ReserveRefusesASlotWithoutCapacity) {
  const int64_t today = clock_.today();
  DeliveryQuote q = Must(scheduler_.Quote(Suv(), today));
  ASSERT_TRUE(Book(q));
  ASSERT_TRUE(Book(q));
  EXPECT_FALSE(Book(q));
  EXPECT_EQ(Must(scheduler_.Booked("PLANT-A", "suv", q.build_day)), 2);
}

TEST_F(ScheduleTest, ClosedDaysAreSkipped) {
  const int64_t today = clock_.today();
  testing::MustOk(scheduler_.SetClosed("PLANT-A", today + 10, true));
  testing::MustOk(scheduler_.SetClosed("PLANT-A", today + 11, true));
  DeliveryQuote q = Must(scheduler_.Quote(Suv(), today));
  EXPECT_EQ(q.build_day, today + 12);
  // A stale quote for a day that closed cannot be booked.
  DeliveryQuote stale = q;
  stale.build_day = today + 10;
  EXPECT_FALSE(Book(stale));
  testing::MustOk(scheduler_.SetClosed("PLANT-A", today + 10, false));
  EXPECT_EQ(Must(scheduler_.Quote(Suv(), today)).build_day, today + 10);
}

TEST_F(ScheduleTest, PicksThePlantWithTheEarliestDelivery) {
  const int64_t today = clock_.today();
  testing::MustOk(scheduler_.SetCapacity("PLANT-B", "suv", 5));
  BuildRequest both = Suv();
  both.plant_codes = {"PLANT-B", "PLANT-A"};
  EXPECT_EQ(Must(scheduler_.Quote(both, today)).plant_code, "PLANT-A");  // 3 transit days beat 6
  for (int day = 0; day < 4; ++day) testing::MustOk(scheduler_.SetClosed("PLANT-A", today + 10 + day, true));
  DeliveryQuote q = Must(scheduler_.Quote(both, today));
  EXPECT_EQ(q.plant_code, "PLANT-B");  // A: build +14, deliver +17; B: build +10, deliver +16
  EXPECT_EQ(q.delivery_day, today + 16);
}

TEST_F(ScheduleTest, UsesDefaultTransitForUnknownRegion) {
  BuildRequest req = Suv();
  req.region = "eu-north";
  EXPECT_EQ(Must(scheduler_.Quote(req, clock_.today())).transit_days, 7);
}

TEST_F(ScheduleTest, NoCapacityWithinHorizonIsUnavailable) {
  BuildRequest req = Suv(3);  // more than a day's capacity
  auto r = scheduler_.Quote(req, clock_.today());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(r.error().field, "plants");
  req = Suv();
  req.product_line = "boat";  // no plant builds boats
  EXPECT_EQ(scheduler_.Quote(req, clock_.today()).error().code, ErrorCode::kUnavailable);
}

TEST_F(ScheduleTest, ReleaseFreesTheSlot) {
  const int64_t today = clock_.today();
  DeliveryQuote q = Must(scheduler_.Quote(Suv(2), today));
  ASSERT_TRUE(Book(q, 2));
  testing::MustOk(db_->Transact(
      [&](store::Session& s) { return scheduler_.Release(s, q.plant_id, "suv", q.build_day, 1); }));
  EXPECT_EQ(Must(scheduler_.Booked("PLANT-A", "suv", q.build_day)), 1);
  EXPECT_EQ(Must(scheduler_.Quote(Suv(), today)).build_day, today + 10);
}

TEST_F(ScheduleTest, CalendarShowsCapacityClosuresAndBookings) {
  const int64_t today = clock_.today();
  DeliveryQuote q = Must(scheduler_.Quote(Suv(), today));
  ASSERT_TRUE(Book(q, 2));
  testing::MustOk(scheduler_.SetClosed("PLANT-A", q.build_day + 1, true));
  testing::MustOk(scheduler_.SetCapacity("PLANT-A", "van", 5));

  PlantCalendar c = Must(scheduler_.Calendar("PLANT-A", q.build_day, 3));
  EXPECT_EQ(c.plant_code, "PLANT-A");
  EXPECT_EQ(c.plant_id, plant_a_);
  ASSERT_EQ(c.days.size(), 3u);
  const CalendarDay& built = c.days[0];
  EXPECT_EQ(built.date, FormatDay(q.build_day));
  EXPECT_FALSE(built.closed);
  ASSERT_EQ(built.lines.size(), 2u);  // by name: suv, van
  EXPECT_EQ(built.lines[0].product_line, "suv");
  EXPECT_EQ(built.lines[0].capacity, 2);
  EXPECT_EQ(built.lines[0].booked, 2);
  EXPECT_EQ(built.lines[1].product_line, "van");
  EXPECT_EQ(built.lines[1].capacity, 5);
  EXPECT_EQ(built.lines[1].booked, 0);
  EXPECT_TRUE(c.days[1].closed);
  EXPECT_EQ(c.days[1].lines[0].capacity, 0);
  EXPECT_FALSE(c.days[2].closed);
  EXPECT_EQ(c.days[2].lines[0].booked, 0);
}

TEST_F(ScheduleTest, CalendarRejectsUnknownPlantsAndBadRanges) {
  EXPECT_EQ(scheduler_.Calendar("DC-EAST", 0, 7).error().field, "plant");
  EXPECT_EQ(scheduler_.Calendar("NOPE", 0, 7).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(scheduler_.Calendar("PLANT-A", 0, 0).error().field, "days");
  EXPECT_EQ(scheduler_.Calendar("PLANT-A", 0, Scheduler::kMaxCalendarDays + 1).error().field, "days");
}

TEST_F(ScheduleTest, SetUpValidatesItsInput) {
  EXPECT_EQ(scheduler_.SetCapacity("DC-EAST", "suv", 1).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(scheduler_.SetCapacity("PLANT-Z", "suv", 1).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(scheduler_.SetCapacity("PLANT-A", "suv", -1).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(scheduler_.SetTransit("PLANT-A", "us-east", -2).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(scheduler_.Quote(Suv(0), clock_.today()).error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace atelier::orders
