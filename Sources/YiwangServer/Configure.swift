import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import AsyncHTTPClient
import Catalog
import Foundation
import Identity
import Leaf
import SQLKit
import Vapor
import YiwangKit
import YiwangPlatform

/// What `configure` takes besides configuration: the side effects, so tests can replace them.
public struct Dependencies: Sendable {
    public var clock: any PlatformClock
    public var secrets: any SecretGenerator
    public var identity: IdentityServices
    public var catalog: CatalogServices

    public init(
        clock: any PlatformClock = SystemClock(), secrets: any SecretGenerator = SystemSecretGenerator(),
        identity: IdentityServices = IdentityServices(), catalog: CatalogServices = CatalogServices(prober: LiveMountProber())
    ) {
        self.clock = clock
        self.secrets = secrets
        self.identity = identity
        self.catalog = catalog
    }
}

/// Every migration of every part, in order. Never edit one once merged; add a new one.
public let allMigrations: [any Migration] = [
    CreateAuditRecords(),
    CreateIdentitySchema(),
    CreateCatalogSchema(),
    // Integer keys for the full-text join (search at 100,000 entries).
    AddPublishedSearchKey(),
    // A bigram index for two-character Chinese queries.
    AddBigramSearch(),
    // Facet counts from covering indexes; lower-case search text.
    AddFacetIndexes(),
    // Which department each hosted table belongs to.
    CreateHostedTables(),
    // One pending request per information system.
    AddOnePendingRequestIndex(),
]

/// Sets up one node: database, middleware, pages, routes.
public func configure(_ app: Application, configuration: YiwangConfiguration, dependencies: Dependencies = Dependencies()) throws {
    app.platform = Platform(configuration: configuration, clock: dependencies.clock, secrets: dependencies.secrets)
    app.identity = dependencies.identity
    app.catalog = dependencies.catalog
    app.principalResolver = IdentityPrincipalResolver()

    try useDatabase(configuration.database, on: app)
    app.migrations.add(allMigrations)

    app.views.use(.leaf)
    app.leaf.sources = .init()
    try app.registerPageResources(named: "platform", at: PlatformResources.directory)
    try app.registerPageResources(named: "identity", at: IdentityRoutes.resourceDirectory)
    try app.registerPageResources(named: "catalog", at: CatalogRoutes.resourceDirectory)

    app.routes.defaultMaxBodySize = ByteCount(value: configuration.maxBodySize)
    app.middleware = Middlewares()
    app.middleware.use(SecurityHeadersMiddleware(secureCookies: configuration.usesSecureCookies))
    app.middleware.use(RequestLogMiddleware())
    app.middleware.use(ProblemMiddleware(renderPage: renderErrorPage))
    app.middleware.use(FileMiddleware(publicDirectory: PlatformResources.directory + "/Public/", defaultFile: nil))

    let registry = PlatformMetrics.bootstrap()
    OperationsRoutes.register(on: app.routes, registry: registry)
    IdentityRoutes.register(on: app.routes)
    CatalogRoutes.register(on: app.routes)
}

/// Migrates, makes sure a signing key exists and, when asked, loads the demo city.
public func prepare(_ app: Application) async throws {
    if case .sqlite = app.platform.configuration.database, let sql = app.db as? any SQLDatabase {
        // Readers never block the writer, and a busy writer is waited for rather than failed.
        try await sql.raw("PRAGMA journal_mode = WAL").run()
    }
    try await app.autoMigrate()
    try await app.identity.keys.ensureActiveKey(on: app.db, now: app.platform.clock.now())
    try await CatalogClassTree.ensure(on: app.db)
    if app.platform.configuration.loadsDemo {
        try await DemoCity.load(on: app.db, platform: app.platform, identity: app.identity, logger: app.logger)
        try await CatalogDemo.load(on: app.db, platform: app.platform, logger: app.logger, entries: app.platform.configuration.demoCatalogEntries)
    }
}

func useDatabase(_ location: DatabaseLocation, on app: Application) throws {
    switch location {
    case .sqlite(let path):
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        app.databases.use(.sqlite(.file(path)), as: .sqlite)
    case .postgres(let url, let schema):
        var configuration = try SQLPostgresConfiguration(url: url)
        if let schema { configuration.searchPath = [schema] }
        app.databases.use(.postgres(configuration: configuration), as: .psql)
    }
}

@Sendable func renderErrorPage(_ request: Request, _ problem: Problem) async throws -> Response {
    let model = ErrorPageModel(status: problem.status, title: problem.title, detail: problem.detail ?? problem.title, requestID: request.id)
    let response = try await request.renderPage("platform/error", title: problem.title, model: model, status: HTTPResponseStatus(statusCode: problem.status))
    return response
}

/// Logs one line per request with its id, route, status and duration; never query strings (they may carry codes).
struct RequestLogMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        request.logger[metadataKey: "request-id"] = .string(request.id)
        do {
            let response = try await next.respond(to: request)
            log(request, status: response.status.code, started: started)
            return response
        } catch {
            log(request, status: 0, started: started)
            throw error
        }
    }

    func log(_ request: Request, status: UInt, started: UInt64) {
        let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        request.logger.info("request", metadata: [
            "method": .string(request.method.rawValue), "path": .string(request.url.path),
            "status": .stringConvertible(status), "ms": .string(String(format: "%.1f", milliseconds)),
        ])
    }
}
