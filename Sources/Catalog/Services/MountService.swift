import AsyncHTTPClient
import Fluent
import Identity
import Foundation
import NIOCore
import NIOHTTP1
import SQLKit
import YiwangKit
import YiwangPlatform
#if canImport(Glibc)
import Glibc
#endif

/// Checks whether a mount address is safe to probe: http(s) only, never the platform itself,
/// loopback, link-local or cloud metadata addresses (the classic server-side request forgery targets).
public struct MountURLPolicy: Sendable {
    /// The platform's own public address, refused as a target.
    public var platformURL: String
    /// Development and test set-ups may probe systems on this machine.
    public var allowsLoopback: Bool

    public init(platformURL: String, allowsLoopback: Bool = false) {
        self.platformURL = platformURL
        self.allowsLoopback = allowsLoopback
    }

    static let metadataHosts: Set<String> = ["metadata.google.internal", "metadata", "instance-data", "100.100.100.200"]

    /// The reason a URL may not be mounted, or nil when it may.
    public func refusal(for raw: String) -> String? {
        guard raw.count <= 2000, let url = URLComponents(string: raw), let scheme = url.scheme?.lowercased() else { return "挂接地址不是有效的 URL。" }
        guard scheme == "http" || scheme == "https" else { return "挂接地址只能是 http 或 https。" }
        guard var host = url.host?.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]")), !host.isEmpty else { return "挂接地址缺少主机名。" }
        while host.hasSuffix(".") { host.removeLast() }
        if url.user != nil || url.password != nil { return "挂接地址不能包含用户名或密码。" }
        if let own = URLComponents(string: platformURL), own.host?.lowercased() == host {
            return "挂接地址不能指向平台自身。"
        }
        if Self.metadataHosts.contains(host) { return "挂接地址不能指向云平台元数据服务。" }
        if host == "localhost" || host.hasSuffix(".localhost") { return allowsLoopback ? nil : "挂接地址不能指向本机。" }
        return refusal(forAddress: host)
    }

    /// Checks a literal address (or one a host name resolved to).
    public func refusal(forAddress address: String) -> String? {
        if address == "100.100.100.200" { return "挂接地址不能指向云平台元数据服务。" }
        if let v4 = IPv4(address) {
            if v4.a == 127 { return allowsLoopback ? nil : "挂接地址不能指向本机。" }
            if v4.a == 169 && v4.b == 254 { return "挂接地址不能指向链路本地或元数据地址。" }
            if v4.a == 0 || v4.a >= 224 { return "挂接地址不是可用的单播地址。" }
            return nil
        }
        if address.contains(":") {
            let lower = address.lowercased()
            if lower == "::1" { return allowsLoopback ? nil : "挂接地址不能指向本机。" }
            if lower == "::" || lower.hasPrefix("ff") { return "挂接地址不是可用的单播地址。" }
            if lower.hasPrefix("fd00:ec2:") { return "挂接地址不能指向云平台元数据服务。" }
            if lower.hasPrefix("fe8") || lower.hasPrefix("fe9") || lower.hasPrefix("fea") || lower.hasPrefix("feb") { return "挂接地址不能指向链路本地地址。" }
            if lower.hasPrefix("::ffff:"), let mapped = refusal(forAddress: String(lower.dropFirst(7))) { return mapped }
        }
        return nil
    }

    func defaultPort(_ scheme: String?) -> Int { scheme == "https" ? 443 : 80 }

    struct IPv4 {
        var a: Int, b: Int
        init?(_ s: String) {
            let parts = s.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
            guard parts.count == 4, parts.allSatisfy({ $0 != nil && (0...255).contains($0!) }) else { return nil }
            a = parts[0]!
            b = parts[1]!
        }
    }
}

/// The outcome of one probe.
public struct ProbeResult: Sendable, Equatable {
    public var isLive: Bool
    public var detail: String

    public init(isLive: Bool, detail: String) {
        self.isLive = isLive
        self.detail = detail
    }
}

/// Probes a mount's target; the live one makes HTTP requests, tests use their own.
public protocol MountProber: Sendable {
    func probe(_ url: String, policy: MountURLPolicy) async -> ProbeResult
}

/// Probes over HTTP with a short timeout, never following redirects. The host is resolved and
/// every address checked first, and the probe then connects to the checked address itself: a name
/// cannot answer the check with a public address and the connection with a refused one (DNS
/// rebinding). TLS still verifies the certificate for the host name.
public struct LiveMountProber: MountProber {
    public init() {}

