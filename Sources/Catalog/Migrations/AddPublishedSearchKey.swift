import Fluent
import SQLKit
import YiwangPlatform

/// Gives each published entry a small integer key that is also its full-text row id on SQLite, so a
/// match joins on integers instead of fetching each hit's UUID from the full-text table's content.
public struct AddPublishedSearchKey: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema(PublishedEntry.schema).field("search_key", .int64).update()
        guard let sql = database as? any SQLDatabase else { return }
        if database.isPostgres {
            try await sql.raw("""
                UPDATE catalog_published SET search_key = numbered.n
                FROM (SELECT entry_id, row_number() OVER (ORDER BY published_at, entry_id) AS n FROM catalog_published) AS numbered
                WHERE catalog_published.entry_id = numbered.entry_id
                """).run()
        } else {
            try await sql.raw("UPDATE catalog_published SET search_key = rowid").run()
            try await sql.raw("DELETE FROM catalog_fts").run()
            try await sql.raw("INSERT INTO catalog_fts (rowid, entry_id, body) SELECT search_key, entry_id, search_text FROM catalog_published").run()
        }
        try await sql.create(index: "catalog_published_search_key").on(PublishedEntry.schema).column("search_key").unique().run()
    }

    public func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase { try await sql.drop(index: "catalog_published_search_key").run() }
        try await database.schema(PublishedEntry.schema).deleteField("search_key").update()
    }
}
