import Crypto
import Fluent
import SQLKit
import Foundation
import JWTKit
import Vapor
import YiwangKit
import YiwangPlatform

/// An OAuth 2.0 / OIDC protocol error (RFC 6749 §5.2), answered in the protocol's own shape.
public struct OAuthError: Error, Equatable {
    public var code: String
    public var description: String
    public var status: HTTPResponseStatus

    public init(_ code: String, _ description: String, status: HTTPResponseStatus = .badRequest) {
        self.code = code
        self.description = description
        self.status = status
    }

    /// The JSON body: the RFC 6749 members standard clients read, plus RFC 9457 members.
    public func response() -> Response {
        let body: [String: Any] = [
            "error": code, "error_description": description,
            "type": Problem.typeURI("oauth-\(code.replacingOccurrences(of: "_", with: "-"))"),
            "title": code, "status": Int(status.code), "detail": description,
        ]
        let response = Response(status: status, body: .init(data: (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()))
        response.headers.contentType = .json
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        if status == .unauthorized { response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Basic realm=\"yiwang\"") }
        return response
    }
}

/// An authorization request after validation: the client and redirect URI are trusted from here on.
public struct AuthorizationRequest: Sendable, Codable {
    public var clientID: String
    public var redirectURI: String
    public var scope: [String]
    public var state: String?
    public var nonce: String?
    public var codeChallenge: String?
    public var prompt: String?
    public var requiredLevel: Int?
    public var maxAge: Int?

    public var scopeString: String { scope.joined(separator: " ") }
}

/// Failures before the redirect URI is trusted: shown to the person, never redirected.
public enum AuthorizationPageError: Error, ProblemConvertible {
    case unknownClient
    case unregisteredRedirect
    case missingParameter(String)

    public var problem: Problem {
        switch self {
        case .unknownClient:
            return Problem(slug: "oidc-unknown-client", title: "未知的接入应用", status: 400, detail: "发起登录的应用未在平台注册，请联系该应用的运营方。")
        case .unregisteredRedirect:
            return Problem(slug: "oidc-redirect-uri-not-registered", title: "回调地址未登记", status: 400, detail: "该应用提供的回调地址没有在平台登记，为保护您的账号，登录已停止。")
        case .missingParameter(let name):
            return Problem(slug: "oidc-invalid-request", title: "登录请求不完整", status: 400, detail: "登录请求缺少参数 \(name)。")
        }
    }
}

/// The tokens the token endpoint returns.
public struct TokenResponse: Content {
    public var access_token: String
    public var token_type: String
    public var expires_in: Int
    public var scope: String
    public var id_token: String?
    public var refresh_token: String?
}

/// ID token claims (OIDC Core §2).
struct IDTokenClaims: JWTPayload {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var auth_time: Int
    var nonce: String?
    var acr: String
    var amr: [String]
    var azp: String
    var sid: String?
    var name: String?
    var assurance_level: Int?

    /// Relying parties check expiry; the provider only reads its own ID tokens as logout hints.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// 统一身份认证 OpenID Connect provider.
public enum OIDCProvider {
    public static let supportedScopes = ["openid", "profile", "phone", "realname", "offline_access"]
    static let codeLifetime: TimeInterval = 60
    static let idTokenLifetime: TimeInterval = 10 * 60

    // MARK: Authorization endpoint

