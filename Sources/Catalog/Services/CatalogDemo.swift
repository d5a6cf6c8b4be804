import Fluent
import Foundation
import Identity
import Logging
import SQLKit
import YiwangKit
import YiwangPlatform

/// 演示目录 — the demo catalog at the city's reported scale: 43 units, 3,546 entries across the
/// classification tree, 25 registered systems, about 800 mounts, a few dozen demands and a negative list.
public enum CatalogDemo {
    struct Templates: Decodable {
        struct ClassNode: Decodable { var code: String; var name: String; var parent: String? }
        struct Unit: Decodable {
            struct System: Decodable { var name: String; var purpose: String; var deployment: String; var network: String }
            struct Resource: Decodable {
                var name: String
                var `class`: String
                var abstract: String
                var formatClass: Int
                var formatType: String
                var shareType: Int
                var shareCondition: String?
                var shareBasis: String?
                var shareMethod: String
                var isOpen: Bool
                var updateCycle: String
                var keywords: [String]
                var items: [DataItem]
                var serviceItems: [String]?
                var system: String?
            }
            var department: String
            var systems: [System]
            var resources: [Resource]
        }
        struct DemandTemplate: Decodable { var department: String; var title: String; var purpose: String; var scenario: String; var legalBasis: String; var wantedFrom: String? }
        var classes: [ClassNode]
        var units: [Unit]
        var demands: [DemandTemplate]
    }

    public static let entryCount = 3546

