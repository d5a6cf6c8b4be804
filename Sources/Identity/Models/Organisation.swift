import Fluent
import Foundation

/// 行政区划 — a division of the city (GB/T 2260), current or retired.
public final class Division: Model, @unchecked Sendable {
    public static let schema = "divisions"

    @ID(custom: "code", generatedBy: .user) public var id: String?
    @OptionalField(key: "parent_code") public var parentCode: String?

    @Field(key: "name") public var name: String
    @Field(key: "level") public var level: String
    @OptionalField(key: "valid_from") public var validFrom: String?
    @OptionalField(key: "valid_to") public var validTo: String?

    public init() {}

    public init(code: String, name: String, level: String, parentCode: String?, validFrom: String? = nil, validTo: String? = nil) {
        self.id = code
        self.name = name
        self.level = level
        self.parentCode = parentCode
        self.validFrom = validFrom
        self.validTo = validTo
    }

    /// Retired codes stay in the table (old ID numbers carry them) but take no new records.
    public var isCurrent: Bool { validTo == nil }
}

/// 部门 — a government department or public unit at city or county level.
public final class Department: Model, @unchecked Sendable {
    public static let schema = "departments"

    @ID(key: .id) public var id: UUID?
    @OptionalParent(key: "parent_id") public var parent: Department?
    @Field(key: "division_code") public var divisionCode: String

    @Field(key: "name") public var name: String
    @Field(key: "short_name") public var shortName: String
    /// 统一社会信用代码 of the department.
    @Field(key: "credit_code") public var creditCode: String
    @Field(key: "level") public var level: String
    @Field(key: "kind") public var kind: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(id: UUID? = nil, name: String, shortName: String, creditCode: String, level: String, kind: String, divisionCode: String, parentID: UUID?) {
        self.id = id
        self.name = name
        self.shortName = shortName
        self.creditCode = creditCode
        self.level = level
        self.kind = kind
        self.divisionCode = divisionCode
        self.$parent.id = parentID
    }
}

/// 企业 — an enterprise account, represented by a verified citizen.
public final class Enterprise: Model, @unchecked Sendable {
    public static let schema = "enterprises"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "representative_id") public var representative: Account

    @Field(key: "name") public var name: String
    @Field(key: "credit_code") public var creditCode: String
    @Field(key: "legal_person_name") public var legalPersonName: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(id: UUID? = nil, name: String, creditCode: String, legalPersonName: String, representativeID: UUID) {
        self.id = id
        self.name = name
        self.creditCode = creditCode
        self.legalPersonName = legalPersonName
        self.$representative.id = representativeID
    }
}
