import Foundation
import YiwangKit
import YiwangPlatform

/// Everything the identity part refuses, each with a stable problem type.
public enum IdentityError: Error, ProblemConvertible, Equatable {
    case invalidFields([Problem.FieldError])
    case phoneAlreadyRegistered
    case smsCodeInvalid
    case smsCodeExpired
    case smsRateLimited
    case wrongCredentials
    case locked
    case secondFactorRequired
    case secondFactorInvalid
    case identityNotVerified
    case unknownAccount
    case unknownDepartment
    case duplicate(String)

    public var problem: Problem {
        switch self {
        case .invalidFields(let errors): return .invalid(errors)
        case .phoneAlreadyRegistered:
            return Problem(slug: "phone-already-registered", title: "手机号已注册", status: 409, detail: "该手机号已注册，请直接登录或找回密码。")
        case .smsCodeInvalid:
            return Problem(slug: "sms-code-invalid", title: "验证码不正确", status: 422, detail: "短信验证码不正确或已使用，请重新获取。")
        case .smsCodeExpired:
            return Problem(slug: "sms-code-expired", title: "验证码已过期", status: 422, detail: "短信验证码已过期，请重新获取。")
        case .smsRateLimited:
            return Problem(slug: "sms-rate-limited", title: "发送过于频繁", status: 429, detail: "验证码发送过于频繁，请一分钟后再试。")
        case .wrongCredentials:
            return Problem(slug: "wrong-credentials", title: "账号或密码错误", status: 401, detail: "账号或密码错误。多次错误后账号将被暂时锁定。")
        case .locked:
            return Problem(slug: "sign-in-locked", title: "登录已暂停", status: 429, detail: "登录失败次数过多，请 15 分钟后再试，或通过“忘记密码”重置。")
        case .secondFactorRequired:
            return Problem(slug: "second-factor-required", title: "需要动态口令", status: 401, detail: "请输入身份验证器上的 6 位动态口令。")
        case .secondFactorInvalid:
            return Problem(slug: "second-factor-invalid", title: "动态口令不正确", status: 401, detail: "动态口令不正确，请核对身份验证器上的时间和口令。")
        case .identityNotVerified:
            return Problem(slug: "identity-not-verified", title: "实名核验未通过", status: 422, detail: "姓名与身份证号码核验不一致，请核对后重试。")
        case .unknownAccount:
            return Problem(slug: "unknown-account", title: "账号不存在", status: 404, detail: "找不到该账号。")
        case .unknownDepartment:
            return Problem(slug: "unknown-department", title: "部门不存在", status: 422, detail: "找不到该部门。")
        case .duplicate(let what):
            return Problem(slug: "duplicate", title: "已存在", status: 409, detail: "\(what)已存在。")
        }
    }
}

/// Validates outside input into typed values, collecting every field error at once.
struct FieldValidator {
    var errors: [Problem.FieldError] = []

    mutating func mobile(_ raw: String?, field: String = "phone") -> MobileNumber? {
        guard let raw, !raw.trimmingCharacters(in: .whitespaces).isEmpty else {
            errors.append(.init(field: field, code: "required", message: "请填写手机号。"))
            return nil
        }
        do { return try MobileNumber(raw) } catch {
            errors.append(.init(field: field, code: error.code, message: "手机号应为 11 位、以 1 开头的中国大陆手机号码。"))
            return nil
        }
    }

    mutating func citizenID(_ raw: String?, today: Day, field: String = "citizen_id") -> CitizenID? {
        guard let raw, !raw.isEmpty else {
            errors.append(.init(field: field, code: "required", message: "请填写身份证号码。"))
            return nil
        }
        do { return try CitizenID(raw, today: today) } catch {
            errors.append(error.fieldError(field))
            return nil
        }
    }

    mutating func creditCode(_ raw: String?, field: String = "credit_code") -> CreditCode? {
        guard let raw, !raw.isEmpty else {
            errors.append(.init(field: field, code: "required", message: "请填写统一社会信用代码。"))
            return nil
        }
        do { return try CreditCode(raw) } catch {
            errors.append(error.fieldError(field))
            return nil
        }
    }

    /// At least 8 characters with letters and digits; the platform's minimum for every account.
    mutating func newPassword(_ raw: String?, field: String = "password") -> String? {
        guard let raw, !raw.isEmpty else {
            errors.append(.init(field: field, code: "required", message: "请设置密码。"))
            return nil
        }
        let hasLetter = raw.contains { $0.isLetter }, hasDigit = raw.contains { $0.isNumber }
        guard raw.count >= 8, raw.count <= 72, hasLetter, hasDigit else {
            errors.append(.init(field: field, code: "weak-password", message: "密码需 8–72 位，且同时包含字母和数字。"))
            return nil
        }
        return raw
    }

    mutating func text(_ raw: String?, field: String, label: String, maxLength: Int = 100) -> String? {
        let value = raw?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !value.isEmpty else {
            errors.append(.init(field: field, code: "required", message: "请填写\(label)。"))
            return nil
        }
        guard value.count <= maxLength else {
            errors.append(.init(field: field, code: "too-long", message: "\(label)不能超过 \(maxLength) 个字。"))
            return nil
        }
        return value
    }

    mutating func code(_ raw: String?, field: String = "code") -> String? {
        let value = raw?.trimmingCharacters(in: .whitespaces) ?? ""
        guard value.count == 6, value.allSatisfy(\.isASCII), value.allSatisfy(\.isNumber) else {
            errors.append(.init(field: field, code: "invalid-code", message: "请输入 6 位数字验证码。"))
            return nil
        }
        return value
    }

    func check() throws(IdentityError) {
        if !errors.isEmpty { throw .invalidFields(errors) }
    }
}
