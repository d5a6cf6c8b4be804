import Fluent
import Foundation
import Identity
import Vapor
import YiwangKit
import YiwangPlatform

/// 需求清单 — what departments need; matched to published entries or sent to the likely provider.
public struct DemandService: Sendable {
    /// How pages name a demand's status.
    static let statusLabels: [Demand.Status: String] = [.open: "待匹配", .matched: "已匹配", .assigned: "已分派", .fulfilled: "已满足", .closed: "已关闭"]

    public struct NewDemand: Content {
        public var title: String?
        public var purpose: String?
        public var scenario: String?
        public var legalBasis: String?
        public var deadline: String?
    }

    let database: any Database
    let platform: Platform

    public init(database: any Database, platform: Platform) {
        self.database = database
        self.platform = platform
    }

    var today: Day { Day(platform.clock.now()) }

    /// Records a demand; it is matched at once if the published catalog already has the data.
    public func file(_ input: NewDemand, by actor: Principal) async throws -> Demand {
        guard let departmentID = actor.departmentID, !actor.roles.isDisjoint(with: [.departmentStaff, .departmentAdmin]) else { throw CatalogError.notYourDepartment }
        var errors: [Problem.FieldError] = []
        func need(_ value: String?, _ field: String, _ label: String) -> String {
            let text = (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty { errors.append(.init(field: field, code: "required", message: "请填写\(label)。")) }
            return text
        }
        let title = need(input.title, "title", "所需数据")
        let purpose = need(input.purpose, "purpose", "用途")
        let scenario = need(input.scenario, "scenario", "应用场景")
        let basis = need(input.legalBasis, "legalBasis", "依据")
        var deadline = today.adding(days: 30)
        if let raw = input.deadline, !raw.isEmpty {
            if let day = Day(iso: raw), day > today { deadline = day } else { errors.append(.init(field: "deadline", code: "invalid-deadline", message: "期限应为今天之后的日期（YYYY-MM-DD）。")) }
        }
        if !errors.isEmpty { throw CatalogError.invalid(errors) }
        let demand = Demand()
        demand.departmentID = departmentID
        demand.title = title
        demand.purpose = purpose
        demand.scenario = scenario
        demand.legalBasis = basis
        demand.deadline = deadline.description
        demand.status = .open
        demand.createdBy = actor.auditActor
        demand.createdAt = platform.clock.now()
        let match = try await SearchIndex.search(CatalogQuery(text: title, limit: 1, facets: []), viewer: .government, on: database).entries.first
        if let match {
            demand.status = .matched
            demand.matchedEntryID = match.id
        }
        try await database.transaction { db in
            try await demand.create(on: db)
            try await AuditLog.append(AuditEntry(actor: actor.auditActor, action: "catalog.demand.file", target: "demand:\(demand.id!.uuidString.lowercased())", detail: ["title": title, "matched": match?.code ?? ""]), at: platform.clock.now(), on: db)
        }
        return demand
    }

    /// The city authority sends an unmatched demand to the department likely to hold the data.
    public func assign(_ id: UUID, to departmentID: UUID, by actor: Principal) async throws -> Demand {
        guard actor.roles.contains(.platformAdmin) else { throw AccessError.forbidden }
        guard let demand = try await Demand.find(id, on: database) else { throw CatalogError.notFound("需求") }
        guard try await OrganisationDirectory.department(departmentID, on: database) != nil else { throw CatalogError.notFound("部门") }
        guard demand.status == .open || demand.status == .assigned else { throw CatalogError.wrongState(current: demand.status.rawValue, action: "分派") }
        try await database.transaction { db in
            demand.status = .assigned
            demand.assignedDepartmentID = departmentID
            try await demand.save(on: db)
            try await AuditLog.append(AuditEntry(actor: actor.auditActor, action: "catalog.demand.assign", target: "demand:\(id.uuidString.lowercased())", detail: ["department": departmentID.uuidString.lowercased()]), at: platform.clock.now(), on: db)
        }
        return demand
    }

    /// Demands that nothing answers after their deadline: the city authority's backlog.
    public func overdue() async throws -> [Demand] {
        let today = self.today.description
        return try await Demand.query(on: database).filter(\.$status ~~ [.open, .assigned]).filter(\.$deadline < today).sort(\.$deadline).all()
    }
}
