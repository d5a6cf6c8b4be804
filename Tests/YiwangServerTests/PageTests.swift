import Fluent
import Foundation
import Testing
import VaporTesting
import YiwangKit
import YiwangPlatform

@testable import Identity
@testable import YiwangServer

@Suite("Pages render")
struct PageTests {
    @Test func anonymousPagesRender() async throws {
        try await withHarness { h in
            let browser = h.browser()
            for (path, marker) in [("/", "一次实名认证"), ("/login", "手机号或登录名"), ("/register", "获取短信验证码"), ("/password/forgot", "忘记密码")] {
                let page = try await browser.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(page.text.contains(marker), "\(path) lacks \(marker)")
                #expect(page.text.contains("name=\"csrf_token\"") || path == "/", "\(path) has a form without a token")
                #expect(page.headers.first(name: .cacheControl) == "no-store")
            }
            // pages for signed-in people send others to sign in
            let verify = try await browser.get("/account/verify")
            #expect(verify.status == .seeOther)
            #expect(verify.location?.hasPrefix("/login?return_to=") == true)
        }
    }

    @Test func registrationPageWalksThroughTheCode() async throws {
        try await withHarness { h in
            let browser = h.browser()
            let bad = try await browser.submit("/register/code", from: "/register", fields: ["phone": "12"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("11 位"))
            let sent = try await browser.submit("/register/code", fields: ["phone": "13912340001"])
            #expect(sent.text.contains("验证码已发送"))
            #expect(sent.text.contains("id=\"code\""))
            let mismatch = try await browser.submit("/register", fields: ["phone": "13912340001", "code": "777777", "password": "citizen-2026", "password_confirm": "citizen-2027"])
            #expect(mismatch.text.contains("两次输入的密码不一致"))
            let done = try await browser.submit("/register", fields: ["phone": "13912340001", "code": "777777", "password": "citizen-2026", "password_confirm": "citizen-2026"])
            #expect(done.status == .seeOther)
            let home = try await browser.get("/")
            #expect(home.text.contains("139****0001"))
            #expect(home.text.contains("L1"))
            #expect(home.text.contains("去实名核验"))
        }
    }

    @Test func userTextIsEscaped() async throws {
        try await withHarness { h in
            let page = try await h.browser().submit("/login", fields: ["login": "<script>alert(1)</script>", "password": "x"])
            #expect(!page.text.contains("<script>alert(1)</script>"))
            #expect(page.text.contains("&lt;script&gt;"))
        }
    }

    @Test func verificationPageRaisesTheLevel() async throws {
        try await withHarness { h in
            let id = CitizenID.make(division: "430502", birthDate: Day(year: 1990, month: 5, day: 12)!, sequence: 121)
            try await ReferencePerson(citizenID: id.value, name: "王小明").create(on: h.db)
            try await h.registerCitizen(phone: "13912340001", password: "citizen-2026")
            let browser = h.browser()
            try await browser.signIn("13912340001", "citizen-2026")
            let form = try await browser.get("/account/verify")
            #expect(form.status == .ok)
            let wrong = try await browser.submit("/account/verify", fields: ["name": "王小明", "citizen_id": "430502199005121", "return_to": "/"])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.text.contains("18"))
            let tab = try await browser.submit("/account/verify", fields: ["name": "王小明", "citizen_id": "1", "return_to": "/\t/evil.example"])
            #expect(tab.text.contains("value=\"/\""))
            let ok = try await browser.submit("/account/verify", fields: ["name": "王小明", "citizen_id": id.value, "return_to": "//evil.example"])
            #expect(ok.location == "/")
            #expect(try await browser.get("/").text.contains("L2"))
        }
    }

