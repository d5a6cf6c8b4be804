/// 手机号码 — mainland mobile number: 11 digits starting with 1.
///
/// `description` is masked so that interpolating a number into a log line cannot leak it.
public struct MobileNumber: Hashable, Sendable, Codable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The 11 digits, without country code or separators.
    public let value: String

    /// Validates a number, accepting spaces, dashes and a leading "+86", "0086" or "86".
    public init(_ raw: String) throws(IdentifierError) {
        let normalised = MobileNumber.strippingDecorations(from: raw)
        let characters = Array(normalised)
        guard !characters.isEmpty else { throw .empty }
        guard characters.count == 11 else { throw .wrongLength(expected: 11, actual: characters.count) }
        if let position = IdentifierText.firstInvalidPosition(in: characters, where: { index, character in
            index == 0 ? character == "1" : IdentifierText.isDigit(character)
        }) {
            throw .invalidCharacter(position: position)
        }
        self.value = normalised
    }

    /// The number with the middle four digits hidden, e.g. 138****0001.
    public var masked: String {
        Masking.mobile(value)
    }

    public var description: String {
        masked
    }

    public var debugDescription: String {
        "MobileNumber(\(masked))"
    }

    public init(from decoder: any Decoder) throws {
        self = try IdentifierText.decode(from: decoder) { raw throws(IdentifierError) in try MobileNumber(raw) }
    }

    public func encode(to encoder: any Encoder) throws {
        try IdentifierText.encode(value, to: encoder)
    }

    private static func strippingDecorations(from raw: String) -> String {
        let compact = String(IdentifierText.trimmed(raw).filter { !$0.isWhitespace && $0 != "-" })
        if compact.hasPrefix("+86") { return String(compact.dropFirst(3)) }
        if compact.hasPrefix("0086") { return String(compact.dropFirst(4)) }
        // A bare "86" is only a country code when what follows has the length of a mobile number;
        // otherwise it is left in place so the error points at what the citizen typed.
        if compact.hasPrefix("86"), compact.count == 13 { return String(compact.dropFirst(2)) }
        return compact
    }
}
