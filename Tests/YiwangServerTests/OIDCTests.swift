import Crypto
import Fluent
import Foundation
import JWTKit
import Testing
import VaporTesting
import YiwangKit
import YiwangPlatform

@testable import Identity
@testable import YiwangServer

/// A relying party as a test drives it: registration, the browser dance, the back channel.
struct RelyingParty {
    let harness: TestHarness
    let clientID: String
    let secret: String?
    let redirect = "https://rp.example/callback"

    static func register(_ h: TestHarness, id: String = "media-app", scopes: [String] = ["openid", "profile", "phone", "realname", "offline_access"], isPublic: Bool = false) async throws -> RelyingParty {
        let created = try await Clients.register(
            id: id, name: "邵阳新闻", redirectURIs: ["https://rp.example/callback"], postLogoutRedirectURIs: ["https://rp.example/bye"],
            scopes: scopes, grantTypes: ["authorization_code", "refresh_token"], isPublic: isPublic, actor: "test", platform: h.app.platform, on: h.db)
        return RelyingParty(harness: h, clientID: created.clientID, secret: created.clientSecret)
    }

    static func pkce() -> (verifier: String, challenge: String) {
        let verifier = SystemSecretGenerator().token(bytes: 32)
        return (verifier, Data(SHA256.hash(data: Data(verifier.utf8))).base64URLEncodedString())
    }

    func authorizePath(scope: String = "openid profile realname offline_access", state: String = "st-1", nonce: String = "n-1", challenge: String?, extra: [String: String] = [:]) -> String {
        var items = ["response_type": "code", "client_id": clientID, "redirect_uri": redirect, "scope": scope, "state": state, "nonce": nonce]
        if let challenge { items["code_challenge"] = challenge; items["code_challenge_method"] = "S256" }
        items.merge(extra) { _, new in new }
        var components = URLComponents()
        components.path = "/oidc/authorize"
        components.queryItems = items.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        return components.percentEncodedQuery.map { "/oidc/authorize?" + $0.replacingOccurrences(of: "+", with: "%2B") } ?? "/oidc/authorize"
    }

    /// Signs the browser in (if needed), consents, and returns the code from the redirect.
    func obtainCode(browser: Browser, challenge: String?, scope: String = "openid profile realname offline_access") async throws -> String {
        var response = try await browser.get(authorizePath(scope: scope, challenge: challenge))
        if response.status == .ok, let query = response.inputValue("authorize_query") {
            response = try await browser.submit("/oidc/consent", fields: ["authorize_query": query, "decision": "allow"])
        }
        let location = try #require(response.location)
        #expect(location.hasPrefix(redirect))
        let items = queryItems(of: location)
        #expect(items["state"] == "st-1")
        return try #require(items["code"])
    }

    func token(_ fields: [String: String], authenticate: Bool = true) async throws -> TestingHTTPResponse {
        var headers: HTTPHeaders = ["Accept": "application/json"]
        if authenticate, let secret { headers.basicAuthorization = BasicAuthorization(username: clientID, password: secret) }
        var fields = fields
        if secret == nil { fields["client_id"] = clientID }
        return try await harness.app.testing().sendRequest(.POST, "/oidc/token", headers: headers.merging(["Content-Type": "application/x-www-form-urlencoded"]), body: ByteBuffer(string: formEncode(fields)))
    }
}

extension HTTPHeaders {
    func merging(_ other: HTTPHeaders) -> HTTPHeaders {
        var copy = self
        for (name, value) in other { copy.replaceOrAdd(name: name, value: value) }
        return copy
    }
}

