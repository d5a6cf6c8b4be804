import Fluent
import SQLKit
import YiwangPlatform

/// The catalog part's first schema, with the full-text index each database does best:
/// FTS5 with the trigram tokenizer on SQLite, pg_trgm on PostgreSQL. Both find Chinese substrings.
public struct CreateCatalogSchema: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema(CatalogClass.schema)
            .field("code", .string, .identifier(auto: false))
            .field("parent_code", .string)
            .field("name", .string, .required)
            .field("level", .int, .required)
            .field("department_id", .uuid)
            .create()

        try await database.schema(CodeSequence.schema)
            .field("class_code", .string, .identifier(auto: false))
            .field("next_value", .int, .required)
            .create()

        try await database.schema(InformationSystem.schema)
            .id()
            .field("department_id", .uuid, .required, .references("departments", "id"))
            .field("name", .string, .required)
            .field("purpose", .string, .required)
            .field("deployment", .string, .required)
            .field("network", .string, .required)
            .field("contact_name", .string, .required)
            .field("contact_phone", .string, .required)
            .field("service_items", .string, .required)
            .field("status", .string, .required)
            .field("client_id", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "department_id", "name")
            .create()

        try await database.schema(SystemRequest.schema)
            .id()
            .field("system_id", .uuid, .required, .references(InformationSystem.schema, .id))
            .field("kind", .string, .required)
            .field("new_name", .string)
            .field("status", .string, .required)
            .field("requested_by", .string, .required)
            .field("decided_by", .string)
            .field("reason", .string)
            .field("created_at", .datetime, .required)
            .field("decided_at", .datetime)
            .create()

        try await database.schema(CatalogEntry.schema)
            .id()
            .field("code", .string, .required)
            .field("class_code", .string, .required, .references(CatalogClass.schema, "code"))
            .field("provider_id", .uuid, .required, .references("departments", "id"))
            .field("source_system_id", .uuid, .references(InformationSystem.schema, .id))
            .field("metadata", .string, .required)
            .field("status", .string, .required)
            .field("published_version", .int)
            .field("created_by", .string, .required)
            .field("submitted_by", .string)
            .field("last_data_update", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "code")
            .create()

        try await database.schema(EntryEvent.schema)
            .id()
            .field("entry_id", .uuid, .required, .references(CatalogEntry.schema, .id))
            .field("action", .string, .required)
            .field("from_status", .string, .required)
            .field("to_status", .string, .required)
            .field("actor", .string, .required)
            .field("reason", .string)
            .field("at", .datetime, .required)
            .create()

        try await database.schema(EntryVersion.schema)
            .id()
            .field("entry_id", .uuid, .required, .references(CatalogEntry.schema, .id))
            .field("version", .int, .required)
            .field("snapshot", .string, .required)
            .field("changes", .string, .required)
            .field("published_by", .string, .required)
            .field("published_at", .datetime, .required)
            .unique(on: "entry_id", "version")
            .create()

        try await database.schema(PublishedEntry.schema)
            .field("entry_id", .uuid, .identifier(auto: false), .references(CatalogEntry.schema, .id))
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("class_code", .string, .required)
            .field("top_class", .string, .required)
            .field("provider_id", .uuid, .required)
            .field("provider_name", .string, .required)
            .field("division_code", .string, .required)
            .field("share_type", .int, .required)
            .field("format_class", .int, .required)
            .field("update_cycle", .string, .required)
            .field("is_open", .bool, .required)
            .field("has_live_mount", .bool, .required)
            .field("version", .int, .required)
            .field("published_at", .datetime, .required)
            .field("modified_at", .datetime, .required)
            .field("search_text", .string, .required)
            .field("document", .string, .required)
            .create()

        try await database.schema(Demand.schema)
            .id()
            .field("department_id", .uuid, .required, .references("departments", "id"))
            .field("title", .string, .required)
            .field("purpose", .string, .required)
            .field("scenario", .string, .required)
            .field("legal_basis", .string, .required)
            .field("deadline", .string, .required)
            .field("status", .string, .required)
            .field("matched_entry_id", .uuid, .references(CatalogEntry.schema, .id))
            .field("assigned_department_id", .uuid, .references("departments", "id"))
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .create()

        try await database.schema(Mount.schema)
            .id()
            .field("entry_id", .uuid, .required, .references(CatalogEntry.schema, .id))
            .field("kind", .string, .required)
            .field("target", .string, .required)
            .field("openapi_url", .string)
            .field("system_id", .uuid, .references(InformationSystem.schema, .id))
            .field("last_probe_at", .datetime)
            .field("is_live", .bool, .required)
            .field("last_probe_detail", .string)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .create()

        guard let sql = database as? any SQLDatabase else { return }
        for (name, table, columns) in [
            ("catalog_entries_provider", CatalogEntry.schema, ["provider_id", "status"]),
            ("catalog_published_provider", PublishedEntry.schema, ["provider_id"]),
            ("catalog_published_class", PublishedEntry.schema, ["class_code"]),
            ("catalog_published_division", PublishedEntry.schema, ["division_code"]),
            ("catalog_published_modified", PublishedEntry.schema, ["modified_at"]),
            ("catalog_mounts_entry", Mount.schema, ["entry_id"]),
            ("catalog_events_entry", EntryEvent.schema, ["entry_id"]),
        ] {
            var builder = sql.create(index: name).on(table)
            for column in columns { builder = builder.column(column) }
            try await builder.run()
        }
        if database.isPostgres {
            // Installed in public so every schema (and every test schema) shares one copy.
            try await sql.raw("""
                DO $$ BEGIN
                  CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
                EXCEPTION WHEN unique_violation OR duplicate_object THEN NULL;
                END $$
                """).run()
            try await sql.raw("CREATE INDEX catalog_published_search ON catalog_published USING gin (search_text public.gin_trgm_ops)").run()
        } else {
            try await sql.raw("CREATE VIRTUAL TABLE catalog_fts USING fts5(entry_id UNINDEXED, body, tokenize = 'trigram')").run()
        }
    }

    public func revert(on database: any Database) async throws {
        if !database.isPostgres, let sql = database as? any SQLDatabase {
            try await sql.raw("DROP TABLE IF EXISTS catalog_fts").run()
        }
        for schema in [Mount.schema, Demand.schema, PublishedEntry.schema, EntryVersion.schema, EntryEvent.schema, CatalogEntry.schema, SystemRequest.schema, InformationSystem.schema, CodeSequence.schema, CatalogClass.schema] {
            try await database.schema(schema).delete()
        }
    }
}
