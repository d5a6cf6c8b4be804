import Fluent
import Foundation
import Vapor
import YiwangKit
import YiwangPlatform

/// Public views of identity records; personal data is masked unless the viewer may see it.
public struct AccountView: Content {
    public var id: UUID
    public var displayName: String
    public var phone: String?
    public var roles: [String]
    public var assuranceLevel: Int
    public var assuranceLabel: String
    public var citizenID: String?
    public var departmentID: UUID?
    public var hasSecondFactor: Bool

    init(_ account: Account) {
        id = account.id!
        displayName = account.displayName
        phone = account.phone.map(Masking.mobile)
        roles = account.roles.map(\.rawValue).sorted()
        assuranceLevel = account.assuranceLevel
        assuranceLabel = account.level.label
        citizenID = account.citizenID.map(Masking.idNumber)
        departmentID = account.$department.id
        hasSecondFactor = account.totpSecret != nil
    }
}

struct DivisionView: Content {
    var code: String
    var name: String
    var level: String
    var parent: String?
    var validFrom: String?
    var validTo: String?
}

struct DepartmentView: Content {
    var id: UUID
    var name: String
    var shortName: String
    var creditCode: String
    var level: String
    var kind: String
    var division: String
    var parentID: UUID?

    init(_ department: Department) {
        id = department.id!
        name = department.name
        shortName = department.shortName
        creditCode = department.creditCode
        level = department.level
        kind = department.kind
        division = department.divisionCode
        parentID = department.$parent.id
    }
}

struct EnterpriseView: Content {
    var id: UUID
    var name: String
    var creditCode: String
    var legalPersonName: String

    init(_ enterprise: Enterprise) {
        id = enterprise.id!
        name = enterprise.name
        creditCode = enterprise.creditCode
        legalPersonName = Masking.name(enterprise.legalPersonName)
    }
}

struct ClientRegistration: Content {
    var clientID: String
    var name: String
    var redirectURIs: [String]
    var postLogoutRedirectURIs: [String]?
    var scopes: [String]
    var grantTypes: [String]?
    var isPublic: Bool?
    var isFirstParty: Bool?
    var departmentID: UUID?
}

struct ClientCreated: Content {
    var clientID: String
    var clientSecret: String?
    var redirectURIs: [String]
    var scopes: [String]
    var grantTypes: [String]
}

