/// 工作日历 — the official working-day calendar.
///
/// Weekends are rest days except make-up working days (调休上班); official holidays are rest days
/// even on weekdays. Outside `coveredYears` only weekends are known, so deadlines there may be early.
public struct WorkingDayCalendar: Sendable {
    private let holidays: Set<Day>
    private let makeUpWorkingDays: Set<Day>

    /// The years for which holiday data was supplied (0...0 when none was).
    public let coveredYears: ClosedRange<Int>

    /// Creates a calendar from official rest days and make-up working days.
    public init(holidays: Set<Day>, makeUpWorkingDays: Set<Day>) {
        self.holidays = holidays
        self.makeUpWorkingDays = makeUpWorkingDays
        let years = holidays.union(makeUpWorkingDays).map(\.year)
        if let first = years.min(), let last = years.max() {
            coveredYears = first...last
        } else {
            coveredYears = 0...0
        }
    }

    /// Whether `day` is a working day.
    public func isWorkingDay(_ day: Day) -> Bool {
        if holidays.contains(day) { return false }
        if makeUpWorkingDays.contains(day) { return true }
        return day.weekday <= 5
    }

    /// The `n`-th working day after `day`; `day` itself when `n` is 0, and counting back when `n` is negative.
    public func addingWorkingDays(_ n: Int, to day: Day) -> Day {
        let step = n < 0 ? -1 : 1
        var remaining = abs(n)
        var current = day
        while remaining > 0 {
            current = current.adding(days: step)
            if isWorkingDay(current) { remaining -= 1 }
        }
        return current
    }

    /// The number of working days in (from, to]; negative, counting (to, from], when `to` is earlier.
    public func workingDays(from: Day, to: Day) -> Int {
        if to < from { return -workingDays(from: to, to: from) }
        var count = 0
        var current = from
        while current < to {
            current = current.adding(days: 1)
            if isWorkingDay(current) { count += 1 }
        }
        return count
    }
}

// MARK: - Official arrangements

extension WorkingDayCalendar {
    /// The State Council's holiday arrangements for mainland China.
    public static let china = WorkingDayCalendar(closures: officialClosures)

    /// One holiday period of an official arrangement and the weekend days worked in exchange.
    struct Closure: Sendable {
        let name: String
        let firstDay: Day
        let lastDay: Day
        let makeUpWorkingDays: [Day]

        init(_ name: String, _ firstDay: String, through lastDay: String, makeUp: [String] = []) {
            self.name = name
            self.firstDay = Closure.day(firstDay)
            self.lastDay = Closure.day(lastDay)
            self.makeUpWorkingDays = makeUp.map(Closure.day)
        }

        var days: [Day] {
            let count = lastDay.daysSinceEpoch - firstDay.daysSinceEpoch
            return (0...count).map(firstDay.adding(days:))
        }

        private static func day(_ iso: String) -> Day {
            guard let day = Day(iso: iso) else { preconditionFailure("bad date in holiday table: \(iso)") }
            return day
        }
    }

    // MARK: OFFICIAL HOLIDAY TABLE
    // One block per year, as published in 国务院办公厅关于<year>年部分节假日安排的通知 (each November).
    // Add the next year's block when the notice appears; `coveredYears` follows the data.
    static let officialClosures: [Closure] = [
        // 2025
        Closure("元旦", "2025-01-01", through: "2025-01-01"),
        Closure("春节", "2025-01-28", through: "2025-02-04", makeUp: ["2025-01-26", "2025-02-08"]),
        Closure("清明节", "2025-04-04", through: "2025-04-06"),
        Closure("劳动节", "2025-05-01", through: "2025-05-05", makeUp: ["2025-04-27"]),
        Closure("端午节", "2025-05-31", through: "2025-06-02"),
        Closure("国庆节、中秋节", "2025-10-01", through: "2025-10-08", makeUp: ["2025-09-28", "2025-10-11"]),

        // 2026
        Closure("元旦", "2026-01-01", through: "2026-01-03", makeUp: ["2026-01-04"]),
        Closure("春节", "2026-02-15", through: "2026-02-23", makeUp: ["2026-02-14", "2026-02-28"]),
        Closure("清明节", "2026-04-04", through: "2026-04-06"),
        Closure("劳动节", "2026-05-01", through: "2026-05-05", makeUp: ["2026-05-09"]),
        Closure("端午节", "2026-06-19", through: "2026-06-21"),
        Closure("中秋节", "2026-09-25", through: "2026-09-27"),
        Closure("国庆节", "2026-10-01", through: "2026-10-07", makeUp: ["2026-09-20", "2026-10-10"]),
    ]

    init(closures: [Closure]) {
        self.init(
            holidays: Set(closures.flatMap(\.days)),
            makeUpWorkingDays: Set(closures.flatMap(\.makeUpWorkingDays))
        )
    }
}