    /// Validates client and redirect URI first (errors shown as a page), then the rest (errors sent back to the client).
    public static func validate(query: [String: String], on database: any Database) async throws -> Result<AuthorizationRequest, AuthorizationRedirectError> {
        guard let clientID = query["client_id"], !clientID.isEmpty else { throw AuthorizationPageError.missingParameter("client_id") }
        guard let client = try await OIDCClient.find(clientID, on: database), !client.isDisabled else { throw AuthorizationPageError.unknownClient }
        guard let redirectURI = query["redirect_uri"], client.redirectURIs.contains(redirectURI) else { throw AuthorizationPageError.unregisteredRedirect }
        let state = query["state"]
        func fail(_ code: String, _ description: String) -> Result<AuthorizationRequest, AuthorizationRedirectError> {
            .failure(.init(redirectURI: redirectURI, state: state, error: OAuthError(code, description)))
        }
        guard query["response_type"] == "code" else { return fail("unsupported_response_type", "only response_type=code is supported") }
        guard client.grantTypes.contains("authorization_code") else { return fail("unauthorized_client", "client may not use the authorization code flow") }
        let scope = (query["scope"] ?? "").split(separator: " ").map(String.init)
        guard scope.contains("openid") else { return fail("invalid_scope", "scope must include openid") }
        let unknown = scope.filter { !supportedScopes.contains($0) || !client.scopes.contains($0) }
        guard unknown.isEmpty else { return fail("invalid_scope", "scope not allowed for this client: \(unknown.joined(separator: " "))") }
        let challenge = query["code_challenge"]
        if let challenge {
            guard query["code_challenge_method"] == "S256" else { return fail("invalid_request", "code_challenge_method must be S256") }
            guard (43...128).contains(challenge.count) else { return fail("invalid_request", "code_challenge must be 43-128 characters") }
        } else if !client.isConfidential {
            return fail("invalid_request", "public clients must use PKCE (code_challenge with S256)")
        }
        var requiredLevel: Int?
        if let acrValues = query["acr_values"] {
            let levels = acrValues.split(separator: " ").compactMap { AssuranceLevel(acr: String($0))?.rawValue }
            guard !levels.isEmpty else { return fail("invalid_request", "unknown acr_values; use urn:yiwang:loa:1, :2 or :3") }
            requiredLevel = levels.min()
        }
        if let prompt = query["prompt"], !["none", "login", "consent"].contains(prompt) {
            return fail("invalid_request", "unsupported prompt value")
        }
        return .success(AuthorizationRequest(
            clientID: clientID, redirectURI: redirectURI, scope: scope, state: state, nonce: query["nonce"],
            codeChallenge: challenge, prompt: query["prompt"], requiredLevel: requiredLevel,
            maxAge: query["max_age"].flatMap(Int.init)))
    }

    /// Whether the person already allowed this client these scopes.
    public static func hasConsent(account: Account, request: AuthorizationRequest, on database: any Database) async throws -> Bool {
        if let client = try await OIDCClient.find(request.clientID, on: database), client.isFirstParty { return true }
        guard let consent = try await Consent.query(on: database).filter(\.$account.$id == account.requireID()).filter(\.$clientID == request.clientID).first() else { return false }
        let granted = Set(consent.scope.split(separator: " ").map(String.init))
        return Set(request.scope).isSubset(of: granted)
    }

    public static func recordConsent(account: Account, request: AuthorizationRequest, sourceAddress: String, now: Date, on database: any Database) async throws {
        try await database.transaction { db in
            let accountID = try account.requireID()
            let existing = try await Consent.query(on: db).filter(\.$account.$id == accountID).filter(\.$clientID == request.clientID).first()
            let previous = Set((existing?.scope ?? "").split(separator: " ").map(String.init))
            let consent = existing ?? Consent()
            consent.$account.id = accountID
            consent.clientID = request.clientID
            consent.scope = previous.union(request.scope).sorted().joined(separator: " ")
            consent.grantedAt = now
            try await consent.save(on: db)
            try await AuditLog.append(
                AuditEntry(actor: "account:\(accountID.uuidString.lowercased())", action: "oidc.consent.grant", target: "client:\(request.clientID)", sourceAddress: sourceAddress, detail: ["scope": consent.scope]),
                at: now, on: db)
        }
    }

