import Fluent
import Foundation
import Identity
import Vapor
import YiwangKit
import YiwangPlatform

/// 自建系统登记 — departments register their information systems; the city authority approves
/// registration, renaming, disabling and retirement.
public struct SystemRegistry: Sendable {
    public struct Registration: Content {
        public var name: String?
        public var purpose: String?
        public var deployment: String?
        public var network: String?
        public var contactName: String?
        public var contactPhone: String?
        public var serviceItems: [String]?
    }

    public struct Decision: Content {
        public var approve: Bool
        public var reason: String?
    }

    public static let deployments = ["gov_cloud": "政务云", "own_room": "自建机房"]
    public static let networks = ["extranet": "电子政务外网", "internet": "互联网", "private": "业务专网"]
    /// How pages name a system's status and a request's kind.
    static let statusLabels: [InformationSystem.Status: String] = [.pending: "待批准", .active: "在用", .disabled: "已停用", .retired: "已退役"]
    static let requestLabels: [SystemRequest.Kind: String] = [.register: "登记", .rename: "更名为", .disable: "停用", .retire: "退役"]

    let database: any Database
    let platform: Platform

    public init(database: any Database, platform: Platform) {
        self.database = database
        self.platform = platform
    }

    var now: Date { platform.clock.now() }

    /// Files a registration request; the system is pending until the city authority approves.
    public func register(_ input: Registration, by actor: Principal) async throws -> (InformationSystem, SystemRequest) {
        guard let departmentID = actor.departmentID, !actor.roles.isDisjoint(with: [.departmentStaff, .departmentAdmin]) else { throw CatalogError.notYourDepartment }
        var errors: [Problem.FieldError] = []
        let name = (input.name ?? "").trimmingCharacters(in: .whitespaces)
        if name.isEmpty || name.count > 100 { errors.append(.init(field: "name", code: "required", message: "请填写系统名称（100 字以内）。")) }
        if (input.purpose ?? "").trimmingCharacters(in: .whitespaces).isEmpty { errors.append(.init(field: "purpose", code: "required", message: "请填写建设用途。")) }
        if Self.deployments[input.deployment ?? ""] == nil { errors.append(.init(field: "deployment", code: "unknown-deployment", message: "部署方式应为 gov_cloud（政务云）或 own_room（自建机房）。")) }
        if Self.networks[input.network ?? ""] == nil { errors.append(.init(field: "network", code: "unknown-network", message: "网络应为 extranet、internet 或 private。")) }
        if (input.contactName ?? "").trimmingCharacters(in: .whitespaces).isEmpty { errors.append(.init(field: "contactName", code: "required", message: "请填写联系人。")) }
        if (try? MobileNumber(input.contactPhone ?? "")) == nil { errors.append(.init(field: "contactPhone", code: "invalid-phone", message: "联系电话应为 11 位手机号码。")) }
        if !errors.isEmpty { throw CatalogError.invalid(errors) }
        if try await InformationSystem.query(on: database).filter(\.$departmentID == departmentID).filter(\.$name == name).first() != nil {
            throw CatalogError.duplicateName(name)
        }
        let system = InformationSystem()
        system.departmentID = departmentID
        system.name = name
        system.purpose = input.purpose ?? ""
        system.deployment = input.deployment ?? ""
        system.network = input.network ?? ""
        system.contactName = input.contactName ?? ""
        system.contactPhone = (try? MobileNumber(input.contactPhone ?? ""))?.value ?? ""
        system.serviceItems = (input.serviceItems ?? []).joined(separator: "、")
        system.status = .pending
        let request = SystemRequest()
        try await database.transaction { db in
            try await system.create(on: db)
            request.$system.id = try system.requireID()
            request.kind = .register
            request.status = .pending
            request.requestedBy = actor.auditActor
            request.createdAt = now
            try await request.create(on: db)
            try await AuditLog.append(AuditEntry(actor: actor.auditActor, action: "catalog.system.request.register", target: "system:\(system.id!.uuidString.lowercased())", detail: ["name": name]), at: now, on: db)
        }
        return (system, request)
    }

