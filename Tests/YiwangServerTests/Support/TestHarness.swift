import Fluent
import FluentPostgresDriver
import Foundation
@testable import Identity
import Catalog
import NIOConcurrencyHelpers
import SQLKit
import Testing
import VaporTesting
import YiwangKit
import YiwangPlatform

@testable import YiwangServer

/// Which database the suites run on: SQLite always, PostgreSQL when `YIWANG_TEST_POSTGRES_URL` is set.
enum TestDatabase {
    static let postgresURL: String? = ProcessInfo.processInfo.environment["YIWANG_TEST_POSTGRES_URL"]
    private static let announced = NIOLockedValueBox(false)

    static var label: String { postgresURL == nil ? "SQLite" : "PostgreSQL" }

    /// CI greps for this line to prove the suites really ran on PostgreSQL.
    static func announce() {
        let first = announced.withLockedValue { value in
            defer { value = true }
            return !value
        }
        if first { print("database: \(label)") }
    }
}

/// Predictable secrets: tokens stay random (they must be unguessable even in tests), SMS codes are fixed.
struct TestSecrets: SecretGenerator {
    let system = SystemSecretGenerator()
    func token(bytes: Int) -> String { system.token(bytes: bytes) }
    func numericCode(digits: Int) -> String { String(repeating: "7", count: digits) }
}

/// One application on a fresh, migrated database, with a clock the test moves.
final class TestHarness: @unchecked Sendable {
    let app: Application
    let clock: ManualClock
    let schema: String?

    /// Every test starts here: 2026-11-23 09:00 Shanghai.
    static let start = Date(timeIntervalSince1970: 1_795_395_600)

    private init(app: Application, clock: ManualClock, schema: String?) {
        self.app = app
        self.clock = clock
        self.schema = schema
    }

    static func make(demo: Bool = false, prober: any MountProber = RecordingProber(), configure adjust: (inout YiwangConfiguration) -> Void = { _ in }) async throws -> TestHarness {
        TestDatabase.announce()
        let app = try await Application.make(.testing)
        let clock = ManualClock(start)
        let location: DatabaseLocation
        var schema: String?
        if let url = TestDatabase.postgresURL {
            let host = URLComponents(string: url)?.host ?? ""
            precondition(["127.0.0.1", "localhost", "::1"].contains(host), "tests only run against a local PostgreSQL")
            schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
            location = .postgres(url: url, schema: schema)
        } else {
            location = .sqlite(path: NSTemporaryDirectory() + "yiwang-test-\(UUID().uuidString).sqlite")
        }
        var configuration = YiwangConfiguration(database: location, port: 8080, publicURL: "http://yiwang.test", loadsDemo: demo)
        configuration.demoCatalogEntries = 300
        adjust(&configuration)
        do {
            let catalog = CatalogServices(prober: prober)
            try configure(app, configuration: configuration, dependencies: Dependencies(clock: clock, secrets: TestSecrets(), identity: IdentityServices(passwordCost: 4), catalog: catalog))
            if let url = TestDatabase.postgresURL, let schema {
                app.databases.use(.postgres(configuration: try SQLPostgresConfiguration(url: url)), as: .admin, isDefault: false)
                try await (app.db(.admin) as! any SQLDatabase).raw("CREATE SCHEMA \(unsafeRaw: schema)").run()
            }
            try await prepare(app)
        } catch {
            print("harness set-up failed: \(String(reflecting: error))")
            try? await app.asyncShutdown()
            throw error
        }
        return TestHarness(app: app, clock: clock, schema: schema)
    }

    func shutdown() async {
        if let schema {
            try? await (app.db(.admin) as! any SQLDatabase).raw("DROP SCHEMA \(unsafeRaw: schema) CASCADE").run()
        } else if case .sqlite(let path) = app.platform.configuration.database {
            try? FileManager.default.removeItem(atPath: path)
        }
        try? await app.asyncShutdown()
    }

    var db: any Database { app.db }

    /// A new browser with its own cookies.
    func browser() -> Browser { Browser(app: app) }

    /// Creates a staff account directly through the service.
    @discardableResult
    func createStaff(login: String, roles: Set<Role>, password: String = "staff-pass-2026") async throws -> (account: Account, totpSecret: String?) {
        let service = AccountService(database: db, platform: app.platform, services: app.identity)
        return try await service.createStaff(login: login, displayName: "测试人员", password: password, roles: roles, departmentID: nil, phone: nil, actor: "test")
    }

    /// Registers a citizen through the API and returns the phone and password.
    @discardableResult
    func registerCitizen(phone: String = "13912340001", password: String = "citizen-2026") async throws -> (phone: String, password: String) {
        let browser = browser()
        let sent = try await browser.json(.POST, "/api/identity/sms-codes", ["phone": phone, "purpose": "register"])
        #expect(sent.status == .accepted)
        let created = try await browser.json(.POST, "/api/identity/accounts", ["phone": phone, "code": "777777", "password": password])
        #expect(created.status == .created)
        clock.advance(by: 61)
        return (phone, password)
    }

    func currentTOTP(_ secret: String) -> String { TOTPCheck.code(secret: secret, at: clock.now())! }

    func count<M: Model>(_ model: M.Type) async throws -> Int { try await M.query(on: db).count() }
}

extension DatabaseID {
    static let admin = DatabaseID(string: "admin")
}

/// Bounds how many applications (and so database connections) the parallel suites hold at once.
actor HarnessGate {
    static let shared = HarnessGate(permits: 6)
    private var available: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(permits: Int) { available = permits }

    func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            available += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}

/// A prober that answers from a table of URLs and records what it was asked, so tests see exactly
/// which addresses the catalog tried to reach. Unknown URLs are down.
final class RecordingProber: MountProber, @unchecked Sendable {
    private let state = NIOLockedValueBox<(live: Set<String>, asked: [String])>((live: [], asked: []))

    init(live: Set<String> = []) { state.withLockedValue { $0.live = live } }

    func setLive(_ url: String, _ isLive: Bool) {
        state.withLockedValue { if isLive { $0.live.insert(url) } else { $0.live.remove(url) } }
    }

    var asked: [String] { state.withLockedValue { $0.asked } }

    func probe(_ url: String, policy: MountURLPolicy) async -> ProbeResult {
        if let refusal = policy.refusal(for: url) { return ProbeResult(isLive: false, detail: refusal) }
        let live = state.withLockedValue { value in
            value.asked.append(url)
            return value.live.contains(url)
        }
        return ProbeResult(isLive: live, detail: live ? "HTTP 200" : "HTTP 503")
    }
}

/// Runs `body` with a fresh harness and always shuts it down.
func withHarness(demo: Bool = false, prober: any MountProber = RecordingProber(), configure adjust: (inout YiwangConfiguration) -> Void = { _ in }, _ body: (TestHarness) async throws -> Void) async throws {
    await HarnessGate.shared.acquire()
    let harness: TestHarness
    do {
        harness = try await TestHarness.make(demo: demo, prober: prober, configure: adjust)
    } catch {
        await HarnessGate.shared.release()
        throw error
    }
    defer { Task { await HarnessGate.shared.release() } }
    do {
        try await body(harness)
    } catch {
        await harness.shutdown()
        throw error
    }
    await harness.shutdown()
}
