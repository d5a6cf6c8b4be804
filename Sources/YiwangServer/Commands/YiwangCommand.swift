import ArgumentParser
import Fluent
import Foundation
import Catalog
import Identity
import Logging
import Vapor
import YiwangKit
import YiwangPlatform

/// `yiwang` — the platform's one binary: the server and its administration.
public struct YiwangCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "yiwang",
        abstract: "Yiwang 一网 — 邵阳市数字政府平台",
        subcommands: [Serve.self, Migrate.self, Demo.self, Admin.self, Client.self, Audit.self, Keys.self]
    )

    public init() {}
}

/// A command whose work is asynchronous; the entry point awaits `execute()`.
public protocol AsyncRunnable {
    func execute() async throws
}

/// Options every command that touches the database shares.
struct DatabaseOptions: ParsableArguments {
    @ArgumentParser.Option(name: .long, help: "sqlite:///absolute/path.sqlite or postgres://user:pass@host:port/db (default: $YIWANG_DATABASE_URL or .yiwang/yiwang.sqlite)")
    var database: String?
}

/// Boots an application for a command, runs `body`, and always shuts it down.
func withApplication<T: Sendable>(
    database: String?, host: String? = nil, port: Int? = nil, publicURL: String? = nil, demo: Bool = false,
    _ body: @Sendable (Application) async throws -> T
) async throws -> T {
    let environment = ServerEnvironment()
    let configuration = try environment.configuration(database: database, host: host, port: port, publicURL: publicURL, demo: demo)
    let app = try await Application.make(Environment(name: "production", arguments: ["yiwang"]))
    app.logger.logLevel = environment.logLevel
    do {
        let catalog = CatalogServices(prober: LiveMountProber(), allowsLoopbackMounts: environment.allowsLoopbackMounts)
        try configure(app, configuration: configuration, dependencies: Dependencies(identity: IdentityServices(passwordCost: environment.bcryptCost), catalog: catalog))
        let result = try await body(app)
        try await app.asyncShutdown()
        return result
    } catch {
        app.logger.error("yiwang stopped", metadata: ["error": "\(error)"])
        try? await app.asyncShutdown()
        throw error
    }
}

struct Serve: ParsableCommand, AsyncRunnable {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP server and its background work.")

    @OptionGroup var options: DatabaseOptions
    @ArgumentParser.Option(help: "Address to listen on (default: $YIWANG_HOST or 127.0.0.1).") var host: String?
    @ArgumentParser.Option(help: "Port (default: $YIWANG_PORT or 8080).") var port: Int?
    @ArgumentParser.Option(name: .customLong("public-url"), help: "Address users reach this node at; the OIDC issuer.") var publicURL: String?
    @ArgumentParser.Flag(help: "Load the demo city into the database if it is not there yet.") var demo = false

    func execute() async throws {
        _ = try await withApplication(database: options.database, host: host, port: port, publicURL: publicURL, demo: demo) { app in
            try await prepare(app)
            app.lifecycle.use(MountProbeLifecycle())
            let configuration = app.platform.configuration
            app.logger.notice("serving", metadata: ["url": .string(configuration.publicURL), "database": .string(configuration.database.description)])
            app.environment.arguments = ["yiwang", "serve", "--hostname", configuration.host, "--port", String(configuration.port)]
            try await app.execute()
        }
    }
}

struct Migrate: ParsableCommand, AsyncRunnable {
    static let configuration = CommandConfiguration(abstract: "Create or update the database schema.")
    @OptionGroup var options: DatabaseOptions

