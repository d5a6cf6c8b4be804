import Fluent
import Foundation
import Identity
import Vapor
import YiwangKit
import YiwangPlatform

extension Request {
    var catalogService: CatalogService { CatalogService(database: db, platform: platform) }
    var systemRegistry: SystemRegistry { SystemRegistry(database: db, platform: platform) }
    var demands: DemandService { DemandService(database: db, platform: platform) }
    var mountPolicy: MountURLPolicy { MountURLPolicy(platformURL: platform.configuration.publicURL, allowsLoopback: application.catalog.allowsLoopbackMounts) }
    var mounts: MountService { MountService(database: db, platform: platform, policy: mountPolicy) }
}

/// What an API caller sees of an entry: the published version to everyone allowed to see it,
/// the working copy and review history to its department and the city authority.
struct EntryView: Content {
    struct MountView: Content {
        var id: UUID
        var kind: String
        var target: String
        var isLive: Bool
        var lastProbeAt: Date?
        var lastProbeDetail: String?
    }

    struct EventView: Content {
        var action: String
        var from: String
        var to: String
        var actor: String
        var reason: String?
        var at: Date
    }

    struct VersionView: Content {
        var version: Int
        var publishedAt: Date
        var changes: [FieldChange]
    }

    var id: UUID
    var code: String
    var classCode: String
    var providerID: UUID
    var providerName: String
    var status: String
    var statusLabel: String
    var publishedVersion: Int?
    var published: EntryMetadata?
    var workingCopy: EntryMetadata?
    var mounts: [MountView]
    var versions: [VersionView]
    var events: [EventView]?
}

enum CatalogAccess {
    /// Whether the principal works on this entry (its department's staff, or the city authority).
    static func isInsider(_ principal: Principal?, providerID: UUID) -> Bool {
        guard let principal else { return false }
        if principal.roles.contains(.platformAdmin) { return true }
        return principal.departmentID == providerID && !principal.roles.isDisjoint(with: [.departmentStaff, .departmentAdmin])
    }

    /// Loads an entry as the principal may see it, or a not-found problem.
    static func view(_ id: UUID, for principal: Principal?, on db: any Database) async throws -> EntryView {
        guard let entry = try await CatalogEntry.find(id, on: db) else { throw CatalogError.notFound("目录条目") }
        let insider = isInsider(principal, providerID: entry.providerID)
        let published = try await PublishedEntry.find(id, on: db)
        if !insider {
            guard let published else { throw CatalogError.notFound("目录条目") }
            if CatalogViewer(principal) == .publicViewer, !published.isOpen { throw CatalogError.notFound("目录条目") }
        }
        let provider = try await OrganisationDirectory.department(entry.providerID, on: db)
        let versions = try await EntryVersion.query(on: db).filter(\.$entry.$id == id).sort(\.$version, .descending).all()
        let mounts = try await Mount.query(on: db).filter(\.$entry.$id == id).sort(\.$createdAt).all()
        let events = insider ? try await EntryEvent.query(on: db).filter(\.$entry.$id == id).sort(\.$at).all() : []
        let decoder = JSONDecoder()
        return EntryView(
            id: id, code: entry.code, classCode: entry.classCode, providerID: entry.providerID, providerName: provider?.name ?? "",
            status: entry.status.rawValue, statusLabel: CatalogService.statusLabel(entry.status), publishedVersion: published == nil ? nil : entry.publishedVersion,
            published: published.flatMap { try? decoder.decode(EntryMetadata.self, from: Data($0.document.utf8)) },
            workingCopy: insider ? try CatalogService.decodeMetadata(entry) : nil,
            mounts: mounts.map { .init(id: $0.id!, kind: $0.kind.rawValue, target: insider ? $0.target : Self.hostOnly($0.target), isLive: $0.isLive, lastProbeAt: $0.lastProbeAt, lastProbeDetail: insider ? $0.lastProbeDetail : nil) },
            versions: versions.map { .init(version: $0.version, publishedAt: $0.publishedAt, changes: (try? decoder.decode([FieldChange].self, from: Data($0.changes.utf8))) ?? []) },
            events: insider ? events.map { .init(action: $0.action, from: $0.fromStatus, to: $0.toStatus, actor: $0.actor, reason: $0.reason, at: $0.at) } : nil)
    }

