import Fluent
import Foundation

/// The classification tree's fixed top: 基础 / 主题 / 部门 classes and their 项 (the 2017 guide).
public enum CatalogClassTree {
    public static let topLevel: [(code: String, name: String, parent: String?, level: Int)] = [
        ("1", "基础信息资源", nil, 1), ("2", "主题信息资源", nil, 1), ("3", "部门信息资源", nil, 1),
        ("101", "人口基础信息", "1", 2), ("102", "法人单位基础信息", "1", 2), ("103", "自然资源和空间地理基础信息", "1", 2),
        ("104", "社会信用基础信息", "1", 2), ("105", "电子证照基础信息", "1", 2), ("106", "宏观经济基础信息", "1", 2),
        ("201", "公共服务", "2", 2), ("202", "健康保障", "2", 2), ("203", "社会保障", "2", 2), ("204", "食品药品安全", "2", 2),
        ("205", "安全生产", "2", 2), ("206", "价格监管", "2", 2), ("207", "能源安全", "2", 2), ("208", "信用体系", "2", 2),
        ("209", "城乡建设", "2", 2), ("210", "社区治理", "2", 2), ("211", "生态环境", "2", 2), ("212", "应急维稳", "2", 2),
    ]

    /// The level of a base or theme class from its code: 类 `1`, 项 `101`, 目 `10101`, 细目 `1010101`.
    public static func level(of code: String) -> Int? {
        switch code.count {
        case 1: 1
        case 3: 2
        case 5: 3
        case 7: 4
        default: nil
        }
    }

    /// Creates the fixed classes that are missing; safe to run on every start.
    public static func ensure(on database: any Database) async throws {
        let existing = Set(try await CatalogClass.query(on: database).filter(\.$level <= 2).filter(\.$departmentID == nil).all().compactMap(\.id))
        for node in topLevel where !existing.contains(node.code) {
            try await CatalogClass(code: node.code, name: node.name, parentCode: node.parent, level: node.level).create(on: database)
        }
    }
}