struct VerifiedIDToken: JWTPayload {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var nonce: String?
    var acr: String
    var name: String?
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

@Suite("OpenID Connect provider")
struct OIDCTests {
    /// A signed-in L2 citizen and a registered relying party.
    func setUp(_ h: TestHarness) async throws -> (RelyingParty, Browser) {
        let id = CitizenID.make(division: "430503", birthDate: Day(year: 1985, month: 3, day: 8)!, sequence: 302)
        try await ReferencePerson(citizenID: id.value, name: "李娜").create(on: h.db)
        try await h.registerCitizen(phone: "13912340001", password: "citizen-2026")
        let browser = h.browser()
        try await browser.signIn("13912340001", "citizen-2026")
        #expect(try await browser.json(.POST, "/api/identity/me/verification", ["name": "李娜", "citizenID": id.value]).status == .ok)
        return (try await RelyingParty.register(h), browser)
    }

    @Test func discoveryDescribesTheProvider() async throws {
        try await withHarness { h in
            let document = try await h.browser().api("/.well-known/openid-configuration").jsonObject
            #expect(document["issuer"] as? String == "http://yiwang.test")
            #expect(document["token_endpoint"] as? String == "http://yiwang.test/oidc/token")
            #expect((document["id_token_signing_alg_values_supported"] as? [String])?.contains("RS256") == true)
            #expect((document["code_challenge_methods_supported"] as? [String]) == ["S256"])
        }
    }

    @Test func authorizationCodeWithPKCELogsInAndUserinfoIsMasked() async throws {
        try await withHarness { h in
            let (rp, browser) = try await setUp(h)
            let (verifier, challenge) = RelyingParty.pkce()
            // when the relying party runs the code flow
            let code = try await rp.obtainCode(browser: browser, challenge: challenge)
            let tokens = try await rp.token(["grant_type": "authorization_code", "code": code, "redirect_uri": rp.redirect, "code_verifier": verifier])
            #expect(tokens.status == .ok)
            let body = tokens.jsonObject
            let idToken = try #require(body["id_token"] as? String)
            let accessToken = try #require(body["access_token"] as? String)
            #expect(body["refresh_token"] as? String != nil)
            // then the ID token verifies against the published JWKS
            let jwks = try await h.browser().api("/oidc/jwks").text
            let keys = try await JWTKeyCollection().add(jwksJSON: jwks)
            let claims = try await keys.verify(idToken, as: VerifiedIDToken.self)
            #expect(claims.iss.value == "http://yiwang.test")
            #expect(claims.aud.value == [rp.clientID])
            #expect(claims.nonce == "n-1")
            #expect(claims.acr == "urn:yiwang:loa:2")
            #expect(claims.name == "李娜")
            // and userinfo returns the verified name with the ID number masked, and logs the read
            let info = try await h.browser().api("/oidc/userinfo", bearer: accessToken)
            #expect(info.status == .ok)
            #expect(info.jsonObject["sub"] as? String == claims.sub.value)
            #expect(info.jsonObject["assurance_level"] as? Int == 2)
            #expect(info.jsonObject["verified_name"] as? String == "李娜")
            let masked = try #require(info.jsonObject["citizen_id_masked"] as? String)
            #expect(masked.hasPrefix("430503********"))
            #expect(try await AuditRecord.query(on: h.db).filter(\.$action == "person.read").count() == 1)
            // a second login skips the consent page
            let second = try await browser.get(rp.authorizePath(challenge: challenge))
            #expect(second.status == .seeOther)
            #expect(second.location?.hasPrefix(rp.redirect) == true)
        }
    }

    @Test func userinfoNeedsAValidToken() async throws {
        try await withHarness { h in
            #expect(try await h.browser().api("/oidc/userinfo").status == .unauthorized)
            let forged = try await h.browser().api("/oidc/userinfo", bearer: "eyJhbGciOiJub25lIn0.e30.")
            #expect(forged.status == .unauthorized)
            #expect(forged.headers.first(name: .wwwAuthenticate) != nil)
        }
    }

    @Test func formEncodedSpacesInTheScopeAreSpaces() async throws {
        try await withHarness { h in
            let (rp, browser) = try await setUp(h)
            // as client libraries send it: scope=openid+profile
            let path = rp.authorizePath(scope: "openid profile", challenge: RelyingParty.pkce().challenge).replacingOccurrences(of: "openid%20profile", with: "openid+profile")
            #expect(path.contains("openid+profile"))
            let page = try await browser.get(path)
            #expect(page.status == .ok)
            #expect(page.text.contains("昵称与实名等级"))
        }
    }

