import Fluent
import Foundation
import Vapor
import YiwangKit
import YiwangPlatform

struct ConsoleHomePage: Encodable, Sendable {
    struct Tile: Encodable, Sendable { var label: String; var value: String; var href: String? }
    var roles: [String]
    var tiles: [Tile]
}

struct DepartmentsPage: Encodable, Sendable {
    struct Row: Encodable, Sendable { var name: String; var creditCode: String; var level: String; var division: String; var parent: String }
    var query: String
    var rows: [Row]
    var total: Int
    var canCreate: Bool
    var form: FormPage
}

struct AccountsPage: Encodable, Sendable {
    struct Row: Encodable, Sendable { var id: String; var displayName: String; var login: String; var roles: String; var level: String; var canRecordInPerson: Bool }
    struct RoleOption: Encodable, Sendable { var value: String; var label: String }
    var query: String
    var rows: [Row]
    var notice: String?
    var roleOptions: [RoleOption]
    var form: FormPage
    var createdTOTPSecret: String?
}

struct ClientsPage: Encodable, Sendable {
    struct Row: Encodable, Sendable { var clientID: String; var name: String; var kind: String; var grantTypes: String; var scopes: String; var redirectURIs: String }
    var rows: [Row]
    var form: FormPage
    var createdSecret: String?
    var createdID: String?
}

struct AuditPage: Encodable, Sendable {
    struct Row: Encodable, Sendable { var seq: Int; var at: String; var actor: String; var action: String; var target: String; var source: String; var detail: String }
    var actor: String
    var action: String
    var target: String
    var rows: [Row]
    var total: Int
    var verification: String?
}

struct OutboxPage: Encodable, Sendable {
    struct Row: Encodable, Sendable { var at: String; var phone: String; var body: String }
    var rows: [Row]
}

/// The staff console: home, departments, accounts, relying parties, audit log, SMS outbox.
enum ConsolePages {
    static func register(on routes: any RoutesBuilder) {
        routes.endpoint(.GET, IdentityPath.console.components, access: .roles(Role.staff), kind: .page, use: home)
        routes.endpoint(.GET, IdentityPath.consoleDepartments.components, access: .roles([.platformAdmin, .departmentAdmin, .auditor]), kind: .page, use: departments)
        routes.endpoint(.GET, IdentityPath.consoleAccounts.components, access: .roles([.platformAdmin, .departmentAdmin, .departmentStaff]), kind: .page, use: accounts)
        routes.endpoint(.POST, IdentityPath.consoleDepartments.components, access: .roles([.platformAdmin]), kind: .page, use: createDepartment)
        routes.endpoint(.POST, IdentityPath.consoleAccounts.components, access: .roles([.platformAdmin, .departmentAdmin]), kind: .page, use: createStaff)
        routes.endpoint(.POST, IdentityPath.consoleAccounts.components(appending: ":id", "in-person"), access: .roles([.platformAdmin, .departmentAdmin, .departmentStaff]), kind: .page, use: recordInPerson)
        routes.endpoint(.GET, IdentityPath.consoleClients.components, access: .roles([.platformAdmin]), kind: .page) { req in
            try await clients(req, form: FormPage(), created: nil)
        }
        routes.endpoint(.POST, IdentityPath.consoleClients.components, access: .roles([.platformAdmin]), kind: .page, use: createClient)
        routes.endpoint(.GET, IdentityPath.consoleAudit.components, access: .roles([.auditor, .platformAdmin]), kind: .page, use: audit)
        routes.endpoint(.GET, IdentityPath.consoleOutbox.components, access: .roles([.platformAdmin]), kind: .page, use: outbox)
    }

