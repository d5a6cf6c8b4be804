import Crypto
import Foundation
import Vapor
import YiwangKit

/// Double-submit CSRF protection for page forms: a random cookie, echoed in a hidden field.
/// The cookie is SameSite=Strict and HttpOnly, so another site can neither send nor read it.
public enum CSRF {
    public static let cookieName = "yiwang_csrf"
    public static let fieldName = "csrf_token"
    /// API calls made with a browser session carry the token in this header.
    public static let headerName = "X-CSRF-Token"

    private struct IssuedKey: StorageKey { typealias Value = String }

    /// The token for forms on this page; issues a new cookie if the browser has none.
    public static func token(for request: Request) -> String {
        if let existing = request.cookies[cookieName]?.string, existing.count >= 32 { return existing }
        if let issued = request.storage[IssuedKey.self] { return issued }
        let token = request.platform.secrets.token(bytes: 32)
        request.storage[IssuedKey.self] = token
        return token
    }

    static func issuedToken(for request: Request) -> String? { request.storage[IssuedKey.self] }

    static func matches(_ a: String, _ b: String) -> Bool {
        // Constant-time comparison so the token cannot be guessed byte by byte.
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

public enum CSRFError: Error, ProblemConvertible {
    case missingOrWrongToken

    public var problem: Problem {
        Problem(slug: "csrf-token-invalid", title: "页面已过期", status: 403, detail: "表单已失效，请刷新页面后重新提交。")
    }
}

/// Rejects page form posts whose hidden token does not match the browser's cookie.
struct CSRFMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let cookie = request.cookies[CSRF.cookieName]?.string,
            let submitted = try? request.content.get(String.self, at: CSRF.fieldName),
            CSRF.matches(cookie, submitted)
        else {
            throw CSRFError.missingOrWrongToken
        }
        return try await next.respond(to: request)
    }
}

/// Sets the CSRF cookie when a page issued one, and the security headers on every response.
public struct SecurityHeadersMiddleware: AsyncMiddleware {
    let secureCookies: Bool

    public init(secureCookies: Bool) { self.secureCookies = secureCookies }

    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        if let token = CSRF.issuedToken(for: request) {
            response.cookies[CSRF.cookieName] = HTTPCookies.Value(
                string: token, path: "/", isSecure: secureCookies, isHTTPOnly: true, sameSite: .strict)
        }
        let headers = [
            // No inline script or style: every page works from our own static files.
            ("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "same-origin"),
            ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
        ]
        for (name, value) in headers where !response.headers.contains(name: name) {
            response.headers.replaceOrAdd(name: name, value: value)
        }
        if secureCookies {
            response.headers.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=31536000")
        }
        response.headers.replaceOrAdd(name: "X-Request-ID", value: request.id)
        return response
    }
}