    @Test func pkceMismatchReplayAndWrongRedirectAreRefused() async throws {
        try await withHarness { h in
            let (rp, browser) = try await setUp(h)
            let (verifier, challenge) = RelyingParty.pkce()
            let code = try await rp.obtainCode(browser: browser, challenge: challenge)
            let mismatch = try await rp.token(["grant_type": "authorization_code", "code": code, "redirect_uri": rp.redirect, "code_verifier": RelyingParty.pkce().verifier])
            #expect(mismatch.status == .badRequest)
            #expect(mismatch.jsonObject["error"] as? String == "invalid_grant")

            let code2 = try await rp.obtainCode(browser: browser, challenge: challenge)
            let wrongRedirect = try await rp.token(["grant_type": "authorization_code", "code": code2, "redirect_uri": "https://rp.example/other", "code_verifier": verifier])
            #expect(wrongRedirect.jsonObject["error"] as? String == "invalid_grant")

            let code3 = try await rp.obtainCode(browser: browser, challenge: challenge)
            let first = try await rp.token(["grant_type": "authorization_code", "code": code3, "redirect_uri": rp.redirect, "code_verifier": verifier])
            #expect(first.status == .ok)
            let refresh = try #require(first.jsonObject["refresh_token"] as? String)
            let replay = try await rp.token(["grant_type": "authorization_code", "code": code3, "redirect_uri": rp.redirect, "code_verifier": verifier])
            #expect(replay.jsonObject["error"] as? String == "invalid_grant")
            // the replay revoked what the code had issued
            let afterReplay = try await rp.token(["grant_type": "refresh_token", "refresh_token": refresh])
            #expect(afterReplay.jsonObject["error"] as? String == "invalid_grant")

            h.clock.advance(by: 0)
            let code4 = try await rp.obtainCode(browser: browser, challenge: challenge)
            h.clock.advance(by: 61)
            let expired = try await rp.token(["grant_type": "authorization_code", "code": code4, "redirect_uri": rp.redirect, "code_verifier": verifier])
            #expect(expired.jsonObject["error"] as? String == "invalid_grant")
        }
    }

    @Test func clientAuthenticationIsRequired() async throws {
        try await withHarness { h in
            let (rp, _) = try await setUp(h)
            let anonymous = try await rp.token(["grant_type": "authorization_code", "code": "x"], authenticate: false)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.jsonObject["error"] as? String == "invalid_client")
            let unknownGrant = try await rp.token(["grant_type": "password"])
            #expect(unknownGrant.jsonObject["error"] as? String == "unsupported_grant_type")
        }
    }

    @Test func refreshTokensRotateAndReuseRevokesTheFamily() async throws {
        try await withHarness { h in
            let (rp, browser) = try await setUp(h)
            let (verifier, challenge) = RelyingParty.pkce()
            let code = try await rp.obtainCode(browser: browser, challenge: challenge)
            let tokens = try await rp.token(["grant_type": "authorization_code", "code": code, "redirect_uri": rp.redirect, "code_verifier": verifier])
            let first = try #require(tokens.jsonObject["refresh_token"] as? String)
            // when refreshed, a new refresh token replaces the old
            let rotated = try await rp.token(["grant_type": "refresh_token", "refresh_token": first])
            #expect(rotated.status == .ok)
            let second = try #require(rotated.jsonObject["refresh_token"] as? String)
            #expect(second != first)
            // reusing the old one fails and ends the family
            let reuse = try await rp.token(["grant_type": "refresh_token", "refresh_token": first])
            #expect(reuse.jsonObject["error"] as? String == "invalid_grant")
            let afterReuse = try await rp.token(["grant_type": "refresh_token", "refresh_token": second])
            #expect(afterReuse.jsonObject["error"] as? String == "invalid_grant")
        }
    }

