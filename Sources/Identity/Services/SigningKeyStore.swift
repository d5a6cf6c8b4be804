import CryptoExtras
import Fluent
import Foundation
import JWTKit
import NIOConcurrencyHelpers
import Vapor
import YiwangPlatform

/// The provider's signing keys: the newest active key signs, every unretired key verifies.
/// Cached per node and re-read from the database each minute, so a rotation on one node reaches all.
public final class SigningKeyStore: Sendable {
    struct Snapshot {
        var collection: JWTKeyCollection
        var signingKID: String
        var jwks: [[String: String]]
        var loadedAt: Date
    }

    private let cache = NIOLockedValueBox<Snapshot?>(nil)
    static let refreshInterval: TimeInterval = 60

    public init() {}

    /// Creates the first key if there is none.
    public func ensureActiveKey(on database: any Database, now: Date) async throws {
        let active = try await SigningKey.query(on: database).filter(\.$retiredAt == nil).count()
        if active == 0 { _ = try await rotate(on: database, now: now) }
    }

    /// Adds a new signing key; older keys keep verifying until retired. Returns the new kid.
    public func rotate(on database: any Database, now: Date) async throws -> String {
        let privateKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let key = SigningKey()
        let stamp = ISO8601DateFormatter().string(from: now).prefix(10)
        key.id = "\(stamp)-\(UUID().uuidString.prefix(8).lowercased())"
        key.privateKeyPEM = privateKey.pemRepresentation
        key.createdAt = now
        try await key.create(on: database)
        invalidate()
        return key.id!
    }

    /// Removes a key from the JWKS; tokens it signed stop verifying.
    public func retire(kid: String, on database: any Database, now: Date) async throws -> Bool {
        guard let key = try await SigningKey.find(kid, on: database), key.retiredAt == nil else { return false }
        let active = try await SigningKey.query(on: database).filter(\.$retiredAt == nil).count()
        guard active > 1 else { return false }
        key.retiredAt = now
        try await key.save(on: database)
        invalidate()
        return true
    }

    public func invalidate() { cache.withLockedValue { $0 = nil } }

    func snapshot(on database: any Database, now: Date) async throws -> Snapshot {
        if let cached = cache.withLockedValue({ $0 }), now.timeIntervalSince(cached.loadedAt) < Self.refreshInterval {
            return cached
        }
        let keys = try await SigningKey.query(on: database).filter(\.$retiredAt == nil).sort(\.$createdAt, .descending).all()
        guard let newest = keys.first, let newestKID = newest.id else { throw Abort(.internalServerError, reason: "no active signing key") }
        let collection = JWTKeyCollection()
        var jwks: [[String: String]] = []
        for key in keys {
            guard let kid = key.id else { continue }
            let rsa = try Insecure.RSA.PrivateKey(pem: key.privateKeyPEM)
            await collection.add(rsa: rsa, digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid))
            let primitives = try rsa.publicKey.getKeyPrimitives()
            jwks.append([
                "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
                "n": primitives.modulus.base64URLEncodedString(),
                "e": primitives.publicExponent.base64URLEncodedString(),
            ])
        }
        let snapshot = Snapshot(collection: collection, signingKID: newestKID, jwks: jwks, loadedAt: now)
        cache.withLockedValue { $0 = snapshot }
        return snapshot
    }

    /// Signs a payload with the newest key.
    public func sign(_ payload: some JWTPayload, type: String = "JWT", on database: any Database, now: Date) async throws -> String {
        let snapshot = try await snapshot(on: database, now: now)
        var header = JWTHeader()
        header.typ = type
        header.alg = "RS256"
        return try await snapshot.collection.sign(payload, kid: JWKIdentifier(string: snapshot.signingKID), header: header)
    }

    /// Verifies a token signed by any unretired key.
    public func verify<Payload: JWTPayload>(_ token: String, as type: Payload.Type, on database: any Database, now: Date) async throws -> Payload {
        let snapshot = try await snapshot(on: database, now: now)
        do {
            return try await snapshot.collection.verify(token, as: Payload.self)
        } catch {
            // Another node may have rotated in a key this one has not loaded yet: reload once.
            guard now.timeIntervalSince(snapshot.loadedAt) > 1 else { throw error }
            invalidate()
            return try await self.snapshot(on: database, now: now).collection.verify(token, as: Payload.self)
        }
    }

    /// The public keys, as `/oidc/jwks` serves them.
    public func jwks(on database: any Database, now: Date) async throws -> [[String: String]] {
        try await snapshot(on: database, now: now).jwks
    }
}