    @Test func consolePagesRenderForTheirRoles() async throws {
        try await withHarness(demo: true) { h in
            let admin = h.browser()
            let signedIn = try await admin.signIn("admin", "yiwang-admin-2026", totp: h.currentTOTP(DemoCity.demoTOTPSecret))
            #expect(signedIn.status == .seeOther)
            for (path, marker) in [
                ("/console", "工作台"), ("/console/departments", "邵阳市行政审批服务局"), ("/console/departments?q=公安", "双清区公安局"),
                ("/console/accounts", "138****0001"), ("/console/clients", "demo-media-app"), ("/console/audit", "demo.load"),
                ("/console/sms-outbox", "发件箱"),
            ] {
                let page = try await admin.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(page.text.contains(marker), "\(path) lacks \(marker)")
            }
            // registering a client from the console shows its secret once
            let bad = try await admin.submit("/console/clients", fields: ["client_id": "x", "name": "", "redirect_uris": "ftp://nope", "scopes": "openid", "grant_types": "authorization_code"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("回调地址须为完整的 https 地址"))
            let created = try await admin.submit("/console/clients", fields: ["client_id": "county-app", "name": "县级应用", "redirect_uris": "https://county.example/cb", "scopes": "openid profile", "grant_types": "authorization_code refresh_token"])
            #expect(created.status == .ok)
            #expect(created.text.contains("应用密钥只显示这一次"))
            // staff see only what their role allows
            let staff = h.browser()
            try await staff.signIn("xzsp.staff", "yiwang-staff-2026")
            #expect(try await staff.get("/console").status == .ok)
            #expect(try await staff.get("/console/clients").status == .forbidden)
            #expect(try await staff.get("/console/audit").status == .forbidden)
            let auditor = h.browser()
            try await auditor.signIn("auditor", "yiwang-audit-2026")
            #expect(try await auditor.get("/console/departments").status == .ok)
            #expect(try await auditor.get("/console/accounts").status == .forbidden)
            // a citizen is not staff
            let citizen = h.browser()
            try await citizen.signIn("13800000001", "yiwang-citizen-2026")
            #expect(try await citizen.get("/console").status == .forbidden)
        }
    }

    @Test func anAdministratorWithoutTheSecondFactorIsNotAnAdministrator() async throws {
        try await withHarness(demo: true) { h in
            // given an admin account whose session somehow lacks the second factor
            let admin = try #require(try await Account.query(on: h.db).filter(\.$login == "admin").first())
            admin.totpSecret = nil
            try await admin.save(on: h.db)
            let browser = h.browser()
            #expect(try await browser.signIn("admin", "yiwang-admin-2026").status == .seeOther)
            // then administrator pages stay closed
            #expect(try await browser.get("/console/clients").status == .forbidden)
        }
    }
}

@Suite("Organisations and the demo city")
struct OrganisationTests {
    @Test func demoCityHasShaoyangsDivisionsAndDepartments() async throws {
        try await withHarness(demo: true) { h in
            let counties = try await Division.query(on: h.db).filter(\.$parentCode == "430500").filter(\.$validTo == nil).all()
            #expect(counties.count == 12)
            let retired = try #require(try await Division.find("430521", on: h.db))
            #expect(retired.name == "邵东县")
            #expect(!retired.isCurrent)
            let cityDepartments = try await Department.query(on: h.db).filter(\.$level == "city").all()
            #expect(cityDepartments.count == 139)
            for name in ["行政审批服务局", "公安局", "市场监督管理局", "住房公积金管理中心", "信访局", "数据局"] {
                #expect(cityDepartments.contains { $0.name == "邵阳市" + name }, "missing 邵阳市\(name)")
            }
            // every department's credit code is valid and unique
            let all = try await Department.query(on: h.db).all()
            for department in all {
                #expect((try? CreditCode(department.creditCode)) != nil, "\(department.name) \(department.creditCode)")
            }
            #expect(Set(all.map(\.creditCode)).count == all.count)
            // and loading twice changes nothing
            try await DemoCity.load(on: h.db, platform: h.app.platform, identity: h.app.identity, logger: h.app.logger)
            #expect(try await Department.query(on: h.db).count() == all.count)
        }
    }

    @Test func demoDataExistsOnlyWhenAskedFor() async throws {
        try await withHarness { h in
            let accounts = try await h.count(Account.self), departments = try await h.count(Department.self)
            let isLoaded = try await DemoCity.isLoaded(on: h.db)
            #expect(accounts == 0)
            #expect(departments == 0)
            #expect(!isLoaded)
        }
    }

    @Test func organisationAPIsFilterAndValidate() async throws {
        try await withHarness(demo: true) { h in
            let browser = h.browser()
            let counties = try await browser.api("/api/organisations/divisions?parent=430500")
            #expect(counties.status == .ok)
            let text = counties.text
            #expect(text.contains("邵东市") && !text.contains("邵东县"))
            let withRetired = try await browser.api("/api/organisations/divisions?parent=430500&include_retired=true")
            #expect(withRetired.text.contains("邵东县"))
            let departments = try await browser.api("/api/organisations/departments?division=430582")
            #expect(departments.text.contains("邵东市公安局"))
            let unknown = try await browser.api("/api/organisations/departments?division=439999")
            #expect(unknown.status == .unprocessableEntity)
            let malformed = try await browser.api("/api/organisations/divisions?parent=43x")
            #expect(malformed.status == .unprocessableEntity)
        }
    }

