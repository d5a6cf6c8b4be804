import Fluent
import Foundation
import Identity
import SQLKit
import YiwangKit
import YiwangPlatform

/// 目录服务 — catalog entries and their maker–checker lifecycle:
/// draft → department review → platform review → published, with return and rejection at each review.
public struct CatalogService: Sendable {
    public enum Decision: String, Codable, Sendable { case approve, `return`, reject }

    let database: any Database
    let platform: Platform

    public init(database: any Database, platform: Platform) {
        self.database = database
        self.platform = platform
    }

    var now: Date { platform.clock.now() }

    /// Canonical JSON (sorted keys) for stored documents.
    public static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "{}"
    }

    static func decodeMetadata(_ entry: CatalogEntry) throws -> EntryMetadata {
        try JSONDecoder().decode(EntryMetadata.self, from: Data(entry.metadata.utf8))
    }

    // MARK: Classes and codes

    /// The department's own class under 3 (部门信息资源), created on first use.
    public func departmentClass(for department: DepartmentSummary) async throws -> CatalogClass {
        if let existing = try await CatalogClass.query(on: database).filter(\.$departmentID == department.id).first() { return existing }
        let count = try await CatalogClass.query(on: database).filter(\.$parentCode == "3").count()
        let node = CatalogClass(code: "3" + String(format: "%03d", count + 1), name: department.name, parentCode: "3", level: 2, departmentID: department.id)
        try await node.create(on: database)
        return node
    }

    /// Allocates the next resource code of a class: `<class>/<6-digit sequence>`. Sequences only grow.
    func allocateCode(in classCode: String, on db: any Database) async throws -> String {
        if db.isPostgres, let sql = db as? any SQLDatabase {
            try await sql.raw("SELECT pg_advisory_xact_lock(7305002)").run()
        }
        let sequence = try await CodeSequence.find(classCode, on: db) ?? {
            let created = CodeSequence()
            created.id = classCode
            created.nextValue = 1
            return created
        }()
        let value = sequence.nextValue
        sequence.nextValue = value + 1
        try await sequence.save(on: db)
        return "\(classCode)/\(String(format: "%06d", value))"
    }

    // MARK: Permissions

    func requireMaker(_ actor: Principal, for providerID: UUID) throws {
        if actor.roles.contains(.platformAdmin) { return }
        guard !actor.roles.isDisjoint(with: [.departmentStaff, .departmentAdmin]) else { throw AccessError.forbidden }
        guard actor.departmentID == providerID else { throw CatalogError.notYourDepartment }
    }

    func entry(_ id: UUID, on db: any Database) async throws -> CatalogEntry {
        guard let entry = try await CatalogEntry.find(id, on: db) else { throw CatalogError.notFound("目录条目") }
        return entry
    }

    // MARK: Drafts

    /// Creates a draft with a new resource code; the provider is the maker's department.
    public func createDraft(classCode: String, metadata: EntryMetadata, sourceSystemID: UUID? = nil, providerID: UUID? = nil, by actor: Principal) async throws -> CatalogEntry {
        guard let provider = providerID ?? actor.departmentID else { throw CatalogError.notYourDepartment }
        try requireMaker(actor, for: provider)
        let errors = metadata.validationErrors()
        if !errors.isEmpty { throw CatalogError.invalid(errors) }
        guard let node = try await CatalogClass.find(classCode, on: database), node.level >= 2 else { throw CatalogError.unknownClass(classCode) }
        if let owner = node.departmentID, owner != provider {
            // A department's own class (under 3) is for that department's resources only.
            throw CatalogError.invalid([.init(field: "classCode", code: "other-departments-class", message: "资源分类 \(classCode) 属于其他部门。")])
        }
        try await requireUniqueName(metadata.name, provider: provider, except: nil)
        try await requireSystem(sourceSystemID, of: provider)
        return try await database.transaction { db in
            let entry = CatalogEntry()
            entry.code = try await allocateCode(in: classCode, on: db)
            entry.classCode = classCode
            entry.providerID = provider
            entry.sourceSystemID = sourceSystemID
            entry.metadata = Self.encode(metadata)
            entry.status = .draft
            entry.createdBy = actor.auditActor
            try await entry.create(on: db)
            try await record(entry, action: "create", from: "-", to: .draft, actor: actor, reason: nil, on: db)
            return entry
        }
    }

    /// Edits the working copy. Editing a published entry starts a new version through review;
    /// readers keep seeing the published one meanwhile.
    public func update(_ id: UUID, metadata: EntryMetadata, sourceSystemID: UUID?, by actor: Principal) async throws -> CatalogEntry {
        let entry = try await entry(id, on: database)
        try requireMaker(actor, for: entry.providerID)
        guard [.draft, .returned, .published].contains(entry.status) else {
            throw CatalogError.wrongState(current: Self.statusLabel(entry.status), action: "修改")
        }
        let errors = metadata.validationErrors()
        if !errors.isEmpty { throw CatalogError.invalid(errors) }
        try await requireUniqueName(metadata.name, provider: entry.providerID, except: entry.id)
        try await requireSystem(sourceSystemID, of: entry.providerID)
        let from = entry.status
        try await database.transaction { db in
            entry.metadata = Self.encode(metadata)
            entry.sourceSystemID = sourceSystemID
            entry.status = .draft
            try await entry.save(on: db)
            try await record(entry, action: "edit", from: from, to: .draft, actor: actor, reason: nil, on: db)
        }
        return entry
    }

    func requireUniqueName(_ name: String, provider: UUID, except id: UUID?) async throws {
        let sameName = try await CatalogEntry.query(on: database).filter(\.$providerID == provider)
            .filter(\.$status !~ [.rejected, .withdrawn]).all()
            .filter { $0.id != id && (try? Self.decodeMetadata($0).name) == name }
        if !sameName.isEmpty { throw CatalogError.duplicateName(name) }
    }

    func requireSystem(_ id: UUID?, of provider: UUID) async throws {
        guard let id else { return }
        guard let system = try await InformationSystem.find(id, on: database), system.departmentID == provider else {
            throw CatalogError.invalid([.init(field: "sourceSystemID", code: "unknown-system", message: "来源系统不存在或不属于本部门。")])
        }
    }

    // MARK: Review

    /// The maker sends the working copy to the department's review.
    public func submit(_ id: UUID, by actor: Principal) async throws -> CatalogEntry {
        let entry = try await entry(id, on: database)
        try requireMaker(actor, for: entry.providerID)
        guard [.draft, .returned].contains(entry.status) else { throw CatalogError.wrongState(current: Self.statusLabel(entry.status), action: "提交审核") }
        let errors = try Self.decodeMetadata(entry).validationErrors()
        if !errors.isEmpty { throw CatalogError.invalid(errors) }
        try await transition(entry, to: .departmentReview, action: "submit", actor: actor, reason: nil) { entry in
            entry.submittedBy = actor.auditActor
        }
        return entry
    }

    /// The department's administrator approves (to platform review), returns or rejects.
    public func reviewInDepartment(_ id: UUID, decision: Decision, reason: String?, by actor: Principal) async throws -> CatalogEntry {
        let entry = try await entry(id, on: database)
        guard actor.roles.contains(.departmentAdmin) || actor.roles.contains(.platformAdmin) else { throw AccessError.forbidden }
        if !actor.roles.contains(.platformAdmin), actor.departmentID != entry.providerID { throw CatalogError.notYourDepartment }
        guard entry.status == .departmentReview else { throw CatalogError.wrongState(current: Self.statusLabel(entry.status), action: "部门审核") }
        guard entry.submittedBy != actor.auditActor, !(try await contributors(of: entry, includingApprovals: false).contains(actor.auditActor)) else {
            throw CatalogError.reviewerIsMaker
        }
        try await decide(entry, decision: decision, approveTo: .platformReview, step: "department", reason: reason, actor: actor)
        return entry
    }

    /// The city authority (data bureau) publishes, returns or rejects.
    public func reviewOnPlatform(_ id: UUID, decision: Decision, reason: String?, by actor: Principal) async throws -> CatalogEntry {
        let entry = try await entry(id, on: database)
        guard actor.roles.contains(.platformAdmin) else { throw AccessError.forbidden }
        guard entry.status == .platformReview else { throw CatalogError.wrongState(current: Self.statusLabel(entry.status), action: "平台审核") }
        guard entry.submittedBy != actor.auditActor, !(try await contributors(of: entry, includingApprovals: true).contains(actor.auditActor)) else {
            throw CatalogError.reviewerIsMaker
        }
        try await decide(entry, decision: decision, approveTo: .published, step: "platform", reason: reason, actor: actor)
        return entry
    }

    /// Everyone who made, changed or submitted the working copy since it was last published
    /// (and, for the platform step, who approved it in the department): none of them may review it.
    func contributors(of entry: CatalogEntry, includingApprovals: Bool) async throws -> Set<String> {
        let events = try await EntryEvent.query(on: database).filter(\.$entry.$id == entry.requireID()).sort(\.$at).all()
        let sincePublication = events.split { $0.action == "platform.approve" }.last ?? []
        var actions: Set<String> = ["create", "edit", "submit"]
        if includingApprovals { actions.insert("department.approve") }
        return Set(sincePublication.filter { actions.contains($0.action) }.map(\.actor))
    }

    func decide(_ entry: CatalogEntry, decision: Decision, approveTo target: CatalogEntry.Status, step: String, reason: String?, actor: Principal) async throws {
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        switch decision {
        case .approve:
            if target == .published {
                try await publish(entry, actor: actor)
            } else {
                try await transition(entry, to: target, action: "\(step).approve", actor: actor, reason: reason)
            }
        case .return:
            guard let reason, !reason.isEmpty else { throw CatalogError.reasonRequired }
            try await transition(entry, to: .returned, action: "\(step).return", actor: actor, reason: reason)
        case .reject:
            guard let reason, !reason.isEmpty else { throw CatalogError.reasonRequired }
            if let version = entry.publishedVersion {
                // A rejected change leaves the published version as it was.
                let snapshot = try await EntryVersion.query(on: database).filter(\.$entry.$id == entry.requireID()).filter(\.$version == version).first()
                try await transition(entry, to: .published, action: "\(step).reject", actor: actor, reason: reason) { entry in
                    if let snapshot { entry.metadata = snapshot.snapshot }
                }
            } else {
                try await transition(entry, to: .rejected, action: "\(step).reject", actor: actor, reason: reason)
            }
        }
    }

    /// Withdraws a published entry: it leaves the catalog, its versions and history stay.
    public func withdraw(_ id: UUID, reason: String?, by actor: Principal) async throws -> CatalogEntry {
        let entry = try await entry(id, on: database)
        guard actor.roles.contains(.platformAdmin) || (actor.roles.contains(.departmentAdmin) && actor.departmentID == entry.providerID) else {
            throw AccessError.forbidden
        }
        guard entry.publishedVersion != nil, entry.status != .withdrawn else { throw CatalogError.wrongState(current: Self.statusLabel(entry.status), action: "撤销发布") }
        guard let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines), !reason.isEmpty else { throw CatalogError.reasonRequired }
        try await transition(entry, to: .withdrawn, action: "withdraw", actor: actor, reason: reason, afterwards: { db in
            try await SearchIndex.remove(entry.requireID(), on: db)
        })
        return entry
    }

    /// How often the negative list is reviewed: a not-shared entry is due once a year.
    public static let negativeReviewInterval: TimeInterval = 365 * 86_400

    /// The city authority reviews a not-shared entry: confirms its basis still holds, or returns it
    /// to the department to catalog again (the published version stays until a new one is approved).
    public func reviewNegative(_ id: UUID, confirm: Bool, reason: String?, by actor: Principal) async throws -> CatalogEntry {
        let entry = try await entry(id, on: database)
        guard actor.roles.contains(.platformAdmin) else { throw AccessError.forbidden }
        guard let published = try await PublishedEntry.find(id, on: database), published.shareType == 3 else {
            throw CatalogError.wrongState(current: Self.statusLabel(entry.status), action: "按负面清单复核")
        }
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if confirm {
            try await database.transaction { db in
                try await record(entry, action: "negative.confirm", from: entry.status, to: entry.status, actor: actor, reason: reason, on: db)
            }
        } else {
            guard let reason, !reason.isEmpty else { throw CatalogError.reasonRequired }
            try await transition(entry, to: .returned, action: "negative.return", actor: actor, reason: reason)
        }
        return entry
    }

    /// One entry of the negative list, with its basis and when it was last reviewed.
    public struct NegativeListItem: Sendable {
        public var id: UUID
        public var code: String
        public var name: String
        public var provider: String
        public var basis: String
        public var lastReviewedAt: Date
        public var isReviewDue: Bool
    }

    /// The negative list, by name: every published not-shared entry, or only those whose yearly
    /// review is due, one slice of it and how many there are. Publication counts as a review, and so
    /// do a confirmation and a return.
    public func negativeList(dueOnly: Bool, offset: Int, limit: Int) async throws -> (total: Int, items: [NegativeListItem]) {
        let published = try await PublishedEntry.query(on: database).filter(\.$shareType == 3).sort(\.$name).sort(\.$code).all()
        var latest = Dictionary(uniqueKeysWithValues: published.map { ($0.id!, $0.modifiedAt) })
        // Reviews are rare events; read them all rather than list every entry in the query.
        let events = try await EntryEvent.query(on: database).filter(\.$action ~~ ["negative.confirm", "negative.return"]).all()
        for event in events where event.at > latest[event.$entry.id, default: .distantFuture] { latest[event.$entry.id] = event.at }
        let now = platform.clock.now()
        let listed = published.compactMap { row -> (PublishedEntry, Date, Bool)? in
            let reviewed = latest[row.id!] ?? row.modifiedAt
            let due = now.timeIntervalSince(reviewed) > Self.negativeReviewInterval
            return due || !dueOnly ? (row, reviewed, due) : nil
        }
        let decoder = JSONDecoder()
        let items = listed.dropFirst(offset).prefix(limit).map { row, reviewed, due in
            let basis = (try? decoder.decode(EntryMetadata.self, from: Data(row.document.utf8)))?.shareBasis ?? ""
            return NegativeListItem(id: row.id!, code: row.code, name: row.name, provider: row.providerName, basis: basis, lastReviewedAt: reviewed, isReviewDue: due)
        }
        return (listed.count, items)
    }

    func transition(
        _ entry: CatalogEntry, to status: CatalogEntry.Status, action: String, actor: Principal, reason: String?,
        change: @escaping @Sendable (CatalogEntry) -> Void = { _ in }, afterwards: @escaping @Sendable (any Database) async throws -> Void = { _ in }
    ) async throws {
        let from = entry.status
        try await database.transaction { db in
            try await claimState(entry, expected: from, action: action, on: db)
            change(entry)
            entry.status = status
            try await entry.save(on: db)
            try await afterwards(db)
            try await record(entry, action: action, from: from, to: status, actor: actor, reason: reason, on: db)
        }
    }

    /// Moves on only from the state the decision was made in: of two concurrent decisions, one wins.
    func claimState(_ entry: CatalogEntry, expected: CatalogEntry.Status, action: String, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        let rows = try await sql.raw("UPDATE catalog_entries SET status = status WHERE id = \(bind: entry.requireID()) AND status = \(bind: expected.rawValue) RETURNING id").all()
        if rows.isEmpty { throw CatalogError.wrongState(current: "已被他人处理", action: action) }
    }

    /// Publishes the working copy as a new version, with its changes against the previous one.
    func publish(_ entry: CatalogEntry, actor: Principal) async throws {
        let metadata = try Self.decodeMetadata(entry)
        guard let provider = try await OrganisationDirectory.department(entry.providerID, on: database) else { throw CatalogError.notFound("提供部门") }
        let entryID = try entry.requireID()
        let previous = try await EntryVersion.query(on: database).filter(\.$entry.$id == entryID).sort(\.$version, .descending).first()
        let previousMetadata = previous.flatMap { try? JSONDecoder().decode(EntryMetadata.self, from: Data($0.snapshot.utf8)) }
        let now = self.now
        let from = entry.status
        try await database.transaction { db in
            try await claimState(entry, expected: from, action: "发布", on: db)
            var published = metadata
            if published.publicationDate == nil { published.publicationDate = Day(now).description }
            let version = EntryVersion()
            version.$entry.id = entryID
            version.version = (previous?.version ?? 0) + 1
            version.snapshot = Self.encode(published)
            version.changes = Self.encode(published.changes(from: previousMetadata))
            version.publishedBy = actor.auditActor
            version.publishedAt = now
            try await version.create(on: db)
            entry.metadata = version.snapshot
            entry.publishedVersion = version.version
            entry.status = .published
            try await entry.save(on: db)
            let hasLiveMount = try await Mount.query(on: db).filter(\.$entry.$id == entryID).filter(\.$isLive == true).count() > 0
            try await SearchIndex.upsert(entry: entry, metadata: published, provider: provider, version: version.version, publishedAt: now, hasLiveMount: hasLiveMount, on: db)
            try await record(entry, action: "platform.approve", from: from, to: .published, actor: actor, reason: nil, detail: ["version": String(version.version)], on: db)
        }
    }

    func record(_ entry: CatalogEntry, action: String, from: CatalogEntry.Status?, to: CatalogEntry.Status, actor: Principal, reason: String?, detail: [String: String] = [:], on db: any Database) async throws {
        try await record(entry, action: action, from: from?.rawValue ?? "-", to: to, actor: actor, reason: reason, detail: detail, on: db)
    }

    func record(_ entry: CatalogEntry, action: String, from: String, to: CatalogEntry.Status, actor: Principal, reason: String?, detail: [String: String] = [:], on db: any Database) async throws {
        let event = EntryEvent()
        event.$entry.id = try entry.requireID()
        event.action = action
        event.fromStatus = from
        event.toStatus = to.rawValue
        event.actor = actor.auditActor
        event.reason = reason
        event.at = now
        try await event.create(on: db)
        var detail = detail
        detail["code"] = entry.code
        detail["status"] = to.rawValue
        if let reason { detail["reason"] = reason }
        try await AuditLog.append(AuditEntry(actor: actor.auditActor, action: "catalog.entry.\(action)", target: "catalog-entry:\(entry.code)", detail: detail), at: now, on: db)
    }

    public static func statusLabel(_ status: CatalogEntry.Status) -> String {
        switch status {
        case .draft: return "草稿"
        case .departmentReview: return "部门审核中"
        case .platformReview: return "平台审核中"
        case .published: return "已发布"
        case .returned: return "已退回"
        case .rejected: return "已驳回"
        case .withdrawn: return "已撤销"
        }
    }
}
