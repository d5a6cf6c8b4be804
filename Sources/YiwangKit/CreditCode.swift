/// 统一社会信用代码 — unified social credit code (GB 32100-2015).
///
/// Credit codes are public, so `description` is the full code.
public struct CreditCode: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The 31 symbols the standard allows, in value order (no I, O, S, V, Z).
    public static let alphabet: [Character] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")

    /// Symbol values indexed by ASCII code, -1 for symbols outside the alphabet.
    private static let asciiValues: [Int] = {
        var table = [Int](repeating: -1, count: 128)
        for (offset, symbol) in alphabet.enumerated() {
            if let ascii = symbol.asciiValue { table[Int(ascii)] = offset }
        }
        return table
    }()

    private static func numericValue(of symbol: Character) -> Int? {
        guard let ascii = symbol.asciiValue, asciiValues[Int(ascii)] >= 0 else { return nil }
        return asciiValues[Int(ascii)]
    }
    private static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// The normalised code: 18 upper-case symbols from `alphabet`.
    public let value: String

    /// Validates and normalises a code: trims whitespace and upper-cases.
    ///
    /// Only the alphabet and the check character are checked; registration-authority and
    /// organisation-type codes keep being added, and a narrow pattern would reject real codes.
    public init(_ raw: String) throws(IdentifierError) {
        let normalised = IdentifierText.trimmed(raw).uppercased()
        let characters = Array(normalised)
        guard !characters.isEmpty else { throw .empty }
        guard characters.count == 18 else { throw .wrongLength(expected: 18, actual: characters.count) }
        if let position = IdentifierText.firstInvalidPosition(in: characters, where: { _, character in
            CreditCode.numericValue(of: character) != nil
        }) {
            throw .invalidCharacter(position: position)
        }
        guard let expected = CreditCode.checkCharacter(forFirst17: String(characters[0..<17])) else {
            throw .invalidCharacter(position: 1)
        }
        guard characters[17] == expected else { throw .badCheckCharacter(expected: expected) }
        self.value = normalised
    }

    private init(unchecked value: String) {
        self.value = value
    }

    /// 登记管理部门码 — position 1, the registering authority (e.g. 9 for market regulation).
    public var registrationAuthority: Character {
        Array(value)[0]
    }

    /// 机构类别码 — position 2, the kind of organisation within that authority.
    public var organisationType: Character {
        Array(value)[1]
    }

    /// 登记管理机关行政区划码 — positions 3–8.
    public var divisionCode: String {
        String(Array(value)[2..<8])
    }

    /// 主体标识码 — positions 9–17, the organisation code.
    public var subjectCode: String {
        String(Array(value)[8..<17])
    }

    public var description: String {
        value
    }

    /// The check character for 17 leading symbols, or nil if they are not 17 symbols of `alphabet`.
    public static func checkCharacter(forFirst17 s: String) -> Character? {
        let symbols = s.compactMap(numericValue(of:))
        guard symbols.count == 17, s.count == 17 else { return nil }
        let sum = zip(symbols, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return alphabet[(31 - sum % 31) % 31]
    }

    /// Builds a valid code for synthetic demo data, computing the check character.
    ///
    /// - Precondition: every argument uses symbols of `alphabet`; `division` has 6 and `subject` 9 of them.
    public static func make(authority: Character, type: Character, division: String, subject: String) -> CreditCode {
        precondition(division.count == 6, "division must have 6 characters")
        precondition(subject.count == 9, "subject must have 9 characters")
        let first17 = String(authority) + String(type) + division + subject
        guard let check = checkCharacter(forFirst17: first17) else {
            preconditionFailure("credit code parts must use the GB 32100 alphabet")
        }
        return CreditCode(unchecked: first17 + String(check))
    }

    public init(from decoder: any Decoder) throws {
        self = try IdentifierText.decode(from: decoder) { raw throws(IdentifierError) in try CreditCode(raw) }
    }

    public func encode(to encoder: any Encoder) throws {
        try IdentifierText.encode(value, to: encoder)
    }
}
