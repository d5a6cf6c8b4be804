import Fluent
import Foundation
import Identity
import Vapor
import YiwangKit
import YiwangPlatform

/// A CKAN Action API subset over the published catalog, in CKAN's response envelope, so
/// harvesters and the `ckanapi` client work unchanged.
enum CKANAPI {
    static let actions = ["package_search", "package_show", "package_list", "organization_list", "organization_show"]

    struct CKANFailure: Error {
        var status: HTTPResponseStatus
        var type: String
        var message: String
    }

    static func register(on routes: any RoutesBuilder) {
        // CKAN answers on /api/action and /api/3/action; clients use either.
        let prefixes: [[PathComponent]] = [CatalogPath.ckan.components, ["api", "action"]]
        for prefix in prefixes {
        for action in actions {
            for method in [HTTPMethod.GET, .POST] {
                routes.endpoint(method, prefix + [.constant(action)], access: .anyone, kind: .api(.init("CKAN 兼容接口：\(action)", tag: "ckan", query: parameters(for: action)))) { req async throws -> Response in
                    do {
                        let arguments = try arguments(of: req)
                        let viewer = await viewer(of: req)
                        let result = try await run(action, arguments: arguments, viewer: viewer, on: req.db)
                        return try envelope(["help": "\(req.platform.configuration.publicURL)/api/3/action/help_show?name=\(action)", "success": true, "result": result], status: .ok)
                    } catch let failure as CKANFailure {
                        return try envelope(["help": "", "success": false, "error": ["__type": failure.type, "message": failure.message]], status: failure.status)
                    }
                }
            }
        }
        }
    }

    static func parameters(for action: String) -> [String] {
        switch action {
        case "package_search": return ["q", "fq", "rows", "start", "sort", "facet.field", "facet.limit"]
        case "package_show", "organization_show": return ["id"]
        case "package_list": return ["limit", "offset"]
        default: return ["all_fields"]
        }
    }

    /// CKAN clients send an API token in `Authorization` (bare or as Bearer).
    static func viewer(of req: Request) async -> CatalogViewer {
        if req.headers.bearerAuthorization == nil, let raw = req.headers.first(name: .authorization), !raw.isEmpty {
            req.headers.replaceOrAdd(name: .authorization, value: "Bearer \(raw)")
        }
        guard let principal = try? await req.principal() else { return .publicViewer }
        return CatalogViewer(principal)
    }

