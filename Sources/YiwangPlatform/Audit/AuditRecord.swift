import Fluent
import SQLKit
import Foundation

/// 审计日志 — one record of the platform's single append-only, hash-chained audit log.
public final class AuditRecord: Model, @unchecked Sendable {
    public static let schema = "audit_records"

    @ID(custom: "seq", generatedBy: .user) public var id: Int?

    @Field(key: "at") public var at: Date
    /// Who acted: `account:<uuid>`, `client:<client_id>`, `cli:<user>` or `anonymous`.
    @Field(key: "actor") public var actor: String
    /// On whose behalf, when an actor acts for someone else (a system for a citizen, staff for an applicant).
    @OptionalField(key: "on_behalf_of") public var onBehalfOf: String?
    /// Dotted verb, e.g. `account.register`, `oidc.token.issue`, `person.read`.
    @Field(key: "action") public var action: String
    @OptionalField(key: "target") public var target: String?
    @OptionalField(key: "source_address") public var sourceAddress: String?
    /// JSON object of further facts; personal data in it is already masked.
    @Field(key: "detail") public var detail: String
    @Field(key: "previous_hash") public var previousHash: String
    @Field(key: "hash") public var hash: String

    public init() {}
}

public struct CreateAuditRecords: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema(AuditRecord.schema)
            .field("seq", .int64, .identifier(auto: false))
            .field("at", .datetime, .required)
            .field("actor", .string, .required)
            .field("on_behalf_of", .string)
            .field("action", .string, .required)
            .field("target", .string)
            .field("source_address", .string)
            .field("detail", .string, .required)
            .field("previous_hash", .string, .required)
            .field("hash", .string, .required)
            .create()
        try await (database as? any SQLDatabase)?.create(index: "audit_records_at").on(AuditRecord.schema).column("at").run()
        try await (database as? any SQLDatabase)?.create(index: "audit_records_actor").on(AuditRecord.schema).column("actor").run()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema(AuditRecord.schema).delete()
    }
}
