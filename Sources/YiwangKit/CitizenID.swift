import Foundation

/// 性别 — sex as encoded in a citizen ID number.
public enum Sex: String, Sendable, Codable, CaseIterable {
    case male
    case female
}

/// 居民身份证号码 — citizen ID number (GB 11643-1999).
///
/// `description` and `debugDescription` are masked so that interpolating a number into a log line
/// cannot leak it; use `value` where the full number is really needed.
public struct CitizenID: Hashable, Sendable, Codable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Lets callers write `CitizenID.Sex` as well as `Sex`.
    public typealias Sex = YiwangKit.Sex

    /// The normalised number: 18 characters, check character upper-case.
    public let value: String

    private static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    private static let checkCharacters: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// Validates and normalises a number: trims whitespace, accepts a lower-case `x`.
    ///
    /// `today` decides what counts as a future birth date; pass it explicitly for reproducible checks.
    public init(_ raw: String, today: Day = .today()) throws(IdentifierError) {
        let normalised = IdentifierText.trimmed(raw).replacingOccurrences(of: "x", with: "X")
        let characters = Array(normalised)
        guard !characters.isEmpty else { throw .empty }
        guard characters.count == 18 else { throw .wrongLength(expected: 18, actual: characters.count) }
        if let position = IdentifierText.firstInvalidPosition(in: characters, where: { index, character in
            IdentifierText.isDigit(character) || (index == 17 && character == "X")
        }) {
            throw .invalidCharacter(position: position)
        }
        // Field errors come before the check character: they tell the citizen where to look,
        // whereas a check-character error only says that something somewhere is wrong.
        let division = String(characters[0..<6])
        guard IdentifierText.isPlausibleProvince(division) else { throw .unknownDivision(division) }
        guard let birthDate = CitizenID.birthDate(in: characters) else { throw .impossibleBirthDate }
        guard birthDate <= today else { throw .futureBirthDate }
        let expected = CitizenID.checkCharacter(forFirst17: String(characters[0..<17]))
        guard characters[17] == expected else { throw .badCheckCharacter(expected: expected) }
        self.value = normalised
    }

    private init(unchecked value: String) {
        self.value = value
    }

    /// The six-digit address code (GB/T 2260) of the place of first registration.
    public var divisionCode: String {
        String(value.prefix(6))
    }

    /// The birth date encoded in positions 7–14.
    public var birthDate: Day {
        // Only validated numbers exist, so the date is known to be real.
        CitizenID.birthDate(in: Array(value)) ?? Day(daysSinceEpoch: 0)
    }

    /// Sex from the parity of the sequence code: odd is male, even is female.
    public var sex: Sex {
        let digit = Array(value)[16].wholeNumberValue ?? 0
        return digit.isMultiple(of: 2) ? .female : .male
    }

    /// The number with all but the first six and last four characters hidden.
    public var masked: String {
        Masking.idNumber(value)
    }

    public var description: String {
        masked
    }

    public var debugDescription: String {
        "CitizenID(\(masked))"
    }

    /// The check character for 17 leading digits (ISO 7064 MOD 11-2).
    ///
    /// - Precondition: `digits` consists of exactly 17 ASCII digits.
    public static func checkCharacter(forFirst17 digits: String) -> Character {
        let values = digits.compactMap { IdentifierText.isDigit($0) ? $0.wholeNumberValue : nil }
        precondition(values.count == 17 && digits.count == 17, "expected 17 ASCII digits")
        let sum = zip(values, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return checkCharacters[sum % 11]
    }

    /// Builds a valid number for synthetic demo data.
    ///
    /// - Precondition: `division` is six ASCII digits with a known province prefix, and `sequence` is in 0...999.
    public static func make(division: String, birthDate: Day, sequence: Int) -> CitizenID {
        precondition(division.count == 6 && division.allSatisfy(IdentifierText.isDigit), "division must be 6 digits")
        precondition(IdentifierText.isPlausibleProvince(division), "unknown province prefix")
        precondition((0...999).contains(sequence), "sequence must be in 0...999")
        let date = birthDate.description.replacingOccurrences(of: "-", with: "")
        let sequenceDigits = String(sequence)
        let first17 = division + date + String(repeating: "0", count: 3 - sequenceDigits.count) + sequenceDigits
        return CitizenID(unchecked: first17 + String(checkCharacter(forFirst17: first17)))
    }

    public init(from decoder: any Decoder) throws {
        self = try IdentifierText.decode(from: decoder) { raw throws(IdentifierError) in try CitizenID(raw) }
    }

    public func encode(to encoder: any Encoder) throws {
        try IdentifierText.encode(value, to: encoder)
    }

    private static func birthDate(in characters: [Character]) -> Day? {
        let digits = characters[6..<14].compactMap(\.wholeNumberValue)
        guard digits.count == 8 else { return nil }
        let number = { (range: Range<Int>) in range.reduce(0) { $0 * 10 + digits[$1] } }
        return Day(year: number(0..<4), month: number(4..<6), day: number(6..<8))
    }
}