    /// Files a rename, disable or retire request for one of the department's systems.
    public func request(_ kind: SystemRequest.Kind, systemID: UUID, newName: String?, by actor: Principal) async throws -> SystemRequest {
        guard kind != .register else { throw CatalogError.invalid([.init(field: "kind", code: "unknown-kind", message: "请求类型应为 rename、disable 或 retire。")]) }
        guard let system = try await InformationSystem.find(systemID, on: database) else { throw CatalogError.notFound("信息系统") }
        guard actor.departmentID == system.departmentID else { throw CatalogError.notYourDepartment }
        guard system.status != .retired, system.status != .pending else { throw CatalogError.wrongState(current: Self.statusLabels[system.status] ?? system.status.rawValue, action: "提出变更") }
        if kind == .disable, system.status == .disabled { throw CatalogError.wrongState(current: Self.statusLabels[system.status] ?? system.status.rawValue, action: "再次停用") }
        if kind == .rename, (newName ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw CatalogError.invalid([.init(field: "newName", code: "required", message: "请填写新名称。")])
        }
        let request = SystemRequest()
        request.$system.id = systemID
        request.kind = kind
        request.newName = kind == .rename ? newName?.trimmingCharacters(in: .whitespaces) : nil
        request.status = .pending
        request.requestedBy = actor.auditActor
        request.createdAt = now
        try await database.transaction { db in
            if try await SystemRequest.query(on: db).filter(\.$system.$id == systemID).filter(\.$status == .pending).first() != nil {
                throw CatalogError.requestPending
            }
            do {
                try await request.create(on: db)
            } catch let error as any DatabaseError where error.isConstraintFailure {
                // Another request for the system arrived between the check and the insert.
                throw CatalogError.requestPending
            }
            try await AuditLog.append(AuditEntry(actor: actor.auditActor, action: "catalog.system.request.\(kind.rawValue)", target: "system:\(systemID.uuidString.lowercased())"), at: now, on: db)
        }
        return request
    }

    /// The city authority decides a request; an approved registration gets client credentials from Identity.
    public func decide(_ requestID: UUID, _ decision: Decision, by actor: Principal) async throws -> (request: SystemRequest, clientSecret: String?) {
        guard actor.roles.contains(.platformAdmin) else { throw AccessError.forbidden }
        guard let request = try await SystemRequest.query(on: database).filter(\.$id == requestID).with(\.$system).first() else { throw CatalogError.notFound("系统变更请求") }
        guard request.status == .pending else { throw CatalogError.wrongState(current: request.status.rawValue, action: "审批") }
        if !decision.approve, (decision.reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty { throw CatalogError.reasonRequired }
        let system = request.system
        let now = self.now
        let secret: String? = try await database.transaction { db -> String? in
            var secret: String?
            request.status = decision.approve ? .approved : .rejected
            request.decidedBy = actor.auditActor
            request.decidedAt = now
            request.reason = decision.reason
            try await request.save(on: db)
            if decision.approve {
                switch request.kind {
                case .register:
                    system.status = .active
                    let clientID = "system-" + system.id!.uuidString.lowercased().prefix(8)
                    let created = try await Clients.register(
                        id: String(clientID), name: system.name, redirectURIs: [], scopes: ["catalog.read"], grantTypes: ["client_credentials"],
                        departmentID: system.departmentID, actor: actor.auditActor, platform: platform, on: db)
                    system.clientID = created.clientID
                    secret = created.clientSecret
                case .rename: system.name = request.newName ?? system.name
                case .disable, .retire:
                    system.status = request.kind == .disable ? .disabled : .retired
                    // A system that is off gets no more tokens.
                    if let clientID = system.clientID { try await Clients.setDisabled(clientID, true, on: db) }
                }
                try await system.save(on: db)
            } else if request.kind == .register {
                system.status = .retired
                try await system.save(on: db)
            }
            try await AuditLog.append(
                AuditEntry(actor: actor.auditActor, action: "catalog.system.request.\(decision.approve ? "approve" : "reject")", target: "system:\(system.id!.uuidString.lowercased())", detail: ["kind": request.kind.rawValue, "reason": decision.reason ?? ""]),
                at: now, on: db)
            return secret
        }
        return (request, secret)
    }
}
