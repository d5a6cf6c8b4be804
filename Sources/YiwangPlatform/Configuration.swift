import Foundation

/// Where the platform keeps its data: an embedded SQLite file or a PostgreSQL server.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String, schema: String? = nil)

    /// Parses `sqlite:///absolute/path.sqlite` or `postgres://user:pass@host:port/db`.
    public init(url raw: String) throws(ConfigurationError) {
        if raw.hasPrefix("sqlite://") {
            let path = String(raw.dropFirst("sqlite://".count))
            guard path.hasPrefix("/"), path.count > 1 else {
                throw .invalid(key: "database", reason: "SQLite URLs need an absolute path: sqlite:///absolute/path.sqlite")
            }
            self = .sqlite(path: path)
        } else if raw.hasPrefix("postgres://") || raw.hasPrefix("postgresql://") {
            guard let components = URLComponents(string: raw), components.host?.isEmpty == false,
                components.path.count > 1
            else {
                throw .invalid(key: "database", reason: "PostgreSQL URLs look like postgres://user:pass@host:5432/db")
            }
            self = .postgres(url: raw.replacingOccurrences(of: "postgresql://", with: "postgres://"))
        } else {
            throw .invalid(key: "database", reason: "use sqlite:///absolute/path.sqlite or postgres://user:pass@host:port/db")
        }
    }

    public var isPostgres: Bool {
        if case .postgres = self { return true }
        return false
    }

    /// The location with any password removed, for logs.
    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite://\(path)"
        case .postgres(let url, let schema):
            var components = URLComponents(string: url)
            if components?.password != nil { components?.password = "****" }
            return (components?.string ?? "postgres://…") + (schema.map { " (schema \($0))" } ?? "")
        }
    }
}

public enum ConfigurationError: Error, CustomStringConvertible, Equatable {
    case invalid(key: String, reason: String)

    public var description: String {
        switch self {
        case .invalid(let key, let reason): return "invalid \(key): \(reason)"
        }
    }
}

/// Typed configuration of one `yiwang` node. The CLI builds it from flags and the environment;
/// tests build it directly.
public struct YiwangConfiguration: Sendable {
    public var database: DatabaseLocation
    public var host: String
    public var port: Int
    /// The address users and relying parties reach this node at; the OIDC issuer.
    public var publicURL: String
    /// Load the demo city into an empty database on start.
    public var loadsDemo: Bool
    /// How many catalog entries the demo city has (the city reported 3,546); tests use fewer.
    public var demoCatalogEntries: Int = 3546
    /// Web sessions end after this long without a request.
    public var sessionIdleTimeout: TimeInterval
    /// Web sessions end this long after sign-in, however active.
    public var sessionAbsoluteTimeout: TimeInterval
    /// Failed sign-ins before an account is locked.
    public var maxFailedSignIns: Int
    public var lockoutDuration: TimeInterval
    public var accessTokenLifetime: TimeInterval
    public var refreshTokenLifetime: TimeInterval
    /// Largest request body accepted, in bytes.
    public var maxBodySize: Int
    /// Folder for files the node writes (the SMS outbox export, uploads).
    public var dataDirectory: String

    public init(
        database: DatabaseLocation,
        host: String = "127.0.0.1",
        port: Int = 8080,
        publicURL: String? = nil,
        loadsDemo: Bool = false,
        sessionIdleTimeout: TimeInterval = 30 * 60,
        sessionAbsoluteTimeout: TimeInterval = 12 * 3600,
        maxFailedSignIns: Int = 5,
        lockoutDuration: TimeInterval = 15 * 60,
        accessTokenLifetime: TimeInterval = 10 * 60,
        refreshTokenLifetime: TimeInterval = 30 * 24 * 3600,
        maxBodySize: Int = 1 << 20,
        dataDirectory: String = ".yiwang"
    ) {
        self.database = database
        self.host = host
        self.port = port
        self.publicURL = publicURL ?? "http://\(host):\(port)"
        self.loadsDemo = loadsDemo
        self.sessionIdleTimeout = sessionIdleTimeout
        self.sessionAbsoluteTimeout = sessionAbsoluteTimeout
        self.maxFailedSignIns = maxFailedSignIns
        self.lockoutDuration = lockoutDuration
        self.accessTokenLifetime = accessTokenLifetime
        self.refreshTokenLifetime = refreshTokenLifetime
        self.maxBodySize = maxBodySize
        self.dataDirectory = dataDirectory
    }

    /// Cookies are marked Secure when the public address is https (the node sits behind TLS).
    public var usesSecureCookies: Bool { publicURL.hasPrefix("https://") }
}