    @Test func expiredAndRevokedRefreshTokensAreRefused() async throws {
        try await withHarness { h in
            let (rp, browser) = try await setUp(h)
            let (verifier, challenge) = RelyingParty.pkce()
            let code = try await rp.obtainCode(browser: browser, challenge: challenge)
            let refresh = try #require(try await rp.token(["grant_type": "authorization_code", "code": code, "redirect_uri": rp.redirect, "code_verifier": verifier]).jsonObject["refresh_token"] as? String)
            var headers: HTTPHeaders = ["Content-Type": "application/x-www-form-urlencoded"]
            headers.basicAuthorization = BasicAuthorization(username: rp.clientID, password: rp.secret!)
            let revoked = try await h.app.testing().sendRequest(.POST, "/oidc/revoke", headers: headers, body: ByteBuffer(string: formEncode(["token": refresh])))
            #expect(revoked.status == .ok)
            #expect(try await rp.token(["grant_type": "refresh_token", "refresh_token": refresh]).jsonObject["error"] as? String == "invalid_grant")

            let code2 = try await rp.obtainCode(browser: browser, challenge: challenge)
            let refresh2 = try #require(try await rp.token(["grant_type": "authorization_code", "code": code2, "redirect_uri": rp.redirect, "code_verifier": verifier]).jsonObject["refresh_token"] as? String)
            h.clock.advance(by: 31 * 24 * 3600)
            let expired = try await rp.token(["grant_type": "refresh_token", "refresh_token": refresh2])
            #expect(expired.jsonObject["error_description"] as? String == "refresh token expired")
        }
    }

    @Test func unknownClientAndUnregisteredRedirectStopAtAnErrorPage() async throws {
        try await withHarness { h in
            let (rp, browser) = try await setUp(h)
            let unknown = try await browser.get("/oidc/authorize?response_type=code&client_id=nobody&redirect_uri=https://evil.example/cb&scope=openid")
            #expect(unknown.status == .badRequest)
            #expect(unknown.location == nil)
            #expect(unknown.text.contains("未知的接入应用"))
            let path = rp.authorizePath(challenge: RelyingParty.pkce().challenge).replacingOccurrences(of: "rp.example/callback", with: "evil.example/callback")
            let evil = try await browser.get(path)
            #expect(evil.status == .badRequest)
            #expect(evil.location == nil)
            #expect(evil.text.contains("回调地址未登记"))
            // other errors go back to the client
            let badScope = try await browser.get(rp.authorizePath(scope: "profile", challenge: RelyingParty.pkce().challenge))
            #expect(queryItems(of: badScope.location ?? "")["error"] == "invalid_scope")
        }
    }

    @Test func publicClientsMustUsePKCE() async throws {
        try await withHarness { h in
            let (_, browser) = try await setUp(h)
            let rp = try await RelyingParty.register(h, id: "spa", isPublic: true)
            let withoutPKCE = try await browser.get(rp.authorizePath(challenge: nil))
            #expect(queryItems(of: withoutPKCE.location ?? "")["error"] == "invalid_request")
            let (verifier, challenge) = RelyingParty.pkce()
            let code = try await rp.obtainCode(browser: browser, challenge: challenge, scope: "openid profile")
            let tokens = try await rp.token(["grant_type": "authorization_code", "code": code, "redirect_uri": rp.redirect, "code_verifier": verifier])
            #expect(tokens.status == .ok)
            #expect(tokens.jsonObject["refresh_token"] == nil)
        }
    }

