import Crypto
import Foundation
import Vapor
import YiwangPlatform

/// 动态口令 — RFC 6238 time-based codes for staff's second factor.
enum TOTPCheck {
    /// A new 160-bit secret in Base32, as authenticator apps expect.
    static func makeSecret(using secrets: any SecretGenerator) -> String {
        let raw = Data(base64URLEncoded: secrets.token(bytes: 20)) ?? Data(UUID().uuidString.utf8)
        return Array(raw.prefix(20)).base32String().replacingOccurrences(of: "=", with: "")
    }

    /// Accepts the current code and one step either side for clock drift.
    static func accepts(code: String, secret: String, at date: Date) -> Bool {
        guard let bytes = [UInt8](decodingBase32: secret) else { return false }
        let totp = TOTP(key: SymmetricKey(data: bytes), digest: .sha1, digits: .six, interval: 30)
        return totp.generate(time: date, range: 1).contains(code.trimmingCharacters(in: .whitespaces))
    }

    static func code(secret: String, at date: Date) -> String? {
        guard let bytes = [UInt8](decodingBase32: secret) else { return nil }
        return TOTP(key: SymmetricKey(data: bytes), digest: .sha1, digits: .six, interval: 30).generate(time: date)
    }
}
