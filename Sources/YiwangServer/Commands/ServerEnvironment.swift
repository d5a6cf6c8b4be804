import Foundation
import Logging
import YiwangPlatform

/// The one place that reads environment variables; flags override what it returns.
public struct ServerEnvironment: Sendable {
    public var values: [String: String]

    public init(_ values: [String: String] = ProcessInfo.processInfo.environment) {
        self.values = values
    }

    /// Every variable the server reads, with its meaning and default, for `--help` and the README.
    public static let documented: [(name: String, meaning: String, fallback: String)] = [
        ("YIWANG_DATABASE_URL", "sqlite:///absolute/path.sqlite or postgres://user:pass@host:port/db", "sqlite://<cwd>/.yiwang/yiwang.sqlite"),
        ("YIWANG_HOST", "address to listen on", "127.0.0.1"),
        ("YIWANG_PORT", "port to listen on", "8080"),
        ("YIWANG_PUBLIC_URL", "address users reach the node at; the OIDC issuer; https makes cookies Secure", "http://HOST:PORT"),
        ("YIWANG_LOG_LEVEL", "trace, debug, info, notice, warning, error, critical", "info"),
        ("YIWANG_SESSION_IDLE_MINUTES", "web session idle timeout", "30"),
        ("YIWANG_SESSION_ABSOLUTE_HOURS", "web session absolute timeout", "12"),
        ("YIWANG_MAX_FAILED_SIGNINS", "failed sign-ins before a 15-minute lock", "5"),
        ("YIWANG_MAX_BODY_BYTES", "largest request body", "1048576"),
        ("YIWANG_BCRYPT_COST", "bcrypt cost for passwords", "12"),
        ("YIWANG_MOUNT_ALLOW_LOOPBACK", "let catalog mounts point at this machine (development only)", "false"),
    ]

    public var logLevel: Logger.Level { values["YIWANG_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info }
    public var allowsLoopbackMounts: Bool { values["YIWANG_MOUNT_ALLOW_LOOPBACK"] == "true" }
    public var bcryptCost: Int { values["YIWANG_BCRYPT_COST"].flatMap(Int.init).map { min(max($0, 4), 31) } ?? 12 }

    /// Builds the configuration from flags (when given) and variables.
    public func configuration(database: String?, host: String?, port: Int?, publicURL: String?, demo: Bool) throws -> YiwangConfiguration {
        let defaultDatabase = "sqlite://" + FileManager.default.currentDirectoryPath + "/.yiwang/yiwang.sqlite"
        let location = try DatabaseLocation(url: database ?? values["YIWANG_DATABASE_URL"] ?? defaultDatabase)
        let host = host ?? values["YIWANG_HOST"] ?? "127.0.0.1"
        let port = try port ?? integer("YIWANG_PORT") ?? 8080
        guard (1...65535).contains(port) else { throw ConfigurationError.invalid(key: "port", reason: "must be 1-65535") }
        var configuration = YiwangConfiguration(database: location, host: host, port: port, publicURL: publicURL ?? values["YIWANG_PUBLIC_URL"], loadsDemo: demo)
        if let minutes = try integer("YIWANG_SESSION_IDLE_MINUTES") { configuration.sessionIdleTimeout = TimeInterval(minutes * 60) }
        if let hours = try integer("YIWANG_SESSION_ABSOLUTE_HOURS") { configuration.sessionAbsoluteTimeout = TimeInterval(hours * 3600) }
        if let failures = try integer("YIWANG_MAX_FAILED_SIGNINS") { configuration.maxFailedSignIns = failures }
        if let bytes = try integer("YIWANG_MAX_BODY_BYTES") { configuration.maxBodySize = bytes }
        return configuration
    }

    func integer(_ name: String) throws -> Int? {
        guard let raw = values[name] else { return nil }
        guard let value = Int(raw), value > 0 else { throw ConfigurationError.invalid(key: name, reason: "must be a positive whole number, got \(raw)") }
        return value
    }
}
