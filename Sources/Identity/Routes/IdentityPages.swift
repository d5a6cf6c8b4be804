import Fluent
import Foundation
import Vapor
import YiwangKit
import YiwangPlatform

/// A form page's model: what was typed (never passwords) and what went wrong.
struct FormPage: Encodable, Sendable {
    var values: [String: String] = [:]
    var errors: [String] = []
    var notice: String?
    var returnTo: String = IdentityPath.home.rawValue

    private enum CodingKeys: String, CodingKey { case values, errors, notice, returnTo, hasErrors }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(values, forKey: .values)
        try container.encode(errors, forKey: .errors)
        try container.encodeIfPresent(notice, forKey: .notice)
        try container.encode(returnTo, forKey: .returnTo)
        try container.encode(!errors.isEmpty, forKey: .hasErrors)
    }
}

struct HomePage: Encodable, Sendable {
    struct Card: Encodable, Sendable { var title: String; var body: String }
    var isSignedIn: Bool
    var displayName: String?
    var phone: String?
    var level: String?
    var levelNumber: Int
    var canVerify: Bool
    var isStaff: Bool
    var cards: [Card]
}

struct ConsentPage: Encodable, Sendable {
    var clientName: String
    var scopes: [String]
    var authorizeQuery: String
}

/// Citizen-facing pages: home, sign-in, registration, password reset, real-name verification, consent.
enum IdentityPages {
    static func register(on routes: any RoutesBuilder) {
        routes.endpoint(.GET, IdentityPath.home.components, access: .anyone, kind: .page, use: home)
        routes.endpoint(.GET, IdentityPath.login.components, access: .anyone, kind: .page) { req in
            try await req.renderPage("identity/login", title: "login_title", model: FormPage(returnTo: IdentityPath.safeReturnTarget(req.query["return_to"])))
        }
        routes.endpoint(.POST, IdentityPath.login.components, access: .anyone, kind: .page, use: signIn)
        routes.endpoint(.POST, IdentityPath.logout.components, access: .anyone, kind: .page) { req async throws -> Response in
            let response = req.redirect(to: IdentityPath.home.rawValue, redirectType: .normal)
            try await Sessions.end(request: req, response: response)
            return response
        }
        routes.endpoint(.GET, IdentityPath.register.components, access: .anyone, kind: .page) { req in
            try await req.renderPage("identity/register", title: "register_title", model: FormPage(values: ["phone": req.query["phone"] ?? ""]))
        }
        routes.endpoint(.POST, IdentityPath.registerCode.components, access: .anyone, kind: .page) { req async throws -> Response in
            struct Form: Content { var phone: String? }
            let form = try req.content.decode(Form.self)
            var page = FormPage(values: ["phone": form.phone ?? ""])
            do {
                try await req.accounts.sendCode(to: form.phone, purpose: .register, sourceAddress: req.clientAddress)
                page.notice = req.localized("code_sent")
                page.values["codeSent"] = "1"
            } catch let error as IdentityError {
                page.errors = messages(error)
            }
            return try await req.renderPage("identity/register", title: "register_title", model: page, status: page.errors.isEmpty ? .ok : .unprocessableEntity)
        }
        routes.endpoint(.POST, IdentityPath.register.components, access: .anyone, kind: .page) { req async throws -> Response in
            struct Form: Content { var phone: String?; var code: String?; var password: String?; var password_confirm: String? }
            let form = try req.content.decode(Form.self)
            var page = FormPage(values: ["phone": form.phone ?? "", "codeSent": "1"])
            do {
                guard form.password == form.password_confirm else {
                    throw IdentityError.invalidFields([.init(field: "password_confirm", code: "mismatch", message: "两次输入的密码不一致。")])
                }
                let account = try await req.accounts.registerCitizen(phone: form.phone, code: form.code, password: form.password, sourceAddress: req.clientAddress)
                let response = req.redirect(to: IdentityPath.home.rawValue, redirectType: .normal)
                _ = try await Sessions.start(for: account, request: req, response: response)
                return response
            } catch let error as IdentityError {
                page.errors = messages(error)
            }
            return try await req.renderPage("identity/register", title: "register_title", model: page, status: .unprocessableEntity)
        }
        routes.endpoint(.GET, IdentityPath.forgotPassword.components, access: .anyone, kind: .page) { req in
            try await req.renderPage("identity/forgot", title: "forgot_title", model: FormPage())
        }
        routes.endpoint(.POST, IdentityPath.forgotPassword.components, access: .anyone, kind: .page) { req async throws -> Response in
            struct Form: Content { var phone: String? }
            let form = try req.content.decode(Form.self)
            var page = FormPage(values: ["phone": form.phone ?? ""])
            do {
                try await req.accounts.sendCode(to: form.phone, purpose: .resetPassword, sourceAddress: req.clientAddress)
                page.notice = req.localized("reset_code_sent")
                return try await req.renderPage("identity/reset", title: "reset_title", model: page)
            } catch let error as IdentityError {
                page.errors = messages(error)
                return try await req.renderPage("identity/forgot", title: "forgot_title", model: page, status: .unprocessableEntity)
            }
        }
        routes.endpoint(.POST, IdentityPath.resetPassword.components, access: .anyone, kind: .page) { req async throws -> Response in
            struct Form: Content { var phone: String?; var code: String?; var password: String? }
            let form = try req.content.decode(Form.self)
            var page = FormPage(values: ["phone": form.phone ?? ""])
            do {
                try await req.accounts.resetPassword(phone: form.phone, code: form.code, password: form.password, sourceAddress: req.clientAddress)
                page.notice = req.localized("password_reset_done")
                return try await req.renderPage("identity/login", title: "login_title", model: page)
            } catch let error as IdentityError {
                page.errors = messages(error)
                return try await req.renderPage("identity/reset", title: "reset_title", model: page, status: .unprocessableEntity)
            }
        }
        routes.endpoint(.GET, IdentityPath.verify.components, access: .signedIn, kind: .page) { req in
            try await req.renderPage("identity/verify", title: "verify_title", model: FormPage(returnTo: IdentityPath.safeReturnTarget(req.query["return_to"])))
        }
        routes.endpoint(.POST, IdentityPath.verify.components, access: .signedIn, kind: .page) { req async throws -> Response in
            struct Form: Content { var name: String?; var citizen_id: String?; var return_to: String? }
            let form = try req.content.decode(Form.self)
            let principal = try await req.requirePrincipal()
            guard let id = principal.accountID, let account = try await Account.find(id, on: req.db) else { throw AccessError.unauthenticated }
            var page = FormPage(values: ["name": form.name ?? ""], returnTo: IdentityPath.safeReturnTarget(form.return_to))
            do {
                try await req.accounts.verifyIdentity(of: account, name: form.name, citizenID: form.citizen_id, sourceAddress: req.clientAddress)
                return req.redirect(to: page.returnTo, redirectType: .normal)
            } catch let error as IdentityError {
                page.errors = messages(error)
            }
            return try await req.renderPage("identity/verify", title: "verify_title", model: page, status: .unprocessableEntity)
        }
        routes.endpoint(.GET, IdentityPath.enterprise.components, access: .signedIn, kind: .page) { req in
            try await enterprisePage(req, form: FormPage())
        }
        routes.endpoint(.POST, IdentityPath.enterprise.components, access: .signedIn, kind: .page) { req async throws -> Response in
            struct Form: Content { var name: String?; var credit_code: String?; var legal_person_name: String? }
            let form = try req.content.decode(Form.self)
            let principal = try await req.requirePrincipal()
            guard let id = principal.accountID, let account = try await Account.find(id, on: req.db) else { throw AccessError.unauthenticated }
            do {
                let enterprise = try await req.organisations.registerEnterprise(name: form.name, creditCode: form.credit_code, legalPersonName: form.legal_person_name, representative: account, sourceAddress: req.clientAddress)
                return try await enterprisePage(req, form: FormPage(notice: req.localized("enterprise_registered") + enterprise.name))
            } catch let error as IdentityError {
                let values = ["name": form.name ?? "", "credit_code": form.credit_code ?? "", "legal_person_name": form.legal_person_name ?? ""]
                return try await enterprisePage(req, form: FormPage(values: values, errors: messages(error)), status: .unprocessableEntity)
            }
        }
        routes.endpoint(.GET, IdentityPath.security.components, access: .signedIn, kind: .page) { req in
            try await securityPage(req, form: FormPage(), secret: TOTPCheck.makeSecret(using: req.platform.secrets))
        }
        routes.endpoint(.POST, IdentityPath.security.components, access: .signedIn, kind: .page) { req async throws -> Response in
            struct Form: Content { var secret: String; var code: String }
            let form = try req.content.decode(Form.self)
            let principal = try await req.requirePrincipal()
            guard let id = principal.accountID, let account = try await Account.find(id, on: req.db) else { throw AccessError.unauthenticated }
            do {
                try await req.accounts.enrolSecondFactor(for: account, secret: form.secret, code: form.code, session: Sessions.current(for: req), sourceAddress: req.clientAddress)
                req.forgetPrincipal()
                return try await securityPage(req, form: FormPage(notice: req.localized("totp_enrolled")), secret: nil)
            } catch let error as IdentityError {
                return try await securityPage(req, form: FormPage(errors: messages(error)), secret: form.secret, status: .unprocessableEntity)
            }
        }
        OIDCPages.register(on: routes)
    }