    /// A client for one probe: pinned to the checked address, no redirects (each hop would escape
    /// the checks), short timeouts.
    static func makeClient(pinning overrides: [String: String]) -> HTTPClient {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(3), read: .seconds(5)))
        configuration.decompression = .disabled
        configuration.dnsOverride = overrides
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func probe(_ url: String, policy: MountURLPolicy) async -> ProbeResult {
        if let refusal = policy.refusal(for: url) { return ProbeResult(isLive: false, detail: refusal) }
        guard let host = URLComponents(string: url)?.host?.trimmingCharacters(in: CharacterSet(charactersIn: "[]")) else { return ProbeResult(isLive: false, detail: "无效地址") }
        // A literal address was checked by the policy; a name is resolved and every address checked.
        var targets: [String?] = [nil]
        if !Self.isAddressLiteral(host) {
            let addresses = await withCheckedContinuation { continuation in
                // getaddrinfo blocks; keep it off the cooperative thread pool.
                DispatchQueue.global().async { continuation.resume(returning: Self.resolve(host)) }
            }
            guard !addresses.isEmpty else { return ProbeResult(isLive: false, detail: "无法解析主机名 \(host)") }
            for address in addresses {
                if let refusal = policy.refusal(forAddress: address) { return ProbeResult(isLive: false, detail: "\(host) 解析到 \(address)：\(refusal)") }
            }
            // Unique addresses in resolver order (a dual-stack name may answer on one family only).
            var seen: Set<String> = []
            targets = addresses.filter { seen.insert($0).inserted }.prefix(4).map { $0 }
        }
        var failure = ""
        for address in targets {
            let client = Self.makeClient(pinning: address.map { [host: $0] } ?? [:])
            var status: Int?
            do {
                var request = HTTPClientRequest(url: url)
                request.method = .GET
                request.headers.add(name: "User-Agent", value: "Yiwang-Catalog-Probe/1.0")
                status = Int(try await client.execute(request, timeout: .seconds(5)).status.code)
            } catch {
                failure = "无法连接\(address.map { "（\($0)）" } ?? "")：\(String(describing: error).prefix(200))"
            }
            try? await client.shutdown()
            if let status { return ProbeResult(isLive: (200..<400).contains(status), detail: "HTTP \(status)") }
        }
        return ProbeResult(isLive: false, detail: failure)
    }

    static func isAddressLiteral(_ host: String) -> Bool {
        host.contains(":") || MountURLPolicy.IPv4(host) != nil
    }

    static func resolve(_ host: String) -> [String] {
        #if canImport(Glibc)
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(info.pointee.ai_addr, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
                addresses.append(String(decoding: bytes, as: UTF8.self))
            }
            cursor = info.pointee.ai_next
        }
        return addresses
        #else
        return []
        #endif
    }
}

/// 挂接服务 — attaching real resources to entries, probing them, and the mount rate.
public struct MountService: Sendable {
    public struct NewMount: Codable, Sendable {
        public var kind: String
        public var target: String
        public var openAPIURL: String?
        public var systemID: UUID?
    }

    let database: any Database
    let platform: Platform
    let policy: MountURLPolicy

    public init(database: any Database, platform: Platform, policy: MountURLPolicy) {
        self.database = database
        self.platform = platform
        self.policy = policy
    }

    /// Attaches a resource to one of the department's entries.
    public func attach(_ input: NewMount, to entryID: UUID, by actor: Principal) async throws -> Mount {
        guard let entry = try await CatalogEntry.find(entryID, on: database) else { throw CatalogError.notFound("目录条目") }
        if !actor.roles.contains(.platformAdmin) {
            guard !actor.roles.isDisjoint(with: [.departmentStaff, .departmentAdmin]), actor.departmentID == entry.providerID else { throw CatalogError.notYourDepartment }
        }
        guard let kind = Mount.Kind(rawValue: input.kind) else {
            throw CatalogError.invalid([.init(field: "kind", code: "unknown-kind", message: "挂接类型应为 table、file 或 api。")])
        }
        let target = input.target.trimmingCharacters(in: .whitespaces)
        switch kind {
        case .table:
            // Only tables the platform hosts for the entry's department, never its own tables nor
            // another department's.
            guard Self.isHostedTableName(target) else {
                throw CatalogError.invalid([.init(field: "target", code: "invalid-table", message: Self.hostedTableNameRule)])
            }
            guard let hosted = try await HostedTable.query(on: database).filter(\.$name == target).first() else {
                throw CatalogError.invalid([.init(field: "target", code: "unregistered-table", message: "数据表 \(target) 未在平台登记为归集表。")])
            }
            guard hosted.departmentID == entry.providerID else {
                throw CatalogError.invalid([.init(field: "target", code: "not-your-table", message: "数据表 \(target) 是为其他部门归集的，只能挂接本部门的归集表。")])
            }
        case .file, .api:
            if let refusal = policy.refusal(for: target) { throw CatalogError.unsafeMountURL(refusal) }
            if let openAPI = input.openAPIURL, let refusal = policy.refusal(for: openAPI) { throw CatalogError.unsafeMountURL(refusal) }
        }
        if let systemID = input.systemID {
            guard let system = try await InformationSystem.find(systemID, on: database), system.departmentID == entry.providerID, system.status == .active else {
                throw CatalogError.invalid([.init(field: "systemID", code: "unknown-system", message: "系统不存在、未获批准或不属于本部门。")])
            }
        }
        let mount = Mount()
        mount.$entry.id = entryID
        mount.kind = kind
        mount.target = target
        mount.openAPIURL = input.openAPIURL
        mount.systemID = input.systemID
        mount.isLive = false
        mount.createdBy = actor.auditActor
        mount.createdAt = platform.clock.now()
        try await database.transaction { db in
            try await mount.create(on: db)
            try await AuditLog.append(AuditEntry(actor: actor.auditActor, action: "catalog.mount.attach", target: "catalog-entry:\(entry.code)", detail: ["kind": kind.rawValue, "target": target]), at: platform.clock.now(), on: db)
        }
        return mount
    }

