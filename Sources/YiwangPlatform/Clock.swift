import Foundation

/// The platform's notion of now, passed in so tests can fix it.
public protocol PlatformClock: Sendable {
    func now() -> Date
}

/// The system clock.
public struct SystemClock: PlatformClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock tests move by hand.
public final class ManualClock: PlatformClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date) { current = start }

    public func now() -> Date { lock.withLock { current } }

    public func advance(by seconds: TimeInterval) { lock.withLock { current += seconds } }
}

/// Randomness for secrets and codes, behind a protocol so tests can make it predictable.
public protocol SecretGenerator: Sendable {
    /// URL-safe random token with `bytes` bytes of entropy.
    func token(bytes: Int) -> String
    /// A numeric code of `digits` digits, e.g. for SMS.
    func numericCode(digits: Int) -> String
}

public struct SystemSecretGenerator: SecretGenerator {
    public init() {}

    public func token(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        return data.base64URLEncodedString()
    }

    public func numericCode(digits: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<digits).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
    }
}

extension Data {
    /// Base64url without padding (RFC 4648 §5), as JOSE and PKCE use.
    public func base64URLEncodedString() -> String {
        base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public init?(base64URLEncoded string: String) {
        var s = string.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        self.init(base64Encoded: s)
    }
}
