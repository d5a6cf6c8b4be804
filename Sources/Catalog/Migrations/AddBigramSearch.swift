import Fluent
import Foundation
import SQLKit
import YiwangPlatform

/// A bigram index beside the trigram one, so two-character queries (户籍, 许可) are answered from an
/// index too: FTS5 with the `unicode61` tokenizer over bigram-expanded text on SQLite, a GIN index
/// on a `simple` tsvector of the same bigrams on PostgreSQL.
public struct AddBigramSearch: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema(PublishedEntry.schema).field("search_bigrams", .string).update()
        guard let sql = database as? any SQLDatabase else { return }
        if !database.isPostgres {
            try await sql.raw("CREATE VIRTUAL TABLE catalog_fts_bigram USING fts5(body, tokenize = 'unicode61')").run()
        }
        struct Row: Decodable { var entry_id: UUID; var search_key: Int?; var search_text: String }
        for row in try await sql.raw("SELECT entry_id, search_key, search_text FROM catalog_published").all(decoding: Row.self) {
            let bigrams = SearchText.bigrams(row.search_text)
            try await sql.raw("UPDATE catalog_published SET search_bigrams = \(bind: bigrams) WHERE entry_id = \(bind: row.entry_id)").run()
            if !database.isPostgres, let key = row.search_key {
                try await sql.raw("INSERT INTO catalog_fts_bigram (rowid, body) VALUES (\(bind: key), \(bind: bigrams))").run()
            }
        }
        if database.isPostgres {
            try await sql.raw("CREATE INDEX catalog_published_bigrams ON catalog_published USING gin (to_tsvector('simple', coalesce(search_bigrams, '')))").run()
        }
    }

    public func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            if database.isPostgres {
                try await sql.raw("DROP INDEX IF EXISTS catalog_published_bigrams").run()
            } else {
                try await sql.raw("DROP TABLE IF EXISTS catalog_fts_bigram").run()
            }
        }
        try await database.schema(PublishedEntry.schema).deleteField("search_bigrams").update()
    }
}

/// How catalog text is cut for searching.
public enum SearchText {
    /// Every pair of adjacent letters or digits, space-separated and lower-cased: "户籍人口" → "户籍 籍人 人口".
    public static func bigrams(_ text: String) -> String {
        var pairs: [String] = []
        var previous: Character?
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                if let previous { pairs.append(String([previous, character])) }
                previous = character
            } else {
                previous = nil
            }
        }
        return pairs.joined(separator: " ")
    }

    /// Whether a term can be answered from the bigram index.
    static func isBigram(_ term: String) -> Bool {
        term.count == 2 && term.allSatisfy { $0.isLetter || $0.isNumber }
    }
}
