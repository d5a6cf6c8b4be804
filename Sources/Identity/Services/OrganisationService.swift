import Fluent
import Foundation
import Vapor
import YiwangKit
import YiwangPlatform

/// 组织机构 — departments and enterprises: who may add them and what makes them valid.
public struct OrganisationService: Sendable {
    let database: any Database
    let platform: Platform

    public init(database: any Database, platform: Platform) {
        self.database = database
        self.platform = platform
    }

    public struct NewDepartment: Content {
        public var name: String?
        public var shortName: String?
        public var creditCode: String?
        public var level: String?
        public var kind: String?
        public var division: String?
        public var parentCreditCode: String?
    }

    static let levels = ["city", "county"]
    static let kinds = ["committee", "bureau", "office", "centre", "institution", "association"]

    /// Adds a department after checking its credit code, division and parent.
    public func createDepartment(_ input: NewDepartment, actor: Principal) async throws -> Department {
        var validator = FieldValidator()
        let name = validator.text(input.name, field: "name", label: "部门名称", maxLength: 60)
        let code = validator.creditCode(input.creditCode, field: "creditCode")
        let level = input.level ?? "city"
        if !Self.levels.contains(level) { validator.errors.append(.init(field: "level", code: "unknown-level", message: "层级只能是 city（市级）或 county（县级）。")) }
        let kind = input.kind ?? "bureau"
        if !Self.kinds.contains(kind) { validator.errors.append(.init(field: "kind", code: "unknown-kind", message: "单位类型不正确。")) }
        var division: Division?
        if let raw = input.division, (try? DivisionCode(raw)) != nil {
            division = try await Division.find(raw, on: database)
            if division == nil { validator.errors.append(.init(field: "division", code: "unknown-division", message: "未知的区划代码 \(raw)。")) }
            else if division?.isCurrent == false { validator.errors.append(.init(field: "division", code: "retired-division", message: "区划 \(raw) 已撤销，不能再设立部门。")) }
        } else {
            validator.errors.append(.init(field: "division", code: "invalid-division", message: "请填写 6 位区划代码。"))
        }
        var parentID: UUID?
        if let parentCode = input.parentCreditCode, !parentCode.isEmpty {
            parentID = try await Department.query(on: database).filter(\.$creditCode == parentCode).first()?.id
            if parentID == nil { validator.errors.append(.init(field: "parentCreditCode", code: "unknown-parent", message: "找不到上级单位。")) }
        }
        try validator.check()
        guard let name, let code, let division else { throw IdentityError.invalidFields([]) }
        if try await Department.query(on: database).group(.or, { $0.filter(\.$name == name).filter(\.$creditCode == code.value) }).first() != nil {
            throw IdentityError.duplicate("同名或同一信用代码的部门")
        }
        let department = Department(
            name: name, shortName: input.shortName?.trimmingCharacters(in: .whitespaces).nonEmpty ?? name, creditCode: code.value,
            level: level, kind: kind, divisionCode: division.id!, parentID: parentID)
        try await database.transaction { db in
            try await department.create(on: db)
            try await AuditLog.append(
                AuditEntry(actor: actor.auditActor, action: "department.create", target: "department:\(department.id!.uuidString.lowercased())", detail: ["name": name, "credit_code": code.value]),
                at: platform.clock.now(), on: db)
        }
        return department
    }

    /// Registers an enterprise represented by a verified (L2+) citizen, who gains the enterprise role.
    public func registerEnterprise(name rawName: String?, creditCode rawCode: String?, legalPersonName rawLegal: String?, representative account: Account, sourceAddress: String) async throws -> Enterprise {
        guard account.level >= .identityVerified else { throw IdentityError.identityNotVerified }
        var validator = FieldValidator()
        let name = validator.text(rawName, field: "name", label: "企业名称", maxLength: 100)
        let code = validator.creditCode(rawCode, field: "creditCode")
        let legal = validator.text(rawLegal, field: "legalPersonName", label: "法定代表人姓名", maxLength: 30)
        try validator.check()
        guard let name, let code, let legal else { throw IdentityError.invalidFields([]) }
        if try await Enterprise.query(on: database).filter(\.$creditCode == code.value).first() != nil {
            throw IdentityError.duplicate("该统一社会信用代码的企业账号")
        }
        let enterprise = Enterprise(name: name, creditCode: code.value, legalPersonName: legal, representativeID: try account.requireID())
        let now = platform.clock.now()
        try await database.transaction { db in
            try await enterprise.create(on: db)
            account.roles.insert(.enterprise)
            try await account.save(on: db)
            try await AuditLog.append(
                AuditEntry(actor: "account:\(account.id!.uuidString.lowercased())", action: "enterprise.register", target: "enterprise:\(code.value)", sourceAddress: sourceAddress, detail: ["name": name, "legal_person": Masking.name(legal)]),
                at: now, on: db)
        }
        return enterprise
    }
}

