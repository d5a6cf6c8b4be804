@testable import Catalog
import Fluent
import Foundation
import Spreadsheet
import Testing
import VaporTesting
import YiwangKit
import YiwangPlatform

@testable import Identity
@testable import YiwangServer

/// The catalog as its people use it, on the demo city.
struct CatalogWorld {
    let h: TestHarness
    let staff: Browser
    let departmentAdmin: Browser
    let platformAdmin: Browser

    static func make(_ h: TestHarness) async throws -> CatalogWorld {
        let staff = h.browser()
        try await staff.signIn("xzsp.staff", "yiwang-staff-2026")
        let departmentAdmin = h.browser()
        try await departmentAdmin.signIn("xzsp.admin", "yiwang-staff-2026", totp: h.currentTOTP(DemoCity.demoTOTPSecret))
        let platformAdmin = h.browser()
        try await platformAdmin.signIn("admin", "yiwang-admin-2026", totp: h.currentTOTP(DemoCity.demoTOTPSecret))
        return CatalogWorld(h: h, staff: staff, departmentAdmin: departmentAdmin, platformAdmin: platformAdmin)
    }

    static func metadata(name: String = "一件事联办申请信息", shareType: Int = 1, condition: String? = nil, basis: String? = nil, isOpen: Bool = false, keywords: [String] = ["一件事"], items: [[String: Any]]? = nil) -> [String: Any] {
        var metadata: [String: Any] = [
            "name": name, "abstract": "记录“一件事”联办申请的受理与办结情况，含营业执照核发环节。", "formatClass": 3, "formatType": "MySQL",
            "shareType": shareType, "shareMethod": "interface", "isOpen": isOpen, "updateCycle": "daily", "keywords": keywords,
            "items": items ?? [["name": "申请编号", "type": "C", "length": 32], ["name": "统一社会信用代码", "type": "C", "length": 18], ["name": "受理日期", "type": "D"]],
        ]
        if let condition { metadata["shareCondition"] = condition }
        if let basis { metadata["shareBasis"] = basis }
        return metadata
    }

    func post(_ browser: Browser, _ path: String, _ body: [String: Any], method: HTTPMethod = .POST) async throws -> TestingHTTPResponse {
        let data = try JSONSerialization.data(withJSONObject: body)
        return try await browser.request(method, path, headers: ["Accept": "application/json"], body: ByteBuffer(data: data), contentType: .json)
    }

    /// Creates a draft as the approval bureau's staff and returns its id.
    func draft(classCode: String = "201", _ metadata: [String: Any] = CatalogWorld.metadata()) async throws -> String {
        let response = try await post(staff, "/api/catalog/entries", ["classCode": classCode, "metadata": metadata])
        #expect(response.status == .created, "\(response.text)")
        return try #require(response.jsonObject["id"] as? String)
    }

    /// Takes a draft all the way to publication.
    func publish(_ id: String) async throws {
        #expect(try await post(staff, "/api/catalog/entries/\(id)/submit", [:]).status == .ok)
        #expect(try await post(departmentAdmin, "/api/catalog/entries/\(id)/department-review", ["decision": "approve"]).status == .ok)
        let published = try await post(platformAdmin, "/api/catalog/entries/\(id)/platform-review", ["decision": "approve"])
        #expect(published.status == .ok, "\(published.text)")
    }
}

@Suite("Catalog: lifecycle, search, lists, mounts, interfaces")
struct CatalogTests {
    @Test func anEntryGoesFromDraftThroughBothReviewsToPublishedWithVersions() async throws {
        try await withHarness(demo: true) { h in
            let world = try await CatalogWorld.make(h)
            // given a draft with a generated resource code
            let id = try await world.draft()
            let created = try await world.staff.api("/api/catalog/entries/\(id)")
            let code = try #require(created.jsonObject["code"] as? String)
            #expect(code.hasPrefix("201/"))
            #expect(created.jsonObject["status"] as? String == "draft")
            // not visible to the public or in search yet
            #expect(try await h.browser().api("/api/catalog/entries/\(id)").status == .notFound)
            // when it goes through both reviews
            try await world.publish(id)
            // then it is published as version 1 and found by a Chinese partial word
            let search = try await world.staff.api("/api/catalog/entries?q=联办")
            #expect((search.jsonObject["items"] as? [[String: Any]])?.contains { $0["code"] as? String == code } == true)
            // a change makes a new version only after review, and readers keep seeing version 1 meanwhile
            var changed = CatalogWorld.metadata()
            changed["abstract"] = "新的摘要。"
            changed["items"] = [["name": "申请编号", "type": "C", "length": 40], ["name": "统一社会信用代码", "type": "C", "length": 18], ["name": "办结日期", "type": "D"]]
            #expect(try await world.post(world.staff, "/api/catalog/entries/\(id)", ["metadata": changed], method: .PUT).status == .ok)
            let meanwhile = try await h.browser().api("/api/catalog/entries?q=联办")
            #expect(meanwhile.status == .ok)
            let insider = try await world.staff.api("/api/catalog/entries/\(id)")
            #expect((insider.jsonObject["published"] as? [String: Any])?["abstract"] as? String != "新的摘要。")
            try await world.publish(id)
            let after = try await world.staff.api("/api/catalog/entries/\(id)")
            let versions = try #require(after.jsonObject["versions"] as? [[String: Any]])
            #expect(versions.count == 2)
            let changes = try #require(versions.first?["changes"] as? [[String: String]])
            #expect(changes.contains { $0["field"] == "摘要" && $0["after"] == "新的摘要。" })
            #expect(changes.contains { $0["field"] == "数据项" && $0["after"]?.contains("办结日期") == true })
            #expect(changes.contains { $0["field"] == "数据项" && $0["before"]?.contains("受理日期") == true && $0["after"] == "" })
            // every step is in the audit log
            let steps = try await AuditRecord.query(on: h.db).filter(\.$target == "catalog-entry:\(code)").all().map(\.action)
            #expect(steps.contains("catalog.entry.submit") && steps.contains("catalog.entry.department.approve") && steps.contains("catalog.entry.platform.approve"))
            // withdrawal takes it out of the catalog and keeps its history
            #expect(try await world.post(world.departmentAdmin, "/api/catalog/entries/\(id)/withdraw", [:]).status == .unprocessableEntity)
            #expect(try await world.post(world.departmentAdmin, "/api/catalog/entries/\(id)/withdraw", ["reason": "系统下线"]).status == .ok)
            let gone = try await world.staff.api("/api/catalog/entries?q=联办")
            #expect((gone.jsonObject["items"] as? [[String: Any]])?.contains { $0["code"] as? String == code } == false)
            #expect((try await world.staff.api("/api/catalog/entries/\(id)").jsonObject["versions"] as? [Any])?.count == 2)
        }
    }

