import Fluent
import Foundation
import Vapor
import YiwangKit
import YiwangPlatform

/// Who may create which staff accounts: platform administrators any staff role in any department
/// (new platform administrators only through the CLI); department administrators window staff
/// in their own department.
public struct StaffRequest: Content {
    public var login: String?
    public var displayName: String?
    public var password: String?
    public var role: String?
    public var departmentCreditCode: String?
    public var phone: String?
}

public struct StaffCreated: Content {
    public var account: AccountView
    /// Shown once, for roles that must use a second factor.
    public var totpSecret: String?
}

extension AccountService {
    public func createStaff(_ input: StaffRequest, by actor: Principal) async throws -> StaffCreated {
        guard let role = input.role.flatMap(Role.init(rawValue:)), Role.staff.contains(role), role != .platformAdmin else {
            throw IdentityError.invalidFields([.init(field: "role", code: "unknown-role", message: "角色只能是 department_admin、department_staff 或 auditor。")])
        }
        var departmentID: UUID?
        if let code = input.departmentCreditCode, !code.isEmpty {
            guard let department = try await Department.query(on: database).filter(\.$creditCode == code).first() else { throw IdentityError.unknownDepartment }
            departmentID = department.id
        }
        if !actor.roles.contains(.platformAdmin) {
            // A department administrator adds window staff to their own department only.
            guard actor.roles.contains(.departmentAdmin), role == .departmentStaff else { throw AccessError.forbidden }
            guard departmentID == nil || departmentID == actor.departmentID else { throw AccessError.forbidden }
            departmentID = actor.departmentID
        }
        if role != .auditor, departmentID == nil {
            throw IdentityError.invalidFields([.init(field: "departmentCreditCode", code: "required", message: "部门工作人员须属于一个部门，请填写部门的统一社会信用代码。")])
        }
        let created = try await createStaff(
            login: input.login ?? "", displayName: input.displayName ?? "", password: input.password ?? "", roles: [role],
            departmentID: departmentID, phone: input.phone, actor: actor.auditActor)
        return StaffCreated(account: AccountView(created.account), totpSecret: created.totpSecret)
    }
}
