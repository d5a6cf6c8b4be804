import Fluent
import Foundation

/// 短信验证码 — a one-time code sent to a mobile number; only its hash is stored.
public final class SMSChallenge: Model, @unchecked Sendable {
    public static let schema = "sms_challenges"

    @ID(key: .id) public var id: UUID?
    @Field(key: "phone") public var phone: String
    @Field(key: "purpose") public var purpose: String
    @Field(key: "code_hash") public var codeHash: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "expires_at") public var expiresAt: Date
    @OptionalField(key: "consumed_at") public var consumedAt: Date?
    @Field(key: "attempts") public var attempts: Int

    public init() {}
}

/// A text message the default SMS sender keeps in a local outbox instead of sending it.
public final class SMSOutboxMessage: Model, @unchecked Sendable {
    public static let schema = "sms_outbox"

    @ID(key: .id) public var id: UUID?
    @Field(key: "phone") public var phone: String
    @Field(key: "body") public var body: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public init(phone: String, body: String, createdAt: Date) {
        self.phone = phone
        self.body = body
        self.createdAt = createdAt
    }
}

/// Failed sign-ins per login name, kept whether or not the account exists, so the lockout
/// tells nobody which names are registered.
public final class SignInThrottle: Model, @unchecked Sendable {
    public static let schema = "sign_in_throttles"

    @ID(custom: "login_key", generatedBy: .user) public var id: String?
    @Field(key: "failures") public var failures: Int
    @OptionalField(key: "locked_until") public var lockedUntil: Date?
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}
}

/// A browser session after sign-in; the cookie holds a random token, the table its hash.
public final class WebSession: Model, @unchecked Sendable {
    public static let schema = "web_sessions"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "account_id") public var account: Account
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "last_seen_at") public var lastSeenAt: Date
    @Field(key: "expires_at") public var expiresAt: Date
    @OptionalField(key: "ended_at") public var endedAt: Date?
    @Field(key: "has_second_factor") public var hasSecondFactor: Bool
    @Field(key: "source_address") public var sourceAddress: String

    public init() {}
}

/// 接入应用 — a relying party (partner app) or department system registered with the provider.
public final class OIDCClient: Model, @unchecked Sendable {
    public static let schema = "oidc_clients"

    @ID(custom: "client_id", generatedBy: .user) public var id: String?
    @OptionalParent(key: "department_id") public var department: Department?
    @Field(key: "name") public var name: String
    /// bcrypt hash of the secret; nil for public clients (which must use PKCE).
    @OptionalField(key: "secret_hash") public var secretHash: String?
    /// Space-separated.
    @Field(key: "redirect_uris") public var redirectURIsField: String
    @Field(key: "post_logout_redirect_uris") public var postLogoutRedirectURIsField: String
    @Field(key: "scopes") public var scopesField: String
    @Field(key: "grant_types") public var grantTypesField: String
    /// Skip the consent page: first-party apps of the city.
    @Field(key: "is_first_party") public var isFirstParty: Bool
    @Field(key: "is_disabled") public var isDisabled: Bool
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public var redirectURIs: [String] { redirectURIsField.split(separator: " ").map(String.init) }
    public var postLogoutRedirectURIs: [String] { postLogoutRedirectURIsField.split(separator: " ").map(String.init) }
    public var scopes: Set<String> { Set(scopesField.split(separator: " ").map(String.init)) }
    public var grantTypes: Set<String> { Set(grantTypesField.split(separator: " ").map(String.init)) }
    public var isConfidential: Bool { secretHash != nil }
}

/// A key the provider signs tokens with; retired keys leave the JWKS.
public final class SigningKey: Model, @unchecked Sendable {
    public static let schema = "signing_keys"

    @ID(custom: "kid", generatedBy: .user) public var id: String?
    @Field(key: "private_key_pem") public var privateKeyPEM: String
    @Field(key: "created_at") public var createdAt: Date
    /// The newest active key signs; older active ones only verify.
    @OptionalField(key: "retired_at") public var retiredAt: Date?

    public init() {}
}

/// An issued authorization code, single use; only its hash is stored.
public final class AuthorizationCode: Model, @unchecked Sendable {
    public static let schema = "authorization_codes"

    @ID(custom: "code_hash", generatedBy: .user) public var id: String?
    @Parent(key: "account_id") public var account: Account
    @Field(key: "client_id") public var clientID: String
    @Field(key: "redirect_uri") public var redirectURI: String
    @Field(key: "scope") public var scope: String
    @OptionalField(key: "nonce") public var nonce: String?
    @OptionalField(key: "code_challenge") public var codeChallenge: String?
    @Field(key: "acr") public var acr: String
    @Field(key: "auth_time") public var authTime: Date
    @OptionalField(key: "session_id") public var sessionID: UUID?
    @Field(key: "expires_at") public var expiresAt: Date
    @OptionalField(key: "consumed_at") public var consumedAt: Date?
    /// Refresh-token family issued from this code, revoked if the code is replayed.
    @OptionalField(key: "family_id") public var familyID: UUID?

    public init() {}
}

/// A refresh token; rotation replaces it on every use, and reuse of a replaced one revokes its family.
public final class RefreshToken: Model, @unchecked Sendable {
    public static let schema = "refresh_tokens"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "account_id") public var account: Account
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "family_id") public var familyID: UUID
    @Field(key: "client_id") public var clientID: String
    @Field(key: "scope") public var scope: String
    @Field(key: "acr") public var acr: String
    @Field(key: "auth_time") public var authTime: Date
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "expires_at") public var expiresAt: Date
    @OptionalField(key: "rotated_at") public var rotatedAt: Date?
    @OptionalField(key: "revoked_at") public var revokedAt: Date?

    public init() {}
}

/// 授权同意 — the scopes a person allowed a relying party to receive.
public final class Consent: Model, @unchecked Sendable {
    public static let schema = "consents"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "account_id") public var account: Account
    @Field(key: "client_id") public var clientID: String
    @Field(key: "scope") public var scope: String
    @Field(key: "granted_at") public var grantedAt: Date

    public init() {}
}

/// A person the real-name authority knows (name and ID number), consulted for L2 verification.
/// The population base library replaces this table as the authority when it is connected.
public final class ReferencePerson: Model, @unchecked Sendable {
    public static let schema = "reference_persons"

    @ID(custom: "citizen_id", generatedBy: .user) public var id: String?
    @Field(key: "name") public var name: String

    public init() {}

    public init(citizenID: String, name: String) {
        self.id = citizenID
        self.name = name
    }
}