    @Test func returnsRejectionsAndMakerCheckerAreEnforced() async throws {
        try await withHarness(demo: true) { h in
            let world = try await CatalogWorld.make(h)
            let id = try await world.draft()
            // the department admin submits their own draft and may not approve it
            #expect(try await world.post(world.departmentAdmin, "/api/catalog/entries/\(id)/submit", [:]).status == .ok)
            let selfApproval = try await world.post(world.departmentAdmin, "/api/catalog/entries/\(id)/department-review", ["decision": "approve"])
            #expect(selfApproval.status == .forbidden)
            #expect(selfApproval.problemType == Problem.typeURI("catalog-reviewer-is-maker"))
            // a return needs a reason and sends the draft back to the maker
            let platform = world.platformAdmin
            #expect(try await world.post(platform, "/api/catalog/entries/\(id)/department-review", ["decision": "return"]).status == .unprocessableEntity)
            let returned = try await world.post(platform, "/api/catalog/entries/\(id)/department-review", ["decision": "return", "reason": "摘要不完整"])
            #expect(returned.jsonObject["status"] as? String == "returned")
            // the platform cannot review what is not at platform review
            let early = try await world.post(platform, "/api/catalog/entries/\(id)/platform-review", ["decision": "approve"])
            #expect(early.status == .conflict)
            // a rejected entry is final and its code is not given to anyone else
            #expect(try await world.post(world.staff, "/api/catalog/entries/\(id)/submit", [:]).status == .ok)
            #expect(try await world.post(platform, "/api/catalog/entries/\(id)/department-review", ["decision": "reject", "reason": "重复编目"]).jsonObject["status"] as? String == "rejected")
            let rejectedCode = try #require(try await world.staff.api("/api/catalog/entries/\(id)").jsonObject["code"] as? String)
            let next = try await world.draft(CatalogWorld.metadata(name: "另一条目录"))
            let nextCode = try #require(try await world.staff.api("/api/catalog/entries/\(next)").jsonObject["code"] as? String)
            #expect(nextCode != rejectedCode)
            #expect(nextCode > rejectedCode)
        }
    }

    @Test func whoeverEditedAnEntryMayNotReviewIt() async throws {
        try await withHarness(demo: true) { h in
            let world = try await CatalogWorld.make(h)
            // the department admin writes the draft, staff submit it: the admin still may not approve it
            let created = try await world.post(world.departmentAdmin, "/api/catalog/entries", ["classCode": "201", "metadata": CatalogWorld.metadata(name: "管理员编写的目录")])
            let id = try #require(created.jsonObject["id"] as? String)
            #expect(try await world.post(world.staff, "/api/catalog/entries/\(id)/submit", [:]).status == .ok)
            let own = try await world.post(world.departmentAdmin, "/api/catalog/entries/\(id)/department-review", ["decision": "approve"])
            #expect(own.problemType == Problem.typeURI("catalog-reviewer-is-maker"))
            // the city authority may approve in the department's place, but then not publish it too
            #expect(try await world.post(world.platformAdmin, "/api/catalog/entries/\(id)/department-review", ["decision": "approve"]).status == .ok)
            let twice = try await world.post(world.platformAdmin, "/api/catalog/entries/\(id)/platform-review", ["decision": "approve"])
            #expect(twice.problemType == Problem.typeURI("catalog-reviewer-is-maker"))
        }
    }

    @Test func oneDepartmentCannotTouchAnothersEntries() async throws {
        try await withHarness(demo: true) { h in
            let world = try await CatalogWorld.make(h)
            let id = try await world.draft()
            let police = try #require(try await Department.query(on: h.db).filter(\.$name == "邵阳市公安局").first())
            let (account, _) = try await h.createStaff(login: "police.staff", roles: [.departmentStaff])
            account.$department.id = police.id
            try await account.save(on: h.db)
            let officer = h.browser()
            try await officer.signIn("police.staff", "staff-pass-2026")
            let edit = try await world.post(officer, "/api/catalog/entries/\(id)", ["metadata": CatalogWorld.metadata()], method: .PUT)
            #expect(edit.status == .forbidden)
            #expect(try await world.post(officer, "/api/catalog/entries/\(id)/submit", [:]).status == .forbidden)
            let citizen = h.browser()
            try await citizen.signIn("13800000001", "yiwang-citizen-2026")
            #expect(try await world.post(citizen, "/api/catalog/entries", ["classCode": "201", "metadata": CatalogWorld.metadata()]).status == .forbidden)
        }
    }

    @Test func missingMetadataIsReportedFieldByFieldAndNothingIsSaved() async throws {
        try await withHarness(demo: true) { h in
            let world = try await CatalogWorld.make(h)
            let before = try await h.count(CatalogEntry.self)
            let conditional = try await world.post(world.staff, "/api/catalog/entries", ["classCode": "201", "metadata": CatalogWorld.metadata(shareType: 2)])
            #expect(conditional.status == .unprocessableEntity)
            #expect((conditional.jsonObject["errors"] as? [[String: String]])?.contains { $0["field"] == "shareCondition" } == true)
            let notShared = try await world.post(world.staff, "/api/catalog/entries", ["classCode": "201", "metadata": CatalogWorld.metadata(shareType: 3)])
            #expect((notShared.jsonObject["errors"] as? [[String: String]])?.contains { $0["field"] == "shareBasis" } == true)
            let badType = try await world.post(world.staff, "/api/catalog/entries", ["classCode": "201", "metadata": CatalogWorld.metadata(items: [["name": "金额", "type": "X"]])])
            #expect((badType.jsonObject["errors"] as? [[String: String]])?.contains { $0["code"] == "unknown-type" } == true)
            let empty = try await world.post(world.staff, "/api/catalog/entries", ["classCode": "201", "metadata": [String: Any]()])
            let fields = Set((empty.jsonObject["errors"] as? [[String: String]] ?? []).compactMap { $0["field"] })
            #expect(fields.isSuperset(of: ["name", "abstract", "formatClass", "items", "updateCycle"]))
            let unknownClass = try await world.post(world.staff, "/api/catalog/entries", ["classCode": "999", "metadata": CatalogWorld.metadata()])
            #expect(unknownClass.problemType == Problem.typeURI("catalog-unknown-class"))
            _ = try await world.draft()
            let duplicate = try await world.post(world.staff, "/api/catalog/entries", ["classCode": "201", "metadata": CatalogWorld.metadata()])
            #expect(duplicate.status == .conflict)
            #expect(try await h.count(CatalogEntry.self) == before + 1)
        }
    }