    @Test func onlyPlatformAdministratorsRegisterClientsByAPI() async throws {
        try await withHarness(demo: true) { h in
            let body = ["clientID": "api-app", "name": "接口应用"]
            let citizen = h.browser()
            try await citizen.signIn("13800000001", "yiwang-citizen-2026")
            let denied = try await citizen.request(.POST, "/api/identity/clients", headers: ["Accept": "application/json"], body: .init(string: "{\"clientID\":\"api-app\",\"name\":\"接口应用\",\"redirectURIs\":[\"https://a.example/cb\"],\"scopes\":[\"openid\"]}"), contentType: .json)
            #expect(denied.status == .forbidden)
            #expect(body.count == 2)
            let admin = h.browser()
            try await admin.signIn("admin", "yiwang-admin-2026", totp: h.currentTOTP(DemoCity.demoTOTPSecret))
            let created = try await admin.request(.POST, "/api/identity/clients", headers: ["Accept": "application/json"], body: .init(string: "{\"clientID\":\"api-app\",\"name\":\"接口应用\",\"redirectURIs\":[\"https://a.example/cb\"],\"scopes\":[\"openid\"]}"), contentType: .json)
            #expect(created.status == .created)
            #expect((created.jsonObject["clientSecret"] as? String)?.count ?? 0 >= 40)
            let duplicate = try await admin.request(.POST, "/api/identity/clients", headers: ["Accept": "application/json"], body: .init(string: "{\"clientID\":\"api-app\",\"name\":\"接口应用\",\"redirectURIs\":[\"https://a.example/cb\"],\"scopes\":[\"openid\"]}"), contentType: .json)
            #expect(duplicate.status == .conflict)
            let badRedirect = try await admin.request(.POST, "/api/identity/clients", headers: ["Accept": "application/json"], body: .init(string: "{\"clientID\":\"api-app2\",\"name\":\"x\",\"redirectURIs\":[\"http://evil.example/cb\"],\"scopes\":[\"openid\"]}"), contentType: .json)
            #expect(badRedirect.status == .unprocessableEntity)
        }
    }
}

@Suite("Preferences and account security")
struct PreferenceTests {
    @Test func elderModeEnlargesTextAndIsRemembered() async throws {
        try await withHarness { h in
            let browser = h.browser()
            let plain = try await browser.get("/")
            #expect(plain.text.contains("长辈模式"))
            #expect(!plain.text.contains("class=\"citizen elder\""))
            let elder = try await browser.get("/?elder=1")
            #expect(elder.text.contains("class=\"citizen elder\""))
            #expect(elder.text.contains("标准模式"))
            let next = try await browser.get("/login")
            #expect(next.text.contains("class=\"citizen elder\""))
        }
    }

    @Test func staffTurnOnTheirSecondFactor() async throws {
        try await withHarness { h in
            try await h.createStaff(login: "window9", roles: [.departmentStaff])
            let browser = h.browser()
            try await browser.signIn("window9", "staff-pass-2026")
            let page = try await browser.get("/account/security")
            #expect(page.status == .ok)
            let secret = try #require(page.inputValue("secret"))
            #expect(page.text.contains("otpauth://totp/Yiwang:window9?secret=\(secret)"))
            let wrong = try await browser.submit("/account/security", fields: ["secret": secret, "code": "000000"])
            #expect(wrong.status == .unprocessableEntity)
            let right = try await browser.submit("/account/security", fields: ["secret": secret, "code": h.currentTOTP(secret)])
            #expect(right.status == .ok)
            #expect(right.text.contains("动态口令已开启"))
            // from now on signing in needs the code
            let without = try await h.browser().signIn("window9", "staff-pass-2026")
            #expect(without.status == .unauthorized)
            let with = try await h.browser().signIn("window9", "staff-pass-2026", totp: h.currentTOTP(secret))
            #expect(with.status == .seeOther)
            #expect(try await AuditRecord.query(on: h.db).filter(\.$action == "account.totp.enrol").count() == 1)
        }
    }

    @Test func staffLookingPeopleUpIsAudited() async throws {
        try await withHarness { h in
            try await h.registerCitizen(phone: "13912340001")
            try await h.createStaff(login: "window1", roles: [.departmentStaff])
            let staff = h.browser()
            try await staff.signIn("window1", "staff-pass-2026")
            _ = try await staff.get("/console/accounts?q=13912340001")
            let record = try #require(try await AuditRecord.query(on: h.db).filter(\.$action == "person.search").first())
            #expect(record.detail.contains("139****0001"))
            #expect(!record.detail.contains("13912340001"))
        }
    }
}
