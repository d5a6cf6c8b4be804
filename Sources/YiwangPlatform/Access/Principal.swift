import Foundation
import Vapor

/// The platform's roles; an account holds one or more, a department system holds `system`.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    case platformAdmin = "platform_admin"
    case departmentAdmin = "department_admin"
    case departmentStaff = "department_staff"
    case auditor
    case citizen
    case enterprise
    case system

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Roles that work in the staff console.
    public static let staff: Set<Role> = [.platformAdmin, .departmentAdmin, .departmentStaff, .auditor]
}

/// Who is calling: a signed-in person (web session or bearer token) or a department system.
public struct Principal: Sendable, Equatable {
    public enum Channel: String, Sendable { case session, bearer }

    public var accountID: UUID?
    /// The relying party or department system a bearer token was issued to.
    public var clientID: String?
    public var roles: Set<Role>
    public var departmentID: UUID?
    /// 实名等级 — real-name assurance level 0...3.
    public var assuranceLevel: Int
    public var scopes: Set<String>
    public var sessionID: UUID?
    public var channel: Channel
    public var displayName: String

    public init(
        accountID: UUID?, clientID: String? = nil, roles: Set<Role>, departmentID: UUID? = nil,
        assuranceLevel: Int = 0, scopes: Set<String> = [], sessionID: UUID? = nil, channel: Channel,
        displayName: String
    ) {
        self.accountID = accountID
        self.clientID = clientID
        self.roles = roles
        self.departmentID = departmentID
        self.assuranceLevel = assuranceLevel
        self.scopes = scopes
        self.sessionID = sessionID
        self.channel = channel
        self.displayName = displayName
    }

    /// How the audit log names this caller.
    public var auditActor: String {
        if let accountID { return "account:\(accountID.uuidString.lowercased())" }
        if let clientID { return "client:\(clientID)" }
        return "anonymous"
    }

    public var isStaff: Bool { !roles.isDisjoint(with: Role.staff) }
}

/// Finds the principal behind a request; Identity provides the live one.
public protocol PrincipalResolver: Sendable {
    func principal(for request: Request) async throws -> Principal?
}

extension Application {
    private struct ResolverKey: StorageKey { typealias Value = any PrincipalResolver }

    public var principalResolver: (any PrincipalResolver)? {
        get { storage[ResolverKey.self] }
        set { storage[ResolverKey.self] = newValue }
    }
}

extension Request {
    private struct PrincipalKey: StorageKey { typealias Value = Principal? }

    /// The authenticated caller, resolved once per request.
    public func principal() async throws -> Principal? {
        if let cached = storage[PrincipalKey.self] { return cached }
        let resolved = try await application.principalResolver?.principal(for: self)
        storage[PrincipalKey.self] = .some(resolved)
        return resolved
    }

    /// Forget the cached principal (after sign-in or sign-out within the same request).
    public func forgetPrincipal() { storage[PrincipalKey.self] = nil }

    /// The caller, or an `unauthenticated` error.
    public func requirePrincipal() async throws -> Principal {
        guard let principal = try await principal() else { throw AccessError.unauthenticated }
        return principal
    }
}