    @Test func signInIsAskedForThenTheFlowContinues() async throws {
        try await withHarness { h in
            let (rp, _) = try await setUp(h)
            let browser = h.browser()
            let (_, challenge) = RelyingParty.pkce()
            let start = try await browser.get(rp.authorizePath(challenge: challenge))
            #expect(start.status == .seeOther)
            let login = try #require(start.location)
            #expect(login.hasPrefix("/login?return_to="))
            let returnTo = try #require(queryItems(of: login)["return_to"])
            let page = try await browser.get(login)
            #expect(page.inputValue("return_to") == returnTo)
            let signedIn = try await browser.submit("/login", fields: ["login": "13912340001", "password": "citizen-2026", "return_to": returnTo])
            #expect(signedIn.location == returnTo)
            let consent = try await browser.get(returnTo)
            #expect(consent.status == .ok)
            #expect(consent.text.contains("邵阳新闻"))
            // prompt=none without a session answers login_required
            let none = try await h.browser().get(rp.authorizePath(challenge: challenge, extra: ["prompt": "none"]))
            #expect(queryItems(of: none.location ?? "")["error"] == "login_required")
        }
    }

    @Test func acrValuesStepUpTakesAnL1CitizenToVerification() async throws {
        try await withHarness { h in
            try await h.registerCitizen(phone: "13912340009", password: "citizen-2026")
            let rp = try await RelyingParty.register(h)
            let browser = h.browser()
            try await browser.signIn("13912340009", "citizen-2026")
            let response = try await browser.get(rp.authorizePath(challenge: RelyingParty.pkce().challenge, extra: ["acr_values": "urn:yiwang:loa:2"]))
            #expect(response.status == .seeOther)
            #expect(response.location?.hasPrefix("/account/verify?return_to=") == true)
            let l3 = try await browser.get(rp.authorizePath(challenge: RelyingParty.pkce().challenge, extra: ["acr_values": "urn:yiwang:loa:3"]))
            #expect(queryItems(of: l3.location ?? "")["error"] == "unmet_authentication_requirements")
        }
    }

    @Test func aRelyingPartysTokenCannotActAsThePersonOnPages() async throws {
        try await withHarness { h in
            let (rp, browser) = try await setUp(h)
            let (verifier, challenge) = RelyingParty.pkce()
            let code = try await rp.obtainCode(browser: browser, challenge: challenge, scope: "openid")
            let access = try #require(try await rp.token(["grant_type": "authorization_code", "code": code, "redirect_uri": rp.redirect, "code_verifier": verifier]).jsonObject["access_token"] as? String)
            // with only the token (no session), the authorization endpoint asks for a sign-in
            let laundering = try await h.app.testing().sendRequest(.GET, rp.authorizePath(scope: "openid realname phone", challenge: challenge), headers: ["Authorization": "Bearer \(access)", "Accept": "text/html"])
            #expect(laundering.status == .seeOther)
            #expect(laundering.headers.first(name: .location)?.hasPrefix("/login") == true)
            // and account pages and session APIs do not take it either
            let security = try await h.app.testing().sendRequest(.GET, "/account/security", headers: ["Authorization": "Bearer \(access)", "Accept": "text/html"])
            #expect(security.status == .seeOther)
            let verification = try await h.app.testing().sendRequest(.POST, "/api/identity/me/verification", headers: ["Authorization": "Bearer \(access)", "Content-Type": "application/json"], body: ByteBuffer(string: "{}"))
            #expect(verification.status == .forbidden || verification.status == .unauthorized)
        }
    }

    @Test func sessionAPICallsNeedTheCSRFHeader() async throws {
        try await withHarness { h in
            try await h.registerCitizen(phone: "13912340001", password: "citizen-2026")
            let browser = h.browser()
            try await browser.signIn("13912340001", "citizen-2026")
            let withoutHeader = try await browser.request(.POST, "/api/identity/me/verification", headers: ["Accept": "application/json", "X-CSRF-Token": "nope"], body: ByteBuffer(string: "{}"), contentType: .json)
            #expect(withoutHeader.status == .forbidden)
            #expect(withoutHeader.problemType == Problem.typeURI("csrf-token-invalid"))
            let withHeader = try await browser.json(.POST, "/api/identity/me/verification", ["name": "某人", "citizenID": "11010519491231002X"])
            #expect(withHeader.status == .unprocessableEntity)
        }
    }