    /// Outsiders learn a mount's kind and host, not its full address.
    static func hostOnly(_ target: String) -> String {
        guard let url = URLComponents(string: target), let host = url.host else { return target }
        return "\(url.scheme ?? "https")://\(host)/…"
    }
}

/// The catalog's JSON API.
enum CatalogAPI {
    struct EntryBody: Content {
        var classCode: String?
        var sourceSystemID: UUID?
        var metadata: EntryMetadata
    }

    struct ReviewBody: Content {
        var decision: CatalogService.Decision
        var reason: String?
    }

    struct ReasonBody: Content { var reason: String? }

    struct SearchPage: Content {
        struct Item: Content {
            var id: UUID
            var code: String
            var name: String
            var provider: String
            var classCode: String
            var shareType: Int
            var formatClass: Int
            var updateCycle: String
            var isOpen: Bool
            var hasLiveMount: Bool
            var modifiedAt: Date

            init(_ entry: PublishedEntry) {
                id = entry.id!
                code = entry.code
                name = entry.name
                provider = entry.providerName
                classCode = entry.classCode
                shareType = entry.shareType
                formatClass = entry.formatClass
                updateCycle = entry.updateCycle
                isOpen = entry.isOpen
                hasLiveMount = entry.hasLiveMount
                modifiedAt = entry.modifiedAt
            }
        }

        var total: Int
        var items: [Item]
        var facets: [String: [FacetCount]]
    }

    static let staffRoles: Set<Role> = [.platformAdmin, .departmentAdmin, .departmentStaff, .auditor]
    static let makers: Set<Role> = [.platformAdmin, .departmentAdmin, .departmentStaff]

