import Fluent
import Foundation
import Vapor
import YiwangKit
import YiwangPlatform

/// Sends text messages. The default keeps them in the local outbox that the console shows.
public protocol SMSSender: Sendable {
    func send(to phone: MobileNumber, body: String, at date: Date, on database: any Database) async throws
}

/// Writes every message to the `sms_outbox` table instead of a carrier.
public struct OutboxSMSSender: SMSSender {
    public init() {}

    public func send(to phone: MobileNumber, body: String, at date: Date, on database: any Database) async throws {
        try await SMSOutboxMessage(phone: phone.value, body: body, createdAt: date).create(on: database)
    }
}

/// 实名核验 — confirms that a name and an ID number belong together.
public protocol RealNameAuthority: Sendable {
    func confirms(name: String, citizenID: CitizenID, on database: any Database) async throws -> Bool
}

/// Checks against the reference persons table; the population base library will take its place.
public struct ReferenceRegistryAuthority: RealNameAuthority {
    public init() {}

    public func confirms(name: String, citizenID: CitizenID, on database: any Database) async throws -> Bool {
        guard let person = try await ReferencePerson.find(citizenID.value, on: database) else { return false }
        return person.name == name
    }
}

/// The identity part's collaborators, chosen at start-up.
public struct IdentityServices: Sendable {
    public var sms: any SMSSender
    public var authority: any RealNameAuthority
    /// bcrypt cost; tests lower it to keep suites fast.
    public var passwordCost: Int
    public var keys: SigningKeyStore

    public init(sms: any SMSSender = OutboxSMSSender(), authority: any RealNameAuthority = ReferenceRegistryAuthority(), passwordCost: Int = 12) {
        self.sms = sms
        self.authority = authority
        self.passwordCost = passwordCost
        self.keys = SigningKeyStore()
    }
}

extension Application {
    private struct IdentityKey: StorageKey { typealias Value = IdentityServices }

    public var identity: IdentityServices {
        get {
            guard let services = storage[IdentityKey.self] else { fatalError("identity services not configured") }
            return services
        }
        set { storage[IdentityKey.self] = newValue }
    }
}

extension Request {
    public var identity: IdentityServices { application.identity }
}

/// SHA-256 hex of a secret token, which is all the database ever keeps.
func digest(_ token: String) -> String { HashChain.sha256Hex(Data(token.utf8)) }