    struct EnterprisePage: Encodable, Sendable {
        struct Row: Encodable, Sendable { var name: String; var creditCode: String }
        var form: FormPage
        var enterprises: [Row]
        var canRegister: Bool
    }

    static func enterprisePage(_ req: Request, form: FormPage, status: HTTPResponseStatus = .ok) async throws -> Response {
        let principal = try await req.requirePrincipal()
        let id = principal.accountID ?? UUID()
        let rows = try await Enterprise.query(on: req.db).filter(\.$representative.$id == id).sort(\.$name).all().map { EnterprisePage.Row(name: $0.name, creditCode: $0.creditCode) }
        let model = EnterprisePage(form: form, enterprises: rows, canRegister: principal.assuranceLevel >= AssuranceLevel.identityVerified.rawValue)
        return try await req.renderPage("identity/enterprise", title: "enterprise_title", model: model, status: status)
    }

    struct SecurityPage: Encodable, Sendable {
        var form: FormPage
        var hasSecondFactor: Bool
        var secret: String?
        var provisioningURI: String?
    }

    static func securityPage(_ req: Request, form: FormPage, secret: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let principal = try await req.requirePrincipal()
        guard let id = principal.accountID, let account = try await Account.find(id, on: req.db) else { throw AccessError.unauthenticated }
        let enrolled = account.totpSecret != nil
        var uri: String?
        if !enrolled, let secret {
            var components = URLComponents()
            components.scheme = "otpauth"
            components.host = "totp"
            components.path = "/Yiwang:\(account.login)"
            components.queryItems = [URLQueryItem(name: "secret", value: secret), URLQueryItem(name: "issuer", value: "Yiwang")]
            uri = components.string
        }
        let model = SecurityPage(form: form, hasSecondFactor: enrolled, secret: enrolled ? nil : secret, provisioningURI: uri)
        return try await req.renderPage("identity/security", title: "security_title", model: model, status: status)
    }