    /// Loads the demo catalog once; `entries` lowers the count for quick test set-ups.
    public static func load(on database: any Database, platform: Platform, logger: Logger, entries target: Int = entryCount) async throws {
        if try await AuditRecord.query(on: database).filter(\.$action == "demo.catalog.load").first() != nil { return }
        let path = CatalogRoutes.resourceDirectory + "/demo/catalog-templates.json"
        let templates = try JSONDecoder().decode(Templates.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        let now = platform.clock.now()
        let actor = "cli:demo"
        try await database.transaction { db in
            var random = SplitMix64(seed: 43_0500)
            try await CatalogClassTree.ensure(on: db)
            let existing = Set(try await CatalogClass.query(on: db).all().compactMap(\.id))
            for node in templates.classes where !existing.contains(node.code) {
                guard let level = CatalogClassTree.level(of: node.code) else { throw CatalogError.unknownClass(node.code) }
                try await CatalogClass(code: node.code, name: node.name, parentCode: node.parent, level: level).create(on: db)
            }
            let divisions = try await OrganisationDirectory.divisions(on: db).filter { $0.level == "county" }
            var units: [(DepartmentSummary, Templates.Unit, [String: UUID])] = []
            // Each loaded unit's hosted table, by its position in `units`.
            var hostedTables: [String] = []
            var systemCount = 0
            for (index, unit) in templates.units.enumerated() {
                guard let department = try await OrganisationDirectory.department(named: unit.department, on: db) else {
                    logger.warning("demo catalog: unknown department", metadata: ["name": .string(unit.department)])
                    continue
                }
                var systems: [String: UUID] = [:]
                for template in unit.systems {
                    let system = InformationSystem()
                    system.departmentID = department.id
                    system.name = template.name
                    system.purpose = template.purpose
                    system.deployment = template.deployment
                    system.network = template.network
                    system.contactName = "系统管理员"
                    system.contactPhone = "1380000" + String(format: "%04d", 100 + systemCount)
                    system.serviceItems = ""
                    system.status = .active
                    try await system.create(on: db)
                    let client = try await Clients.register(
                        id: "system-" + system.id!.uuidString.lowercased().prefix(8), name: template.name, redirectURIs: [], scopes: ["catalog.read"],
                        grantTypes: ["client_credentials"], departmentID: department.id, actor: actor, platform: platform, on: db)
                    system.clientID = client.clientID
                    try await system.save(on: db)
                    systems[template.name] = system.id
                    systemCount += 1
                }
                // Each unit has a hosted table on the platform, registered to it: the target of its table mounts.
                if let sql = db as? any SQLDatabase {
                    try await sql.raw("CREATE TABLE IF NOT EXISTS \(unsafeRaw: hostedTable(index)) (id INTEGER PRIMARY KEY, record TEXT NOT NULL)").run()
                }
                let hosted = HostedTable()
                hosted.name = hostedTable(index)
                hostedTables.append(hosted.name)
                hosted.departmentID = department.id
                hosted.description = "\(department.name)归集数据"
                hosted.createdBy = actor
                hosted.createdAt = now
                try await hosted.create(on: db)
                units.append((department, unit, systems))
            }

            // Round-robin over units and their templates: first citywide, then one variant per county.
            var planned: [(DepartmentSummary, Templates.Unit.Resource, String, UUID?, Int)] = []
            let variants = [""] + divisions.map(\.name)
            var round = 0
            while planned.count < target, round < variants.count {
                for (unitIndex, (department, unit, systems)) in units.enumerated() {
                    // County variants are a city department's data for each county; county units hold their own only.
                    if round > 0, department.level != "city" { continue }
                    for resource in unit.resources where planned.count < target {
                        let name = variants[round].isEmpty ? resource.name : "\(variants[round])\(resource.name)"
                        planned.append((department, resource, name, resource.system.flatMap { systems[$0] }, unitIndex))
                    }
                }
                round += 1
            }

            var classCounters: [String: Int] = [:]
            var entryRows: [CatalogEntry] = [], versionRows: [EntryVersion] = [], publishedRows: [PublishedEntry] = [], mountRows: [Mount] = []
            var departmentClasses: [UUID: String] = [:]
            let service = CatalogService(database: db, platform: platform)
            for (index, plan) in planned.enumerated() {
                let (department, resource, name, systemID, unitIndex) = plan
                var classCode = resource.class
                if classCode == "3" {
                    if departmentClasses[department.id] == nil { departmentClasses[department.id] = try await service.departmentClass(for: department).id }
                    classCode = departmentClasses[department.id]!
                }
                let sequence = (classCounters[classCode] ?? 0) + 1
                classCounters[classCode] = sequence
                let metadata = EntryMetadata(
                    name: name, abstract: resource.abstract, formatClass: resource.formatClass, formatType: resource.formatType,
                    shareType: resource.shareType, shareCondition: resource.shareCondition, shareBasis: resource.shareBasis,
                    shareMethod: resource.shareMethod, isOpen: resource.isOpen && resource.shareType != 3, updateCycle: resource.updateCycle,
                    publicationDate: Day(now.addingTimeInterval(-Double(random.next() % 700) * 86_400)).description,
                    serviceItems: resource.serviceItems ?? [], keywords: resource.keywords, items: resource.items)
                let entry = CatalogEntry()
                entry.id = UUID()
                entry.code = "\(classCode)/\(String(format: "%06d", sequence))"
                entry.classCode = classCode
                entry.providerID = department.id
                entry.sourceSystemID = systemID
                entry.metadata = CatalogService.encode(metadata)
                entry.createdBy = actor
                // A few entries are still on their way through review.
                switch index % 100 {
                case 0, 1: entry.status = .draft
                case 2: entry.status = .departmentReview; entry.submittedBy = actor
                case 3: entry.status = .platformReview; entry.submittedBy = actor
                default: entry.status = .published; entry.publishedVersion = 1
                }
                let cycleDays = Double(CatalogStatistics.cycleDays[metadata.updateCycle] ?? 30)
                entry.lastDataUpdate = now.addingTimeInterval(-Double(random.next() % UInt64(max(1, cycleDays * 1.6 * 24))) * 3600)
                entryRows.append(entry)
                guard entry.status == .published else { continue }
                // Published within the last 300 days; not-shared entries within 500, so part of the
                // negative list is already due for its yearly review.
                let modified = now.addingTimeInterval(-Double(random.next() % (metadata.shareType == 3 ? 500 : 300)) * 86_400)
                let version = EntryVersion()
                version.$entry.id = entry.id!
                version.version = 1
                version.snapshot = entry.metadata
                version.changes = "[]"
                version.publishedBy = actor
                version.publishedAt = modified
                versionRows.append(version)
                let row = PublishedEntry()
                row.describe(entry, metadata: metadata, provider: department, version: 1, modifiedAt: modified)
                row.hasLiveMount = false
                row.publishedAt = modified
                row.searchKey = publishedRows.count + 1
                publishedRows.append(row)
                // About 800 mounts: hosted tables for most, system APIs where the unit has a system.
                if index % 9 < 2 {
                    let mount = Mount()
                    mount.$entry.id = entry.id!
                    if let systemID, metadata.formatClass == 7 {
                        mount.kind = .api
                        mount.target = "https://data.shaoyang.gov.cn/systems/\(systemID.uuidString.lowercased().prefix(8))/api/v1/resources/\(sequence)"
                        mount.systemID = systemID
                    } else {
                        mount.kind = .table
                        mount.target = hostedTables[unitIndex]
                    }
                    mount.isLive = false
                    mount.createdBy = actor
                    mount.createdAt = now
                    mountRows.append(mount)
                }
            }
            for chunk in entryRows.chunked(400) { try await chunk.create(on: db) }
            for chunk in versionRows.chunked(400) { try await chunk.create(on: db) }
            for chunk in publishedRows.chunked(400) { try await chunk.create(on: db) }
            for chunk in mountRows.chunked(400) { try await chunk.create(on: db) }
            for (code, count) in classCounters {
                let sequence = CodeSequence()
                sequence.id = code
                sequence.nextValue = count + 1
                try await sequence.create(on: db)
            }
            for chunk in publishedRows.chunked(400) { try await SearchIndex.writeFullText(Array(chunk), on: db) }

            // Demands: matched when the catalog has the data, otherwise waiting for assignment; some overdue.
            for (index, template) in templates.demands.enumerated() {
                guard let department = try await OrganisationDirectory.department(named: template.department, on: db) else { continue }
                let demand = Demand()
                demand.departmentID = department.id
                demand.title = template.title
                demand.purpose = template.purpose
                demand.scenario = template.scenario
                demand.legalBasis = template.legalBasis
                demand.deadline = Day(now).adding(days: index % 3 == 0 ? -10 - index : 20 + index).description
                demand.createdBy = actor
                demand.createdAt = now.addingTimeInterval(-Double(40 + index) * 86_400)
                let match = template.wantedFrom == nil ? nil : try await SearchIndex.search(CatalogQuery(text: template.title, limit: 1, facets: []), viewer: .government, on: db).entries.first
                if let match {
                    demand.status = .matched
                    demand.matchedEntryID = match.id
                } else if let wanted = template.wantedFrom, let provider = try await OrganisationDirectory.department(named: wanted, on: db) {
                    demand.status = .assigned
                    demand.assignedDepartmentID = provider.id
                } else {
                    demand.status = .open
                }
                try await demand.create(on: db)
            }
            try await AuditLog.append(
                AuditEntry(actor: actor, action: "demo.catalog.load", target: "catalog", detail: [
                    "entries": String(entryRows.count), "published": String(publishedRows.count), "systems": String(systemCount),
                    "mounts": String(mountRows.count), "demands": String(templates.demands.count),
                ]),
                at: now, on: db)
        }
        // Table mounts probe locally at once; API mounts wait for the background prober.
        let service = MountService(database: database, platform: platform, policy: MountURLPolicy(platformURL: platform.configuration.publicURL))
        let tableMounts = try await Mount.query(on: database).filter(\.$kind == .table).all()
        for mount in tableMounts {
            let result = try await service.probeTable(mount.target)
            mount.isLive = result.isLive
            mount.lastProbeAt = now
            mount.lastProbeDetail = result.detail
            try await mount.save(on: database)
        }
        if let sql = database as? any SQLDatabase {
            try await sql.raw("UPDATE catalog_published SET has_live_mount = \(bind: true) WHERE entry_id IN (SELECT entry_id FROM catalog_mounts WHERE is_live = \(bind: true))").run()
        }
        logger.info("demo catalog loaded", metadata: ["entries": .stringConvertible(target)])
    }

    static func hostedTable(_ unitIndex: Int) -> String { "hosted_unit_" + String(format: "%02d", unitIndex + 1) }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