    func execute() async throws {
        _ = try await withApplication(database: options.database) { app in
            try await app.autoMigrate()
            try await app.identity.keys.ensureActiveKey(on: app.db, now: Date())
            print("migrated \(app.platform.configuration.database)")
        }
    }
}

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The demo city.", subcommands: [Load.self, Accounts.self, TOTPCode.self])

    struct TOTPCode: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "totp", abstract: "Print the current TOTP code of the demo administrators' secret.")

        func run() throws {
            print(DemoCity.currentDemoTOTP(at: Date()))
        }
    }

    struct Load: ParsableCommand, AsyncRunnable {
        static let configuration = CommandConfiguration(abstract: "Load the demo city (divisions, 139 departments, demo accounts).")
        @OptionGroup var options: DatabaseOptions

        func execute() async throws {
            _ = try await withApplication(database: options.database, demo: true) { app in
                try await prepare(app)
                print("demo city loaded into \(app.platform.configuration.database)")
            }
        }
    }

    struct Accounts: ParsableCommand, AsyncRunnable {
        static let configuration = CommandConfiguration(abstract: "Print the demo accounts (role, login, password). Demo data only.")
        @OptionGroup var options: DatabaseOptions
        @ArgumentParser.Flag(help: "Print JSON instead of a table.") var json = false

        func execute() async throws {
            let loaded = try await withApplication(database: options.database) { app in
                try await app.autoMigrate()
                return try await DemoCity.isLoaded(on: app.db)
            }
            guard loaded else {
                throw ValidationError("this database has no demo data; run `yiwang serve --demo` or `yiwang demo load` first")
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(DemoCity.accounts), as: UTF8.self))
                return
            }
            let rows = [["role", "login", "password", "level", "totp secret", "note"]] + DemoCity.accounts.map {
                [$0.role, $0.login, $0.password, $0.level, $0.totpSecret ?? "-", $0.note]
            }
            printTable(rows)
            let client = DemoCity.demoClientDescription
            print("\ndemo relying party: client_id \(client.id), secret \(client.secret), redirect \(client.redirect)")
            print("a person the real-name authority knows (for L2 on /account/verify): \(DemoCity.verifiablePerson.name) \(CitizenID.make(division: DemoCity.verifiablePerson.division, birthDate: DemoCity.verifiablePerson.birth, sequence: DemoCity.verifiablePerson.sequence).value)")
        }
    }
}

struct Admin: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Platform administrators.", subcommands: [Create.self])

    struct Create: ParsableCommand, AsyncRunnable {
        static let configuration = CommandConfiguration(abstract: "Create a platform administrator; prints the TOTP secret once.")
        @OptionGroup var options: DatabaseOptions
        @ArgumentParser.Option(help: "Login name (3-64 letters, digits, . _ -).") var login: String
        @ArgumentParser.Option(help: "The person's name.") var name: String
        @ArgumentParser.Option(help: "Password; read from $YIWANG_ADMIN_PASSWORD when omitted.") var password: String?
        @ArgumentParser.Option(help: "Mobile number.") var phone: String?
        @ArgumentParser.Option(name: .customLong("department-credit-code"), help: "Credit code of the administrator's department.") var departmentCreditCode: String?

        func execute() async throws {
            guard let password = password ?? ServerEnvironment().adminPassword else {
                throw ValidationError("give --password or set YIWANG_ADMIN_PASSWORD")
            }
            let (createdLogin, secret) = try await withApplication(database: options.database) { app in
                try await app.autoMigrate()
                var departmentID: UUID?
                if let code = departmentCreditCode {
                    guard let department = try await Department.query(on: app.db).filter(\.$creditCode == code).first() else {
                        throw ValidationError("no department with credit code \(code)")
                    }
                    departmentID = department.id
                }
                let service = AccountService(database: app.db, platform: app.platform, services: app.identity)
                let created = try await service.createStaff(login: login, displayName: name, password: password, roles: [.platformAdmin], departmentID: departmentID, phone: phone, actor: "cli:\(NSUserName())")
                return (created.account.login, created.totpSecret ?? "")
            }
            print("created platform administrator \(createdLogin)")
            print("TOTP secret (add it to an authenticator app now; it is not shown again): \(secret)")
        }
    }
}

