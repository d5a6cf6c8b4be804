import Fluent
import Foundation
import SQLKit

/// The registry of hosted tables and their departments. Tables already mounted are registered to
/// the department whose entry mounted them first, so existing mounts keep an owner.
public struct CreateHostedTables: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        // One transaction: a failed backfill leaves no table behind for the rerun to trip over.
        try await database.transaction { try await prepareAll(on: $0) }
    }

    func prepareAll(on database: any Database) async throws {
        try await database.schema(HostedTable.schema)
            .id()
            .field("name", .string, .required)
            .field("department_id", .uuid, .required, .references("departments", "id"))
            .field("description", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "name")
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        struct Row: Decodable { var target: String; var provider_id: UUID; var created_at: Date }
        let mounted = try await sql.raw("""
            SELECT m.target, e.provider_id, m.created_at FROM catalog_mounts m JOIN catalog_entries e ON e.id = m.entry_id
            WHERE m.kind = 'table' ORDER BY m.created_at
            """).all(decoding: Row.self)
        var owners: [String: UUID] = [:]
        for row in mounted where MountService.isHostedTableName(row.target) {
            if let owner = owners[row.target] {
                // Before this registry nothing stopped two departments mounting one table: keep the first, and say so.
                if owner != row.provider_id { database.logger.warning("hosted table mounted by two departments; registered to the first", metadata: ["table": .string(row.target)]) }
                continue
            }
            owners[row.target] = row.provider_id
            let table = HostedTable()
            table.name = row.target
            table.departmentID = row.provider_id
            table.description = ""
            table.createdBy = "migration"
            table.createdAt = row.created_at
            try await table.create(on: database)
        }
    }

    public func revert(on database: any Database) async throws {
        try await database.schema(HostedTable.schema).delete()
    }
}
