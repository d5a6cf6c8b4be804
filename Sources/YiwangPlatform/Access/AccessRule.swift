import Foundation
import Vapor
import YiwangKit

/// Who may call a route. Every route declares one; a test fails for a route without.
public enum AccessRule: Sendable, CustomStringConvertible {
    /// Anyone, signed in or not.
    case anyone
    /// Any person signed in with a browser session (never a relying party's token).
    case signedIn
    /// A person or system holding at least one of the roles.
    case roles(Set<Role>)
    /// A bearer token carrying the scope (a person's token from a relying party, or a system's).
    case scope(String)

    public var description: String {
        switch self {
        case .anyone: return "anyone"
        case .signedIn: return "signed-in"
        case .roles(let roles): return "roles: " + roles.sorted().map(\.rawValue).joined(separator: ", ")
        case .scope(let scope): return "scope: \(scope)"
        }
    }

    /// Whether the principal satisfies the rule.
    public func admits(_ principal: Principal?) -> Bool {
        switch self {
        case .anyone: return true
        case .signedIn: return principal.map { $0.accountID != nil && $0.channel == .session } ?? false
        case .roles(let roles): return principal.map { !$0.roles.isDisjoint(with: roles) } ?? false
        case .scope(let scope): return principal.map { $0.channel == .bearer && $0.scopes.contains(scope) } ?? false
        }
    }
}

public enum AccessError: Error, ProblemConvertible {
    case unauthenticated
    case forbidden

    public var problem: Problem {
        switch self {
        case .unauthenticated:
            return Problem(slug: "unauthenticated", title: "需要登录", status: 401, detail: "请先登录或提供有效的访问令牌。")
        case .forbidden:
            return Problem(slug: "forbidden", title: "无权访问", status: 403, detail: "当前账号没有执行此操作的权限。")
        }
    }
}

/// Enforces a route's access rule before its handler runs.
struct AccessMiddleware: AsyncMiddleware {
    let rule: AccessRule
    let kind: RouteKind

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if case .anyone = rule { return try await next.respond(to: request) }
        let principal = try await request.principal()
        if case .api = kind, ![.GET, .HEAD, .OPTIONS].contains(request.method), principal?.channel == .session {
            // A browser session calling the API must prove the request came from our own pages.
            guard let cookie = request.cookies[CSRF.cookieName]?.string, let header = request.headers.first(name: CSRF.headerName),
                CSRF.matches(cookie, header)
            else { throw CSRFError.missingOrWrongToken }
        }
        guard rule.admits(principal) else {
            if principal == nil {
                if case .page = kind, request.method == .GET {
                    // People meet a sign-in page, not an error.
                    return request.redirect(to: PlatformPath.signIn(returningTo: request.url.string))
                }
                throw AccessError.unauthenticated
            }
            throw AccessError.forbidden
        }
        return try await next.respond(to: request)
    }
}

/// Paths the platform itself needs to name (the sign-in page belongs to Identity but every part redirects to it).
public enum PlatformPath {
    public static func signIn(returningTo target: String) -> String {
        var components = URLComponents()
        components.path = "/login"
        components.queryItems = [URLQueryItem(name: "return_to", value: target)]
        return components.string ?? "/login"
    }
}