    /// Issues a single-use code and returns the redirect back to the client.
    public static func issueCode(for account: Account, session: WebSession?, request: AuthorizationRequest, secrets: any SecretGenerator, now: Date, on database: any Database) async throws -> String {
        let code = secrets.token(bytes: 32)
        let record = AuthorizationCode()
        record.id = digest(code)
        record.$account.id = try account.requireID()
        record.clientID = request.clientID
        record.redirectURI = request.redirectURI
        record.scope = request.scopeString
        record.nonce = request.nonce
        record.codeChallenge = request.codeChallenge
        record.acr = account.level.acr
        record.authTime = session?.createdAt ?? now
        record.sessionID = session?.id
        record.expiresAt = now + codeLifetime
        try await record.create(on: database)
        return redirect(request.redirectURI, with: ["code": code, "state": request.state, "iss": nil])
    }

    static func redirect(_ base: String, with parameters: [String: String?]) -> String {
        var components = URLComponents(string: base)
        var items = components?.queryItems ?? []
        for (name, value) in parameters.sorted(by: { $0.key < $1.key }) {
            if let value { items.append(URLQueryItem(name: name, value: value)) }
        }
        components?.queryItems = items
        return components?.string ?? base
    }

    // MARK: Token endpoint

    /// Authenticates the client by HTTP Basic or form post; public clients send only their id.
    static func authenticateClient(request: Request, form: [String: String]) async throws -> OIDCClient {
        var clientID = form["client_id"], secret = form["client_secret"]
        if let basic = request.headers.basicAuthorization {
            clientID = basic.username.removingPercentEncoding ?? basic.username
            secret = basic.password.removingPercentEncoding ?? basic.password
        }
        guard let clientID, let client = try await OIDCClient.find(clientID, on: request.db), !client.isDisabled else {
            throw OAuthError("invalid_client", "unknown client", status: .unauthorized)
        }
        if let hash = client.secretHash {
            guard let secret, (try? Bcrypt.verify(secret, created: hash)) == true else {
                throw OAuthError("invalid_client", "client authentication failed", status: .unauthorized)
            }
        }
        return client
    }

    public static func token(request: Request) async throws -> TokenResponse {
        let form = (try? request.content.decode([String: String].self)) ?? [:]
        let client = try await authenticateClient(request: request, form: form)
        switch form["grant_type"] {
        case "authorization_code": return try await exchangeCode(form: form, client: client, request: request)
        case "refresh_token": return try await refresh(form: form, client: client, request: request)
        case "client_credentials": return try await clientCredentials(form: form, client: client, request: request)
        case nil: throw OAuthError("invalid_request", "grant_type is required")
        default: throw OAuthError("unsupported_grant_type", "grant_type not supported")
        }
    }

    static func exchangeCode(form: [String: String], client: OIDCClient, request: Request) async throws -> TokenResponse {
        guard let code = form["code"] else { throw OAuthError("invalid_request", "code is required") }
        let now = request.now
        // The transaction returns refusals instead of throwing them, so a revocation it made still commits.
        return try await request.db.transaction { db -> Result<TokenResponse, OAuthError> in
            guard let record = try await AuthorizationCode.find(digest(code), on: db), record.clientID == client.id else {
                return .failure(OAuthError("invalid_grant", "unknown authorization code"))
            }
            if record.consumedAt != nil {
                // A replayed code: revoke everything issued from it (RFC 6749 §4.1.2).
                if let family = record.familyID {
                    try await RefreshToken.query(on: db).filter(\.$familyID == family).filter(\.$revokedAt == nil).set(\.$revokedAt, to: now).update()
                }
                try await AuditLog.append(AuditEntry(actor: "client:\(client.id!)", action: "oidc.code.replay", target: "account:\(record.$account.id.uuidString.lowercased())", sourceAddress: request.clientAddress), at: now, on: db)
                return .failure(OAuthError("invalid_grant", "authorization code already used"))
            }
            guard record.expiresAt > now else { throw OAuthError("invalid_grant", "authorization code expired") }
            guard form["redirect_uri"] == record.redirectURI else { throw OAuthError("invalid_grant", "redirect_uri does not match the authorization request") }
            if let challenge = record.codeChallenge {
                guard let verifier = form["code_verifier"], (43...128).contains(verifier.count) else { throw OAuthError("invalid_grant", "code_verifier is required") }
                let computed = Data(SHA256.hash(data: Data(verifier.utf8))).base64URLEncodedString()
                guard computed == challenge else { throw OAuthError("invalid_grant", "PKCE verification failed") }
            }
            guard let account = try await Account.find(record.$account.id, on: db), !account.isDisabled else { throw OAuthError("invalid_grant", "account unavailable") }
            let family = UUID()
            // Only one of two concurrent exchanges of the same code may win.
            guard let sql = db as? any SQLDatabase,
                try await !sql.raw("UPDATE authorization_codes SET consumed_at = \(bind: now), family_id = \(bind: family) WHERE code_hash = \(bind: record.requireID()) AND consumed_at IS NULL RETURNING code_hash").all().isEmpty
            else { return .failure(OAuthError("invalid_grant", "authorization code already used")) }
            let scope = record.scope.split(separator: " ").map(String.init)
            var response = try await issueTokens(account: account, client: client, scope: scope, acr: record.acr, authTime: record.authTime, nonce: record.nonce, sessionID: record.sessionID, family: family, request: request, on: db)
            if !scope.contains("offline_access") { response.refresh_token = nil }
            try await AuditLog.append(AuditEntry(actor: "client:\(client.id!)", action: "oidc.token.issue", target: "account:\(account.id!.uuidString.lowercased())", onBehalfOf: "account:\(account.id!.uuidString.lowercased())", sourceAddress: request.clientAddress, detail: ["grant": "authorization_code", "scope": record.scope]), at: now, on: db)
            return .success(response)
        }.get()
    }

