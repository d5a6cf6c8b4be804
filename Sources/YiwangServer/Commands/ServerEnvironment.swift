import Foundation
import Logging
import YiwangPlatform

/// The one place that reads environment variables; flags override what it returns.
public struct ServerEnvironment: Sendable {
    public var values: [String: String]

    public init(_ values: [String: String] = ProcessInfo.processInfo.environment) {
        self.values = values
    }

    public var logLevel: Logger.Level { values["YIWANG_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info }
    /// For `admin create`, so the password stays out of shell history.
    public var adminPassword: String? { values["YIWANG_ADMIN_PASSWORD"] }
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
