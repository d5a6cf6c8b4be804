import Fluent
import Foundation
import Identity
import SQLKit
import YiwangKit
import YiwangPlatform

/// Who is looking, which decides what the catalog shows.
public enum CatalogViewer: Sendable, Equatable {
    /// The public: entries open to society only.
    case publicViewer
    /// Staff and department systems: every published entry, conditional and not-shared ones included.
    case government

    public init(_ principal: Principal?) {
        guard let principal else { self = .publicViewer; return }
        if principal.isStaff || principal.scopes.contains("catalog.read") { self = .government } else { self = .publicViewer }
    }
}

/// A search over the published catalog.
public struct CatalogQuery: Sendable {
    public var text: String
    public var classCode: String?
    public var providerID: UUID?
    public var shareType: Int?
    public var formatClass: Int?
    public var updateCycle: String?
    public var division: String?
    public var modifiedSince: Date?
    /// Leave out the negative list (for the supply list).
    public var excludesNotShared = false
    public var offset: Int
    public var limit: Int
    public var sort: Sort
    public var facets: [Facet]

    public enum Sort: String, Sendable { case relevance, modified, name }

    public enum Facet: String, Sendable, CaseIterable {
        case classCode = "class_code", provider = "provider_id", shareType = "share_type", formatClass = "format_class"
        case updateCycle = "update_cycle", division = "division_code"
    }

    public init(text: String = "", classCode: String? = nil, providerID: UUID? = nil, shareType: Int? = nil, formatClass: Int? = nil, updateCycle: String? = nil, division: String? = nil, modifiedSince: Date? = nil, offset: Int = 0, limit: Int = 20, sort: Sort = .relevance, facets: [Facet] = Facet.allCases) {
        self.text = text
        self.classCode = classCode
        self.providerID = providerID
        self.shareType = shareType
        self.formatClass = formatClass
        self.updateCycle = updateCycle
        self.division = division
        self.modifiedSince = modifiedSince
        self.offset = max(0, offset)
        self.limit = min(max(0, limit), 1000)
        self.sort = sort
        self.facets = facets
    }

    /// Search terms: whitespace-separated, at most eight, each at most 50 characters, in lower case
    /// like the search text they are matched against.
    var terms: [String] {
        Array(text.lowercased().split(whereSeparator: { $0.isWhitespace }).map { String($0.prefix(50)) }.prefix(8))
    }
}

public struct FacetCount: Sendable, Codable, Equatable {
    public var value: String
    public var count: Int
}

public struct CatalogSearchResult: Sendable {
    public var total: Int
    public var entries: [PublishedEntry]
    public var facets: [CatalogQuery.Facet: [FacetCount]]
}

/// The published catalog's search: substring matching that works for Chinese on both databases.
public enum SearchIndex {
    /// Writes (or rewrites) an entry's published row and its full-text row.
    static func upsert(entry: CatalogEntry, metadata: EntryMetadata, provider: DepartmentSummary, version: Int, publishedAt: Date, hasLiveMount: Bool, on db: any Database) async throws {
        let id = try entry.requireID()
        let row = try await PublishedEntry.find(id, on: db) ?? PublishedEntry()
        if row.id == nil { row.publishedAt = publishedAt }
        row.describe(entry, metadata: metadata, provider: provider, version: version, modifiedAt: publishedAt)
        row.hasLiveMount = hasLiveMount
        if row.searchKey == nil { row.searchKey = try await nextSearchKey(on: db) }
        try await row.save(on: db)
        if !db.isPostgres, let sql = db as? any SQLDatabase, let key = row.searchKey {
            try await sql.raw("DELETE FROM catalog_fts WHERE rowid = \(bind: key)").run()
            try await sql.raw("DELETE FROM catalog_fts_bigram WHERE rowid = \(bind: key)").run()
            try await writeFullText([row], on: db)
        }
    }

    /// Adds rows to SQLite's full-text tables (PostgreSQL indexes the columns themselves).
    public static func writeFullText(_ rows: [PublishedEntry], on db: any Database) async throws {
        guard !db.isPostgres, let sql = db as? any SQLDatabase, !rows.isEmpty else { return }
        var trigram: SQLQueryString = "INSERT INTO catalog_fts (rowid, entry_id, body) VALUES "
        var bigram: SQLQueryString = "INSERT INTO catalog_fts_bigram (rowid, body) VALUES "
        for (index, row) in rows.enumerated() {
            guard let key = row.searchKey, let id = row.id else { continue }
            let separator: SQLQueryString = index == 0 ? "" : ", "
            trigram = trigram + separator + "(\(bind: key), \(bind: id.uuidString), \(bind: row.searchText))"
            bigram = bigram + separator + "(\(bind: key), \(bind: row.searchBigrams ?? SearchText.bigrams(row.searchText)))"
        }
        try await sql.raw(trigram).run()
        try await sql.raw(bigram).run()
    }

