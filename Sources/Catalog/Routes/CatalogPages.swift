import Fluent
import Foundation
import Identity
import Vapor
import YiwangKit
import YiwangPlatform

struct CatalogBrowsePage: Encodable, Sendable {
    struct Item: Encodable, Sendable { var href: String; var code: String; var name: String; var provider: String; var shareType: String; var cycle: String; var isMounted: Bool }
    struct FacetGroup: Encodable, Sendable { var title: String; var values: [FacetLink] }
    struct FacetLink: Encodable, Sendable { var label: String; var count: Int; var href: String; var isActive: Bool }
    var query: String
    var total: Int
    var items: [Item]
    var facets: [FacetGroup]
    var previous: String?
    var next: String?
    var isPublicView: Bool
}

struct EntryPage: Encodable, Sendable {
    struct Row: Encodable, Sendable { var label: String; var value: String }
    struct Item: Encodable, Sendable { var order: Int; var name: String; var type: String; var length: String; var description: String; var shareType: String }
    struct Version: Encodable, Sendable { var version: Int; var at: String; var changes: [FieldChange] }
    struct MountRow: Encodable, Sendable { var kind: String; var target: String; var state: String; var detail: String; var isLive: Bool }
    struct Event: Encodable, Sendable { var at: String; var action: String; var actor: String; var reason: String }
    var id: String
    var code: String
    var name: String
    var status: String
    var rows: [Row]
    var items: [Item]
    var mounts: [MountRow]
    var versions: [Version]
    var events: [Event]
    var isInsider: Bool
    var canSubmit: Bool
    var canReviewInDepartment: Bool
    var canReviewOnPlatform: Bool
    var canWithdraw: Bool
    var canMount: Bool
    /// The provider's hosted tables, offered for table mounts.
    var hostedTables: [String]
    var message: String?
    var errors: [String]
}

/// Pages: the catalog browser, an entry's page, the department workspace and the city dashboard.
enum CatalogPages {
    static func register(on routes: any RoutesBuilder) {
        routes.endpoint(.GET, CatalogPath.browse.components, access: .anyone, kind: .page, use: browse)
        routes.endpoint(.GET, CatalogPath.browse.components + ["entries", ":id"], access: .anyone, kind: .page) { req in
            try await entry(req, message: nil, errors: [])
        }
        routes.endpoint(.POST, CatalogPath.browse.components + ["entries", ":id", "action"], access: .roles(CatalogAPI.makers), kind: .page, use: act)
        CatalogWorkspacePages.register(on: routes)
    }

    static func shareLabel(_ type: Int) -> String { EntryMetadata.shareTypes[type] ?? String(type) }