    static func isHostedTableName(_ name: String) -> Bool {
        name.range(of: "^hosted_[a-z0-9_]{1,55}$", options: .regularExpression) != nil
    }

    static let hostedTableNameRule = "只能挂接平台归集的数据表（以 hosted_ 开头，由小写字母、数字和下划线组成）。"

    /// Registers a table the platform hosts for a department (until aggregation registers its own).
    public func registerHostedTable(name rawName: String, departmentID: UUID, description: String?, by actor: Principal) async throws -> HostedTable {
        let name = rawName.trimmingCharacters(in: .whitespaces)
        guard Self.isHostedTableName(name) else {
            throw CatalogError.invalid([.init(field: "name", code: "invalid-table", message: Self.hostedTableNameRule)])
        }
        guard try await OrganisationDirectory.department(departmentID, on: database) != nil else {
            throw CatalogError.invalid([.init(field: "departmentID", code: "unknown-department", message: "部门不存在。")])
        }
        let table = HostedTable()
        table.name = name
        table.departmentID = departmentID
        table.description = description?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        table.createdBy = actor.auditActor
        table.createdAt = platform.clock.now()
        try await database.transaction { db in
            guard try await HostedTable.query(on: db).filter(\.$name == name).first() == nil else { throw CatalogError.hostedTableExists(name) }
            try await table.create(on: db)
            try await AuditLog.append(AuditEntry(actor: actor.auditActor, action: "catalog.hosted_table.register", target: "hosted-table:\(name)", detail: ["department": departmentID.uuidString]), at: platform.clock.now(), on: db)
        }
        return table
    }

    /// Probes one mount now (just after it is attached) and updates its entry's liveness.
    public func probe(_ mount: Mount, prober: any MountProber) async throws {
        try await probe(mount, prober: prober, at: platform.clock.now())
    }

    func probe(_ mount: Mount, prober: any MountProber, at now: Date) async throws {
        let result: ProbeResult
        switch mount.kind {
        case .table: result = try await probeTable(mount.target)
        case .file, .api: result = await prober.probe(mount.target, policy: policy)
        }
        mount.lastProbeAt = now
        mount.isLive = result.isLive
        mount.lastProbeDetail = String(result.detail.prefix(500))
        try await mount.save(on: database)
        try await refreshLiveness(of: mount.$entry.id)
    }

    /// Probes mounts not probed within `interval`. Each is claimed with a conditional update first,
    /// so several nodes never probe the same mount twice.
    @discardableResult
    public func probeDue(interval: TimeInterval, prober: any MountProber, limit: Int = 50) async throws -> Int {
        let now = platform.clock.now()
        let cutoff = now - interval
        let due = try await Mount.query(on: database)
            .group(.or) { $0.filter(\.$lastProbeAt == nil).filter(\.$lastProbeAt < cutoff) }
            .sort(\.$lastProbeAt).limit(limit).all()
        var probed = 0
        for mount in due {
            guard let id = mount.id else { continue }
            let claimed = try await claim(id, cutoff: cutoff, now: now)
            guard claimed else { continue }
            try await probe(mount, prober: prober, at: now)
            probed += 1
        }
        return probed
    }

    func claim(_ id: UUID, cutoff: Date, now: Date) async throws -> Bool {
        guard let sql = database as? any SQLDatabase else { return true }
        let rows = try await sql.raw("UPDATE catalog_mounts SET last_probe_at = \(bind: now) WHERE id = \(bind: id) AND (last_probe_at IS NULL OR last_probe_at < \(bind: cutoff)) RETURNING id").all()
        return !rows.isEmpty
    }

    /// A hosted table is live when it exists in the platform's database.
    func probeTable(_ name: String) async throws -> ProbeResult {
        guard let sql = database as? any SQLDatabase else { return ProbeResult(isLive: false, detail: "无数据库") }
        let query: SQLQueryString = database.isPostgres
            ? "SELECT 1 AS found FROM information_schema.tables WHERE table_name = \(bind: name) AND table_schema = ANY (current_schemas(false))"
            : "SELECT 1 AS found FROM sqlite_master WHERE type IN ('table', 'view') AND name = \(bind: name)"
        let exists = try await sql.raw(query).first() != nil
        return ProbeResult(isLive: exists, detail: exists ? "表已就绪" : "平台上没有名为 \(name) 的表")
    }

    /// An entry counts as mounted when at least one of its mounts passed its last probe.
    func refreshLiveness(of entryID: UUID) async throws {
        let live = try await Mount.query(on: database).filter(\.$entry.$id == entryID).filter(\.$isLive == true).count() > 0
        try await PublishedEntry.query(on: database).filter(\.$id == entryID).set(\.$hasLiveMount, to: live).update()
    }
}
