import Catalog
import Fluent
import Foundation
import Identity
import SQLKit
import Vapor
import YiwangKit
import YiwangPlatform
import YiwangServer

// Catalog search at city scale: loads N published entries (default 100,000) into a fresh database
// and measures `SearchIndex.search` (count, page of 20 and six facet counts) for a mix of Chinese
// queries, as staff and as the public. Prints p50/p95/p99 per query and overall.
//
//   swift run -c release --package-path Benchmarks catalog-search [--database URL] [--entries N] [--rounds R] [--keep]

struct Options {
    var database = "sqlite://" + NSTemporaryDirectory() + "yiwang-bench-\(UUID().uuidString).sqlite"
    var entries = 100_000
    var rounds = 30
    /// Leave the loaded database (or PostgreSQL schema) in place, to look at query plans.
    var keeps = false

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            switch flag {
            case "--database": database = iterator.next() ?? database
            case "--entries": entries = Int(iterator.next() ?? "") ?? entries
            case "--rounds": rounds = Int(iterator.next() ?? "") ?? rounds
            case "--keep": keeps = true
            default: print("unknown flag \(flag)"); exit(2)
            }
        }
    }
}

@main
struct CatalogSearchBenchmark {
static func main() async throws {
let options = Options(CommandLine.arguments)
let app = try await Application.make(Environment(name: "production", arguments: ["catalog-search"]))
app.logger.logLevel = .warning
var location = try DatabaseLocation(url: options.database)
if case .postgres(let url, _) = location {
    // A schema of its own, dropped at the end, so the benchmark never touches real data.
    location = .postgres(url: url, schema: "bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased())
}
var configuration = YiwangConfiguration(database: location, loadsDemo: true)
configuration.demoCatalogEntries = 0
try configure(app, configuration: configuration, dependencies: Dependencies(identity: IdentityServices(passwordCost: 4)))
if case .postgres(_, let schema?) = location {
    // The search path names the schema before it exists; creating it needs no qualification.
    try await (app.db as! any SQLDatabase).raw("CREATE SCHEMA \(unsafeRaw: schema)").run()
}
try await prepare(app)
print("database: \(location)")

// Synthetic entries from word lists, so the text has the shape of real catalog entries.
let subjects = ["企业登记", "营业执照", "不动产登记", "不动产权证书", "户籍人口", "社会保险参保", "住房公积金缴存", "医疗机构执业", "食品经营许可", "道路运输许可", "建设工程规划许可", "排污许可", "行政处罚", "学籍", "婚姻登记", "残疾人证", "低保救助", "药品零售许可", "特种设备", "危险化学品经营许可"]
let qualifiers = ["基本信息", "变更信息", "注销信息", "年度报告", "统计数据", "核发信息", "公示信息", "办理结果", "台账", "明细"]
let places = ["", "双清区", "大祥区", "北塔区", "新邵县", "邵阳县", "隆回县", "洞口县", "绥宁县", "新宁县", "城步苗族自治县", "武冈市", "邵东市"]
let itemNames = ["统一社会信用代码", "企业名称", "法定代表人", "登记日期", "证书编号", "坐落", "权利人", "身份证号码", "联系电话", "有效期至", "经营范围", "注册资本"]
let cycles = ["realtime", "daily", "weekly", "monthly", "quarterly", "yearly"]
let departments = try await OrganisationDirectory.departments(on: app.db)
let started = Date()
let batch = 500
var created = 0
while created < options.entries {
    let range = created..<(created + min(batch, options.entries - created))
    try await app.db.transaction { db in
        var entries: [CatalogEntry] = [], rows: [PublishedEntry] = []
        for index in range {
            let department = departments[index % departments.count]
            let name = places[index % places.count] + subjects[(index / 13) % subjects.count] + qualifiers[(index / 260) % qualifiers.count] + "（\(index)）"
            let items = (0..<6).map { DataItem(name: itemNames[($0 + index) % itemNames.count], type: "C", length: 50) }
            let metadata = EntryMetadata(
                name: name, abstract: "\(department.name)提供的\(name)，用于跨部门共享与业务协同。", formatClass: 3, formatType: "MySQL",
                shareType: 1 + index % 3 == 3 ? 3 : 1 + index % 2, shareCondition: "按业务需要申请", shareBasis: "依法不予共享", shareMethod: "interface",
                isOpen: index % 5 == 0, updateCycle: cycles[index % cycles.count], keywords: [subjects[(index / 13) % subjects.count]], items: items)
            let entry = CatalogEntry()
            entry.id = UUID()
            entry.code = "201/\(String(format: "%07d", index + 1))"
            entry.classCode = "201"
            entry.providerID = department.id
            entry.metadata = CatalogService.encode(metadata)
            entry.status = .published
            entry.publishedVersion = 1
            entry.createdBy = "bench"
            entries.append(entry)
            let row = PublishedEntry()
            row.describe(entry, metadata: metadata, provider: department, version: 1, modifiedAt: started.addingTimeInterval(-Double((index &* 7_919) % 30_000_000)))
            row.hasLiveMount = index % 4 == 0
            row.publishedAt = started
            row.searchKey = index + 1
            rows.append(row)
        }
        try await entries.create(on: db)
        try await rows.create(on: db)
        try await SearchIndex.writeFullText(rows, on: db)
    }
    created = range.upperBound
}
// A catalog changes rarely, so autovacuum keeps it all-visible and PostgreSQL can count facets from
// the index alone; VACUUM gets the freshly loaded table to that steady state now.
if app.db.isPostgres, let sql = app.db as? any SQLDatabase { try await sql.raw("VACUUM ANALYZE catalog_published").run() }
print(String(format: "loaded %d entries in %.1f s", options.entries, Date().timeIntervalSince(started)))

struct Case { var label: String; var query: CatalogQuery; var viewer: CatalogViewer }
let cases: [Case] = [
    Case(label: "营业执照 (staff)", query: CatalogQuery(text: "营业执照"), viewer: .government),
    Case(label: "不动产 (staff)", query: CatalogQuery(text: "不动产"), viewer: .government),
    Case(label: "不动产权证书 (public)", query: CatalogQuery(text: "不动产权证书"), viewer: .publicViewer),
    Case(label: "户籍 2 chars (staff)", query: CatalogQuery(text: "户籍"), viewer: .government),
    Case(label: "双清区 营业执照 (staff)", query: CatalogQuery(text: "双清区 营业执照"), viewer: .government),
    Case(label: "许可 + share_type=1 + cycle (staff)", query: CatalogQuery(text: "许可", shareType: 1, updateCycle: "daily"), viewer: .government),
    Case(label: "no text, class facet (public)", query: CatalogQuery(classCode: "201"), viewer: .publicViewer),
    Case(label: "no text, whole catalog (staff)", query: CatalogQuery(), viewer: .government),
    Case(label: "no text, one provider (public)", query: CatalogQuery(providerID: departments[10].id), viewer: .publicViewer),
    Case(label: "营业执照 by name, page 50 (staff)", query: CatalogQuery(text: "营业执照", offset: 980, sort: .name), viewer: .government),
    Case(label: "rare: 危险化学品经营许可年度报告 (staff)", query: CatalogQuery(text: "危险化学品经营许可年度报告"), viewer: .government),
]

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

var all: [Double] = []
print("query | hits | p50 ms | p95 ms | p99 ms")
for testCase in cases {
    _ = try await SearchIndex.search(testCase.query, viewer: testCase.viewer, on: app.db)
    var samples: [Double] = []
    var hits = 0
    for _ in 0..<options.rounds {
        let clock = ContinuousClock()
        var result: CatalogSearchResult?
        let elapsed = try await clock.measure { result = try await SearchIndex.search(testCase.query, viewer: testCase.viewer, on: app.db) }
        hits = result?.total ?? 0
        samples.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
    }
    samples.sort()
    all += samples
    print(String(format: "%@ | %d | %.1f | %.1f | %.1f", testCase.label, hits, percentile(samples, 0.5), percentile(samples, 0.95), percentile(samples, 0.99)))
}
all.sort()
print(String(format: "overall (%d searches) | | %.1f | %.1f | %.1f", all.count, percentile(all, 0.5), percentile(all, 0.95), percentile(all, 0.99)))

if options.keeps {
    print("kept: \(location)")
} else if case .postgres(_, let schema?) = location {
    try await (app.db as! any SQLDatabase).raw("DROP SCHEMA \(unsafeRaw: schema) CASCADE").run()
} else if case .sqlite(let path) = location, options.database.contains("yiwang-bench-") {
    try? FileManager.default.removeItem(atPath: path)
}
try await app.asyncShutdown()
}
}