    @Test func consentCanBeDenied() async throws {
        try await withHarness { h in
            let (rp, browser) = try await setUp(h)
            let page = try await browser.get(rp.authorizePath(challenge: RelyingParty.pkce().challenge))
            let query = try #require(page.inputValue("authorize_query"))
            let denied = try await browser.submit("/oidc/consent", fields: ["authorize_query": query, "decision": "deny"])
            #expect(queryItems(of: denied.location ?? "")["error"] == "access_denied")
        }
    }

    @Test func clientCredentialsIssueSystemTokens() async throws {
        try await withHarness { h in
            let created = try await Clients.register(
                id: "catalog-sync", name: "目录同步系统", redirectURIs: [], scopes: ["catalog.read"], grantTypes: ["client_credentials"],
                actor: "test", platform: h.app.platform, on: h.db)
            var headers: HTTPHeaders = ["Content-Type": "application/x-www-form-urlencoded"]
            headers.basicAuthorization = BasicAuthorization(username: created.clientID, password: created.clientSecret!)
            let response = try await h.app.testing().sendRequest(.POST, "/oidc/token", headers: headers, body: ByteBuffer(string: "grant_type=client_credentials&scope=catalog.read"))
            #expect(response.status == .ok)
            #expect(response.jsonObject["scope"] as? String == "catalog.read")
            #expect(response.jsonObject["id_token"] == nil)
            let tooMuch = try await h.app.testing().sendRequest(.POST, "/oidc/token", headers: headers, body: ByteBuffer(string: "grant_type=client_credentials&scope=openid"))
            #expect(tooMuch.jsonObject["error"] as? String == "invalid_scope")
        }
    }

    @Test func endSessionLogsOutAndReturnsToARegisteredAddress() async throws {
        try await withHarness { h in
            let (rp, browser) = try await setUp(h)
            let (verifier, challenge) = RelyingParty.pkce()
            let code = try await rp.obtainCode(browser: browser, challenge: challenge)
            let idToken = try #require(try await rp.token(["grant_type": "authorization_code", "code": code, "redirect_uri": rp.redirect, "code_verifier": verifier]).jsonObject["id_token"] as? String)
            let unregistered = try await browser.get("/oidc/logout?id_token_hint=\(idToken)&post_logout_redirect_uri=https://evil.example/")
            #expect(unregistered.status == .badRequest)
            let out = try await browser.get("/oidc/logout?id_token_hint=\(idToken)&post_logout_redirect_uri=https://rp.example/bye&state=s9")
            #expect(out.location == "https://rp.example/bye?state=s9")
            #expect(try await browser.api("/api/identity/me").status == .unauthorized)
        }
    }

    @Test func rotatedKeysKeepVerifyingUntilRetired() async throws {
        try await withHarness { h in
            let (rp, browser) = try await setUp(h)
            let (verifier, challenge) = RelyingParty.pkce()
            let code = try await rp.obtainCode(browser: browser, challenge: challenge)
            let access = try #require(try await rp.token(["grant_type": "authorization_code", "code": code, "redirect_uri": rp.redirect, "code_verifier": verifier]).jsonObject["access_token"] as? String)
            let oldKID = try #require(try await SigningKey.query(on: h.db).first()?.id)
            // when a new key is added
            let newKID = try await h.app.identity.keys.rotate(on: h.db, now: h.clock.now())
            let jwks = try await h.browser().api("/oidc/jwks").jsonObject["keys"] as? [[String: String]] ?? []
            #expect(Set(jwks.compactMap { $0["kid"] }) == [oldKID, newKID])
            // then tokens signed with the old key still work
            #expect(try await h.browser().api("/oidc/userinfo", bearer: access).status == .ok)
            // until it is retired
            #expect(try await h.app.identity.keys.retire(kid: oldKID, on: h.db, now: h.clock.now()))
            #expect(try await h.browser().api("/oidc/userinfo", bearer: access).status == .unauthorized)
            #expect(!(try await h.app.identity.keys.retire(kid: newKID, on: h.db, now: h.clock.now())))
        }
    }
}
