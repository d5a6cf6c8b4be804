import Foundation
import YiwangKit

/// 数据项 — one data item of a catalog entry.
public struct DataItem: Codable, Sendable, Equatable {
    /// GB/T 21063 data types: C character, N numeric, Y currency, D date, T datetime, L logical,
    /// M memo, B double, I integer, F float.
    public static let types: [String: String] = [
        "C": "字符型", "N": "数值型", "Y": "货币型", "D": "日期型", "T": "日期时间型", "L": "逻辑型",
        "M": "备注型", "B": "双精度型", "I": "整型", "F": "浮点型",
    ]

    public var name: String
    public var type: String
    public var length: Int?
    public var description: String?
    /// Per-item share type; defaults to the entry's.
    public var shareType: Int?

    public init(name: String, type: String, length: Int? = nil, description: String? = nil, shareType: Int? = nil) {
        self.name = name
        self.type = type
        self.length = length
        self.description = description
        self.shareType = shareType
    }
}

/// Every descriptive field of a catalog entry (GB/T 21063; the 2017 catalog guide).
public struct EntryMetadata: Codable, Sendable, Equatable {
    public static let formatClasses = [1: "电子文件", 2: "电子表格", 3: "数据库", 4: "图形图像", 5: "流媒体", 6: "自描述格式", 7: "服务接口"]
    public static let shareTypes = [1: "无条件共享", 2: "有条件共享", 3: "不予共享"]
    public static let shareMethods = ["database": "数据库", "file": "文件", "interface": "接口"]
    public static let updateCycles = ["realtime": "实时", "daily": "每日", "weekly": "每周", "monthly": "每月", "quarterly": "每季度", "yearly": "每年"]

    public var name: String
    public var abstract: String
    public var formatClass: Int
    public var formatType: String
    public var shareType: Int
    public var shareCondition: String?
    public var shareBasis: String?
    public var shareMethod: String
    public var isOpen: Bool
    public var openCondition: String?
    public var updateCycle: String
    public var publicationDate: String?
    public var relatedCodes: [String]
    public var serviceItems: [String]
    public var keywords: [String]
    public var items: [DataItem]

    public init(
        name: String, abstract: String, formatClass: Int, formatType: String, shareType: Int, shareCondition: String? = nil,
        shareBasis: String? = nil, shareMethod: String, isOpen: Bool = false, openCondition: String? = nil, updateCycle: String,
        publicationDate: String? = nil, relatedCodes: [String] = [], serviceItems: [String] = [], keywords: [String] = [], items: [DataItem]
    ) {
        self.name = name
        self.abstract = abstract
        self.formatClass = formatClass
        self.formatType = formatType
        self.shareType = shareType
        self.shareCondition = shareCondition
        self.shareBasis = shareBasis
        self.shareMethod = shareMethod
        self.isOpen = isOpen
        self.openCondition = openCondition
        self.updateCycle = updateCycle
        self.publicationDate = publicationDate
        self.relatedCodes = relatedCodes
        self.serviceItems = serviceItems
        self.keywords = keywords
        self.items = items
    }

    private enum CodingKeys: String, CodingKey {
        case name, abstract, formatClass, formatType, shareType, shareCondition, shareBasis, shareMethod, isOpen, openCondition
        case updateCycle, publicationDate, relatedCodes, serviceItems, keywords, items
    }

