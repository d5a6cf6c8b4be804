import Fluent
import Foundation
import Identity
import Vapor
import YiwangKit
import YiwangPlatform

struct WorkspacePage: Encodable, Sendable {
    struct EntryRow: Encodable, Sendable { var href: String; var code: String; var name: String; var status: String }
    struct SystemRow: Encodable, Sendable { var id: String; var name: String; var status: String; var deployment: String; var clientID: String; var isChangeable: Bool; var canDisable: Bool }
    struct DemandRow: Encodable, Sendable { var title: String; var status: String; var deadline: String; var purpose: String }
    struct ClassOption: Encodable, Sendable { var code: String; var label: String }
    var department: String
    var entries: [EntryRow]
    var reviews: [EntryRow]
    var systems: [SystemRow]
    var demands: [DemandRow]
    var classes: [ClassOption]
    var message: String?
    var errors: [String]
    var importReport: [String]
    var values: [String: String]
}

struct DashboardPage: Encodable, Sendable {
    struct StatRow: Encodable, Sendable { var label: String; var published: Int; var mounted: Int; var mountRate: String; var timelinessRate: String }
    struct RequestRow: Encodable, Sendable { var id: String; var system: String; var kind: String; var newName: String }
    struct DemandRow: Encodable, Sendable { var title: String; var department: String; var deadline: String; var status: String }
    struct NegativeRow: Encodable, Sendable { var id: String; var href: String; var code: String; var name: String; var provider: String; var basis: String; var lastReviewed: String }
    struct HostedRow: Encodable, Sendable { var name: String; var department: String; var description: String }
    struct DepartmentOption: Encodable, Sendable { var id: String; var name: String }
    var city: StatRow
    var departments: [StatRow]
    var divisions: [StatRow]
    var requests: [RequestRow]
    var overdue: [DemandRow]
    var awaitingPlatform: Int
    var negativeCount: Int
    var negativeDue: [NegativeRow]
    var negativeDueMore: Int
    var hostedTables: [HostedRow]
    var departmentOptions: [DepartmentOption]
    /// Auditors see the dashboard but decide nothing.
    var canDecide: Bool
    var message: String?
}

/// The department workspace and the city authority's dashboard.
enum CatalogWorkspacePages {
    static func register(on routes: any RoutesBuilder) {
        routes.endpoint(.GET, CatalogPath.workspace.components, access: .roles(CatalogAPI.makers), kind: .page) { req in
            try await workspace(req)
        }
        routes.endpoint(.POST, CatalogPath.workspace.components + ["entries"], access: .roles(CatalogAPI.makers), kind: .page, use: createEntry)
        routes.endpoint(.POST, CatalogPath.workspace.components + ["systems"], access: .roles([.departmentAdmin, .departmentStaff]), kind: .page, use: registerSystem)
        routes.endpoint(.POST, CatalogPath.workspace.components + ["systems", ":id", "requests"], access: .roles([.departmentAdmin, .departmentStaff]), kind: .page, use: requestSystemChange)
        routes.endpoint(.POST, CatalogPath.workspace.components + ["demands"], access: .roles([.departmentAdmin, .departmentStaff]), kind: .page, use: fileDemand)
        routes.endpoint(.POST, CatalogPath.workspace.components + ["imports"], access: .roles([.departmentAdmin, .departmentStaff]), kind: .page, body: .collect(maxSize: "10mb"), use: importFile)
        routes.endpoint(.GET, CatalogPath.dashboard.components, access: .roles([.platformAdmin, .auditor]), kind: .page) { req in
            try await dashboard(req, message: nil)
        }
        routes.endpoint(.POST, CatalogPath.dashboard.components + ["system-requests", ":id"], access: .roles([.platformAdmin]), kind: .page, use: decideRequest)
        routes.endpoint(.POST, CatalogPath.dashboard.components + ["negative", ":id"], access: .roles([.platformAdmin]), kind: .page, use: reviewNegative)
        routes.endpoint(.POST, CatalogPath.dashboard.components + ["hosted-tables"], access: .roles([.platformAdmin]), kind: .page, use: registerHostedTable)
    }

