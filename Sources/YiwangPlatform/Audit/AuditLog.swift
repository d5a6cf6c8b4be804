import Fluent
import Foundation
import SQLKit
import YiwangKit

/// What happened, as a caller describes it to the audit log.
public struct AuditEntry: Sendable {
    public var actor: String
    public var onBehalfOf: String?
    public var action: String
    public var target: String?
    public var sourceAddress: String?
    public var detail: [String: String]

    public init(
        actor: String, action: String, target: String? = nil, onBehalfOf: String? = nil,
        sourceAddress: String? = nil, detail: [String: String] = [:]
    ) {
        self.actor = actor
        self.onBehalfOf = onBehalfOf
        self.action = action
        self.target = target
        self.sourceAddress = sourceAddress
        self.detail = detail
    }
}

/// The result of checking the whole chain.
public struct AuditVerification: Sendable, Equatable {
    public var checkedRecords: Int
    /// Sequence number of the first record that does not follow from its predecessor.
    public var firstBrokenSeq: Int?
    public var reason: String?

    public var holds: Bool { firstBrokenSeq == nil }
}

/// Filters for an auditor's search.
public struct AuditQuery: Sendable {
    public var actor: String?
    public var action: String?
    public var target: String?
    public var from: Date?
    public var to: Date?
    public var page: Int
    public var perPage: Int

    public init(actor: String? = nil, action: String? = nil, target: String? = nil, from: Date? = nil, to: Date? = nil, page: Int = 1, perPage: Int = 50) {
        self.actor = actor
        self.action = action
        self.target = target
        self.from = from
        self.to = to
        self.page = min(max(1, page), 100_000)
        self.perPage = min(max(1, perPage), 500)
    }
}

/// 审计日志 — the single audit log of the platform: every change and every read of personal data.
public enum AuditLog {
    /// Appends a record inside the caller's transaction, so the change and its record commit together.
    public static func append(_ entry: AuditEntry, at date: Date, on database: any Database) async throws {
        try await database.transaction { db in
            if db.isPostgres, let sql = db as? any SQLDatabase {
                // Serialises appends across nodes: the chain has exactly one tail.
                try await sql.raw("SELECT pg_advisory_xact_lock(7305001)").run()
            }
            let last = try await AuditRecord.query(on: db).sort(\.$id, .descending).first()
            let record = AuditRecord()
            record.id = (last?.id ?? 0) + 1
            record.at = Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
            record.actor = entry.actor
            record.onBehalfOf = entry.onBehalfOf
            record.action = entry.action
            record.target = entry.target
            record.sourceAddress = entry.sourceAddress
            record.detail = encodeDetail(entry.detail)
            record.previousHash = last?.hash ?? HashChain.genesis
            record.hash = HashChain.link(previous: record.previousHash, payload: payload(of: record))
            try await record.create(on: db)
        }
    }

    /// Walks the whole chain in order and names the first record that breaks it.
    public static func verify(on database: any Database) async throws -> AuditVerification {
        var previous = HashChain.genesis
        var expectedSeq = 1
        var checked = 0
        let batch = 1000
        while true {
            let records = try await AuditRecord.query(on: database)
                .filter(\.$id >= expectedSeq)
                .sort(\.$id).limit(batch).all()
            for record in records {
                let seq = record.id ?? -1
                if seq != expectedSeq {
                    return .init(checkedRecords: checked, firstBrokenSeq: expectedSeq, reason: "record \(expectedSeq) is missing")
                }
                if record.previousHash != previous {
                    return .init(checkedRecords: checked, firstBrokenSeq: seq, reason: "previous hash does not match record \(seq - 1)")
                }
                if HashChain.link(previous: previous, payload: payload(of: record)) != record.hash {
                    return .init(checkedRecords: checked, firstBrokenSeq: seq, reason: "content does not match its hash")
                }
                previous = record.hash
                expectedSeq += 1
                checked += 1
            }
            if records.count < batch { break }
        }
        return .init(checkedRecords: checked, firstBrokenSeq: nil, reason: nil)
    }

    /// Records matching an auditor's filters, newest first, and the total count.
    public static func search(_ query: AuditQuery, on database: any Database) async throws -> (records: [AuditRecord], total: Int) {
        var builder = AuditRecord.query(on: database)
        if let actor = query.actor, !actor.isEmpty { builder = builder.filter(\.$actor, .custom("LIKE"), "%\(escapeLike(actor))%") }
        if let action = query.action, !action.isEmpty { builder = builder.filter(\.$action, .custom("LIKE"), "\(escapeLike(action))%") }
        if let target = query.target, !target.isEmpty { builder = builder.filter(\.$target, .custom("LIKE"), "%\(escapeLike(target))%") }
        if let from = query.from { builder = builder.filter(\.$at >= from) }
        if let to = query.to { builder = builder.filter(\.$at <= to) }
        let total = try await builder.copy().count()
        let records = try await builder.sort(\.$id, .descending)
            .range(((query.page - 1) * query.perPage)..<(query.page * query.perPage)).all()
        return (records, total)
    }

    /// The canonical bytes a record's hash covers.
    static func payload(of record: AuditRecord) -> Data {
        let fields: [String] = [
            String(record.id ?? 0),
            String(Int64((record.at.timeIntervalSince1970 * 1000).rounded())),
            record.actor, record.onBehalfOf ?? "", record.action, record.target ?? "",
            record.sourceAddress ?? "", record.detail,
        ]
        // Length-prefixed so no choice of field contents can shift a boundary.
        return Data(fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "\n").utf8)
    }

    static func encodeDetail(_ detail: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(detail), as: UTF8.self)) ?? "{}"
    }

    static func escapeLike(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "")
    }
}
