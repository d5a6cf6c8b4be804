import Foundation
import Testing
import VaporTesting
import YiwangKit
import YiwangPlatform

@testable import Identity
@testable import YiwangServer

@Suite("Platform: routes, operations, security")
struct PlatformTests {
    @Test func everyRouteDeclaresWhoMayCallIt() async throws {
        try await withHarness { h in
            // given the composed route table
            let routes = h.app.routes.all
            #expect(routes.count > 30)
            // then every route carries an access rule and a kind
            let undeclared = routes.filter { $0.accessRule == nil || $0.kind == nil }
            #expect(undeclared.isEmpty, "routes without an access rule: \(undeclared.map { "\($0.method) \($0.path)" })")
        }
    }

    @Test func openAPIDocumentListsEveryAPIRoute() async throws {
        try await withHarness { h in
            // when
            let response = try await h.browser().api("/openapi.json")
            // then
            #expect(response.status == .ok)
            let document = response.jsonObject
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = document["paths"] as? [String: [String: Any]] ?? [:]
            for route in h.app.routes.all {
                guard case .api = route.kind else { continue }
                let path = OpenAPIDocument.openAPIPath(route.path)
                #expect(paths[path]?[route.method.rawValue.lowercased()] != nil, "\(route.method) \(path) missing from /openapi.json")
            }
            // and page routes stay out of it
            #expect(paths["/login"] == nil)
        }
    }

    @Test func healthReadinessAndMetricsAnswer() async throws {
        try await withHarness { h in
            let browser = h.browser()
            #expect(try await browser.api("/healthz").status == .ok)
            let ready = try await browser.api("/readyz")
            #expect(ready.status == .ok)
            #expect(ready.jsonObject["database"] as? String == "reachable")
            _ = try await browser.get("/login")
            let metrics = try await browser.api("/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains("http_requests_total"))
            #expect(metrics.text.contains("path=\"/login\""))
            #expect(metrics.text.contains("http_request_duration_seconds"))
            #expect(metrics.text.contains("yiwang_database_up 1"))
        }
    }

    @Test func responsesCarrySecurityHeadersAndRequestID() async throws {
        try await withHarness { h in
            let response = try await h.browser().get("/login")
            #expect(response.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
            #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(response.headers.first(name: "X-Frame-Options") == "DENY")
            #expect(response.headers.first(name: "X-Request-ID")?.isEmpty == false)
            let cookie = response.headers[.setCookie].first { $0.hasPrefix("yiwang_csrf=") } ?? ""
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            #expect(!cookie.contains("Secure"))
        }
    }

    @Test func cookiesAreSecureBehindTLS() async throws {
        try await withHarness(configure: { $0.publicURL = "https://id.shaoyang.gov.cn" }) { h in
            let response = try await h.browser().get("/login")
            #expect(response.headers[.setCookie].contains { $0.hasPrefix("yiwang_csrf=") && $0.contains("Secure") })
            #expect(response.headers.first(name: "Strict-Transport-Security") != nil)
        }
    }

    @Test func formPostWithoutCSRFTokenIsRefused() async throws {
        try await withHarness { h in
            let browser = h.browser()
            _ = try await browser.get("/login")
            // when the token is missing
            let missing = try await browser.submit("/login", fields: ["login": "13800000001", "password": "x"], withToken: false)
            // then a plain-language page, not a sign-in attempt
            #expect(missing.status == .forbidden)
            #expect(missing.text.contains("表单已失效"))
            // and a wrong token is refused the same way
            let wrong = try await browser.request(.POST, "/login", body: .init(string: formEncode(["login": "a", "password": "b", "csrf_token": String(repeating: "x", count: 43)])), contentType: .urlEncodedForm)
            #expect(wrong.status == .forbidden)
            #expect(try await h.count(AuditRecord.self) == 0)
        }
    }

    @Test func unknownAPIRouteIsAProblemAndUnknownPageIsChinese() async throws {
        try await withHarness { h in
            let api = try await h.browser().api("/api/nothing-here")
            #expect(api.status == .notFound)
            #expect(api.headers.contentType?.description.contains("application/problem+json") == true)
            #expect(api.problemType == Problem.typeURI("not-found"))
            let page = try await h.browser().get("/nothing-here")
            #expect(page.status == .notFound)
            #expect(page.text.contains("返回首页"))
        }
    }

    @Test func malformedJSONAndOversizedBodiesGetProblems() async throws {
        try await withHarness(configure: { $0.maxBodySize = 2048 }) { h in
            let browser = h.browser()
            let malformed = try await browser.request(.POST, "/api/identity/sms-codes", headers: ["Accept": "application/json"], body: .init(string: "{\"phone\": "), contentType: .json)
            #expect(malformed.status == .badRequest)
            #expect(malformed.problemType == Problem.typeURI("malformed-body"))
            // The body limit applies to bodies streamed from the network, so this goes through a real socket.
            let big = String(repeating: "a", count: 10_000)
            let port = Int.random(in: 20_000...40_000)
            let oversized = try await h.app.testing(method: .running(hostname: "127.0.0.1", port: port)).sendRequest(
                .POST, "/api/identity/sms-codes", headers: ["Accept": "application/json", "Content-Type": "application/json"],
                body: .init(string: "{\"phone\": \"\(big)\"}"))
            #expect(oversized.status == .payloadTooLarge)
            #expect(oversized.problemType == Problem.typeURI("body-too-large"))
            #expect(try await h.count(SMSChallenge.self) == 0)
        }
    }

    @Test func languageSwitchesToEnglish() async throws {
        try await withHarness { h in
            let browser = h.browser()
            let english = try await browser.get("/login?lang=en")
            #expect(english.text.contains("Sign in"))
            #expect(english.text.contains("lang=\"en\""))
            // and the choice sticks
            let next = try await browser.get("/register")
            #expect(next.text.contains("Create an account"))
            let chinese = try await h.browser().get("/login")
            #expect(chinese.text.contains("手机号或登录名"))
        }
    }
}

@Suite("Audit log")
struct AuditTests {
    @Test func chainHoldsAndTamperingIsNamed() async throws {
        try await withHarness { h in
            // given a few changes
            try await h.registerCitizen(phone: "13912340001")
            try await h.registerCitizen(phone: "13912340002")
            let before = try await AuditLog.verify(on: h.db)
            #expect(before.holds)
            #expect(before.checkedRecords >= 4)
            // when one record's content is changed behind the log's back
            let victim = try #require(try await AuditRecord.find(2, on: h.db))
            victim.target = "account:someone-else"
            try await victim.save(on: h.db)
            // then verification names that record
            let after = try await AuditLog.verify(on: h.db)
            #expect(after.firstBrokenSeq == 2)
            #expect(after.reason?.contains("content") == true)
        }
    }