    static func register(on routes: any RoutesBuilder) {
        let tag = "catalog"
        routes.endpoint(.GET, CatalogPath.classes.components, access: .anyone, kind: .api(.init("资源分类（类/项/目）", tag: tag))) { req async throws -> [ClassView] in
            try await CatalogClass.query(on: req.db).sort(\.$id).all().map { ClassView(code: $0.id!, name: $0.name, parent: $0.parentCode, level: $0.level) }
        }
        routes.endpoint(.GET, CatalogPath.entries.components, access: .anyone, kind: .api(.init("检索已发布的目录（中文部分匹配，分面统计，按可见范围过滤）", tag: tag, query: ["q", "class", "provider", "share_type", "format", "update_cycle", "division", "sort", "page", "per_page"]))) { req async throws -> SearchPage in
            let query = try searchQuery(from: req)
            let result = try await SearchIndex.search(query, viewer: CatalogViewer(req.principal()), on: req.db)
            return SearchPage(
                total: result.total,
                items: result.entries.map(SearchPage.Item.init),
                facets: Dictionary(uniqueKeysWithValues: result.facets.map { ($0.key.rawValue, $0.value) }))
        }
        routes.endpoint(.POST, CatalogPath.entries.components, access: .roles(makers), kind: .api(.init("新建目录条目草稿（生成资源代码）", tag: tag, body: .json(schema: "Object"), success: (201, "application/json")))) { req async throws -> Response in
            let body = try req.content.decode(EntryBody.self)
            let principal = try await req.requirePrincipal()
            guard let classCode = body.classCode, !classCode.isEmpty else {
                throw CatalogError.invalid([.init(field: "classCode", code: "required", message: "请选择资源分类。")])
            }
            let entry = try await req.catalogService.createDraft(classCode: classCode, metadata: body.metadata, sourceSystemID: body.sourceSystemID, by: principal)
            return try await CatalogAccess.view(entry.requireID(), for: principal, on: req.db).encodeResponse(status: .created, for: req)
        }
        routes.endpoint(.GET, CatalogPath.entries.components(appending: ":id"), access: .anyone, kind: .api(.init("目录条目：已发布版本、挂接、版本历史（本部门另见工作副本和审核记录）", tag: tag))) { req async throws -> EntryView in
            try await CatalogAccess.view(entryID(req), for: req.principal(), on: req.db)
        }
        routes.endpoint(.PUT, CatalogPath.entries.components(appending: ":id"), access: .roles(makers), kind: .api(.init("修改工作副本（已发布条目的修改形成新版本，需重新审核）", tag: tag, body: .json(schema: "Object")))) { req async throws -> EntryView in
            let body = try req.content.decode(EntryBody.self)
            let principal = try await req.requirePrincipal()
            let entry = try await req.catalogService.update(entryID(req), metadata: body.metadata, sourceSystemID: body.sourceSystemID, by: principal)
            return try await CatalogAccess.view(entry.requireID(), for: principal, on: req.db)
        }
        routes.endpoint(.POST, CatalogPath.entries.components(appending: ":id", "submit"), access: .roles(makers), kind: .api(.init("提交部门审核", tag: tag))) { req async throws -> EntryView in
            let principal = try await req.requirePrincipal()
            let entry = try await req.catalogService.submit(entryID(req), by: principal)
            return try await CatalogAccess.view(entry.requireID(), for: principal, on: req.db)
        }
        routes.endpoint(.POST, CatalogPath.entries.components(appending: ":id", "department-review"), access: .roles([.departmentAdmin, .platformAdmin]), kind: .api(.init("部门审核：通过、退回或驳回", tag: tag, body: .json(schema: "Object")))) { req async throws -> EntryView in
            let body = try req.content.decode(ReviewBody.self)
            let principal = try await req.requirePrincipal()
            let entry = try await req.catalogService.reviewInDepartment(entryID(req), decision: body.decision, reason: body.reason, by: principal)
            return try await CatalogAccess.view(entry.requireID(), for: principal, on: req.db)
        }
        routes.endpoint(.POST, CatalogPath.entries.components(appending: ":id", "platform-review"), access: .roles([.platformAdmin]), kind: .api(.init("平台审核：发布、退回或驳回", tag: tag, body: .json(schema: "Object")))) { req async throws -> EntryView in
            let body = try req.content.decode(ReviewBody.self)
            let principal = try await req.requirePrincipal()
            let entry = try await req.catalogService.reviewOnPlatform(entryID(req), decision: body.decision, reason: body.reason, by: principal)
            return try await CatalogAccess.view(entry.requireID(), for: principal, on: req.db)
        }
        routes.endpoint(.POST, CatalogPath.entries.components(appending: ":id", "withdraw"), access: .roles([.departmentAdmin, .platformAdmin]), kind: .api(.init("撤销发布（保留历史）", tag: tag, body: .json(schema: "Object")))) { req async throws -> EntryView in
            let body = try req.content.decode(ReasonBody.self)
            let principal = try await req.requirePrincipal()
            let entry = try await req.catalogService.withdraw(entryID(req), reason: body.reason, by: principal)
            return try await CatalogAccess.view(entry.requireID(), for: principal, on: req.db)
        }
        routes.endpoint(.POST, CatalogPath.entries.components(appending: ":id", "mounts"), access: .roles(makers), kind: .api(.init("挂接资源（数据表、文件或系统接口）", tag: tag, body: .json(schema: "Object"), success: (201, "application/json")))) { req async throws -> Response in
            let body = try req.content.decode(MountService.NewMount.self)
            let principal = try await req.requirePrincipal()
            let mount = try await req.mounts.attach(body, to: entryID(req), by: principal)
            // Probe at once, so the department sees whether the mount is live.
            try await req.mounts.probe(mount, prober: req.application.catalog.prober)
            let view = try await CatalogAccess.view(mount.$entry.id, for: principal, on: req.db)
            return try await view.encodeResponse(status: .created, for: req)
        }
        routes.endpoint(.POST, CatalogPath.entries.components(appending: ":id", "data-updates"), access: .roles(makers), kind: .api(.init("报告数据已更新（用于更新及时率）", tag: tag, success: (204, "application/json")))) { req async throws -> HTTPStatus in
            let principal = try await req.requirePrincipal()
            guard let entry = try await CatalogEntry.find(entryID(req), on: req.db) else { throw CatalogError.notFound("目录条目") }
            guard CatalogAccess.isInsider(principal, providerID: entry.providerID) else { throw CatalogError.notYourDepartment }
            try await req.db.transaction { db in
                entry.lastDataUpdate = req.now
                try await entry.save(on: db)
                try await AuditLog.append(AuditEntry(actor: principal.auditActor, action: "catalog.entry.data_update", target: "catalog-entry:\(entry.code)"), at: req.now, on: db)
            }
            return .noContent
        }

        routes.endpoint(.GET, CatalogPath.hostedTables.components, access: .roles(staffRoles), kind: .api(.init("平台归集表（本部门；城市管理员和审计员看全部）", tag: tag))) { req async throws -> [HostedTableView] in
            let principal = try await req.requirePrincipal()
            var query = HostedTable.query(on: req.db).sort(\.$name)
            if !principal.roles.contains(.platformAdmin), !principal.roles.contains(.auditor) {
                query = query.filter(\.$departmentID == (principal.departmentID ?? UUID()))
            }
            return try await query.all().map(HostedTableView.init)
        }
        routes.endpoint(.POST, CatalogPath.hostedTables.components, access: .roles([.platformAdmin]), kind: .api(.init("登记平台为部门归集的数据表（只有该部门能挂接）", tag: tag, body: .json(schema: "Object"), success: (201, "application/json")))) { req async throws -> Response in
            struct Body: Content { var name: String; var departmentID: UUID; var description: String? }
            let body = try req.content.decode(Body.self)
            let table = try await req.mounts.registerHostedTable(name: body.name, departmentID: body.departmentID, description: body.description, by: req.requirePrincipal())
            return try await HostedTableView(table).encodeResponse(status: .created, for: req)
        }

        routes.endpoint(.GET, CatalogPath.systems.components, access: .roles(staffRoles), kind: .api(.init("信息系统登记（本部门；城市管理员看全部）", tag: tag))) { req async throws -> [SystemView] in
            let principal = try await req.requirePrincipal()
            var query = InformationSystem.query(on: req.db).sort(\.$name)
            if !principal.roles.contains(.platformAdmin), !principal.roles.contains(.auditor) {
                query = query.filter(\.$departmentID == (principal.departmentID ?? UUID()))
            }
            return try await query.all().map(SystemView.init)
        }
        routes.endpoint(.POST, CatalogPath.systems.components, access: .roles([.departmentAdmin, .departmentStaff]), kind: .api(.init("申请登记信息系统（待城市管理员批准）", tag: tag, body: .json(schema: "Object"), success: (201, "application/json")))) { req async throws -> Response in
            let body = try req.content.decode(SystemRegistry.Registration.self)
            let (system, _) = try await req.systemRegistry.register(body, by: req.requirePrincipal())
            return try await SystemView(system).encodeResponse(status: .created, for: req)
        }
        routes.endpoint(.POST, CatalogPath.systems.components(appending: ":id", "requests"), access: .roles([.departmentAdmin, .departmentStaff]), kind: .api(.init("申请更名、停用或退役信息系统", tag: tag, body: .json(schema: "Object"), success: (201, "application/json")))) { req async throws -> Response in
            struct Body: Content { var kind: String; var newName: String? }
            let body = try req.content.decode(Body.self)
            guard let kind = SystemRequest.Kind(rawValue: body.kind) else {
                throw CatalogError.invalid([.init(field: "kind", code: "unknown-kind", message: "请求类型应为 rename、disable 或 retire。")])
            }
            guard let id = req.parameters.get("id", as: UUID.self) else { throw CatalogError.notFound("信息系统") }
            let request = try await req.systemRegistry.request(kind, systemID: id, newName: body.newName, by: req.requirePrincipal())
            return try await SystemRequestView(request).encodeResponse(status: .created, for: req)
        }
        routes.endpoint(.GET, CatalogPath.systemRequests.components, access: .roles([.platformAdmin, .auditor]), kind: .api(.init("待审批的系统请求", tag: tag))) { req async throws -> [SystemRequestView] in
            try await SystemRequest.query(on: req.db).filter(\.$status == .pending).sort(\.$createdAt).all().map(SystemRequestView.init)
        }
        routes.endpoint(.POST, CatalogPath.systemRequests.components(appending: ":id", "decision"), access: .roles([.platformAdmin]), kind: .api(.init("审批系统请求（批准登记即签发客户端凭证，密钥只返回一次）", tag: tag, body: .json(schema: "Object")))) { req async throws -> Response in
            let body = try req.content.decode(SystemRegistry.Decision.self)
            guard let id = req.parameters.get("id", as: UUID.self) else { throw CatalogError.notFound("系统请求") }
            let (request, secret) = try await req.systemRegistry.decide(id, body, by: req.requirePrincipal())
            struct Decided: Content { var request: SystemRequestView; var clientSecret: String? }
            return try await Decided(request: SystemRequestView(request), clientSecret: secret).encodeResponse(for: req)
        }

        routes.endpoint(.GET, CatalogPath.demands.components, access: .roles(staffRoles), kind: .api(.init("需求清单", tag: tag, query: ["overdue"]))) { req async throws -> [DemandView] in
            let demands = req.query[String.self, at: "overdue"] == "true" ? try await req.demands.overdue() : try await Demand.query(on: req.db).sort(\.$createdAt, .descending).all()
            return demands.map(DemandView.init)
        }
        routes.endpoint(.POST, CatalogPath.demands.components, access: .roles([.departmentAdmin, .departmentStaff]), kind: .api(.init("提出数据需求（自动匹配已发布目录）", tag: tag, body: .json(schema: "Object"), success: (201, "application/json")))) { req async throws -> Response in
            let body = try req.content.decode(DemandService.NewDemand.self)
            let demand = try await req.demands.file(body, by: req.requirePrincipal())
            return try await DemandView(demand).encodeResponse(status: .created, for: req)
        }
        routes.endpoint(.POST, CatalogPath.demands.components(appending: ":id", "assignment"), access: .roles([.platformAdmin]), kind: .api(.init("把未匹配的需求分派给可能的提供部门", tag: tag, body: .json(schema: "Object")))) { req async throws -> DemandView in
            struct Body: Content { var departmentID: UUID }
            let body = try req.content.decode(Body.self)
            guard let id = req.parameters.get("id", as: UUID.self) else { throw CatalogError.notFound("需求") }
            return DemandView(try await req.demands.assign(id, to: body.departmentID, by: req.requirePrincipal()))
        }
        routes.endpoint(.GET, CatalogPath.supplyList.components, access: .roles(staffRoles), kind: .api(.init("供给清单：已发布可共享的条目及挂接情况", tag: tag, query: ["page"]))) { req async throws -> SearchPage in
            try await supplyList(req)
        }
        routes.endpoint(.GET, CatalogPath.negativeList.components, access: .roles(staffRoles), kind: .api(.init("负面清单：不予共享的条目、依据和复核情况（每页 100 条）", tag: tag, query: ["page", "due"]))) { req async throws -> [NegativeItem] in
            let page = min(max(1, req.query[Int.self, at: "page"] ?? 1), 100_000)
            let list = try await req.catalogService.negativeList(dueOnly: req.query[String.self, at: "due"] == "true", offset: (page - 1) * 100, limit: 100)
            return list.items.map(NegativeItem.init)
        }
        routes.endpoint(.POST, CatalogPath.negativeList.components(appending: ":id", "review"), access: .roles([.platformAdmin]), kind: .api(.init("复核负面清单条目（确认不予共享依据仍然成立，或退回部门重新编目）", tag: tag, body: .json(schema: "Object")))) { req async throws -> EntryView in
            struct Body: Content { var confirm: Bool; var reason: String? }
            let body = try req.content.decode(Body.self)
            let principal = try await req.requirePrincipal()
            let entry = try await req.catalogService.reviewNegative(entryID(req), confirm: body.confirm, reason: body.reason, by: principal)
            return try await CatalogAccess.view(entry.requireID(), for: principal, on: req.db)
        }
        routes.endpoint(.GET, CatalogPath.statistics.components, access: .roles(staffRoles), kind: .api(.init("挂接率与更新及时率（按部门、区县和全市）", tag: tag))) { req async throws -> CatalogStatistics.Report in
            try await CatalogStatistics(database: req.db, now: req.now).report()
        }
    }

