import Fluent
import Foundation
import Vapor
import YiwangKit
import YiwangPlatform

/// The browser-facing OIDC endpoints: authorization (with sign-in, step-up and consent) and end-session.
enum OIDCPages {
    static func register(on routes: any RoutesBuilder) {
        routes.endpoint(.GET, IdentityPath.authorize.components, access: .anyone, kind: .page) { req in
            try await authorize(req, query: req.url.query ?? "")
        }
        // OIDC Core §3.1.2.1: the authorization endpoint takes POST too, with the same parameters as a form.
        // A cross-site form post carries no CSRF token by design, so this route accepts none; it only reads.
        routes.endpoint(.POST, IdentityPath.authorize.components, access: .anyone, kind: .page, acceptsCrossSitePosts: true) { req in
            let body = req.body.data.map { String(decoding: Data(buffer: $0), as: UTF8.self) } ?? ""
            return try await authorize(req, query: body)
        }
        routes.endpoint(.POST, IdentityPath.consent.components, access: .signedIn, kind: .page, use: consent)
        routes.endpoint(.GET, IdentityPath.endSession.components, access: .anyone, kind: .page, use: endSession)
    }

    /// Parses a form-encoded query (RFC 6749 Appendix B): `+` is a space, as client libraries send it.
    static func parse(_ query: String) -> [String: String] {
        var result: [String: String] = [:]
        let spaced = query.replacingOccurrences(of: "+", with: "%20")
        for item in URLComponents(string: "?" + spaced)?.queryItems ?? [] where result[item.name] == nil {
            result[item.name] = item.value ?? ""
        }
        return result
    }

    /// Runs the authorization request; `query` is the original query string, carried through sign-in and consent.
    static func authorize(_ req: Request, query: String) async throws -> Response {
        var parameters = parse(query)
        let request: AuthorizationRequest
        switch try await OIDCProvider.validate(query: parameters, on: req.db) {
        case .failure(let error): return req.redirect(to: error.location, redirectType: .normal)
        case .success(let valid): request = valid
        }
        func back(_ code: String, _ description: String) -> Response {
            req.redirect(to: AuthorizationRedirectError(redirectURI: request.redirectURI, state: request.state, error: OAuthError(code, description)).location, redirectType: .normal)
        }
        // prompt=login and max_age are honoured once: the sign-in page returns here without them.
        parameters["prompt"] = request.prompt == "login" ? nil : parameters["prompt"]
        let continuation = IdentityPath.authorize.rawValue + "?" + encode(parameters)

        let session = try await Sessions.current(for: req)
        let principal = try await req.principal()
        var mustSignIn = principal?.accountID == nil || request.prompt == "login"
        if let maxAge = request.maxAge, let session, req.now.timeIntervalSince(session.createdAt) > TimeInterval(maxAge) { mustSignIn = true }
        if mustSignIn {
            var again = parameters
            again["max_age"] = nil
            let continuation = IdentityPath.authorize.rawValue + "?" + encode(again)
            if request.prompt == "none" { return back("login_required", "the user is not signed in") }
            return req.redirect(to: IdentityPath.login.with(["return_to": continuation]), redirectType: .normal)
        }
        guard let accountID = principal?.accountID, let account = try await Account.find(accountID, on: req.db) else {
            return req.redirect(to: IdentityPath.login.with(["return_to": continuation]), redirectType: .normal)
        }
        if let required = request.requiredLevel, account.assuranceLevel < required {
            if request.prompt == "none" { return back("interaction_required", "the requested assurance level needs verification") }
            if required <= AssuranceLevel.identityVerified.rawValue {
                return req.redirect(to: IdentityPath.verify.with(["return_to": continuation]), redirectType: .normal)
            }
            // L3 needs a visit to a service window; nothing online can raise it.
            return back("unmet_authentication_requirements", "assurance level L3 requires in-person verification at a service hall")
        }
        let hasConsent = try await OIDCProvider.hasConsent(account: account, request: request, on: req.db)
        if request.prompt == "consent" || !hasConsent {
            if request.prompt == "none" { return back("consent_required", "the user has not consented") }
            let client = try await OIDCClient.find(request.clientID, on: req.db)
            var consentQuery = parameters
            consentQuery["prompt"] = nil
            let model = ConsentPage(
                clientName: client?.name ?? request.clientID,
                scopes: request.scope.map { req.localized("scope_\($0)") },
                authorizeQuery: encode(consentQuery))
            return try await req.renderPage("identity/consent", title: "consent_title", model: model)
        }
        let location = try await OIDCProvider.issueCode(for: account, session: session, request: request, secrets: req.platform.secrets, now: req.now, on: req.db)
        return req.redirect(to: location, redirectType: .normal)
    }

    @Sendable static func consent(_ req: Request) async throws -> Response {
        struct Form: Content { var authorize_query: String; var decision: String }
        let form = try req.content.decode(Form.self)
        let principal = try await req.requirePrincipal()
        guard case .success(let request) = try await OIDCProvider.validate(query: parse(form.authorize_query), on: req.db) else {
            return try await authorize(req, query: form.authorize_query)
        }
        guard form.decision == "allow" else {
            return req.redirect(to: AuthorizationRedirectError(redirectURI: request.redirectURI, state: request.state, error: OAuthError("access_denied", "the user declined")).location, redirectType: .normal)
        }
        guard let accountID = principal.accountID, let account = try await Account.find(accountID, on: req.db) else { throw AccessError.unauthenticated }
        try await OIDCProvider.recordConsent(account: account, request: request, sourceAddress: req.clientAddress, now: req.now, on: req.db)
        return try await authorize(req, query: form.authorize_query)
    }

    /// RP-initiated logout: ends the session, then returns to a registered post-logout URI if one was given.
    @Sendable static func endSession(_ req: Request) async throws -> Response {
        let hint = req.query[String.self, at: "id_token_hint"]
        let target = req.query[String.self, at: "post_logout_redirect_uri"]
        let state = req.query[String.self, at: "state"]
        var clientID = req.query[String.self, at: "client_id"]
        if let hint {
            guard let subject = await OIDCProvider.subject(ofIDTokenHint: hint, request: req) else {
                throw Problem(slug: "oidc-invalid-id-token-hint", title: "退出请求无效", status: 400, detail: "退出请求携带的身份令牌无效。")
            }
            clientID = clientID ?? subject.clientID
        }
        var location = IdentityPath.home.rawValue
        if let target {
            guard let clientID, let client = try await OIDCClient.find(clientID, on: req.db), client.postLogoutRedirectURIs.contains(target) else {
                throw Problem(slug: "oidc-post-logout-uri-not-registered", title: "退出后地址未登记", status: 400, detail: "退出后跳转的地址没有在平台登记，退出请求未执行。")
            }
            location = OIDCProvider.redirect(target, with: ["state": state])
        }
        let response = req.redirect(to: location, redirectType: .normal)
        try await Sessions.end(request: req, response: response)
        return response
    }

    static func encode(_ parameters: [String: String]) -> String {
        var components = URLComponents()
        components.queryItems = parameters.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        // `+` survives a round trip through form decoding only when escaped.
        return (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
    }
}