    @Sendable static func browse(_ req: Request) async throws -> Response {
        let query: CatalogQuery
        do { query = try CatalogAPI.searchQuery(from: req) } catch { query = CatalogQuery() }
        let principal = try await req.principal()
        let viewer = CatalogViewer(principal)
        let result = try await SearchIndex.search(query, viewer: viewer, on: req.db)
        let classes = Dictionary(uniqueKeysWithValues: try await CatalogClass.query(on: req.db).all().map { ($0.id!, $0.name) })
        let divisions = Dictionary(uniqueKeysWithValues: try await OrganisationDirectory.divisions(on: req.db).map { ($0.code, $0.name) })
        func link(_ name: String, _ value: String?) -> String {
            var components = URLComponents(string: req.url.string) ?? URLComponents()
            var items = (components.queryItems ?? []).filter { $0.name != name && $0.name != "page" }
            if let value { items.append(URLQueryItem(name: name, value: value)) }
            components.queryItems = items.isEmpty ? nil : items
            components.path = CatalogPath.browse.rawValue
            return components.string ?? CatalogPath.browse.rawValue
        }
        let current = URLComponents(string: req.url.string)?.queryItems ?? []
        let groups: [(CatalogQuery.Facet, String, String, (String) -> String)] = [
            (.classCode, "class", req.localized("facet_class"), { classes[$0] ?? $0 }),
            (.provider, "provider", req.localized("facet_provider"), { id in result.entries.first { $0.providerID.uuidString.lowercased() == id.lowercased() }?.providerName ?? id }),
            (.shareType, "share_type", req.localized("facet_share_type"), { shareLabel(Int($0) ?? 0) }),
            (.formatClass, "format", req.localized("facet_format"), { EntryMetadata.formatClasses[Int($0) ?? 0] ?? $0 }),
            (.updateCycle, "update_cycle", req.localized("facet_cycle"), { EntryMetadata.updateCycles[$0] ?? $0 }),
            (.division, "division", req.localized("facet_division"), { divisions[$0] ?? $0 }),
        ]
        var providerNames: [String: String] = [:]
        for count in result.facets[.provider] ?? [] {
            if let id = UUID(uuidString: count.value), let department = try await OrganisationDirectory.department(id, on: req.db) { providerNames[count.value] = department.name }
        }
        let facets = groups.map { facet, parameter, title, label in
            CatalogBrowsePage.FacetGroup(title: title, values: (result.facets[facet] ?? []).prefix(12).map { count in
                let active = current.contains { $0.name == parameter && $0.value?.lowercased() == count.value.lowercased() }
                let display = facet == .provider ? (providerNames[count.value] ?? label(count.value)) : label(count.value)
                return .init(label: display, count: count.count, href: link(parameter, active ? nil : count.value), isActive: active)
            })
        }
        let page = query.offset / max(query.limit, 1) + 1
        let items = result.entries.map {
            CatalogBrowsePage.Item(href: CatalogPath.entryPage($0.id!), code: $0.code, name: $0.name, provider: $0.providerName, shareType: shareLabel($0.shareType), cycle: EntryMetadata.updateCycles[$0.updateCycle] ?? $0.updateCycle, isMounted: $0.hasLiveMount)
        }
        let model = CatalogBrowsePage(
            query: query.text, total: result.total, items: items, facets: facets.filter { !$0.values.isEmpty },
            previous: page > 1 ? link("page", String(page - 1)) : nil,
            next: query.offset + result.entries.count < result.total ? link("page", String(page + 1)) : nil,
            isPublicView: viewer == .publicViewer)
        return try await req.renderPage("catalog/browse", title: "catalog_title", model: model, wide: true)
    }

