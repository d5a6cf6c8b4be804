import Fluent
import Foundation
import Identity

/// 信息资源分类 — one node of the classification tree (类/项/目/细目).
public final class CatalogClass: Model, @unchecked Sendable {
    public static let schema = "catalog_classes"

    @ID(custom: "code", generatedBy: .user) public var id: String?
    @OptionalField(key: "parent_code") public var parentCode: String?
    @Field(key: "name") public var name: String
    /// 1 类, 2 项, 3 目, 4 细目.
    @Field(key: "level") public var level: Int
    /// For department classes (under 3): the department they belong to.
    @OptionalField(key: "department_id") public var departmentID: UUID?

    public init() {}

    public init(code: String, name: String, parentCode: String?, level: Int, departmentID: UUID? = nil) {
        self.id = code
        self.name = name
        self.parentCode = parentCode
        self.level = level
        self.departmentID = departmentID
    }
}

/// The next sequence number per class, so resource codes are never reused.
public final class CodeSequence: Model, @unchecked Sendable {
    public static let schema = "catalog_code_sequences"

    @ID(custom: "class_code", generatedBy: .user) public var id: String?
    @Field(key: "next_value") public var nextValue: Int

    public init() {}
}

/// 自建信息系统 — a department's own information system, registered with the city.
public final class InformationSystem: Model, @unchecked Sendable {
    public static let schema = "information_systems"

    public enum Status: String, Codable, Sendable, CaseIterable {
        case pending, active, disabled, retired
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "department_id") public var departmentID: UUID

    @Field(key: "name") public var name: String
    @Field(key: "purpose") public var purpose: String
    /// gov_cloud or own_room.
    @Field(key: "deployment") public var deployment: String
    /// extranet, internet or private.
    @Field(key: "network") public var network: String
    @Field(key: "contact_name") public var contactName: String
    @Field(key: "contact_phone") public var contactPhone: String
    @Field(key: "service_items") public var serviceItems: String
    @Field(key: "status") public var status: Status
    /// The client id Identity issued to the system once approved.
    @OptionalField(key: "client_id") public var clientID: String?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}
}

/// A request about a system (register, rename, disable, retire) that the city authority decides.
public final class SystemRequest: Model, @unchecked Sendable {
    public static let schema = "system_requests"

    public enum Kind: String, Codable, Sendable, CaseIterable { case register, rename, disable, retire }
    public enum Status: String, Codable, Sendable { case pending, approved, rejected }

    @ID(key: .id) public var id: UUID?
    @Parent(key: "system_id") public var system: InformationSystem
    @Field(key: "kind") public var kind: Kind
    @OptionalField(key: "new_name") public var newName: String?
    @Field(key: "status") public var status: Status
    @Field(key: "requested_by") public var requestedBy: String
    @OptionalField(key: "decided_by") public var decidedBy: String?
    @OptionalField(key: "reason") public var reason: String?
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "decided_at") public var decidedAt: Date?

    public init() {}
}

/// 目录条目 — the working copy of a catalog entry, with its lifecycle state.
/// What readers see is the last published snapshot (`PublishedEntry`).
public final class CatalogEntry: Model, @unchecked Sendable {
    public static let schema = "catalog_entries"

    public enum Status: String, Codable, Sendable, CaseIterable {
        case draft
        case departmentReview = "department_review"
        case platformReview = "platform_review"
        case published
        case returned
        case rejected
        case withdrawn
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "code") public var code: String
    @Field(key: "class_code") public var classCode: String
    @Field(key: "provider_id") public var providerID: UUID
    @OptionalField(key: "source_system_id") public var sourceSystemID: UUID?

    /// Every descriptive field, as one JSON document (see `EntryMetadata`).
    @Field(key: "metadata") public var metadata: String
    @Field(key: "status") public var status: Status
    /// The published version, nil before the first publication.
    @OptionalField(key: "published_version") public var publishedVersion: Int?
    @Field(key: "created_by") public var createdBy: String
    /// Who last submitted the working copy; a reviewer may not be the same person.
    @OptionalField(key: "submitted_by") public var submittedBy: String?
    @OptionalField(key: "last_data_update") public var lastDataUpdate: Date?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}
}

/// One step in an entry's review history, with its reason.
public final class EntryEvent: Model, @unchecked Sendable {
    public static let schema = "catalog_entry_events"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "entry_id") public var entry: CatalogEntry
    @Field(key: "action") public var action: String
    @Field(key: "from_status") public var fromStatus: String
    @Field(key: "to_status") public var toStatus: String
    @Field(key: "actor") public var actor: String
    @OptionalField(key: "reason") public var reason: String?
    @Field(key: "at") public var at: Date

    public init() {}
}

/// A published version of an entry: the full snapshot and what changed against the one before.
public final class EntryVersion: Model, @unchecked Sendable {
    public static let schema = "catalog_entry_versions"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "entry_id") public var entry: CatalogEntry
    @Field(key: "version") public var version: Int
    @Field(key: "snapshot") public var snapshot: String
    @Field(key: "changes") public var changes: String
    @Field(key: "published_by") public var publishedBy: String
    @Field(key: "published_at") public var publishedAt: Date

    public init() {}
}

