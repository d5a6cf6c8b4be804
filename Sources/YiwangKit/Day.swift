import Foundation

extension TimeZone {
    /// China Standard Time (Asia/Shanghai), the zone every deadline and birth date refers to.
    public static let shanghai: TimeZone =
        TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600) ?? .gmt
}

/// 日期 — a calendar day without a time of day, in the proleptic Gregorian calendar.
///
/// Birth dates and working-day deadlines are days, not instants; keeping them apart from `Date`
/// avoids the classic off-by-one when a midnight in Shanghai is 16:00 the previous day in UTC.
public struct Day: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// Year, 1...9999.
    public let year: Int
    /// Month, 1...12.
    public let month: Int
    /// Day of the month, 1...31.
    public let day: Int

    /// Creates a day, or returns nil when the date does not exist (e.g. 2023-02-29, month 13).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...Day.length(ofMonth: month, in: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses an ISO 8601 calendar date such as "2026-10-01"; nil for any other shape or an impossible date.
    public init?(iso: String) {
        let characters = Array(iso.utf8)
        guard characters.count == 10, characters[4] == UInt8(ascii: "-"), characters[7] == UInt8(ascii: "-"),
              let year = Day.number(characters[0..<4]),
              let month = Day.number(characters[5..<7]),
              let day = Day.number(characters[8..<10])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The current day in `timeZone`; pass `now` to pin the clock in tests.
    public static func today(in timeZone: TimeZone = .shanghai, now: Date = Date()) -> Day {
        Day(now, in: timeZone)
    }

    /// The day on which `date` falls in `timeZone`.
    public init(_ date: Date, in timeZone: TimeZone = .shanghai) {
        let localSeconds = date.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: date))
        self.init(daysSinceEpoch: Int((localSeconds / Day.secondsPerDay).rounded(.down)))
    }

    /// The first instant of this day in `timeZone`.
    public func start(in timeZone: TimeZone = .shanghai) -> Date {
        // Local noon always exists, whereas midnight can fall into a daylight-saving gap in some zones;
        // the calendar then finds the real start of the day from noon.
        let noonAsIfUTC = Double(daysSinceEpoch) * Day.secondsPerDay + Day.secondsPerDay / 2
        let offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: noonAsIfUTC))
        let noon = Date(timeIntervalSince1970: noonAsIfUTC - Double(offset))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.startOfDay(for: noon)
    }

    /// The day `days` days later (earlier when negative).
    public func adding(days: Int) -> Day {
        Day(daysSinceEpoch: daysSinceEpoch + days)
    }

    /// ISO weekday: 1 = Monday ... 7 = Sunday.
    public var weekday: Int {
        // 1970-01-01 was a Thursday.
        (daysSinceEpoch + 3).modulo(7) + 1
    }

    /// "2026-10-01".
    public var description: String {
        "\(Day.padded(year, to: 4))-\(Day.padded(month, to: 2))-\(Day.padded(day, to: 2))"
    }

    public static func < (lhs: Day, rhs: Day) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let day = Day(iso: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Not a YYYY-MM-DD date: \(text)")
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

// MARK: - Day numbers

extension Day {
    private static let secondsPerDay = 86_400.0

    static func isLeapYear(_ year: Int) -> Bool {
        year.isMultiple(of: 4) && (!year.isMultiple(of: 100) || year.isMultiple(of: 400))
    }

    static func length(ofMonth month: Int, in year: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01, using the era-based conversion so that no loop over years is needed.
    var daysSinceEpoch: Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `daysSinceEpoch`; always yields a real date, so no validation is needed.
    init(daysSinceEpoch: Int) {
        let shifted = daysSinceEpoch + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        self.year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self.month = month
        self.day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
    }

    /// Parses ASCII digits only; `Int(_:)` would also accept signs.
    static func number(_ digits: some Collection<UInt8>) -> Int? {
        var value = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return value
    }

    private static func padded(_ value: Int, to width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

extension Int {
    /// Remainder that is never negative, for weekday arithmetic before 1970.
    fileprivate func modulo(_ divisor: Int) -> Int {
        let remainder = self % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}