    static func navigation(for principal: Principal?, _ req: Request) -> [NavigationLink] {
        guard let principal else { return [] }
        var links = [NavigationLink(label: req.localized("nav_console"), href: IdentityPath.console.rawValue)]
        let roles = principal.roles
        if !roles.isDisjoint(with: [.platformAdmin, .departmentAdmin, .auditor]) { links.append(.init(label: req.localized("nav_departments"), href: IdentityPath.consoleDepartments.rawValue)) }
        if !roles.isDisjoint(with: [.platformAdmin, .departmentAdmin, .departmentStaff]) { links.append(.init(label: req.localized("nav_accounts"), href: IdentityPath.consoleAccounts.rawValue)) }
        if roles.contains(.platformAdmin) {
            links.append(.init(label: req.localized("nav_clients"), href: IdentityPath.consoleClients.rawValue))
            links.append(.init(label: req.localized("nav_outbox"), href: IdentityPath.consoleOutbox.rawValue))
        }
        if !roles.isDisjoint(with: [.auditor, .platformAdmin]) { links.append(.init(label: req.localized("nav_audit"), href: IdentityPath.consoleAudit.rawValue)) }
        return links
    }

    static func render<Model: Encodable & Sendable>(_ req: Request, _ template: String, title: String, model: Model, status: HTTPResponseStatus = .ok) async throws -> Response {
        let principal = try await req.principal()
        return try await req.renderPage(template, title: title, model: model, console: true, navigation: navigation(for: principal, req), status: status)
    }

    @Sendable static func home(_ req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        var tiles: [ConsoleHomePage.Tile] = []
        tiles.append(.init(label: req.localized("tile_departments"), value: String(try await Department.query(on: req.db).count()), href: IdentityPath.consoleDepartments.rawValue))
        tiles.append(.init(label: req.localized("tile_citizens"), value: String(try await Account.query(on: req.db).filter(\.$rolesField, .custom("LIKE"), "%citizen%").count()), href: nil))
        tiles.append(.init(label: req.localized("tile_verified"), value: String(try await Account.query(on: req.db).filter(\.$assuranceLevel >= 2).count()), href: nil))
        tiles.append(.init(label: req.localized("tile_clients"), value: String(try await OIDCClient.query(on: req.db).count()), href: principal.roles.contains(.platformAdmin) ? IdentityPath.consoleClients.rawValue : nil))
        let roles = principal.roles.sorted().map { req.localized("role_\($0.rawValue)") }
        return try await render(req, "identity/console-home", title: "console_title", model: ConsoleHomePage(roles: roles, tiles: tiles))
    }

    @Sendable static func departments(_ req: Request) async throws -> Response {
        try await departmentsPage(req, form: FormPage())
    }

    @Sendable static func createDepartment(_ req: Request) async throws -> Response {
        let input = try req.content.decode(OrganisationService.NewDepartment.self)
        do {
            let department = try await req.organisations.createDepartment(input, actor: req.requirePrincipal())
            return try await departmentsPage(req, form: FormPage(notice: req.localized("department_created") + department.name))
        } catch let error as IdentityError {
            let values = ["name": input.name ?? "", "shortName": input.shortName ?? "", "creditCode": input.creditCode ?? "", "division": input.division ?? "", "parentCreditCode": input.parentCreditCode ?? ""]
            return try await departmentsPage(req, form: FormPage(values: values, errors: IdentityPages.messages(error)), status: .unprocessableEntity)
        }
    }

    static func departmentsPage(_ req: Request, form: FormPage, status: HTTPResponseStatus = .ok) async throws -> Response {
        let principal = try await req.principal()
        let q = (req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespaces)
        var query = Department.query(on: req.db).with(\.$parent).sort(\.$level).sort(\.$name)
        if !q.isEmpty { query = query.filter(\.$name, .custom("LIKE"), "%\(q.replacingOccurrences(of: "%", with: ""))%") }
        let departments = try await query.all()
        let divisions = Dictionary(uniqueKeysWithValues: try await Division.query(on: req.db).all().map { ($0.id!, $0.name) })
        let rows = departments.map { d in
            DepartmentsPage.Row(name: d.name, creditCode: d.creditCode, level: req.localized("dept_level_\(d.level)"), division: divisions[d.divisionCode] ?? d.divisionCode, parent: d.parent?.name ?? "")
        }
        let canCreate = principal?.roles.contains(.platformAdmin) ?? false
        return try await render(req, "identity/console-departments", title: "departments_title", model: DepartmentsPage(query: q, rows: rows, total: rows.count, canCreate: canCreate, form: form), status: status)
    }