    static func arguments(of req: Request) throws -> [String: Any] {
        var result: [String: Any] = [:]
        for item in URLComponents(string: req.url.string)?.queryItems ?? [] { result[item.name] = item.value ?? "" }
        if req.method == .POST, let body = req.body.data, body.readableBytes > 0 {
            let data = Data(buffer: body)
            if req.headers.contentType == .urlEncodedForm {
                for item in URLComponents(string: "?" + String(decoding: data, as: UTF8.self).replacingOccurrences(of: "+", with: "%20"))?.queryItems ?? [] { result[item.name] = item.value ?? "" }
            } else {
                guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                    throw CKANFailure(status: .badRequest, type: "Validation Error", message: "请求体应为 JSON 对象。")
                }
                result.merge(object) { _, new in new }
            }
        }
        return result
    }

    static func envelope(_ object: [String: Any], status: HTTPResponseStatus) throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        let response = Response(status: status, body: .init(data: data))
        response.headers.contentType = .json
        return response
    }

    static func int(_ value: Any?, default fallback: Int, range: ClosedRange<Int>, name: String) throws -> Int {
        guard let value else { return fallback }
        let number = (value as? Int) ?? (value as? String).flatMap { Int($0) }
        guard let number, range.contains(number) else {
            throw CKANFailure(status: .conflict, type: "Validation Error", message: "\(name) 应为 \(range.lowerBound)–\(range.upperBound) 的整数。")
        }
        return number
    }

    static func run(_ action: String, arguments: [String: Any], viewer: CatalogViewer, on db: any Database) async throws -> Any {
        switch action {
        case "package_search":
            var query = try await parseFilters(arguments["fq"] as? String ?? "", on: db)
            query.text = (arguments["q"] as? String).map { $0 == "*:*" ? "" : $0 } ?? ""
            query.limit = try int(arguments["rows"], default: 10, range: 0...1000, name: "rows")
            query.offset = try int(arguments["start"], default: 0, range: 0...1_000_000, name: "start")
            let sort = (arguments["sort"] as? String ?? "").lowercased()
            query.sort = sort.hasPrefix("metadata_modified") ? .modified : sort.hasPrefix("name") || sort.hasPrefix("title") ? .name : .relevance
            let requested = facetFields(arguments["facet.field"])
            query.facets = requested.compactMap { facetMap[$0] }
            let result = try await SearchIndex.search(query, viewer: viewer, on: db)
            let packages = try await result.entries.asyncMap { try await package($0, viewer: viewer, on: db) }
            var facets: [String: [String: Int]] = [:], searchFacets: [String: Any] = [:]
            for field in requested {
                guard let facet = facetMap[field] else { continue }
                let counts = result.facets[facet] ?? []
                let values = try await counts.asyncMap { (value: try await facetValue(facet, $0.value, on: db), count: $0.count) }
                facets[field] = Dictionary(values.map { ($0.value.name, $0.count) }, uniquingKeysWith: +)
                searchFacets[field] = ["title": field, "items": values.map { ["name": $0.value.name, "display_name": $0.value.display, "count": $0.count] }]
            }
            return ["count": result.total, "results": packages, "facets": facets, "search_facets": searchFacets, "sort": sort.isEmpty ? "score desc, metadata_modified desc" : sort]
        case "package_show":
            guard let id = arguments["id"] as? String, !id.isEmpty else { throw CKANFailure(status: .conflict, type: "Validation Error", message: "缺少参数 id。") }
            guard let entry = try await findPackage(id, on: db), viewer == .government || entry.isOpen else {
                throw CKANFailure(status: .notFound, type: "Not Found Error", message: "Not found")
            }
            return try await package(entry, viewer: viewer, on: db)
        case "package_list":
            let limit = try int(arguments["limit"], default: 1000, range: 1...1000, name: "limit")
            let offset = try int(arguments["offset"], default: 0, range: 0...1_000_000, name: "offset")
            let result = try await SearchIndex.search(CatalogQuery(offset: offset, limit: limit, sort: .name, facets: []), viewer: viewer, on: db)
            return result.entries.map { packageName($0.code) }
        case "organization_list":
            let allFields = (arguments["all_fields"] as? Bool) ?? ((arguments["all_fields"] as? String) == "true")
            let counts = try await SearchIndex.search(CatalogQuery(limit: 0, facets: [.provider]), viewer: viewer, on: db).facets[.provider] ?? []
            var organisations: [Any] = []
            for count in counts {
                guard let id = UUID(uuidString: count.value), let department = try await OrganisationDirectory.department(id, on: db) else { continue }
                organisations.append(allFields ? organisation(department, packageCount: count.count) : organisationName(department))
            }
            return organisations
        case "organization_show":
            guard let id = arguments["id"] as? String, !id.isEmpty else { throw CKANFailure(status: .conflict, type: "Validation Error", message: "缺少参数 id。") }
            guard let department = try await findOrganisation(id, on: db) else { throw CKANFailure(status: .notFound, type: "Not Found Error", message: "Not found") }
            let count = try await SearchIndex.search(CatalogQuery(providerID: department.id, limit: 0, facets: []), viewer: viewer, on: db).total
            return organisation(department, packageCount: count)
        default:
            throw CKANFailure(status: .badRequest, type: "Not Found Error", message: "unknown action")
        }
    }

    /// CKAN facet names mapped to the catalog's facets.
    static let facetMap: [String: CatalogQuery.Facet] = [
        "organization": .provider, "groups": .classCode, "class": .classCode, "share_type": .shareType,
        "res_format": .formatClass, "format": .formatClass, "update_cycle": .updateCycle, "division": .division,
    ]

    static func facetFields(_ raw: Any?) -> [String] {
        if let list = raw as? [String] { return list }
        if let text = raw as? String, let data = text.data(using: .utf8), let list = try? JSONSerialization.jsonObject(with: data) as? [String] { return list }
        return []
    }

    /// `fq` in Solr's simple form: `field:value` or `field:"value"`, separated by spaces or AND.
    static func parseFilters(_ fq: String, on db: any Database) async throws -> CatalogQuery {
        var query = CatalogQuery()
        // Harvesters ask for changes since their last run: metadata_modified:[2026-01-01T00:00:00Z TO *].
        if let range = fq.range(of: #"metadata_modified:\[([^\s\]]+) TO \*\]"#, options: .regularExpression) {
            let lower = String(fq[range]).replacingOccurrences(of: "metadata_modified:[", with: "").replacingOccurrences(of: " TO *]", with: "")
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            guard let date = ISO8601DateFormatter().date(from: lower) ?? formatter.date(from: lower) ?? ISO8601DateFormatter().date(from: lower + "Z") else {
                throw CKANFailure(status: .conflict, type: "Validation Error", message: "metadata_modified 的时间格式不正确。")
            }
            query.modifiedSince = date
        }
        let remaining = fq.replacingOccurrences(of: #"metadata_modified:\[[^\]]*\]"#, with: "", options: .regularExpression)
        let pattern = #"([a-z_]+):("([^"]*)"|[^\s]+)"#
        let regex = try NSRegularExpression(pattern: pattern)
        let text = remaining as NSString
        for match in regex.matches(in: remaining, range: NSRange(location: 0, length: text.length)) {
            let field = text.substring(with: match.range(at: 1))
            var value = text.substring(with: match.range(at: 2))
            if value.hasPrefix("\"") { value = text.substring(with: match.range(at: 3)) }
            switch field {
            case "organization", "owner_org":
                guard let department = try await findOrganisation(value, on: db) else { throw CKANFailure(status: .conflict, type: "Validation Error", message: "未知的机构 \(value)。") }
                query.providerID = department.id
            case "groups", "class": query.classCode = value
            case "share_type":
                guard let number = Int(value), (1...3).contains(number) else { throw CKANFailure(status: .conflict, type: "Validation Error", message: "share_type 应为 1–3。") }
                query.shareType = number
            case "res_format", "format":
                let number = Int(value) ?? EntryMetadata.formatClasses.first { $0.value == value }?.key
                guard let number else { throw CKANFailure(status: .conflict, type: "Validation Error", message: "未知的格式 \(value)。") }
                query.formatClass = number
            case "update_cycle": query.updateCycle = value
            case "division": query.division = value
            case "dataset_type", "type", "state", "capacity":
                // CKAN's own fields: everything here is an active public dataset.
                continue
            default:
                throw CKANFailure(status: .conflict, type: "Validation Error", message: "不支持的过滤字段 \(field)。")
            }
        }
        return query
    }

    static func packageName(_ code: String) -> String {
        "r-" + code.lowercased().replacingOccurrences(of: "/", with: "-")
    }

    static func findPackage(_ id: String, on db: any Database) async throws -> PublishedEntry? {
        if let uuid = UUID(uuidString: id) { return try await PublishedEntry.find(uuid, on: db) }
        guard id.hasPrefix("r-") else { return nil }
        let code = String(id.dropFirst(2)).uppercased().replacingOccurrences(of: "-", with: "/")
        return try await PublishedEntry.query(on: db).filter(\.$code == code).first()
    }

    static func organisationName(_ department: DepartmentSummary) -> String { department.creditCode.lowercased() }

    static func findOrganisation(_ id: String, on db: any Database) async throws -> DepartmentSummary? {
        if let uuid = UUID(uuidString: id) { return try await OrganisationDirectory.department(uuid, on: db) }
        return try await OrganisationDirectory.department(creditCode: id.uppercased(), on: db)
    }

    static func organisation(_ department: DepartmentSummary, packageCount: Int) -> [String: Any] {
        [
            "id": department.id.uuidString.lowercased(), "name": organisationName(department), "title": department.name,
            "display_name": department.name, "type": "organization", "state": "active", "is_organization": true,
            "approval_status": "approved", "package_count": packageCount, "description": "统一社会信用代码 \(department.creditCode)",
            "image_url": "", "extras": [["key": "division_code", "value": department.divisionCode], ["key": "credit_code", "value": department.creditCode]],
        ]
    }

    static func facetValue(_ facet: CatalogQuery.Facet, _ value: String, on db: any Database) async throws -> (name: String, display: String) {
        switch facet {
        case .provider:
            if let id = UUID(uuidString: value), let department = try await OrganisationDirectory.department(id, on: db) {
                return (organisationName(department), department.name)
            }
            return (value, value)
        case .shareType: return (value, EntryMetadata.shareTypes[Int(value) ?? 0] ?? value)
        case .formatClass: return (value, EntryMetadata.formatClasses[Int(value) ?? 0] ?? value)
        case .updateCycle: return (value, EntryMetadata.updateCycles[value] ?? value)
        case .classCode: return (value, try await CatalogClass.find(value, on: db)?.name ?? value)
        case .division: return (value, value)
        }
    }

    static func package(_ entry: PublishedEntry, viewer: CatalogViewer = .publicViewer, on db: any Database) async throws -> [String: Any] {
        let metadata = try JSONDecoder().decode(EntryMetadata.self, from: Data(entry.document.utf8))
        let department = try await OrganisationDirectory.department(entry.providerID, on: db)
        let mounts = try await Mount.query(on: db).filter(\.$entry.$id == entry.id!).all()
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let modified = String(formatter.string(from: entry.modifiedAt).dropLast())
        let created = String(formatter.string(from: entry.publishedAt).dropLast())
        return [
            "id": entry.id!.uuidString.lowercased(), "name": packageName(entry.code), "title": entry.name, "notes": metadata.abstract,
            "type": "dataset", "state": "active", "private": false, "version": String(entry.version),
            "metadata_created": created, "metadata_modified": modified,
            "owner_org": entry.providerID.uuidString.lowercased(),
            "organization": department.map { organisation($0, packageCount: 0) } ?? NSNull(),
            "tags": metadata.keywords.map { ["name": $0, "display_name": $0] }, "num_tags": metadata.keywords.count,
            "groups": [["name": entry.classCode, "title": try await CatalogClass.find(entry.classCode, on: db)?.name ?? entry.classCode]],
            "resources": mounts.map { mount in
                [
                    "id": mount.id!.uuidString.lowercased(), "package_id": entry.id!.uuidString.lowercased(),
                    "name": "\(mount.kind.rawValue)", "url": viewer == .government ? mount.target : CatalogAccess.hostOnly(mount.target),
                    "format": mount.kind == .api ? "API" : mount.kind == .table ? "TABLE" : "FILE", "state": mount.isLive ? "active" : "inactive",
                ] as [String: Any]
            },
            "num_resources": mounts.count,
            "extras": [
                ["key": "resource_code", "value": entry.code],
                ["key": "share_type", "value": EntryMetadata.shareTypes[metadata.shareType] ?? ""],
                ["key": "share_condition", "value": metadata.shareCondition ?? ""],
                ["key": "share_method", "value": EntryMetadata.shareMethods[metadata.shareMethod] ?? ""],
                ["key": "update_cycle", "value": EntryMetadata.updateCycles[metadata.updateCycle] ?? ""],
                ["key": "format", "value": (EntryMetadata.formatClasses[metadata.formatClass] ?? "") + " " + metadata.formatType],
                ["key": "data_items", "value": metadata.items.map(\.name).joined(separator: "、")],
            ],
        ]
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
