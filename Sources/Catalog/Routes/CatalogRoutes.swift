import Foundation
import Vapor
import YiwangPlatform

/// The catalog part's route table.
public enum CatalogRoutes {
    public static func register(on routes: any RoutesBuilder) {
        CatalogAPI.register(on: routes)
        CatalogExports.register(on: routes)
        CKANAPI.register(on: routes)
        CatalogPages.register(on: routes)
    }

    /// Where this part's templates and strings live at run time.
    public static var resourceDirectory: String { Bundle.module.bundlePath + "/Resources" }
}

/// Probes due mounts in the background while the server runs.
public struct MountProbeLifecycle: LifecycleHandler {
    public init() {}

    public func didBootAsync(_ application: Application) async throws {
        let app = application
        let task = Task {
            while !Task.isCancelled {
                do {
                    let service = MountService(
                        database: app.db, platform: app.platform,
                        policy: MountURLPolicy(platformURL: app.platform.configuration.publicURL, allowsLoopback: app.catalog.allowsLoopbackMounts))
                    try await service.probeDue(interval: app.catalog.probeInterval, prober: app.catalog.prober)
                } catch {
                    app.logger.warning("mount probing failed; will retry", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: .seconds(60))
            }
        }
        app.storage[ProbeTaskKey.self] = task
    }

    public func shutdownAsync(_ application: Application) async {
        application.storage[ProbeTaskKey.self]?.cancel()
    }

    struct ProbeTaskKey: StorageKey { typealias Value = Task<Void, Never> }
}