    @Test func deletedRecordIsDetected() async throws {
        try await withHarness { h in
            try await h.registerCitizen(phone: "13912340001")
            try await h.registerCitizen(phone: "13912340002")
            try await AuditRecord.find(3, on: h.db)?.delete(on: h.db)
            let result = try await AuditLog.verify(on: h.db)
            #expect(result.firstBrokenSeq == 3)
        }
    }

    @Test func onlyAuditorsSearchTheLog() async throws {
        try await withHarness { h in
            try await h.registerCitizen(phone: "13912340001", password: "citizen-2026")
            try await h.createStaff(login: "auditor1", roles: [.auditor])
            let citizen = h.browser()
            try await citizen.signIn("13912340001", "citizen-2026")
            #expect(try await citizen.api("/api/audit/records").status == .forbidden)
            #expect(try await citizen.get("/console/audit").status == .forbidden)
            let auditor = h.browser()
            try await auditor.signIn("auditor1", "staff-pass-2026")
            let search = try await auditor.api("/api/audit/records?action=account.register")
            #expect(search.status == .ok)
            #expect(search.jsonObject["total"] as? Int == 1)
            let page = try await auditor.get("/console/audit?action=account&verify=1")
            #expect(page.status == .ok)
            #expect(page.text.contains("account.register"))
            #expect(page.text.contains("哈希链完整"))
            let verification = try await auditor.api("/api/audit/verification")
            #expect(verification.jsonObject["holds"] as? Bool == true)
        }
    }
}