/// API routes of the identity part: OIDC endpoints, accounts, organisations, audit.
enum IdentityAPI {
    static func register(on routes: any RoutesBuilder) {
        let oidc = "oidc", accounts = "accounts", organisations = "organisations", audit = "audit"

        routes.endpoint(.GET, IdentityPath.discovery.components, access: .anyone, kind: .api(.init("OpenID Provider 元数据", tag: oidc)), use: discovery)
        routes.endpoint(.GET, IdentityPath.jwks.components, access: .anyone, kind: .api(.init("签名公钥集（JWKS）", tag: oidc)), use: jwks)
        routes.endpoint(.POST, IdentityPath.token.components, access: .anyone, kind: .api(.init("令牌端点：授权码、刷新令牌、客户端凭证", tag: oidc, body: .form(fields: ["grant_type", "code", "redirect_uri", "code_verifier", "refresh_token", "scope", "client_id", "client_secret"])))) { req async throws -> Response in
            do {
                let tokens = try await OIDCProvider.token(request: req)
                let response = try await tokens.encodeResponse(for: req)
                response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
                return response
            } catch let error as OAuthError {
                return error.response()
            }
        }
        routes.endpoint(.POST, IdentityPath.revoke.components, access: .anyone, kind: .api(.init("撤销刷新令牌（RFC 7009）", tag: oidc, body: .form(fields: ["token", "client_id", "client_secret"])))) { req async throws -> Response in
            do {
                try await OIDCProvider.revoke(request: req)
                return Response(status: .ok)
            } catch let error as OAuthError {
                return error.response()
            }
        }
        for method in [HTTPMethod.GET, .POST] {
            routes.endpoint(method, IdentityPath.userinfo.components, access: .scope("openid"), kind: .api(.init("用户信息（按授权范围返回，实名信息脱敏）", tag: oidc))) { req async throws -> [String: AnyCodableValue] in
                try await OIDCProvider.userinfo(for: req.requirePrincipal(), request: req)
            }
        }

        routes.endpoint(.POST, IdentityPath.apiSMSCodes.components, access: .anyone, kind: .api(.init("发送短信验证码（注册或重置密码）", tag: accounts, body: .json(schema: "Object"), success: (202, "application/json")))) { req async throws -> Response in
            struct Body: Content { var phone: String?; var purpose: String? }
            let body = try req.content.decode(Body.self)
            guard let purpose = AccountService.CodePurpose(rawValue: body.purpose ?? "register") else {
                throw Problem.invalid([.init(field: "purpose", code: "unknown-purpose", message: "purpose 只能是 register 或 reset_password。")])
            }
            try await req.accounts.sendCode(to: body.phone, purpose: purpose, sourceAddress: req.clientAddress)
            return try await ["status": "sent"].encodeResponse(status: .accepted, for: req)
        }
        routes.endpoint(.POST, IdentityPath.apiAccounts.components, access: .anyone, kind: .api(.init("注册市民账号（手机号 + 短信验证码）", tag: accounts, body: .json(schema: "Object"), success: (201, "application/json")))) { req async throws -> Response in
            struct Body: Content { var phone: String?; var code: String?; var password: String? }
            let body = try req.content.decode(Body.self)
            let account = try await req.accounts.registerCitizen(phone: body.phone, code: body.code, password: body.password, sourceAddress: req.clientAddress)
            return try await AccountView(account).encodeResponse(status: .created, for: req)
        }
        routes.endpoint(.POST, IdentityPath.apiPasswordResets.components, access: .anyone, kind: .api(.init("用短信验证码重置密码", tag: accounts, body: .json(schema: "Object"), success: (204, "application/json")))) { req async throws -> HTTPStatus in
            struct Body: Content { var phone: String?; var code: String?; var password: String? }
            let body = try req.content.decode(Body.self)
            try await req.accounts.resetPassword(phone: body.phone, code: body.code, password: body.password, sourceAddress: req.clientAddress)
            return .noContent
        }
        routes.endpoint(.GET, IdentityPath.apiMe.components, access: .signedIn, kind: .api(.init("当前账号", tag: accounts))) { req async throws -> AccountView in
            let principal = try await req.requirePrincipal()
            guard let id = principal.accountID, let account = try await Account.find(id, on: req.db) else { throw AccessError.unauthenticated }
            return AccountView(account)
        }
        routes.endpoint(.POST, IdentityPath.apiMeVerification.components, access: .signedIn, kind: .api(.init("实名核验（姓名 + 身份证号，升至 L2）", tag: accounts, body: .json(schema: "Object")))) { req async throws -> AccountView in
            struct Body: Content { var name: String?; var citizenID: String? }
            let body = try req.content.decode(Body.self)
            let principal = try await req.requirePrincipal()
            guard let id = principal.accountID, let account = try await Account.find(id, on: req.db) else { throw AccessError.unauthenticated }
            try await req.accounts.verifyIdentity(of: account, name: body.name, citizenID: body.citizenID, sourceAddress: req.clientAddress)
            return AccountView(account)
        }
        routes.endpoint(.POST, IdentityPath.apiClients.components, access: .roles([.platformAdmin]), kind: .api(.init("登记接入应用或部门系统", tag: oidc, body: .json(schema: "Object"), success: (201, "application/json")))) { req async throws -> Response in
            let body = try req.content.decode(ClientRegistration.self)
            let principal = try await req.requirePrincipal()
            let created = try await ClientRegistry.register(body, actor: principal.auditActor, platform: req.platform, on: req.db)
            return try await created.encodeResponse(status: .created, for: req)
        }

        routes.endpoint(.POST, IdentityPath.apiStaff.components, access: .roles([.platformAdmin, .departmentAdmin]), kind: .api(.init("新建工作人员账号（管理员需动态口令，密钥只返回一次）", tag: accounts, body: .json(schema: "Object"), success: (201, "application/json")))) { req async throws -> Response in
            let body = try req.content.decode(StaffRequest.self)
            let created = try await req.accounts.createStaff(body, by: req.requirePrincipal())
            return try await created.encodeResponse(status: .created, for: req)
        }
        routes.endpoint(.POST, IdentityPath.apiEnterprises.components, access: .signedIn, kind: .api(.init("登记企业账号（由已实名的法定代表人或经办人办理）", tag: accounts, body: .json(schema: "Object"), success: (201, "application/json")))) { req async throws -> Response in
            struct Body: Content { var name: String?; var creditCode: String?; var legalPersonName: String? }
            let body = try req.content.decode(Body.self)
            let principal = try await req.requirePrincipal()
            guard let id = principal.accountID, let account = try await Account.find(id, on: req.db) else { throw AccessError.unauthenticated }
            let enterprise = try await req.organisations.registerEnterprise(name: body.name, creditCode: body.creditCode, legalPersonName: body.legalPersonName, representative: account, sourceAddress: req.clientAddress)
            return try await EnterpriseView(enterprise).encodeResponse(status: .created, for: req)
        }
        routes.endpoint(.GET, IdentityPath.apiEnterprises.components, access: .signedIn, kind: .api(.init("我代表的企业", tag: accounts))) { req async throws -> [EnterpriseView] in
            let principal = try await req.requirePrincipal()
            guard let id = principal.accountID else { throw AccessError.unauthenticated }
            return try await Enterprise.query(on: req.db).filter(\.$representative.$id == id).all().map(EnterpriseView.init)
        }
        routes.endpoint(.POST, IdentityPath.apiDepartments.components, access: .roles([.platformAdmin]), kind: .api(.init("新增部门或单位", tag: organisations, body: .json(schema: "Object"), success: (201, "application/json")))) { req async throws -> Response in
            let body = try req.content.decode(OrganisationService.NewDepartment.self)
            let department = try await req.organisations.createDepartment(body, actor: req.requirePrincipal())
            return try await DepartmentView(department).encodeResponse(status: .created, for: req)
        }

        routes.endpoint(.GET, IdentityPath.apiDivisions.components, access: .anyone, kind: .api(.init("行政区划（可按上级筛选）", tag: organisations, query: ["parent", "include_retired"]))) { req async throws -> [DivisionView] in
            var query = Division.query(on: req.db).sort(\.$id)
            if let parent = req.query[String.self, at: "parent"] {
                guard (try? DivisionCode(parent)) != nil else { throw Problem.invalid([.init(field: "parent", code: "invalid-division", message: "区划代码应为 6、9 或 12 位数字。")]) }
                query = query.filter(\.$parentCode == parent)
            }
            if req.query[String.self, at: "include_retired"] != "true" { query = query.filter(\.$validTo == nil) }
            return try await query.all().map { DivisionView(code: $0.id!, name: $0.name, level: $0.level, parent: $0.parentCode, validFrom: $0.validFrom, validTo: $0.validTo) }
        }
        routes.endpoint(.GET, IdentityPath.apiDepartments.components, access: .anyone, kind: .api(.init("部门与单位（可按区划、名称筛选）", tag: organisations, query: ["division", "q"]))) { req async throws -> [DepartmentView] in
            var query = Department.query(on: req.db).sort(\.$name)
            if let division = req.query[String.self, at: "division"] {
                guard let code = try? DivisionCode(division) else { throw Problem.invalid([.init(field: "division", code: "invalid-division", message: "区划代码应为 6、9 或 12 位数字。")]) }
                guard try await Division.find(code.value, on: req.db) != nil else { throw Problem.invalid([.init(field: "division", code: "unknown-division", message: "未知的区划代码 \(code.value)。")]) }
                query = query.filter(\.$divisionCode == code.value)
            }
            if let q = req.query[String.self, at: "q"], !q.isEmpty {
                query = query.filter(\.$name, .custom("LIKE"), "%\(q.replacingOccurrences(of: "%", with: ""))%")
            }
            return try await query.all().map(DepartmentView.init)
        }

        routes.endpoint(.GET, IdentityPath.apiAudit.components, access: .roles([.auditor, .platformAdmin]), kind: .api(.init("检索审计日志", tag: audit, query: ["actor", "action", "target", "page"]))) { req async throws -> Response in
            let (records, total) = try await AuditLog.search(AuditQuery(
                actor: req.query[String.self, at: "actor"], action: req.query[String.self, at: "action"],
                target: req.query[String.self, at: "target"], page: req.query[Int.self, at: "page"] ?? 1), on: req.db)
            struct Item: Content { var seq: Int; var at: Date; var actor: String; var onBehalfOf: String?; var action: String; var target: String?; var sourceAddress: String?; var detail: String; var hash: String }
            struct Page: Content { var total: Int; var items: [Item] }
            let page = Page(total: total, items: records.map { Item(seq: $0.id!, at: $0.at, actor: $0.actor, onBehalfOf: $0.onBehalfOf, action: $0.action, target: $0.target, sourceAddress: $0.sourceAddress, detail: $0.detail, hash: $0.hash) })
            return try await page.encodeResponse(for: req)
        }
        routes.endpoint(.GET, IdentityPath.apiAuditVerification.components, access: .roles([.auditor, .platformAdmin]), kind: .api(.init("校验审计日志哈希链", tag: audit))) { req async throws -> Response in
            let result = try await AuditLog.verify(on: req.db)
            struct View: Content { var holds: Bool; var checkedRecords: Int; var firstBrokenSeq: Int?; var reason: String? }
            return try await View(holds: result.holds, checkedRecords: result.checkedRecords, firstBrokenSeq: result.firstBrokenSeq, reason: result.reason).encodeResponse(for: req)
        }
    }

