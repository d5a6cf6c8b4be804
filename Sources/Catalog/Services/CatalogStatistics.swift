import Fluent
import Vapor
import Foundation
import Identity
import SQLKit
import YiwangKit
import YiwangPlatform

/// Mount rate and update timeliness, per department, per county and citywide.
public struct CatalogStatistics: Sendable {
    public struct Row: Codable, Sendable, Equatable {
        public var key: String
        public var label: String
        public var published: Int
        public var mounted: Int
        public var timely: Int
        /// Entries with at least one live mount ÷ published entries (practice; no official formula).
        public var mountRate: Double { published == 0 ? 0 : Double(mounted) / Double(published) }
        public var timelinessRate: Double { published == 0 ? 0 : Double(timely) / Double(published) }
    }

    public struct Report: Content {
        public var citywide: Row
        public var byDepartment: [Row]
        public var byDivision: [Row]
    }

    /// Days within which data of each update cycle must have been refreshed to count as timely.
    public static let cycleDays = ["realtime": 1, "daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92, "yearly": 366]

    let database: any Database
    let now: Date

    public init(database: any Database, now: Date) {
        self.database = database
        self.now = now
    }

    public func report() async throws -> Report {
        guard let sql = database as? any SQLDatabase else { throw CatalogError.notFound("数据库") }
        struct Raw: Decodable {
            var provider_id: UUID
            var provider_name: String
            var division_code: String
            var has_live_mount: Bool
            var update_cycle: String
            var last_data_update: Date?
        }
        let rows = try await sql.raw("""
            SELECT p.provider_id, p.provider_name, p.division_code, p.has_live_mount, p.update_cycle, e.last_data_update
            FROM catalog_published p JOIN catalog_entries e ON e.id = p.entry_id
            """).all(decoding: Raw.self)
        let divisions = Dictionary(uniqueKeysWithValues: try await OrganisationDirectory.divisions(on: database).map { ($0.code, $0.name) })
        var department: [String: Row] = [:], division: [String: Row] = [:]
        var city = Row(key: "430500", label: "全市", published: 0, mounted: 0, timely: 0)
        for row in rows {
            let isTimely = row.last_data_update.map { now.timeIntervalSince($0) <= Double(Self.cycleDays[row.update_cycle] ?? 366) * 86_400 } ?? false
            func add(_ target: inout Row) {
                target.published += 1
                if row.has_live_mount { target.mounted += 1 }
                if isTimely { target.timely += 1 }
            }
            let key = row.provider_id.uuidString.lowercased()
            add(&department[key, default: Row(key: key, label: row.provider_name, published: 0, mounted: 0, timely: 0)])
            add(&division[row.division_code, default: Row(key: row.division_code, label: divisions[row.division_code] ?? row.division_code, published: 0, mounted: 0, timely: 0)])
            add(&city)
        }
        return Report(
            citywide: city,
            byDepartment: department.values.sorted { ($0.published, $0.label) > ($1.published, $1.label) },
            byDivision: division.values.sorted { $0.key < $1.key })
    }
}