    @Test func chineseSearchFindsPartialWordsWithFacetsAndRespectsVisibility() async throws {
        try await withHarness(demo: true) { h in
            let world = try await CatalogWorld.make(h)
            // given entries that mention 营业执照 and 不动产, one conditional, one open
            let open = try await world.draft(CatalogWorld.metadata(name: "营业执照核发信息", isOpen: true, keywords: ["营业执照"]))
            let conditional = try await world.draft(CatalogWorld.metadata(name: "不动产抵押登记信息", shareType: 2, condition: "仅限办理抵押相关事项", keywords: ["不动产"]))
            try await world.publish(open)
            try await world.publish(conditional)
            // when staff search for partial words
            for (term, id) in [("营业执照", open), ("执照核发", open), ("执照", open), ("不动产", conditional), ("抵押", conditional), ("抵押 不动产", conditional)] {
                let result = try await world.staff.api("/api/catalog/entries?q=\(term.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!)&per_page=100")
                let ids = (result.jsonObject["items"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? String)?.lowercased() }
                #expect(ids.contains(id.lowercased()), "\(term) did not find \(id)")
                let facets = result.jsonObject["facets"] as? [String: [[String: Any]]] ?? [:]
                #expect(facets["share_type"]?.isEmpty == false)
                #expect(facets["provider_id"]?.isEmpty == false)
            }
            // a facet filter narrows the result
            let onlyConditional = try await world.staff.api("/api/catalog/entries?q=%E4%B8%8D%E5%8A%A8%E4%BA%A7&share_type=2&per_page=100")
            #expect((onlyConditional.jsonObject["items"] as? [[String: Any]] ?? []).allSatisfy { $0["shareType"] as? Int == 2 })
            // the public sees the open entry but not the conditional one
            let publicOpen = try await h.browser().api("/api/catalog/entries?q=%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7&per_page=100")
            #expect((publicOpen.jsonObject["items"] as? [[String: Any]] ?? []).contains { ($0["id"] as? String)?.lowercased() == open.lowercased() })
            let publicConditional = try await h.browser().api("/api/catalog/entries?q=%E6%8A%B5%E6%8A%BC&per_page=100")
            #expect(!(publicConditional.jsonObject["items"] as? [[String: Any]] ?? []).contains { ($0["id"] as? String)?.lowercased() == conditional.lowercased() })
            #expect(try await h.browser().api("/api/catalog/entries/\(conditional)").status == .notFound)
            // bad parameters are problems
            #expect(try await h.browser().api("/api/catalog/entries?per_page=5000").status == .unprocessableEntity)
            #expect(try await h.browser().api("/api/catalog/entries?share_type=9").status == .unprocessableEntity)
        }
    }

    @Test func systemsAreRegisteredByRequestAndGetClientCredentials() async throws {
        try await withHarness(demo: true) { h in
            let world = try await CatalogWorld.make(h)
            let bad = try await world.post(world.staff, "/api/catalog/systems", ["name": "", "deployment": "cloud9"])
            #expect(bad.status == .unprocessableEntity)
            let registered = try await world.post(world.staff, "/api/catalog/systems", ["name": "一件事一次办业务系统", "purpose": "一件事联办", "deployment": "gov_cloud", "network": "extranet", "contactName": "张工", "contactPhone": "13900001111"])
            #expect(registered.status == .created)
            #expect(registered.jsonObject["status"] as? String == "pending")
            let pending = try await world.platformAdmin.api("/api/catalog/system-requests")
            let request = try #require((pending.jsonObject as [String: Any]).isEmpty ? (try JSONSerialization.jsonObject(with: Data(pending.text.utf8)) as? [[String: Any]])?.first : nil)
            let requestID = try #require(request["id"] as? String)
            #expect(try await world.post(world.staff, "/api/catalog/system-requests/\(requestID)/decision", ["approve": true]).status == .forbidden)
            let decided = try await world.post(world.platformAdmin, "/api/catalog/system-requests/\(requestID)/decision", ["approve": true])
            #expect(decided.status == .ok)
            let secret = try #require(decided.jsonObject["clientSecret"] as? String)
            let systemID = try #require(registered.jsonObject["id"] as? String)
            let clientID = try #require(try await InformationSystem.find(UUID(uuidString: systemID), on: h.db)?.clientID)
            // the system can now read the catalog with client credentials
            var headers: HTTPHeaders = ["Content-Type": "application/x-www-form-urlencoded"]
            headers.basicAuthorization = BasicAuthorization(username: clientID, password: secret)
            let token = try await h.app.testing().sendRequest(.POST, "/oidc/token", headers: headers, body: ByteBuffer(string: "grant_type=client_credentials&scope=catalog.read"))
            #expect(token.status == .ok)
            // a rename is another request
            let rename = try await world.post(world.staff, "/api/catalog/systems/\(systemID)/requests", ["kind": "rename", "newName": "一件事一次办平台"])
            #expect(rename.status == .created)
        }
    }