    static func workspace(_ req: Request, message: String? = nil, errors: [String] = [], report: [String] = [], values: [String: String] = [:], status: HTTPResponseStatus = .ok) async throws -> Response {
        let principal = try await req.requirePrincipal()
        let departmentID = principal.departmentID
        let department = try await departmentID.asyncFlatMap { try await OrganisationDirectory.department($0, on: req.db) }
        let decoder = JSONDecoder()
        func row(_ entry: CatalogEntry) -> WorkspacePage.EntryRow {
            .init(href: CatalogPath.entryPage(entry.id!), code: entry.code, name: (try? decoder.decode(EntryMetadata.self, from: Data(entry.metadata.utf8)).name) ?? "", status: CatalogService.statusLabel(entry.status))
        }
        let mine = try await departmentID.asyncMap { try await CatalogEntry.query(on: req.db).filter(\.$providerID == $0).sort(\.$updatedAt, .descending).limit(200).all() } ?? []
        var reviews: [CatalogEntry] = []
        if principal.roles.contains(.platformAdmin) {
            reviews = try await CatalogEntry.query(on: req.db).filter(\.$status == .platformReview).sort(\.$updatedAt).limit(200).all()
        } else if principal.roles.contains(.departmentAdmin), let departmentID {
            reviews = try await CatalogEntry.query(on: req.db).filter(\.$providerID == departmentID).filter(\.$status == .departmentReview).all()
        }
        let systems = try await departmentID.asyncMap { try await InformationSystem.query(on: req.db).filter(\.$departmentID == $0).sort(\.$name).all() } ?? []
        let demands = try await departmentID.asyncMap { id in
            try await Demand.query(on: req.db).group(.or) { $0.filter(\.$departmentID == id).filter(\.$assignedDepartmentID == id) }.sort(\.$createdAt, .descending).all()
        } ?? []
        var classes = try await CatalogClass.query(on: req.db).filter(\.$level >= 2).filter(\.$departmentID == nil).sort(\.$id).all().map { WorkspacePage.ClassOption(code: $0.id!, label: "\($0.id!) \($0.name)") }
        if let department, let own = try? await req.catalogService.departmentClass(for: department) {
            classes.insert(.init(code: own.id!, label: "\(own.id!) \(own.name)"), at: 0)
        }
        let model = WorkspacePage(
            department: department?.name ?? "", entries: mine.map(row), reviews: reviews.map(row),
            systems: systems.map {
                .init(id: $0.id!.uuidString.lowercased(), name: $0.name, status: SystemRegistry.statusLabels[$0.status] ?? $0.status.rawValue, deployment: SystemRegistry.deployments[$0.deployment] ?? $0.deployment, clientID: $0.clientID ?? "", isChangeable: $0.status == .active || $0.status == .disabled, canDisable: $0.status == .active)
            },
            demands: demands.map { .init(title: $0.title, status: DemandService.statusLabels[$0.status] ?? $0.status.rawValue, deadline: $0.deadline, purpose: $0.purpose) },
            classes: classes, message: message, errors: errors, importReport: report, values: values)
        return try await req.renderPage("catalog/workspace", title: "workspace_title", model: model, console: true, status: status)
    }

    static func messages(_ error: any Error) -> (errors: [String], status: HTTPResponseStatus)? {
        guard let convertible = error as? any ProblemConvertible else { return nil }
        let problem = convertible.problem
        return (problem.pageMessages, HTTPResponseStatus(statusCode: problem.status))
    }