    static func entry(_ req: Request, message: String?, errors: [String], status: HTTPResponseStatus = .ok) async throws -> Response {
        let id = try CatalogAPI.entryID(req)
        let principal = try await req.principal()
        let view = try await CatalogAccess.view(id, for: principal, on: req.db)
        let metadata = view.workingCopy ?? view.published
        guard let metadata else { throw CatalogError.notFound("目录条目") }
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = .shanghai
        let className = try await CatalogClass.find(view.classCode, on: req.db)?.name ?? view.classCode
        var rows: [EntryPage.Row] = [
            .init(label: "资源代码", value: view.code), .init(label: "资源分类", value: "\(view.classCode) \(className)"),
            .init(label: "提供部门", value: view.providerName), .init(label: "摘要", value: metadata.abstract),
            .init(label: "资源格式", value: "\(EntryMetadata.formatClasses[metadata.formatClass] ?? "") \(metadata.formatType)"),
            .init(label: "共享类型", value: shareLabel(metadata.shareType)),
        ]
        if let condition = metadata.shareCondition { rows.append(.init(label: "共享条件", value: condition)) }
        if let basis = metadata.shareBasis { rows.append(.init(label: metadata.shareType == 3 ? "不予共享依据" : "共享依据", value: basis)) }
        rows += [
            .init(label: "共享方式", value: EntryMetadata.shareMethods[metadata.shareMethod] ?? metadata.shareMethod),
            .init(label: "向社会开放", value: metadata.isOpen ? "是" : "否"),
            .init(label: "更新周期", value: EntryMetadata.updateCycles[metadata.updateCycle] ?? metadata.updateCycle),
            .init(label: "发布日期", value: metadata.publicationDate ?? "—"),
            .init(label: "关键词", value: metadata.keywords.joined(separator: "、")),
            .init(label: "关联事项", value: metadata.serviceItems.joined(separator: "、")),
        ]
        let insider = view.workingCopy != nil
        let entryStatus = CatalogEntry.Status(rawValue: view.status) ?? .draft
        let roles = principal?.roles ?? []
        let hostedTables = insider ? try await HostedTable.query(on: req.db).filter(\.$departmentID == view.providerID).sort(\.$name).all().map(\.name) : []
        let model = EntryPage(
            id: id.uuidString.lowercased(), code: view.code, name: metadata.name, status: view.statusLabel, rows: rows,
            items: metadata.items.enumerated().map { .init(order: $0.offset + 1, name: $0.element.name, type: DataItem.types[$0.element.type] ?? $0.element.type, length: $0.element.length.map(String.init) ?? "", description: $0.element.description ?? "", shareType: $0.element.shareType.map(shareLabel) ?? "") },
            mounts: view.mounts.map { .init(kind: $0.kind, target: $0.target, state: $0.isLive ? "在线" : ($0.lastProbeAt == nil ? "待探测" : "不可用"), detail: $0.lastProbeDetail ?? "", isLive: $0.isLive) },
            versions: view.versions.map { .init(version: $0.version, at: formatter.string(from: $0.publishedAt), changes: $0.changes) },
            events: (view.events ?? []).map { .init(at: formatter.string(from: $0.at), action: $0.action, actor: $0.actor, reason: $0.reason ?? "") },
            isInsider: insider,
            canSubmit: insider && [.draft, .returned].contains(entryStatus) && !roles.isDisjoint(with: CatalogAPI.makers),
            canReviewInDepartment: insider && entryStatus == .departmentReview && (roles.contains(.departmentAdmin) || roles.contains(.platformAdmin)),
            canReviewOnPlatform: entryStatus == .platformReview && roles.contains(.platformAdmin),
            canWithdraw: insider && view.publishedVersion != nil && entryStatus != .withdrawn && (roles.contains(.departmentAdmin) || roles.contains(.platformAdmin)),
            canMount: insider, hostedTables: hostedTables, message: message, errors: errors)
        return try await req.renderPage("catalog/entry", title: "entry_title", model: model, wide: true, status: status)
    }

    /// One form for every lifecycle button on the entry page.
    @Sendable static func act(_ req: Request) async throws -> Response {
        struct Form: Content { var action: String; var reason: String?; var kind: String?; var target: String? }
        let form = try req.content.decode(Form.self)
        let principal = try await req.requirePrincipal()
        let id = try CatalogAPI.entryID(req)
        let service = req.catalogService
        do {
            switch form.action {
            case "submit": _ = try await service.submit(id, by: principal)
            case "department-approve": _ = try await service.reviewInDepartment(id, decision: .approve, reason: form.reason, by: principal)
            case "department-return": _ = try await service.reviewInDepartment(id, decision: .return, reason: form.reason, by: principal)
            case "department-reject": _ = try await service.reviewInDepartment(id, decision: .reject, reason: form.reason, by: principal)
            case "platform-approve": _ = try await service.reviewOnPlatform(id, decision: .approve, reason: form.reason, by: principal)
            case "platform-return": _ = try await service.reviewOnPlatform(id, decision: .return, reason: form.reason, by: principal)
            case "platform-reject": _ = try await service.reviewOnPlatform(id, decision: .reject, reason: form.reason, by: principal)
            case "withdraw": _ = try await service.withdraw(id, reason: form.reason, by: principal)
            case "mount":
                let mount = try await req.mounts.attach(.init(kind: form.kind ?? "", target: form.target ?? ""), to: id, by: principal)
                try await req.mounts.probe(mount, prober: req.application.catalog.prober)
            default: throw CatalogError.invalid([.init(field: "action", code: "unknown-action", message: "未知的操作。")])
            }
            return try await entry(req, message: req.localized("action_done"), errors: [])
        } catch let error as any ProblemConvertible {
            let problem = error.problem
            return try await entry(req, message: nil, errors: problem.pageMessages, status: HTTPResponseStatus(statusCode: problem.status))
        }
    }
}