    static func messages(_ error: IdentityError) -> [String] { error.problem.pageMessages }

    @Sendable static func home(_ req: Request) async throws -> Response {
        let principal = try await req.principal()
        var model = HomePage(isSignedIn: false, levelNumber: 0, canVerify: false, isStaff: false, cards: [])
        if let id = principal?.accountID, let account = try await Account.find(id, on: req.db) {
            model.isSignedIn = true
            model.displayName = account.displayName
            model.phone = account.phone.map(Masking.mobile)
            model.level = req.localized("level_\(account.assuranceLevel)")
            model.levelNumber = account.assuranceLevel
            model.canVerify = account.level < .identityVerified
            model.isStaff = principal?.isStaff ?? false
        }
        model.cards = ["query", "book", "handle", "pay"].map { .init(title: req.localized("card_\($0)"), body: req.localized("card_\($0)_body")) }
        return try await req.renderPage("identity/home", title: "home_title", model: model)
    }

    @Sendable static func signIn(_ req: Request) async throws -> Response {
        struct Form: Content { var login: String?; var password: String?; var totp: String?; var return_to: String? }
        let form = try req.content.decode(Form.self)
        let returnTo = IdentityPath.safeReturnTarget(form.return_to)
        var page = FormPage(values: ["login": form.login ?? ""], returnTo: returnTo)
        do {
            let account = try await req.accounts.authenticate(login: form.login, password: form.password, totp: form.totp, sourceAddress: req.clientAddress)
            let response = req.redirect(to: returnTo, redirectType: .normal)
            // A fresh session on every sign-in, so a fixed cookie cannot be planted beforehand.
            try await Sessions.end(request: req, response: response)
            _ = try await Sessions.start(for: account, request: req, response: response)
            return response
        } catch let error as IdentityError {
            page.errors = messages(error)
            if error == .secondFactorRequired || error == .secondFactorInvalid { page.values["needsTOTP"] = "1" }
            let status: HTTPResponseStatus = error == .locked ? .tooManyRequests : .unauthorized
            return try await req.renderPage("identity/login", title: "login_title", model: page, status: status)
        }
    }
}
