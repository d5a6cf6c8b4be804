import Fluent
import Foundation
import JWTKit
import Vapor
import YiwangKit
import YiwangPlatform

/// 会话 — browser sessions with idle and absolute timeouts, kept in the database so any node serves them.
public enum Sessions {
    public static let cookieName = "yiwang_session"
    /// Writes to `last_seen_at` at most this often, to keep page views from being writes.
    static let touchInterval: TimeInterval = 60

    /// Starts a session for the account and sets its cookie on the response.
    public static func start(for account: Account, request: Request, response: Response) async throws -> WebSession {
        let now = request.now
        let token = request.platform.secrets.token(bytes: 32)
        let session = WebSession()
        session.$account.id = try account.requireID()
        session.tokenHash = digest(token)
        session.createdAt = now
        session.lastSeenAt = now
        session.expiresAt = now + request.platform.configuration.sessionAbsoluteTimeout
        session.hasSecondFactor = account.totpSecret != nil
        session.sourceAddress = request.clientAddress
        try await request.db.transaction { db in
            try await session.create(on: db)
            try await AuditLog.append(
                AuditEntry(actor: "account:\(account.id!.uuidString.lowercased())", action: "signin", target: "session:\(session.id!.uuidString.lowercased())", sourceAddress: request.clientAddress, detail: ["level": account.level.label]),
                at: now, on: db)
        }
        response.cookies[cookieName] = HTTPCookies.Value(
            string: token, expires: session.expiresAt, path: "/",
            isSecure: request.platform.configuration.usesSecureCookies, isHTTPOnly: true, sameSite: .lax)
        request.forgetPrincipal()
        return session
    }

    /// The live session behind the request's cookie, touched if it has been a while.
    public static func current(for request: Request) async throws -> WebSession? {
        guard let token = request.cookies[cookieName]?.string, !token.isEmpty else { return nil }
        guard let session = try await WebSession.query(on: request.db).filter(\.$tokenHash == digest(token)).first() else { return nil }
        let now = request.now
        let configuration = request.platform.configuration
        guard session.endedAt == nil, session.expiresAt > now,
            now.timeIntervalSince(session.lastSeenAt) < configuration.sessionIdleTimeout
        else { return nil }
        if now.timeIntervalSince(session.lastSeenAt) > touchInterval {
            session.lastSeenAt = now
            try await session.save(on: request.db)
        }
        return session
    }

    /// Ends the request's session and clears its cookie.
    public static func end(request: Request, response: Response) async throws {
        if let session = try await current(for: request) {
            let now = request.now
            try await request.db.transaction { db in
                session.endedAt = now
                try await session.save(on: db)
                try await AuditLog.append(
                    AuditEntry(actor: "account:\(session.$account.id.uuidString.lowercased())", action: "signout", target: "session:\(session.id!.uuidString.lowercased())", sourceAddress: request.clientAddress),
                    at: now, on: db)
            }
        }
        response.cookies[cookieName] = HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/", isSecure: request.platform.configuration.usesSecureCookies, isHTTPOnly: true, sameSite: .lax)
        request.forgetPrincipal()
    }
}

/// Claims of the access tokens the provider issues (RFC 9068 style JWTs).
struct AccessTokenClaims: JWTPayload {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var jti: IDClaim
    var client_id: String
    var scope: String
    var acr: String?

    /// Expiry is checked against the platform clock by the resolver, not the system clock here.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// Finds the principal from a session cookie or a bearer access token.
public struct IdentityPrincipalResolver: PrincipalResolver {
    public init() {}

    public func principal(for request: Request) async throws -> Principal? {
        var isPage = false
        if case .page? = request.route?.kind { isPage = true }
        // Pages (sign-in, consent, account settings) answer to the browser session only: a relying
        // party's token must never act as the person in front of them.
        if !isPage, let bearer = request.headers.bearerAuthorization?.token {
            return try await principal(bearer: bearer, request: request)
        }
        guard let session = try await Sessions.current(for: request),
            let account = try await Account.find(session.$account.id, on: request.db), !account.isDisabled
        else { return nil }
        var roles = account.roles
        if account.totpSecret == nil || !session.hasSecondFactor {
            // Administrators act only after a second factor.
            roles.subtract([.platformAdmin, .departmentAdmin])
        }
        return Principal(
            accountID: account.id, roles: roles, departmentID: account.$department.id,
            assuranceLevel: account.assuranceLevel, sessionID: session.id, channel: .session,
            displayName: account.displayName)
    }

    func principal(bearer token: String, request: Request) async throws -> Principal? {
        guard let claims = try? await request.identity.keys.verify(token, as: AccessTokenClaims.self, on: request.db, now: request.now),
            claims.iss.value == request.platform.configuration.publicURL,
            claims.exp.value > request.now
        else { throw AccessError.unauthenticated }
        let scopes = Set(claims.scope.split(separator: " ").map(String.init))
        if claims.sub.value.hasPrefix("client:") {
            return Principal(accountID: nil, clientID: claims.client_id, roles: [.system], scopes: scopes, channel: .bearer, displayName: claims.client_id)
        }
        guard let id = UUID(uuidString: claims.sub.value), let account = try await Account.find(id, on: request.db), !account.isDisabled else {
            throw AccessError.unauthenticated
        }
        // A relying party acts for the person within its scopes, never with the person's staff roles.
        let roles = account.roles.intersection([.citizen, .enterprise])
        return Principal(
            accountID: id, clientID: claims.client_id, roles: roles, departmentID: account.$department.id,
            assuranceLevel: account.assuranceLevel, scopes: scopes, channel: .bearer, displayName: account.displayName)
    }
}
