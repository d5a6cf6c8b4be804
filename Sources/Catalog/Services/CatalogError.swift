import Foundation
import YiwangKit
import YiwangPlatform

/// Everything the catalog part refuses, each with a stable problem type.
public enum CatalogError: Error, ProblemConvertible, Equatable {
    case invalid([Problem.FieldError])
    case notFound(String)
    case notYourDepartment
    case reviewerIsMaker
    case wrongState(current: String, action: String)
    case reasonRequired
    case duplicateName(String)
    case unknownClass(String)
    case unsafeMountURL(String)
    case hostedTableExists(String)
    case requestPending

    public var problem: Problem {
        switch self {
        case .invalid(let errors): return .invalid(errors)
        case .notFound(let what): return .notFound(what)
        case .notYourDepartment:
            return Problem(slug: "catalog-not-your-department", title: "不属于本部门", status: 403, detail: "只能处理本部门的目录、系统和挂接。")
        case .reviewerIsMaker:
            return Problem(slug: "catalog-reviewer-is-maker", title: "不能审核自己提交的内容", status: 403, detail: "编目人与审核人必须是不同的人。")
        case .wrongState(let current, let action):
            return Problem(slug: "catalog-wrong-state", title: "当前状态不能执行此操作", status: 409, detail: "条目当前为“\(current)”，不能\(action)。")
        case .reasonRequired:
            return Problem(slug: "catalog-reason-required", title: "需要说明理由", status: 422, detail: "退回、驳回和撤销都需要写明理由。", errors: [.init(field: "reason", code: "required", message: "请填写理由。")])
        case .duplicateName(let name):
            return Problem(slug: "catalog-duplicate-name", title: "名称重复", status: 409, detail: "本部门已有名为“\(name)”的信息资源。")
        case .unknownClass(let code):
            return Problem(slug: "catalog-unknown-class", title: "未知的资源分类", status: 422, detail: "资源分类 \(code) 不存在。", errors: [.init(field: "classCode", code: "unknown-class", message: "资源分类 \(code) 不存在。")])
        case .hostedTableExists(let name):
            return Problem(slug: "catalog-hosted-table-exists", title: "归集表已登记", status: 409, detail: "数据表 \(name) 已经登记过。")
        case .requestPending:
            return Problem(slug: "catalog-request-pending", title: "已有待审批的申请", status: 409, detail: "这个系统已有一项申请等待城市管理员审批，审批后再提出新的申请。")
        case .unsafeMountURL(let reason):
            return Problem(slug: "catalog-unsafe-mount-url", title: "挂接地址不可用", status: 422, detail: reason, errors: [.init(field: "target", code: "unsafe-url", message: reason)])
        }
    }
}