    static func refresh(form: [String: String], client: OIDCClient, request: Request) async throws -> TokenResponse {
        guard let token = form["refresh_token"] else { throw OAuthError("invalid_request", "refresh_token is required") }
        let now = request.now
        return try await request.db.transaction { db -> Result<TokenResponse, OAuthError> in
            guard let record = try await RefreshToken.query(on: db).filter(\.$tokenHash == digest(token)).first(), record.clientID == client.id else {
                return .failure(OAuthError("invalid_grant", "unknown refresh token"))
            }
            guard record.revokedAt == nil else { return .failure(OAuthError("invalid_grant", "refresh token revoked")) }
            if record.rotatedAt != nil {
                // Reuse of a rotated token means it leaked: end the whole family.
                try await RefreshToken.query(on: db).filter(\.$familyID == record.familyID).filter(\.$revokedAt == nil).set(\.$revokedAt, to: now).update()
                try await AuditLog.append(AuditEntry(actor: "client:\(client.id!)", action: "oidc.refresh.reuse", target: "account:\(record.$account.id.uuidString.lowercased())", sourceAddress: request.clientAddress), at: now, on: db)
                return .failure(OAuthError("invalid_grant", "refresh token already used; all tokens of this login are revoked"))
            }
            guard record.expiresAt > now else { throw OAuthError("invalid_grant", "refresh token expired") }
            guard let account = try await Account.find(record.$account.id, on: db), !account.isDisabled else { throw OAuthError("invalid_grant", "account unavailable") }
            var scope = record.scope.split(separator: " ").map(String.init)
            if let requested = form["scope"] {
                let narrowed = requested.split(separator: " ").map(String.init)
                guard Set(narrowed).isSubset(of: Set(scope)) else { throw OAuthError("invalid_scope", "refresh may only narrow the scope") }
                scope = narrowed
            }
            guard let sql = db as? any SQLDatabase,
                try await !sql.raw("UPDATE refresh_tokens SET rotated_at = \(bind: now) WHERE id = \(bind: record.requireID()) AND rotated_at IS NULL AND revoked_at IS NULL RETURNING id").all().isEmpty
            else { return .failure(OAuthError("invalid_grant", "refresh token already used")) }
            return .success(try await issueTokens(account: account, client: client, scope: scope, acr: record.acr, authTime: record.authTime, nonce: nil, sessionID: nil, family: record.familyID, request: request, on: db))
        }.get()
    }

