import Foundation
import Testing
@testable import YiwangKit

@Suite struct DayTests {
    @Test func acceptsRealDatesIncludingLeapDays() {
        #expect(Day(year: 2026, month: 10, day: 1) != nil)
        #expect(Day(year: 2024, month: 2, day: 29) != nil)
        #expect(Day(year: 2000, month: 2, day: 29) != nil)
        #expect(Day(year: 2025, month: 12, day: 31) != nil)
    }

    @Test func rejectsImpossibleDates() {
        #expect(Day(year: 1999, month: 2, day: 30) == nil)
        #expect(Day(year: 2023, month: 2, day: 29) == nil)
        #expect(Day(year: 1900, month: 2, day: 29) == nil)
        #expect(Day(year: 2026, month: 13, day: 1) == nil)
        #expect(Day(year: 2026, month: 0, day: 1) == nil)
        #expect(Day(year: 2026, month: 4, day: 31) == nil)
        #expect(Day(year: 2026, month: 1, day: 0) == nil)
        #expect(Day(year: 0, month: 1, day: 1) == nil)
    }

    @Test func parsesAndPrintsISODates() {
        #expect(Day(iso: "2026-10-01") == Day(year: 2026, month: 10, day: 1))
        #expect(Day(iso: "2026-10-01")?.description == "2026-10-01")
        #expect(Day(year: 33, month: 1, day: 2)?.description == "0033-01-02")
    }

    @Test(arguments: ["", "2026-1-01", "2026/10/01", "2026-10-1 ", "20261001", "2026-02-30", "+026-10-01", "２０２６-10-01"])
    func rejectsMalformedISODates(text: String) {
        #expect(Day(iso: text) == nil)
    }

    @Test func startsAtMidnightInShanghai() {
        // given: 2026-10-01T00:00+08:00 is 2026-09-30T16:00Z
        let midnight = Date(timeIntervalSince1970: 1_790_784_000)
        // then
        #expect(day("2026-10-01").start() == midnight)
        #expect(Day(midnight) == day("2026-10-01"))
        #expect(Day(midnight.addingTimeInterval(-1)) == day("2026-09-30"))
        #expect(Day(midnight, in: TimeZone(identifier: "UTC")!) == day("2026-09-30"))
    }

    @Test func todayDependsOnTheTimeZone() {
        // given: 00:30 on New Year's Day in Shanghai
        let now = Date(timeIntervalSince1970: 1_767_198_600)
        // then
        #expect(Day.today(now: now) == day("2026-01-01"))
        #expect(Day.today(in: TimeZone(identifier: "UTC")!, now: now) == day("2025-12-31"))
    }

    @Test func startOfDayHandlesAMidnightDaylightSavingGap() throws {
        // given: in São Paulo, clocks jumped from 00:00 to 01:00 on 2018-11-04
        let zone = try #require(TimeZone(identifier: "America/Sao_Paulo"))
        let gapDay = day("2018-11-04")
        // when
        let start = gapDay.start(in: zone)
        // then
        #expect(Day(start, in: zone) == gapDay)
        #expect(Day(start.addingTimeInterval(-1), in: zone) == day("2018-11-03"))
    }

    @Test func addsDaysAcrossMonthsYearsAndLeapDays() {
        #expect(day("2024-02-28").adding(days: 1) == day("2024-02-29"))
        #expect(day("2023-02-28").adding(days: 1) == day("2023-03-01"))
        #expect(day("2025-12-31").adding(days: 1) == day("2026-01-01"))
        #expect(day("2026-01-01").adding(days: -1) == day("2025-12-31"))
        #expect(day("2026-10-01").adding(days: 0) == day("2026-10-01"))
        #expect(day("1970-01-01").adding(days: -1) == day("1969-12-31"))
    }

    @Test func weekdayCountsFromMonday() {
        #expect(day("2026-10-01").weekday == 4)
        #expect(day("2026-10-10").weekday == 6)
        #expect(day("2025-01-26").weekday == 7)
        #expect(day("2025-01-27").weekday == 1)
        #expect(day("1969-12-28").weekday == 7)
    }

    @Test func ordersChronologically() {
        #expect(day("2025-12-31") < day("2026-01-01"))
        #expect(day("2026-01-31") < day("2026-02-01"))
        #expect(!(day("2026-02-01") < day("2026-02-01")))
    }

    @Test func codesAsAnISOString() throws {
        let json = try JSONEncoder().encode(["due": day("2026-10-09")])
        #expect(String(decoding: json, as: UTF8.self) == #"{"due":"2026-10-09"}"#)
        #expect(try JSONDecoder().decode([String: Day].self, from: json) == ["due": day("2026-10-09")])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([Day].self, from: Data(#"["2026-02-30"]"#.utf8))
        }
    }

    @Test func agreesWithFoundationsGregorianCalendar() throws {
        // given
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        var generator = SplitMix64(seed: 0xDA7E)
        var mismatches: [String] = []
        for _ in 0..<1_000 {
            // Foundation switches to the Julian calendar before 1582-10-15; Day stays proleptic Gregorian.
            let offset = Int.random(in: -140_000...150_000, using: &generator)
            // when
            let ours = day("1970-01-01").adding(days: offset)
            let theirs = calendar.dateComponents(
                [.year, .month, .day, .weekday],
                from: Date(timeIntervalSince1970: Double(offset) * 86_400)
            )
            // then: Foundation counts weekdays from Sunday = 1
            let isoWeekday = theirs.weekday.map { ($0 + 5) % 7 + 1 }
            if (theirs.year, theirs.month, theirs.day, isoWeekday) != (ours.year, ours.month, ours.day, ours.weekday) {
                mismatches.append("\(offset): \(ours) vs \(theirs)")
            }
            if ours.adding(days: -offset) != day("1970-01-01") { mismatches.append("round trip \(offset)") }
        }
        #expect(mismatches.isEmpty)
    }
}