    @Sendable static func accounts(_ req: Request) async throws -> Response {
        try await accountsPage(req, notice: nil)
    }

    @Sendable static func createStaff(_ req: Request) async throws -> Response {
        let input = try req.content.decode(StaffRequest.self)
        do {
            let created = try await req.accounts.createStaff(input, by: req.requirePrincipal())
            return try await accountsPage(req, notice: req.localized("staff_created") + created.account.displayName, createdTOTPSecret: created.totpSecret)
        } catch let error as IdentityError {
            let values = ["login": input.login ?? "", "displayName": input.displayName ?? "", "departmentCreditCode": input.departmentCreditCode ?? ""]
            return try await accountsPage(req, notice: nil, form: FormPage(values: values, errors: IdentityPages.messages(error)), status: .unprocessableEntity)
        }
    }

    static func accountsPage(_ req: Request, notice: String?, form: FormPage = FormPage(), createdTOTPSecret: String? = nil, status: HTTPResponseStatus = .ok) async throws -> Response {
        let principal = try await req.principal()
        let q = (req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespaces)
        var query = Account.query(on: req.db).sort(\.$createdAt, .descending).limit(100)
        if !q.isEmpty {
            let normalized = (try? MobileNumber(q))?.value ?? q.lowercased()
            query = query.group(.or) { $0.filter(\.$login == normalized).filter(\.$displayName, .custom("LIKE"), "%\(q.replacingOccurrences(of: "%", with: ""))%") }
        }
        let found = try await query.all()
        if !q.isEmpty, let principal {
            // Looking people up is a read of personal data, even when what is shown is masked.
            try await AuditLog.append(
                AuditEntry(actor: principal.auditActor, action: "person.search", target: "accounts", sourceAddress: req.clientAddress, detail: ["query": maskedQuery(q), "results": String(found.count)]),
                at: req.now, on: req.db)
        }
        let rows = found.map { a in
            // Staff see logins masked: a phone number is personal data they need not read here.
            AccountsPage.Row(id: a.id!.uuidString.lowercased(), displayName: a.displayName, login: (try? MobileNumber(a.login))?.masked ?? a.login, roles: a.roles.sorted().map { req.localized("role_\($0.rawValue)") }.joined(separator: "、"), level: a.level.label, canRecordInPerson: a.level == .identityVerified)
        }
        let creatable: [Role] = principal?.roles.contains(.platformAdmin) == true ? [.departmentStaff, .departmentAdmin, .auditor]
            : principal?.roles.contains(.departmentAdmin) == true ? [.departmentStaff] : []
        let options = creatable.map { AccountsPage.RoleOption(value: $0.rawValue, label: req.localized("role_\($0.rawValue)")) }
        return try await render(req, "identity/console-accounts", title: "accounts_title", model: AccountsPage(query: q, rows: rows, notice: notice, roleOptions: options, form: form, createdTOTPSecret: createdTOTPSecret), status: status)
    }

    /// What a people search looked for, masked as the standards mask personal data in logs.
    static func maskedQuery(_ q: String) -> String {
        if let phone = try? MobileNumber(q) { return phone.masked }
        if q.count >= 15, q.allSatisfy({ $0.isNumber || $0 == "X" || $0 == "x" }) { return Masking.idNumber(q) }
        if q.unicodeScalars.allSatisfy({ (0x4E00...0x9FFF).contains($0.value) }) { return Masking.name(q) }
        return String(repeating: "*", count: min(q.count, 8))
    }

