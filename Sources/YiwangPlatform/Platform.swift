import Fluent
import SQLKit
import Vapor

/// The shared services every part uses, stored once on the application.
public struct Platform: Sendable {
    public var configuration: YiwangConfiguration
    public var clock: any PlatformClock
    public var secrets: any SecretGenerator

    public init(configuration: YiwangConfiguration, clock: any PlatformClock, secrets: any SecretGenerator) {
        self.configuration = configuration
        self.clock = clock
        self.secrets = secrets
    }
}

extension Application {
    private struct PlatformKey: StorageKey { typealias Value = Platform }

    /// The platform services; set once by `configure`.
    public var platform: Platform {
        get {
            guard let platform = storage[PlatformKey.self] else {
                fatalError("Application.platform used before configure(app:) set it")
            }
            return platform
        }
        set { storage[PlatformKey.self] = newValue }
    }
}

extension Request {
    public var platform: Platform { application.platform }
    public var now: Date { application.platform.clock.now() }

    /// The client's address. X-Forwarded-For is believed only from a reverse proxy on this machine
    /// (the peer is loopback), and then only its last hop, the one that proxy added.
    public var clientAddress: String {
        let peer = remoteAddress?.ipAddress
        if let peer, peer.hasPrefix("127.") || peer == "::1",
            let forwarded = headers.first(name: "X-Forwarded-For")?.split(separator: ",").last
        {
            return forwarded.trimmingCharacters(in: .whitespaces)
        }
        return peer ?? "unknown"
    }
}

extension Database {
    /// Whether this connection speaks PostgreSQL (for the few statements that differ).
    public var isPostgres: Bool { (self as? any SQLDatabase)?.dialect.name == "postgresql" }
}
