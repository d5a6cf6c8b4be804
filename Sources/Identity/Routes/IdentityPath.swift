import Foundation
import Vapor

/// Every path the identity part serves, in one place; handlers and redirects use these, never literals.
public enum IdentityPath: String, CaseIterable, Sendable {
    case home = "/"
    case login = "/login"
    case logout = "/logout"
    case register = "/register"
    case registerCode = "/register/code"
    case forgotPassword = "/password/forgot"
    case resetPassword = "/password/reset"
    case verify = "/account/verify"
    case enterprise = "/account/enterprise"
    case security = "/account/security"
    case discovery = "/.well-known/openid-configuration"
    case jwks = "/oidc/jwks"
    case authorize = "/oidc/authorize"
    case consent = "/oidc/consent"
    case token = "/oidc/token"
    case userinfo = "/oidc/userinfo"
    case revoke = "/oidc/revoke"
    case endSession = "/oidc/logout"
    case console = "/console"
    case consoleDepartments = "/console/departments"
    case consoleAccounts = "/console/accounts"
    case consoleClients = "/console/clients"
    case consoleAudit = "/console/audit"
    case consoleOutbox = "/console/sms-outbox"
    case apiSMSCodes = "/api/identity/sms-codes"
    case apiAccounts = "/api/identity/accounts"
    case apiPasswordResets = "/api/identity/password-resets"
    case apiMe = "/api/identity/me"
    case apiMeVerification = "/api/identity/me/verification"
    case apiClients = "/api/identity/clients"
    case apiEnterprises = "/api/identity/enterprises"
    case apiStaff = "/api/identity/staff"
    case apiDivisions = "/api/organisations/divisions"
    case apiDepartments = "/api/organisations/departments"
    case apiAudit = "/api/audit/records"
    case apiAuditVerification = "/api/audit/verification"

    /// The path as route components.
    public var components: [PathComponent] {
        rawValue.split(separator: "/").map { PathComponent(stringLiteral: String($0)) }
    }

    /// The path with extra components appended, e.g. `.consoleAccounts.appending(":id", "in-person")`.
    func components(appending extra: PathComponent...) -> [PathComponent] { components + extra }

    /// The path with a query string.
    public func with(_ query: [String: String?]) -> String {
        var url = URLComponents()
        url.path = rawValue
        url.queryItems = query.sorted { $0.key < $1.key }.compactMap { key, value in value.map { URLQueryItem(name: key, value: $0) } }
        return url.string ?? rawValue
    }

    /// Only local paths may be returned to after sign-in: no open redirects.
    public static func safeReturnTarget(_ raw: String?) -> String {
        // One leading slash, no scheme or host, and nothing a browser would strip or reinterpret
        // (whitespace, control characters, backslashes) anywhere in it.
        guard let raw, raw.hasPrefix("/"), !raw.hasPrefix("//"), raw.count <= 2000,
            !raw.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F || $0 == "\\" }),
            let components = URLComponents(string: raw), components.scheme == nil, components.host == nil
        else {
            return IdentityPath.home.rawValue
        }
        return raw
    }
}