    /// The supply list: published entries that may be shared, by name, 100 a page.
    static func supplyList(_ req: Request) async throws -> SearchPage {
        let page = min(max(1, req.query[Int.self, at: "page"] ?? 1), 100_000)
        var query = CatalogQuery(offset: (page - 1) * 100, limit: 100, sort: .name, facets: [])
        query.excludesNotShared = true
        let result = try await SearchIndex.search(query, viewer: .government, on: req.db)
        return SearchPage(
            total: result.total,
            items: result.entries.map(SearchPage.Item.init),
            facets: [:])
    }

    static func entryID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw CatalogError.notFound("目录条目") }
        return id
    }

    /// Reads the search parameters shared by the API, the pages and the CSV export.
    static func searchQuery(from req: Request) throws -> CatalogQuery {
        var errors: [Problem.FieldError] = []
        func int(_ name: String, _ range: ClosedRange<Int>) -> Int? {
            guard let raw = req.query[String.self, at: name], !raw.isEmpty else { return nil }
            guard let value = Int(raw), range.contains(value) else {
                errors.append(.init(field: name, code: "out-of-range", message: "\(name) 应为 \(range.lowerBound)–\(range.upperBound) 的整数。"))
                return nil
            }
            return value
        }
        let text = req.query[String.self, at: "q"] ?? ""
        var provider: UUID?
        if let raw = req.query[String.self, at: "provider"], !raw.isEmpty {
            provider = UUID(uuidString: raw)
            if provider == nil { errors.append(.init(field: "provider", code: "invalid-id", message: "provider 应为部门编号（UUID）。")) }
        }
        let cycle = req.query[String.self, at: "update_cycle"].flatMap { $0.isEmpty ? nil : $0 }
        if let cycle, EntryMetadata.updateCycles[cycle] == nil { errors.append(.init(field: "update_cycle", code: "unknown-update-cycle", message: "未知的更新周期。")) }
        let sort = CatalogQuery.Sort(rawValue: req.query[String.self, at: "sort"] ?? "relevance")
        if sort == nil { errors.append(.init(field: "sort", code: "unknown-sort", message: "sort 应为 relevance、modified 或 name。")) }
        let page = int("page", 1...100_000) ?? 1
        let perPage = int("per_page", 1...1000) ?? 20
        let query = CatalogQuery(
            text: String(text.prefix(200)), classCode: req.query[String.self, at: "class"].flatMap { $0.isEmpty ? nil : $0 }, providerID: provider,
            shareType: int("share_type", 1...3), formatClass: int("format", 1...7), updateCycle: cycle,
            division: req.query[String.self, at: "division"].flatMap { $0.isEmpty ? nil : $0 },
            offset: (page - 1) * perPage, limit: perPage, sort: sort ?? .relevance)
        if !errors.isEmpty { throw CatalogError.invalid(errors) }
        return query
    }
}