    static func clientCredentials(form: [String: String], client: OIDCClient, request: Request) async throws -> TokenResponse {
        guard client.isConfidential, client.grantTypes.contains("client_credentials") else {
            throw OAuthError("unauthorized_client", "client may not use client_credentials")
        }
        let requested = (form["scope"] ?? "").split(separator: " ").map(String.init)
        let scope = requested.isEmpty ? client.scopes.filter { !supportedScopes.contains($0) }.sorted() : requested
        guard Set(scope).isSubset(of: client.scopes), !scope.contains("openid") else { throw OAuthError("invalid_scope", "scope not allowed for this client") }
        let now = request.now
        let lifetime = request.platform.configuration.accessTokenLifetime
        let claims = AccessTokenClaims(
            iss: .init(value: request.platform.configuration.publicURL), sub: .init(value: "client:\(client.id!)"),
            aud: .init(value: ["yiwang"]), exp: .init(value: now + lifetime), iat: .init(value: now),
            jti: .init(value: UUID().uuidString), client_id: client.id!, scope: scope.joined(separator: " "), acr: nil)
        let token = try await request.identity.keys.sign(claims, type: "at+jwt", on: request.db, now: now)
        try await AuditLog.append(AuditEntry(actor: "client:\(client.id!)", action: "oidc.token.issue", target: "client:\(client.id!)", sourceAddress: request.clientAddress, detail: ["grant": "client_credentials", "scope": claims.scope]), at: now, on: request.db)
        return TokenResponse(access_token: token, token_type: "Bearer", expires_in: Int(lifetime), scope: claims.scope, id_token: nil, refresh_token: nil)
    }

    static func issueTokens(account: Account, client: OIDCClient, scope: [String], acr: String, authTime: Date, nonce: String?, sessionID: UUID?, family: UUID, request: Request, on db: any Database) async throws -> TokenResponse {
        let now = request.now
        let configuration = request.platform.configuration
        let subject = account.id!.uuidString.lowercased()
        let access = AccessTokenClaims(
            iss: .init(value: configuration.publicURL), sub: .init(value: subject), aud: .init(value: ["yiwang"]),
            exp: .init(value: now + configuration.accessTokenLifetime), iat: .init(value: now), jti: .init(value: UUID().uuidString),
            client_id: client.id!, scope: scope.joined(separator: " "), acr: acr)
        let accessToken = try await request.identity.keys.sign(access, type: "at+jwt", on: db, now: now)
        var idToken: String?
        if scope.contains("openid") {
            let claims = IDTokenClaims(
                iss: .init(value: configuration.publicURL), sub: .init(value: subject), aud: .init(value: [client.id!]),
                exp: .init(value: now + idTokenLifetime), iat: .init(value: now), auth_time: Int(authTime.timeIntervalSince1970),
                nonce: nonce, acr: acr, amr: account.totpSecret == nil ? ["pwd"] : ["pwd", "otp"], azp: client.id!,
                sid: sessionID?.uuidString.lowercased(),
                name: scope.contains("realname") ? account.verifiedName : nil,
                assurance_level: scope.contains("profile") ? account.assuranceLevel : nil)
            idToken = try await request.identity.keys.sign(claims, on: db, now: now)
        }
        let refresh = request.platform.secrets.token(bytes: 32)
        let record = RefreshToken()
        record.$account.id = try account.requireID()
        record.tokenHash = digest(refresh)
        record.familyID = family
        record.clientID = client.id!
        record.scope = scope.joined(separator: " ")
        record.acr = acr
        record.authTime = authTime
        record.createdAt = now
        record.expiresAt = now + configuration.refreshTokenLifetime
        try await record.create(on: db)
        return TokenResponse(
            access_token: accessToken, token_type: "Bearer", expires_in: Int(configuration.accessTokenLifetime),
            scope: scope.joined(separator: " "), id_token: idToken, refresh_token: refresh)
    }

