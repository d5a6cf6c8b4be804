import Fluent
import Foundation
import Testing
import VaporTesting
import YiwangKit
import YiwangPlatform

@testable import Identity
@testable import YiwangServer

@Suite("Departments, staff and enterprises")
struct OrganisationAdminTests {
    func admin(_ h: TestHarness) async throws -> Browser {
        let browser = h.browser()
        try await browser.signIn("admin", "yiwang-admin-2026", totp: h.currentTOTP(DemoCity.demoTOTPSecret))
        return browser
    }

    @Test func platformAdministratorAddsADepartment() async throws {
        try await withHarness(demo: true) { h in
            let browser = try await admin(h)
            let code = CreditCode.make(authority: "1", type: "2", division: "430522", subject: "MB1234567")
            // a bad credit code, a retired division and an unknown parent are all reported at once
            let bad = try await browser.submit("/console/departments", fields: ["name": "新邵县数据中心", "creditCode": "91350100M000100Y44", "division": "430521", "parentCreditCode": "nope"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("校验") || bad.text.contains("check"))
            #expect(bad.text.contains("已撤销"))
            #expect(bad.text.contains("找不到上级单位"))
            let before = try await h.count(Department.self)
            #expect(try await h.count(Department.self) == before)
            // a good one is added and audited
            let good = try await browser.submit("/console/departments", fields: ["name": "新邵县数据中心", "shortName": "数据中心", "creditCode": code.value, "division": "430522", "level": "county", "kind": "centre"])
            #expect(good.status == .ok)
            #expect(good.text.contains("已新增部门"))
            #expect(try await h.count(Department.self) == before + 1)
            #expect(try await AuditRecord.query(on: h.db).filter(\.$action == "department.create").count() == 1)
            // and the same name again is a conflict
            let again = try await browser.json(.POST, "/api/organisations/departments", ["name": "新邵县数据中心", "creditCode": code.value, "division": "430522"])
            #expect(again.status == .conflict)
            // staff cannot add departments
            let staff = h.browser()
            try await staff.signIn("xzsp.staff", "yiwang-staff-2026")
            #expect(try await staff.json(.POST, "/api/organisations/departments", ["name": "x"]).status == .forbidden)
        }
    }

    @Test func departmentAdministratorAddsWindowStaffToTheirOwnDepartmentOnly() async throws {
        try await withHarness(demo: true) { h in
            let departmentAdmin = h.browser()
            try await departmentAdmin.signIn("xzsp.admin", "yiwang-staff-2026", totp: h.currentTOTP(DemoCity.demoTOTPSecret))
            let page = try await departmentAdmin.get("/console/accounts")
            #expect(page.text.contains("新增工作人员"))
            let police = try #require(try await Department.query(on: h.db).filter(\.$name == "邵阳市公安局").first())
            let elsewhere = try await departmentAdmin.json(.POST, "/api/identity/staff", ["login": "w2", "displayName": "赵六", "password": "window-pass-1", "role": "department_staff", "departmentCreditCode": police.creditCode])
            #expect(elsewhere.status == .forbidden)
            let tooHigh = try await departmentAdmin.json(.POST, "/api/identity/staff", ["login": "w3", "displayName": "赵七", "password": "window-pass-1", "role": "department_admin"])
            #expect(tooHigh.status == .forbidden)
            let created = try await departmentAdmin.submit("/console/accounts", fields: ["login": "window.2", "displayName": "赵六", "password": "window-pass-1", "role": "department_staff"])
            #expect(created.status == .ok)
            #expect(created.text.contains("已新增工作人员"))
            let account = try #require(try await Account.query(on: h.db).filter(\.$login == "window.2").first())
            let approval = try #require(try await Department.query(on: h.db).filter(\.$name == "邵阳市行政审批服务局").first())
            #expect(account.$department.id == approval.id)
            #expect(account.roles == [.departmentStaff])
            // the platform administrator creates department administrators, who get a TOTP secret once
            let platform = try await admin(h)
            let newAdmin = try await platform.json(.POST, "/api/identity/staff", ["login": "ga.admin", "displayName": "公安管理员", "password": "police-admin-1", "role": "department_admin", "departmentCreditCode": police.creditCode])
            #expect(newAdmin.status == .created)
            #expect((newAdmin.jsonObject["totpSecret"] as? String)?.count == 32)
            let missingDepartment = try await platform.json(.POST, "/api/identity/staff", ["login": "x.staff", "displayName": "某人", "password": "police-admin-1", "role": "department_staff"])
            #expect(missingDepartment.status == .unprocessableEntity)
            let noPlatformAdmins = try await platform.json(.POST, "/api/identity/staff", ["login": "root2", "displayName": "某人", "password": "police-admin-1", "role": "platform_admin"])
            #expect(noPlatformAdmins.status == .unprocessableEntity)
        }
    }

    @Test func verifiedCitizenRegistersAnEnterprise() async throws {
        try await withHarness(demo: true) { h in
            let unverified = h.browser()
            try await unverified.signIn("13800000001", "yiwang-citizen-2026")
            let page = try await unverified.get("/account/enterprise")
            #expect(page.status == .ok)
            #expect(page.text.contains("需先完成实名核验"))
            let refused = try await unverified.json(.POST, "/api/identity/enterprises", ["name": "某公司", "creditCode": "91350100M000100Y43", "legalPersonName": "某人"])
            #expect(refused.status == .unprocessableEntity)

            let verified = h.browser()
            try await verified.signIn("13800000002", "yiwang-citizen-2026")
            let badCode = try await verified.submit("/account/enterprise", fields: ["name": "邵阳市宝庆食品有限公司", "credit_code": "91350100M000100Y44", "legal_person_name": "李娜"])
            #expect(badCode.status == .unprocessableEntity)
            let code = CreditCode.make(authority: "9", type: "1", division: "430502", subject: "MA4PQ1234")
            let ok = try await verified.submit("/account/enterprise", fields: ["name": "邵阳市宝庆食品有限公司", "credit_code": code.value, "legal_person_name": "李娜"])
            #expect(ok.status == .ok)
            #expect(ok.text.contains(code.value))
            let mine = try await verified.api("/api/identity/enterprises")
            #expect(mine.text.contains("李*"))
            let account = try #require(try await Account.query(on: h.db).filter(\.$login == "13800000002").first())
            #expect(account.roles.contains(.enterprise))
            let duplicate = try await verified.json(.POST, "/api/identity/enterprises", ["name": "重复", "creditCode": code.value, "legalPersonName": "李娜"])
            #expect(duplicate.status == .conflict)
        }
    }
}