    /// Lenient on missing fields, so that what is missing is reported field by field by `validationErrors()`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        abstract = try c.decodeIfPresent(String.self, forKey: .abstract) ?? ""
        formatClass = try c.decodeIfPresent(Int.self, forKey: .formatClass) ?? 0
        formatType = try c.decodeIfPresent(String.self, forKey: .formatType) ?? ""
        shareType = try c.decodeIfPresent(Int.self, forKey: .shareType) ?? 0
        shareCondition = try c.decodeIfPresent(String.self, forKey: .shareCondition)
        shareBasis = try c.decodeIfPresent(String.self, forKey: .shareBasis)
        shareMethod = try c.decodeIfPresent(String.self, forKey: .shareMethod) ?? ""
        isOpen = try c.decodeIfPresent(Bool.self, forKey: .isOpen) ?? false
        openCondition = try c.decodeIfPresent(String.self, forKey: .openCondition)
        updateCycle = try c.decodeIfPresent(String.self, forKey: .updateCycle) ?? ""
        publicationDate = try c.decodeIfPresent(String.self, forKey: .publicationDate)
        relatedCodes = try c.decodeIfPresent([String].self, forKey: .relatedCodes) ?? []
        serviceItems = try c.decodeIfPresent([String].self, forKey: .serviceItems) ?? []
        keywords = try c.decodeIfPresent([String].self, forKey: .keywords) ?? []
        items = try c.decodeIfPresent([DataItem].self, forKey: .items) ?? []
    }

    /// Every problem with the metadata, as field errors in plain Chinese.
    public func validationErrors() -> [Problem.FieldError] {
        var errors: [Problem.FieldError] = []
        func add(_ field: String, _ code: String, _ message: String) { errors.append(.init(field: field, code: code, message: message)) }
        if name.trimmingCharacters(in: .whitespaces).isEmpty { add("name", "required", "请填写信息资源名称。") }
        if name.count > 100 { add("name", "too-long", "信息资源名称不能超过 100 个字。") }
        if abstract.trimmingCharacters(in: .whitespaces).isEmpty { add("abstract", "required", "请填写信息资源摘要。") }
        if Self.formatClasses[formatClass] == nil { add("formatClass", "unknown-format", "资源格式分类应为 1–7。") }
        if formatType.trimmingCharacters(in: .whitespaces).isEmpty { add("formatType", "required", "请填写资源格式类型（如 MySQL、xlsx、REST）。") }
        switch shareType {
        case 1: break
        case 2:
            if (shareCondition ?? "").trimmingCharacters(in: .whitespaces).isEmpty { add("shareCondition", "required", "有条件共享的资源必须写明共享条件。") }
        case 3:
            if (shareBasis ?? "").trimmingCharacters(in: .whitespaces).isEmpty { add("shareBasis", "required", "不予共享的资源必须写明法律、行政法规或政策依据。") }
        default: add("shareType", "unknown-share-type", "共享类型应为 1 无条件、2 有条件或 3 不予共享。")
        }
        if shareType != 3, Self.shareMethods[shareMethod] == nil { add("shareMethod", "unknown-share-method", "共享方式应为 database、file 或 interface。") }
        if isOpen, shareType == 3 { add("isOpen", "not-shared-but-open", "不予共享的资源不能向社会开放。") }
        if Self.updateCycles[updateCycle] == nil { add("updateCycle", "unknown-update-cycle", "更新周期应为 realtime、daily、weekly、monthly、quarterly 或 yearly。") }
        if let date = publicationDate, !date.isEmpty, Day(iso: date) == nil { add("publicationDate", "invalid-date", "发布日期应为 YYYY-MM-DD。") }
        if items.isEmpty { add("items", "required", "至少需要一个数据项。") }
        var seen = Set<String>()
        for (index, item) in items.enumerated() {
            let field = "items[\(index)]"
            if item.name.trimmingCharacters(in: .whitespaces).isEmpty { add(field + ".name", "required", "第 \(index + 1) 个数据项缺少名称。") }
            if !seen.insert(item.name).inserted { add(field + ".name", "duplicate", "数据项“\(item.name)”重复。") }
            if DataItem.types[item.type] == nil { add(field + ".type", "unknown-type", "数据项“\(item.name)”的类型“\(item.type)”未知，应为 C N Y D T L M B I F 之一。") }
            if let length = item.length, length <= 0 || length > 100_000 { add(field + ".length", "invalid-length", "数据项“\(item.name)”的长度不正确。") }
            if let share = item.shareType, !(1...3).contains(share) { add(field + ".shareType", "unknown-share-type", "数据项“\(item.name)”的共享类型应为 1–3。") }
        }
        return errors
    }

    /// The text search runs over: name, abstract, data item names and keywords, in lower case.
    public var searchText: String {
        ([name, abstract] + items.map(\.name) + keywords).joined(separator: " ").lowercased()
    }
}

/// One field that differs between two versions, for a readable change list.
public struct FieldChange: Codable, Sendable, Equatable {
    public var field: String
    public var before: String
    public var after: String
}

extension EntryMetadata {
    static let fieldLabels: [(String, String)] = [
        ("name", "名称"), ("abstract", "摘要"), ("formatClass", "格式分类"), ("formatType", "格式类型"), ("shareType", "共享类型"),
        ("shareCondition", "共享条件"), ("shareBasis", "不予共享依据"), ("shareMethod", "共享方式"), ("isOpen", "是否开放"),
        ("openCondition", "开放条件"), ("updateCycle", "更新周期"), ("publicationDate", "发布日期"), ("relatedCodes", "关联资源"),
        ("serviceItems", "关联事项"), ("keywords", "关键词"),
    ]

    var displayValues: [String: String] {
        [
            "name": name, "abstract": abstract, "formatClass": Self.formatClasses[formatClass] ?? String(formatClass),
            "formatType": formatType, "shareType": Self.shareTypes[shareType] ?? String(shareType),
            "shareCondition": shareCondition ?? "", "shareBasis": shareBasis ?? "", "shareMethod": Self.shareMethods[shareMethod] ?? shareMethod,
            "isOpen": isOpen ? "是" : "否", "openCondition": openCondition ?? "", "updateCycle": Self.updateCycles[updateCycle] ?? updateCycle,
            "publicationDate": publicationDate ?? "", "relatedCodes": relatedCodes.joined(separator: "、"),
            "serviceItems": serviceItems.joined(separator: "、"), "keywords": keywords.joined(separator: "、"),
        ]
    }

    /// What changed from `old` to this version, field by field and item by item.
    public func changes(from old: EntryMetadata?) -> [FieldChange] {
        guard let old else { return [] }
        var changes: [FieldChange] = []
        let before = old.displayValues, after = displayValues
        for (key, label) in Self.fieldLabels where before[key] != after[key] {
            changes.append(FieldChange(field: label, before: before[key] ?? "", after: after[key] ?? ""))
        }
        let oldItems = Dictionary(old.items.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let newItems = Dictionary(items.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for item in items where oldItems[item.name] == nil {
            changes.append(FieldChange(field: "数据项", before: "", after: describe(item)))
        }
        for item in old.items where newItems[item.name] == nil {
            changes.append(FieldChange(field: "数据项", before: describe(item), after: ""))
        }
        for item in items {
            if let previous = oldItems[item.name], previous != item {
                changes.append(FieldChange(field: "数据项", before: describe(previous), after: describe(item)))
            }
        }
        return changes
    }

    func describe(_ item: DataItem) -> String {
        "\(item.name)（\(DataItem.types[item.type] ?? item.type)\(item.length.map { "，长度 \($0)" } ?? "")）"
    }
}