struct NegativeItem: Content {
    var id: UUID
    var code: String
    var name: String
    var provider: String
    var basis: String
    var lastReviewedAt: Date
    var isReviewDue: Bool

    init(_ item: CatalogService.NegativeListItem) {
        id = item.id
        code = item.code
        name = item.name
        provider = item.provider
        basis = item.basis
        lastReviewedAt = item.lastReviewedAt
        isReviewDue = item.isReviewDue
    }
}

struct ClassView: Content {
    var code: String
    var name: String
    var parent: String?
    var level: Int
}

struct SystemView: Content {
    var id: UUID
    var departmentID: UUID
    var name: String
    var purpose: String
    var deployment: String
    var network: String
    var status: String
    var clientID: String?

    init(_ s: InformationSystem) {
        id = s.id!
        departmentID = s.departmentID
        name = s.name
        purpose = s.purpose
        deployment = s.deployment
        network = s.network
        status = s.status.rawValue
        clientID = s.clientID
    }
}

struct HostedTableView: Content {
    var name: String
    var departmentID: UUID
    var description: String
    var createdAt: Date

    init(_ t: HostedTable) {
        name = t.name
        departmentID = t.departmentID
        description = t.description
        createdAt = t.createdAt
    }
}

struct SystemRequestView: Content {
    var id: UUID
    var systemID: UUID
    var kind: String
    var newName: String?
    var status: String
    var reason: String?

    init(_ r: SystemRequest) {
        id = r.id!
        systemID = r.$system.id
        kind = r.kind.rawValue
        newName = r.newName
        status = r.status.rawValue
        reason = r.reason
    }
}

struct DemandView: Content {
    var id: UUID
    var departmentID: UUID
    var title: String
    var purpose: String
    var scenario: String
    var legalBasis: String
    var deadline: String
    var status: String
    var matchedEntryID: UUID?
    var assignedDepartmentID: UUID?

    init(_ d: Demand) {
        id = d.id!
        departmentID = d.departmentID
        title = d.title
        purpose = d.purpose
        scenario = d.scenario
        legalBasis = d.legalBasis
        deadline = d.deadline
        status = d.status.rawValue
        matchedEntryID = d.matchedEntryID
        assignedDepartmentID = d.assignedDepartmentID
    }
}
