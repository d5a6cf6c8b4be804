import Fluent
import Foundation
import Identity
import Spreadsheet
import YiwangKit
import YiwangPlatform

/// The catalog template departments fill in, read from CSV or .xlsx and written as CSV.
public enum CatalogTemplate {
    /// Columns in order; imports match headers by name, so column order may differ.
    public static let columns = [
        "资源分类代码", "信息资源名称", "信息资源摘要", "格式分类", "格式类型", "共享类型", "共享条件", "不予共享依据",
        "共享方式", "是否向社会开放", "更新周期", "关键词", "关联事项", "数据项",
    ]
    static let required: Set<String> = ["资源分类代码", "信息资源名称", "信息资源摘要", "共享类型", "更新周期", "数据项"]

    /// One row as the template writes it.
    static func row(classCode: String, metadata m: EntryMetadata) -> [String] {
        [
            classCode, m.name, m.abstract, String(m.formatClass), m.formatType, EntryMetadata.shareTypes[m.shareType] ?? String(m.shareType),
            m.shareCondition ?? "", m.shareBasis ?? "", EntryMetadata.shareMethods[m.shareMethod] ?? m.shareMethod, m.isOpen ? "是" : "否",
            EntryMetadata.updateCycles[m.updateCycle] ?? m.updateCycle, m.keywords.joined(separator: "；"), m.serviceItems.joined(separator: "；"),
            m.items.map { "\($0.name):\($0.type)\($0.length.map { ":\($0)" } ?? "")" }.joined(separator: "；"),
        ]
    }