    @Test func mountsAreCheckedProbedAndCountTowardTheMountRate() async throws {
        let prober = RecordingProber(live: ["https://approval.example.gov.cn/api/v1"])
        try await withHarness(demo: true, prober: prober) { h in
            let world = try await CatalogWorld.make(h)
            let id = try await world.draft(CatalogWorld.metadata(name: "挂接测试资源"))
            try await world.publish(id)
            // unsafe targets are refused before anything is probed
            for target in ["ftp://files.example/x", "http://169.254.169.254/latest/meta-data", "http://127.0.0.1:5432/", "http://localhost/", "http://yiwang.test/api", "https://yiwang.test./x", "http://[::1]/", "http://metadata.google.internal/", "http://100.100.100.200/latest", "http://[::ffff:169.254.169.254]/"] {
                let refused = try await world.post(world.staff, "/api/catalog/entries/\(id)/mounts", ["kind": "api", "target": target])
                #expect(refused.status == .unprocessableEntity, "\(target) was accepted")
            }
            #expect(prober.asked.isEmpty)
            // a live API mount makes the entry mounted
            let mounted = try await world.post(world.staff, "/api/catalog/entries/\(id)/mounts", ["kind": "api", "target": "https://approval.example.gov.cn/api/v1"])
            #expect(mounted.status == .created)
            let mounts = try #require(mounted.jsonObject["mounts"] as? [[String: Any]])
            #expect(mounts.first?["isLive"] as? Bool == true)
            let published = try #require(try await PublishedEntry.find(UUID(uuidString: id), on: h.db))
            #expect(published.hasLiveMount)
            // and the rate counts it for the department, its county and the city
            let stats = try await world.platformAdmin.api("/api/catalog/statistics")
            let departments = stats.jsonObject["byDepartment"] as? [[String: Any]] ?? []
            let approval = try #require(departments.first { $0["label"] as? String == "邵阳市行政审批服务局" })
            #expect((approval["mounted"] as? Int ?? 0) >= 1)
            #expect(stats.jsonObject["byDivision"] != nil)
            // when the system goes down, the next probe says so
            prober.setLive("https://approval.example.gov.cn/api/v1", false)
            h.clock.advance(by: 16 * 60)
            let service = MountService(database: h.db, platform: h.app.platform, policy: MountURLPolicy(platformURL: "http://yiwang.test"))
            #expect(try await service.probeDue(interval: 15 * 60, prober: prober, limit: 5000) >= 1)
            let after = try #require(try await PublishedEntry.find(UUID(uuidString: id), on: h.db))
            #expect(!after.hasLiveMount)
            // the platform's own tables are never mountable
            #expect(try await world.post(world.staff, "/api/catalog/entries/\(id)/mounts", ["kind": "table", "target": "accounts"]).status == .unprocessableEntity)
        }
    }