/// What readers, search and harvesters see of a published entry: one row per listed entry.
public final class PublishedEntry: Model, @unchecked Sendable {
    public static let schema = "catalog_published"

    @ID(custom: "entry_id", generatedBy: .user) public var id: UUID?
    /// A small integer key, the full-text row id on SQLite.
    @OptionalField(key: "search_key") public var searchKey: Int?
    @Field(key: "code") public var code: String
    @Field(key: "name") public var name: String
    @Field(key: "class_code") public var classCode: String
    @Field(key: "top_class") public var topClass: String
    @Field(key: "provider_id") public var providerID: UUID
    @Field(key: "provider_name") public var providerName: String
    @Field(key: "division_code") public var divisionCode: String
    @Field(key: "share_type") public var shareType: Int
    @Field(key: "format_class") public var formatClass: Int
    @Field(key: "update_cycle") public var updateCycle: String
    @Field(key: "is_open") public var isOpen: Bool
    @Field(key: "has_live_mount") public var hasLiveMount: Bool
    @Field(key: "version") public var version: Int
    @Field(key: "published_at") public var publishedAt: Date
    @Field(key: "modified_at") public var modifiedAt: Date
    /// Name, abstract, item names and keywords, for search.
    @Field(key: "search_text") public var searchText: String
    /// The same text as bigrams, for two-character queries.
    @OptionalField(key: "search_bigrams") public var searchBigrams: String?
    @Field(key: "document") public var document: String

    public init() {}

    /// Sets every column that follows from an entry's published version: its identity, class and
    /// provider, the facet values, and the text it is searched by. Publication dates, the search
    /// key and mount liveness are the caller's to set.
    public func describe(_ entry: CatalogEntry, metadata: EntryMetadata, provider: DepartmentSummary, version: Int, modifiedAt: Date) {
        id = entry.id
        code = entry.code
        name = metadata.name
        classCode = entry.classCode
        topClass = String(entry.classCode.prefix(1))
        providerID = provider.id
        providerName = provider.name
        divisionCode = provider.divisionCode
        shareType = metadata.shareType
        formatClass = metadata.formatClass
        updateCycle = metadata.updateCycle
        isOpen = metadata.isOpen
        self.version = version
        self.modifiedAt = modifiedAt
        searchText = metadata.searchText
        searchBigrams = SearchText.bigrams(searchText)
        document = CatalogService.encode(metadata)
    }
}

/// 需求清单 — data a department needs, for a purpose, scenario and legal basis.
public final class Demand: Model, @unchecked Sendable {
    public static let schema = "catalog_demands"

    public enum Status: String, Codable, Sendable, CaseIterable { case open, matched, assigned, fulfilled, closed }

    @ID(key: .id) public var id: UUID?
    @Field(key: "department_id") public var departmentID: UUID
    @Field(key: "title") public var title: String
    @Field(key: "purpose") public var purpose: String
    @Field(key: "scenario") public var scenario: String
    @Field(key: "legal_basis") public var legalBasis: String
    @Field(key: "deadline") public var deadline: String
    @Field(key: "status") public var status: Status
    @OptionalField(key: "matched_entry_id") public var matchedEntryID: UUID?
    @OptionalField(key: "assigned_department_id") public var assignedDepartmentID: UUID?
    @Field(key: "created_by") public var createdBy: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}

/// 挂接 — a real table, file or API attached to a catalog entry.
public final class Mount: Model, @unchecked Sendable {
    public static let schema = "catalog_mounts"

    public enum Kind: String, Codable, Sendable, CaseIterable { case table, file, api }

    @ID(key: .id) public var id: UUID?
    @Parent(key: "entry_id") public var entry: CatalogEntry
    @Field(key: "kind") public var kind: Kind
    /// A hosted table's name, a file's address, or an API's base URL.
    @Field(key: "target") public var target: String
    @OptionalField(key: "openapi_url") public var openAPIURL: String?
    @OptionalField(key: "system_id") public var systemID: UUID?
    @OptionalField(key: "last_probe_at") public var lastProbeAt: Date?
    @Field(key: "is_live") public var isLive: Bool
    @OptionalField(key: "last_probe_detail") public var lastProbeDetail: String?
    @Field(key: "created_by") public var createdBy: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}

/// A table the platform hosts for a department (filled by aggregation). Only its department can
/// mount it: the registry is what says whose a `hosted_…` table is.
public final class HostedTable: Model, @unchecked Sendable {
    public static let schema = "catalog_hosted_tables"

    @ID(key: .id) public var id: UUID?
    @Field(key: "name") public var name: String
    @Field(key: "department_id") public var departmentID: UUID
    @Field(key: "description") public var description: String
    @Field(key: "created_by") public var createdBy: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}
