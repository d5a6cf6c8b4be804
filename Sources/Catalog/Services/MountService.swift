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
#elseif canImport(Darwin)
import Darwin
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

    static let metadataHosts: Set<String> = ["metadata.google.internal", "metadata", "instance-data"]

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
        if host.contains(":") {
            guard let address = IPAddress(host) else { return "挂接地址不是有效的 IPv6 地址。" }
            return refusal(for: address)
        }
        // No top-level domain is all digits: a host whose last label is numeric (or hexadecimal) is
        // an IPv4 address, and only the plain dotted-decimal form is taken. Resolvers read forms
        // like 0177.0.0.1 or 2130706433 as 127.0.0.1.
        if let last = host.split(separator: ".").last, last.allSatisfy(\.isNumber) || last.hasPrefix("0x") {
            guard let address = IPAddress(host), case .v4 = address else { return "挂接地址不是规范的 IPv4 地址（应为四段十进制数字）。" }
            return refusal(for: address)
        }
        return nil
    }

    /// Checks an address a host resolved to, in any textual form the resolver gives.
    public func refusal(forAddress text: String) -> String? {
        guard let address = IPAddress(text) else { return "无法识别的地址 \(text)。" }
        return refusal(for: address)
    }

    func refusal(for address: IPAddress) -> String? {
        switch address {
        case .v4(let b):
            if b == [100, 100, 100, 200] { return "挂接地址不能指向云平台元数据服务。" }
            if b[0] == 127 { return allowsLoopback ? nil : "挂接地址不能指向本机。" }
            if b[0] == 169 && b[1] == 254 { return "挂接地址不能指向链路本地或元数据地址。" }
            if b[0] == 0 || b[0] >= 224 { return "挂接地址不是可用的单播地址。" }
            return nil
        case .v6(let b):
            let prefix96 = Array(b.prefix(12))
            // IPv4 carried in IPv6 (mapped ::ffff:0:0/96, compatible ::/96, NAT64 64:ff9b::/96) is
            // judged as the IPv4 address it reaches.
            let mapped: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]
            let nat64: [UInt8] = [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0]
            if b.allSatisfy({ $0 == 0 }) { return "挂接地址不是可用的单播地址。" }
            if b.dropLast().allSatisfy({ $0 == 0 }) && b[15] == 1 { return allowsLoopback ? nil : "挂接地址不能指向本机。" }
            if prefix96 == mapped || prefix96 == nat64 || prefix96.allSatisfy({ $0 == 0 }) {
                return refusal(for: .v4(Array(b.suffix(4))))
            }
            if b[0] == 0xff { return "挂接地址不是可用的单播地址。" }
            if b[0] == 0xfe && (b[1] & 0xc0) == 0x80 { return "挂接地址不能指向链路本地地址。" }
            if b[0] == 0xfd && b[1] == 0x00 && b[2] == 0x0e && b[3] == 0xc2 { return "挂接地址不能指向云平台元数据服务。" }
            return nil
        }
    }
}

/// An IP address as bytes, parsed strictly (IPv4 in dotted decimal only), so checks do not depend
/// on how the address was written.
enum IPAddress: Equatable {
    case v4([UInt8])
    case v6([UInt8])

    init?(_ text: String) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self = .v4(withUnsafeBytes(of: &v4) { Array($0) })
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            self = .v6(withUnsafeBytes(of: &v6) { Array($0) })
        } else {
            return nil
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
/// every address checked first, and the probe then connects to a checked address itself: a name
/// cannot answer the check with a public address and the connection with a refused one (DNS
/// rebinding). TLS still verifies the certificate for the host name.
public struct LiveMountProber: MountProber {
    /// Turns a host (name or literal) into numeric addresses; the system resolver unless a test
    /// supplies its own.
    let resolver: @Sendable (String) -> [String]

    public init() { self.resolver = Self.resolve }

    init(resolver: @escaping @Sendable (String) -> [String]) { self.resolver = resolver }

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
        // The host exactly as the HTTP client will read it, so the pin is found under the same key.
        guard let host = URL(string: url)?.host?.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), !host.isEmpty else {
            return ProbeResult(isLive: false, detail: "无效地址")
        }
        let resolver = self.resolver
        let addresses = await withCheckedContinuation { continuation in
            // getaddrinfo blocks; keep it off the cooperative thread pool.
            DispatchQueue.global().async { continuation.resume(returning: resolver(host)) }
        }
        guard !addresses.isEmpty else { return ProbeResult(isLive: false, detail: "无法解析主机名 \(host)") }
        for address in addresses {
            if let refusal = policy.refusal(forAddress: address) { return ProbeResult(isLive: false, detail: "\(host) 解析到 \(address)：\(refusal)") }
        }
        // A literal is connected to as written (the policy took only its plain form); a name is
        // pinned to a checked address: the resolver's first, then the first of the other family,
        // since a dual-stack name may answer on one family only. Two at most, so a dead host
        // costs two timeouts, not one per record.
        var targets: [String?] = [nil]
        if IPAddress(host) == nil, let first = addresses.first {
            let isV6 = { (address: String) in address.contains(":") }
            targets = [first]
            if let other = addresses.first(where: { isV6($0) != isV6(first) }) { targets.append(other) }
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

    @Sendable static func resolve(_ host: String) -> [String] {
        #if canImport(Glibc) || canImport(Darwin)
        var hints = addrinfo()
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
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

    /// `hosted_` and 1–55 lower-case letters, digits or underscores, nothing else.
    static func isHostedTableName(_ name: String) -> Bool {
        guard name.hasPrefix("hosted_") else { return false }
        let rest = name.utf8.dropFirst(7)
        return (1...55).contains(rest.count) && rest.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5f }
    }

    static let hostedTableNameRule = "只能挂接平台归集的数据表（以 hosted_ 开头，由小写字母、数字和下划线组成）。"
    static let hostedTableRegistrationRule = "归集表名称应以 hosted_ 开头，其后为 1–55 个小写字母、数字或下划线。"

    /// Registers a table the platform hosts for a department (until aggregation registers its own).
    public func registerHostedTable(name rawName: String, departmentID: UUID, description: String?, by actor: Principal) async throws -> HostedTable {
        guard actor.roles.contains(.platformAdmin) else { throw AccessError.forbidden }
        let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard Self.isHostedTableName(name) else {
            throw CatalogError.invalid([.init(field: "name", code: "invalid-table", message: Self.hostedTableRegistrationRule)])
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
            do {
                try await table.create(on: db)
            } catch let error as any DatabaseError where error.isConstraintFailure {
                // Registered by someone else between the check and the insert.
                throw CatalogError.hostedTableExists(name)
            }
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