    /// The next free search key; serialised on PostgreSQL, and SQLite has one writer.
    static func nextSearchKey(on db: any Database) async throws -> Int {
        guard let sql = db as? any SQLDatabase else { return 1 }
        if db.isPostgres { try await sql.raw("SELECT pg_advisory_xact_lock(7305003)").run() }
        struct Max: Decodable { var n: Int? }
        return (try await sql.raw("SELECT MAX(search_key) AS n FROM catalog_published").first(decoding: Max.self)?.n ?? 0) + 1
    }

    static func remove(_ id: UUID, on db: any Database) async throws {
        guard let row = try await PublishedEntry.find(id, on: db) else { return }
        if !db.isPostgres, let sql = db as? any SQLDatabase, let key = row.searchKey {
            try await sql.raw("DELETE FROM catalog_fts WHERE rowid = \(bind: key)").run()
            try await sql.raw("DELETE FROM catalog_fts_bigram WHERE rowid = \(bind: key)").run()
        }
        try await row.delete(on: db)
    }

    /// Whether SQLite answers the query's text from a full-text table (whose matches come back as
    /// search keys), rather than by scanning.
    static func matchesFullText(_ query: CatalogQuery) -> Bool {
        query.terms.contains { $0.count >= 3 || SearchText.isBigram($0) }
    }

