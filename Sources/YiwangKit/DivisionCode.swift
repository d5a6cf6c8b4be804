/// 行政区划代码 — administrative division code (GB/T 2260), extended to township (9) and village (12) digits.
public struct DivisionCode: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// 层级 — the administrative level a code denotes.
    public enum Level: String, Sendable, Codable, CaseIterable {
        case province
        case prefecture
        case county
        case township
        case village
    }

    /// The code: 6, 9 or 12 ASCII digits.
    public let value: String

    /// Validates a code: 6, 9 or 12 digits with a known province prefix.
    ///
    /// Counties are not looked up, since retired codes remain valid in old records.
    public init(_ raw: String) throws(IdentifierError) {
        let normalised = IdentifierText.trimmed(raw)
        let characters = Array(normalised)
        guard !characters.isEmpty else { throw .empty }
        guard [6, 9, 12].contains(characters.count) else {
            throw .wrongLength(expected: DivisionCode.nearestLength(to: characters.count), actual: characters.count)
        }
        if let position = IdentifierText.firstInvalidPosition(in: characters, where: { IdentifierText.isDigit($1) }) {
            throw .invalidCharacter(position: position)
        }
        guard IdentifierText.isPlausibleProvince(normalised) else { throw .unknownDivision(normalised) }
        self.value = normalised
    }

    private init(unchecked value: String) {
        self.value = value
    }

    /// The level implied by the code's shape: trailing "0000" is a province, trailing "00" a prefecture.
    public var level: Level {
        switch value.count {
        case 12: return .village
        case 9: return .township
        default:
            if value.hasSuffix("0000") { return .province }
            if value.hasSuffix("00") { return .prefecture }
            return .county
        }
    }

    /// The enclosing division (village → township → county → prefecture → province), nil for a province.
    ///
    /// A township's parent is its first six digits, whatever level they denote: cities without
    /// counties (such as 东莞 441900) have townships directly under the prefecture.
    public var parent: DivisionCode? {
        switch level {
        case .village: DivisionCode(unchecked: String(value.prefix(9)))
        case .township: DivisionCode(unchecked: String(value.prefix(6)))
        case .county: DivisionCode(unchecked: value.prefix(4) + "00")
        case .prefecture: DivisionCode(unchecked: value.prefix(2) + "0000")
        case .province: nil
        }
    }

    public var description: String {
        value
    }

    /// Orders by code, so a division sorts directly before the divisions it contains.
    public static func < (lhs: DivisionCode, rhs: DivisionCode) -> Bool {
        lhs.value < rhs.value
    }

    public init(from decoder: any Decoder) throws {
        self = try IdentifierText.decode(from: decoder) { raw throws(IdentifierError) in try DivisionCode(raw) }
    }

    public func encode(to encoder: any Encoder) throws {
        try IdentifierText.encode(value, to: encoder)
    }

    /// The valid length closest to `count` (ties go to the shorter), for a helpful error message.
    private static func nearestLength(to count: Int) -> Int {
        [6, 9, 12].min { abs($0 - count) < abs($1 - count) } ?? 6
    }
}
