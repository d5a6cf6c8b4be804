import Fluent
import Foundation
import SQLKit
import YiwangPlatform

/// Indexes that answer facet counts without reading the published rows, and search text kept in
/// lower case so PostgreSQL matches it with `LIKE` (three times cheaper to recheck than `ILIKE`).
///
/// - `catalog_published_facets` (visibility, then every facet column): a search with no text counts
///   its facets from the index alone, in index order, without sorting.
/// - `catalog_published_key_facets` (SQLite): full-text matches come back as search keys; with the
///   facet columns beside the key, counting them needs no row lookups.
public struct AddFacetIndexes: AsyncMigration {
    public init() {}

    static let facetColumns = ["is_open", "class_code", "provider_id", "share_type", "format_class", "update_cycle", "division_code"]

    public func prepare(on database: any Database) async throws {
        // One transaction: a failure leaves nothing half-done for the rerun to trip over.
        try await database.transaction { try await prepareAll(on: $0) }
    }

    func prepareAll(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        struct Row: Decodable { var entry_id: UUID; var search_text: String }
        for row in try await sql.raw("SELECT entry_id, search_text FROM catalog_published").all(decoding: Row.self) {
            let lowered = row.search_text.lowercased()
            guard lowered != row.search_text else { continue }
            try await sql.raw("UPDATE catalog_published SET search_text = \(bind: lowered) WHERE entry_id = \(bind: row.entry_id)").run()
        }
        var facets = sql.create(index: "catalog_published_facets").on(PublishedEntry.schema)
        for column in Self.facetColumns { facets = facets.column(column) }
        try await facets.run()
        if !database.isPostgres {
            var keyed = sql.create(index: "catalog_published_key_facets").on(PublishedEntry.schema).column("search_key")
            for column in Self.facetColumns { keyed = keyed.column(column) }
            try await keyed.run()
        }
    }

    public func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "catalog_published_facets").run()
        if !database.isPostgres { try await sql.drop(index: "catalog_published_key_facets").run() }
    }
}