    /// Reads one row into a class code and metadata, or the reasons it cannot be read.
    static func parse(_ cells: [String: String]) -> (classCode: String, metadata: EntryMetadata, errors: [String]) {
        var errors: [String] = []
        func value(_ column: String) -> String { (cells[column] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        func code<T>(_ column: String, _ table: [T: String], _ parse: (String) -> T?) -> T? {
            let raw = value(column)
            if raw.isEmpty { return nil }
            if let direct = parse(raw), table[direct] != nil { return direct }
            if let byLabel = table.first(where: { $0.value == raw })?.key { return byLabel }
            errors.append("“\(column)”的值“\(raw)”无法识别。")
            return nil
        }
        let shareType = code("共享类型", EntryMetadata.shareTypes) { Int($0) } ?? 0
        let formatClass = code("格式分类", EntryMetadata.formatClasses) { Int($0) } ?? 0
        let shareMethod = code("共享方式", EntryMetadata.shareMethods) { $0 } ?? ""
        let cycle = code("更新周期", EntryMetadata.updateCycles) { $0 } ?? ""
        let open = value("是否向社会开放")
        if !["", "是", "否", "true", "false", "1", "0"].contains(open) { errors.append("“是否向社会开放”应填“是”或“否”。") }
        let list = { (s: String) in s.split(whereSeparator: { "；;、,，".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        var items: [DataItem] = []
        for (index, part) in value("数据项").split(whereSeparator: { "；;\n".contains($0) }).enumerated() {
            let fields = part.split(whereSeparator: { ":：".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count >= 2 else {
                errors.append("第 \(index + 1) 个数据项“\(part)”应写作 名称:类型[:长度]。")
                continue
            }
            var length: Int?
            if fields.count >= 3 {
                length = Int(fields[2])
                if length == nil { errors.append("数据项“\(fields[0])”的长度“\(fields[2])”不是整数。") }
            }
            items.append(DataItem(name: fields[0], type: fields[1].uppercased(), length: length))
        }
        let metadata = EntryMetadata(
            name: value("信息资源名称"), abstract: value("信息资源摘要"), formatClass: formatClass, formatType: value("格式类型"),
            shareType: shareType, shareCondition: value("共享条件").nonEmpty, shareBasis: value("不予共享依据").nonEmpty,
            shareMethod: shareMethod.isEmpty && shareType == 3 ? "database" : shareMethod, isOpen: ["是", "true", "1"].contains(open),
            updateCycle: cycle, serviceItems: list(value("关联事项")), keywords: list(value("关键词")), items: items)
        return (value("资源分类代码"), metadata, errors)
    }
}


/// 目录导入导出 — spreadsheet imports with row-level validation, and exports.
public struct CatalogTransfer: Sendable {
    public enum Mode: String, Codable, Sendable {
        /// Keep the valid rows as drafts and report the rest.
        case keepValid = "keep_valid"
        /// Save nothing unless every row is valid.
        case allOrNothing = "all_or_nothing"
    }

    public struct RowError: Codable, Sendable, Equatable {
        public var row: Int
        public var name: String
        public var errors: [String]
    }

    public struct Report: Codable, Sendable {
        public var mode: Mode
        public var rows: Int
        public var created: [String]
        public var rejected: [RowError]
        public var isSaved: Bool
    }

    let database: any Database
    let platform: Platform

    public init(database: any Database, platform: Platform) {
        self.database = database
        self.platform = platform
    }

    /// Imports a template: every row is validated before anything is saved.
    public func importTemplate(_ data: Data, mode: Mode, by actor: Principal) async throws -> Report {
        guard let provider = actor.departmentID else { throw CatalogError.notYourDepartment }
        let sheet: Sheet
        do { sheet = try SpreadsheetReader.read(data) } catch {
            throw CatalogError.invalid([.init(field: "file", code: "unreadable", message: error.message)])
        }
        guard let header = sheet.rows.first else {
            throw CatalogError.invalid([.init(field: "file", code: "empty", message: "文件是空的。")])
        }
        let headers = header.map { $0.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\u{FEFF}", with: "") }
        let missing = CatalogTemplate.required.subtracting(headers)
        if !missing.isEmpty {
            throw CatalogError.invalid([.init(field: "file", code: "missing-columns", message: "缺少列：\(missing.sorted().joined(separator: "、"))。请使用目录导入模板。")])
        }
        let service = CatalogService(database: database, platform: platform)
        let classes = Set(try await CatalogClass.query(on: database).all().compactMap(\.id))
        var seenNames = Set<String>()
        var valid: [(row: Int, classCode: String, metadata: EntryMetadata)] = []
        var rejected: [RowError] = []
        for (index, cells) in sheet.rows.enumerated().dropFirst() where !cells.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            var values: [String: String] = [:]
            for (column, name) in headers.enumerated() where column < cells.count { values[name] = cells[column] }
            var (classCode, metadata, errors) = CatalogTemplate.parse(values)
            errors += metadata.validationErrors().map(\.message)
            if !classes.contains(classCode) { errors.append("资源分类代码“\(classCode)”不存在。") }
            if !metadata.name.isEmpty, !seenNames.insert(metadata.name).inserted { errors.append("与文件中前面的行重名。") }
            do { try await service.requireUniqueName(metadata.name, provider: provider, except: nil) } catch { errors.append("本部门已有同名的信息资源。") }
            if errors.isEmpty { valid.append((index + 1, classCode, metadata)) } else { rejected.append(RowError(row: index + 1, name: metadata.name, errors: errors)) }
        }
        if mode == .allOrNothing, !rejected.isEmpty {
            return Report(mode: mode, rows: valid.count + rejected.count, created: [], rejected: rejected, isSaved: false)
        }
        let rows = valid
        let created: [String] = try await database.transaction { db in
            let transactional = CatalogService(database: db, platform: platform)
            var codes: [String] = []
            for row in rows {
                let entry = try await transactional.createDraft(classCode: row.classCode, metadata: row.metadata, providerID: provider, by: actor)
                codes.append(entry.code)
            }
            return codes
        }
        return Report(mode: mode, rows: valid.count + rejected.count, created: created, rejected: rejected, isSaved: !created.isEmpty)
    }

    /// The published catalog as the viewer may see it, in the template's columns.
    public func exportCSV(_ query: CatalogQuery, viewer: CatalogViewer) async throws -> Data {
        var rows = [CatalogTemplate.columns + ["资源代码", "提供部门", "版本", "更新时间"]]
        var query = query
        query.limit = 1000
        query.offset = 0
        query.facets = []
        let formatter = ISO8601DateFormatter()
        while true {
            let page = try await SearchIndex.search(query, viewer: viewer, on: database)
            for entry in page.entries {
                guard let metadata = try? JSONDecoder().decode(EntryMetadata.self, from: Data(entry.document.utf8)) else { continue }
                rows.append(CatalogTemplate.row(classCode: entry.classCode, metadata: metadata) + [entry.code, entry.providerName, String(entry.version), formatter.string(from: entry.modifiedAt)])
            }
            query.offset += page.entries.count
            if page.entries.count < query.limit || query.offset >= page.total { break }
        }
        return CSVWriter.write(rows)
    }
}