    /// The `WHERE` conditions for a query and viewer, shared by the count, the page and the facets.
    ///
    /// SQLite plans without statistics, so the visibility flag can mislead it: for a page with no
    /// text it would take every open entry from the facet index and sort them all, where walking the
    /// modification index and stopping at the page is far cheaper; with text, it may prefer that
    /// index to the full-text match. `visibilityIndexed: false` writes the flag as `+is_open`, which
    /// SQLite does not look up in an index; pages always use it.
    static func conditions(_ query: CatalogQuery, viewer: CatalogViewer, isPostgres: Bool, visibilityIndexed: Bool = true) -> SQLQueryString {
        var clause: SQLQueryString = "1 = 1"
        if viewer == .publicViewer {
            clause = clause + (visibilityIndexed || isPostgres ? " AND p.is_open = \(bind: true)" : " AND +p.is_open = \(bind: true)")
        }
        let terms = query.terms
        if !terms.isEmpty {
            let long = terms.filter { $0.count >= 3 }
            let pairs = terms.filter { SearchText.isBigram($0) }
            let rest = terms.filter { $0.count < 3 && !SearchText.isBigram($0) }
            if isPostgres {
                // pg_trgm serves LIKE from its GIN index for terms of three or more characters (the
                // search text is stored in lower case, so LIKE suffices, and rechecks far faster than
                // ILIKE); two-character terms go to the bigram tsvector index.
                for term in long { clause = clause + " AND p.search_text LIKE \(bind: "%" + escapeLike(term) + "%") ESCAPE '\\'" }
                for pair in pairs { clause = clause + " AND to_tsvector('simple', coalesce(p.search_bigrams, '')) @@ plainto_tsquery('simple', \(bind: pair))" }
            } else {
                if !long.isEmpty {
                    // FTS5's trigram tokenizer matches any substring of three or more characters.
                    let match = long.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: " AND ")
                    clause = clause + " AND p.search_key IN (SELECT rowid FROM catalog_fts WHERE catalog_fts MATCH \(bind: match))"
                }
                if !pairs.isEmpty {
                    let match = pairs.map { "\"" + $0 + "\"" }.joined(separator: " AND ")
                    clause = clause + " AND p.search_key IN (SELECT rowid FROM catalog_fts_bigram WHERE catalog_fts_bigram MATCH \(bind: match))"
                }
            }
            // One character, or two with punctuation: a scan, but rare.
            for term in rest { clause = clause + " AND p.search_text LIKE \(bind: "%" + escapeLike(term) + "%") ESCAPE '\\'" }
        }
        if let value = query.classCode {
            // The class and everything under it. A broad class holds most of the catalog, where a scan
            // beats walking the class index row by row, so the prefix is matched without it.
            clause = clause + " AND (p.class_code = \(bind: value) OR p.class_code LIKE \(bind: escapeLike(value) + "%") ESCAPE '\\')"
        }
        if let value = query.providerID { clause = clause + " AND p.provider_id = \(bind: value)" }
        if let value = query.shareType { clause = clause + " AND p.share_type = \(bind: value)" }
        if let value = query.formatClass { clause = clause + " AND p.format_class = \(bind: value)" }
        if let value = query.updateCycle { clause = clause + " AND p.update_cycle = \(bind: value)" }
        if let value = query.division { clause = clause + " AND p.division_code = \(bind: value)" }
        if let value = query.modifiedSince { clause = clause + " AND p.modified_at >= \(bind: value)" }
        if query.excludesNotShared { clause = clause + " AND p.share_type <> 3" }
        return clause
    }

    static func escapeLike(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    /// Runs a search: the page of entries, the total, and the facet counts within the result.
    public static func search(_ query: CatalogQuery, viewer: CatalogViewer, on db: any Database) async throws -> CatalogSearchResult {
        guard let sql = db as? any SQLDatabase else { throw CatalogError.notFound("数据库") }
        let isPostgres = db.isPostgres
        let filter = conditions(query, viewer: viewer, isPostgres: isPostgres)
        // Full-text matches are counted from the index that holds each key's facet values, so no
        // match needs its row read; SQLite sometimes prefers the narrower key index without this.
        let counted: SQLQueryString = !isPostgres && matchesFullText(query)
            ? "catalog_published p INDEXED BY catalog_published_key_facets" : "catalog_published p"
        // One grouped pass over the matches: each row of the result is a combination of facet values
        // with its count, and the total and every facet's counts are summed from those rows. The
        // filter (and its full-text match) runs once, and no facet needs a pass of its own. Grouping
        // follows the column order of `catalog_published_facets`, so a count with no text and every
        // facet reads that index in order instead of sorting the matches.
        let columns = CatalogQuery.Facet.allCases.filter(query.facets.contains).map(\.rawValue)
        var total = 0
        var facets: [CatalogQuery.Facet: [FacetCount]] = [:]
        if columns.isEmpty {
            struct Count: Decodable { var n: Int }
            total = try await sql.raw("SELECT COUNT(*) AS n FROM " + counted + " WHERE " + filter).first(decoding: Count.self)?.n ?? 0
        } else {
            let list = columns.map { "CAST(p.\($0) AS TEXT) AS \($0)" }.joined(separator: ", ")
            let groups = (["is_open"] + columns).map { "p.\($0)" }.joined(separator: ", ")
            let rows = try await sql.raw("SELECT \(unsafeRaw: list), COUNT(*) AS n FROM " + counted + " WHERE " + filter + " GROUP BY \(unsafeRaw: groups)").all()
            var counts: [CatalogQuery.Facet: [String: Int]] = [:]
            for row in rows {
                let n = try row.decode(column: "n", as: Int.self)
                total += n
                for facet in query.facets {
                    guard let value = try row.decodeNil(column: facet.rawValue) ? nil : row.decode(column: facet.rawValue, as: String.self) else { continue }
                    counts[facet, default: [:]][value, default: 0] += n
                }
            }
            for (facet, values) in counts {
                facets[facet] = values.map { FacetCount(value: $0.key, count: $0.value) }.sorted { ($0.count, $1.value) > ($1.count, $0.value) }
            }
        }

        var order: SQLQueryString
        switch query.sort {
        case .modified: order = "p.modified_at DESC, p.code"
        case .name: order = "p.name, p.code"
        case .relevance:
            if let first = query.terms.first {
                // Entries whose name holds the term come before those that only mention it. Names keep
                // their case; PostgreSQL's ILIKE costs several times LIKE, so it is used only when the
                // term has letters with case (SQLite's LIKE ignores ASCII case anyway).
                let caseless = first.uppercased() == first
                let like = isPostgres && !caseless ? "ILIKE" : "LIKE"
                order = "CASE WHEN p.name \(unsafeRaw: like) \(bind: "%" + escapeLike(first) + "%") ESCAPE '\\' THEN 0 ELSE 1 END, p.modified_at DESC, p.code"
            } else {
                order = "p.modified_at DESC, p.code"
            }
        }
        var entries: [PublishedEntry] = []
        if query.limit > 0, total > 0 {
            let pageFilter = conditions(query, viewer: viewer, isPostgres: isPostgres, visibilityIndexed: false)
            let rows = try await sql.raw("SELECT p.entry_id FROM catalog_published p WHERE " + pageFilter + " ORDER BY " + order + " LIMIT \(unsafeRaw: String(query.limit)) OFFSET \(unsafeRaw: String(query.offset))").all()
            let ids = try rows.map { try $0.decode(column: "entry_id", as: UUID.self) }
            let found = try await PublishedEntry.query(on: db).filter(\.$id ~~ ids).all()
            let byID = Dictionary(uniqueKeysWithValues: found.map { ($0.id!, $0) })
            entries = ids.compactMap { byID[$0] }
        }
        return CatalogSearchResult(total: total, entries: entries, facets: facets)
    }
}