    @Sendable static func discovery(_ req: Request) async throws -> Response {
        let issuer = req.platform.configuration.publicURL
        let document: [String: Any] = [
            "issuer": issuer,
            "authorization_endpoint": issuer + IdentityPath.authorize.rawValue,
            "token_endpoint": issuer + IdentityPath.token.rawValue,
            "userinfo_endpoint": issuer + IdentityPath.userinfo.rawValue,
            "jwks_uri": issuer + IdentityPath.jwks.rawValue,
            "end_session_endpoint": issuer + IdentityPath.endSession.rawValue,
            "revocation_endpoint": issuer + IdentityPath.revoke.rawValue,
            "scopes_supported": OIDCProvider.supportedScopes,
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
            "code_challenge_methods_supported": ["S256"],
            "acr_values_supported": AssuranceLevel.allCases.filter { $0 != .none }.map(\.acr),
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "azp", "sid", "name", "preferred_username", "phone_number", "phone_number_verified", "verified_name", "citizen_id_masked", "assurance_level"],
            "prompt_values_supported": ["none", "login", "consent"],
            "claims_parameter_supported": false,
            "request_parameter_supported": false,
            "authorization_response_iss_parameter_supported": false,
            "ui_locales_supported": ["zh-CN", "en"],
        ]
        let response = Response(status: .ok, body: .init(data: try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])))
        response.headers.contentType = .json
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return response
    }

    @Sendable static func jwks(_ req: Request) async throws -> Response {
        let keys = try await req.identity.keys.jwks(on: req.db, now: req.now)
        let response = Response(status: .ok, body: .init(data: try JSONSerialization.data(withJSONObject: ["keys": keys], options: [.sortedKeys])))
        response.headers.contentType = .json
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=60")
        return response
    }
}

extension Request {
    var accounts: AccountService { AccountService(database: db, platform: platform, services: identity) }
    var organisations: OrganisationService { OrganisationService(database: db, platform: platform) }
}