    /// RFC 7009: revoking a refresh token ends its family; unknown tokens are not an error.
    public static func revoke(request: Request) async throws {
        let form = (try? request.content.decode([String: String].self)) ?? [:]
        let client = try await authenticateClient(request: request, form: form)
        guard let token = form["token"] else { throw OAuthError("invalid_request", "token is required") }
        if let record = try await RefreshToken.query(on: request.db).filter(\.$tokenHash == digest(token)).first(), record.clientID == client.id {
            let now = request.now
            try await request.db.transaction { db in
                try await RefreshToken.query(on: db).filter(\.$familyID == record.familyID).filter(\.$revokedAt == nil).set(\.$revokedAt, to: now).update()
                try await AuditLog.append(AuditEntry(actor: "client:\(client.id!)", action: "oidc.token.revoke", target: "account:\(record.$account.id.uuidString.lowercased())", sourceAddress: request.clientAddress), at: now, on: db)
            }
        }
    }

    // MARK: Userinfo

    /// The claims the token's scopes allow; reading the verified name or ID number is audited.
    public static func userinfo(for principal: Principal, request: Request) async throws -> [String: AnyCodableValue] {
        guard let accountID = principal.accountID, let account = try await Account.find(accountID, on: request.db) else {
            throw AccessError.unauthenticated
        }
        var claims: [String: AnyCodableValue] = ["sub": .string(accountID.uuidString.lowercased())]
        let level = account.level
        claims["acr"] = .string(level.acr)
        claims["assurance_level"] = .int(level.rawValue)
        if principal.scopes.contains("profile") {
            claims["name"] = .string(account.displayName)
            claims["preferred_username"] = .string(account.phone.map(Masking.mobile) ?? account.login)
        }
        if principal.scopes.contains("phone"), let phone = account.phone {
            claims["phone_number"] = .string("+86" + phone)
            claims["phone_number_verified"] = .bool(account.phoneConfirmedAt != nil)
        }
        if principal.scopes.contains("realname"), level >= .identityVerified, let name = account.verifiedName, let id = account.citizenID {
            claims["verified_name"] = .string(name)
            claims["citizen_id_masked"] = .string(Masking.idNumber(id))
            try await AuditLog.append(
                AuditEntry(actor: "client:\(principal.clientID ?? "unknown")", action: "person.read", target: "account:\(accountID.uuidString.lowercased())", onBehalfOf: "account:\(accountID.uuidString.lowercased())", sourceAddress: request.clientAddress, detail: ["fields": "verified_name,citizen_id_masked"]),
                at: request.now, on: request.db)
        }
        return claims
    }

    /// Accepts an ID token this provider issued, even if expired, to identify whose session a logout ends.
    static func subject(ofIDTokenHint hint: String, request: Request) async -> (subject: String, clientID: String)? {
        let parts = hint.split(separator: ".")
        guard parts.count == 3, let payload = Data(base64URLEncoded: String(parts[1])),
            let object = try? JSONSerialization.jsonObject(with: payload) as? [String: Any],
            let subject = object["sub"] as? String, object["iss"] as? String == request.platform.configuration.publicURL
        else { return nil }
        // The signature must still be ours; only the expiry is forgiven.
        struct Unverified: JWTPayload { func verify(using algorithm: some JWTAlgorithm) async throws {} }
        guard (try? await request.identity.keys.verify(hint, as: Unverified.self, on: request.db, now: request.now)) != nil else { return nil }
        let audience = (object["aud"] as? String) ?? (object["aud"] as? [String])?.first ?? ""
        return (subject, audience)
    }
}

/// A failure reported back to the client by redirect (RFC 6749 §4.1.2.1).
public struct AuthorizationRedirectError: Error {
    public var redirectURI: String
    public var state: String?
    public var error: OAuthError

    public var location: String {
        OIDCProvider.redirect(redirectURI, with: ["error": error.code, "error_description": error.description, "state": state])
    }
}

/// A JSON value for claim sets whose members vary.
public enum AnyCodableValue: Content, Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .int(value) }
        else { self = .string(try container.decode(String.self)) }
    }
}
