import Foundation

/// 号码校验错误 — why an identifier was rejected, with a stable code and a plain Chinese message.
///
/// Positions are 1-based and count characters of the normalised input (after trimming and,
/// for mobile numbers, after removing separators and the country code), because that is what
/// the citizen sees when the message is shown next to the field.
public enum IdentifierError: Error, Equatable, Sendable {
    /// Nothing was entered.
    case empty
    /// The input has the wrong number of characters.
    case wrongLength(expected: Int, actual: Int)
    /// The character at this 1-based position is not allowed there.
    case invalidCharacter(position: Int)
    /// Every character is allowed, but the check character does not match.
    case badCheckCharacter(expected: Character)
    /// The encoded birth date does not exist in the calendar.
    case impossibleBirthDate
    /// The encoded birth date lies after today.
    case futureBirthDate
    /// The address or division code does not belong to a known province.
    case unknownDivision(String)

    /// Stable machine-readable code, suitable for API responses and field errors.
    public var code: String {
        switch self {
        case .empty: "empty"
        case .wrongLength: "wrong-length"
        case .invalidCharacter: "invalid-character"
        case .badCheckCharacter: "bad-check-character"
        case .impossibleBirthDate: "impossible-birth-date"
        case .futureBirthDate: "future-birth-date"
        case .unknownDivision: "unknown-division"
        }
    }

    /// Plain Chinese explanation for the citizen.
    public var message: String {
        switch self {
        case .empty:
            "号码为空，请填写。"
        case let .wrongLength(expected, actual):
            "号码应为 \(expected) 位，现为 \(actual) 位。请核对号码。"
        case let .invalidCharacter(position):
            "第 \(position) 位字符无效。请核对号码。"
        case let .badCheckCharacter(expected):
            "校验位不正确，应为 \(expected)。请核对号码。"
        case .impossibleBirthDate:
            "出生日期不存在。请核对号码。"
        case .futureBirthDate:
            "出生日期晚于今天。请核对号码。"
        case let .unknownDivision(code):
            "行政区划代码 \(code) 无法识别。请核对号码。"
        }
    }
}

extension IdentifierError: LocalizedError {
    /// The Chinese message, so frameworks that show `localizedDescription` show something useful.
    public var errorDescription: String? { message }
}

/// Helpers shared by the identifier types.
enum IdentifierText {
    /// Province-level prefixes of GB/T 2260 (including 71 Taiwan, 81 Hong Kong, 82 Macao).
    ///
    /// Only the province is checked: old ID numbers keep county codes that have since been retired,
    /// so a county-level table would reject real people.
    static let provincePrefixes: Set<String> = {
        let ranges: [ClosedRange<Int>] = [11...15, 21...23, 31...37, 41...46, 50...54, 61...65, 71...71, 81...82]
        return Set(ranges.flatMap { $0 }.map(String.init))
    }()

    static func isPlausibleProvince(_ code: some StringProtocol) -> Bool {
        provincePrefixes.contains(String(code.prefix(2)))
    }

    static func trimmed(_ raw: String) -> String {
        // Most input arrives clean; skipping Foundation's trimming then keeps bulk validation fast.
        guard raw.first?.isWhitespace == true || raw.last?.isWhitespace == true else { return raw }
        return raw.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func isDigit(_ character: Character) -> Bool {
        character.isASCII && character.isWholeNumber
    }

    /// 1-based position of the first character that fails `isAllowed`, if any.
    static func firstInvalidPosition(in characters: [Character], where isAllowed: (Int, Character) -> Bool) -> Int? {
        characters.indices.first { !isAllowed($0, characters[$0]) }.map { $0 + 1 }
    }

    /// Decodes a single string and validates it, reporting validation failures as corrupted data.
    static func decode<Value>(
        from decoder: any Decoder,
        _ make: (String) throws(IdentifierError) -> Value
    ) throws -> Value {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        do {
            return try make(raw)
        } catch {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "\(error.code): \(error.message)"
            )
        }
    }

    static func encode(_ value: String, to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