struct Client: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Relying parties and department systems.", subcommands: [Create.self])

    struct Create: ParsableCommand, AsyncRunnable {
        static let configuration = CommandConfiguration(abstract: "Register a relying party or department system; prints its secret once.")
        @OptionGroup var options: DatabaseOptions
        @ArgumentParser.Option(help: "client_id.") var id: String
        @ArgumentParser.Option(help: "Display name.") var name: String
        @ArgumentParser.Option(name: .customLong("redirect-uri"), help: "Redirect URI (repeatable).") var redirectURIs: [String] = []
        @ArgumentParser.Option(name: .customLong("post-logout-redirect-uri"), help: "Post-logout redirect URI (repeatable).") var postLogoutRedirectURIs: [String] = []
        @ArgumentParser.Option(name: .customLong("scope"), help: "Allowed scope (repeatable; default openid profile).") var scopes: [String] = []
        @ArgumentParser.Option(name: .customLong("grant-type"), help: "authorization_code, refresh_token or client_credentials (repeatable).") var grantTypes: [String] = []
        @ArgumentParser.Flag(name: .customLong("public"), help: "A public client without a secret (PKCE required).") var isPublic = false
        @ArgumentParser.Flag(name: .customLong("first-party"), help: "A city app that skips the consent page.") var isFirstParty = false
        @ArgumentParser.Option(name: .customLong("department-credit-code"), help: "Owning department (for department systems).") var departmentCreditCode: String?
        @ArgumentParser.Flag(help: "Print JSON.") var json = false

        func execute() async throws {
            let created = try await withApplication(database: options.database) { app in
                try await app.autoMigrate()
                try await app.identity.keys.ensureActiveKey(on: app.db, now: Date())
                var departmentID: UUID?
                if let code = departmentCreditCode {
                    guard let department = try await Department.query(on: app.db).filter(\.$creditCode == code).first() else {
                        throw ValidationError("no department with credit code \(code)")
                    }
                    departmentID = department.id
                }
                let grants = grantTypes.isEmpty ? ["authorization_code", "refresh_token"] : grantTypes
                return try await Clients.register(
                    id: id, name: name, redirectURIs: redirectURIs, postLogoutRedirectURIs: postLogoutRedirectURIs,
                    scopes: scopes.flatMap { $0.split(separator: " ").map(String.init) }, grantTypes: grants, isPublic: isPublic,
                    isFirstParty: isFirstParty, departmentID: departmentID, actor: "cli:\(NSUserName())", platform: app.platform, on: app.db)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(created), as: UTF8.self))
            } else {
                print("client_id: \(created.clientID)")
                print("client_secret: \(created.clientSecret ?? "(public client, none)")")
            }
        }
    }
}

struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The audit log.", subcommands: [Verify.self])

    struct Verify: ParsableCommand, AsyncRunnable {
        static let configuration = CommandConfiguration(abstract: "Check the hash chain and name the first broken record.")
        @OptionGroup var options: DatabaseOptions

        func execute() async throws {
            let result = try await withApplication(database: options.database) { app in
                try await AuditLog.verify(on: app.db)
            }
            if result.holds {
                print("audit chain holds: \(result.checkedRecords) records checked")
            } else {
                print("audit chain BROKEN at record \(result.firstBrokenSeq ?? 0): \(result.reason ?? "")")
                throw ExitCode(1)
            }
        }
    }
}

struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Token signing keys.", subcommands: [Rotate.self, Retire.self])

    struct Rotate: ParsableCommand, AsyncRunnable {
        static let configuration = CommandConfiguration(abstract: "Add a new signing key; older keys keep verifying until retired.")
        @OptionGroup var options: DatabaseOptions

        func execute() async throws {
            let kid = try await withApplication(database: options.database) { app in
                try await app.autoMigrate()
                let kid = try await app.identity.keys.rotate(on: app.db, now: Date())
                try await AuditLog.append(AuditEntry(actor: "cli:\(NSUserName())", action: "oidc.key.rotate", target: "key:\(kid)"), at: Date(), on: app.db)
                return kid
            }
            print("new signing key: \(kid)")
        }
    }

    struct Retire: ParsableCommand, AsyncRunnable {
        static let configuration = CommandConfiguration(abstract: "Retire a key: it leaves the JWKS and stops verifying.")
        @OptionGroup var options: DatabaseOptions
        @ArgumentParser.Argument(help: "kid of the key to retire.") var kid: String

        func execute() async throws {
            let retired = try await withApplication(database: options.database) { app in
                let retired = try await app.identity.keys.retire(kid: kid, on: app.db, now: Date())
                if retired { try await AuditLog.append(AuditEntry(actor: "cli:\(NSUserName())", action: "oidc.key.retire", target: "key:\(kid)"), at: Date(), on: app.db) }
                return retired
            }
            guard retired else { throw ValidationError("no active key \(kid), or it is the last active key") }
            print("retired \(kid)")
        }
    }
}

func printTable(_ rows: [[String]]) {
    // Chinese characters take two columns in a terminal.
    func width(_ s: String) -> Int { s.reduce(0) { $0 + ($1.unicodeScalars.first!.value > 0x2E80 ? 2 : 1) } }
    let widths = (0..<(rows.first?.count ?? 0)).map { column in rows.map { width($0[column]) }.max() ?? 0 }
    for (index, row) in rows.enumerated() {
        print(row.enumerated().map { $1 + String(repeating: " ", count: widths[$0] - width($1)) }.joined(separator: "  "))
        if index == 0 { print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
    }
}