    @Sendable static func recordInPerson(_ req: Request) async throws -> Response {
        let principal = try await req.requirePrincipal()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw Problem.notFound("账号") }
        do {
            _ = try await req.accounts.recordInPersonVerification(of: id, by: principal, sourceAddress: req.clientAddress)
            return try await accountsPage(req, notice: req.localized("in_person_recorded"))
        } catch let error as IdentityError {
            return try await accountsPage(req, notice: IdentityPages.messages(error).joined(separator: " "))
        }
    }

    static func clients(_ req: Request, form: FormPage, created: Clients.Created?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let rows = try await OIDCClient.query(on: req.db).sort(\.$id).all().map { c in
            ClientsPage.Row(clientID: c.id!, name: c.name, kind: c.isConfidential ? req.localized("client_confidential") : req.localized("client_public"), grantTypes: c.grantTypesField, scopes: c.scopesField, redirectURIs: c.redirectURIs.joined(separator: "\n"))
        }
        return try await render(req, "identity/console-clients", title: "clients_title", model: ClientsPage(rows: rows, form: form, createdSecret: created?.clientSecret, createdID: created?.clientID), status: status)
    }

    @Sendable static func createClient(_ req: Request) async throws -> Response {
        struct Form: Content { var client_id: String?; var name: String?; var redirect_uris: String?; var scopes: String?; var grant_types: String?; var is_public: String? }
        let form = try req.content.decode(Form.self)
        let principal = try await req.requirePrincipal()
        let lines = { (s: String?) in (s ?? "").split(whereSeparator: { $0 == "\n" || $0 == " " || $0 == "\r" }).map(String.init) }
        var page = FormPage(values: ["client_id": form.client_id ?? "", "name": form.name ?? "", "redirect_uris": form.redirect_uris ?? "", "scopes": form.scopes ?? "openid profile", "grant_types": form.grant_types ?? "authorization_code refresh_token"])
        do {
            let created = try await Clients.register(
                id: form.client_id ?? "", name: form.name ?? "", redirectURIs: lines(form.redirect_uris), scopes: lines(form.scopes),
                grantTypes: lines(form.grant_types), isPublic: form.is_public == "on", actor: principal.auditActor, platform: req.platform, on: req.db)
            return try await clients(req, form: FormPage(), created: created)
        } catch let problem as any ProblemConvertible {
            page.errors = problem.problem.pageMessages
            return try await clients(req, form: page, created: nil, status: .unprocessableEntity)
        }
    }

    @Sendable static func audit(_ req: Request) async throws -> Response {
        let actor = req.query[String.self, at: "actor"] ?? "", action = req.query[String.self, at: "action"] ?? "", target = req.query[String.self, at: "target"] ?? ""
        let (records, total) = try await AuditLog.search(AuditQuery(actor: actor, action: action, target: target, page: req.query[Int.self, at: "page"] ?? 1), on: req.db)
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = .shanghai
        let rows = records.map { r in
            AuditPage.Row(seq: r.id!, at: formatter.string(from: r.at), actor: r.actor + (r.onBehalfOf.map { " → \($0)" } ?? ""), action: r.action, target: r.target ?? "", source: r.sourceAddress ?? "", detail: r.detail)
        }
        var verification: String?
        if req.query[String.self, at: "verify"] == "1" {
            let result = try await AuditLog.verify(on: req.db)
            verification = result.holds
                ? req.localized("audit_chain_holds").replacingOccurrences(of: "%d", with: String(result.checkedRecords))
                : req.localized("audit_chain_broken").replacingOccurrences(of: "%d", with: String(result.firstBrokenSeq ?? 0)).replacingOccurrences(of: "%@", with: result.reason ?? "")
        }
        return try await render(req, "identity/console-audit", title: "audit_title", model: AuditPage(actor: actor, action: action, target: target, rows: rows, total: total, verification: verification))
    }

    @Sendable static func outbox(_ req: Request) async throws -> Response {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = .shanghai
        let rows = try await SMSOutboxMessage.query(on: req.db).sort(\.$createdAt, .descending).limit(100).all().map {
            OutboxPage.Row(at: formatter.string(from: $0.createdAt), phone: Masking.mobile($0.phone), body: $0.body)
        }
        return try await render(req, "identity/console-outbox", title: "outbox_title", model: OutboxPage(rows: rows))
    }
}