    @Test func onlyTheOwningDepartmentMountsAHostedTable() async throws {
        try await withHarness(demo: true) { h in
            let world = try await CatalogWorld.make(h)
            let id = try await world.draft(CatalogWorld.metadata(name: "归集表挂接测试资源"))
            try await world.publish(id)
            let entry = try #require(try await CatalogEntry.find(UUID(uuidString: id), on: h.db))
            // the city authority registers a hosted table for the approval bureau; nobody else may
            let registration: [String: Any] = ["name": "hosted_xzsp_licences", "departmentID": entry.providerID.uuidString, "description": "审批证照归集"]
            #expect(try await world.post(world.staff, "/api/catalog/hosted-tables", registration).status == .forbidden)
            #expect(try await world.post(world.platformAdmin, "/api/catalog/hosted-tables", registration).status == .created)
            #expect(try await world.post(world.platformAdmin, "/api/catalog/hosted-tables", registration).status == .conflict)
            #expect(try await world.post(world.platformAdmin, "/api/catalog/hosted-tables", ["name": "accounts", "departmentID": entry.providerID.uuidString]).status == .unprocessableEntity)
            #expect(try await world.post(world.platformAdmin, "/api/catalog/hosted-tables", ["name": "hosted_nobody", "departmentID": UUID().uuidString]).status == .unprocessableEntity)
            // staff see their own department's hosted tables only
            let listed = try await world.staff.api("/api/catalog/hosted-tables")
            let names = ((try? JSONSerialization.jsonObject(with: Data(listed.text.utf8))) as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(names.contains("hosted_xzsp_licences"))
            let others = try await HostedTable.query(on: h.db).filter(\.$departmentID != entry.providerID).all()
            let foreign = try #require(others.first?.name)
            #expect(!names.contains(foreign))
            // the entry page offers the department's hosted tables for table mounts
            #expect(try await world.staff.get("/catalog/entries/\(id)").text.contains("<option value=\"hosted_xzsp_licences\">"))
            // its own table mounts (not live until aggregation creates it); another department's, or an unregistered one, is refused
            let mounted = try await world.post(world.staff, "/api/catalog/entries/\(id)/mounts", ["kind": "table", "target": "hosted_xzsp_licences"])
            #expect(mounted.status == .created)
            #expect(((mounted.jsonObject["mounts"] as? [[String: Any]]) ?? []).contains { $0["target"] as? String == "hosted_xzsp_licences" && $0["isLive"] as? Bool == false })
            let stolen = try await world.post(world.staff, "/api/catalog/entries/\(id)/mounts", ["kind": "table", "target": foreign])
            #expect(stolen.status == .unprocessableEntity)
            #expect(stolen.text.contains("not-your-table"))
            let unknown = try await world.post(world.staff, "/api/catalog/entries/\(id)/mounts", ["kind": "table", "target": "hosted_no_such_table"])
            #expect(unknown.text.contains("unregistered-table"))
            // not even the city authority mounts a table on an entry of another department
            #expect(try await world.post(world.platformAdmin, "/api/catalog/entries/\(id)/mounts", ["kind": "table", "target": foreign]).status == .unprocessableEntity)
            // the dashboard registers hosted tables too, and lists them
            let department = entry.providerID.uuidString.lowercased()
            let viaPage = try await world.platformAdmin.submit("/console/catalog/dashboard/hosted-tables", fields: ["name": "hosted_xzsp_archive", "department_id": department, "description": "审批档案归集"])
            #expect(viaPage.status == .ok)
            #expect(viaPage.text.contains("已登记归集表：hosted_xzsp_archive") && viaPage.text.contains("审批档案归集"))
            let badName = try await world.platformAdmin.submit("/console/catalog/dashboard/hosted-tables", fields: ["name": "accounts", "department_id": department])
            #expect(badName.status == .unprocessableEntity)
            #expect(badName.text.contains("归集表名称应以 hosted_ 开头"))
            #expect(try await world.platformAdmin.submit("/console/catalog/dashboard/hosted-tables", fields: ["name": "hosted_y"]).status == .unprocessableEntity)
            #expect(try await world.staff.submit("/console/catalog/dashboard/hosted-tables", fields: ["name": "hosted_z", "department_id": department]).status == .forbidden)
            // a registered table that exists probes live
            let own = try #require(try await HostedTable.query(on: h.db).filter(\.$departmentID == entry.providerID).filter(\.$name != "hosted_xzsp_licences").first())
            let live = try await world.post(world.staff, "/api/catalog/entries/\(id)/mounts", ["kind": "table", "target": own.name])
            #expect(((live.jsonObject["mounts"] as? [[String: Any]]) ?? []).contains { $0["target"] as? String == own.name && $0["isLive"] as? Bool == true })
            // a line break is not part of a table name: trimmed at registration, refused in a mount
            #expect(!MountService.isHostedTableName("hosted_x\n"))
            #expect(try await world.post(world.platformAdmin, "/api/catalog/hosted-tables", ["name": "hosted_x\n", "departmentID": entry.providerID.uuidString]).status == .created)
            #expect(try await HostedTable.query(on: h.db).filter(\.$name == "hosted_x").count() == 1)
            #expect(try await world.post(world.platformAdmin, "/api/catalog/hosted-tables", ["name": "hosted_x\nDROP", "departmentID": entry.providerID.uuidString]).status == .unprocessableEntity)
            #expect(try await world.post(world.staff, "/api/catalog/entries/\(id)/mounts", ["kind": "table", "target": "hosted_x\n"]).status == .unprocessableEntity)
        }
    }

    @Test func demandsAreMatchedOrAssignedAndOverdueOnesAreVisible() async throws {
        try await withHarness(demo: true) { h in
            let world = try await CatalogWorld.make(h)
            let id = try await world.draft(CatalogWorld.metadata(name: "企业开办联办信息"))
            try await world.publish(id)
            let matched = try await world.post(world.staff, "/api/catalog/demands", ["title": "企业开办联办", "purpose": "一件事", "scenario": "窗口受理", "legalBasis": "《优化营商环境条例》"])
            #expect(matched.jsonObject["status"] as? String == "matched")
            let unmatched = try await world.post(world.staff, "/api/catalog/demands", ["title": "无人编目的罕见数据甲乙丙", "purpose": "试点", "scenario": "测试", "legalBasis": "试点方案", "deadline": Day(h.clock.now()).adding(days: 3).description])
            #expect(unmatched.jsonObject["status"] as? String == "open")
            let missing = try await world.post(world.staff, "/api/catalog/demands", ["title": "x"])
            #expect(missing.status == .unprocessableEntity)
            h.clock.advance(by: 5 * 86_400)
            let authority = h.browser()
            try await authority.signIn("admin", "yiwang-admin-2026", totp: h.currentTOTP(DemoCity.demoTOTPSecret))
            let overdue = try await authority.api("/api/catalog/demands?overdue=true")
            #expect(overdue.text.contains("无人编目的罕见数据甲乙丙"))
            let demandID = try #require(unmatched.jsonObject["id"] as? String)
            let police = try #require(try await Department.query(on: h.db).filter(\.$name == "邵阳市公安局").first())
            let assigned = try await world.post(authority, "/api/catalog/demands/\(demandID)/assignment", ["departmentID": police.id!.uuidString])
            #expect(assigned.jsonObject["status"] as? String == "assigned")
        }
    }

    @Test func spreadsheetImportValidatesEveryRow() async throws {
        try await withHarness(demo: true) { h in
            let world = try await CatalogWorld.make(h)
            let good = ["201", "导入的资源甲", "摘要甲", "3", "MySQL", "无条件共享", "", "", "接口", "否", "每日", "营业执照", "", "名称:C:50；日期:D"]
            let conditionalWithoutCondition = ["201", "导入的资源乙", "摘要乙", "3", "MySQL", "有条件共享", "", "", "接口", "否", "每日", "", "", "名称:C:50"]
            let badItem = ["201", "导入的资源丙", "摘要丙", "3", "MySQL", "无条件共享", "", "", "接口", "否", "每周", "", "", "名称:Q:50"]
            let csv = CSVWriter.write([CatalogTemplate.columns, good, conditionalWithoutCondition, badItem])
            func upload(_ data: Data, mode: String) async throws -> TestingHTTPResponse {
                try await world.staff.request(.POST, "/api/catalog/imports?mode=\(mode)", headers: ["Accept": "application/json"], body: ByteBuffer(data: data), contentType: HTTPMediaType(type: "text", subType: "csv"))
            }
            let before = try await h.count(CatalogEntry.self)
            // all or nothing: nothing saved, every bad row reported with its reason
            let strict = try await upload(csv, mode: "all_or_nothing")
            #expect(strict.status == .unprocessableEntity)
            let rejected = strict.jsonObject["rejected"] as? [[String: Any]] ?? []
            #expect(rejected.map { $0["row"] as? Int } == [3, 4])
            #expect((rejected.first?["errors"] as? [String])?.contains { $0.contains("共享条件") } == true)
            #expect(try await h.count(CatalogEntry.self) == before)
            // keep valid: the good row becomes a draft
            let lenient = try await upload(csv, mode: "keep_valid")
            #expect((lenient.jsonObject["created"] as? [String])?.count == 1)
            #expect(try await h.count(CatalogEntry.self) == before + 1)
            // not a spreadsheet, and a file without the template's columns
            let junk = try await upload(Data([0x00, 0x01, 0x02, 0x50, 0x4B]), mode: "keep_valid")
            #expect(junk.status == .unprocessableEntity)
            let wrongColumns = try await upload(CSVWriter.write([["a", "b"], ["1", "2"]]), mode: "keep_valid")
            #expect(wrongColumns.text.contains("缺少列"))
            // a file over the 10 MB limit is refused before it is read (limits apply to bodies from the network)
            let port = Int.random(in: 20_000...40_000)
            var headers: HTTPHeaders = ["Accept": "application/json", "Content-Type": "text/csv"]
            headers.replaceOrAdd(name: .cookie, value: world.staff.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
            headers.replaceOrAdd(name: "X-CSRF-Token", value: try #require(world.staff.cookie("yiwang_csrf")))
            let huge = try await h.app.testing(method: .running(hostname: "127.0.0.1", port: port)).sendRequest(
                .POST, "/api/catalog/imports", headers: headers, body: ByteBuffer(repeating: UInt8(ascii: "a"), count: 11 * 1024 * 1024))
            #expect(huge.status == .payloadTooLarge)
            #expect(try await h.count(CatalogEntry.self) == before + 1)
        }
    }

    @Test func excelTemplatesImportToo() async throws {
        try await withHarness(demo: true) { h in
            let world = try await CatalogWorld.make(h)
            let url = try #require(Bundle.module.url(forResource: "catalog-import", withExtension: "xlsx", subdirectory: "Fixtures"))
            let data = try Data(contentsOf: url)
            let response = try await world.staff.request(.POST, "/api/catalog/imports?mode=keep_valid", headers: ["Accept": "application/json"], body: ByteBuffer(data: data), contentType: HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
            #expect((response.jsonObject["created"] as? [String])?.count == 1)
            let rejected = try #require((response.jsonObject["rejected"] as? [[String: Any]])?.first)
            #expect(rejected["row"] as? Int == 3)
            #expect((rejected["errors"] as? [String])?.contains { $0.contains("依据") } == true)
            let imported = try await CatalogEntry.query(on: h.db).filter(\.$createdBy == "account:" + (try #require(try await Account.query(on: h.db).filter(\.$login == "xzsp.staff").first()?.id)).uuidString.lowercased()).all()
            let metadata = try imported.map { try CatalogService.decodeMetadata($0) }
            #expect(metadata.contains { $0.name == "表格导入的不动产资源" && $0.shareCondition == "仅限不动产登记业务" && $0.items.count == 3 })
        }
    }

    @Test func namesThatHoldTheWordRankFirst() async throws {
        try await withHarness(demo: true) { h in
            let world = try await CatalogWorld.make(h)
            var mentionOnly = CatalogWorld.metadata(name: "窗口排队叫号记录", keywords: ["排队"])
            mentionOnly["abstract"] = "窗口叫号数据，偶尔涉及社会保障卡办理。"
            let mention = try await world.draft(mentionOnly)
            let named = try await world.draft(CatalogWorld.metadata(name: "社会保障卡申领记录", keywords: ["社保卡"]))
            try await world.publish(mention)
            try await world.publish(named)
            let result = try await world.staff.api("/api/catalog/entries?q=%E7%A4%BE%E4%BC%9A%E4%BF%9D%E9%9A%9C%E5%8D%A1&per_page=100")
            let ids = (result.jsonObject["items"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? String)?.lowercased() }
            let namedIndex = try #require(ids.firstIndex(of: named.lowercased()))
            let mentionIndex = try #require(ids.firstIndex(of: mention.lowercased()))
            #expect(namedIndex < mentionIndex)
        }
    }

    @Test func lettersMatchWhateverTheirCaseAndFacetsAddUpToTheTotal() async throws {
        try await withHarness(demo: true) { h in
            let world = try await CatalogWorld.make(h)
            var mentionOnly = CatalogWorld.metadata(name: "城市部件普查记录", keywords: ["部件"])
            mentionOnly["abstract"] = "城市部件的普查数据，坐标取自GIS底图。"
            let mention = try await world.draft(mentionOnly)
            let named = try await world.draft(CatalogWorld.metadata(name: "GIS空间地理底图", keywords: ["CIM"]))
            try await world.publish(mention)
            try await world.publish(named)
            // lower, upper and mixed case find the same entries; the one named so ranks first
            for term in ["gis", "GIS", "Gis空间", "cim"] {
                let result = try await world.staff.api("/api/catalog/entries?q=\(term.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&per_page=100")
                let ids = (result.jsonObject["items"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? String)?.lowercased() }
                #expect(ids.first == named.lowercased(), "\(term): \(ids)")
                if term.lowercased() == "gis" { #expect(ids.contains(mention.lowercased()), "\(term) missed the abstract") }
            }
            // every facet's counts add up to the total, for the whole catalog and for a text query
            for path in ["/api/catalog/entries?per_page=1", "/api/catalog/entries?q=gis&per_page=1"] {
                let result = try await world.staff.api(path)
                let total = try #require(result.jsonObject["total"] as? Int)
                #expect(total > 0)
                let facets = result.jsonObject["facets"] as? [String: [[String: Any]]] ?? [:]
                #expect(facets.count == CatalogQuery.Facet.allCases.count)
                for (facet, counts) in facets {
                    #expect(counts.reduce(0) { $0 + ($1["count"] as? Int ?? 0) } == total, "\(facet) on \(path)")
                }
            }
        }
    }

    @Test func theNegativeListIsReviewedPeriodically() async throws {
        try await withHarness(demo: true) { h in
            let world = try await CatalogWorld.make(h)
            let id = try await world.draft(CatalogWorld.metadata(name: "涉密人员名册", shareType: 3, basis: "《中华人民共和国保守国家秘密法》"))
            try await world.publish(id)
            let list = try await world.platformAdmin.api("/api/catalog/lists/negative")
            #expect(list.text.contains("涉密人员名册") && list.text.contains("保守国家秘密法"))
            h.clock.advance(by: 366 * 86_400)
            let authority = h.browser()
            try await authority.signIn("admin", "yiwang-admin-2026", totp: h.currentTOTP(DemoCity.demoTOTPSecret))
            let due = try await authority.api("/api/catalog/lists/negative?due=true")
            #expect(due.text.contains("涉密人员名册"))
            #expect(try await world.post(authority, "/api/catalog/lists/negative/\(id)/review", ["confirm": true]).status == .ok)
            let after = try await authority.api("/api/catalog/lists/negative?due=true")
            #expect(!after.text.contains("涉密人员名册"))
            let returned = try await world.post(authority, "/api/catalog/lists/negative/\(id)/review", ["confirm": false, "reason": "依据已废止，应改为有条件共享"])
            #expect(returned.jsonObject["status"] as? String == "returned")
        }
    }

    @Test func theHostedTableRegistryIsFilledFromExistingMounts() async throws {
        try await withHarness(demo: true) { h in
            // a database from before the registry: table mounts, no registry
            let mounted = try await Mount.query(on: h.db).filter(\.$kind == .table).with(\.$entry).all()
            #expect(!mounted.isEmpty)
            try await CreateHostedTables().revert(on: h.db)
            try await CreateHostedTables().prepare(on: h.db)
            let registered = Dictionary(uniqueKeysWithValues: try await HostedTable.query(on: h.db).all().map { ($0.name, $0.departmentID) })
            for mount in mounted {
                #expect(registered[mount.target] == mount.entry.providerID, "\(mount.target)")
            }
        }
    }

    @Test func systemChangesAndNegativeReviewsWorkFromThePages() async throws {
        try await withHarness(demo: true) { h in
            let world = try await CatalogWorld.make(h)
            // a department asks, on its workspace, to rename one of its active systems
            let staffDepartment = try #require(try await CatalogEntry.find(UUID(uuidString: try await world.draft()), on: h.db)?.providerID)
            let system = try #require(try await InformationSystem.query(on: h.db).filter(\.$departmentID == staffDepartment).filter(\.$status == .active).first())
            let workspace = try await world.staff.get("/console/catalog")
            #expect(workspace.text.contains("/console/catalog/systems/\(system.id!.uuidString.lowercased())/requests"))
            #expect(workspace.text.contains("<td>在用</td>"))
            let bad = try await world.staff.submit("/console/catalog/systems/\(system.id!.uuidString.lowercased())/requests", fields: ["kind": "explode"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("请选择更名、停用或退役"))
            let noName = try await world.staff.submit("/console/catalog/systems/\(system.id!.uuidString.lowercased())/requests", fields: ["kind": "rename", "new_name": ""])
            #expect(noName.status == .unprocessableEntity)
            let asked = try await world.staff.submit("/console/catalog/systems/\(system.id!.uuidString.lowercased())/requests", fields: ["kind": "rename", "new_name": "审批服务综合平台"])
            #expect(asked.status == .ok)
            #expect(asked.text.contains("申请已提交"))
            // one request at a time per system
            let again = try await world.staff.submit("/console/catalog/systems/\(system.id!.uuidString.lowercased())/requests", fields: ["kind": "disable"])
            #expect(again.status == .conflict)
            #expect(again.text.contains("已有一项申请等待城市管理员审批"))
            // and the database holds to it even when two submissions pass the check together
            let duplicate = SystemRequest()
            duplicate.$system.id = system.id!
            duplicate.kind = .retire
            duplicate.status = .pending
            duplicate.requestedBy = "test"
            duplicate.createdAt = Date()
            await #expect(throws: (any Error).self) { try await duplicate.create(on: h.db) }
            // auditors see the dashboard but no decision forms
            let auditor = h.browser()
            try await auditor.signIn("auditor", "yiwang-audit-2026")
            let audited = try await auditor.get("/console/catalog/dashboard")
            #expect(audited.status == .ok)
            #expect(audited.text.contains("审批服务综合平台") && !audited.text.contains("/console/catalog/dashboard/system-requests/"))
            #expect(!audited.text.contains("action=\"/console/catalog/dashboard/negative/"))
            // the city authority approves it on the dashboard
            let request = try #require(try await SystemRequest.query(on: h.db).filter(\.$system.$id == system.id!).filter(\.$status == .pending).first())
            let dashboard = try await world.platformAdmin.get("/console/catalog/dashboard")
            #expect(dashboard.text.contains("更名为 审批服务综合平台"))
            #expect(try await world.platformAdmin.submit("/console/catalog/dashboard/system-requests/\(request.id!.uuidString.lowercased())", fields: ["decision": "approve"]).status == .ok)
            #expect(try await InformationSystem.find(system.id, on: h.db)?.name == "审批服务综合平台")
            // once disabled, a system can be renamed or retired but not disabled again
            #expect(try await world.staff.submit("/console/catalog/systems/\(system.id!.uuidString.lowercased())/requests", fields: ["kind": "disable"]).status == .ok)
            let disable = try #require(try await SystemRequest.query(on: h.db).filter(\.$system.$id == system.id!).filter(\.$status == .pending).first())
            #expect(try await world.platformAdmin.submit("/console/catalog/dashboard/system-requests/\(disable.id!.uuidString.lowercased())", fields: ["decision": "approve"]).status == .ok)
            let disabledPage = try await world.staff.get("/console/catalog")
            #expect(disabledPage.text.contains("<td>已停用</td>") && !disabledPage.text.contains("<option value=\"disable\">"))
            #expect(try await world.staff.submit("/console/catalog/systems/\(system.id!.uuidString.lowercased())/requests", fields: ["kind": "disable"]).status == .conflict)

            // a year on, the demo's negative list is due; the dashboard lists it with its basis
            h.clock.advance(by: 366 * 86_400)
            let authority = h.browser()
            try await authority.signIn("admin", "yiwang-admin-2026", totp: h.currentTOTP(DemoCity.demoTOTPSecret))
            let due = try await authority.get("/console/catalog/dashboard")
            #expect(due.status == .ok)
            let negative = try #require(try await PublishedEntry.query(on: h.db).filter(\.$shareType == 3).sort(\.$name).sort(\.$code).first())
            let negativeID = negative.id!.uuidString.lowercased()
            #expect(due.text.contains("action=\"/console/catalog/dashboard/negative/\(negativeID)\""))
            // returning without a reason is refused; confirming takes it off the due list
            let noReason = try await authority.submit("/console/catalog/dashboard/negative/\(negativeID)", fields: ["decision": "return", "reason": ""])
            #expect(noReason.status == .unprocessableEntity)
            #expect(noReason.text.contains("请填写理由"))
            let confirmed = try await authority.submit("/console/catalog/dashboard/negative/\(negativeID)", fields: ["decision": "confirm"])
            #expect(confirmed.status == .ok)
            // (the page's own links name the path it answered; the review form is what must be gone)
            #expect(!confirmed.text.contains("action=\"/console/catalog/dashboard/negative/\(negativeID)\""))
            // the API's due list agrees, and pages through all of it
            let apiDue = try await authority.api("/api/catalog/lists/negative?due=true&page=1")
            let dueItems = (try? JSONSerialization.jsonObject(with: Data(apiDue.text.utf8))) as? [[String: Any]] ?? []
            let dueCount = try await PublishedEntry.query(on: h.db).filter(\.$shareType == 3).count() - 1
            #expect(dueItems.count == min(100, dueCount))
            #expect(!dueItems.contains { ($0["id"] as? String)?.lowercased() == negativeID })
            let staff = h.browser()
            try await staff.signIn("xzsp.staff", "yiwang-staff-2026")
            #expect(try await staff.submit("/console/catalog/dashboard/negative/\(negativeID)", fields: ["decision": "confirm"]).status == .forbidden)
        }
    }

    @Test func theClassificationReachesTheFourthLevel() async throws {
        try await withHarness(demo: true) { h in
            let classes = try await h.browser().api("/api/catalog/classes")
            let nodes = (try? JSONSerialization.jsonObject(with: Data(classes.text.utf8))) as? [[String: Any]] ?? []
            let fourth = nodes.filter { $0["level"] as? Int == 4 }
            #expect(fourth.contains { $0["code"] as? String == "1050201" && $0["parent"] as? String == "10502" })
            // entries catalogued under a 细目 are found under its 目 and 项
            let leaf = try await PublishedEntry.query(on: h.db).filter(\.$classCode == "1030201").count()
            #expect(leaf > 0)
            let staff = h.browser()
            try await staff.signIn("xzsp.staff", "yiwang-staff-2026")
            for ancestor in ["10302", "103"] {
                let result = try await staff.api("/api/catalog/entries?class=\(ancestor)&per_page=1")
                let counts = result.jsonObject["facets"] as? [String: [[String: Any]]] ?? [:]
                #expect(counts["class_code"]?.contains { $0["value"] as? String == "1030201" && ($0["count"] as? Int ?? 0) == leaf } == true, "\(ancestor)")
            }
        }
    }

    @Test func exportsAndTheCKANInterfaceServeThePublishedCatalog() async throws {
        try await withHarness(demo: true) { h in
            let world = try await CatalogWorld.make(h)
            let open = try await world.draft(CatalogWorld.metadata(name: "营业执照公示信息", isOpen: true, keywords: ["营业执照"]))
            let conditional = try await world.draft(CatalogWorld.metadata(name: "营业执照内部核查信息", shareType: 2, condition: "仅限市场监管业务"))
            try await world.publish(open)
            try await world.publish(conditional)
            // CSV export in the template's columns, filtered for the viewer
            let csv = try await h.browser().api("/api/catalog/export.csv?q=%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7")
            #expect(csv.headers.contentType?.subType == "csv")
            let sheet = try SpreadsheetReader.readCSV(Data(buffer: csv.body))
            #expect(sheet.rows.first?.first == "资源分类代码")
            #expect(sheet.rows.contains { $0.contains("营业执照公示信息") })
            #expect(!sheet.rows.contains { $0.contains("营业执照内部核查信息") })
            // DCAT-AP JSON-LD
            let dcat = try await h.browser().api("/catalog.jsonld?per_page=1000")
            #expect(dcat.jsonObject["@type"] as? String == "dcat:Catalog")
            let datasets = dcat.jsonObject["dcat:dataset"] as? [[String: Any]] ?? []
            #expect(datasets.contains { ($0["dct:title"] as? [String: String])?["@value"] == "营业执照公示信息" })
            #expect(!datasets.contains { ($0["dct:title"] as? [String: String])?["@value"] == "营业执照内部核查信息" })
            let future = try await h.browser().api("/catalog.jsonld?modified_since=2099-01-01")
            #expect((future.jsonObject["dcat:dataset"] as? [Any])?.isEmpty == true)
            #expect(try await h.browser().api("/catalog.jsonld?modified_since=yesterday").status == .unprocessableEntity)
            // CKAN: search with q, fq and facets in CKAN's envelope
            let search = try await h.browser().api("/api/3/action/package_search?q=%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7&facet.field=%5B%22organization%22,%22share_type%22%5D&rows=50")
            #expect(search.jsonObject["success"] as? Bool == true)
            let result = try #require(search.jsonObject["result"] as? [String: Any])
            let names = (result["results"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String }
            #expect(names.contains("营业执照公示信息") && !names.contains("营业执照内部核查信息"))
            #expect((result["facets"] as? [String: Any])?["organization"] != nil)
            let package = try #require((result["results"] as? [[String: Any]])?.first { $0["title"] as? String == "营业执照公示信息" })
            let packageName = try #require(package["name"] as? String)
            #expect(packageName.range(of: "^[a-z0-9_-]+$", options: .regularExpression) != nil)
            let shown = try await h.browser().api("/api/3/action/package_show?id=\(packageName)")
            #expect((shown.jsonObject["result"] as? [String: Any])?["title"] as? String == "营业执照公示信息")
            // private packages are not found without a token that may see them
            let conditionalName = "r-" + (try #require(try await CatalogEntry.find(UUID(uuidString: conditional), on: h.db)?.code)).lowercased().replacingOccurrences(of: "/", with: "-")
            let hidden = try await h.browser().api("/api/3/action/package_show?id=\(conditionalName)")
            #expect(hidden.status == .notFound)
            #expect((hidden.jsonObject["error"] as? [String: Any])?["__type"] as? String == "Not Found Error")
            let withToken = try await world.staff.api("/api/3/action/package_show?id=\(conditionalName)")
            #expect(withToken.status == .ok)
            // rows over 1000 and unknown filters are validation errors
            #expect(try await h.browser().api("/api/3/action/package_search?rows=5000").status == .conflict)
            #expect(try await h.browser().api("/api/3/action/package_search?fq=colour:blue").status == .conflict)
            let organisations = try await h.browser().api("/api/3/action/organization_list")
            #expect((organisations.jsonObject["result"] as? [String])?.isEmpty == false)
            let fq = try await h.browser().api("/api/3/action/package_search?fq=share_type:1&rows=1000")
            #expect(((fq.jsonObject["result"] as? [String: Any])?["results"] as? [[String: Any]] ?? []).allSatisfy { ($0["extras"] as? [[String: String]])?.contains { $0["key"] == "share_type" && $0["value"] == "无条件共享" } == true })
        }
    }

    @Test func catalogPagesRender() async throws {
        try await withHarness(demo: true) { h in
            let world = try await CatalogWorld.make(h)
            let id = try await world.draft(CatalogWorld.metadata(name: "页面测试营业执照资源", isOpen: true))
            let browse = try await h.browser().get("/catalog?q=%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7")
            #expect(browse.status == .ok)
            #expect(browse.text.contains("资源分类"))
            let workspace = try await world.staff.get("/console/catalog")
            #expect(workspace.status == .ok)
            #expect(workspace.text.contains("页面测试营业执照资源"))
            let draftPage = try await world.staff.get("/catalog/entries/\(id)")
            #expect(draftPage.status == .ok)
            #expect(draftPage.text.contains("提交部门审核"))
            let submitted = try await world.staff.submit("/catalog/entries/\(id)/action", fields: ["action": "submit"])
            #expect(submitted.status == .ok)
            #expect(submitted.text.contains("部门审核中"))
            let review = try await world.departmentAdmin.get("/catalog/entries/\(id)")
            #expect(review.text.contains("department-approve"))
            let dashboard = try await world.platformAdmin.get("/console/catalog/dashboard")
            #expect(dashboard.status == .ok)
            #expect(dashboard.text.contains("挂接率"))
            #expect(try await world.staff.get("/console/catalog/dashboard").status == .forbidden)
            let created = try await world.staff.submit("/console/catalog/entries", fields: ["class_code": "201", "name": "表单新建的资源", "abstract": "摘要", "format_class": "3", "format_type": "MySQL", "share_type": "2", "share_method": "interface", "update_cycle": "daily", "items": "名称:C:20"])
            #expect(created.status == .unprocessableEntity)
            #expect(created.text.contains("共享条件"))
        }
    }
}
