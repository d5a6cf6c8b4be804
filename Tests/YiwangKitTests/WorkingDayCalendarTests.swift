import Testing
@testable import YiwangKit

@Suite struct WorkingDayCalendarTests {
    let calendar = WorkingDayCalendar.china

    @Test func nationalDayIsNotAWorkingDay() {
        #expect(!calendar.isWorkingDay(day("2026-10-01")))
    }

    @Test func makeUpSaturdayIsAWorkingDay() {
        #expect(day("2026-10-10").weekday == 6)
        #expect(calendar.isWorkingDay(day("2026-10-10")))
    }

    @Test func makeUpSundayIsAWorkingDay() {
        #expect(day("2025-09-28").weekday == 7)
        #expect(calendar.isWorkingDay(day("2025-09-28")))
    }

    @Test func plainWeekendIsNotAWorkingDay() {
        #expect(day("2026-03-07").weekday == 6)
        #expect(!calendar.isWorkingDay(day("2026-03-07")))
        #expect(!calendar.isWorkingDay(day("2026-03-08")))
    }

    @Test func plainWeekdayIsAWorkingDay() {
        #expect(calendar.isWorkingDay(day("2026-03-09")))
    }

    @Test func holidayOnAWeekdayIsNotAWorkingDay() {
        #expect(day("2025-01-01").weekday == 3)
        #expect(!calendar.isWorkingDay(day("2025-01-01")))
    }

    @Test func twoWorkingDaysAfterTheEveOfNationalDay2026() {
        // given: 09-30 (Wed); 10-01..10-07 are holidays; 10-08 (Thu) is the 1st working day, 10-09 (Fri) the 2nd
        // when
        let due = calendar.addingWorkingDays(2, to: day("2026-09-30"))
        // then
        #expect(due == day("2026-10-09"))
    }

    @Test func fiveWorkingDaysAcrossSpringFestival2025CountTheMakeUpSunday() {
        // given: 01-24 (Fri). 01-25 Sat rest; 01-26 Sun make-up → 1; 01-27 Mon → 2;
        // 01-28..02-04 holidays; 02-05 → 3; 02-06 → 4; 02-07 → 5
        // when
        let due = calendar.addingWorkingDays(5, to: day("2025-01-24"))
        // then
        #expect(due == day("2025-02-07"))
        #expect(calendar.workingDays(from: day("2025-01-24"), to: day("2025-02-07")) == 5)
    }

    @Test func platformCheckDeadlineOverNationalDay2025() {
        // 09-30 (Tue); 10-01..10-08 holidays; 10-09 (Thu) → 1; 10-10 (Fri) → 2
        #expect(calendar.addingWorkingDays(2, to: day("2025-09-30")) == day("2025-10-10"))
        // 10-11 is the Saturday make-up day, so a third working day follows at once
        #expect(calendar.addingWorkingDays(3, to: day("2025-09-30")) == day("2025-10-11"))
    }

    @Test func addingZeroWorkingDaysReturnsTheDayItself() {
        #expect(calendar.addingWorkingDays(0, to: day("2026-10-01")) == day("2026-10-01"))
        #expect(calendar.addingWorkingDays(0, to: day("2026-03-09")) == day("2026-03-09"))
    }

    @Test func negativeCountsGoBack() {
        #expect(calendar.addingWorkingDays(-5, to: day("2025-02-07")) == day("2025-01-24"))
    }

    @Test func workingDaysCountsTheHalfOpenInterval() {
        #expect(calendar.workingDays(from: day("2026-03-09"), to: day("2026-03-09")) == 0)
        #expect(calendar.workingDays(from: day("2026-03-09"), to: day("2026-03-10")) == 1)
        #expect(calendar.workingDays(from: day("2026-03-06"), to: day("2026-03-09")) == 1)
        #expect(calendar.workingDays(from: day("2025-02-07"), to: day("2025-01-24")) == -5)
    }

    @Test(arguments: [2025, 2026])
    func eachCoveredYearHas248WorkingDays(year: Int) throws {
        // 261 weekdays in both years; 2025: 18 weekday holidays, 5 make-up days;
        // 2026: 19 weekday holidays, 6 make-up days.
        let lastDayBefore = try #require(Day(year: year - 1, month: 12, day: 31))
        let lastDay = try #require(Day(year: year, month: 12, day: 31))
        #expect(calendar.workingDays(from: lastDayBefore, to: lastDay) == 248)
    }

    @Test func coversTheYearsInTheTable() {
        #expect(calendar.coveredYears == 2025...2026)
    }

    @Test func tableHasMakeUpDaysOnlyOnWeekendsAndNeverOnHolidays() {
        let closures = WorkingDayCalendar.officialClosures
        let holidays = Set(closures.flatMap(\.days))
        for closure in closures {
            #expect(closure.firstDay <= closure.lastDay, "\(closure.name)")
            for makeUp in closure.makeUpWorkingDays {
                #expect(makeUp.weekday >= 6, "\(closure.name) \(makeUp)")
                #expect(!holidays.contains(makeUp), "\(closure.name) \(makeUp)")
            }
        }
    }

    @Test func customCalendarUsesItsOwnData() {
        // given
        let custom = WorkingDayCalendar(holidays: [day("2030-01-02")], makeUpWorkingDays: [day("2030-01-05")])
        // then
        #expect(!custom.isWorkingDay(day("2030-01-02")))
        #expect(custom.isWorkingDay(day("2030-01-05")))
        #expect(custom.coveredYears == 2030...2030)
        #expect(WorkingDayCalendar(holidays: [], makeUpWorkingDays: []).coveredYears == 0...0)
    }
}