    @Sendable static func createEntry(_ req: Request) async throws -> Response {
        struct Form: Content {
            var class_code: String?; var name: String?; var abstract: String?; var format_class: String?; var format_type: String?
            var share_type: String?; var share_condition: String?; var share_basis: String?; var share_method: String?
            var is_open: String?; var update_cycle: String?; var keywords: String?; var items: String?
        }
        let form = try req.content.decode(Form.self)
        let values = [
            "name": form.name ?? "", "abstract": form.abstract ?? "", "format_type": form.format_type ?? "", "share_condition": form.share_condition ?? "",
            "share_basis": form.share_basis ?? "", "keywords": form.keywords ?? "", "items": form.items ?? "",
        ]
        var cells = [
            "资源分类代码": form.class_code ?? "", "信息资源名称": form.name ?? "", "信息资源摘要": form.abstract ?? "", "格式分类": form.format_class ?? "",
            "格式类型": form.format_type ?? "", "共享类型": form.share_type ?? "", "共享条件": form.share_condition ?? "", "不予共享依据": form.share_basis ?? "",
            "共享方式": form.share_method ?? "", "是否向社会开放": form.is_open == "on" ? "是" : "否", "更新周期": form.update_cycle ?? "",
            "关键词": form.keywords ?? "",
        ]
        cells["数据项"] = (form.items ?? "").replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: "；")
        let (classCode, metadata, parseErrors) = CatalogTemplate.parse(cells)
        do {
            if !parseErrors.isEmpty { throw CatalogError.invalid(parseErrors.map { .init(field: "form", code: "unreadable", message: $0) }) }
            let entry = try await req.catalogService.createDraft(classCode: classCode, metadata: metadata, by: req.requirePrincipal())
            return req.redirect(to: CatalogPath.entryPage(entry.id!), redirectType: .normal)
        } catch {
            guard let (errors, status) = messages(error) else { throw error }
            return try await workspace(req, errors: errors, values: values, status: status)
        }
    }

    @Sendable static func registerSystem(_ req: Request) async throws -> Response {
        struct Form: Content { var name: String?; var purpose: String?; var deployment: String?; var network: String?; var contact_name: String?; var contact_phone: String? }
        let form = try req.content.decode(Form.self)
        do {
            _ = try await req.systemRegistry.register(.init(name: form.name, purpose: form.purpose, deployment: form.deployment, network: form.network, contactName: form.contact_name, contactPhone: form.contact_phone, serviceItems: []), by: req.requirePrincipal())
            return try await workspace(req, message: req.localized("system_requested"))
        } catch {
            guard let (errors, status) = messages(error) else { throw error }
            return try await workspace(req, errors: errors, status: status)
        }
    }

    @Sendable static func requestSystemChange(_ req: Request) async throws -> Response {
        struct Form: Content { var kind: String?; var new_name: String? }
        let form = try req.content.decode(Form.self)
        do {
            guard let id = req.parameters.get("id", as: UUID.self) else { throw CatalogError.notFound("信息系统") }
            guard let kind = SystemRequest.Kind(rawValue: form.kind ?? ""), kind != .register else {
                throw CatalogError.invalid([.init(field: "kind", code: "unknown-kind", message: "请选择更名、停用或退役。")])
            }
            _ = try await req.systemRegistry.request(kind, systemID: id, newName: form.new_name, by: req.requirePrincipal())
            return try await workspace(req, message: req.localized("system_request_filed"))
        } catch {
            guard let (errors, status) = messages(error) else { throw error }
            return try await workspace(req, errors: errors, status: status)
        }
    }

    @Sendable static func fileDemand(_ req: Request) async throws -> Response {
        struct Form: Content { var title: String?; var purpose: String?; var scenario: String?; var legal_basis: String?; var deadline: String? }
        let form = try req.content.decode(Form.self)
        do {
            let demand = try await req.demands.file(.init(title: form.title, purpose: form.purpose, scenario: form.scenario, legalBasis: form.legal_basis, deadline: form.deadline), by: req.requirePrincipal())
            return try await workspace(req, message: demand.status == .matched ? req.localized("demand_matched") : req.localized("demand_filed"))
        } catch {
            guard let (errors, status) = messages(error) else { throw error }
            return try await workspace(req, errors: errors, status: status)
        }
    }

    @Sendable static func importFile(_ req: Request) async throws -> Response {
        struct Form: Content { var file: File?; var mode: String? }
        let form = try req.content.decode(Form.self)
        do {
            guard let file = form.file, file.data.readableBytes > 0 else {
                throw CatalogError.invalid([.init(field: "file", code: "required", message: "请选择要导入的文件。")])
            }
            let mode = CatalogTransfer.Mode(rawValue: form.mode ?? "keep_valid") ?? .keepValid
            let report = try await CatalogTransfer(database: req.db, platform: req.platform).importTemplate(Data(buffer: file.data), mode: mode, by: req.requirePrincipal())
            let lines = ["共 \(report.rows) 行：新建 \(report.created.count) 条草稿，拒绝 \(report.rejected.count) 行" + (report.isSaved ? "。" : "，未保存任何内容。")]
                + report.rejected.map { "第 \($0.row) 行（\($0.name)）：\($0.errors.joined(separator: " "))" }
            return try await workspace(req, report: lines, status: report.rejected.isEmpty ? .ok : .unprocessableEntity)
        } catch {
            guard let (errors, status) = messages(error) else { throw error }
            return try await workspace(req, errors: errors, status: status)
        }
    }

    static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }

    static func dashboard(_ req: Request, message: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let report = try await CatalogStatistics(database: req.db, now: req.now).report()
        func row(_ r: CatalogStatistics.Row) -> DashboardPage.StatRow {
            .init(label: r.label, published: r.published, mounted: r.mounted, mountRate: percent(r.mountRate), timelinessRate: percent(r.timelinessRate))
        }
        let requests = try await SystemRequest.query(on: req.db).filter(\.$status == .pending).with(\.$system).sort(\.$createdAt).all()
        let directory = try await OrganisationDirectory.departments(on: req.db)
        let departments = Dictionary(uniqueKeysWithValues: directory.map { ($0.id, $0.name) })
        let hosted = try await HostedTable.query(on: req.db).sort(\.$name).all()
        let overdue = try await req.demands.overdue()
        let negativeDue = try await req.catalogService.negativeList(dueOnly: true, offset: 0, limit: 50)
        let model = DashboardPage(
            city: row(report.citywide), departments: report.byDepartment.map(row), divisions: report.byDivision.map(row),
            requests: requests.map { .init(id: $0.id!.uuidString.lowercased(), system: $0.system.name, kind: SystemRegistry.requestLabels[$0.kind] ?? $0.kind.rawValue, newName: $0.newName ?? "") },
            overdue: overdue.map { .init(title: $0.title, department: departments[$0.departmentID] ?? "", deadline: $0.deadline, status: DemandService.statusLabels[$0.status] ?? $0.status.rawValue) },
            awaitingPlatform: try await CatalogEntry.query(on: req.db).filter(\.$status == .platformReview).count(),
            negativeCount: try await PublishedEntry.query(on: req.db).filter(\.$shareType == 3).count(),
            negativeDue: negativeDue.items.map {
                .init(id: $0.id.uuidString.lowercased(), href: CatalogPath.entryPage($0.id), code: $0.code, name: $0.name, provider: $0.provider, basis: $0.basis, lastReviewed: Day($0.lastReviewedAt).description)
            },
            negativeDueMore: max(0, negativeDue.total - negativeDue.items.count),
            hostedTables: hosted.map { .init(name: $0.name, department: departments[$0.departmentID] ?? "", description: $0.description) },
            departmentOptions: directory.map { .init(id: $0.id.uuidString.lowercased(), name: $0.name) },
            canDecide: try await req.requirePrincipal().roles.contains(.platformAdmin),
            message: message)
        return try await req.renderPage("catalog/dashboard", title: "dashboard_title", model: model, console: true, status: status)
    }

    @Sendable static func reviewNegative(_ req: Request) async throws -> Response {
        struct Form: Content { var decision: String?; var reason: String? }
        let form = try req.content.decode(Form.self)
        do {
            guard let id = req.parameters.get("id", as: UUID.self) else { throw CatalogError.notFound("目录条目") }
            guard let decision = form.decision, ["confirm", "return"].contains(decision) else {
                throw CatalogError.invalid([.init(field: "decision", code: "unknown-decision", message: "请选择确认或退回。")])
            }
            _ = try await req.catalogService.reviewNegative(id, confirm: decision == "confirm", reason: form.reason, by: req.requirePrincipal())
            return try await dashboard(req, message: req.localized("negative_reviewed"))
        } catch {
            guard let (errors, status) = messages(error) else { throw error }
            return try await dashboard(req, message: errors.joined(separator: " "), status: status)
        }
    }

    @Sendable static func registerHostedTable(_ req: Request) async throws -> Response {
        struct Form: Content { var name: String?; var department_id: String?; var description: String? }
        let form = try req.content.decode(Form.self)
        do {
            guard let departmentID = form.department_id.flatMap(UUID.init(uuidString:)) else {
                throw CatalogError.invalid([.init(field: "department_id", code: "required", message: "请选择部门。")])
            }
            let table = try await req.mounts.registerHostedTable(name: form.name ?? "", departmentID: departmentID, description: form.description, by: req.requirePrincipal())
            return try await dashboard(req, message: req.localized("hosted_table_registered") + table.name)
        } catch {
            guard let (errors, status) = messages(error) else { throw error }
            return try await dashboard(req, message: errors.joined(separator: " "), status: status)
        }
    }

    @Sendable static func decideRequest(_ req: Request) async throws -> Response {
        struct Form: Content { var decision: String; var reason: String? }
        let form = try req.content.decode(Form.self)
        guard let id = req.parameters.get("id", as: UUID.self) else { throw CatalogError.notFound("系统请求") }
        do {
            let (_, secret) = try await req.systemRegistry.decide(id, .init(approve: form.decision == "approve", reason: form.reason), by: req.requirePrincipal())
            return try await dashboard(req, message: secret.map { req.localized("system_approved_secret") + $0 } ?? req.localized("action_done"))
        } catch {
            guard let (errors, status) = messages(error) else { throw error }
            return try await dashboard(req, message: errors.joined(separator: " "), status: status)
        }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }

    func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
