import Fluent
import SQLKit

/// At most one pending request per system, enforced by the database (a partial unique index on
/// both SQLite and PostgreSQL), so two submissions at once cannot both wait for a decision.
public struct AddOnePendingRequestIndex: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE UNIQUE INDEX system_requests_one_pending ON system_requests (system_id) WHERE status = 'pending'").run()
    }

    public func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP INDEX IF EXISTS system_requests_one_pending").run()
    }
}
